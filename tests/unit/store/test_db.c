/*
 * test_db - the store's SQL layer and schema, on the backend under test
 * (SQLite; PostgreSQL when run by test_store_postgres.sh)
 *
 * A value full of quotes is stored as text, NULL stays NULL, a statement
 * may leave arguments unused and use one twice, strpos() counts
 * characters, a claim by UPDATE ... RETURNING succeeds once, a rolled
 * back transaction leaves nothing, binary content comes back byte for
 * byte, an SQL error is a message (not an exit), migrate is idempotent
 * and reports from -> to, (PostgreSQL) a connection to an older
 * schema is refused with the command to run, and a PostgreSQL server
 * that takes the connection but never answers is given up (libpq's
 * connect_timeout, 10 s unless the dsn says) with an error, not waited
 * on for ever.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "store/db.h"
#include "store/db_schema.h"
#include "testutil.h"
#include "util/xalloc.h"

struct fx {
	char	*dir;
	struct store *st;
	struct db *db;
};

static int
setup(void **state)
{
	struct fx *f = xcalloc(1, sizeof(*f));
	char *err = NULL;

	f->dir = tu_tempdir();
	f->st = tu_store(f->dir);
	f->db = db_open(f->st, &err);
	if (f->db == NULL)
		fail_msg("db_open: %s", err);
	assert_true(db_exec(f->db, "CREATE TEMP TABLE t (id INTEGER, "
	    "name TEXT, n BIGINT, state TEXT)", 0, NULL, &err) >= 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	(void)db_exec(f->db, "DROP TABLE t", 0, NULL, NULL);
	db_close(f->db);
	store_free(f->st);
	tu_rmdir(f->dir);
	free(f);
	return 0;
}

/* put - one row of t */
static void
put(struct db *db, const char *id, const char *name, const char *n)
{
	const char *args[] = { id, name, n };
	char *err = NULL;

	if (db_exec(db, "INSERT INTO t (id, name, n, state) VALUES ($1, $2, "
	    "$3, 'queued')", 3, args, &err) != 1)
		fail_msg("insert: %s", err);
}

static void
test_quotes_and_null(void **state)
{
	struct fx *f = *state;
	const char *evil = "O'Brien\"; DROP TABLE t; --";
	const char *args[] = { "1" };
	struct db_rows *r;
	char *err = NULL;

	put(f->db, "1", evil, NULL);
	r = db_query(f->db, "SELECT name, n FROM t WHERE id = $1", 1, args,
	    &err);
	assert_non_null(r);
	assert_int_equal(db_next(r, &err), 1);
	assert_string_equal(db_text(r, 0), evil);
	assert_true(db_null(r, 1));
	assert_null(db_text(r, 1));
	assert_int_equal(db_int(r, 1), 0);
	assert_int_equal(db_next(r, &err), 0);
	db_rows_free(r);
}

static void
test_unused_and_repeated_args(void **state)
{
	struct fx *f = *state;
	char b1[DB_ARG_LEN], b2[DB_ARG_LEN];
	/* $1 and $3 unused; $2 twice; numbers as text */
	const char *args[] = { "nothing", db_arg_int(b1, 10), NULL,
	    db_arg_int(b2, 5000000000LL) };
	int64_t v = 0;
	char *err = NULL;

	put(f->db, "1", "a", "5000000000");
	put(f->db, "2", "b", "7");
	assert_int_equal(db_one(f->db, "SELECT count(*) FROM t WHERE "
	    "id < $2 AND n <= $4 AND $2 > id", 4, args, &v, &err), 1);
	assert_int_equal(v, 2);
	assert_null(db_arg_time(b1, 0));
}

static void
test_strpos(void **state)
{
	struct fx *f = *state;
	const char *args[] = { "gmail" };
	int64_t v = 0;
	char *err = NULL;

	put(f->db, "1", "\xc3\xa9mile@gmail.com", "1");
	assert_int_equal(db_one(f->db, "SELECT strpos(lower(name), lower($1)) "
	    "FROM t", 1, args, &v, &err), 1);
	assert_int_equal(v, 7);		/* characters, not bytes (8) */
	assert_int_equal(db_one(f->db, "SELECT strpos(name, 'x') FROM t", 0,
	    NULL, &v, &err), 1);
	assert_int_equal(v, 0);
}

static void
test_claim_once(void **state)
{
	struct fx *f = *state;
	const char *args[] = { "1" };
	struct db_rows *r;
	char *err = NULL;

	put(f->db, "1", "a", "1");
	for (int i = 0; i < 2; i++) {
		r = db_query(f->db, "UPDATE t SET state = 'sending' WHERE "
		    "id = $1 AND state = 'queued' RETURNING id", 1, args, &err);
		assert_non_null(r);
		assert_int_equal(db_next(r, &err), i == 0 ? 1 : 0);
		db_rows_free(r);
	}
	assert_int_equal(db_exec(f->db, "UPDATE t SET state = 'x' WHERE "
	    "state = 'queued'", 0, NULL, &err), 0);
}

