/*
 * test_access - console roles: who sees which held mail, which deferred
 * mail and which pages
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>

#include <cmocka.h>

#include "config/conf.h"
#include "console/access.h"
#include "testutil.h"

static void
test_role_names_parse_in_any_case_and_unknown_is_none(void **state)
{
	(void)state;
	assert_int_equal(access_role_parse("DSL"), ACCESS_DSL);
	assert_int_equal(access_role_parse("viewer"), ACCESS_VIEWER);
	assert_int_equal(access_role_parse("admin"), ACCESS_NONE);
	assert_int_equal(access_role_parse(NULL), ACCESS_NONE);
	assert_string_equal(access_role_name(ACCESS_IT), "it");
}

static void
test_each_role_sees_only_the_holds_it_may_act_on(void **state)
{
	(void)state;
	assert_true(access_may_see_held(ACCESS_DSL, "safeguarding"));
	assert_true(access_may_see_held(ACCESS_DPO, "pupil-data"));
	assert_false(access_may_see_held(ACCESS_DPO, "executables"));
	assert_true(access_may_see_held(ACCESS_IT, "bulk-bcc,executables"));
	assert_true(access_may_see_held(ACCESS_IT, "sender-auth"));
	assert_false(access_may_see_held(ACCESS_IT, "pupil-data"));
	/* safeguarding holds are the DSL's, whoever else held them */
	assert_false(access_may_see_held(ACCESS_IT, "executables,safeguarding"));
	/* a policy name inside another is no match */
	assert_false(access_may_see_held(ACCESS_IT, "executables-x"));
	assert_false(access_may_see_held(ACCESS_OFFICE, "executables"));
	assert_false(access_may_see_held(ACCESS_VIEWER, "pupil-data"));
	assert_false(access_may_see_held(ACCESS_NONE, "pupil-data"));
}

static void
test_the_held_filter_narrows_to_the_role(void **state)
{
	struct qindex_filter f;

	(void)state;
	memset(&f, 0, sizeof(f));
	assert_true(access_held_filter(ACCESS_DSL, &f));
	assert_null(f.scope[0]);
	assert_null(f.exclude);
	assert_true(access_held_filter(ACCESS_IT, &f));
	assert_string_equal(f.scope[0], "executables");
	assert_string_equal(f.scope[1], "sender-auth");
	assert_null(f.scope[2]);
	assert_string_equal(f.exclude, "safeguarding");
	assert_false(access_held_filter(ACCESS_VIEWER, &f));
	assert_false(access_held_filter(ACCESS_OFFICE, &f));
}

static void
test_pages_per_role(void **state)
{
	(void)state;
	assert_true(access_may_reports(ACCESS_VIEWER));
	assert_false(access_may_audit(ACCESS_VIEWER));
	assert_false(access_may_list_held(ACCESS_VIEWER));
	assert_true(access_may_download(ACCESS_IT));
	assert_false(access_may_download(ACCESS_DPO));
	assert_true(access_may_see_names(ACCESS_DSL));
	assert_false(access_may_see_names(ACCESS_DPO));
	assert_true(access_may_deferred(ACCESS_OFFICE));
	assert_false(access_may_alerts(ACCESS_IT));
}

/* The test school's office is office@testwood.example and its one
 * delegate (office_senders) head@testwood.example. */
static void
test_the_office_sees_its_own_and_its_delegates_deferred_mail(void **state)
{
	struct tu_fixture *f = *state;
	const struct school *sc = &f->cf->view;
	const char *office = "office@testwood.example";

	assert_true(access_may_see_deferred(ACCESS_OFFICE, office, sc,
	    office));
	assert_true(access_may_see_deferred(ACCESS_OFFICE, office, sc,
	    "Head+trips@TESTWOOD.example"));	/* a delegate, as SPEC 3 */
	assert_false(access_may_see_deferred(ACCESS_OFFICE, office, sc,
	    "t.one@testwood.example"));		/* another sender */
	assert_false(access_may_see_deferred(ACCESS_OFFICE, office, sc, ""));
	assert_false(access_may_see_deferred(ACCESS_OFFICE, office, sc,
	    NULL));
	/* a member of the office signed in under their own address */
	assert_true(access_may_see_deferred(ACCESS_OFFICE,
	    "s.clerk@testwood.example", sc, "s.clerk@testwood.example"));
	assert_true(access_may_see_deferred(ACCESS_OFFICE,
	    "s.clerk@testwood.example", sc, office));
	assert_false(access_may_see_deferred(ACCESS_OFFICE, "sclerk", sc,
	    "t.one@testwood.example"));
	/* dsl and it see all of it; dpo and viewer none */
	assert_true(access_may_see_deferred(ACCESS_DSL, "jane", sc,
	    "t.one@testwood.example"));
	assert_true(access_may_see_deferred(ACCESS_IT, "tom", sc,
	    "t.one@testwood.example"));
	assert_false(access_may_see_deferred(ACCESS_DPO, office, sc, office));
	assert_false(access_may_see_deferred(ACCESS_VIEWER, office, sc,
	    office));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_role_names_parse_in_any_case_and_unknown_is_none),
		cmocka_unit_test(test_each_role_sees_only_the_holds_it_may_act_on),
		cmocka_unit_test(test_the_held_filter_narrows_to_the_role),
		cmocka_unit_test(test_pages_per_role),
		cmocka_unit_test_setup_teardown(
		    test_the_office_sees_its_own_and_its_delegates_deferred_mail,
		    tu_setup, tu_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
