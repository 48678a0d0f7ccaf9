/*
 * test_parent_contact - staff mail to parents goes through the office
 *
 * Through engine_evaluate() with the small test school: a member of
 * staff writing to a parent (in To, or only in Bcc: the envelope counts;
 * in any case, with a +tag) is refused with a reply naming the parent
 * and the office address; the office and its delegate pass; a current
 * exemption lifts the rule and an expired one does not; personal
 * addresses are flagged without naming anyone in the header; inbound
 * mail from parents is not this rule's business; monitor mode delivers;
 * the reply names at most five parents.
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

#define OUTSIDE_IP	"203.0.113.7"	/* a teacher at home */

/* school - the test school with extra INI lines and its own parents.csv */
#define school tu_fixture_new

static int
setup(void **state)
{
	*state = school(NULL, NULL);
	return 0;
}

#define teardown tu_teardown

/*
 * judge - a message from `from` (envelope and From header) with a To
 * header and envelope recipients, sent with login `auth` from `client`
 */
static void
judge(const struct conf *cf, const char *from, const char *to,
    const char *rcpts, const char *auth, const char *client,
    struct verdict *v)
{
	char *text = xasprintf("From: <%s>\nTo: %s\nSubject: Trip\n\n"
	    "See you on Friday.\n", from, to);
	struct msg *m = tu_msg(text, from, rcpts, auth, client);

	engine_evaluate(cf, m, time(NULL), v);
	msg_free(m);
	free(text);
}

/* reply_text - the reply lines joined with spaces (new string) */
static char *
reply_text(const struct verdict *v)
{
	GString *s = g_string_new(NULL);
	char *out;

	for (size_t i = 0; v->reply_lines != NULL && v->reply_lines[i] != NULL;
	    i++)
		g_string_append_printf(s, "%s%s", i ? " " : "",
		    v->reply_lines[i]);
	out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

/* assert_reply_has - the reply contains `want` */
static void
assert_reply_has(const struct verdict *v, const char *want)
{
	char *text = reply_text(v);

	if (strstr(text, want) == NULL)
		fprintf(stderr, "reply: %s\nwanted: %s\n", text, want);
	assert_non_null(strstr(text, want));
	free(text);
}

/* assert_result - what parent-contact itself found */
static void
assert_result(const struct verdict *v, enum result want)
{
	const struct policy_report *r = tu_report(v, "parent-contact");

	assert_non_null(r);
	assert_int_equal(r->result, want);
}

/* assert_no_address_in_headers - no edit value names an address */
static void
assert_no_address_in_headers(const struct verdict *v)
{
	for (size_t i = 0; i < v->edits.count; i++)
		assert_true(v->edits.items[i].value == NULL ||
		    strchr(v->edits.items[i].value, '@') == NULL);
}

static void
staff_to_parent_is_refused_naming_the_parent_and_the_office(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "t.one@testwood.example", "Ann <mum.ann@gmail.com>",
	    "mum.ann@gmail.com", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "parent-contact");
	assert_string_equal(v.reply_code, "550");
	assert_string_equal(v.reply_xcode, "5.7.1");
	assert_string_equal(v.reply_lines[0], "Not sent: staff may not email "
	    "parents or carers directly.");
	assert_reply_has(&v, "a parent or carer: mum.ann@gmail.com.");
	assert_reply_has(&v, "forward your message to "
	    "office@testwood.example");
	assert_reply_has(&v, v.ref);
	assert_reply_has(&v, "Testwood Primary");
	assert_int_equal(v.edits.count, 0);
	verdict_clear(&v);
}

static void
parent_only_in_bcc_is_still_refused(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;
	char *text = xstrdup("From: <t.one@testwood.example>\n"
	    "To: colleague@testwood.example\nBcc: ben.dad@btinternet.com\n"
	    "Subject: Trip\n\nHello\n");
	struct msg *m = tu_msg(text, "t.one@testwood.example",
	    "colleague@testwood.example,ben.dad@btinternet.com", "t.one",
	    OUTSIDE_IP);

	assert_null(msg_header(m, "Bcc", 0));	/* as Postfix passes it */
	engine_evaluate(f->cf, m, time(NULL), &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_reply_has(&v, "ben.dad@btinternet.com");
	verdict_clear(&v);
	msg_free(m);
	free(text);
}

static void
parent_written_with_a_tag_or_capitals_is_still_a_parent(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "T.One@Testwood.Example", "<Mum.Ann+Trip@GMAIL.com>",
	    "<Mum.Ann+Trip@GMAIL.com>", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_reply_has(&v, "mum.ann@gmail.com");
	verdict_clear(&v);
}

static void
office_account_writing_to_a_parent_passes(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "office@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "office", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_result(&v, RESULT_PASS);
	assert_null(v.reply_code);
	verdict_clear(&v);
}

static void
office_from_the_trusted_network_passes(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "office@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", NULL, "10.9.1.2", &v);
	assert_int_equal(v.facts.direction, DIRECTION_OUTBOUND);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
}

