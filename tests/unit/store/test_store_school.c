/*
 * test_store_school - every table of the store knows the school
 *
 * Held messages, deferred messages, alerts, notices and audit rows keep
 * the school that judged the message ("" for a single-school service),
 * and each list filtered by a school returns only that school's rows
 * (no filter: every school); the report of one school counts its
 * events and rows only, and the service's report counts each school's
 * messages and decisions.  An index.sqlite written by the code
 * before schools (commit 2ca689e: its tables exactly as it made them)
 * opens, gains the column, and its rows come back with school "".
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "store/alerts.h"
#include "store/audit.h"
#include "store/deferred.h"
#include "store/notices.h"
#include "store/qindex.h"
#include "store/report.h"
#include "testutil.h"
#include "util/xalloc.h"

#define T0	((time_t)1767225600)	/* 2026-01-01 */

/* The tables as the code before schools made them, with one row each. */
static const char old_index[] =
    "CREATE TABLE quarantine ("
    " ref TEXT PRIMARY KEY, time INTEGER NOT NULL, direction TEXT,"
    " sender TEXT, recipients TEXT, subject TEXT, policy TEXT,"
    " policies TEXT, reason TEXT, size INTEGER,"
    " status TEXT NOT NULL DEFAULT 'held' CHECK (status IN"
    " ('held', 'released', 'deleted', 'expired')),"
    " released_at INTEGER, released_by TEXT, released_to TEXT,"
    " delivered_at INTEGER, delivered_qid TEXT,"
    " deleted_at INTEGER, deleted_by TEXT, notified_at INTEGER);"
    "CREATE INDEX quarantine_time ON quarantine (time);"
    "ALTER TABLE quarantine ADD COLUMN reviewed_at INTEGER;"
    "ALTER TABLE quarantine ADD COLUMN reviewed_by TEXT;"
    "CREATE TABLE notices ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, ref TEXT,"
    " rcpt TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL,"
    " created INTEGER NOT NULL, expires INTEGER NOT NULL,"
    " state TEXT NOT NULL DEFAULT 'queued' CHECK (state IN"
    " ('queued', 'sending', 'sent', 'failed')),"
    " tries INTEGER NOT NULL DEFAULT 0, next_try INTEGER NOT NULL,"
    " claimed_at INTEGER, claimed_by TEXT, sent_at INTEGER,"
    " last_error TEXT);"
    "CREATE TABLE deferred ("
    " ref TEXT PRIMARY KEY, time INTEGER NOT NULL, due INTEGER NOT NULL,"
    " due_text TEXT, sender TEXT, recipients TEXT, subject TEXT,"
    " login TEXT, reason TEXT, size INTEGER,"
    " status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN"
    " ('waiting', 'sending', 'sent', 'cancelled')),"
    " claimed_at INTEGER, attempts INTEGER NOT NULL DEFAULT 0,"
    " last_error TEXT, sent_at INTEGER, sent_by TEXT,"
    " delivered_at INTEGER, delivered_qid TEXT,"
    " cancelled_at INTEGER, cancelled_by TEXT, notified_at INTEGER);"
    "CREATE TABLE alerts ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, ref TEXT NOT NULL,"
    " time INTEGER NOT NULL, policy TEXT NOT NULL, category TEXT NOT NULL,"
    " score INTEGER NOT NULL, severity TEXT, held INTEGER NOT NULL DEFAULT 0,"
    " direction TEXT, sender TEXT, sender_role TEXT, recipients TEXT,"
    " status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
    " ('open', 'in progress', 'closed')),"
    " assignee TEXT, updated_at INTEGER, updated_by TEXT,"
    " UNIQUE (ref, category));"
    "CREATE TABLE audit ("
    " id INTEGER PRIMARY KEY, time INTEGER NOT NULL, user TEXT NOT NULL,"
    " role TEXT, via TEXT NOT NULL, address TEXT, action TEXT NOT NULL,"
    " ref TEXT, result TEXT NOT NULL, reason TEXT, detail TEXT);"
    "INSERT INTO quarantine (ref, time, direction, sender, recipients,"
    " policy, policies, reason, size) VALUES ('OLDHELD001', 1767225600,"
    " 'inbound', 'a@example.net', 'head@school.example', 'executables',"
    " 'executables', 'a Windows program', 100);"
    "INSERT INTO notices (kind, ref, rcpt, subject, body, created, expires,"
    " next_try) VALUES ('held', 'OLDHELD001', 'dsl@school.example', 's',"
    " 'b', 1767225600, 1767657600, 1767225600);"
    "INSERT INTO deferred (ref, time, due, sender, recipients) VALUES"
    " ('OLDDEFER01', 1767225600, 1767254400, 'head@school.example',"
    " 'p@example.net');"
    "INSERT INTO alerts (ref, time, policy, category, score) VALUES"
    " ('OLDHELD001', 1767225600, 'safeguarding', 'bullying', 7);"
    "INSERT INTO audit (time, user, via, action, ref, result) VALUES"
    " (1767225600, 'dsl', 'aupctl', 'release', 'OLDHELD001', 'ok');";

