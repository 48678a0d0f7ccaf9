/*
 * test_pupil_scan - the pupil-data detectors and the per-part score
 *
 * A small fictional roster built in memory; then names in every form
 * staff write them (case, accents, apostrophes, hyphens, "Surname,
 * Forename", preferred names, adjacent cells), keywords as whole words
 * with capitals kept, UPN lists against order-number lists, ULN and NHS
 * numbers with and without their labels, dates of birth by label,
 * header and roster, and the SPEC 2.3 rule: min_identifiers distinct
 * identifiers, or one with a category within 300 characters or heading
 * its table.
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

#include "config/directory.h"
#include "util/errbuf.h"
#include "policies/pupil_data/ids.h"
#include "policies/pupil_data/pupil_scan.h"
#include "util/xalloc.h"

static struct pupil roster[] = {
	{ "H801200001001", "Noor", NULL, "Wright", "2018-03-14", 2 },
	{ "Z213282605052", "William", "Billy", "O'Connor", "2017-06-16", 3 },
	{ "X00180001701A", "Zoë", NULL, "Smith-Jones", "2016-01-05", 4 },
	{ NULL, "Ava", NULL, "Allen", "2015-09-30", 5 },
	{ NULL, "Mary Jane", NULL, "Van Der Berg", NULL, 6 },
};

/* now - 20 November 2026, noon: every roster pupil is of school age */
static time_t
now(void)
{
	struct tm tm = { .tm_year = 2026 - 1900, .tm_mon = 10, .tm_mday = 20,
	    .tm_hour = 12 };

	return mktime(&tm);
}

static int
setup(void **state)
{
	struct directory *d = xcalloc(1, sizeof(*d));
	struct errbuf eb;

	d->pupils = roster;
	d->npupils = sizeof(roster) / sizeof(roster[0]);
	errbuf_init(&eb);
	*state = pupil_rules_new(d, NULL, &eb);
	if (*state == NULL)
		errbuf_print(&eb, stderr);
	errbuf_clear(&eb);
	free(d);
	return *state == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	pupil_rules_free(*state);
	return 0;
}

/* scan - findings of a text */
static struct pupil_findings
scan(void **state, const char *text, bool csv)
{
	struct pupil_findings f;

	assert_int_equal(pupil_scan(*state, text, strlen(text), csv, now(),
	    &f), 0);
	return f;
}

/* names_in_every_form_match - case, accents, apostrophes, order */
static void
names_in_every_form_match(void **state)
{
	static const char *const forms[] = {
		"Meeting about noor wright tomorrow",
		"WRIGHT, Noor",
		"Wright\tNoor\t3B",
		"billy o'connor", "O\xe2\x80\x99" "Connor, William",
		"Billy OConnor's reading", "zoe smith-jones",
		"Zo\xc3\xab Smith Jones", "SMITH-JONES, ZO\xc3\x8b",
		"Mary-Jane van der Berg", "Ava's mum; Ava Allen's coat",
	};

	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		struct pupil_findings f = scan(state, forms[i], false);

		if (f.kinds[PUPIL_NAME] != 1)
			fprintf(stderr, "form %zu not matched once\n", i);
		assert_int_equal(f.kinds[PUPIL_NAME], 1);
	}
}

/* names_need_both_parts - a forename or surname alone is not a pupil */
static void
names_need_both_parts(void **state)
{
	struct pupil_findings f = scan(state, "Noor and Ava went to see Mr "
	    "Wright; Allen keys; Noor-Wrightson; Avallen", false);

	assert_int_equal(f.distinct, 0);
}

/* one_pupil_named_twice_is_one_identifier - distinct values */
static void
one_pupil_named_twice_is_one_identifier(void **state)
{
	struct pupil_findings f = scan(state, "Billy O'Connor, also known as "
	    "William O'Connor (O'Connor, Billy)", false);

	assert_int_equal(f.kinds[PUPIL_NAME], 1);
	assert_int_equal(f.distinct, 1);
}

/* keywords_whole_words_capitals_kept - SEND, SENT, send */
static void
keywords_whole_words_capitals_kept(void **state)
{
	const struct pupil_rules *r = *state;
	struct pupil_findings f;

	f = scan(state, "Please send the SENT items; represent; absent", false);
	assert_int_equal(f.seen, 0);
	f = scan(state, "SEND review", false);
	assert_int_not_equal(f.seen, 0);
	f = scan(state, "Free School Meals", false);
	assert_int_not_equal(f.seen, 0);
	f = scan(state, "Education, Health and Care Plan", false);
	assert_int_not_equal(f.seen, 0);
	assert_true(r->cats.count >= 7);
}

