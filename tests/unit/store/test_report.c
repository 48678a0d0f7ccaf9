/*
 * test_report - the report's sums over a generated event log and index
 *
 * 300 message events over three ISO weeks with known results (rejects
 * by parent-contact, holds by executables, monitor-mode pupil-data,
 * safeguarding alert categories, urgent overrides), a few events of
 * other kinds, a line that is not JSON, and held messages released,
 * deleted, reviewed and waiting in the index: every number of the
 * report, each renderer, and the since/until range are checked; and
 * lines written to mislead a reader that looks for keys instead of
 * parsing (JSON text inside strings, members in another order).
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

#include "store/alerts.h"
#include "store/qindex.h"
#include "store/report.h"
#include "testutil.h"
#include "util/xalloc.h"

#define MONDAY	1796601600	/* 2026-12-07 00:00 UTC, a Monday */
#define DAY	86400

/* event - one message event line */
static void
event(FILE *fp, time_t t, const char *action, const char *policies,
    const char *extra)
{
	struct tm tm;
	char when[64];

	gmtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S.000Z", &tm);
	fprintf(fp, "{\"event\":\"message\",\"ref\":\"X\",\"action\":\"%s\","
	    "\"policies\":[%s]%s,\"time\":\"%s\"}\n", action, policies,
	    extra, when);
}

/* write_log - the generated event set; returns the config path */
static char *
write_log(const char *dir)
{
	char *path = xasprintf("%s/events.jsonl", dir);
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	for (int w = 0; w < 3; w++) {
		time_t t = MONDAY + (time_t)w * 7 * DAY + 3600 * 12;

		for (int i = 0; i < 60; i++)	/* 60 passes a week */
			event(fp, t, "accept", "{\"name\":\"bulk-bcc\","
			    "\"result\":\"pass\",\"reason\":\"\"}", "");
		for (int i = 0; i < 20 + w; i++)	/* 20, 21, 22 rejects */
			event(fp, t, "reject", "{\"name\":\"parent-contact\","
			    "\"result\":\"reject\",\"reason\":\"to a parent\"}",
			    "");
		for (int i = 0; i < 10; i++)	/* 10 holds a week */
			event(fp, t, "quarantine", "{\"name\":\"executables\","
			    "\"result\":\"quarantine\",\"reason\":\"a program\"}",
			    "");
		for (int i = 0; i < 5; i++)	/* would-have, monitor mode */
			event(fp, t, "accept", "{\"name\":\"pupil-data\","
			    "\"result\":\"reject\",\"reason\":\"3 UPNs\","
			    "\"monitored\":true}", "");
		for (int i = 0; i < 4; i++)	/* alerts and urgent */
			event(fp, t, "flag", "{\"name\":\"safeguarding\","
			    "\"result\":\"flag\",\"reason\":\"self-harm 12\"},"
			    "{\"name\":\"working-hours\",\"result\":\"pass\","
			    "\"reason\":\"urgent: the Subject starts with "
			    "[URGENT], sent at once\",\"tag\":\"urgent\"}",
			    ",\"alerts\":[{\"category\":\"self-harm\","
			    "\"score\":12}]");
		/* urgent without an alert, as the milter writes it */
		event(fp, t, "accept", "{\"name\":\"working-hours\","
		    "\"result\":\"pass\",\"reason\":\"urgent\","
		    "\"tag\":\"urgent\"}", ",\"alerts\":[]");
	}
	fputs("{\"event\":\"quarantine-release\",\"ref\":\"X\",\"time\":"
	    "\"2026-12-08T10:00:00.000Z\"}\nnot json at all\n\n", fp);
	fclose(fp);
	return path;
}

/* hold - one index row, then the review actions */
static void
hold(const char *dir, const char *ref, time_t t, int what)
{
	struct qindex_entry e = { .ref = (char *)ref, .time = t,
	    .direction = "inbound", .sender = "a@b.example",
	    .recipients = "c@testwood.example", .policy = "executables",
	    .policies = "executables", .reason = "x", .size = 10 };

	assert_int_equal(qindex_add(tu_st(dir), &e, NULL), 0);
	if (what == 1)
		assert_int_equal(qindex_release(tu_st(dir), ref, "jane", NULL,
		    t + 3600, NULL), 1);
	else if (what == 2)
		assert_int_equal(qindex_delete(tu_st(dir), ref, "jane", t + 3 * 3600,
		    NULL), 1);
	else if (what == 3)
		assert_int_equal(qindex_review(tu_st(dir), ref, "tom", t + 2 * 3600,
		    NULL), 1);
}

