/*
 * qindex - the index of held messages (SPEC 5, 6 and 11)
 *
 * The table `quarantine` of the store (store.h: DIR/index.sqlite, or the
 * shared PostgreSQL database) lists every held message with its
 * envelope, decision and review state, so the DSL can list and search
 * without reading every message.  The content (content.h) is written
 * first; the row after it (qindex_add() ignores a reference it already
 * has, so a row can be written again from the content's .json).
 *
 * Every function takes a connection from the store and gives it back
 * before returning.  The same database holds the notice queue
 * (notices.h).  Functions return -1 on a database error (with
 * a message in *err when err is not NULL; free it), otherwise as stated.
 */
#ifndef AUP_QINDEX_H
#define AUP_QINDEX_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

struct notice;
struct audit_row;
struct store;

/* One row.  Strings are owned by the entry (qindex_entry_clear). */
struct qindex_entry {
	char	*ref;
	time_t	 time;			/* when it was held */
	char	*direction;		/* "inbound" / "outbound" */
	char	*sender;		/* envelope sender, "" for <> */
	char	*recipients;		/* envelope recipients, ", "-joined */
	char	*subject;		/* decoded Subject, or NULL */
	char	*policy;		/* the deciding policy */
	char	*policies;		/* the policies that held it, "a,b" */
	char	*reason;		/* the deciding policy's reason */
	int64_t	 size;			/* bytes */
	char	*status;		/* held|released|deleted|expired */
	time_t	 released_at;		/* 0 = never */
	char	*released_by;
	char	*released_to;		/* ", "-joined, or NULL */
	time_t	 delivered_at;		/* the released copy was let through */
	char	*delivered_qid;
	time_t	 deleted_at;
	char	*deleted_by;
	time_t	 notified_at;		/* the DSL was told (each or digest) */
	time_t	 reviewed_at;		/* marked reviewed (still held) */
	char	*reviewed_by;
	char	*school;		/* the school that judged it, "" for a
					 * single-school service */
};

#define QINDEX_MAX_SCOPE	4	/* policies in qindex_filter.scope */

/* What `aupctl quarantine list` filters on; NULL / 0 = any. */
struct qindex_filter {
	const char *policy;		/* one of the policies that held it */
	time_t	 since;			/* held at or after */
	time_t	 before;		/* held before (expiry) */
	const char *sender;		/* contains, case-insensitively */
	const char *recipient;		/* contains, case-insensitively */
	const char *status;		/* exact */
	bool	 with_files;		/* status held or released */
	bool	 unnotified;		/* notified_at not set */
	/* The console's filters and paging (aupctl leaves them 0). */
	time_t	 until;			/* held before (a day's end) */
	const char *direction;		/* exact */
	const char *search;		/* sender, recipients or subject
					 * contain it, case-insensitively */
	int	 reviewed;		/* 1 reviewed only, -1 unreviewed only */
	const char *scope[QINDEX_MAX_SCOPE + 1]; /* NULL-terminated: held by
					 * one of these policies; empty = any */
	const char *exclude;		/* not held by this policy */
	bool	 newest_first;
	long	 limit, offset;		/* 0 = all */
	const char *school;		/* exact; NULL = every school */
};

/* qindex_path - "DIR/index.sqlite" (new string) */
char	*qindex_path(const char *dir);
/* qindex_add - insert a row (an existing ref is left as it is): 0 or -1 */
int	qindex_add(struct store *st, const struct qindex_entry *e, char **err);
/*
 * qindex_add_held - insert a held message's row and queue its `n`
 * notices in one transaction: both are written or neither.  0 or -1.
 */
int	qindex_add_held(struct store *st, const struct qindex_entry *e,
	    const struct notice *notices, size_t n, time_t now, char **err);
/* qindex_get - one row: 1 found, 0 no such ref, -1 error */
int	qindex_get(struct store *st, const char *ref, struct qindex_entry *e,
	    char **err);
/* qindex_list - rows matching f, oldest first: count, or -1 */
long	qindex_list(struct store *st, const struct qindex_filter *f,
	    struct qindex_entry **out, char **err);
/* qindex_count - rows matching f (limit and offset ignored), or -1 */
long	qindex_count(struct store *st, const struct qindex_filter *f,
	    char **err);
/* qindex_has - is ref indexed? 1, 0 or -1 */
int	qindex_has(struct store *st, const char *ref, char **err);
/*
 * qindex_release - held -> released, recording who and to whom: 1 done,
 * 0 refused (not held: released before, deleted or expired), -1 error.
 */
int	qindex_release(struct store *st, const char *ref, const char *by,
	    const char *to, time_t now, char **err);
/* qindex_unrelease - undo qindex_release after a failed re-injection */
int	qindex_unrelease(struct store *st, const char *ref, char **err);
/*
 * The same four changes with the audit row that records them (audit.h),
 * in one transaction on either backend: the row is written only with
 * the change, and a row that cannot be written undoes the change (-1).
 */
int	qindex_release_audited(struct store *st, const char *ref,
	    const char *by, const char *to, time_t now,
	    const struct audit_row *audit, char **err);
int	qindex_unrelease_audited(struct store *st, const char *ref,
	    const struct audit_row *audit, char **err);
int	qindex_delete_audited(struct store *st, const char *ref,
	    const char *by, time_t now, const struct audit_row *audit,
	    char **err);
int	qindex_review_audited(struct store *st, const char *ref,
	    const char *by, time_t now, const struct audit_row *audit,
	    char **err);
/*
 * qindex_claim_delivery - the first released copy to reach the milter
 * claims the release: 1 claimed now, 0 not released or already
 * delivered (a replay), -1 error.
 */
int	qindex_claim_delivery(struct store *st, const char *ref,
	    const char *qid, time_t now, char **err);
/* qindex_delete - held or released -> deleted: 1, 0 refused, -1 */
int	qindex_delete(struct store *st, const char *ref, const char *by,
	    time_t now, char **err);
/* qindex_expire - held or released -> expired: 1, 0 refused, -1 */
int	qindex_expire(struct store *st, const char *ref, char **err);
/*
 * qindex_review - mark a held message reviewed (it stays held): 1 done,
 * 0 refused (not held, or reviewed before), -1 error.
 */
int	qindex_review(struct store *st, const char *ref, const char *by,
	    time_t now, char **err);
/* qindex_notified - set notified_at: 0 or -1 */
int	qindex_notified(struct store *st, const char *ref, time_t now,
	    char **err);
/* qindex_entry_clear - free a row's strings */
void	qindex_entry_clear(struct qindex_entry *e);
/* qindex_entries_free - free an array from qindex_list; returns NULL */
struct qindex_entry *qindex_entries_free(struct qindex_entry *e, long n);

#endif
