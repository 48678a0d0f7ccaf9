/*
 * test_quarantine_index - the SQLite index of held messages
 *
 * Rows go in and come back; list filters by policy, day, sender,
 * recipient and status; a release happens once and its first delivery
 * is claimed once; delete and expire change only what they may; the
 * file is 0640; and eight threads writing while another lists lose
 * nothing and never fail (WAL mode, busy timeout, one connection per
 * call).  A release, its undoing, a review and a deletion made with
 * their audit row are one transaction: when the row cannot be written
 * the message stays as it was (held, not released), and a refused
 * change writes no row.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "store/audit.h"
#include "store/qindex.h"
#include "testutil.h"
#include "util/xalloc.h"

#define THREADS		8
#define PER_THREAD	25

/* row - a filled entry (strings borrowed: only for qindex_add) */
static struct qindex_entry
row(const char *ref, time_t t, const char *sender, const char *rcpts,
    const char *policies)
{
	struct qindex_entry e = { 0 };

	e.ref = (char *)ref;
	e.time = t;
	e.direction = (char *)"inbound";
	e.sender = (char *)sender;
	e.recipients = (char *)rcpts;
	e.subject = (char *)"Invoice";
	e.policy = (char *)"executables";
	e.policies = (char *)policies;
	e.reason = (char *)"a Windows program";
	e.size = 1234;
	return e;
}

/* add - qindex_add or fail */
static void
add(const char *dir, struct qindex_entry e)
{
	char *err = NULL;

	if (qindex_add(tu_st(dir), &e, &err) < 0)
		fail_msg("qindex_add: %s", err);
}

/* count - rows matching a filter */
static long
count(const char *dir, struct qindex_filter f)
{
	struct qindex_entry *rows;
	long n = qindex_list(tu_st(dir), &f, &rows, NULL);

	qindex_entries_free(rows, n);
	return n;
}

/* A row comes back as it went in; the file is 0640; a ref stays once. */
static void
test_rows_round_trip(void **state)
{
	char *dir = tu_tempdir(), *path = qindex_path(dir);
	struct qindex_entry e;
	struct stat st;

	(void)state;
	add(dir, row("AAAAAAAAAA", 1000, "a@x.example", "b@school.example",
	    "executables"));
	add(dir, row("AAAAAAAAAA", 2000, "other@x.example", "c", "x"));
	assert_int_equal(qindex_get(tu_st(dir), "AAAAAAAAAA", &e, NULL), 1);
	assert_string_equal(e.sender, "a@x.example");
	assert_string_equal(e.status, "held");
	assert_int_equal(e.time, 1000);
	assert_int_equal(e.size, 1234);
	assert_int_equal(e.released_at, 0);
	qindex_entry_clear(&e);
	assert_int_equal(qindex_get(tu_st(dir), "BBBBBBBBBB", &e, NULL), 0);
	if (!tu_store_pg()) {	/* SQLite: the index file is not world readable */
		assert_int_equal(stat(path, &st), 0);
		assert_int_equal(st.st_mode & 0777, 0640);
	}
	free(path);
	tu_rmdir(dir);
}

/* list filters by policy, day, sender and recipient (any part, any case) */
static void
test_list_filters(void **state)
{
	char *dir = tu_tempdir();

	(void)state;
	add(dir, row("AAAAAAAAA1", 1000, "Sales@Supplier.example",
	    "office@school.example", "executables"));
	add(dir, row("AAAAAAAAA2", 5000, "t.one@school.example",
	    "mum@gmail.com, dad@gmail.com", "pupil-data,executables"));
	add(dir, row("AAAAAAAAA3", 9000, "x@y.example", "head@school.example",
	    "pupil-data"));
	assert_int_equal(count(dir, (struct qindex_filter){ 0 }), 3);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .policy = "executables" }), 2);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .policy = "data" }), 0);
	assert_int_equal(count(dir, (struct qindex_filter){ .since = 5000 }),
	    2);
	assert_int_equal(count(dir, (struct qindex_filter){ .before = 5000 }),
	    1);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .sender = "supplier" }), 1);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .recipient = "DAD@GMAIL" }), 1);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .status = "released" }), 0);
	tu_rmdir(dir);
}

