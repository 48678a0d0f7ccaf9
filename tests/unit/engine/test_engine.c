/*
 * test_engine - result combination, monitor mode, on_error, replies
 *
 * Uses the test-only policies test-verdict and test-second, which do
 * what the X-Test-Verdict / X-Test-Second headers ask.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "engine/engine.h"
#include "testutil.h"
#include "util/xalloc.h"

/* judge - evaluate a message with given test headers */
static void
judge(struct conf *cf, const char *headers, struct verdict *v)
{
	char *text = xasprintf("From: Teacher <t.one@testwood.example>\n"
	    "To: colleague@testwood.example\nSubject: Trip\n%s\nHello\n",
	    headers);
	struct msg *m = tu_msg(text, "t.one@testwood.example",
	    "colleague@testwood.example", "t.one@testwood.example",
	    "10.9.1.2");

	engine_evaluate(cf, m, time(NULL), v);
	msg_free(m);
	free(text);
}

/* setup_with - a school with extra INI lines */
static int
setup_with(void **state, const char *extra)
{
	*state = tu_fixture_new(extra, NULL);
	return 0;
}

static int setup(void **state) { return setup_with(state, NULL); }
static int setup_monitor(void **state)
{
	return setup_with(state, "[milter]\nmode = monitor\n");
}

#define teardown tu_teardown

static void
message_nobody_objects_to_is_accepted_unchanged(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_null(v.reply_code);
	assert_int_equal(v.edits.count, 0);
	assert_int_equal(strlen(v.ref), REF_LEN);
	verdict_clear(&v);
}

static void
reject_has_550_multiline_reply_from_template_with_ref(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: reject\n", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.reply_code, "550");
	assert_string_equal(v.reply_xcode, "5.7.1");
	assert_string_equal(v.reply_lines[0],
	    "Refused: the test asked for reject.");
	assert_non_null(strstr(v.reply_lines[1], v.ref));
	assert_non_null(strstr(v.reply_lines[1], "office@testwood.example"));
	assert_string_equal(v.decided_by, "test-verdict");
	assert_int_equal(v.edits.count, 0);
	verdict_clear(&v);
}

static void
flag_adds_x_aup_flag_with_policy_and_ref(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;
	char *want;

	judge(f->cf, "X-Test-Verdict: flag\n", &v);
	assert_int_equal(v.action, ACTION_FLAG);
	want = xasprintf("test-verdict; ref=%s", v.ref);
	assert_string_equal(tu_edit_value(&v, "X-AUP-Flag"), want);
	free(want);
	verdict_clear(&v);
}

static void
rewrite_carries_the_policys_header_change(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: rewrite\n", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_int_equal(v.edits.count, 1);
	assert_int_equal(v.edits.items[0].op, HEADER_CHANGE);
	assert_int_equal(v.edits.items[0].index, 1);
	assert_string_equal(v.edits.items[0].value, "[checked] Trip");
	verdict_clear(&v);
}

static void
quarantine_wins_over_flag_and_drops_header_edits(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: flag\nX-Test-Second: quarantine\n", &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	assert_true(v.quarantine);
	assert_string_equal(v.decided_by, "test-second");
	assert_int_equal(v.edits.count, 0);
	assert_int_equal(tu_report(&v, "test-verdict")->result, RESULT_FLAG);
	verdict_clear(&v);
}

static void
reject_beats_quarantine_and_first_policy_explains(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: reject\nX-Test-Second: reject\n", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "test-verdict");
	verdict_clear(&v);
	judge(f->cf, "X-Test-Verdict: quarantine\nX-Test-Second: reject\n", &v);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.decided_by, "test-second");
	assert_int_equal(strncmp(v.reply_lines[0], "Second test: reject. Ref: ",
	    26), 0);
	verdict_clear(&v);
}

static void
flags_of_two_policies_both_reach_the_message(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: flag\nX-Test-Second: rewrite\n", &v);
	assert_int_equal(v.action, ACTION_REWRITE);
	assert_int_equal(v.edits.count, 2);
	assert_string_equal(v.edits.items[0].name, "X-AUP-Flag");
	assert_string_equal(v.edits.items[1].name, "Subject");
	verdict_clear(&v);
}

static void
internal_error_tempfails_with_451_and_ref(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: error\n", &v);
	assert_int_equal(v.action, ACTION_TEMPFAIL);
	assert_string_equal(v.reply_code, "451");
	assert_string_equal(v.reply_xcode, "4.3.0");
	assert_non_null(v.error);
	char *joined = xstrdup("");
	for (size_t i = 0; v.reply_lines[i] != NULL; i++) {
		char *n = xasprintf("%s %s", joined, v.reply_lines[i]);
		free(joined);
		joined = n;
	}
	assert_non_null(strstr(joined, v.ref));
	free(joined);
	verdict_clear(&v);
}

