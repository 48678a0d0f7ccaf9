/*
 * deferred - messages kept until the school opens (working-hours: SPEC
 * 2.8 and 5), and the functions the daemon, aupctl and the console use
 *
 * A deferred message is stored like a held one (content.h, kind
 * CONTENT_DEFERRED: the message as received and its envelope, decision,
 * reasons and due time, durable before the milter answers 250), and a
 * row in the table `deferred` of the store's database.  A row's life:
 *
 *	waiting --claim--> sending --sent--> sent
 *	   |                  |
 *	   +--cancel--> cancelled   (sending -> waiting again when
 *	                             sendmail(1) fails)
 *
 * At the due time (or on "send now") deferred_send() claims the row,
 * re-injects the stored message to its original recipients through
 * sendmail(1) with an X-AUP-Release mark (release.c) that lifts only
 * working-hours, and records it sent.  The milter lets the first copy
 * carrying the mark through and claims the delivery in the row
 * (deferred_claim_delivery); any later copy is a duplicate and is
 * dropped.  So a crash between re-injection and bookkeeping, a restart
 * or two nodes sending at once deliver it once: a row left `sending`
 * is sent again (deferred_due lists it), and the milter drops the copy
 * that comes second.
 *
 * Every function takes its own connection from the store (db.h) and
 * returns -1 on a database error with a message in *err (free it).
 * Times are seconds since the epoch; 0 = not set.  This header is the
 * interface for the console's Deferred page: list, get, send now,
 * cancel.
 */
#ifndef AUP_DEFERRED_H
#define AUP_DEFERRED_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"
#include "store/notices.h"

#define DEFERRED_RELEASE_BY	"working-hours"	/* sent_by at the due time */
#define DEFERRED_POLICY		"working-hours"	/* what the mark lifts */

/* One row.  Strings are owned by the entry (deferred_entry_clear). */
struct deferred_entry {
	char	*ref;
	time_t	 time;		/* when it was deferred */
	time_t	 due;		/* when it is to be delivered */
	char	*due_text;	/* "07:30 on Monday 5 January 2027" */
	char	*sender;	/* envelope sender, "" for <> */
	char	*recipients;	/* envelope recipients, ", "-joined */
	char	*subject;	/* decoded Subject, or NULL */
	char	*login;		/* the SASL login that sent it, or NULL */
	char	*reason;	/* working-hours' reason */
	int64_t	 size;
	char	*status;	/* waiting|sending|sent|cancelled */
	time_t	 claimed_at;	/* last claim for sending */
	int	 attempts;	/* sendmail(1) runs */
	char	*last_error;	/* why the last one failed */
	time_t	 sent_at;	/* handed to sendmail(1) */
	char	*sent_by;	/* DEFERRED_RELEASE_BY or who sent it now */
	time_t	 delivered_at;	/* the milter let the copy through */
	char	*delivered_qid;
	time_t	 cancelled_at;
	char	*cancelled_by;
	time_t	 notified_at;	/* the sender's notice was queued */
	char	*school;	/* the school that judged it, "" for one */
};

/* What deferred_list() returns; NULL / 0 = any. */
struct deferred_filter {
	const char *status;	/* exact */
	const char *sender;	/* contains, case-insensitively */
	time_t	 due_before;	/* due at or before */
	const char *school;	/* exact; NULL = every school */
};

/* deferred_add - insert a row (an existing ref is left as is): 0 or -1 */
int	deferred_add(struct store *st, const struct deferred_entry *e,
	    char **err);
/*
 * deferred_add_with_notice - the same and queue `n` (the sender's notice,
 * may be NULL) in one transaction: both are written or neither.
 */
int	deferred_add_with_notice(struct store *st,
	    const struct deferred_entry *e, const struct notice *n,
	    time_t now, char **err);
/* deferred_get - one row: 1 found, 0 no such ref, -1 error */
int	deferred_get(struct store *st, const char *ref,
	    struct deferred_entry *e, char **err);
/* deferred_list - rows matching f, by due time: count, or -1 */
long	deferred_list(struct store *st, const struct deferred_filter *f,
	    struct deferred_entry **out, char **err);
/*
 * deferred_due - rows to send at `now`: waiting and due, or left
 * `sending` (a crash or a failed sendmail) `retry` seconds or more ago.
 */
long	deferred_due(struct store *st, time_t now, time_t retry,
	    struct deferred_entry **out, char **err);
/*
 * deferred_claim - waiting (or `sending` since before `stale`) ->
 * sending: 1 claimed by this caller, 0 not (sent, cancelled, claimed by
 * another), -1 error.
 */
int	deferred_claim(struct store *st, const char *ref, time_t now,
	    time_t stale, char **err);
/* deferred_mark_sent - sending -> sent by `by`: 1, 0, -1 */
int	deferred_mark_sent(struct store *st, const char *ref, const char *by,
	    time_t now, char **err);
/* deferred_unclaim - sending -> waiting after a failure: 1, 0, -1 */
int	deferred_unclaim(struct store *st, const char *ref, const char *why,
	    char **err);
/* deferred_cancel - waiting -> cancelled by `by`: 1, 0 refused, -1 */
int	deferred_cancel(struct store *st, const char *ref, const char *by,
	    time_t now, char **err);
/*
 * deferred_claim_delivery - the milter: the first copy with a valid
 * mark claims the delivery: 1 claimed now, 0 already delivered (a
 * duplicate) or not sent, -1 error.
 */
int	deferred_claim_delivery(struct store *st, const char *ref,
	    const char *qid, time_t now, char **err);
/* deferred_entry_clear - free a row's strings */
void	deferred_entry_clear(struct deferred_entry *e);
/* deferred_entries_free - free a list; returns NULL */
struct deferred_entry *deferred_entries_free(struct deferred_entry *e,
	    long n);

/*
 * deferred_store - the milter's act step: write the message and its
 * metadata durably and add the row (status waiting) with the sender's
 * notice queued in the same transaction.  0, or -1 with errno (the
 * caller tempfails: never lost).
 */
int	deferred_store(const struct conf *cf, const struct msg *m,
	    const struct verdict *v, const char *login);
/*
 * deferred_send - claim `ref` and re-inject it now with the release
 * mark, recording `by` (DEFERRED_RELEASE_BY at the due time, or the
 * user who sent it early).  1 sent, 0 not sendable (sent, cancelled, or
 * being sent by someone else; *err says which), -1 failed (*err; the
 * row waits again).  Runs sendmail(1): never call it on a libmilter
 * worker thread.
 */
int	deferred_send(const struct conf *cf, const char *ref, const char *by,
	    time_t now, char **err);
/*
 * deferred_notice - the sender's notice (kind "deferred": when it will be
 * delivered; template working-hours), or false when there is none to
 * send (no school sender, no template).  Free with notify_notice_clear().
 */
bool	deferred_notice(const struct conf *cf, const struct deferred_entry *e,
	    struct notice *out);

#endif
