/*
 * alerts - safeguarding alerts the DSL works (SPEC 2.6, 9)
 *
 * An alert is one concern (a category such as "self-harm", or
 * pupil-mail's "personal-details") raised by one judged message: who
 * (addresses and roles), when, the message's reference, how grave
 * (score and severity), whether the message was held, and the DSL's
 * work on it: status open / in progress / closed, assignee, notes.  A
 * message that raises two categories makes two alerts.
 *
 * The matched phrases with about 120 characters of context are stored
 * with the alert for the DSL alone (alerts_get() reads them back; the
 * console shows them).  Nothing here ever writes them anywhere else:
 * not the event log, not a notice, not a list.
 *
 * The tables live in the store's database (store.h: DIR/index.sqlite,
 * mode 0640 in a 0750 folder, or the shared PostgreSQL database), one
 * connection per call like qindex.  Functions return -1 on a database error (with a message in
 * *err when err is not NULL; free it), otherwise as stated.  Strings in
 * entries are owned by the entry (alerts_entry_clear()).
 */
#ifndef AUP_ALERTS_H
#define AUP_ALERTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct store;

/* One matched phrase, for the DSL only. */
struct alert_match {
	char	*phrase;		/* the term-list phrase that matched */
	char	*context;		/* ~120 characters around it */
	long	 weight;
};

/* One note the DSL (or a deputy) added. */
struct alert_note {
	time_t	 time;
	char	*by;
	char	*text;
};

struct alert_entry {
	int64_t	 id;			/* assigned by alerts_add() */
	char	*ref;			/* the message's reference code */
	time_t	 time;			/* when the message was judged */
	char	*policy;		/* "safeguarding", "pupil-mail" */
	char	*category;		/* "bullying", "personal-details" */
	long	 score;
	char	*severity;		/* "low", "medium", "high" */
	bool	 held;			/* the message was quarantined */
	char	*direction;		/* "inbound" / "outbound" */
	char	*sender;		/* envelope sender, "" for <> */
	char	*sender_role;		/* "pupil", "external", ... */
	char	*recipients;		/* "addr (role), addr (role)" */
	char	*status;		/* "open", "in progress", "closed" */
	char	*assignee;		/* or NULL */
	time_t	 updated_at;		/* 0 = never changed */
	char	*updated_by;
	char	*school;		/* the school that judged the message,
					 * "" for a single-school service */
	/* read by alerts_get() only (alerts_list() leaves them empty) */
	struct alert_match *matches;
	size_t	 nmatches;
	struct alert_note *notes;
	size_t	 nnotes;
};

/* What a list filters on; NULL / 0 = any. */
struct alert_filter {
	const char *status;		/* exact */
	const char *category;		/* exact */
	const char *ref;		/* the message's reference */
	time_t	 since;			/* at or after */
	bool	 not_closed;		/* open or in progress */
	const char *school;		/* exact; NULL = every school */
};

/* A change the DSL makes; NULL fields are left as they are. */
struct alert_update {
	const char *status;		/* one of alerts_statuses */
	const char *assignee;		/* "" clears it */
	const char *note;		/* appended, never replaces */
};

/* The states of an alert, NULL-terminated: open, in progress, closed. */
extern const char *const alerts_statuses[];

/* alerts_status_valid - is s one of alerts_statuses? */
bool	alerts_status_valid(const char *s);
/*
 * alerts_add - insert an alert (status "open" unless e->status is set)
 * with its matches, in one transaction; *id gets its number (may be
 * NULL).  0 or -1.
 */
int	alerts_add(struct store *st, const struct alert_entry *e, int64_t *id,
	    char **err);
/* alerts_get - one alert with matches and notes: 1, 0 no such id, -1 */
int	alerts_get(struct store *st, int64_t id, struct alert_entry *e,
	    char **err);
/* alerts_list - alerts of a filter, newest first: count, or -1 */
long	alerts_list(struct store *st, const struct alert_filter *f,
	    struct alert_entry **out, char **err);
/*
 * alerts_update - apply u as user `by` at `now` (status, assignee, a
 * note): 1 done, 0 no such alert, -1 error (an unknown status is an
 * error, with *err saying so).
 */
int	alerts_update(struct store *st, int64_t id, const struct alert_update *u,
	    const char *by, time_t now, char **err);
/* alerts_count - alerts of a filter: count, or -1 */
long	alerts_count(struct store *st, const struct alert_filter *f, char **err);
/* alerts_entry_clear - free an entry's strings, matches and notes */
void	alerts_entry_clear(struct alert_entry *e);
/* alerts_entries_free - free an array from alerts_list; returns NULL */
struct alert_entry *alerts_entries_free(struct alert_entry *e, long n);

#endif
