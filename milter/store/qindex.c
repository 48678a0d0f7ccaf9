/*
 * qindex - the index of held messages, on either backend
 *
 * SYNOPSIS
 *	qindex_path(), qindex_add(), qindex_add_held(), qindex_get(),
 *	qindex_list(), qindex_count(), qindex_has(), qindex_release(),
 *	qindex_unrelease(), qindex_claim_delivery(), qindex_delete(),
 *	qindex_expire(), qindex_review(), qindex_notified(),
 *	qindex_release_audited(), qindex_unrelease_audited(),
 *	qindex_delete_audited(), qindex_review_audited(),
 *	qindex_entry_clear(), qindex_entries_free()
 *
 * DESCRIPTION
 *	The table `quarantine` through the SQL layer (db.h), so SQLite and
 *	PostgreSQL run the same statements.  Every state change is one
 *	UPDATE whose WHERE clause checks the state it leaves, so two
 *	reviewers releasing one message at once - on one node or on two
 *	nodes sharing PostgreSQL - cannot both succeed: the second sees 0
 *	rows changed.  A hold and its notices are one transaction.
 *
 * DIAGNOSTICS
 *	-1 with the driver's message ("index.sqlite: ...", "postgresql:
 *	...") in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/db.h"
#include "store/notices.h"
#include "store/qindex.h"
#include "util/xalloc.h"

#define QINDEX_COLUMNS "ref, time, direction, sender, recipients, subject, " \
	"policy, policies, reason, size, status, released_at, released_by, " \
	"released_to, delivered_at, delivered_qid, deleted_at, deleted_by, " \
	"notified_at, reviewed_at, reviewed_by, school"

/* qindex_path - where the SQLite index lives */
char *
qindex_path(const char *dir)
{
	return xasprintf("%s/index.sqlite", dir);
}

/* qindex_insert - one new row on an open connection: 0 or -1 */
static int
qindex_insert(struct db *db, const struct qindex_entry *e, char **err)
{
	char t[DB_ARG_LEN], sz[DB_ARG_LEN], nt[DB_ARG_LEN];
	const char *args[] = { e->ref, db_arg_time(t, e->time), e->direction,
	    e->sender, e->recipients, e->subject, e->policy, e->policies,
	    e->reason, db_arg_int(sz, e->size),
	    e->status != NULL ? e->status : "held",
	    db_arg_time(nt, e->notified_at),
	    e->school != NULL ? e->school : "" };

	return db_exec(db, "INSERT INTO quarantine (ref, time, direction, "
	    "sender, recipients, subject, policy, policies, reason, size, "
	    "status, notified_at, school) VALUES ($1, $2, $3, $4, $5, $6, $7, "
	    "$8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING", 13, args,
	    err) < 0 ? -1 : 0;
}

