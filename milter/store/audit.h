/*
 * audit - the audit trail of the store: who did what to which message,
 * when, why and from where (SPEC 6 and 9)
 *
 * One table, `audit`, in the store's database (store.h), so the trail
 * lives with what it describes and the console's Audit page
 * can filter it.  Rows are only ever added.  Functions return -1 on a
 * database error with a message in *err (free it) when err is not NULL.
 */
#ifndef AUP_AUDIT_H
#define AUP_AUDIT_H

#include <stdint.h>
#include <time.h>

struct db;
struct store;

/* One row.  audit_add() borrows the strings; audit_list() owns them. */
struct audit_row {
	int64_t	 id;
	time_t	 time;
	char	*user;		/* the person (console user, SUDO_USER...) */
	char	*role;		/* console role, or NULL (aupctl) */
	char	*via;		/* "console" or "aupctl" */
	char	*address;	/* client address (console), or NULL */
	char	*action;	/* "release", "delete", "review", "view"... */
	char	*ref;		/* the message, or NULL */
	char	*result;	/* "ok", "refused", "failed" */
	char	*reason;	/* the reason the person gave, or NULL */
	char	*detail;	/* e.g. where a release went, or NULL */
	char	*school;	/* the school of the message or of the
				 * person, "" for a single-school service */
};

/* What the Audit page filters on; NULL / 0 = any. */
struct audit_filter {
	const char *user;	/* exact */
	const char *action;	/* exact */
	const char *ref;	/* exact */
	time_t	 since, until;
	const char *school;	/* exact; NULL = every school */
	long	 limit, offset;	/* 0 = all; newest first */
};

/* audit_add - append one row (time 0 = now): 0 or -1 */
int	audit_add(struct store *st, const struct audit_row *r, char **err);
/* audit_add_db - the same inside the caller's transaction: 0 or -1 */
int	audit_add_db(struct db *db, const struct audit_row *r, char **err);
/* audit_list - rows matching f, newest first: count, or -1 */
long	audit_list(struct store *st, const struct audit_filter *f,
	    struct audit_row **out, char **err);
/* audit_count - rows matching f (limit and offset ignored), or -1 */
long	audit_count(struct store *st, const struct audit_filter *f,
	    char **err);
/* audit_rows_free - free what audit_list returned; returns NULL */
struct audit_row *audit_rows_free(struct audit_row *rows, long n);

#endif
