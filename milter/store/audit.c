/*
 * audit - the audit trail in the store's database
 *
 * SYNOPSIS
 *	audit_add(), audit_add_db(), audit_list(), audit_count(),
 *	audit_rows_free()
 *
 * DESCRIPTION
 *	The table `audit` through the SQL layer (db.h), beside the held
 *	index, on either backend.  audit_add_db() writes inside a caller's
 *	transaction (a release claim and its audit row go together).
 *	Every value is a bound parameter.
 *
 * DIAGNOSTICS
 *	-1 with the driver's message in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "store/audit.h"
#include "store/db.h"
#include "util/xalloc.h"

#define AUDIT_COLUMNS "id, time, \"user\", role, via, address, action, " \
	"ref, result, reason, detail, school"

/* audit_add_db - one new row on an open connection */
int
audit_add_db(struct db *db, const struct audit_row *r, char **err)
{
	char t[DB_ARG_LEN];
	const char *args[] = { db_arg_int(t, r->time != 0 ? r->time :
	    time(NULL)), r->user, r->role, r->via, r->address, r->action,
	    r->ref, r->result, r->reason, r->detail,
	    r->school != NULL ? r->school : "" };

	return db_exec(db, "INSERT INTO audit (time, \"user\", role, via, "
	    "address, action, ref, result, reason, detail, school) VALUES ($1, "
	    "$2, $3, $4, $5, $6, $7, $8, $9, $10, $11)", 11, args, err) < 0 ?
	    -1 : 0;
}

/* audit_add - one new row */
int
audit_add(struct store *st, const struct audit_row *r, char **err)
{
	struct db *db = db_open(st, err);
	int rc;

	if (db == NULL)
		return -1;
	rc = audit_add_db(db, r, err);
	db_close(db);
	return rc;
}

/* audit_sql - the query of a filter (new string; values are bound) */
static char *
audit_sql(const struct audit_filter *f, bool count)
{
	return xasprintf("SELECT %s FROM audit WHERE 1 = 1%s%s%s%s%s%s%s%s",
	    count ? "count(*)" : AUDIT_COLUMNS,
	    f->user ? " AND \"user\" = $1" : "",
	    f->action ? " AND action = $2" : "",
	    f->ref ? " AND ref = $3" : "",
	    f->since ? " AND time >= $4" : "",
	    f->until ? " AND time < $5" : "",
	    f->school ? " AND school = $8" : "",
	    count ? "" : " ORDER BY id DESC",
	    !count && f->limit > 0 ? " LIMIT $6 OFFSET $7" : "");
}

#define AUDIT_ARGS	8

/* audit_args - the values of a filter's parameters */
static void
audit_args(const struct audit_filter *f, const char **a,
    char (*buf)[DB_ARG_LEN])
{
	a[0] = f->user;
	a[1] = f->action;
	a[2] = f->ref;
	a[3] = db_arg_int(buf[0], f->since);
	a[4] = db_arg_int(buf[1], f->until);
	a[5] = db_arg_int(buf[2], f->limit);
	a[6] = db_arg_int(buf[3], f->offset);
	a[7] = f->school;
}

/* audit_row_read - the current row */
static void
audit_row_read(struct db_rows *q, struct audit_row *r)
{
	r->id = db_int(q, 0);
	r->time = (time_t)db_int(q, 1);
	r->user = db_dup(q, 2);
	r->role = db_dup(q, 3);
	r->via = db_dup(q, 4);
	r->address = db_dup(q, 5);
	r->action = db_dup(q, 6);
	r->ref = db_dup(q, 7);
	r->result = db_dup(q, 8);
	r->reason = db_dup(q, 9);
	r->detail = db_dup(q, 10);
	r->school = db_dup(q, 11);
}

/* audit_row_fill - db_store_list's callback */
static void
audit_row_fill(struct db_rows *q, void *r)
{
	audit_row_read(q, r);
}

/* audit_row_clear - one row's strings */
static void
audit_row_clear(void *p)
{
	struct audit_row *r = p;

	free(r->user);
	free(r->role);
	free(r->via);
	free(r->address);
	free(r->action);
	free(r->ref);
	free(r->result);
	free(r->reason);
	free(r->detail);
	free(r->school);
}

/* audit_list - rows of a filter, newest first */
long
audit_list(struct store *st, const struct audit_filter *f,
    struct audit_row **out, char **err)
{
	const char *a[AUDIT_ARGS];
	char buf[4][DB_ARG_LEN];
	char *sql = audit_sql(f, false);
	long n;

	audit_args(f, a, buf);
	n = db_store_list(st, sql, AUDIT_ARGS, a, sizeof(**out),
	    audit_row_fill, audit_row_clear, (void **)out, err);
	free(sql);
	return n;
}

/* audit_count - rows of a filter */
long
audit_count(struct store *st, const struct audit_filter *f, char **err)
{
	const char *a[AUDIT_ARGS];
	char buf[4][DB_ARG_LEN];
	struct db *db = db_open(st, err);
	char *sql = audit_sql(f, true);
	int64_t v = 0;
	long n = -1;

	audit_args(f, a, buf);
	if (db != NULL && db_one(db, sql, AUDIT_ARGS, a, &v, err) == 1)
		n = (long)v;
	db_close(db);
	free(sql);
	return n;
}

/* audit_rows_free - free a list */
struct audit_row *
audit_rows_free(struct audit_row *rows, long n)
{
	for (long i = 0; i < n; i++)
		audit_row_clear(&rows[i]);
	free(rows);
	return NULL;
}