/* qindex_add - one new row */
int
qindex_add(struct store *st, const struct qindex_entry *e, char **err)
{
	struct db *db = db_open(st, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = qindex_insert(db, e, err);
	db_close(db);
	return rc;
}

/* qindex_add_held - the row and its notices, all or nothing */
int
qindex_add_held(struct store *st, const struct qindex_entry *e,
    const struct notice *notices, size_t n, time_t now, char **err)
{
	struct db *db = db_open(st, err);
	int rc;

	if (db == NULL)
		return -1;
	if ((rc = db_begin(db, err)) == 0) {
		rc = qindex_insert(db, e, err);
		for (size_t i = 0; rc == 0 && i < n; i++)
			rc = notices_enqueue_db(db, &notices[i], now, err);
		if (rc == 0)
			rc = db_commit(db, err);
		else
			db_rollback(db);
	}
	db_close(db);
	return rc;
}

/* qindex_row - fill an entry from the current row */
static void
qindex_row(struct db_rows *r, struct qindex_entry *e)
{
	e->ref = db_dup(r, 0);
	e->time = (time_t)db_int(r, 1);
	e->direction = db_dup(r, 2);
	e->sender = db_dup(r, 3);
	e->recipients = db_dup(r, 4);
	e->subject = db_dup(r, 5);
	e->policy = db_dup(r, 6);
	e->policies = db_dup(r, 7);
	e->reason = db_dup(r, 8);
	e->size = db_int(r, 9);
	e->status = db_dup(r, 10);
	e->released_at = (time_t)db_int(r, 11);
	e->released_by = db_dup(r, 12);
	e->released_to = db_dup(r, 13);
	e->delivered_at = (time_t)db_int(r, 14);
	e->delivered_qid = db_dup(r, 15);
	e->deleted_at = (time_t)db_int(r, 16);
	e->deleted_by = db_dup(r, 17);
	e->notified_at = (time_t)db_int(r, 18);
	e->reviewed_at = (time_t)db_int(r, 19);
	e->reviewed_by = db_dup(r, 20);
	e->school = db_dup(r, 21);
}

/* qindex_fill, qindex_clear - db_store_list's callbacks */
static void
qindex_fill(struct db_rows *r, void *e)
{
	qindex_row(r, e);
}

static void
qindex_clear(void *e)
{
	qindex_entry_clear(e);
}

/* qindex_scope_sql - " AND (held by $10 OR ... $13)" for a scope */
static void
qindex_scope_sql(const struct qindex_filter *f, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	if (f->scope[0] == NULL)
		return;
	n += (size_t)snprintf(buf, size, " AND (1 = 0");
	for (int i = 0; i < QINDEX_MAX_SCOPE && f->scope[i] != NULL; i++)
		n += (size_t)snprintf(buf + n, size - n, " OR strpos(',' || "
		    "policies || ',', ',' || $%d || ',') > 0", 10 + i);
	snprintf(buf + n, size - n, ")");
}

/* qindex_filter_sql - the query of a filter (new string); only fixed
 * fragments go into the text, every value is a bound parameter */
static char *
qindex_filter_sql(const struct qindex_filter *f, bool count)
{
	char scope[512];

	qindex_scope_sql(f, scope, sizeof(scope));
	return xasprintf("SELECT %s FROM quarantine WHERE 1 = 1"
	    "%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s%s",
	    count ? "count(*)" : QINDEX_COLUMNS,
	    f->policy ? " AND strpos(',' || policies || ',', ',' || $1 || ',')"
	    " > 0" : "",
	    f->since ? " AND time >= $2" : "",
	    f->before ? " AND time < $3" : "",
	    f->sender ? " AND strpos(lower(sender), lower($4)) > 0" : "",
	    f->recipient ? " AND strpos(lower(recipients), lower($5)) > 0" :
	    "",
	    f->status ? " AND status = $6" : "",
	    f->with_files ? " AND status IN ('held', 'released')" : "",
	    f->unnotified ? " AND notified_at IS NULL" : "",
	    f->until ? " AND time < $7" : "",
	    f->direction ? " AND direction = $8" : "",
	    f->search ? " AND (strpos(lower(sender), lower($9)) > 0 OR "
	    "strpos(lower(recipients), lower($9)) > 0 OR "
	    "strpos(lower(coalesce(subject, '')), lower($9)) > 0)" : "",
	    f->reviewed > 0 ? " AND reviewed_at IS NOT NULL" :
	    f->reviewed < 0 ? " AND reviewed_at IS NULL" : "", scope,
	    f->exclude ? " AND strpos(',' || policies || ',', ',' || $16 || "
	    "',') = 0" : "",
	    f->school ? " AND school = $17" : "",
	    count ? "" : f->newest_first ? " ORDER BY time DESC, ref DESC" :
	    " ORDER BY time, ref",
	    !count && f->limit > 0 ? " LIMIT $14 OFFSET $15" : "");
}

#define QINDEX_FILTER_ARGS	17

/* qindex_filter_args - the values of a filter's parameters ($1..$17) */
static void
qindex_filter_args(const struct qindex_filter *f, const char **a,
    char (*buf)[DB_ARG_LEN])
{
	memset(a, 0, QINDEX_FILTER_ARGS * sizeof(*a));
	a[0] = f->policy;
	a[1] = db_arg_time(buf[0], f->since);
	a[2] = db_arg_time(buf[1], f->before);
	a[3] = f->sender;
	a[4] = f->recipient;
	a[5] = f->status;
	a[6] = db_arg_time(buf[2], f->until);
	a[7] = f->direction;
	a[8] = f->search;
	for (int i = 0; i < QINDEX_MAX_SCOPE && f->scope[i] != NULL; i++)
		a[9 + i] = f->scope[i];
	a[13] = db_arg_int(buf[3], f->limit);
	a[14] = db_arg_int(buf[4], f->offset);
	a[15] = f->exclude;
	a[16] = f->school;
}

/* qindex_list - rows of a filter */
long
qindex_list(struct store *st, const struct qindex_filter *f,
    struct qindex_entry **out, char **err)
{
	const char *a[QINDEX_FILTER_ARGS];
	char buf[5][DB_ARG_LEN];
	char *sql = qindex_filter_sql(f, false);
	long n;

	qindex_filter_args(f, a, buf);
	n = db_store_list(st, sql, QINDEX_FILTER_ARGS, a, sizeof(**out),
	    qindex_fill, qindex_clear, (void **)out, err);
	free(sql);
	return n;
}

/* qindex_count - how many rows a filter matches */
long
qindex_count(struct store *st, const struct qindex_filter *f, char **err)
{
	const char *a[QINDEX_FILTER_ARGS];
	char buf[5][DB_ARG_LEN];
	struct db *db = db_open(st, err);
	char *sql = qindex_filter_sql(f, true);
	int64_t v = 0;
	long n = -1;

	qindex_filter_args(f, a, buf);
	if (db != NULL && db_one(db, sql, QINDEX_FILTER_ARGS, a, &v, err) == 1)
		n = (long)v;
	db_close(db);
	free(sql);
	return n;
}

/* qindex_get - one row by reference */
int
qindex_get(struct store *st, const char *ref, struct qindex_entry *e,
    char **err)
{
	const char *args[] = { ref };
	struct db *db = db_open(st, err);
	struct db_rows *r;
	int rc = -1;

	memset(e, 0, sizeof(*e));
	if (db == NULL)
		return -1;
	r = db_query(db, "SELECT " QINDEX_COLUMNS " FROM quarantine WHERE "
	    "ref = $1", 1, args, err);
	if (r != NULL && (rc = db_next(r, err)) == 1)
		qindex_row(r, e);
	db_rows_free(r);
	db_close(db);
	return rc;
}

/* qindex_has - is a reference indexed? */
int
qindex_has(struct store *st, const char *ref, char **err)
{
	struct qindex_entry e;
	int rc = qindex_get(st, ref, &e, err);

	qindex_entry_clear(&e);
	return rc;
}

/*
 * qindex_change - one state change and, when audit is not NULL and the
 * change is made, its audit row, in one transaction: 1 done, 0 refused
 * (nothing written), -1 error (nothing written)
 */
static int
qindex_change(struct store *st, const char *sql, int n,
    const char *const *args, const struct audit_row *audit, char **err)
{
	struct db *db;
	long rc;

	if (audit == NULL) {
		rc = db_store_exec(st, sql, n, args, err);
		return rc < 0 ? -1 : rc > 0;
	}
	if ((db = db_open(st, err)) == NULL)
		return -1;
	if (db_begin(db, err) < 0)
		rc = -1;
	else if ((rc = db_exec(db, sql, n, args, err)) != 1 ||
	    audit_add_db(db, audit, err) < 0) {
		db_rollback(db);
		rc = rc == 0 ? 0 : -1;
	} else if (db_commit(db, err) < 0)
		rc = -1;
	db_close(db);
	return (int)rc;
}

/* qindex_release_audited - record a release, with its audit row */
int
qindex_release_audited(struct store *st, const char *ref, const char *by,
    const char *to, time_t now, const struct audit_row *audit, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), by, to, ref };

	return qindex_change(st, "UPDATE quarantine SET status = 'released', "
	    "released_at = $1, released_by = $2, released_to = $3 WHERE "
	    "ref = $4 AND status = 'held' AND released_at IS NULL", 4, args,
	    audit, err);
}

