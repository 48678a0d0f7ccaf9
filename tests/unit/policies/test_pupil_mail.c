/*
 * test_pupil_mail - pupils write only to approved people and keep their
 * details to themselves; staff reach pupils through school accounts
 *
 * Through engine_evaluate() with the test school and its own
 * correspondents.csv (a pen-pal school by *@domain, a grandparent for
 * one pupil, an expired row) and pupils.csv (one pupil's personal
 * address): a pupil writing to someone unapproved is refused with the
 * child-friendly reply naming who they may write to; approved rows pass
 * in both directions and only for the pupil they name; an expired row
 * is a -t warning and no longer approves; a stranger writing to a pupil
 * is held, and so is a disguised From; contact details in a pupil's
 * mail are flagged inside the school and held outside, never repeating
 * the value, and the school's own phone and address never count; staff
 * writing to a pupil's personal address are refused; staff_action and
 * its exemptions; `action` caps the whole policy.
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
#include "test_policy.h"
#include "testutil.h"
#include "util/xalloc.h"

#define ANN	"ann.b@pupils.testwood.example"
#define BEN	"ben.c@pupils.testwood.example"
#define TEACHER	"t.one@testwood.example"
#define PENPAL	"lea@ecole.example"
#define GRAN	"gran.b@btinternet.com"
#define BEN_OWN	"ben.c.2016@gmail.com"
#define NOW	1795000000	/* November 2026 */

#define INI "[school]\n" \
	"phone = 0116 496 0123\n" \
	"address = Testwood Lane, Northshire NX9 1AA\n" \
	"[directory]\n" \
	"correspondents = correspondents.csv\n" \
	"pupils = pupils.csv\n"

/* school - the test school with its correspondents and pupils, `ini`
 * appended; *warnings gets the load's warnings when not NULL */
static struct tu_fixture *
school(const char *more, char **warnings)
{
	struct tu_fixture *f = xcalloc(1, sizeof(*f));
	char *ini = xasprintf("%s%s", INI, more ? more : ""), *path;
	struct errbuf eb;
	GString *w = g_string_new(NULL);

	f->dir = tu_tempdir();
	free(tu_write(f->dir, "correspondents.csv",
	    "address,pupils,approved_by,expires,note\n"
	    "*@ecole.example,*@pupils.testwood.example,head@testwood.example,"
	    "2099-07-31,pen pals\n"
	    GRAN "," ANN ",head@testwood.example,2099-07-31,Ann's gran\n"
	    "old@penpals.example,*,head@testwood.example,2020-07-17,ended\n"));
	free(tu_write(f->dir, "pupils.csv", "UPN,Forename,Surname,DOB,Email\n"
	    "A123456789012,Ann,Brook,2016-03-01,\n"
	    "B123456789012,Ben,Cole,2016-05-02," BEN_OWN "\n"));
	path = tu_school(f->dir, ini);
	errbuf_init(&eb);
	f->cf = conf_load(path, test_registry(), &eb);
	if (f->cf == NULL)
		errbuf_print(&eb, stderr);
	assert_non_null(f->cf);
	for (size_t i = 0; i < eb.nwarnings; i++)
		g_string_append_printf(w, "%s\n", eb.warnings[i]);
	errbuf_clear(&eb);
	if (warnings != NULL)
		*warnings = xstrdup(w->str);
	g_string_free(w, TRUE);
	free(ini);
	free(path);
	return f;
}

/* judge - a message; `auth` NULL for mail from outside */
static void
judge(const struct conf *cf, const char *from, const char *rcpts,
    const char *header_from, const char *body, const char *auth,
    struct verdict *v)
{
	char *text = xasprintf("From: <%s>\nTo: %s\nSubject: hello\n\n%s\n",
	    header_from, rcpts, body);
	struct msg *m = tu_msg(text, from, rcpts, auth, auth ? "10.9.3.3" :
	    "198.51.100.77");

	engine_evaluate(cf, m, NOW, v);
	msg_free(m);
	free(text);
}

/* result_of - pupil-mail's result */
static enum result
result_of(const struct verdict *v)
{
	return tu_report(v, "pupil-mail")->result;
}

/* reply_text - the reply lines joined */
static char *
reply_text(const struct verdict *v)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; v->reply_lines && v->reply_lines[i]; i++)
		g_string_append_printf(s, "%s\n", v->reply_lines[i]);
	return g_string_free(s, FALSE);
}