/* one_name_and_a_category_nearby_carries - SPEC 2.3 */
static void
one_name_and_a_category_nearby_carries(void **state)
{
	struct pupil_findings f = scan(state, "Noor Wright has an EHCP which "
	    "names speech and language therapy.", false);

	assert_int_equal(f.distinct, 1);
	assert_int_not_equal(f.linked, 0);
	assert_true(pupil_findings_carry(&f, 3));
}

/* a_far_category_does_not_link - more than 300 characters away */
static void
a_far_category_does_not_link(void **state)
{
	GString *s = g_string_new("Congratulations to Ava Allen for the "
	    "poetry prize.");
	struct pupil_findings f;

	for (int i = 0; i < 40; i++)
		g_string_append(s, " Dates for the diary.");
	g_string_append(s, " Our pupil premium strategy is on the website.");
	f = scan(state, s->str, false);
	g_string_free(s, TRUE);
	assert_int_equal(f.distinct, 1);
	assert_int_not_equal(f.seen, 0);
	assert_int_equal(f.linked, 0);
	assert_false(pupil_findings_carry(&f, 3));
}

/* a_category_heading_a_table_links_every_row - column headers */
static void
a_category_heading_a_table_links_every_row(void **state)
{
	GString *s = g_string_new("Name\tClass\tFSM\n");
	struct pupil_findings f;

	for (int i = 0; i < 30; i++)
		g_string_append(s, "Someone Else\t3B\tN\n");
	g_string_append(s, "Ava Allen\t3B\tY\n");
	f = scan(state, s->str, false);
	g_string_free(s, TRUE);
	assert_int_equal(f.distinct, 1);
	assert_int_not_equal(f.linked, 0);
}

/* csv_headers_count_in_csv_files - commas are cells there */
static void
csv_headers_count_in_csv_files(void **state)
{
	GString *s = g_string_new("Surname,Forename,Allergies\n");
	struct pupil_findings f;

	for (int i = 0; i < 30; i++)
		g_string_append(s, "Else,Someone,none\n");
	g_string_append(s, "Allen,Ava,none\n");
	f = scan(state, s->str, true);
	assert_int_not_equal(f.linked, 0);
	f = scan(state, s->str, false);
	assert_int_equal(f.linked, 0);
	g_string_free(s, TRUE);
}

/* upn_lists_count_and_order_numbers_do_not - the 1-in-23 rule */
static void
upn_lists_count_and_order_numbers_do_not(void **state)
{
	struct pupil_findings f;
	GString *s, *t;
	char code[14];
	int valid = 0;

	f = scan(state, "B801200005001 P207000016049 A950000178301", false);
	assert_int_equal(f.kinds[PUPIL_UPN], 3);
	f = scan(state, "A801200005001 Q207000016049", false);
	assert_int_equal(f.kinds[PUPIL_UPN], 0);
	/* 200 order numbers: some pass the check by chance */
	s = g_string_new("Order lines:\n");
	t = g_string_new("UPN\tAmount\n");
	for (long long i = 0; i < 200; i++) {
		snprintf(code, sizeof(code), "K%012lld", 100000007 * i + 13);
		valid += upn_is_valid(code, 13);
		g_string_append_printf(s, "%s  GBP 12.50\n", code);
		g_string_append_printf(t, "%s\t12.50\n", code);
	}
	assert_true(valid > 3);
	f = scan(state, s->str, false);
	assert_int_equal(f.kinds[PUPIL_UPN], 0);
	/* the same codes under a UPN header count */
	f = scan(state, t->str, false);
	assert_int_equal(f.kinds[PUPIL_UPN], (unsigned)valid);
	g_string_free(t, TRUE);
	g_string_free(s, TRUE);
}

/* roster_upns_count_even_with_a_slipped_letter */
static void
roster_upns_count_and_upn_boundaries_hold(void **state)
{
	struct pupil_findings f;

	f = scan(state, "ref XH801200001001 and H8012000010012", false);
	assert_int_equal(f.kinds[PUPIL_UPN], 0);
	f = scan(state, "X00180001701A", false);
	assert_int_equal(f.kinds[PUPIL_UPN], 1);
}

/* uln_and_nhs_need_their_labels - ten digits alone are not pupils */
static void
uln_and_nhs_need_their_labels(void **state)
{
	struct pupil_findings f;

	f = scan(state, "Invoice 9276308686, account 9434765919", false);
	assert_int_equal(f.distinct, 0);
	f = scan(state, "ULN: 9276308686", false);
	assert_int_equal(f.kinds[PUPIL_ULN], 1);
	f = scan(state, "NHS number 943 476 5919", false);
	assert_int_equal(f.kinds[PUPIL_NHS], 1);
	assert_int_not_equal(f.seen, 0);	/* NHS number is medical */
	f = scan(state, "NHS number 987 654 4321", false);
	assert_int_equal(f.kinds[PUPIL_NHS], 0);
	f = scan(state, "Name\tNHS No\nA\t943 476 5919\nB\t943 476 5870\n",
	    false);
	assert_int_equal(f.kinds[PUPIL_NHS], 2);
}