/* qindex_release - record a release */
int
qindex_release(struct store *st, const char *ref, const char *by,
    const char *to, time_t now, char **err)
{
	return qindex_release_audited(st, ref, by, to, now, NULL, err);
}

/* qindex_unrelease_audited - held again, with its audit row */
int
qindex_unrelease_audited(struct store *st, const char *ref,
    const struct audit_row *audit, char **err)
{
	const char *args[] = { ref };

	return qindex_change(st, "UPDATE quarantine SET status = 'held', "
	    "released_at = NULL, released_by = NULL, released_to = NULL "
	    "WHERE ref = $1 AND status = 'released' AND delivered_at IS NULL",
	    1, args, audit, err);
}

/* qindex_unrelease - the re-injection failed: held again */
int
qindex_unrelease(struct store *st, const char *ref, char **err)
{
	return qindex_unrelease_audited(st, ref, NULL, err);
}

/* qindex_claim_delivery - first use of a release */
int
qindex_claim_delivery(struct store *st, const char *ref, const char *qid,
    time_t now, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), qid, ref };

	return qindex_change(st, "UPDATE quarantine SET delivered_at = $1, "
	    "delivered_qid = $2 WHERE ref = $3 AND released_at IS NOT NULL "
	    "AND delivered_at IS NULL", 3, args, NULL, err);
}

