/*
 * test_working_hours - parent and pupil mail waits for the working day
 *
 * Through engine_evaluate() with the test school, "now" given as a
 * London wall-clock time: the office writing to parents in the evening,
 * at the weekend, in a lunch break, on a closed day or range, and across
 * both clock changes is deferred to the next opening (deliver_at in the
 * school's offset); staff mail among staff, to other organisations and
 * inbound mail is not this rule's business; internal mail to pupils
 * counts; the urgent tag passes (tagged, and stripped when asked); flag
 * instead of defer; monitor mode; reject beats defer; no hours, no rule;
 * bad settings and bad closed-days rows are errors with file:line.
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
#include <glib.h>
#include <gmime/gmime.h>

#include "engine/engine.h"
#include "engine/report_json.h"
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

#define OFFICE	"office@testwood.example"
#define TEACHER	"t.one@testwood.example"
#define MUM	"mum.ann@gmail.com"
#define PUPIL	"ann.b@pupils.testwood.example"

#define HOURS "[working-hours]\n" \
	"hours = Mon-Thu 07:30-18:00, Fri 07:30-12:00 13:00-16:30\n" \
	"timezone = Europe/London\n" \
	"closed_days = closed.csv\n"

#define CLOSED "date,from,to,note\n" \
	",2026-12-21,2027-01-01,Christmas\n" \
	"2027-01-04,,,INSET day\n" \
	"26/03/2027,,,Good Friday\n" \
	"2027-03-29,,,Easter Monday\n"

/* school - the test school with `ini` and closed.csv; fails on error */
static struct tu_fixture *
school(const char *ini)
{
	struct tu_fixture *f = xcalloc(1, sizeof(*f));
	char *path;

	f->dir = tu_tempdir();
	free(tu_write(f->dir, "closed.csv", CLOSED));
	path = tu_school(f->dir, ini);
	f->cf = tu_load(path);
	free(path);
	return f;
}