/* held - a held message of a school (strings borrowed) */
static void
held(const char *dir, const char *ref, const char *school)
{
	struct qindex_entry e = { 0 };
	char *err = NULL;

	e.ref = (char *)ref;
	e.time = T0;
	e.direction = (char *)"inbound";
	e.sender = (char *)"a@example.net";
	e.recipients = (char *)"head@school.example";
	e.policy = e.policies = (char *)"executables";
	e.school = (char *)school;
	if (qindex_add(tu_st(dir), &e, &err) < 0)
		fail_msg("qindex_add: %s", err);
}

/* held_count - held rows of a school (NULL: all), each checked */
static long
held_count(const char *dir, const char *school)
{
	struct qindex_filter f = { .school = school };
	struct qindex_entry *rows;
	long n = qindex_list(tu_st(dir), &f, &rows, NULL);

	for (long i = 0; school != NULL && i < n; i++)
		assert_string_equal(rows[i].school, school);
	assert_int_equal(qindex_count(tu_st(dir), &f, NULL), n);
	qindex_entries_free(rows, n);
	return n;
}

/* Held rows keep their school; a school's list has only its rows. */
static void
test_held_by_school(void **state)
{
	char *dir = tu_tempdir();
	struct qindex_entry e;

	(void)state;
	held(dir, "AAAAAAAAA1", "school-a");
	held(dir, "AAAAAAAAA2", "school-a");
	held(dir, "BBBBBBBBB1", "school-b");
	held(dir, "SINGLE0001", NULL);
	assert_int_equal(held_count(dir, "school-a"), 2);
	assert_int_equal(held_count(dir, "school-b"), 1);
	assert_int_equal(held_count(dir, ""), 1);
	assert_int_equal(held_count(dir, "school-c"), 0);
	assert_int_equal(held_count(dir, NULL), 4);
	assert_int_equal(qindex_get(tu_st(dir), "BBBBBBBBB1", &e, NULL), 1);
	assert_string_equal(e.school, "school-b");
	qindex_entry_clear(&e);
	assert_int_equal(qindex_get(tu_st(dir), "SINGLE0001", &e, NULL), 1);
	assert_string_equal(e.school, "");
	qindex_entry_clear(&e);
	tu_rmdir(dir);
}

/* deferred_of - a deferred message of a school */
static void
deferred_of(const char *dir, const char *ref, const char *school)
{
	struct deferred_entry e = { 0 };
	char *err = NULL;

	e.ref = (char *)ref;
	e.time = T0;
	e.due = T0 + 3600;
	e.sender = (char *)"head@school.example";
	e.recipients = (char *)"p@example.net";
	e.school = (char *)school;
	if (deferred_add(tu_st(dir), &e, &err) < 0)
		fail_msg("deferred_add: %s", err);
}

/* alert_of - an alert of a school */
static void
alert_of(const char *dir, const char *ref, const char *school)
{
	struct alert_entry e = { 0 };
	char *err = NULL;

	e.ref = (char *)ref;
	e.time = T0;
	e.policy = (char *)"safeguarding";
	e.category = (char *)"bullying";
	e.score = 7;
	e.school = (char *)school;
	if (alerts_add(tu_st(dir), &e, NULL, &err) < 0)
		fail_msg("alerts_add: %s", err);
}

/* audit_of - an audit row of a school */
static void
audit_of(const char *dir, const char *ref, const char *school)
{
	struct audit_row r = { 0 };
	char *err = NULL;

	r.time = T0;
	r.user = (char *)"dsl";
	r.via = (char *)"console";
	r.action = (char *)"release";
	r.ref = (char *)ref;
	r.result = (char *)"ok";
	r.school = (char *)school;
	if (audit_add(tu_st(dir), &r, &err) < 0)
		fail_msg("audit_add: %s", err);
}