static void
monitor_mode_delivers_and_records_would_be_action(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;
	char *want;

	judge(f->cf, "X-Test-Verdict: reject\n", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(v.would_action, ACTION_REJECT);
	assert_null(v.reply_code);
	assert_true(tu_report(&v, "test-verdict")->monitored);
	want = xasprintf("test-verdict; would=reject; ref=%s", v.ref);
	assert_string_equal(tu_edit_value(&v, "X-AUP-Monitor"), want);
	assert_int_equal(v.edits.count, 1);
	free(want);
	verdict_clear(&v);
}

static void
monitor_mode_does_not_rewrite(void **state)
{
	struct tu_fixture *f = *state;
	struct verdict v;

	judge(f->cf, "X-Test-Verdict: rewrite\n", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_int_equal(v.would_action, ACTION_REWRITE);
	assert_null(tu_edit_value(&v, "Subject"));
	assert_non_null(tu_edit_value(&v, "X-AUP-Monitor"));
	verdict_clear(&v);
}

static void
one_policy_in_monitor_while_another_enforces(void **state)
{
	struct tu_fixture f;
	char *path;
	struct verdict v;

	f.dir = tu_tempdir();
	path = tu_school(f.dir, "[test-second]\nmode = monitor\n");
	f.cf = tu_load(path);
	free(path);
	judge(f.cf, "X-Test-Verdict: flag\nX-Test-Second: reject\n", &v);
	assert_int_equal(v.action, ACTION_FLAG);
	assert_int_equal(v.would_action, ACTION_REJECT);
	assert_non_null(tu_edit_value(&v, "X-AUP-Flag"));
	assert_non_null(tu_edit_value(&v, "X-AUP-Monitor"));
	verdict_clear(&v);
	conf_release(f.cf);
	tu_rmdir(f.dir);
}

static void
policy_with_action_off_does_not_run(void **state)
{
	struct tu_fixture f;
	char *path;
	struct verdict v;

	f.dir = tu_tempdir();
	path = tu_school(f.dir, "[test-verdict]\naction = off\n");
	f.cf = tu_load(path);
	free(path);
	judge(f.cf, "X-Test-Verdict: reject\n", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_null(tu_report(&v, "test-verdict"));
	verdict_clear(&v);
	conf_release(f.cf);
	tu_rmdir(f.dir);
}

static void
on_error_accept_delivers_unjudged_message(void **state)
{
	struct tu_fixture f;
	char *path;
	struct verdict v;

	f.dir = tu_tempdir();
	path = tu_school(f.dir, "[milter]\non_error = accept\n");
	f.cf = tu_load(path);
	free(path);
	judge(f.cf, "X-Test-Verdict: error\n", &v);
	assert_int_equal(v.action, ACTION_ACCEPT);
	assert_non_null(v.error);
	verdict_clear(&v);
	conf_release(f.cf);
	tu_rmdir(f.dir);
}

static void
configured_action_is_used_when_the_policy_objects(void **state)
{
	struct tu_fixture f;
	char *path;
	struct verdict v;

	f.dir = tu_tempdir();
	path = tu_school(f.dir, "[test-verdict]\naction = quarantine\n");
	f.cf = tu_load(path);
	free(path);
	judge(f.cf, "X-Test-Verdict: object\n", &v);
	assert_int_equal(v.action, ACTION_QUARANTINE);
	verdict_clear(&v);
	conf_release(f.cf);
	tu_rmdir(f.dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(
		    message_nobody_objects_to_is_accepted_unchanged, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reject_has_550_multiline_reply_from_template_with_ref,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    flag_adds_x_aup_flag_with_policy_and_ref, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    rewrite_carries_the_policys_header_change, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    quarantine_wins_over_flag_and_drops_header_edits, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    reject_beats_quarantine_and_first_policy_explains, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    flags_of_two_policies_both_reach_the_message, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(
		    internal_error_tempfails_with_451_and_ref, setup, teardown),
		cmocka_unit_test_setup_teardown(
		    monitor_mode_delivers_and_records_would_be_action,
		    setup_monitor, teardown),
		cmocka_unit_test_setup_teardown(monitor_mode_does_not_rewrite,
		    setup_monitor, teardown),
		cmocka_unit_test(one_policy_in_monitor_while_another_enforces),
		cmocka_unit_test(policy_with_action_off_does_not_run),
		cmocka_unit_test(on_error_accept_delivers_unjudged_message),
		cmocka_unit_test(
		    configured_action_is_used_when_the_policy_objects),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("engine", tests, NULL, NULL);
}