static void
a_pupil_writing_to_someone_unapproved_is_told_in_plain_words(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;
	char *reply;

	(void)state;
	judge(f->cf, ANN, "friend.zara@gmail.com", ANN, "hiya", ANN, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "pupil-mail");
	reply = reply_text(&v);
	assert_non_null(strstr(reply, "Your email was not sent."));
	assert_non_null(strstr(reply, "anyone at ecole.example, " GRAN));
	assert_non_null(strstr(reply, "ask your teacher"));
	free(reply);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
approvals_work_both_ways_and_only_for_the_pupil_named(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, ANN, PENPAL, ANN, "bonjour", ANN, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	judge(f->cf, PENPAL, ANN, PENPAL, "salut Ann", NULL, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	judge(f->cf, ANN, GRAN, ANN, "hi gran", ANN, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	judge(f->cf, BEN, GRAN, BEN, "hi", BEN, &v);
	assert_int_equal(result_of(&v), RESULT_REJECT);
	verdict_clear(&v);
	judge(f->cf, GRAN, BEN, GRAN, "hello Ben", NULL, &v);
	assert_int_equal(result_of(&v), RESULT_QUARANTINE);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
an_expired_row_is_a_warning_and_approves_nobody(void **state)
{
	char *warnings = NULL;
	struct tu_fixture *f = school(NULL, &warnings);
	struct verdict v;

	(void)state;
	assert_non_null(strstr(warnings, "correspondents.csv:4: correspondent "
	    "old@penpals.example expired on 2020-07-17"));
	judge(f->cf, ANN, "old@penpals.example", ANN, "hi", ANN, &v);
	assert_int_equal(result_of(&v), RESULT_REJECT);
	verdict_clear(&v);
	free(warnings);
	tu_fixture_free(f);
}

static void
strangers_and_disguised_senders_are_held(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, "gamer@outlook.com", ANN, "gamer@outlook.com", "hey",
	    NULL, &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	assert_int_equal(result_of(&v), RESULT_QUARANTINE);
	verdict_clear(&v);
	judge(f->cf, PENPAL, ANN, "gamer@outlook.com", "hey", NULL, &v);
	assert_int_equal(result_of(&v), RESULT_QUARANTINE);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
contact_details_are_flagged_inside_and_held_outside(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, ANN, BEN, ANN, "my number is 07700 900123 text me", ANN,
	    &v);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_non_null(strstr(tu_report(&v, "pupil-mail")->reason,
	    "1 phone number"));
	assert_null(strstr(tu_report(&v, "pupil-mail")->reason, "07700"));
	assert_non_null(strstr(tu_edit_value(&v, "X-AUP-Flag"),
	    "pupil-mail"));
	verdict_clear(&v);
	judge(f->cf, ANN, PENPAL, ANN, "I live at 27 Meadow Close NX4 2BN",
	    ANN, &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	assert_null(strstr(tu_report(&v, "pupil-mail")->reason, "Meadow"));
	verdict_clear(&v);
	judge(f->cf, PENPAL, ANN, PENPAL, "what school do you go to? meet "
	    "me at the station", NULL, &v);
	assert_int_equal(result_of(&v), RESULT_QUARANTINE);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
the_schools_own_details_never_count(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, ANN, PENPAL, ANN, "write to me at school: Testwood "
	    "Primary, Testwood Lane, Northshire NX9 1AA, or ring the office "
	    "on 01164960123. Mrs Green says hello, the trip is 02/12/2026 "
	    "at 08:45 and costs \xc2\xa3" "14.50", ANN, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
staff_reach_pupils_only_through_school_accounts(void **state)
{
	struct tu_fixture *f = school(NULL, NULL);
	struct verdict v;
	char *reply;

	(void)state;
	judge(f->cf, TEACHER, BEN_OWN, TEACHER, "homework", TEACHER, &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "pupil-mail");
	reply = reply_text(&v);
	assert_non_null(strstr(reply, "only through their school email "
	    "account"));
	free(reply);
	verdict_clear(&v);
	judge(f->cf, TEACHER, BEN, TEACHER, "homework", TEACHER, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
staff_action_and_its_exemptions(void **state)
{
	struct tu_fixture *f = school("[pupil-mail]\nstaff_action = reject\n",
	    NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, TEACHER, BEN, TEACHER, "homework", TEACHER, &v);
	assert_int_equal(result_of(&v), RESULT_REJECT);
	verdict_clear(&v);
	tu_fixture_free(f);
	f = school("[pupil-mail]\nstaff_action = reject\n", NULL);
	conf_release(f->cf);
	free(tu_write(f->dir, "exemptions.csv",
	    "sender,policy,recipient,expires,approved_by,note\n"
	    TEACHER ",pupil-mail,*@pupils.testwood.example,2099-12-31,"
	    "head@testwood.example,form tutor\n"));
	{
		char *path = xasprintf("%s/aup-milter.conf", f->dir);

		f->cf = tu_load(path);
		free(path);
	}
	judge(f->cf, TEACHER, BEN, TEACHER, "homework", TEACHER, &v);
	assert_int_equal(result_of(&v), RESULT_PASS);
	verdict_clear(&v);
	tu_fixture_free(f);
}

static void
action_caps_the_whole_policy(void **state)
{
	struct tu_fixture *f = school("[pupil-mail]\naction = flag\n", NULL);
	struct verdict v;

	(void)state;
	judge(f->cf, ANN, "friend.zara@gmail.com", ANN, "hiya", ANN, &v);
	assert_int_equal(v.action, ACTION_FLAG);
	verdict_clear(&v);
	tu_fixture_free(f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    a_pupil_writing_to_someone_unapproved_is_told_in_plain_words),
		cmocka_unit_test(
		    approvals_work_both_ways_and_only_for_the_pupil_named),
		cmocka_unit_test(an_expired_row_is_a_warning_and_approves_nobody),
		cmocka_unit_test(strangers_and_disguised_senders_are_held),
		cmocka_unit_test(
		    contact_details_are_flagged_inside_and_held_outside),
		cmocka_unit_test(the_schools_own_details_never_count),
		cmocka_unit_test(staff_reach_pupils_only_through_school_accounts),
		cmocka_unit_test(staff_action_and_its_exemptions),
		cmocka_unit_test(action_caps_the_whole_policy),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("pupil_mail", tests, NULL, NULL);
}
