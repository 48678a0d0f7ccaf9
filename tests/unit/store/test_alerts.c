/*
 * test_alerts - the safeguarding alert store
 *
 * An alert goes in with its matches and comes back with them; the same
 * (message, category) is stored once; lists filter by status, category,
 * reference and time and never carry the matches; the DSL's changes
 * record who and when, notes append, an unknown status or alert is
 * refused; the table shares the quarantine's 0640 database; and a value
 * full of SQL quotes is stored as text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "store/alerts.h"
#include "store/qindex.h"
#include "store/store.h"
#include "testutil.h"
#include "util/xalloc.h"

static struct alert_match sample_matches[] = {
	{ (char *)"phrase one", (char *)"... before phrase one after ...", 8 },
	{ (char *)"phrase two", (char *)"... phrase two ...", 6 },
};

/* sample - an alert (strings borrowed: only for alerts_add) */
static struct alert_entry
sample(const char *ref, const char *category, time_t t)
{
	struct alert_entry e = { 0 };

	e.ref = (char *)ref;
	e.time = t;
	e.policy = (char *)"safeguarding";
	e.category = (char *)category;
	e.score = 14;
	e.severity = (char *)"low";
	e.direction = (char *)"outbound";
	e.sender = (char *)"amy21@pupils.school.example";
	e.sender_role = (char *)"pupil";
	e.recipients = (char *)"ben21@pupils.school.example (pupil)";
	e.matches = sample_matches;
	e.nmatches = 2;
	return e;
}

/* add - alerts_add or fail; the new id */
static int64_t
add(const char *dir, struct alert_entry e)
{
	char *err = NULL;
	int64_t id = -1;

	if (alerts_add(tu_st(dir), &e, &id, &err) < 0)
		fail_msg("alerts_add: %s", err);
	return id;
}

/* count - alerts of a filter */
static long
count(const char *dir, struct alert_filter f)
{
	struct alert_entry *rows;
	long n = alerts_list(tu_st(dir), &f, &rows, NULL);

	for (long i = 0; i < n; i++)
		assert_int_equal(rows[i].nmatches, 0);
	alerts_entries_free(rows, n);
	assert_int_equal(alerts_count(tu_st(dir), &f, NULL), n);
	return n;
}

/* An alert comes back with its matches, status open; stored once. */
static void
test_round_trip(void **state)
{
	char *dir = tu_tempdir(), *path = qindex_path(dir);
	struct alert_entry e;
	struct stat st;
	int64_t id, again;

	(void)state;
	id = add(dir, sample("AB12CD34EF", "bullying", 1000));
	assert_true(id > 0);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_string_equal(e.ref, "AB12CD34EF");
	assert_string_equal(e.category, "bullying");
	assert_string_equal(e.status, "open");
	assert_string_equal(e.sender_role, "pupil");
	assert_int_equal(e.score, 14);
	assert_false(e.held);
	assert_null(e.assignee);
	assert_int_equal(e.nmatches, 2);
	assert_string_equal(e.matches[0].phrase, "phrase one");
	assert_string_equal(e.matches[1].context, "... phrase two ...");
	assert_int_equal(e.matches[0].weight, 8);
	alerts_entry_clear(&e);
	again = add(dir, sample("AB12CD34EF", "bullying", 1000));
	assert_int_equal(again, 0);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_int_equal(e.nmatches, 2);
	alerts_entry_clear(&e);
	assert_int_equal(alerts_get(tu_st(dir), id + 100, &e, NULL), 0);
	if (!tu_store_pg()) {	/* SQLite: the index file is not world readable */
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0640);
	}
	free(path);
	tu_rmdir(dir);
}

/* Lists filter by status, category, reference and time, newest first. */
static void
test_list_filters(void **state)
{
	char *dir = tu_tempdir();
	struct alert_update close = { .status = "closed" };
	struct alert_entry *rows;
	int64_t a;
	long n;

	(void)state;
	a = add(dir, sample("REF0000001", "bullying", 1000));
	add(dir, sample("REF0000001", "violence", 1000));
	add(dir, sample("REF0000002", "self-harm", 2000));
	assert_int_equal(alerts_update(tu_st(dir), a, &close, "dsl", 3000, NULL), 1);
	assert_int_equal(count(dir, (struct alert_filter){ 0 }), 3);
	assert_int_equal(count(dir, (struct alert_filter){ .status =
	    "open" }), 2);
	assert_int_equal(count(dir, (struct alert_filter){ .not_closed =
	    true }), 2);
	assert_int_equal(count(dir, (struct alert_filter){ .category =
	    "self-harm" }), 1);
	assert_int_equal(count(dir, (struct alert_filter){ .ref =
	    "REF0000001" }), 2);
	assert_int_equal(count(dir, (struct alert_filter){ .since = 1500 }),
	    1);
	n = alerts_list(tu_st(dir), &(struct alert_filter){ 0 }, &rows, NULL);
	assert_int_equal(n, 3);
	assert_string_equal(rows[0].ref, "REF0000002");
	alerts_entries_free(rows, n);
	tu_rmdir(dir);
}

