/*
 * db - the store's SQL layer: connections, statements, transactions
 *
 * SYNOPSIS
 *	db_open(), db_close(), db_backend(), db_exec(), db_exec_blob(),
 *	db_query(), db_next(), db_null(), db_text(), db_dup(), db_int(),
 *	db_blob(), db_rows_free(), db_one(), db_begin(), db_commit(),
 *	db_rollback(), db_store_exec(), db_store_list(), db_arg_int(),
 *	db_arg_time()
 *
 * DESCRIPTION
 *	SQLite: one connection per db_open(), as the store always did
 *	(opening the file costs well under a millisecond and needs no
 *	lock or per-thread cache).  PostgreSQL: connecting costs a
 *	server process, so up to STORE_POOL_MAX idle connections wait in
 *	the handle's pool; a connection that failed, or was given back
 *	inside a transaction, is closed instead of pooled, so the next
 *	db_open() after an outage connects afresh.  The schema is checked
 *	when a connection is made (db_schema.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/db_int.h"
#include "util/xalloc.h"

/* db_connect_raw - a new connection of the handle's backend */
struct db *
db_connect_raw(struct store *st, char **err)
{
	struct db *db = xcalloc(1, sizeof(*db));
	int rc;

	db->st = st;
	db->backend = st->backend;
	rc = db->backend == STORE_POSTGRESQL ? db_pg_connect(db, err) :
	    db_sqlite_connect(db, err);
	if (rc < 0) {
		free(db);
		return NULL;
	}
	return db;
}

/* db_connect - a new connection, its schema checked */
static struct db *
db_connect(struct store *st, char **err)
{
	struct db *db = db_connect_raw(st, err);

	if (db != NULL && db_schema_check(db, err) < 0) {
		db->broken = true;
		db_close(db);
		return NULL;
	}
	return db;
}

/* db_open - a pooled or new connection */
struct db *
db_open(struct store *st, char **err)
{
	struct db *db = NULL;

	if (st->backend == STORE_POSTGRESQL) {
		pthread_mutex_lock(&st->lock);
		if (st->nidle > 0)
			db = st->idle[--st->nidle];
		pthread_mutex_unlock(&st->lock);
		/* The server may have restarted while it waited. */
		if (db != NULL && !db_pg_alive(db)) {
			db->broken = true;
			db_close(db);
			db = NULL;
		}
	}
	return db != NULL ? db : db_connect(st, err);
}

/* db_pool - keep an idle PostgreSQL connection: true if kept */
static bool
db_pool(struct db *db)
{
	struct store *st = db->st;
	bool kept = false;

	if (db->backend != STORE_POSTGRESQL || db->broken || db->in_tx)
		return false;
	pthread_mutex_lock(&st->lock);
	if (st->nidle < STORE_POOL_MAX) {
		st->idle[st->nidle++] = db;
		kept = true;
	}
	pthread_mutex_unlock(&st->lock);
	return kept;
}

/* db_close - pool or close */
void
db_close(struct db *db)
{
	if (db == NULL || db_pool(db))
		return;
	if (db->backend == STORE_POSTGRESQL)
		db_pg_disconnect(db);
	else
		db_sqlite_disconnect(db);
	free(db);
}

/* db_backend - the driver */
enum store_backend
db_backend(const struct db *db)
{
	return db->backend;
}

/* db_run - one statement through the driver */
static long
db_run(struct db *db, const struct db_stmt *s, char **err)
{
	long rc = db->backend == STORE_POSTGRESQL ? db_pg_exec(db, s, err) :
	    db_sqlite_exec(db, s, err);

	if (rc < 0 && db->backend == STORE_POSTGRESQL && !db_pg_alive(db))
		db->broken = true;
	return rc;
}

/* db_exec - a statement without a result */
long
db_exec(struct db *db, const char *sql, int n, const char *const *args,
    char **err)
{
	struct db_stmt s = { sql, n, args, -1, NULL, 0 };

	return db_run(db, &s, err);
}

/* db_exec_blob - a statement with one binary argument */
long
db_exec_blob(struct db *db, const char *sql, int n, const char *const *args,
    int blob, const void *data, size_t len, char **err)
{
	struct db_stmt s = { sql, n, args, blob, data, len };

	return db_run(db, &s, err);
}

/* db_query - a statement with rows */
struct db_rows *
db_query(struct db *db, const char *sql, int n, const char *const *args,
    char **err)
{
	struct db_stmt s = { sql, n, args, -1, NULL, 0 };
	struct db_rows *r = xcalloc(1, sizeof(*r));
	int rc;

	r->db = db;
	r->row = -1;
	rc = db->backend == STORE_POSTGRESQL ? db_pg_query(r, &s, err) :
	    db_sqlite_query(r, &s, err);
	if (rc < 0) {
		if (db->backend == STORE_POSTGRESQL && !db_pg_alive(db))
			db->broken = true;
		db_rows_free(r);
		return NULL;
	}
	return r;
}