/* london - a London wall-clock time as an instant */
static time_t
london(const char *when)
{
	GTimeZone *tz = g_time_zone_new_identifier("Europe/London");
	int y, mo, d, h, mi;
	GDateTime *dt;
	time_t t;

	assert_int_equal(sscanf(when, "%d-%d-%d %d:%d", &y, &mo, &d, &h, &mi),
	    5);
	dt = g_date_time_new(tz, y, mo, d, h, mi, 0);
	t = (time_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	g_time_zone_unref(tz);
	return t;
}

/* judge - a message from `from` (logged in) to `rcpts` at `when` */
static void
judge(const struct conf *cf, const char *from, const char *rcpts,
    const char *subject, const char *when, struct verdict *v)
{
	char *text = xasprintf("From: <%s>\nTo: %s\nSubject: %s\n\n"
	    "Dear families, the trip is on Friday.\n", from, rcpts, subject);
	struct msg *m = tu_msg(text, from, rcpts, from, "203.0.113.9");

	engine_evaluate(cf, m, london(when), v);
	msg_free(m);
	free(text);
}

/* deferred_to - judge and expect defer until `iso` */
static void
deferred_to(const struct conf *cf, const char *from, const char *rcpts,
    const char *when, const char *iso)
{
	struct verdict v;

	judge(cf, from, rcpts, "Trip", when, &v);
	assert_int_equal(v.action, ACTION_DEFER);
	assert_non_null(strstr(tu_report(&v, "working-hours")->reason,
	    "outside working hours (Mon-Thu 07:30-18:00, Fri 07:30-12:00 "
	    "13:00-16:30): to be delivered at "));
	assert_non_null(v.deliver_iso);
	assert_string_equal(v.deliver_iso, iso);
	assert_false(v.quarantine);
	assert_int_equal(v.edits.count, 0);	/* judged again when sent */
	verdict_clear(&v);
}

/* passes - judge and expect working-hours to pass */
static void
passes(const struct conf *cf, const char *from, const char *rcpts,
    const char *when)
{
	struct verdict v;

	judge(cf, from, rcpts, "Trip", when, &v);
	assert_int_equal(tu_report(&v, "working-hours")->result, RESULT_PASS);
	assert_int_not_equal(v.action, ACTION_DEFER);
	verdict_clear(&v);
}

static void
evening_mail_to_a_parent_waits_for_the_morning(void **state)
{
	struct tu_fixture *f = school(HOURS);

	(void)state;
	deferred_to(f->cf, OFFICE, MUM, "2026-11-17 21:00",
	    "2026-11-18T07:30:00+00:00");
	deferred_to(f->cf, OFFICE, MUM, "2026-11-18 06:50",
	    "2026-11-18T07:30:00+00:00");
	passes(f->cf, OFFICE, MUM, "2026-11-18 07:30");
	passes(f->cf, OFFICE, MUM, "2026-11-18 17:59");
	deferred_to(f->cf, OFFICE, MUM, "2026-11-18 18:00",
	    "2026-11-19T07:30:00+00:00");
	tu_fixture_free(f);
}

static void
the_weekend_and_a_lunch_break_follow_the_hours(void **state)
{
	struct tu_fixture *f = school(HOURS);

	(void)state;
	deferred_to(f->cf, OFFICE, MUM, "2026-11-20 12:30",
	    "2026-11-20T13:00:00+00:00");
	deferred_to(f->cf, OFFICE, MUM, "2026-11-20 17:00",
	    "2026-11-23T07:30:00+00:00");
	deferred_to(f->cf, OFFICE, MUM, "2026-11-21 10:00",
	    "2026-11-23T07:30:00+00:00");
	tu_fixture_free(f);
}

static void
closed_days_and_ranges_are_skipped(void **state)
{
	struct tu_fixture *f = school(HOURS);

	(void)state;
	/* Christmas range, then the INSET day: Tuesday 5 January */
	deferred_to(f->cf, OFFICE, MUM, "2026-12-23 10:15",
	    "2027-01-05T07:30:00+00:00");
	tu_fixture_free(f);
}

static void
clock_changes_keep_the_wall_clock_opening(void **state)
{
	struct tu_fixture *f = school(HOURS);

	(void)state;
	/* spring: Good Friday (DD/MM/YYYY row) and Easter Monday closed,
	 * the clocks go forward on the Sunday: 07:30 BST */
	deferred_to(f->cf, OFFICE, MUM, "2027-03-25 19:30",
	    "2027-03-30T07:30:00+01:00");
	/* autumn: Friday evening in BST, Monday morning in GMT */
	deferred_to(f->cf, OFFICE, MUM, "2026-10-23 19:00",
	    "2026-10-26T07:30:00+00:00");
	tu_fixture_free(f);
}

static void
who_it_covers(void **state)
{
	struct tu_fixture *f = school(HOURS);
	struct verdict v;

	(void)state;
	passes(f->cf, TEACHER, "l.two@testwood.example", "2026-11-18 21:10");
	passes(f->cf, TEACHER, "adviser@county.example", "2026-11-18 21:10");
	deferred_to(f->cf, TEACHER, PUPIL, "2026-11-25 19:45",
	    "2026-11-26T07:30:00+00:00");
	deferred_to(f->cf, TEACHER, "supply.kate@hotmail.co.uk",
	    "2026-11-26 21:15", "2026-11-27T07:30:00+00:00");
	/* a parent writing in (inbound) is not held */
	{
		char *text = xstrdup("From: <" MUM ">\nTo: <" TEACHER ">\n"
		    "Subject: Ann\n\nShe is ill today.\n");
		struct msg *m = tu_msg(text, MUM, TEACHER, NULL,
		    "198.51.100.3");

		engine_evaluate(f->cf, m, london("2026-11-18 06:00"), &v);
		assert_int_equal(tu_report(&v, "working-hours")->result,
		    RESULT_PASS);
		verdict_clear(&v);
		msg_free(m);
		free(text);
	}
	tu_fixture_free(f);
}

static void
the_urgent_tag_sends_at_once_and_is_tagged(void **state)
{
	struct tu_fixture *f = school(HOURS "urgent_tag = [URGENT]\n"
	    "strip_urgent_tag = yes\n");
	const struct policy_report *r;
	struct verdict v;

	(void)state;
	judge(f->cf, OFFICE, MUM, " [urgent] School closed tomorrow",
	    "2026-11-17 21:30", &v);
	r = tu_report(&v, "working-hours");
	assert_int_equal(r->result, RESULT_PASS);
	assert_string_equal(r->tag, "urgent");
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_string_equal(tu_edit_value(&v, "Subject"),
	    "School closed tomorrow");
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
flag_instead_of_defer_and_monitor_mode(void **state)
{
	struct tu_fixture *f = school(HOURS "action = flag\n");
	struct tu_fixture *g = school(HOURS "mode = monitor\n");
	struct verdict v;

	(void)state;
	judge(f->cf, OFFICE, MUM, "Trip", "2026-11-17 21:00", &v);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_non_null(strstr(tu_edit_value(&v, "X-AUP-Flag"),
	    "working-hours"));
	assert_int_equal(v.deliver_at, 0);
	verdict_clear(&v);
	judge(g->cf, OFFICE, MUM, "Trip", "2026-11-17 21:00", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(v.would_action, ACTION_DEFER);
	assert_non_null(strstr(tu_edit_value(&v, "X-AUP-Monitor"),
	    "working-hours; would=defer"));
	verdict_clear(&v);
	tu_fixture_free(f);
	tu_fixture_free(g);
}

static void
reject_beats_defer_and_both_are_reported(void **state)
{
	struct tu_fixture *f = school(HOURS);
	struct verdict v;

	(void)state;
	judge(f->cf, TEACHER, MUM, "Trip", "2026-11-26 21:00", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_int_equal(tu_report(&v, "working-hours")->result,
	    RESULT_DEFER);
	assert_null(v.deliver_iso);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
without_hours_the_rule_does_nothing(void **state)
{
	struct tu_fixture *f = school(NULL);

	(void)state;
	passes(f->cf, OFFICE, MUM, "2026-11-17 23:00");
	tu_fixture_free(f);
}

/* load_errors - the errors of a school with `ini` and closed.csv text */
static char *
load_errors(const char *ini, const char *closed)
{
	char *dir = tu_tempdir(), *path, *all;
	struct errbuf eb;
	GString *s = g_string_new(NULL);

	free(tu_write(dir, "closed.csv", closed));
	path = tu_school(dir, ini);
	errbuf_init(&eb);
	assert_null(conf_load(path, test_registry(), &eb));
	for (size_t i = 0; i < eb.nerrors; i++)
		g_string_append_printf(s, "%s\n", eb.errors[i]);
	errbuf_clear(&eb);
	free(path);
	tu_rmdir(dir);
	all = xstrdup(s->str);
	g_string_free(s, TRUE);
	return all;
}

static void
bad_settings_and_rows_are_errors_with_file_line(void **state)
{
	char *e;

	(void)state;
	e = load_errors("[working-hours]\nhours = Mon-Fry 07:30-18:00\n",
	    "date\n");
	assert_non_null(strstr(e, "hours: \"Mon-Fry 07:30-18:00\": expected "
	    "a day after '-'"));
	free(e);
	e = load_errors("[working-hours]\nhours = Mon-Fri 18:00-07:30\n",
	    "date\n");
	assert_non_null(strstr(e, "must end after it starts"));
	free(e);
	e = load_errors("[working-hours]\nhours = Mon 08:00-16:00\n"
	    "timezone = Europe/Lundun\n", "date\n");
	assert_non_null(strstr(e, "\"Europe/Lundun\" is not a time zone"));
	free(e);
	e = load_errors(HOURS, "date,from,to\n2026-02-30,,\n,2026-04-10,"
	    "2026-04-01\n");
	assert_non_null(strstr(e, "closed.csv:2: date \"2026-02-30\" is not"));
	assert_non_null(strstr(e, "closed.csv:3: the range ends"));
	free(e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(evening_mail_to_a_parent_waits_for_the_morning),
		cmocka_unit_test(the_weekend_and_a_lunch_break_follow_the_hours),
		cmocka_unit_test(closed_days_and_ranges_are_skipped),
		cmocka_unit_test(clock_changes_keep_the_wall_clock_opening),
		cmocka_unit_test(who_it_covers),
		cmocka_unit_test(the_urgent_tag_sends_at_once_and_is_tagged),
		cmocka_unit_test(flag_instead_of_defer_and_monitor_mode),
		cmocka_unit_test(reject_beats_defer_and_both_are_reported),
		cmocka_unit_test(without_hours_the_rule_does_nothing),
		cmocka_unit_test(
		    bad_settings_and_rows_are_errors_with_file_line),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("working_hours", tests, NULL,
	    NULL);
}
