/*
 * test_release_restart - a deferred message's copy after a crash
 *
 * The act step spends a deferred message's mark just before it answers
 * the MTA; a milter killed in between leaves the mark spent while the
 * MTA, which never heard the answer, keeps its copy and sends it again
 * after the restart.  That copy must not be dropped as a duplicate (the
 * message would be lost): a mark spent before the daemon started is
 * judged normally.  A mark spent since the start still drops the copy.
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
#include <gmime/gmime.h>

#include "engine/engine.h"
#include "store/deferred.h"
#include "store/release.h"
#include "testutil.h"
#include "util/xalloc.h"

#define REF	"3JSGNTZXW2"
#define CLAIMED	1700000000	/* when the old process spent the mark */

struct restart_school {
	char	*dir;
	struct conf *cf;
	char	*key;
};

/* school_open - a school with REF deferred, sent, and its mark spent */
static void
school_open(struct restart_school *s)
{
	struct deferred_entry e = { .ref = (char *)REF, .time = 1, .due = 2,
	    .sender = (char *)"s@supplier.example",
	    .recipients = (char *)"office@testwood.example" };
	char *extra, *path, *err = NULL;
	const char *dir;

	s->dir = tu_tempdir();
	extra = xasprintf("[milter]\nrelease_secret = %s/release.key\n",
	    s->dir);
	path = tu_school(s->dir, extra);
	s->cf = tu_load(path);
	free(path);
	free(extra);
	dir = s->cf->milter.quarantine_dir;
	assert_int_equal(release_secret_ensure(s->cf->milter.release_secret,
	    &err), 0);
	assert_int_equal(release_secret_load(s->cf->milter.release_secret,
	    &s->key, &err), 0);
	assert_int_equal(deferred_add(tu_st(dir), &e, &err), 0);
	assert_int_equal(deferred_claim(tu_st(dir), REF, CLAIMED - 5, 0, &err), 1);
	assert_int_equal(deferred_claim_delivery(tu_st(dir), REF, "9CABAA98200",
	    CLAIMED, &err), 1);
}

/* school_close - free it all */
static void
school_close(struct restart_school *s)
{
	conf_release(s->cf);
	free(s->key);
	tu_rmdir(s->dir);
}

/* marked_copy - the re-injected copy, its mark made for the envelope
 * action_of() gives it */
static char *
marked_copy(const char *key)
{
	static const char whole[] = "From: <s@supplier.example>\n"
	    "Subject: Trip\n\nThe trip letter.\n";
	static const char *const rcpts[] = { "office@testwood.example" };
	size_t len;

	return release_marked_copy(key, REF, whole, strlen(whole),
	    "s@supplier.example", rcpts, 1, &len);
}

/* action_of - the final action for the copy, the daemon started at t */
static enum final_action
action_of(struct restart_school *s, time_t started_at)
{
	char *text = marked_copy(s->key);
	struct msg *m = tu_msg(text, "s@supplier.example",
	    "office@testwood.example", NULL, "127.0.0.1");
	struct verdict v;
	enum final_action a;

	s->cf->started_at = started_at;
	msg_set_queue_id(m, "A1DC7A98203");
	engine_evaluate(s->cf, m, time(NULL), &v);
	a = v.action;
	verdict_clear(&v);
	msg_free(m);
	free(text);
	return a;
}

/* A mark spent by this process: the copy is a duplicate and dropped. */
static void
test_mark_spent_since_start_drops_the_copy(void **state)
{
	struct restart_school s;

	(void)state;
	school_open(&s);
	assert_int_equal(action_of(&s, CLAIMED - 60), ACTION_DISCARD);
	assert_int_equal(action_of(&s, 0), ACTION_DISCARD);
	school_close(&s);
}

/* A mark spent before the restart: the copy is judged, not dropped. */
static void
test_mark_spent_before_restart_is_judged_normally(void **state)
{
	struct restart_school s;

	(void)state;
	school_open(&s);
	assert_int_equal(action_of(&s, CLAIMED + 60), ACTION_ACCEPT);
	school_close(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mark_spent_since_start_drops_the_copy),
		cmocka_unit_test(
		    test_mark_spent_before_restart_is_judged_normally),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
