/*
 * test_zone - the daemon names the system's time zone once at start and
 * local time stays what the system says; a zone the administrator set
 * is kept
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "util/zone.h"

/* a winter and a summer noon (UTC) of 2026, and the clock change */
static const time_t zone_instants[] = { 1767268800, 1782907200, 1774746000 };
#define ZONE_NINSTANTS	(sizeof zone_instants / sizeof zone_instants[0])

static void
local_times(struct tm out[ZONE_NINSTANTS])
{
	for (size_t i = 0; i < ZONE_NINSTANTS; i++)
		assert_non_null(localtime_r(&zone_instants[i], &out[i]));
}

static void
unset_tz_becomes_the_system_zone_by_name_with_the_same_local_time(void **state)
{
	struct tm before[ZONE_NINSTANTS], after[ZONE_NINSTANTS];

	(void)state;
	unsetenv("TZ");
	tzset();
	local_times(before);
	assert_true(zone_pin());
	assert_string_equal(getenv("TZ"), ZONE_SYSTEM);
	local_times(after);
	for (size_t i = 0; i < ZONE_NINSTANTS; i++) {
		assert_int_equal(after[i].tm_hour, before[i].tm_hour);
		assert_int_equal(after[i].tm_mday, before[i].tm_mday);
		assert_int_equal(after[i].tm_gmtoff, before[i].tm_gmtoff);
		assert_int_equal(after[i].tm_isdst, before[i].tm_isdst);
		assert_int_equal(mktime(&after[i]), zone_instants[i]);
	}
	/* a second call (a restart of the same process image) changes
	 * nothing: TZ is set now */
	assert_false(zone_pin());
	assert_string_equal(getenv("TZ"), ZONE_SYSTEM);
}

/*
 * a_zone_the_administrator_set_is_kept - TZ set in the environment, to
 * a zone or to the empty string (UTC), stays as it is and rules local
 * time (12:00 UTC on 1 July 2026)
 */
static void
a_zone_the_administrator_set_is_kept(void **state)
{
	static const struct {
		const char *tz;
		int	 hour, isdst;
		long	 gmtoff;
	} cases[] = {
		{ "GMT0BST,M3.5.0/1,M10.5.0", 13, 1, 3600 },	/* BST */
		{ "", 12, 0, 0 },				/* UTC */
	};
	struct tm t;

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		setenv("TZ", cases[i].tz, 1);
		assert_false(zone_pin());
		assert_string_equal(getenv("TZ"), cases[i].tz);
		tzset();
		assert_non_null(localtime_r(&zone_instants[1], &t));
		assert_int_equal(t.tm_hour, cases[i].hour);
		assert_int_equal(t.tm_isdst, cases[i].isdst);
		assert_int_equal(t.tm_gmtoff, cases[i].gmtoff);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unset_tz_becomes_the_system_zone_by_name_with_the_same_local_time),
		cmocka_unit_test(a_zone_the_administrator_set_is_kept),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