/* dates_of_birth_need_a_label_header_or_roster_name */
static void
dates_of_birth_need_a_label_header_or_roster_name(void **state)
{
	struct pupil_findings f;

	f = scan(state, "Invoice date 05/03/2019, paid 2019-07-19", false);
	assert_int_equal(f.distinct, 0);
	f = scan(state, "DOB: 05/03/2019", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 1);
	f = scan(state, "Date of birth 5th March 2019", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 1);
	f = scan(state, "Name\tDate of Birth\nA\t2019-03-05\nB\t05.03.2018\n"
	    "C\t31/02/2018\n", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 2);
	/* an adult's date of birth is not a pupil's */
	f = scan(state, "DOB: 12/08/1979", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 0);
	/* Noor Wright's date from the roster, next to her name */
	f = scan(state, "Noor Wright (14/03/2018)", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 1);
	assert_int_equal(f.distinct, 2);
	f = scan(state, "Noor Wright met us on 14/03/2024", false);
	assert_int_equal(f.kinds[PUPIL_DOB], 0);
}

/* three_identifiers_of_one_pupil_carry - name, UPN and DOB */
static void
three_identifiers_of_one_pupil_carry(void **state)
{
	struct pupil_findings f = scan(state, "Noor Wright, UPN "
	    "H801200001001, DOB 14/03/2018", false);

	assert_int_equal(f.distinct, 3);
	assert_true(pupil_findings_carry(&f, 3));
	assert_false(pupil_findings_carry(&f, 4));
	f = scan(state, "Noor Wright and Ava Allen won the relay", false);
	assert_int_equal(f.distinct, 2);
	assert_false(pupil_findings_carry(&f, 3));
}

/* scanning_survives_binary_and_empty_text - NUL, bad UTF-8, nothing */
static void
scanning_survives_binary_and_empty_text(void **state)
{
	static const char bin[] = "Noor\0Wright \xff\xfe\xc3 Ava Allen "
	    "\xe2\x80";
	struct pupil_findings f;

	assert_int_equal(pupil_scan(*state, bin, sizeof(bin) - 1, false, now(),
	    &f), 0);
	assert_int_equal(f.kinds[PUPIL_NAME], 2);
	assert_int_equal(pupil_scan(*state, "", 0, false, now(), &f), 0);
	assert_int_equal(f.distinct, 0);
}

/* keyword_lists_load_from_files - sections, default category, errors */
static void
keyword_lists_load_from_files(void **state)
{
	struct ngram *ng = ngram_new();
	struct keyword_categories cats = { .count = 0 };
	struct errbuf eb;

	errbuf_init(&eb);
	assert_int_equal(keywords_parse(ng, 1, "# c\nboarding\n[trips]\n"
	    "residential trip\n", "x.txt", "extra", &cats, &eb), 0);
	assert_int_equal(cats.count, 2);
	assert_string_equal(cats.names[0], "extra");
	assert_string_equal(cats.names[1], "trips");
	assert_int_equal(keywords_parse(ng, 1, "orphan\n", "y.txt", NULL,
	    &cats, &eb), -1);
	assert_int_equal(keywords_parse(ng, 1, "[a]\none two three four five "
	    "six seven eight nine\n", "z.txt", NULL, &cats, &eb), -1);
	assert_true(errbuf_has_errors(&eb));
	assert_int_equal(keywords_load(ng, 1, "/nonexistent/kw.txt", &cats,
	    &eb), -1);
	errbuf_clear(&eb);
	keywords_categories_clear(&cats);
	ngram_free(ng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names_in_every_form_match),
		cmocka_unit_test(names_need_both_parts),
		cmocka_unit_test(one_pupil_named_twice_is_one_identifier),
		cmocka_unit_test(keywords_whole_words_capitals_kept),
		cmocka_unit_test(one_name_and_a_category_nearby_carries),
		cmocka_unit_test(a_far_category_does_not_link),
		cmocka_unit_test(a_category_heading_a_table_links_every_row),
		cmocka_unit_test(csv_headers_count_in_csv_files),
		cmocka_unit_test(upn_lists_count_and_order_numbers_do_not),
		cmocka_unit_test(roster_upns_count_and_upn_boundaries_hold),
		cmocka_unit_test(uln_and_nhs_need_their_labels),
		cmocka_unit_test(dates_of_birth_need_a_label_header_or_roster_name),
		cmocka_unit_test(three_identifiers_of_one_pupil_carry),
		cmocka_unit_test(scanning_survives_binary_and_empty_text),
		cmocka_unit_test(keyword_lists_load_from_files),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
