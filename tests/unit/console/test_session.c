/*
 * test_session - console sessions, CSRF tokens and the sign-in limiter
 *
 * Sessions have random 64-hex identifiers and tokens, are found by
 * their identifier and lost after the idle time; a signed-in session is
 * a new identifier; a token matches only its own session; wrong
 * passwords lock an account after the limit, for the lock-out time,
 * while a right one before the limit starts the count again; an
 * address is locked after ten times the limit.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "console/session.h"

#define IDLE	600
#define LOCK	900

static void
test_a_session_is_found_until_it_idles_out(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	struct session_view v, f;

	(void)state;
	sessions_start(s, NULL, ACCESS_NONE, 1000, &v);
	assert_int_equal(strlen(v.id), SESSION_ID_LEN);
	assert_int_equal(strspn(v.id, "0123456789abcdef"), SESSION_ID_LEN);
	assert_null(v.user);
	assert_true(sessions_find(s, v.id, 1000 + IDLE, &f));
	session_view_clear(&f);
	/* each request restarts the idle time */
	assert_true(sessions_find(s, v.id, 1000 + 2 * IDLE, &f));
	session_view_clear(&f);
	assert_false(sessions_find(s, v.id, 1000 + 3 * IDLE + 1, &f));
	assert_false(sessions_find(s, "not-a-session", 1000, &f));
	session_view_clear(&v);
	sessions_free(s);
}

static void
test_signing_in_makes_a_new_session_with_the_role(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	struct session_view anon, user, f;

	(void)state;
	sessions_start(s, NULL, ACCESS_NONE, 1000, &anon);
	sessions_end(s, anon.id);
	sessions_start(s, "jane.dsl", ACCESS_DSL, 1000, &user);
	assert_string_not_equal(anon.id, user.id);
	assert_false(sessions_find(s, anon.id, 1001, &f));
	assert_true(sessions_find(s, user.id, 1001, &f));
	assert_string_equal(f.user, "jane.dsl");
	assert_int_equal(f.role, ACCESS_DSL);
	session_view_clear(&f);
	sessions_end_user(s, "JANE.DSL");
	assert_false(sessions_find(s, user.id, 1002, &f));
	session_view_clear(&anon);
	session_view_clear(&user);
	sessions_free(s);
}

static void
test_a_csrf_token_matches_only_its_session(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	struct session_view a, b;
	char wrong[SESSION_ID_LEN + 1];

	(void)state;
	sessions_start(s, "a", ACCESS_DSL, 1000, &a);
	sessions_start(s, "b", ACCESS_DSL, 1000, &b);
	assert_string_not_equal(a.csrf, a.id);
	assert_true(session_csrf_ok(&a, a.csrf));
	assert_false(session_csrf_ok(&a, b.csrf));
	assert_false(session_csrf_ok(&a, NULL));
	assert_false(session_csrf_ok(&a, ""));
	memcpy(wrong, a.csrf, sizeof(wrong));
	wrong[SESSION_ID_LEN - 1] ^= 1;
	assert_false(session_csrf_ok(&a, wrong));
	session_view_clear(&a);
	session_view_clear(&b);
	sessions_free(s);
}

static void
test_five_wrong_passwords_lock_the_account_for_a_while(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	time_t until;

	(void)state;
	for (int i = 0; i < 4; i++)
		sessions_failed(s, "Bob", "192.0.2.1", 1000 + i);
	assert_false(sessions_locked(s, "bob", "192.0.2.1", 1004, &until));
	sessions_failed(s, "bob", "192.0.2.1", 1004);
	assert_true(sessions_locked(s, "BOB", "192.0.2.9", 1005, &until));
	assert_int_equal(until, 1004 + LOCK);
	assert_false(sessions_locked(s, "alice", "192.0.2.1", 1005, &until));
	assert_false(sessions_locked(s, "bob", "192.0.2.1", 1004 + LOCK,
	    &until));
	sessions_free(s);
}

static void
test_a_right_password_restarts_the_count(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	time_t until;

	(void)state;
	for (int i = 0; i < 4; i++)
		sessions_failed(s, "carol", "192.0.2.2", 1000);
	sessions_succeeded(s, "carol");
	for (int i = 0; i < 4; i++)
		sessions_failed(s, "carol", "192.0.2.2", 1001);
	assert_false(sessions_locked(s, "carol", "192.0.2.3", 1002, &until));
	sessions_free(s);
}

static void
test_an_address_trying_many_names_is_locked(void **state)
{
	struct sessions *s = sessions_new(IDLE, 5, LOCK);
	char name[32];
	time_t until;

	(void)state;
	for (int i = 0; i < 50; i++) {
		snprintf(name, sizeof(name), "guess%d", i);
		sessions_failed(s, name, "198.51.100.7", 2000);
	}
	assert_true(sessions_locked(s, "jane.dsl", "198.51.100.7", 2001,
	    &until));
	assert_false(sessions_locked(s, "jane.dsl", "198.51.100.8", 2001,
	    &until));
	sessions_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_a_session_is_found_until_it_idles_out),
		cmocka_unit_test(test_signing_in_makes_a_new_session_with_the_role),
		cmocka_unit_test(test_a_csrf_token_matches_only_its_session),
		cmocka_unit_test(test_five_wrong_passwords_lock_the_account_for_a_while),
		cmocka_unit_test(test_a_right_password_restarts_the_count),
		cmocka_unit_test(test_an_address_trying_many_names_is_locked),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