/* A release happens once, can be undone, and is delivered once. */
static void
test_release_and_delivery_happen_once(void **state)
{
	char *dir = tu_tempdir();
	struct qindex_entry e;

	(void)state;
	add(dir, row("RRRRRRRRRR", 1000, "a@x", "b@y", "executables"));
	assert_int_equal(qindex_claim_delivery(tu_st(dir), "RRRRRRRRRR", "Q0", 1,
	    NULL), 0);
	assert_int_equal(qindex_release(tu_st(dir), "RRRRRRRRRR", "jane", NULL, 2000,
	    NULL), 1);
	assert_int_equal(qindex_release(tu_st(dir), "RRRRRRRRRR", "john", NULL, 2001,
	    NULL), 0);
	assert_int_equal(qindex_unrelease(tu_st(dir), "RRRRRRRRRR", NULL), 1);
	assert_int_equal(qindex_release(tu_st(dir), "RRRRRRRRRR", "john", "me@y",
	    2002, NULL), 1);
	assert_int_equal(qindex_claim_delivery(tu_st(dir), "RRRRRRRRRR", "Q1", 2003,
	    NULL), 1);
	assert_int_equal(qindex_claim_delivery(tu_st(dir), "RRRRRRRRRR", "Q2", 2004,
	    NULL), 0);
	assert_int_equal(qindex_unrelease(tu_st(dir), "RRRRRRRRRR", NULL), 0);
	assert_int_equal(qindex_get(tu_st(dir), "RRRRRRRRRR", &e, NULL), 1);
	assert_string_equal(e.status, "released");
	assert_string_equal(e.released_by, "john");
	assert_string_equal(e.released_to, "me@y");
	assert_string_equal(e.delivered_qid, "Q1");
	qindex_entry_clear(&e);
	tu_rmdir(dir);
}

/* delete and expire move only rows whose files still exist. */
static void
test_delete_and_expire(void **state)
{
	char *dir = tu_tempdir();
	struct qindex_entry e;

	(void)state;
	add(dir, row("DDDDDDDDDD", 1000, "a@x", "b@y", "executables"));
	add(dir, row("EEEEEEEEEE", 1000, "a@x", "b@y", "executables"));
	assert_int_equal(qindex_delete(tu_st(dir), "DDDDDDDDDD", "jane", 5, NULL), 1);
	assert_int_equal(qindex_delete(tu_st(dir), "DDDDDDDDDD", "jane", 6, NULL), 0);
	assert_int_equal(qindex_expire(tu_st(dir), "DDDDDDDDDD", NULL), 0);
	assert_int_equal(qindex_release(tu_st(dir), "DDDDDDDDDD", "x", NULL, 7,
	    NULL), 0);
	assert_int_equal(qindex_expire(tu_st(dir), "EEEEEEEEEE", NULL), 1);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .with_files = true }), 0);
	assert_int_equal(qindex_get(tu_st(dir), "DDDDDDDDDD", &e, NULL), 1);
	assert_string_equal(e.deleted_by, "jane");
	qindex_entry_clear(&e);
	assert_int_equal(qindex_notified(tu_st(dir), "EEEEEEEEEE", 9, NULL), 0);
	assert_int_equal(count(dir, (struct qindex_filter){
	    .unnotified = true }), 1);
	tu_rmdir(dir);
}

struct writer {
	const char *dir;
	int	 id;
	int	 failures;
};

/* writer_main - one milter thread holding PER_THREAD messages */
static void *
writer_main(void *arg)
{
	struct writer *w = arg;

	for (int i = 0; i < PER_THREAD; i++) {
		char ref[16], *err = NULL;
		struct qindex_entry e;

		snprintf(ref, sizeof(ref), "T%dX%05d", w->id, i);
		e = row(ref, 1000 + i, "a@x", "b@y", "executables");
		if (qindex_add(tu_st(w->dir), &e, &err) < 0)
			w->failures++;
		free(err);
	}
	return NULL;
}

/* Eight writers and a reviewer at once: nothing lost, nothing fails. */
static void
test_many_writers_and_a_reviewer(void **state)
{
	char *dir = tu_tempdir();
	struct writer w[THREADS];
	pthread_t t[THREADS];
	int reads_failed = 0;

	(void)state;
	add(dir, row("ZZZZZZZZZZ", 1, "a@x", "b@y", "executables"));
	for (int i = 0; i < THREADS; i++) {
		w[i] = (struct writer){ dir, i, 0 };
		assert_int_equal(pthread_create(&t[i], NULL, writer_main,
		    &w[i]), 0);
	}
	for (int i = 0; i < 20; i++)
		if (count(dir, (struct qindex_filter){ 0 }) < 1)
			reads_failed++;
	for (int i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
	}
	assert_int_equal(reads_failed, 0);
	assert_int_equal(count(dir, (struct qindex_filter){ 0 }),
	    THREADS * PER_THREAD + 1);
	tu_rmdir(dir);
}

