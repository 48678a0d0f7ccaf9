/*
 * notices - the durable queue of notices (SPEC 12)
 *
 * A notice (held, deferred, alert, digest, release confirmation, the
 * full explanation of a short reply) is a row of the table `notices` in
 * the store's database (store.h), written in
 * the same transaction as what it is about when there is one (a hold:
 * qindex_add_held).  A sender (notices_send.h) claims each due row, sends
 * it by SMTP to [notify] relay and records the outcome; a notice the
 * relay did not take waits and is tried again, for up to
 * NOTICES_LIFETIME.  Nothing here waits on the network.
 *
 * Life of a row: queued -> sending (claimed by one sender) -> sent, or
 * back to queued with a later next_try and the last error, or failed
 * (refused by the relay with 5xx, or still not sent after 5 days).
 */
#ifndef AUP_NOTICES_H
#define AUP_NOTICES_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define NOTICES_LIFETIME	(5 * 24 * 3600)	/* seconds a notice is tried */
#define NOTICES_CLAIM_TTL	900	/* a claim older than this was cut off */

struct db;
struct store;

struct notice {
	const char *kind;	/* "held", "alert", "deferred", "digest", "release", "reply" */
	const char *ref;	/* the reference of the message it is about, or NULL */
	const char *to;		/* one recipient address */
	const char *subject;	/* UTF-8 */
	const char *body;	/* UTF-8 plain text */
	const char *school;	/* the school it is about, NULL/"" for none */
};

/* One queued notice as the store has it (strings owned; notice_row_clear). */
struct notice_row {
	int64_t	 id;
	char	*kind;
	char	*ref;			/* or NULL */
	char	*to;
	char	*subject;
	char	*body;
	char	*state;			/* queued|sending|sent|failed */
	time_t	 created;
	time_t	 next_try;
	time_t	 sent_at;		/* 0 = not sent */
	long	 tries;
	char	*last_error;		/* or NULL */
	char	*school;		/* "" for a single-school service */
};

/* notices_enqueue - queue one notice in the store: 0, or -1 with *err set (caller frees) */
int	notices_enqueue(struct store *st, const struct notice *n,
	    time_t now, char **err);
/*
 * notices_enqueue_db - the same on an open connection, inside the
 * caller's transaction (db_open(), db_begin() ... db_commit()).
 */
int	notices_enqueue_db(struct db *db, const struct notice *n,
	    time_t now, char **err);
/* notice_valid - can this notice be queued?  NULL, or why not (static) */
const char *notice_valid(const struct notice *n);

/*
 * notices_claim - take the oldest due notice for sending (state queued,
 * next_try <= now): 1 with *row filled, 0 when none is due, -1 error.
 * Claims older than NOTICES_CLAIM_TTL (a sender that died mid-send) are
 * queued again first.  `who` names the claimant in the row.
 */
int	notices_claim(struct store *st, const char *who, time_t now,
	    struct notice_row *row, char **err);
/* notices_mark_sent - the relay took it: 0 or -1 */
int	notices_mark_sent(struct store *st, int64_t id, time_t now,
	    char **err);
/*
 * notices_mark_deferred - not taken this time: queued again for `delay`
 * seconds later with `why`, or failed when it is older than
 * NOTICES_LIFETIME or `permanent`.  Returns 1 queued, 0 failed, -1 error.
 */
int	notices_mark_deferred(struct store *st, int64_t id, time_t now,
	    long delay, bool permanent, const char *why, char **err);
/* notices_next_due - the earliest next_try of a queued notice: 1, 0 none, -1 */
int	notices_next_due(struct store *st, time_t *when, char **err);
/*
 * notices_list - rows, oldest first: every one with `all`, else those
 * not sent (queued, sending, failed).  Count, or -1.
 */
long	notices_list(struct store *st, bool all, struct notice_row **out,
	    char **err);
/*
 * notices_retry - make queued and failed notices due now (one with
 * id > 0, every one with id 0); a failed one gets another
 * NOTICES_LIFETIME.  Rows changed, or -1.
 */
long	notices_retry(struct store *st, int64_t id, time_t now,
	    char **err);
/* notice_row_clear - free a row's strings */
void	notice_row_clear(struct notice_row *r);
/* notice_rows_free - free an array from notices_list; returns NULL */
struct notice_row *notice_rows_free(struct notice_row *r, long n);

#endif
