/*
 * test_bulk_bcc - parents never see each other's addresses
 *
 * Through engine_evaluate() with the small test school (sent by the
 * office, so parent-contact has nothing to say): parents visible in To
 * or Cc are moved out of the headers while the envelope keeps every
 * recipient; To becomes "undisclosed-recipients:;" when nothing is left,
 * a Cc with only parents is deleted, other addresses stay byte for byte;
 * no header the milter writes names an address.  Also the threshold,
 * count_external, action = reject, staff never counted, duplicates
 * counted once, and several Cc headers edited highest index first.
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
#include "testutil.h"
#include "util/xalloc.h"

#define NPARENTS 40

/* forty_parents - parents.csv with parent01..parent40@families.example
 * besides the usual three families */
static char *
forty_parents(void)
{
	GString *s = g_string_new("Pupil,Email\nAnn,mum.ann@gmail.com\n"
	    "Ben,ben.dad@btinternet.com; ben.mum@outlook.com\n"
	    "Cat,cats.carer@homemail.example\n");

	for (int i = 1; i <= NPARENTS; i++)
		g_string_append_printf(s,
		    "Child %d,parent%02d@families.example\n", i, i);
	return g_string_free(s, FALSE);
}

/* school - the test school with extra INI lines and forty more parents */
static struct tu_fixture *
school(const char *extra)
{
	char *csv = forty_parents();
	struct tu_fixture *f = tu_fixture_new(extra, csv);

	free(csv);
	return f;
}

static int
setup(void **state)
{
	*state = school(NULL);
	return 0;
}

#define teardown tu_teardown

/* office_msg - the office sends `headers` to envelope `rcpts` */
static struct msg *
office_msg(const char *headers, const char *rcpts)
{
	char *text = xasprintf("From: Testwood Office <office@testwood.example>"
	    "\n%sSubject: Trip on Friday\n\nDear parents,\n", headers);
	struct msg *m = tu_msg(text, "office@testwood.example", rcpts,
	    "office", "203.0.113.7");

	free(text);
	return m;
}

/* judge - evaluate an office message */
static void
judge(const struct conf *cf, const char *headers, const char *rcpts,
    struct verdict *v)
{
	struct msg *m = office_msg(headers, rcpts);

	engine_evaluate(cf, m, time(NULL), v);
	msg_free(m);
}

/* parents_text - "parent01@families.example" .. N joined by `sep` */
static char *
parents_text(int n, const char *sep)
{
	GString *s = g_string_new(NULL);

	for (int i = 1; i <= n; i++)
		g_string_append_printf(s, "%sparent%02d@families.example",
		    i > 1 ? sep : "", i);
	return g_string_free(s, FALSE);
}

/* assert_no_address_in_headers - no edit value names an address */
static void
assert_no_address_in_headers(const struct verdict *v, const char *except)
{
	for (size_t i = 0; i < v->edits.count; i++) {
		const char *val = v->edits.items[i].value;

		if (val == NULL || (except != NULL && strcmp(val, except) == 0))
			continue;
		if (strchr(val, '@') != NULL)
			fprintf(stderr, "header %s names an address: %s\n",
			    v->edits.items[i].name, val);
		assert_null(strchr(val, '@'));
	}
}

/* edit_count - edits of one header name */
static size_t
edit_count(const struct verdict *v, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < v->edits.count; i++)
		if (strcmp(v->edits.items[i].name, name) == 0)
			n++;
	return n;
}

/* assert_bulk - what bulk-bcc itself found */
static void
assert_bulk(const struct verdict *v, enum result want)
{
	const struct policy_report *r = tu_report(v, "bulk-bcc");

	assert_non_null(r);
	assert_int_equal(r->result, want);
}