/* audit_rows - audit rows of a reference */
static long
audit_rows(const char *dir, const char *ref)
{
	struct audit_filter f = { .ref = ref };

	return audit_count(tu_st(dir), &f, NULL);
}

/* status - a row's status, released_by and reviewed_by as one string */
static char *
status(const char *dir, const char *ref)
{
	struct qindex_entry e;
	char *s;

	assert_int_equal(qindex_get(tu_st(dir), ref, &e, NULL), 1);
	s = xasprintf("%s %s %s", e.status, e.released_by ? e.released_by :
	    "-", e.reviewed_by ? e.reviewed_by : "-");
	qindex_entry_clear(&e);
	return s;
}

/* A change and its audit row: both or neither. */
static void
test_change_and_audit_row_are_one(void **state)
{
	struct audit_row ok = { .user = "jane", .via = "aupctl",
	    .action = "release", .ref = "AAAAAAAAAA", .result = "started" };
	/* result is NOT NULL: this row cannot be written */
	struct audit_row bad = ok;
	char *dir = tu_tempdir(), *err = NULL, *s;

	(void)state;
	bad.result = NULL;
	add(dir, row("AAAAAAAAAA", 1000, "a@x", "b@y", "executables"));
	assert_int_equal(qindex_release_audited(tu_st(dir), "AAAAAAAAAA",
	    "jane", NULL, 2000, &bad, &err), -1);
	assert_non_null(err);
	free(err);
	err = NULL;
	assert_string_equal((s = status(dir, "AAAAAAAAAA")), "held - -");
	free(s);
	assert_int_equal(audit_rows(dir, "AAAAAAAAAA"), 0);
	assert_int_equal(qindex_review_audited(tu_st(dir), "AAAAAAAAAA",
	    "tom", 2001, &bad, NULL), -1);
	assert_int_equal(qindex_delete_audited(tu_st(dir), "AAAAAAAAAA",
	    "tom", 2001, &bad, NULL), -1);
	assert_string_equal((s = status(dir, "AAAAAAAAAA")), "held - -");
	free(s);
	assert_int_equal(qindex_release_audited(tu_st(dir), "AAAAAAAAAA",
	    "jane", NULL, 2002, &ok, NULL), 1);
	assert_string_equal((s = status(dir, "AAAAAAAAAA")),
	    "released jane -");
	free(s);
	assert_int_equal(audit_rows(dir, "AAAAAAAAAA"), 1);
	/* refused: released already; no second row */
	assert_int_equal(qindex_release_audited(tu_st(dir), "AAAAAAAAAA",
	    "john", NULL, 2003, &ok, NULL), 0);
	assert_int_equal(audit_rows(dir, "AAAAAAAAAA"), 1);
	assert_int_equal(qindex_unrelease_audited(tu_st(dir), "AAAAAAAAAA",
	    &bad, NULL), -1);
	assert_string_equal((s = status(dir, "AAAAAAAAAA")),
	    "released jane -");
	free(s);
	ok.result = "failed";
	assert_int_equal(qindex_unrelease_audited(tu_st(dir), "AAAAAAAAAA",
	    &ok, NULL), 1);
	ok.action = "review";
	ok.result = "ok";
	assert_int_equal(qindex_review_audited(tu_st(dir), "AAAAAAAAAA",
	    "tom", 2004, &ok, NULL), 1);
	assert_string_equal((s = status(dir, "AAAAAAAAAA")), "held - tom");
	free(s);
	assert_int_equal(audit_rows(dir, "AAAAAAAAAA"), 3);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows_round_trip),
		cmocka_unit_test(test_list_filters),
		cmocka_unit_test(test_release_and_delivery_happen_once),
		cmocka_unit_test(test_delete_and_expire),
		cmocka_unit_test(test_change_and_audit_row_are_one),
		cmocka_unit_test(test_many_writers_and_a_reviewer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