static void
test_rollback(void **state)
{
	struct fx *f = *state;
	int64_t v = -1;
	char *err = NULL;

	assert_int_equal(db_begin(f->db, &err), 0);
	put(f->db, "1", "a", "1");
	db_rollback(f->db);
	assert_int_equal(db_one(f->db, "SELECT count(*) FROM t", 0, NULL, &v,
	    &err), 1);
	assert_int_equal(v, 0);
	assert_int_equal(db_begin(f->db, &err), 0);
	put(f->db, "2", "b", "1");
	assert_int_equal(db_commit(f->db, &err), 0);
	assert_int_equal(db_one(f->db, "SELECT count(*) FROM t", 0, NULL, &v,
	    &err), 1);
	assert_int_equal(v, 1);
}

static void
test_blob(void **state)
{
	struct fx *f = *state;
	static const char data[] = "line 1\r\n\0\xff\\x00 '\n";
	const char *args[] = { "1", NULL };
	struct db_rows *r;
	size_t len = 0;
	char *err = NULL, *got;

	assert_true(db_exec(f->db, "CREATE TEMP TABLE b (id INTEGER, "
	    "data BYTEA)", 0, NULL, &err) >= 0);
	assert_int_equal(db_exec_blob(f->db, "INSERT INTO b (id, data) VALUES "
	    "($1, $2)", 2, args, 1, data, sizeof(data), &err), 1);
	r = db_query(f->db, "SELECT data FROM b", 0, NULL, &err);
	assert_non_null(r);
	assert_int_equal(db_next(r, &err), 1);
	got = db_blob(r, 0, &len);
	assert_int_equal(len, sizeof(data));
	assert_memory_equal(got, data, sizeof(data));
	free(got);
	db_rows_free(r);
	(void)db_exec(f->db, "DROP TABLE b", 0, NULL, NULL);
}

static void
test_error_is_a_message(void **state)
{
	struct fx *f = *state;
	char *err = NULL;

	assert_int_equal(db_exec(f->db, "INSERT INTO no_such_table VALUES (1)",
	    0, NULL, &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "no_such_table"));
	free(err);
	err = NULL;
	/* the connection still works */
	put(f->db, "1", "a", "1");
}

static void
test_migrate_idempotent(void **state)
{
	struct fx *f = *state;
	int from = -1, to = -1;
	char *err = NULL;

	assert_int_equal(db_migrate(f->st, &from, &to, &err), 0);
	assert_int_equal(from, DB_SCHEMA_VERSION);
	assert_int_equal(to, DB_SCHEMA_VERSION);
	assert_int_equal(db_schema_version(f->db, &err), DB_SCHEMA_VERSION);
}

static void
test_old_schema_refused(void **state)
{
	struct fx *f = *state;
	struct store *st2;
	struct db *db2;
	char *err = NULL;
	int from, to;

	assert_true(db_exec(f->db, "UPDATE schema_version SET version = 0",
	    0, NULL, &err) == 1);
	if (!tu_store_pg()) {
		/* SQLite, one node: opening upgrades in place */
		db2 = db_open(f->st, &err);
		assert_non_null(db2);
		assert_int_equal(db_schema_version(db2, &err),
		    DB_SCHEMA_VERSION);
		db_close(db2);
		return;
	}
	/* a new store handle: nothing pooled from before (the fixture's
	 * handle stays alive: f->db still belongs to it) */
	st2 = store_new(STORE_POSTGRESQL, f->dir, getenv("AUP_TEST_PG_DSN"));
	assert_null(db_open(st2, &err));
	assert_non_null(strstr(err, "aupctl store migrate"));
	free(err);
	err = NULL;
	assert_int_equal(db_migrate(st2, &from, &to, &err), 0);
	assert_int_equal(from, 0);
	assert_int_equal(to, DB_SCHEMA_VERSION);
	db2 = db_open(st2, &err);
	assert_non_null(db2);
	db_close(db2);
	store_free(st2);
}

/* silent_listener - a socket on 127.0.0.1 that the kernel lets clients
 * connect to (its backlog) but that never answers; its port in *port */
static int
silent_listener(int *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_true(fd >= 0);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(fd, 8), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static void
test_silent_server_is_given_up(void **state)
{
	char *dir, *dsn, *err = NULL;
	struct store *st;
	int port, fd;

	(void)state;
	if (tu_store_pg())
		skip();		/* no server needed: run once, on the SQLite pass */
	/* without the timeout libpq waits for ever: fail, not hang */
	alarm(60);
	dir = tu_tempdir();
	fd = silent_listener(&port);
	/* no connect_timeout in the dsn: the default applies */
	dsn = xasprintf("host=127.0.0.1 port=%d dbname=aup user=aup "
	    "sslmode=disable", port);
	st = store_new(STORE_POSTGRESQL, dir, dsn);
	assert_null(db_open(st, &err));
	assert_non_null(err);
	assert_non_null(strstr(err, "postgresql: "));
	assert_non_null(strstr(err, "timeout"));
	free(err);
	store_free(st);
	free(dsn);
	close(fd);
	tu_rmdir(dir);
	alarm(0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_quotes_and_null, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_unused_and_repeated_args,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_strpos, setup, teardown),
		cmocka_unit_test_setup_teardown(test_claim_once, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_blob, setup, teardown),
		cmocka_unit_test_setup_teardown(test_error_is_a_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_migrate_idempotent, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_old_schema_refused, setup,
		    teardown),
		cmocka_unit_test(test_silent_server_is_given_up),
	};

	return cmocka_run_group_tests_name(tu_store_pg() ? "db (postgresql)" :
	    "db (sqlite)", tests, NULL, NULL);
}
