/*
 * test_events - event rows reach the shared store without a caller
 * waiting, and one store handle serves every school of a configuration
 *
 * On PostgreSQL (test_store_postgres.sh): 450 queued events become 450
 * rows, each once, with their school and reference; rows still queued
 * when the handle is freed are written first; with the database away,
 * a full queue drops rows and the log says how many, and the rows it
 * could not write at stop are counted in the log too.  On SQLite
 * events_add() queues nothing, so nothing is dropped.  On both
 * backends: the schools of a service and the service itself share one
 * handle, a reload with the same [store] keeps it, and a changed
 * quarantine_dir gets a new one.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "config/conf.h"
#include "store/db.h"
#include "store/events.h"
#include "store/store.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/errbuf.h"
#include "util/log.h"
#include "util/xalloc.h"

#define T0	((time_t)1767225600)	/* 2026-01-01 */

/* event - the JSON of event n (school "a" for even n) */
static json_object *
event(int n)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "event", json_object_new_string("message"));
	json_object_object_add(o, "n", json_object_new_int(n));
	if (n % 2 == 0)
		json_object_object_add(o, "school",
		    json_object_new_string("a"));
	return o;
}

/* add - queue events [from, to) with references R0000000nn */
static int
add(struct store *st, int from, int to)
{
	int dropped = 0;

	for (int i = from; i < to; i++) {
		json_object *o = event(i);
		char ref[16];

		snprintf(ref, sizeof(ref), "R%09d", i);
		if (events_add(st, o, ref, T0 + i) < 0)
			dropped++;
		json_object_put(o);
	}
	return dropped;
}

/* count - a number from the events table, on a connection of its own */
static int64_t
count(struct store *st, const char *sql)
{
	struct db *db = db_open(st, NULL);
	int64_t v = -1;

	assert_non_null(db);
	assert_int_equal(db_one(db, sql, 0, NULL, &v, NULL), 1);
	db_close(db);
	return v;
}

static void
test_rows_arrive_once_with_school_and_ref(void **state)
{
	char *dir = tu_tempdir();
	struct store *st, *reader;

	(void)state;
	st = tu_store(dir);
	reader = tu_store(dir);
	assert_int_equal(add(st, 0, 450), 0);
	for (int i = 0; i < 100 && count(reader,
	    "SELECT count(*) FROM events") < 450; i++)
		usleep(100000);
	assert_int_equal(count(reader, "SELECT count(*) FROM events"), 450);
	assert_int_equal(count(reader, "SELECT count(DISTINCT ref) FROM "
	    "events"), 450);
	assert_int_equal(count(reader, "SELECT count(*) FROM events WHERE "
	    "school = 'a'"), 225);
	assert_int_equal(count(reader, "SELECT time FROM events WHERE ref = "
	    "'R000000449' AND (event->>'n')::int = 449"), T0 + 449);
	store_free(st);
	store_free(reader);
	tu_rmdir(dir);
}

static void
test_free_writes_what_is_queued(void **state)
{
	char *dir = tu_tempdir();
	struct store *st, *reader;

	(void)state;
	st = tu_store(dir);
	assert_int_equal(add(st, 0, 300), 0);
	store_free(st);		/* at once: most rows are still queued */
	reader = tu_store(dir);
	assert_int_equal(count(reader, "SELECT count(*) FROM events"), 300);
	store_free(reader);
	tu_rmdir(dir);
}

/* slurp - a file's text (new string) */
static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *text = xcalloc(1, 65536);

	assert_non_null(fp);
	(void)fread(text, 1, 65535, fp);
	fclose(fp);
	return text;
}

/* dropped_in_log - the rows the log says a full queue dropped, summed */
static int
dropped_in_log(const char *log)
{
	static const char said[] = "the queue of 5 rows was full: ";
	static const char rest[] = " event rows not added to the shared "
	    "store (they are in the local event log)";
	int total = 0;

	for (const char *at = strstr(log, said); at != NULL;
	    at = strstr(at, said)) {
		char *end;
		long n;

		at += sizeof(said) - 1;
		n = strtol(at, &end, 10);
		assert_true(end > at && n > 0);
		assert_memory_equal(end, rest, sizeof(rest) - 1);
		total += (int)n;
	}
	return total;
}