/* Changes record who and when; notes append; bad input is refused. */
static void
test_update(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct alert_update take = { .status = "in progress", .assignee =
	    "deputy", .note = "spoke to the class teacher" };
	struct alert_update note = { .note = "parents called" };
	struct alert_update unassign = { .assignee = "" };
	struct alert_update bad = { .status = "done" };
	struct alert_entry e;
	int64_t id;

	(void)state;
	id = add(dir, sample("REF0000003", "self-harm", 1000));
	assert_int_equal(alerts_update(tu_st(dir), id, &take, "dsl", 2000, NULL), 1);
	assert_int_equal(alerts_update(tu_st(dir), id, &note, "deputy", 2500, NULL),
	    1);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_string_equal(e.status, "in progress");
	assert_string_equal(e.assignee, "deputy");
	assert_string_equal(e.updated_by, "deputy");
	assert_int_equal(e.updated_at, 2500);
	assert_int_equal(e.nnotes, 2);
	assert_string_equal(e.notes[0].text, "spoke to the class teacher");
	assert_string_equal(e.notes[0].by, "dsl");
	assert_string_equal(e.notes[1].text, "parents called");
	alerts_entry_clear(&e);
	assert_int_equal(alerts_update(tu_st(dir), id, &unassign, "dsl", 2600, NULL),
	    1);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_null(e.assignee);
	assert_string_equal(e.status, "in progress");
	alerts_entry_clear(&e);
	assert_int_equal(alerts_update(tu_st(dir), id, &bad, "dsl", 2700, &err), -1);
	assert_non_null(strstr(err, "done"));
	free(err);
	assert_int_equal(alerts_update(tu_st(dir), id + 9, &note, "dsl", 2700, NULL),
	    0);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_int_equal(e.nnotes, 2);
	alerts_entry_clear(&e);
	tu_rmdir(dir);
}

/* Quotes and semicolons are values, never SQL; a missing field fails. */
static void
test_values_are_bound(void **state)
{
	char *dir = tu_tempdir(), *err = NULL;
	struct alert_entry in = sample("REF'; DROP", "x'); DELETE FROM alerts;--",
	    1000), e;
	int64_t id;

	(void)state;
	id = add(dir, in);
	assert_int_equal(alerts_get(tu_st(dir), id, &e, NULL), 1);
	assert_string_equal(e.category, "x'); DELETE FROM alerts;--");
	alerts_entry_clear(&e);
	in.category = NULL;
	assert_int_equal(alerts_add(tu_st(dir), &in, NULL, &err), -1);
	assert_non_null(err);
	free(err);
	assert_int_equal(count(dir, (struct alert_filter){ 0 }), 1);
	tu_rmdir(dir);
}

/* An unwritable store is an error with a message, never a crash. */
static void
test_unwritable(void **state)
{
	struct alert_entry e = sample("REF0000004", "drugs", 1);
	char *err = NULL;
	struct alert_entry *rows;
	/* a folder nobody can write, or a server that is not there */
	struct store *bad = tu_store_pg() ? store_new(STORE_POSTGRESQL, ".",
	    "host=/proc/no-such-store dbname=aup") :
	    store_new(STORE_SQLITE, "/proc/no-such-store", NULL);

	(void)state;
	assert_int_equal(alerts_add(bad, &e, NULL, &err), -1);
	assert_non_null(err);
	free(err);
	err = NULL;
	assert_int_equal(alerts_list(bad, &(struct alert_filter){ 0 }, &rows,
	    &err), -1);
	assert_non_null(err);
	free(err);
	store_free(bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_update),
		cmocka_unit_test(test_values_are_bound),
		cmocka_unit_test(test_unwritable),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