static void
delegate_logged_in_as_self_sending_as_the_office_passes(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "office@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "head@testwood.example", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_result(&v, RESULT_PASS);
	verdict_clear(&v);
	/* the same person writing as themselves is staff */
	judge(f->cf, "head@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "head", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	verdict_clear(&v);
}

static void
staff_login_sending_as_the_office_is_still_refused(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "office@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_result(&v, RESULT_REJECT);
	verdict_clear(&v);
}

static void
current_exemption_lets_the_sender_write_to_parents(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "senco@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com,ben.mum@outlook.com", "senco", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_result(&v, RESULT_PASS);
	assert_non_null(strstr(tu_report(&v, "parent-contact")->reason,
	    "approved by head@testwood.example until 2099-12-31"));
	verdict_clear(&v);
}

static void
expired_exemption_no_longer_lets_the_sender_write(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "old@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "old", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	verdict_clear(&v);
}

static void
personal_address_that_is_not_a_parent_is_flagged_without_naming_it(
    void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;
	char *want;

	judge(f->cf, "t.one@testwood.example", "stranger@gmail.com",
	    "stranger@gmail.com", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_result(&v, RESULT_FLAG);
	want = xasprintf("parent-contact; ref=%s", v.ref);
	assert_string_equal(tu_edit_value(&v, "X-AUP-Flag"), want);
	assert_no_address_in_headers(&v);
	free(want);
	verdict_clear(&v);
}

static void
personal_action_reject_uses_the_personal_reply(void **state)
{
	struct tu_fixture *f = school("[parent-contact]\npersonal_action = "
	    "reject\n", NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, "t.one@testwood.example", "stranger@gmail.com",
	    "stranger@gmail.com", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.reply_lines[0], "Not sent: school email may not "
	    "be used to write to personal addresses.");
	assert_reply_has(&v, "stranger@gmail.com");
	verdict_clear(&v);
	teardown((void **)&f);
}

static void
inbound_mail_from_a_parent_to_staff_is_not_refused(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "mum.ann@gmail.com", "t.one@testwood.example",
	    "t.one@testwood.example", NULL, "198.51.100.25", &v);
	assert_int_equal(v.facts.direction, DIRECTION_INBOUND);
	assert_result(&v, RESULT_PASS);
	assert_int_not_equal(v.action, ACTION_REJECT);
	verdict_clear(&v);
}

static void
monitor_mode_delivers_with_x_aup_monitor(void **state)
{
	struct tu_fixture *f = school("[parent-contact]\nmode = monitor\n", NULL);
	struct verdict v;
	char *want;

	(void)state;
	judge(f->cf, "t.one@testwood.example", "mum.ann@gmail.com",
	    "mum.ann@gmail.com", "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(v.would_action, ACTION_REJECT);
	assert_null(v.reply_code);
	want = xasprintf("parent-contact; would=reject; ref=%s", v.ref);
	assert_string_equal(tu_edit_value(&v, "X-AUP-Monitor"), want);
	assert_no_address_in_headers(&v);
	free(want);
	verdict_clear(&v);
	teardown((void **)&f);
}

/* many_parents - parents.csv with p1..pN@families.example */
static char *
many_parents(int n)
{
	GString *s = g_string_new("Pupil,Email\n");

	for (int i = 1; i <= n; i++)
		g_string_append_printf(s, "Child %d,p%d@families.example\n", i,
		    i);
	return g_string_free(s, FALSE);
}

/* rcpt_list - "p1@families.example,...,pN@families.example" */
static char *
rcpt_list(int n)
{
	GString *s = g_string_new(NULL);

	for (int i = 1; i <= n; i++)
		g_string_append_printf(s, "%sp%d@families.example",
		    i > 1 ? "," : "", i);
	return g_string_free(s, FALSE);
}

static void
reply_names_five_parents_then_says_how_many_more(void **state)
{
	char *csv = many_parents(8), *rcpts = rcpt_list(8);
	struct tu_fixture *f = school(NULL, csv);
	struct verdict v;
	char *text;

	(void)state;
	judge(f->cf, "t.one@testwood.example", "Year 2 parents:;", rcpts,
	    "t.one", OUTSIDE_IP, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_reply_has(&v, "p1@families.example, p2@families.example, "
	    "p3@families.example, p4@families.example, p5@families.example "
	    "and 3 more.");
	text = reply_text(&v);
	assert_null(strstr(text, "p6@"));
	free(text);
	verdict_clear(&v);
	teardown((void **)&f);
	free(csv);
	free(rcpts);
}

static void
reply_names_all_of_exactly_five_parents(void **state)
{
	char *csv = many_parents(5), *rcpts = rcpt_list(5);
	struct tu_fixture *f = school(NULL, csv);
	struct verdict v;

	(void)state;
	judge(f->cf, "t.one@testwood.example", "Year 2 parents:;", rcpts,
	    "t.one", OUTSIDE_IP, &v);
	assert_reply_has(&v, "p1@families.example, p2@families.example, "
	    "p3@families.example, p4@families.example and "
	    "p5@families.example.");
	verdict_clear(&v);
	teardown((void **)&f);
	free(csv);
	free(rcpts);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    staff_to_parent_is_refused_naming_the_parent_and_the_office,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    parent_only_in_bcc_is_still_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    parent_written_with_a_tag_or_capitals_is_still_a_parent,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    office_account_writing_to_a_parent_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    office_from_the_trusted_network_passes, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    delegate_logged_in_as_self_sending_as_the_office_passes,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    staff_login_sending_as_the_office_is_still_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    current_exemption_lets_the_sender_write_to_parents, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    expired_exemption_no_longer_lets_the_sender_write, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    personal_address_that_is_not_a_parent_is_flagged_without_naming_it,
		    setup, teardown),
		cmocka_unit_test(personal_action_reject_uses_the_personal_reply),
		cmocka_unit_test_setup_teardown(
		    inbound_mail_from_a_parent_to_staff_is_not_refused, setup,
		    teardown),
		cmocka_unit_test(monitor_mode_delivers_with_x_aup_monitor),
		cmocka_unit_test(
		    reply_names_five_parents_then_says_how_many_more),
		cmocka_unit_test(reply_names_all_of_exactly_five_parents),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("parent-contact", tests, NULL, NULL);
}
