/*
 * db_pg - the SQL layer's PostgreSQL driver (libpq)
 *
 * SYNOPSIS
 *	db_pg_connect(), db_pg_disconnect(), db_pg_exec(), db_pg_query(),
 *	db_pg_next(), db_pg_null(), db_pg_text(), db_pg_blob(),
 *	db_pg_rows_free(), db_pg_script(), db_pg_alive()
 *
 * DESCRIPTION
 *	Statements go through PQexecParams with text arguments (the one
 *	blob argument in binary), results in text format.  The server
 *	infers each parameter's type from where it is used; a parameter
 *	the statement does not use is declared text, because the server
 *	cannot infer the type of one it never sees.  Server notices
 *	("relation already exists, skipping") are dropped rather than
 *	printed on stderr.  Every error comes back as "postgresql: ..."
 *	in *err; a connection the server closed is noticed without a
 *	round trip (db_pg_alive) so a pooled one is not handed out dead.
 *	A server that does not answer is given up after
 *	DB_PG_CONNECT_TIMEOUT seconds unless the dsn sets its own
 *	connect_timeout (without one libpq waits as long as TCP does, and
 *	the thread that asked, a message's, with it).
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "store/db_int.h"
#include "util/xalloc.h"

#define DB_PG_TEXT_OID	25
#define DB_PG_CONNECT_TIMEOUT	"10"	/* seconds, unless the dsn says */

/* db_pg_fail - *err from a message; returns -1 */
static int
db_pg_fail(const char *msg, char **err)
{
	size_t n;

	if (err != NULL && *err == NULL) {
		*err = xasprintf("postgresql: %s", msg != NULL && *msg != '\0' ?
		    msg : "unknown error");
		n = strlen(*err);
		while (n > 0 && isspace((unsigned char)(*err)[n - 1]))
			(*err)[--n] = '\0';
	}
	return -1;
}

/* db_pg_quiet - drop server notices */
static void
db_pg_quiet(void *arg, const char *message)
{
	(void)arg;
	(void)message;
}

/* db_pg_connect - connect with the dsn */
int
db_pg_connect(struct db *db, char **err)
{
	/* libpq takes key words in order, the last kept: what the dsn
	 * (expanded from dbname) says overrides the default before it */
	static const char *const keys[] = { "connect_timeout", "dbname",
	    NULL };
	const char *values[] = { DB_PG_CONNECT_TIMEOUT, db->st->dsn, NULL };
	PGconn *c;

	if (db->st->dsn == NULL)
		return db_pg_fail("no [store] dsn", err);
	c = PQconnectdbParams(keys, values, 1);
	if (c == NULL)
		return db_pg_fail("out of memory", err);
	if (PQstatus(c) != CONNECTION_OK) {
		db_pg_fail(PQerrorMessage(c), err);
		PQfinish(c);
		return -1;
	}
	PQsetNoticeProcessor(c, db_pg_quiet, NULL);
	db->conn = c;
	return 0;
}

/* db_pg_disconnect - close */
void
db_pg_disconnect(struct db *db)
{
	PQfinish(db->conn);
	db->conn = NULL;
}

/* db_pg_alive - the connection still up, as far as is known locally */
bool
db_pg_alive(struct db *db)
{
	return db->conn != NULL && PQconsumeInput(db->conn) == 1 &&
	    PQstatus(db->conn) == CONNECTION_OK;
}

/* db_pg_used - does sql mention $k? */
static bool
db_pg_used(const char *sql, int k)
{
	for (const char *p = strchr(sql, '$'); p != NULL;
	    p = strchr(p + 1, '$'))
		if (isdigit((unsigned char)p[1]) && atoi(p + 1) == k)
			return true;
	return false;
}

/* db_pg_run - PQexecParams; the result, or NULL with *err */
static PGresult *
db_pg_run(struct db *db, const struct db_stmt *s, char **err)
{
	Oid *types = xcalloc((size_t)s->n + 1, sizeof(*types));
	int *lens = xcalloc((size_t)s->n + 1, sizeof(*lens));
	int *fmts = xcalloc((size_t)s->n + 1, sizeof(*fmts));
	const char **vals = xcalloc((size_t)s->n + 1, sizeof(*vals));
	PGresult *res;
	ExecStatusType st;

	for (int i = 0; i < s->n; i++) {
		vals[i] = s->args != NULL ? s->args[i] : NULL;
		if (!db_pg_used(s->sql, i + 1))
			types[i] = DB_PG_TEXT_OID;
		if (i == s->blob) {
			vals[i] = s->data;
			lens[i] = (int)s->len;
			fmts[i] = 1;
		}
	}
	res = PQexecParams(db->conn, s->sql, s->n, types, vals, lens, fmts, 0);
	free(types);
	free(lens);
	free(fmts);
	free(vals);
	st = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		db_pg_fail(res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(db->conn), err);
		PQclear(res);
		return NULL;
	}
	return res;
}

/* db_pg_exec - run; rows changed */
long
db_pg_exec(struct db *db, const struct db_stmt *s, char **err)
{
	PGresult *res = db_pg_run(db, s, err);
	long n;

	if (res == NULL)
		return -1;
	n = atol(PQcmdTuples(res));
	PQclear(res);
	return n;
}

/* db_pg_query - run; rows read by db_pg_next */
int
db_pg_query(struct db_rows *r, const struct db_stmt *s, char **err)
{
	if ((r->res = db_pg_run(r->db, s, err)) == NULL)
		return -1;
	r->nrows = PQntuples(r->res);
	return 0;
}

/* db_pg_next - the next row of the result */
int
db_pg_next(struct db_rows *r, char **err)
{
	(void)err;
	if (r->row + 1 >= r->nrows)
		return 0;
	r->row++;
	return 1;
}

/* db_pg_null - NULL column? */
bool
db_pg_null(struct db_rows *r, int i)
{
	return r->row < 0 || i >= PQnfields(r->res) ||
	    PQgetisnull(r->res, r->row, i);
}

/* db_pg_text - a column as text */
const char *
db_pg_text(struct db_rows *r, int i)
{
	const char *t = PQgetvalue(r->res, r->row, i);

	/* booleans come as t/f; the store reads them as numbers */
	if (PQftype(r->res, i) == 16 /* bool */)
		return strcmp(t, "t") == 0 ? "1" : "0";
	return t;
}

/* db_pg_blob - a bytea column */
char *
db_pg_blob(struct db_rows *r, int i, size_t *len)
{
	size_t n = 0;
	unsigned char *raw = PQunescapeBytea((const unsigned char *)
	    PQgetvalue(r->res, r->row, i), &n);
	char *out;

	if (raw == NULL)
		return NULL;
	out = xmalloc(n + 1);
	memcpy(out, raw, n);
	out[n] = '\0';
	PQfreemem(raw);
	*len = n;
	return out;
}

/* db_pg_rows_free - clear */
void
db_pg_rows_free(struct db_rows *r)
{
	PQclear(r->res);
}

/* db_pg_script - several statements without arguments (schema) */
int
db_pg_script(struct db *db, const char *sql, char **err)
{
	PGresult *res = PQexec(db->conn, sql);
	int rc = 0;

	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		rc = db_pg_fail(res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(db->conn), err);
	PQclear(res);
	return rc;
}
