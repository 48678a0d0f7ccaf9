/*
 * audit - the audit trail in the store's SQLite index
 *
 * SYNOPSIS
 *	audit_add(), audit_list(), audit_count(), audit_rows_free()
 *
 * DESCRIPTION
 *	The table lives in DIR/index.sqlite beside the quarantine table
 *	(qindex_db() makes the file and its schema; the audit table
 *	is made here on first use).  One connection per call, as in
 *	qindex.c: actions are rare and SQLite's WAL mode lets the console
 *	read while the milter and aupctl write.  Every value is a bound
 *	parameter.
 *
 * DIAGNOSTICS
 *	-1 with "index.sqlite: audit: ..." in *err.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "store/audit.h"
#include "store/qindex.h"
#include "util/xalloc.h"

static const char audit_schema[] =
    "CREATE TABLE IF NOT EXISTS audit ("
    " id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL,"
    " role TEXT, via TEXT NOT NULL, address TEXT, action TEXT NOT NULL,"
    " ref TEXT, result TEXT NOT NULL, reason TEXT, detail TEXT,"
    " school TEXT NOT NULL DEFAULT '');"
    "CREATE INDEX IF NOT EXISTS audit_ref ON audit (ref);";

#define AUDIT_COLUMNS "id, time, user, role, via, address, action, ref, " \
	"result, reason, detail, school"

/* audit_fail - *err from the connection; returns -1 */
static int
audit_fail(sqlite3 *db, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: audit: %s: %s", what,
		    sqlite3_errmsg(db));
	return -1;
}

/* audit_open - a connection with the audit table; NULL on error */
static sqlite3 *
audit_open(const char *dir, char **err)
{
	sqlite3 *db = qindex_db(dir, err);

	if (db != NULL && (sqlite3_exec(db, audit_schema, NULL, NULL, NULL) !=
	    SQLITE_OK || qindex_add_column(db, "audit", "school",
	    QINDEX_SCHOOL_DECL) < 0)) {
		audit_fail(db, "schema", err);
		sqlite3_close(db);
		return NULL;
	}
	return db;
}

/* audit_bind - a string or NULL */
static void
audit_bind(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* audit_add - one new row */
int
audit_add(const char *dir, const struct audit_row *r, char **err)
{
	sqlite3 *db = audit_open(dir, err);
	sqlite3_stmt *st = NULL;
	int rc = -1;

	if (db == NULL)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO audit (time, user, role, via, "
	    "address, action, ref, result, reason, detail, school) VALUES (?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st, NULL) != SQLITE_OK) {
		audit_fail(db, "prepare", err);
		goto out;
	}
	sqlite3_bind_int64(st, 1, r->time != 0 ? r->time : time(NULL));
	audit_bind(st, 2, r->user);
	audit_bind(st, 3, r->role);
	audit_bind(st, 4, r->via);
	audit_bind(st, 5, r->address);
	audit_bind(st, 6, r->action);
	audit_bind(st, 7, r->ref);
	audit_bind(st, 8, r->result);
	audit_bind(st, 9, r->reason);
	audit_bind(st, 10, r->detail);
	audit_bind(st, 11, r->school != NULL ? r->school : "");
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : audit_fail(db, "insert",
	    err);
out:
	sqlite3_finalize(st);
	sqlite3_close(db);
	return rc;
}

/* audit_sql - the query of a filter (new string; values are bound) */
static char *
audit_sql(const struct audit_filter *f, bool count)
{
	return xasprintf("SELECT %s FROM audit WHERE 1%s%s%s%s%s%s%s%s",
	    count ? "count(*)" : AUDIT_COLUMNS,
	    f->user ? " AND user = ?1" : "",
	    f->action ? " AND action = ?2" : "",
	    f->ref ? " AND ref = ?3" : "",
	    f->since ? " AND time >= ?4" : "",
	    f->until ? " AND time < ?5" : "",
	    f->school ? " AND school = ?8" : "",
	    count ? "" : " ORDER BY id DESC",
	    !count && f->limit > 0 ? " LIMIT ?6 OFFSET ?7" : "");
}

/* audit_prepare - the statement of a filter, bound; NULL on error */
static sqlite3_stmt *
audit_prepare(sqlite3 *db, const struct audit_filter *f, bool count,
    char **err)
{
	char *sql = audit_sql(f, count);
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		audit_fail(db, "prepare", err);
		free(sql);
		return NULL;
	}
	free(sql);
	audit_bind(st, 1, f->user);
	audit_bind(st, 2, f->action);
	audit_bind(st, 3, f->ref);
	audit_bind(st, 8, f->school);
	sqlite3_bind_int64(st, 4, f->since);
	sqlite3_bind_int64(st, 5, f->until);
	if (!count && f->limit > 0) {
		sqlite3_bind_int64(st, 6, f->limit);
		sqlite3_bind_int64(st, 7, f->offset);
	}
	return st;
}

/* audit_row_read - the current row */
static void
audit_row_read(sqlite3_stmt *st, struct audit_row *r)
{
	r->id = sqlite3_column_int64(st, 0);
	r->time = (time_t)sqlite3_column_int64(st, 1);
	r->user = qindex_col_text(st, 2);
	r->role = qindex_col_text(st, 3);
	r->via = qindex_col_text(st, 4);
	r->address = qindex_col_text(st, 5);
	r->action = qindex_col_text(st, 6);
	r->ref = qindex_col_text(st, 7);
	r->result = qindex_col_text(st, 8);
	r->reason = qindex_col_text(st, 9);
	r->detail = qindex_col_text(st, 10);
	r->school = qindex_col_text(st, 11);
}

/* audit_list - rows of a filter, newest first */
long
audit_list(const char *dir, const struct audit_filter *f,
    struct audit_row **out, char **err)
{
	sqlite3 *db = audit_open(dir, err);
	sqlite3_stmt *st;
	long n = 0;
	int rc;

	*out = NULL;
	if (db == NULL)
		return -1;
	if ((st = audit_prepare(db, f, false, err)) == NULL) {
		sqlite3_close(db);
		return -1;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*out = xreallocarray(*out, (size_t)n + 1, sizeof(**out));
		memset(&(*out)[n], 0, sizeof(**out));
		audit_row_read(st, &(*out)[n++]);
	}
	if (rc != SQLITE_DONE) {
		*out = audit_rows_free(*out, n);
		n = audit_fail(db, "read", err);
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* audit_count - rows of a filter */
long
audit_count(const char *dir, const struct audit_filter *f, char **err)
{
	sqlite3 *db = audit_open(dir, err);
	sqlite3_stmt *st;
	long n = -1;

	if (db == NULL)
		return -1;
	if ((st = audit_prepare(db, f, true, err)) != NULL) {
		if (sqlite3_step(st) == SQLITE_ROW)
			n = (long)sqlite3_column_int64(st, 0);
		else
			audit_fail(db, "read", err);
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	return n;
}

/* audit_rows_free - free a list */
struct audit_row *
audit_rows_free(struct audit_row *rows, long n)
{
	for (long i = 0; i < n; i++) {
		free(rows[i].user);
		free(rows[i].role);
		free(rows[i].via);
		free(rows[i].address);
		free(rows[i].action);
		free(rows[i].ref);
		free(rows[i].result);
		free(rows[i].reason);
		free(rows[i].detail);
		free(rows[i].school);
	}
	free(rows);
	return NULL;
}
