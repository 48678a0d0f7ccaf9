/*
 * test_engine_schools - each message judged by its own school's rules
 *
 * A service of two schools (tu_schools: Ashfield at a.example with the
 * parent mum.a@gmail.com, Beech at b.example with dad.b@gmail.com).  The
 * message's school is picked from its envelope as the daemon picks it
 * (school_pick.h) and engine_evaluate() runs with that school: a teacher
 * of Ashfield writing to an Ashfield parent is refused by Ashfield's
 * parent-contact with Ashfield's office in the reply, while the same
 * address is nobody's parent for a Beech teacher; a message to both
 * schools goes to its first school's recipients, and the copy sent again
 * for the others is judged by the other school's policies.
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

#include "config/school_pick.h"
#include "engine/engine.h"
#include "testutil.h"
#include "util/xalloc.h"

#define OUTSIDE_IP	"203.0.113.7"	/* a teacher at home */

struct service {
	char	*dir;
	struct conf *cf;
};

/* setup - Beech objects to X-Test-Verdict; Ashfield has it off */
static int
setup(void **state)
{
	struct service *s = xcalloc(1, sizeof(*s));
	char *path;

	s->dir = tu_tempdir();
	/* the visitor's SPF is answered here, not by DNS */
	path = tu_schools(s->dir, "[sender-auth]\nlocal_records = spf.txt\n",
	    "[test-verdict]\naction = off\n", NULL);
	free(tu_write(s->dir, "spf.txt",
	    "example.org TXT \"v=spf1 ip4:" OUTSIDE_IP " -all\"\n"));
	s->cf = tu_load(path);
	free(path);
	*state = s;
	return 0;
}

static int
teardown(void **state)
{
	struct service *s = *state;

	conf_release(s->cf);
	tu_rmdir(s->dir);
	free(s);
	return 0;
}

/*
 * judge - pick the school from the envelope, keep the recipients it
 * accepts (the others would get 452 4.5.3) and evaluate.  Returns the
 * number of recipients refused.
 */
static size_t
judge(const struct conf *cf, const char *from, const char *rcpts,
    const char *auth, const char *headers, struct verdict *v)
{
	char *list = xstrdup(rcpts), *save = NULL, *text;
	GString *kept = g_string_new(NULL);
	struct school_pick pk;
	struct msg *m;
	size_t refused = 0;

	school_pick_sender(&pk, cf, from);
	for (char *r = strtok_r(list, ",", &save); r != NULL;
	    r = strtok_r(NULL, ",", &save)) {
		if (!school_pick_rcpt(&pk, cf, r))
			refused++;
		else
			g_string_append_printf(kept, "%s%s", kept->len ? "," :
			    "", r);
	}
	text = xasprintf("From: <%s>\nTo: %s\nSubject: Trip\n%s\n"
	    "See you on Friday.\n", from, kept->str, headers);
	m = tu_msg(text, from, kept->str, auth, OUTSIDE_IP);
	engine_evaluate(school_pick_done(&pk, cf), m, time(NULL), v);
	msg_free(m);
	free(text);
	free(list);
	g_string_free(kept, TRUE);
	return refused;
}

/* reply_has - one of the reply lines contains `want` */
static bool
reply_has(const struct verdict *v, const char *want)
{
	for (size_t i = 0; v->reply_lines && v->reply_lines[i]; i++)
		if (strstr(v->reply_lines[i], want) != NULL)
			return true;
	return false;
}

static void
a_parent_of_one_school_is_nobodys_parent_at_the_other(void **state)
{
	struct service *s = *state;
	struct verdict v;

	assert_int_equal(judge(s->cf, "t.one@a.example", "mum.a@gmail.com",
	    "t.one", "", &v), 0);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "parent-contact");
	assert_true(reply_has(&v, "office@a.example"));
	assert_true(reply_has(&v, "Ashfield"));
	verdict_clear(&v);

	assert_int_equal(judge(s->cf, "t.two@b.example", "mum.a@gmail.com",
	    "t.two", "", &v), 0);
	/* for Beech a personal address, flagged, not a parent refused */
	assert_int_equal(v.action, ACTION_FLAG);
	assert_int_equal(tu_report(&v, "parent-contact")->result, RESULT_FLAG);
	verdict_clear(&v);
}

static void
a_message_to_two_schools_is_judged_once_per_school(void **state)
{
	struct service *s = *state;
	struct verdict v;

	/* Beech first: Beech's recipients only, refused by Beech's rule */
	assert_int_equal(judge(s->cf, "visitor@example.org",
	    "head@b.example,head@a.example,office@b.example", NULL,
	    "X-Test-Verdict: object\n", &v), 1);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "test-verdict");
	verdict_clear(&v);

	/* the client sends Ashfield's recipient again: Ashfield's rules */
	assert_int_equal(judge(s->cf, "visitor@example.org",
	    "head@a.example", NULL, "X-Test-Verdict: object\n", &v), 0);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    a_parent_of_one_school_is_nobodys_parent_at_the_other,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    a_message_to_two_schools_is_judged_once_per_school,
		    setup, teardown),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