/* alert - one row of the alerts table, its status changed when given */
static void
alert(const char *dir, const char *ref, const char *category,
    const char *status)
{
	struct alert_entry e = { .ref = (char *)ref, .time = MONDAY,
	    .policy = "safeguarding", .category = (char *)category,
	    .score = 12, .sender = "a@b.example" };
	struct alert_update u = { .status = status };
	int64_t id;

	assert_int_equal(alerts_add(tu_st(dir), &e, &id, NULL), 0);
	if (status != NULL)
		assert_int_equal(alerts_update(tu_st(dir), id, &u, "jane", MONDAY + 60,
		    NULL), 1);
}

/* counts - a policy's counts in a period (or zeros) */
static const long *
counts(const struct report *r, guint period, const char *policy)
{
	static const long none[REPORT_ACTIONS];
	const struct report_period *p = g_ptr_array_index(r->periods, period);

	for (guint i = 0; i < p->policies->len; i++) {
		const struct report_counts *c = g_ptr_array_index(p->policies,
		    i);

		if (strcmp(c->policy, policy) == 0)
			return c->n;
	}
	return none;
}

static void
test_the_sums_of_a_generated_event_set(void **state)
{
	struct tu_fixture *f = *state;
	struct report_options o = { .names = true };
	struct report *r;
	char *err = NULL, *log = write_log(f->dir), *qdir;
	const struct report_pair *p;

	qdir = xstrdup(f->cf->milter.quarantine_dir);
	hold(qdir, "AAAAAAAAA1", MONDAY, 1);
	hold(qdir, "AAAAAAAAA2", MONDAY, 2);
	hold(qdir, "AAAAAAAAA3", MONDAY, 3);
	hold(qdir, "AAAAAAAAA4", MONDAY, 0);
	alert(qdir, "AAAAAAAAA1", "bullying", NULL);
	alert(qdir, "AAAAAAAAA2", "bullying", "closed");
	alert(qdir, "AAAAAAAAA3", "self-harm", "closed");
	free(f->cf->milter.event_log);
	f->cf->milter.event_log = log;
	r = report_build(f->cf, &o, &err);
	assert_non_null(r);
	assert_int_equal(r->messages, 3 * (60 + 10 + 5 + 4 + 1) + 63);
	assert_int_equal(r->actions[0], 63);		/* reject */
	assert_int_equal(r->actions[1], 30);		/* quarantine */
	assert_int_equal(r->actions[4], 12);		/* flag */
	assert_int_equal(r->periods->len, 3);
	assert_string_equal(((struct report_period *)g_ptr_array_index(
	    r->periods, 0))->label, "2026-W50");
	assert_int_equal(counts(r, 0, "parent-contact")[0], 20);
	assert_int_equal(counts(r, 2, "parent-contact")[0], 22);
	assert_int_equal(counts(r, 1, "executables")[1], 10);
	assert_int_equal(counts(r, 1, "bulk-bcc")[0], 0);
	assert_int_equal(counts(r, 1, "pupil-data")[0], 0);
	assert_int_equal(r->monitor->len, 1);
	assert_int_equal(((struct report_counts *)g_ptr_array_index(
	    r->monitor, 0))->n[0], 15);
	p = g_ptr_array_index(r->reasons, 0);
	assert_string_equal(p->key, "parent-contact: to a parent");
	assert_int_equal(p->n, 63);
	p = g_ptr_array_index(r->alerts, 0);
	assert_string_equal(p->key, "self-harm");
	assert_int_equal(p->n, 12);
	assert_int_equal(r->urgent, 15);	/* once an event */
	assert_int_equal(r->bad_lines, 1);
	assert_int_equal(r->held, 4);
	assert_int_equal(r->released, 1);
	assert_int_equal(r->deleted, 1);
	assert_int_equal(r->reviewed, 1);
	assert_int_equal(r->waiting, 1);
	assert_true(r->median_review_hours > 1.99 &&
	    r->median_review_hours < 2.01);
	assert_int_equal(r->reviewers->len, 2);
	assert_int_equal(r->alert_states->len, 3);
	p = g_ptr_array_index(r->alert_states, 0);
	assert_string_equal(p->key, "bullying: closed");
	assert_int_equal(p->n, 1);
	report_free(r);
	free(qdir);
}