/* qindex_delete_audited - record a deletion, with its audit row */
int
qindex_delete_audited(struct store *st, const char *ref, const char *by,
    time_t now, const struct audit_row *audit, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), by, ref };

	return qindex_change(st, "UPDATE quarantine SET status = 'deleted', "
	    "deleted_at = $1, deleted_by = $2 WHERE ref = $3 AND status IN "
	    "('held', 'released')", 3, args, audit, err);
}

/* qindex_delete - record a deletion */
int
qindex_delete(struct store *st, const char *ref, const char *by,
    time_t now, char **err)
{
	return qindex_delete_audited(st, ref, by, now, NULL, err);
}

/* qindex_expire - record an expiry */
int
qindex_expire(struct store *st, const char *ref, char **err)
{
	const char *args[] = { ref };

	return qindex_change(st, "UPDATE quarantine SET status = 'expired' "
	    "WHERE ref = $1 AND status IN ('held', 'released')", 1, args,
	    NULL, err);
}

/* qindex_review_audited - record a review, with its audit row */
int
qindex_review_audited(struct store *st, const char *ref, const char *by,
    time_t now, const struct audit_row *audit, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), by, ref };

	return qindex_change(st, "UPDATE quarantine SET reviewed_at = $1, "
	    "reviewed_by = $2 WHERE ref = $3 AND status = 'held' AND "
	    "reviewed_at IS NULL", 3, args, audit, err);
}

/* qindex_review - record a review; the message stays held */
int
qindex_review(struct store *st, const char *ref, const char *by,
    time_t now, char **err)
{
	return qindex_review_audited(st, ref, by, now, NULL, err);
}

/* qindex_notified - the DSL has been told */
int
qindex_notified(struct store *st, const char *ref, time_t now, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_time(t, now), ref };

	return db_store_exec(st, "UPDATE quarantine SET notified_at = $1 "
	    "WHERE ref = $2", 2, args, err) < 0 ? -1 : 0;
}

/* qindex_entry_clear - free the strings of a row */
void
qindex_entry_clear(struct qindex_entry *e)
{
	free(e->ref);
	free(e->direction);
	free(e->sender);
	free(e->recipients);
	free(e->subject);
	free(e->policy);
	free(e->policies);
	free(e->reason);
	free(e->status);
	free(e->released_by);
	free(e->released_to);
	free(e->delivered_qid);
	free(e->deleted_by);
	free(e->reviewed_by);
	free(e->school);
	memset(e, 0, sizeof(*e));
}

/* qindex_entries_free - free a list */
struct qindex_entry *
qindex_entries_free(struct qindex_entry *e, long n)
{
	for (long i = 0; i < n; i++)
		qindex_entry_clear(&e[i]);
	free(e);
	return NULL;
}
