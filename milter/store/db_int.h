/*
 * db_int - what the SQL layer (db.c) and its two drivers share
 *
 * db.c keeps the pool and the schema check and calls the driver of the
 * connection's backend; db_sqlite.c and db_pg.c each implement the same
 * few operations on their library.  Not for other modules.
 */
#ifndef AUP_DB_INT_H
#define AUP_DB_INT_H

#include <pthread.h>

#include "store/db.h"

#define STORE_POOL_MAX	8	/* idle PostgreSQL connections kept */

struct store {
	enum store_backend backend;
	char	*dir;
	char	*dsn;
	pthread_mutex_t lock;		/* guards idle, nidle and events */
	struct db *idle[STORE_POOL_MAX];
	int	 nidle;
	long	 event_queue;		/* [store] event_queue */
	struct events_queue *events;	/* made on first use (events.c) */
};

struct db {
	struct store *st;
	enum store_backend backend;
	void	*conn;			/* sqlite3 * or PGconn * */
	bool	 in_tx;
	bool	 broken;		/* do not pool it again */
};

struct db_rows {
	struct db *db;
	void	*res;			/* sqlite3_stmt * or PGresult * */
	int	 row, nrows;		/* PostgreSQL: the current row */
	bool	 done;
};

/* one statement for a driver: text arguments, one optional blob */
struct db_stmt {
	const char *sql;
	int	 n;
	const char *const *args;
	int	 blob;			/* index of the blob argument, or -1 */
	const void *data;
	size_t	 len;
};

int	db_sqlite_connect(struct db *db, char **err);
void	db_sqlite_disconnect(struct db *db);
long	db_sqlite_exec(struct db *db, const struct db_stmt *s, char **err);
int	db_sqlite_query(struct db_rows *r, const struct db_stmt *s,
	    char **err);
int	db_sqlite_next(struct db_rows *r, char **err);
bool	db_sqlite_null(struct db_rows *r, int i);
const char *db_sqlite_text(struct db_rows *r, int i);
char	*db_sqlite_blob(struct db_rows *r, int i, size_t *len);
void	db_sqlite_rows_free(struct db_rows *r);
int	db_sqlite_script(struct db *db, const char *sql, char **err);

int	db_pg_connect(struct db *db, char **err);
void	db_pg_disconnect(struct db *db);
long	db_pg_exec(struct db *db, const struct db_stmt *s, char **err);
int	db_pg_query(struct db_rows *r, const struct db_stmt *s, char **err);
int	db_pg_next(struct db_rows *r, char **err);
bool	db_pg_null(struct db_rows *r, int i);
const char *db_pg_text(struct db_rows *r, int i);
char	*db_pg_blob(struct db_rows *r, int i, size_t *len);
void	db_pg_rows_free(struct db_rows *r);
int	db_pg_script(struct db *db, const char *sql, char **err);
bool	db_pg_alive(struct db *db);

/* db_connect_raw - a connection without the schema check (migrate) */
struct db *db_connect_raw(struct store *st, char **err);
/* db_schema_check - is the schema current? migrate SQLite if not: 0/-1 */
int	db_schema_check(struct db *db, char **err);

#endif