static void
test_the_range_and_the_renderers(void **state)
{
	struct tu_fixture *f = *state;
	struct report_options o = { .since = MONDAY + 7 * DAY,
	    .until = MONDAY + 14 * DAY, .monthly = true };
	struct report *r;
	char *err = NULL, *s;

	free(f->cf->milter.event_log);
	f->cf->milter.event_log = write_log(f->dir);
	r = report_build(f->cf, &o, &err);
	assert_non_null(r);
	assert_int_equal(r->messages, 60 + 21 + 10 + 5 + 4 + 1);
	assert_int_equal(r->periods->len, 1);
	assert_string_equal(((struct report_period *)g_ptr_array_index(
	    r->periods, 0))->label, "2026-12");
	assert_int_equal(r->reviewers->len, 0);	/* names: only for the DSL */
	s = report_csv(r);
	assert_non_null(strstr(s, "decisions,2026-12,parent-contact,reject,21\n"));
	assert_non_null(strstr(s, "would-have,,pupil-data,reject,5\n"));
	free(s);
	s = report_json(r);
	assert_non_null(strstr(s, "\"urgent_overrides\":5"));
	free(s);
	s = report_text(r);
	assert_non_null(strstr(s, "Messages judged: 101"));
	free(s);
	s = report_html(r, "Testwood <Primary>");
	assert_non_null(strstr(s, "Testwood &lt;Primary&gt;"));
	assert_non_null(strstr(s, "<svg class=\"chart\""));
	assert_null(strstr(s, "<script"));
	free(s);
	report_free(r);
}

/* Lines written to mislead a reader that looks for keys: JSON text in
 * a subject and a reason, members in another order, CRLF, monitored
 * alerts, and a last line without its newline. */
static const char *const tricky[] = {
	"{\"event\":\"message\",\"subject\":\"\\\"action\\\":\\\"reject"
	    "\\\",\\\"result\\\":\\\"reject\\\"}],\\\"alerts\\\":[{"
	    "\\\"category\\\":\\\"x\\\"}] \\\"tag\\\":\","
	    "\"action\":\"accept\",\"policies\":[{\"name\":\"bulk-bcc\","
	    "\"result\":\"pass\",\"reason\":\"\"}],\"alerts\":[],"
	    "\"time\":\"2026-12-08T09:00:00.000Z\"}\n",
	"{\"time\":\"2026-12-08T10:00:00.000Z\",\"alerts\":[{\"category\":"
	    "\"bullying\",\"score\":11}],\"policies\":[{\"name\":"
	    "\"executables\",\"result\":\"quarantine\",\"reason\":\"a.exe:"
	    " \\\"}],\\\" {x}\"}],\"event\":\"message\","
	    "\"action\":\"quarantine\"}\r\n",
	"{\"event\":\"message\",\"action\":\"accept\",\"policies\":"
	    "[{\"name\":\"safeguarding\",\"result\":\"flag\",\"reason\":"
	    "\"monitored\",\"monitored\":true}],\"alerts\":[],"
	    "\"monitored_alerts\":[{\"category\":\"profanity\"}],"
	    "\"time\":\"2026-12-08T11:00:00.000Z\"}",
};

static void
test_lines_written_to_mislead(void **state)
{
	struct tu_fixture *f = *state;
	struct report_options o = { .names = true };
	const struct report_pair *p;
	struct report *r;
	char *err = NULL;
	FILE *fp;

	free(f->cf->milter.event_log);
	f->cf->milter.event_log = xasprintf("%s/events.jsonl", f->dir);
	assert_non_null(fp = fopen(f->cf->milter.event_log, "w"));
	for (size_t i = 0; i < sizeof(tricky) / sizeof(tricky[0]); i++)
		fputs(tricky[i], fp);
	fclose(fp);
	r = report_build(f->cf, &o, &err);
	assert_non_null(r);
	assert_int_equal(r->messages, 3);
	assert_int_equal(r->actions[0], 0);		/* no reject */
	assert_int_equal(r->actions[1], 1);		/* quarantine */
	assert_int_equal(r->bad_lines, 0);
	assert_int_equal(r->reasons->len, 1);
	p = g_ptr_array_index(r->reasons, 0);
	assert_string_equal(p->key, "executables: a.exe: \"}],\" {x}");
	assert_int_equal(r->alerts->len, 1);
	p = g_ptr_array_index(r->alerts, 0);
	assert_string_equal(p->key, "bullying");
	assert_int_equal(r->monitor->len, 1);
	assert_int_equal(((struct report_counts *)g_ptr_array_index(
	    r->monitor, 0))->n[4], 1);			/* would flag */
	assert_int_equal(r->urgent, 0);
	report_free(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    test_the_sums_of_a_generated_event_set, tu_setup,
		    tu_teardown),
		cmocka_unit_test_setup_teardown(test_the_range_and_the_renderers,
		    tu_setup, tu_teardown),
		cmocka_unit_test_setup_teardown(test_lines_written_to_mislead,
		    tu_setup, tu_teardown),
	};

	setenv("TZ", "UTC", 1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