/* Deferred, alerts and audit rows keep and filter by their school. */
static void
test_deferred_alerts_audit_by_school(void **state)
{
	char *dir = tu_tempdir();
	struct deferred_filter df = { .school = "school-a" };
	struct alert_filter af = { .school = "school-b" };
	struct audit_filter uf = { .school = "school-a" };
	struct deferred_entry *d;
	struct alert_entry *a;
	struct audit_row *u;
	long n;

	(void)state;
	deferred_of(dir, "AAAAAAAAA1", "school-a");
	deferred_of(dir, "BBBBBBBBB1", "school-b");
	alert_of(dir, "AAAAAAAAA1", "school-a");
	alert_of(dir, "BBBBBBBBB1", "school-b");
	alert_of(dir, "SINGLE0001", NULL);
	audit_of(dir, "AAAAAAAAA1", "school-a");
	audit_of(dir, "BBBBBBBBB1", "school-b");

	assert_int_equal(n = deferred_list(tu_st(dir), &df, &d, NULL), 1);
	assert_string_equal(d[0].ref, "AAAAAAAAA1");
	assert_string_equal(d[0].school, "school-a");
	deferred_entries_free(d, n);
	df.school = NULL;
	assert_int_equal(n = deferred_list(tu_st(dir), &df, &d, NULL), 2);
	deferred_entries_free(d, n);

	assert_int_equal(n = alerts_list(tu_st(dir), &af, &a, NULL), 1);
	assert_string_equal(a[0].ref, "BBBBBBBBB1");
	assert_string_equal(a[0].school, "school-b");
	alerts_entries_free(a, n);
	assert_int_equal(alerts_count(tu_st(dir), &af, NULL), 1);
	af.school = "";
	assert_int_equal(alerts_count(tu_st(dir), &af, NULL), 1);
	af.school = NULL;
	assert_int_equal(alerts_count(tu_st(dir), &af, NULL), 3);

	assert_int_equal(n = audit_list(tu_st(dir), &uf, &u, NULL), 1);
	assert_string_equal(u[0].ref, "AAAAAAAAA1");
	assert_string_equal(u[0].school, "school-a");
	audit_rows_free(u, n);
	assert_int_equal(audit_count(tu_st(dir), &uf, NULL), 1);
	uf.school = NULL;
	assert_int_equal(audit_count(tu_st(dir), &uf, NULL), 2);
	tu_rmdir(dir);
}

/* A queued notice keeps its school; a hold and its notice share it. */
static void
test_notices_by_school(void **state)
{
	char *dir = tu_tempdir();
	struct notice n = { "held", "BBBBBBBBB1", "dsl@b.example", "Held",
	    "A message was held.", "school-b" };
	struct qindex_entry e = { 0 };
	struct notice_row *rows;
	long count;

	(void)state;
	e.ref = (char *)"BBBBBBBBB1";
	e.time = T0;
	e.school = (char *)"school-b";
	assert_int_equal(qindex_add_held(tu_st(dir), &e, &n, 1, T0, NULL), 0);
	n.school = NULL;
	n.ref = NULL;
	assert_int_equal(notices_enqueue(tu_st(dir), &n, T0, NULL), 0);
	assert_int_equal(count = notices_list(tu_st(dir), true, &rows, NULL), 2);
	assert_string_equal(rows[0].school, "school-b");
	assert_string_equal(rows[1].school, "");
	notice_rows_free(rows, count);
	assert_int_equal(held_count(dir, "school-b"), 1);
	tu_rmdir(dir);
}

/* school_event - one message event of a school ("" for none) */
static void
school_event(FILE *fp, const char *action, const char *school)
{
	fprintf(fp, "{\"event\":\"message\",\"ref\":\"X\",\"action\":"
	    "\"%s\",\"policies\":[{\"name\":\"executables\",\"result\":"
	    "\"%s\",\"reason\":\"a program\"}],\"mode\":\"enforce\"%s%s%s,"
	    "\"direction\":\"inbound\",\"time\":\"2026-12-07T12:00:00.000Z\"}"
	    "\n", action, strcmp(action, "accept") == 0 ? "pass" : action,
	    school[0] ? ",\"school\":\"" : "", school, school[0] ? "\"" : "");
}

