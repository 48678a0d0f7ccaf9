/*
 * db - the store's SQL layer: one dialect, two drivers (SQLite, PostgreSQL)
 *
 * Every table of the store (held index, deferred, alerts, notices, audit,
 * events, message content) is read and written through this interface, so
 * both backends run the same code.  Statements are written once, in the
 * dialect both engines accept: parameters are $1..$n (SQLite takes them
 * as named parameters), INSERT ... ON CONFLICT DO NOTHING, RETURNING,
 * strpos() (the SQLite driver defines it), "quoted" reserved names.
 * Values are passed as text (NULL = SQL NULL) and are always bound,
 * never pasted into the statement; db_arg_int() and db_arg_time() format
 * numbers.  A statement may leave parameters unused (the filters of a
 * list build their WHERE clause from fixed fragments).
 *
 * Connections come from the store handle (store.h): db_open() takes one
 * (from a small pool for PostgreSQL), db_close() gives it back.  A lost
 * PostgreSQL connection is an error like any other (the caller tempfails
 * the message); the next db_open() connects again.  Functions return -1
 * (or NULL) on an error with a message in *err when err is not NULL
 * (free it); nothing here exits.
 */
#ifndef AUP_DB_H
#define AUP_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "store/store.h"

struct db;
struct db_rows;

#define DB_ARG_LEN	24	/* room for db_arg_int()'s text */

/* db_open - a connection to the store, its schema current; NULL + *err */
struct db *db_open(struct store *st, char **err);
/* db_close - give a connection back (NULL is fine) */
void	db_close(struct db *db);
/* db_backend - which driver a connection uses */
enum store_backend db_backend(const struct db *db);

/*
 * db_exec - run one statement with n text arguments ($1..$n): rows
 * changed (inserted, updated or deleted), or -1.
 */
long	db_exec(struct db *db, const char *sql, int n,
	    const char *const *args, char **err);
/*
 * db_exec_blob - as db_exec, with argument `blob` (0-based) taken as
 * len bytes of binary content (bytea / BLOB) instead of text.
 */
long	db_exec_blob(struct db *db, const char *sql, int n,
	    const char *const *args, int blob, const void *data, size_t len,
	    char **err);
/* db_query - run a statement that returns rows: the rows, or NULL */
struct db_rows *db_query(struct db *db, const char *sql, int n,
	    const char *const *args, char **err);
/* db_next - move to the next row: 1 a row, 0 no more, -1 error */
int	db_next(struct db_rows *r, char **err);
/* db_null - is column i of the current row NULL? */
bool	db_null(struct db_rows *r, int i);
/* db_text - column i as text (valid until db_next/db_rows_free), or NULL */
const char *db_text(struct db_rows *r, int i);
/* db_dup - column i as a new string, or NULL */
char	*db_dup(struct db_rows *r, int i);
/* db_int - column i as a number (NULL = 0) */
int64_t	db_int(struct db_rows *r, int i);
/*
 * db_blob - column i (bytea / BLOB) as a new buffer of *len bytes (a NUL
 * added after them), or NULL when it is NULL.
 */
char	*db_blob(struct db_rows *r, int i, size_t *len);
/* db_rows_free - done with a result (NULL is fine) */
void	db_rows_free(struct db_rows *r);
/*
 * db_one - run a query and read the first column of its first row as a
 * number: 1 found (*v set), 0 no row, -1 error.
 */
int	db_one(struct db *db, const char *sql, int n,
	    const char *const *args, int64_t *v, char **err);

/*
 * db_store_exec - db_exec on a connection of its own (opened, used,
 * given back): rows changed, or -1
 */
long	db_store_exec(struct store *st, const char *sql, int n,
	    const char *const *args, char **err);

/*
 * db_store_list - the rows of a query on a connection of its own, as an
 * array of `size`-byte elements, each zeroed and filled by fill(); on an
 * error the elements read are cleared with clear() and freed.  Count (0
 * with *out NULL for none), or -1.
 */
long	db_store_list(struct store *st, const char *sql, int n,
	    const char *const *args, size_t size,
	    void (*fill)(struct db_rows *, void *), void (*clear)(void *),
	    void **out, char **err);

/* db_begin - start a transaction that will write (SQLite: IMMEDIATE) */
int	db_begin(struct db *db, char **err);
/* db_commit - commit: 0, or -1 (the transaction is then rolled back) */
int	db_commit(struct db *db, char **err);
/* db_rollback - abandon the transaction (errors ignored) */
void	db_rollback(struct db *db);

/* db_arg_int - v as text in buf (DB_ARG_LEN bytes); returns buf */
const char *db_arg_int(char *buf, int64_t v);
/* db_arg_time - t as text in buf, or NULL (SQL NULL) for 0 */
const char *db_arg_time(char *buf, time_t t);

#endif