/* db_next - the next row */
int
db_next(struct db_rows *r, char **err)
{
	return r->db->backend == STORE_POSTGRESQL ? db_pg_next(r, err) :
	    db_sqlite_next(r, err);
}

/* db_null - a NULL column? */
bool
db_null(struct db_rows *r, int i)
{
	return r->db->backend == STORE_POSTGRESQL ? db_pg_null(r, i) :
	    db_sqlite_null(r, i);
}

/* db_text - a column as text */
const char *
db_text(struct db_rows *r, int i)
{
	if (db_null(r, i))
		return NULL;
	return r->db->backend == STORE_POSTGRESQL ? db_pg_text(r, i) :
	    db_sqlite_text(r, i);
}

/* db_dup - a column as a new string */
char *
db_dup(struct db_rows *r, int i)
{
	const char *t = db_text(r, i);

	return t != NULL ? xstrdup(t) : NULL;
}

/* db_int - a column as a number */
int64_t
db_int(struct db_rows *r, int i)
{
	const char *t = db_text(r, i);

	return t != NULL ? (int64_t)strtoll(t, NULL, 10) : 0;
}

/* db_blob - a binary column */
char *
db_blob(struct db_rows *r, int i, size_t *len)
{
	*len = 0;
	if (db_null(r, i))
		return NULL;
	return r->db->backend == STORE_POSTGRESQL ? db_pg_blob(r, i, len) :
	    db_sqlite_blob(r, i, len);
}

/* db_rows_free - release a result */
void
db_rows_free(struct db_rows *r)
{
	if (r == NULL)
		return;
	if (r->db->backend == STORE_POSTGRESQL)
		db_pg_rows_free(r);
	else
		db_sqlite_rows_free(r);
	free(r);
}

/* db_one - one number */
int
db_one(struct db *db, const char *sql, int n, const char *const *args,
    int64_t *v, char **err)
{
	struct db_rows *r = db_query(db, sql, n, args, err);
	int rc;

	if (r == NULL)
		return -1;
	if ((rc = db_next(r, err)) == 1)
		*v = db_int(r, 0);
	db_rows_free(r);
	return rc;
}

/* db_begin - a writing transaction */
int
db_begin(struct db *db, char **err)
{
	if (db_exec(db, db->backend == STORE_POSTGRESQL ? "BEGIN" :
	    "BEGIN IMMEDIATE", 0, NULL, err) < 0)
		return -1;
	db->in_tx = true;
	return 0;
}

/* db_commit - commit, or roll back on failure */
int
db_commit(struct db *db, char **err)
{
	if (db_exec(db, "COMMIT", 0, NULL, err) < 0) {
		db_rollback(db);
		return -1;
	}
	db->in_tx = false;
	return 0;
}

/* db_rollback - abandon */
void
db_rollback(struct db *db)
{
	(void)db_exec(db, "ROLLBACK", 0, NULL, NULL);
	db->in_tx = false;
}

/* db_arg_int - a number as an argument */
const char *
db_arg_int(char *buf, int64_t v)
{
	snprintf(buf, DB_ARG_LEN, "%" PRId64, v);
	return buf;
}

/* db_arg_time - a time as an argument, 0 as NULL */
const char *
db_arg_time(char *buf, time_t t)
{
	return t != 0 ? db_arg_int(buf, (int64_t)t) : NULL;
}

/* db_store_exec - one statement on its own connection */
long
db_store_exec(struct store *st, const char *sql, int n,
    const char *const *args, char **err)
{
	struct db *db = db_open(st, err);
	long rc;

	if (db == NULL)
		return -1;
	rc = db_exec(db, sql, n, args, err);
	db_close(db);
	return rc;
}

/* db_store_list - every row of a query as an array */
long
db_store_list(struct store *st, const char *sql, int n,
    const char *const *args, size_t size,
    void (*fill)(struct db_rows *, void *), void (*clear)(void *),
    void **out, char **err)
{
	struct db *db = db_open(st, err);
	struct db_rows *r = NULL;
	char *a = NULL;
	long count = 0;
	int rc = -1;

	if (db != NULL && (r = db_query(db, sql, n, args, err)) != NULL) {
		while ((rc = db_next(r, err)) == 1) {
			a = xreallocarray(a, (size_t)count + 1, size);
			memset(a + (size_t)count * size, 0, size);
			fill(r, a + (size_t)count++ * size);
		}
	}
	if (rc < 0) {
		for (long i = 0; i < count; i++)
			clear(a + (size_t)i * size);
		free(a);
		a = NULL;
		count = -1;
	}
	db_rows_free(r);
	db_close(db);
	*out = a;
	return count;
}