/* A school's report has its events and rows; the service's, each school. */
static void
test_report_by_school(void **state)
{
	struct tu_fixture *f = tu_fixture_new(NULL, NULL);
	struct report_options one = { .school = "school-b" };
	struct report_options all = { .by_school = true };
	const char *dir = f->cf->milter.quarantine_dir;
	char *log = xasprintf("%s/events.jsonl", f->dir);
	FILE *fp = fopen(log, "w");
	struct report *r;
	const struct report_counts *c;
	char *err = NULL;

	(void)state;
	assert_non_null(fp);
	for (int i = 0; i < 3; i++)
		school_event(fp, "quarantine", "school-a");
	school_event(fp, "reject", "school-a");
	school_event(fp, "quarantine", "school-b");
	school_event(fp, "accept", "school-b");
	school_event(fp, "accept", "");
	fclose(fp);
	free(f->cf->milter.event_log);
	f->cf->milter.event_log = log;
	held(dir, "AAAAAAAAA1", "school-a");
	held(dir, "BBBBBBBBB1", "school-b");
	alert_of(dir, "AAAAAAAAA1", "school-a");

	assert_non_null(r = report_build(f->cf, &one, &err));
	assert_int_equal(r->messages, 2);
	assert_int_equal(r->actions[1], 1);		/* quarantine */
	assert_int_equal(r->actions[0], 0);		/* reject */
	assert_int_equal(r->held, 1);
	assert_int_equal(r->alert_states->len, 0);
	assert_int_equal(r->schools->len, 0);
	report_free(r);

	assert_non_null(r = report_build(f->cf, &all, &err));
	assert_int_equal(r->messages, 7);
	assert_int_equal(r->held, 2);
	assert_int_equal(r->schools->len, 3);	/* "", school-a, school-b */
	c = g_ptr_array_index(r->schools, 0);
	assert_string_equal(c->policy, "");
	assert_int_equal(c->messages, 1);
	c = g_ptr_array_index(r->schools, 1);
	assert_string_equal(c->policy, "school-a");
	assert_int_equal(c->messages, 4);
	assert_int_equal(c->n[1], 3);
	assert_int_equal(c->n[0], 1);
	c = g_ptr_array_index(r->schools, 2);
	assert_string_equal(c->policy, "school-b");
	assert_int_equal(c->messages, 2);
	assert_int_equal(c->n[1], 1);
	report_free(r);
	tu_fixture_free(f);
}

/* old_store - an index.sqlite as the code before schools left it */
static char *
old_store(void)
{
	char *dir = tu_tempdir(), *path = qindex_path(dir), *err = NULL;
	sqlite3 *db;

	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	if (sqlite3_exec(db, old_index, NULL, NULL, &err) != SQLITE_OK)
		fail_msg("old index: %s", err);
	sqlite3_close(db);
	free(path);
	return dir;
}

/* An index from before schools opens; its rows have school "". */
static void
test_upgrade_of_an_older_index(void **state)
{
	char *dir;
	struct qindex_entry e;
	struct deferred_entry d;
	struct alert_filter af = { .school = "" };
	struct audit_filter uf = { .school = "" };
	struct notice_row *nr;
	struct alert_entry *a;
	struct audit_row *u;
	long n;

	(void)state;
	if (tu_store_pg())	/* an index.sqlite of an older version */
		skip();
	dir = old_store();
	assert_int_equal(qindex_get(tu_st(dir), "OLDHELD001", &e, NULL), 1);
	assert_string_equal(e.school, "");
	assert_string_equal(e.sender, "a@example.net");
	qindex_entry_clear(&e);
	assert_int_equal(held_count(dir, ""), 1);
	assert_int_equal(held_count(dir, "school-a"), 0);
	assert_int_equal(deferred_get(tu_st(dir), "OLDDEFER01", &d, NULL), 1);
	assert_string_equal(d.school, "");
	deferred_entry_clear(&d);
	assert_int_equal(n = alerts_list(tu_st(dir), &af, &a, NULL), 1);
	assert_string_equal(a[0].ref, "OLDHELD001");
	alerts_entries_free(a, n);
	assert_int_equal(n = audit_list(tu_st(dir), &uf, &u, NULL), 1);
	assert_string_equal(u[0].school, "");
	audit_rows_free(u, n);
	assert_int_equal(n = notices_list(tu_st(dir), true, &nr, NULL), 1);
	assert_string_equal(nr[0].school, "");
	notice_rows_free(nr, n);
	/* New rows of a school go in beside the old ones. */
	held(dir, "AAAAAAAAA1", "school-a");
	assert_int_equal(held_count(dir, "school-a"), 1);
	assert_int_equal(held_count(dir, NULL), 2);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_held_by_school),
		cmocka_unit_test(test_deferred_alerts_audit_by_school),
		cmocka_unit_test(test_notices_by_school),
		cmocka_unit_test(test_report_by_school),
		cmocka_unit_test(test_upgrade_of_an_older_index),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
