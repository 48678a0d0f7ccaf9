/*
 * test_date - the one date parser every CSV uses
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "util/date.h"

/* iso - the ISO spelling of a parsed text, or "-" when it is no date */
static const char *
iso(const char *text, char buf[11])
{
	struct date d;

	return date_parse(text, &d) ? date_iso(&d, buf) : "-";
}

static void
iso_and_uk_spellings_give_the_same_day(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "2024-07-19", "2024-07-19" },
		{ "19/07/2024", "2024-07-19" },
		{ "9/7/2024", "2024-07-09" },
		{ "29/02/2024", "2024-02-29" },
		{ "2024-07-19 00:00:00", "2024-07-19" },
		{ "19/07/2024 00:00", "2024-07-19" },
		{ "2024-07-19T00:00:00", "2024-07-19" },
	};
	char buf[11];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_string_equal(iso(cases[i].in, buf), cases[i].want);
}

static void
things_that_are_not_dates_are_refused(void **state)
{
	static const char *const bad[] = {
		"", "n/a", "2024-7-19", "19-07-2024", "07/19/2024",
		"29/02/2023", "31/04/2024", "2024-00-10", "1899-12-31",
		"19.07.2024", "2024-07-19 08:30", "19/07/24", "2024-07-199",
		"123/07/2024", "19/07/2024x", " 2024-07-19",
	};
	struct date d = { 1, 2, 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (date_parse(bad[i], &d))
			fail_msg("\"%s\" was read as a date", bad[i]);
	}
	/* A refused text leaves the date alone. */
	assert_int_equal(d.year, 1);
}

static void
a_day_runs_from_local_midnight_to_the_last_second(void **state)
{
	struct tm start = { .tm_year = 124, .tm_mon = 6, .tm_mday = 19,
	    .tm_isdst = -1 };
	struct tm next = { .tm_year = 124, .tm_mon = 6, .tm_mday = 20,
	    .tm_isdst = -1 };
	struct date d, e;

	(void)state;
	assert_true(date_parse("19/07/2024", &d));
	assert_int_equal(date_day_start(&d), mktime(&start));
	assert_int_equal(date_day_end(&d), mktime(&next) - 1);
	e = date_of(date_day_end(&d));
	assert_int_equal(date_compare(&d, &e), 0);
	assert_true(date_parse("2024-07-20", &e));
	assert_true(date_compare(&d, &e) < 0);
	assert_true(date_compare(&e, &d) > 0);
}

/* a --since on the command line or in the console: start of that day */
static void
a_day_named_on_the_command_line_starts_at_midnight(void **state)
{
	struct tm start = { .tm_year = 124, .tm_mon = 6, .tm_mday = 19,
	    .tm_isdst = -1 };

	(void)state;
	assert_int_equal(date_day_start_of("2024-07-19"), mktime(&start));
	assert_int_equal(date_day_start_of("19/07/2024"), mktime(&start));
	assert_int_equal(date_day_start_of("2024-07-19x"), (time_t)-1);
	assert_int_equal(date_day_start_of("2024-02-30"), (time_t)-1);
	assert_int_equal(date_day_start_of(NULL), (time_t)-1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iso_and_uk_spellings_give_the_same_day),
		cmocka_unit_test(things_that_are_not_dates_are_refused),
		cmocka_unit_test(
		    a_day_runs_from_local_midnight_to_the_last_second),
		cmocka_unit_test(
		    a_day_named_on_the_command_line_starts_at_midnight),
	};

	return cmocka_run_group_tests_name("date", tests, NULL, NULL);
}
