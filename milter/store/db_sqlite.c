/*
 * db_sqlite - the SQL layer's SQLite driver (DIR/index.sqlite)
 *
 * SYNOPSIS
 *	db_sqlite_connect(), db_sqlite_disconnect(), db_sqlite_exec(),
 *	db_sqlite_query(), db_sqlite_next(), db_sqlite_null(),
 *	db_sqlite_text(), db_sqlite_blob(), db_sqlite_rows_free(),
 *	db_sqlite_script()
 *
 * DESCRIPTION
 *	The index file is made mode 0640 in the store folder (made 0750),
 *	in WAL mode so readers never block the milter's writes, with
 *	synchronous = FULL (a reported release survives a power cut), and
 *	writers waiting up to DB_SQLITE_BUSY_MS for each other.  Arguments
 *	$1..$n are bound by name (sqlite3_bind_parameter_index), so a
 *	statement may use some of them, several times, in any order; an
 *	argument written as a number is bound as one.
 *	strpos(haystack, needle) is defined as in PostgreSQL (1-based
 *	position, 0 when absent) so both backends share the statements.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqlite3.h>

#include "store/db_int.h"
#include "util/xalloc.h"

#define DB_SQLITE_BUSY_MS	10000

/* db_sqlite_fail - *err from the connection; returns -1 */
static int
db_sqlite_fail(sqlite3 *c, const char *what, char **err)
{
	if (err != NULL && *err == NULL)
		*err = xasprintf("index.sqlite: %s: %s", what,
		    c != NULL ? sqlite3_errmsg(c) : strerror(errno));
	return -1;
}

/* db_sqlite_strpos - strpos(a, b) as PostgreSQL has it */
static void
db_sqlite_strpos(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	const unsigned char *a = sqlite3_value_text(argv[0]);
	const unsigned char *b = sqlite3_value_text(argv[1]);
	const char *at;
	long n = 1;

	(void)argc;
	if (a == NULL || b == NULL) {
		sqlite3_result_null(ctx);
		return;
	}
	if ((at = strstr((const char *)a, (const char *)b)) == NULL) {
		sqlite3_result_int(ctx, 0);
		return;
	}
	/* characters, not bytes: count UTF-8 lead bytes before the match */
	for (const unsigned char *p = a; p < (const unsigned char *)at; p++)
		if ((*p & 0xc0) != 0x80)
			n++;
	sqlite3_result_int64(ctx, n);
}

/* db_sqlite_is_wal - the journal_mode callback: is it "wal" already? */
static int
db_sqlite_is_wal(void *arg, int ncol, char **val, char **name)
{
	(void)name;
	*(bool *)arg = ncol == 1 && val[0] != NULL && strcmp(val[0],
	    "wal") == 0;
	return 0;
}

/*
 * db_sqlite_wal - WAL mode, once for the file (it persists).  Turning a
 * fresh file to WAL needs it alone, and SQLite answers SQLITE_BUSY at
 * once, without the busy handler, when another connection (the notice
 * sender or the deferred thread starting beside the milter) is making
 * the same file: so try again until DB_SQLITE_BUSY_MS has passed.
 */
static int
db_sqlite_wal(sqlite3 *c)
{
	bool wal = false;
	int rc;

	for (int waited = 0; ; waited += 10) {
		rc = sqlite3_exec(c, "PRAGMA journal_mode;", db_sqlite_is_wal,
		    &wal, NULL);
		if (rc == SQLITE_OK && !wal)
			rc = sqlite3_exec(c, "PRAGMA journal_mode = WAL;", NULL,
			    NULL, NULL);
		if ((rc != SQLITE_BUSY && rc != SQLITE_LOCKED) ||
		    waited >= DB_SQLITE_BUSY_MS)
			return rc;
		sqlite3_sleep(10);
	}
}

