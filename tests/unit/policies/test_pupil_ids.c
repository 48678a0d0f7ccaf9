/*
 * test_pupil_ids - check letters, check digits and dates of birth
 *
 * The worked examples of UK-SCHOOL-DATA.md: UPN (permanent, temporary
 * under both readings, wrong letters, letters in the wrong place), ULN
 * (HESA and ESFA vectors, remainder 0), NHS numbers (grouped and plain,
 * check digit 0, the invalid "987 654 4321"), and calendar dates with
 * the pupil age range.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "policies/pupil_data/ids.h"

/* upn - validity of a NUL-terminated candidate */
static bool
upn(const char *s)
{
	return upn_is_valid(s, strlen(s));
}

/* upn_worked_examples_are_valid - H801200001001, Z213282605052, ... */
static void
upn_worked_examples_are_valid(void **state)
{
	assert_true(upn("H801200001001"));
	assert_true(upn("Z213282605052"));
	assert_true(upn("B801200005001"));
	assert_true(upn("P207000016049"));
	assert_true(upn("A950000178301"));
	assert_true(upn("H243278544154"));
	assert_int_equal(upn_check_letter("801200001001", false), 'H');
	assert_int_equal(upn_check_letter("213282605052", false), 'Z');
}

/* upn_temporary_letters_count_by_either_reading - X00180001701A */
static void
upn_temporary_letters_count_by_either_reading(void **state)
{
	assert_true(upn("X00180001701A"));
	assert_true(upn_is_temporary("X00180001701A", 13));
	assert_true(upn("G80120000101A"));
	/* B = 1 by the table (GDSC): W; by the DfE MTC reading: G */
	assert_int_equal(upn_validity("W80120000101B", 13), UPN_VALID_TABLE);
	assert_int_equal(upn_validity("G80120000101B", 13), UPN_VALID_ZERO);
	assert_false(upn_is_temporary("H801200001001", 13));
}

/* upn_wrong_letters_and_shapes_are_invalid - A801200005001, ... */
static void
upn_wrong_letters_and_shapes_are_invalid(void **state)
{
	assert_false(upn("A801200005001"));
	assert_false(upn("Q207000016049"));	/* the vendors' slip */
	assert_false(upn("G80120000101S"));	/* S never used */
	assert_false(upn("X80120000A001"));	/* letter inside */
	assert_false(upn("I801200001001"));	/* I never a check letter */
	assert_false(upn("H80120000100"));	/* 12 characters */
	assert_false(upn("h801200001001"));	/* exports are upper case */
	assert_int_equal(upn_check_letter("80120000A001", false), 0);
}

/* uln - validity of a NUL-terminated candidate */
static bool
uln(const char *s)
{
	return uln_is_valid(s, strlen(s));
}

/* uln_worked_examples - HESA 9276308686, ESFA 1000000043 */
static void
uln_worked_examples(void **state)
{
	assert_true(uln("9276308686"));
	assert_true(uln("1000102504"));
	assert_true(uln("1000000043"));
	assert_false(uln("1000000063"));	/* remainder 0 */
	assert_false(uln("9276308685"));	/* wrong check digit */
	assert_false(uln("9999999999"));	/* ILR placeholder */
	assert_false(uln("0000000042"));	/* first digit 0 */
	assert_false(uln("927630868"));		/* nine digits */
	assert_false(uln("92763086x6"));
}

/* nhs - validity of a NUL-terminated candidate */
static bool
nhs(const char *s)
{
	return nhs_is_valid(s, strlen(s));
}

/* nhs_worked_examples - 943 476 5919, check digit 0, 987 654 4321 */
static void
nhs_worked_examples(void **state)
{
	char d[11];

	assert_true(nhs("943 476 5919"));
	assert_true(nhs("9434765919"));
	assert_true(nhs("943-476-5919"));
	assert_true(nhs("943 476 5870"));	/* 11 -> 0 */
	assert_true(nhs("999 000 0018"));
	assert_false(nhs("943 476 5871"));
	assert_false(nhs("987 654 4321"));	/* the quoted example */
	assert_false(nhs("999 000 0000"));	/* stem gives 10 */
	assert_false(nhs("94 3476 5919"));	/* not 3-3-4 */
	assert_true(nhs_digits("943 476 5919", 12, d));
	assert_string_equal(d, "9434765919");
}

/* dob_dates_and_months - calendar checks and month names */
static void
dob_dates_and_months(void **state)
{
	assert_int_equal(dob_ymd(2016, 2, 29), 20160229);
	assert_int_equal(dob_ymd(2017, 2, 29), 0);
	assert_int_equal(dob_ymd(2000, 2, 29), 20000229);
	assert_int_equal(dob_ymd(2019, 4, 31), 0);
	assert_int_equal(dob_ymd(2019, 13, 1), 0);
	assert_int_equal(dob_month("March", 5), 3);
	assert_int_equal(dob_month("sept", 4), 9);
	assert_int_equal(dob_month("Dec", 3), 12);
	assert_int_equal(dob_month("Mayonnaise", 10), 0);
	assert_int_equal(dob_year(19, 2), 2019);
	assert_int_equal(dob_year(98, 2), 1998);
	assert_int_equal(dob_year(2011, 4), 2011);
}

/* dob_pupil_age_is_2_to_20 - relative to the time of evaluation */
static void
dob_pupil_age_is_2_to_20(void **state)
{
	struct tm tm = { .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 20,
	    .tm_hour = 12 };
	time_t now = mktime(&tm);

	assert_true(dob_is_pupil_age(20190719, now));
	assert_true(dob_is_pupil_age(20241120, now));	/* 2 today */
	assert_false(dob_is_pupil_age(20241121, now));	/* 1 */
	assert_true(dob_is_pupil_age(20061120, now));	/* 20 */
	assert_false(dob_is_pupil_age(20051120, now));	/* 21: staff */
	assert_false(dob_is_pupil_age(20270101, now));	/* future */
	assert_false(dob_is_pupil_age(0, now));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(upn_worked_examples_are_valid),
		cmocka_unit_test(upn_temporary_letters_count_by_either_reading),
		cmocka_unit_test(upn_wrong_letters_and_shapes_are_invalid),
		cmocka_unit_test(uln_worked_examples),
		cmocka_unit_test(nhs_worked_examples),
		cmocka_unit_test(dob_dates_and_months),
		cmocka_unit_test(dob_pupil_age_is_2_to_20),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