static void
forty_parents_in_to_become_undisclosed_recipients(void **state)
{
	struct tu_fixture *f = *state;
	char *list = parents_text(NPARENTS, ",\n\t"), *rcpts;
	char *headers = xasprintf("To: %s\n", list), *mark;
	struct msg *m;
	struct verdict v;

	rcpts = parents_text(NPARENTS, ",");
	m = office_msg(headers, rcpts);
	engine_evaluate(f->cf, m, time(NULL), &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_string_equal(v.decided_by, "bulk-bcc");
	assert_int_equal(edit_count(&v, "To"), 1);
	assert_int_equal(v.edits.items[0].op, HEADER_CHANGE);
	assert_int_equal(v.edits.items[0].index, 1);
	assert_string_equal(tu_edit_value(&v, "To"),
	    "undisclosed-recipients:;");
	mark = xasprintf("bulk-bcc; moved=40; ref=%s", v.ref);
	assert_string_equal(tu_edit_value(&v, "X-AUP-Rewritten"), mark);
	assert_no_address_in_headers(&v, NULL);
	assert_null(v.reply_code);
	/* the envelope is untouched: every parent still gets it */
	assert_int_equal(m->nrcpts, NPARENTS);
	assert_string_equal(m->rcpts[NPARENTS - 1].addr,
	    "parent40@families.example");
	verdict_clear(&v);
	msg_free(m);
	free(mark);
	free(headers);
	free(list);
	free(rcpts);
}

static void
parents_in_cc_are_removed_and_to_is_left_alone(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: Mr Two <t.two@testwood.example>\n"
	    "Cc: mum.ann@gmail.com, \"Dad, Ben\" <ben.dad@btinternet.com>\n",
	    "t.two@testwood.example,mum.ann@gmail.com,ben.dad@btinternet.com",
	    &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_int_equal(edit_count(&v, "To"), 0);
	assert_int_equal(edit_count(&v, "Cc"), 1);
	assert_int_equal(v.edits.items[0].op, HEADER_DELETE);
	assert_string_equal(v.edits.items[0].name, "Cc");
	assert_int_equal(v.edits.items[0].index, 1);
	assert_no_address_in_headers(&v, NULL);
	verdict_clear(&v);
}

static void
cc_keeps_colleagues_exactly_as_written(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: t.two@testwood.example\n"
	    "Cc: mum.ann@gmail.com,\n\t"
	    "\"Three, Mrs\" <t.three@testwood.example>, "
	    "ben.dad@btinternet.com (Ben's dad)\n",
	    "t.two@testwood.example,t.three@testwood.example,"
	    "mum.ann@gmail.com,ben.dad@btinternet.com", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_int_equal(v.edits.items[0].op, HEADER_CHANGE);
	assert_string_equal(tu_edit_value(&v, "Cc"),
	    "\"Three, Mrs\" <t.three@testwood.example>");
	assert_no_address_in_headers(&v,
	    "\"Three, Mrs\" <t.three@testwood.example>");
	verdict_clear(&v);
}

static void
one_visible_parent_passes_unchanged(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: mum.ann@gmail.com\nCc: t.two@testwood.example\n",
	    "mum.ann@gmail.com,t.two@testwood.example", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_bulk(&v, RESULT_PASS);
	assert_int_equal(v.edits.count, 0);
	verdict_clear(&v);
}

static void
threshold_of_three_lets_two_parents_through(void **state)
{
	struct tu_fixture *f = school("[bulk-bcc]\nthreshold = 3\n");
	struct verdict v;

	(void)state;
	judge(f->cf, "To: mum.ann@gmail.com, ben.dad@btinternet.com\n",
	    "mum.ann@gmail.com,ben.dad@btinternet.com", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	judge(f->cf, "To: mum.ann@gmail.com, ben.dad@btinternet.com\n"
	    "Cc: cats.carer@homemail.example\n", "mum.ann@gmail.com,"
	    "ben.dad@btinternet.com,cats.carer@homemail.example", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_non_null(strstr(tu_edit_value(&v, "X-AUP-Rewritten"),
	    "moved=3;"));
	verdict_clear(&v);
	teardown((void **)&f);
}

static void
work_addresses_count_only_with_count_external(void **state)
{
	static const char headers[] = "To: bursar@otherschool.example, "
	    "coach@football-club.example\n";
	static const char rcpts[] = "bursar@otherschool.example,"
	    "coach@football-club.example";
	struct tu_fixture *f = school(NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, headers, rcpts, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	teardown((void **)&f);
	f = school("[bulk-bcc]\ncount_external = yes\n");
	judge(f->cf, headers, rcpts, &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_string_equal(tu_edit_value(&v, "To"),
	    "undisclosed-recipients:;");
	verdict_clear(&v);
	teardown((void **)&f);
}

static void
personal_addresses_count_like_parents(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: stranger@gmail.com, other@hotmail.co.uk\n",
	    "stranger@gmail.com,other@hotmail.co.uk", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	verdict_clear(&v);
}

static void
action_reject_tells_the_sender_to_use_bcc(void **state)
{
	struct tu_fixture *f = school("[bulk-bcc]\naction = reject\n");
	struct verdict v;
	char *list = parents_text(3, ", "), *headers;

	(void)state;
	headers = xasprintf("To: %s\n", list);
	judge(f->cf, headers, "parent01@families.example", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "bulk-bcc");
	assert_string_equal(v.reply_code, "550");
	assert_string_equal(v.reply_lines[0], "Not sent: 3 parents' addresses "
	    "would have been visible to everyone.");
	for (size_t i = 0; v.reply_lines[i] != NULL; i++)
		if (strstr(v.reply_lines[i], "What to do instead") != NULL)
			assert_non_null(strstr(v.reply_lines[i],
			    "put the parents in Bcc"));
	assert_int_equal(v.edits.count, 0);
	verdict_clear(&v);
	teardown((void **)&f);
	free(headers);
	free(list);
}

/* More To headers than bulk-bcc reads: refused (not rewritten), and the
 * reply says in plain words why and what to do instead. */
static void
too_many_headers_are_refused_with_a_plain_reply(void **state)
{
	struct tu_fixture *f = *state;
	GString *h = g_string_new(NULL), *reply = g_string_new(NULL);
	struct verdict v;
	bool told;

	for (int i = 0; i < 1200; i++)
		g_string_append_printf(h, "To: t%d@testwood.example\n", i);
	judge(f->cf, h->str, "t0@testwood.example", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "bulk-bcc");
	assert_string_equal(v.reply_code, "550");
	for (size_t i = 0; v.reply_lines[i] != NULL; i++)
		g_string_append_printf(reply, "%s ", v.reply_lines[i]);
	assert_true(g_str_has_prefix(reply->str, "Not sent: this message has "
	    "more than 1000 To and Cc header lines, too many for the "
	    "school's mail filter to check."));
	told = strstr(reply->str, "What to do instead: put the recipients in "
	    "Bcc") != NULL;
	assert_true(told);
	assert_int_equal(v.edits.count, 0);
	verdict_clear(&v);
	g_string_free(h, TRUE);
	g_string_free(reply, TRUE);
}

static void
staff_pupils_and_office_are_never_counted(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: t.two@testwood.example, t.three@testwood.example, "
	    "zoe@pupils.testwood.example, office@testwood.example\n"
	    "Cc: head@testwood.example, mum.ann@gmail.com\n",
	    "t.two@testwood.example", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_bulk(&v, RESULT_PASS);
	verdict_clear(&v);
}

static void
same_parent_written_three_ways_counts_once_and_goes_everywhere(
    void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: mum.ann@gmail.com, Ann <Mum.Ann@GMAIL.com>\n"
	    "Cc: mum.ann+trip@gmail.com\n", "mum.ann@gmail.com", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	judge(f->cf, "To: mum.ann@gmail.com, Ann <Mum.Ann@GMAIL.com>, "
	    "t.two@testwood.example\nCc: mum.ann+trip@gmail.com, "
	    "ben.dad@btinternet.com\n", "mum.ann@gmail.com", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_non_null(strstr(tu_edit_value(&v, "X-AUP-Rewritten"),
	    "moved=2;"));
	assert_string_equal(tu_edit_value(&v, "To"), "t.two@testwood.example");
	assert_int_equal(edit_count(&v, "Cc"), 1);
	verdict_clear(&v);
}

static void
several_cc_headers_are_edited_highest_index_first(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;
	unsigned last = 99;
	size_t seen = 0;

	judge(f->cf, "To: t.two@testwood.example\n"
	    "Cc: mum.ann@gmail.com\n"
	    "Cc: t.three@testwood.example, ben.dad@btinternet.com\n"
	    "Cc: cats.carer@homemail.example\n", "t.two@testwood.example", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	for (size_t i = 0; i < v.edits.count; i++) {
		const struct header_edit *e = &v.edits.items[i];

		if (strcmp(e->name, "Cc") != 0)
			continue;
		assert_true(e->index < last);
		last = e->index;
		seen++;
		if (e->index == 2) {
			assert_int_equal(e->op, HEADER_CHANGE);
			assert_string_equal(e->value,
			    "t.three@testwood.example");
		} else
			assert_int_equal(e->op, HEADER_DELETE);
	}
	assert_int_equal(seen, 3);
	assert_int_equal(last, 1);
	verdict_clear(&v);
}

static void
parents_in_a_group_leave_the_group_name(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "To: Year 6 parents: mum.ann@gmail.com,\n\t"
	    "ben.dad@btinternet.com;\n", "mum.ann@gmail.com", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_string_equal(tu_edit_value(&v, "To"), "Year 6 parents:;");
	verdict_clear(&v);
}

static void
inbound_mail_showing_parents_is_not_rewritten(void **state)
{
	struct tu_fixture *f = *state;
	struct msg *m = tu_msg("From: Club <coach@football-club.example>\n"
	    "To: mum.ann@gmail.com, ben.dad@btinternet.com, "
	    "t.two@testwood.example\nSubject: Match\n\nHi\n",
	    "coach@football-club.example", "t.two@testwood.example", NULL,
	    "198.51.100.40");
	struct verdict v;

	engine_evaluate(f->cf, m, time(NULL), &v);
	assert_int_equal(v.facts.direction, DIRECTION_INBOUND);
	assert_bulk(&v, RESULT_PASS);
	assert_int_equal(edit_count(&v, "To"), 0);
	verdict_clear(&v);
	msg_free(m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    forty_parents_in_to_become_undisclosed_recipients, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    parents_in_cc_are_removed_and_to_is_left_alone, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    cc_keeps_colleagues_exactly_as_written, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    one_visible_parent_passes_unchanged, setup, teardown),
		cmocka_unit_test(threshold_of_three_lets_two_parents_through),
		cmocka_unit_test(
		    work_addresses_count_only_with_count_external),
		cmocka_unit_test_setup_teardown(
		    personal_addresses_count_like_parents, setup, teardown),
		cmocka_unit_test(action_reject_tells_the_sender_to_use_bcc),
		cmocka_unit_test_setup_teardown(
		    too_many_headers_are_refused_with_a_plain_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    staff_pupils_and_office_are_never_counted, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    same_parent_written_three_ways_counts_once_and_goes_everywhere,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    several_cc_headers_are_edited_highest_index_first, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    parents_in_a_group_leave_the_group_name, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    inbound_mail_showing_parents_is_not_rewritten, setup,
		    teardown),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("bulk-bcc", tests, NULL, NULL);
}