static void
test_full_queue_is_counted_in_the_log(void **state)
{
	char *dir = tu_tempdir(), *path = xasprintf("%s/log", dir), *log;
	struct store *st;
	int saved, fd;

	(void)state;
	/* a server that is not there: the rows wait, then the queue fills */
	st = store_new(STORE_POSTGRESQL, dir, "host=/nonexistent dbname=aup");
	store_set_event_queue(st, 5);
	log_init("aup-milter", "mail", true);
	fflush(stderr);
	saved = dup(2);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0 && dup2(fd, 2) == 2);
	assert_int_equal(add(st, 0, 8), 3);
	store_free(st);
	fflush(stderr);
	assert_int_equal(dup2(saved, 2), 2);
	close(fd);
	close(saved);
	log = slurp(path);
	/* the writer may log the drops in more than one line: 3 in all */
	assert_int_equal(dropped_in_log(log), 3);
	assert_non_null(strstr(log, "not added to the shared store yet: "
	    "postgresql: "));
	assert_non_null(strstr(log, "events: 5 event rows not added to the "
	    "shared store at stop"));
	free(log);
	free(path);
	tu_rmdir(dir);
}

/* load - a configuration through conf_reload; fails the test on error */
static struct conf *
load(const char *path, const struct conf *prev)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_reload(path, test_registry(), prev, &eb);
	if (cf == NULL)
		fail_msg("%s", eb.nerrors > 0 ? eb.errors[0] : "no snapshot");
	errbuf_clear(&eb);
	return cf;
}

static void
test_schools_share_one_handle(void **state)
{
	char *dir = tu_tempdir();
	char *path = tu_schools(dir, "", "", "");
	struct conf *cf = load(path, NULL), *again, *moved;
	char *text, *edited, *at;

	(void)state;
	assert_int_equal(cf->nschools, 2);
	assert_ptr_equal(store_of(cf->schools[0]), store_of(cf));
	assert_ptr_equal(store_of(cf->schools[1]), store_of(cf));
	again = load(path, cf);
	assert_ptr_equal(store_of(again), store_of(cf));
	/* another quarantine folder is another store: a handle of its own */
	text = slurp(path);
	at = strstr(text, "/quarantine\n");
	assert_non_null(at);
	*at = '\0';
	edited = xasprintf("%s/quarantine2\n%s", text, at + 12);
	free(text);
	text = xasprintf("%s/quarantine2", dir);
	assert_int_equal(mkdir(text, 0700), 0);
	free(text);
	free(tu_write(dir, "aup-milter.conf", edited));
	free(edited);
	moved = load(path, again);
	assert_ptr_not_equal(store_of(moved), store_of(again));
	assert_ptr_equal(store_of(moved->schools[0]), store_of(moved));
	assert_ptr_equal(store_of(moved->schools[1]), store_of(moved));
	conf_release(cf);
	conf_release(again);
	conf_release(moved);
	free(path);
	tu_rmdir(dir);
}

static void
test_sqlite_queues_nothing(void **state)
{
	char *dir = tu_tempdir();
	struct store *st = store_new(STORE_SQLITE, dir, NULL);

	(void)state;
	/* the local event log is the record: no queue to fill, no thread */
	store_set_event_queue(st, 5);
	assert_int_equal(add(st, 0, 8), 0);
	store_free(st);
	tu_rmdir(dir);
}

int
main(void)
{
	/* the events table is PostgreSQL's: those cases run there only */
	const struct CMUnitTest pg[] = {
		cmocka_unit_test(test_rows_arrive_once_with_school_and_ref),
		cmocka_unit_test(test_free_writes_what_is_queued),
		cmocka_unit_test(test_full_queue_is_counted_in_the_log),
		cmocka_unit_test(test_schools_share_one_handle),
	};
	const struct CMUnitTest sqlite[] = {
		cmocka_unit_test(test_sqlite_queues_nothing),
		cmocka_unit_test(test_schools_share_one_handle),
	};

	if (tu_store_pg())
		return cmocka_run_group_tests(pg, NULL, NULL);
	return cmocka_run_group_tests(sqlite, NULL, NULL);
}