/* db_sqlite_connect - open DIR/index.sqlite */
int
db_sqlite_connect(struct db *db, char **err)
{
	char *path = xasprintf("%s/index.sqlite", db->st->dir);
	struct stat sb;
	bool fresh = stat(path, &sb) < 0;
	sqlite3 *c = NULL;
	int rc = -1;

	/* The milter makes the folder when it first holds a message; a
	 * reviewer or a release check may come first. */
	if (mkdir(db->st->dir, 0750) < 0 && errno != EEXIST) {
		db_sqlite_fail(NULL, "mkdir", err);
		goto out;
	}
	if (sqlite3_open_v2(path, &c, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		db_sqlite_fail(c, "open", err);
		goto out;
	}
	sqlite3_busy_timeout(c, DB_SQLITE_BUSY_MS);
	if (fresh && chmod(path, 0640) < 0) {
		db_sqlite_fail(NULL, "chmod", err);
		goto out;
	}
	if (db_sqlite_wal(c) != SQLITE_OK ||
	    sqlite3_exec(c, "PRAGMA synchronous = FULL;", NULL, NULL,
	    NULL) != SQLITE_OK ||
	    sqlite3_create_function(c, "strpos", 2, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, NULL, db_sqlite_strpos, NULL, NULL) !=
	    SQLITE_OK) {
		db_sqlite_fail(c, "open", err);
		goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		sqlite3_close(c);
	else
		db->conn = c;
	free(path);
	return rc;
}

/* db_sqlite_disconnect - close */
void
db_sqlite_disconnect(struct db *db)
{
	sqlite3_close(db->conn);
	db->conn = NULL;
}

/*
 * db_sqlite_integer - is s a number as db_arg_int() writes it?  Bound as
 * an integer, so "$1 = 0" compares as PostgreSQL does (SQLite compares a
 * text argument with a number literal as text); a text column still
 * reads it back as the same text.
 */
static bool
db_sqlite_integer(const char *s, int64_t *v)
{
	const char *p = s + (*s == '-');
	size_t n = strlen(p);

	if (n == 0 || n > 18 || (p[0] == '0' && n > 1) || (*s == '-' &&
	    p[0] == '0'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] < '0' || p[i] > '9')
			return false;
	*v = strtoll(s, NULL, 10);
	return true;
}

/* db_sqlite_prepare - a statement with its arguments bound */
static sqlite3_stmt *
db_sqlite_prepare(struct db *db, const struct db_stmt *s, char **err)
{
	sqlite3_stmt *st = NULL;
	char name[16];
	int64_t v;
	int at;

	if (sqlite3_prepare_v2(db->conn, s->sql, -1, &st, NULL) !=
	    SQLITE_OK) {
		db_sqlite_fail(db->conn, "prepare", err);
		return NULL;
	}
	for (int i = 0; i < s->n; i++) {
		snprintf(name, sizeof(name), "$%d", i + 1);
		if ((at = sqlite3_bind_parameter_index(st, name)) == 0)
			continue;
		if (i == s->blob)
			sqlite3_bind_blob64(st, at, s->data, s->len,
			    SQLITE_STATIC);
		else if (s->args[i] != NULL && db_sqlite_integer(s->args[i], &v))
			sqlite3_bind_int64(st, at, v);
		else if (s->args[i] != NULL)
			sqlite3_bind_text(st, at, s->args[i], -1,
			    SQLITE_TRANSIENT);
	}
	return st;
}

/* db_sqlite_exec - run to the end */
long
db_sqlite_exec(struct db *db, const struct db_stmt *s, char **err)
{
	sqlite3_stmt *st = db_sqlite_prepare(db, s, err);
	long rc;
	int step;

	if (st == NULL)
		return -1;
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		;
	rc = step == SQLITE_DONE ? (long)sqlite3_changes(db->conn) :
	    db_sqlite_fail(db->conn, "write", err);
	sqlite3_finalize(st);
	return rc;
}

/* db_sqlite_query - prepare; rows come from db_sqlite_next */
int
db_sqlite_query(struct db_rows *r, const struct db_stmt *s, char **err)
{
	r->res = db_sqlite_prepare(r->db, s, err);
	return r->res != NULL ? 0 : -1;
}

/* db_sqlite_next - step */
int
db_sqlite_next(struct db_rows *r, char **err)
{
	int rc;

	if (r->done)
		return 0;
	if ((rc = sqlite3_step(r->res)) == SQLITE_ROW)
		return 1;
	r->done = true;
	return rc == SQLITE_DONE ? 0 : db_sqlite_fail(r->db->conn, "read",
	    err);
}

/* db_sqlite_null - NULL column? */
bool
db_sqlite_null(struct db_rows *r, int i)
{
	return sqlite3_column_type(r->res, i) == SQLITE_NULL;
}

/* db_sqlite_text - a column as text */
const char *
db_sqlite_text(struct db_rows *r, int i)
{
	return (const char *)sqlite3_column_text(r->res, i);
}

/* db_sqlite_blob - a column as bytes */
char *
db_sqlite_blob(struct db_rows *r, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(r->res, i);
	size_t n = (size_t)sqlite3_column_bytes(r->res, i);
	char *out = xmalloc(n + 1);

	if (n > 0)
		memcpy(out, p, n);
	out[n] = '\0';
	*len = n;
	return out;
}

/* db_sqlite_rows_free - finalize */
void
db_sqlite_rows_free(struct db_rows *r)
{
	sqlite3_finalize(r->res);
}

/* db_sqlite_script - several statements without arguments (schema) */
int
db_sqlite_script(struct db *db, const char *sql, char **err)
{
	if (sqlite3_exec(db->conn, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_sqlite_fail(db->conn, "schema", err);
	return 0;
}
