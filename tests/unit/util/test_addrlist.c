/*
 * test_addrlist - To/Cc values split into addresses, and rebuilt without
 * some of them
 *
 * What bulk-bcc relies on: every address a mail program would show is
 * found (quoted display names with commas, RFC 2047 words, groups,
 * comments, angle brackets, duplicates in any case or with +tags), and a
 * rewritten header keeps every other byte exactly as the sender wrote
 * it: display names, encodings, folds and emptied groups ("Name:;").
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>
#include <glib.h>

#include "util/addrlist.h"
#include "util/xalloc.h"

/*
 * shape - the items of a value in one string: mailbox addresses (or "?"
 * when the item is not an address), "[" and "]" around groups
 */
static char *
shape(const char *raw)
{
	struct addrlist *l = addrlist_parse(raw);
	GString *s = g_string_new(NULL);
	char *out;

	for (size_t i = 0; i < l->count; i++) {
		const struct addrlist_item *it = &l->items[i];

		if (s->len > 0)
			g_string_append_c(s, ' ');
		if (it->kind == ADDRLIST_GROUP_OPEN)
			g_string_append_c(s, '[');
		else if (it->kind == ADDRLIST_GROUP_CLOSE)
			g_string_append_c(s, ']');
		else
			g_string_append(s, it->addr != NULL ? it->addr : "?");
	}
	addrlist_free(l);
	out = xstrdup(s->str);
	g_string_free(s, TRUE);
	return out;
}

/* assert_shape - raw splits into `want` */
static void
assert_shape(const char *raw, const char *want)
{
	char *got = shape(raw);

	assert_string_equal(got, want);
	free(got);
}

/* in_list - is addr one of the NULL-terminated list? */
static bool
in_list(const char *addr, const char *const *list)
{
	for (size_t i = 0; addr != NULL && list[i] != NULL; i++)
		if (strcmp(addr, list[i]) == 0)
			return true;
	return false;
}

/* assert_without - raw without the mailboxes of `gone` is `want` */
static void
assert_without(const char *raw, const char *const *gone, const char *want)
{
	struct addrlist *l = addrlist_parse(raw);
	bool *drop = xcalloc(l->count + 1, sizeof(bool));
	char *got;

	for (size_t i = 0; i < l->count; i++)
		drop[i] = l->items[i].kind == ADDRLIST_MAILBOX &&
		    in_list(l->items[i].addr, gone);
	got = addrlist_without(l, drop);
	assert_string_equal(got, want);
	free(got);
	free(drop);
	addrlist_free(l);
}

static void
comma_inside_a_quoted_display_name_does_not_split(void **state)
{
	(void)state;
	assert_shape(" \"Scott, Rachel\" <R.Scott@Example.org>, "
	    "\"Lee, Ann \\\"Mum\\\"\" <ann@example.net>",
	    "r.scott@example.org ann@example.net");
}

static void
rfc2047_encoded_display_names_are_decoded_to_their_address(void **state)
{
	(void)state;
	assert_shape(" =?UTF-8?Q?Sin=C3=A9ad_O=27Brien=2C_mum?= "
	    "<sinead@gmail.com>, =?ISO-8859-1?B?Sm9zJ+k=?= <jose@yahoo.co.uk>",
	    "sinead@gmail.com jose@yahoo.co.uk");
}

static void
group_members_are_found_between_the_colon_and_semicolon(void **state)
{
	struct addrlist *l;

	(void)state;
	assert_shape(" Year 6: a@example.org, b@example.net;, c@example.com",
	    "[ a@example.org b@example.net ] c@example.com");
	l = addrlist_parse("Year 6: a@example.org;, c@example.com");
	assert_true(l->items[1].in_group);
	assert_false(l->items[3].in_group);
	addrlist_free(l);
}

static void
empty_group_has_no_mailboxes(void **state)
{
	(void)state;
	assert_shape(" undisclosed-recipients:;", "[ ]");
	assert_shape(" undisclosed-recipients: ;", "[ ]");
}

static void
commas_in_comments_do_not_split_and_comments_nest(void **state)
{
	(void)state;
	assert_shape(" a@example.org (Ann, mum of Zoe), b@example.net "
	    "(Ben (dad, step), Year 2)", "a@example.org b@example.net");
}

static void
commas_and_colons_inside_angle_brackets_do_not_split(void **state)
{
	(void)state;
	assert_shape(" Ann <@relay.example,@other.example:ann@example.org>, "
	    "b@example.net", "ann@example.org b@example.net");
}

static void
duplicates_in_any_case_or_with_tags_normalise_alike(void **state)
{
	(void)state;
	assert_shape(" Ann@Example.ORG, ann@example.org, "
	    "\"Ann\" <ANN+school@example.org>",
	    "ann@example.org ann@example.org ann@example.org");
}

static void
bare_word_is_kept_but_is_not_an_address(void **state)
{
	(void)state;
	assert_shape(" parents, b@example.net", "? b@example.net");
}

static void
without_removes_one_address_and_keeps_the_others_byte_for_byte(void **state)
{
	static const char *const gone[] = { "r.scott@example.org", NULL };

	(void)state;
	assert_without(" a@example.org, "
	    "\"Scott, Rachel\" <R.Scott@Example.org>, "
	    "=?UTF-8?Q?Sin=C3=A9ad?= <s@example.net> (mum)", gone,
	    "a@example.org, =?UTF-8?Q?Sin=C3=A9ad?= <s@example.net> (mum)");
}

static void
without_the_first_address_does_not_start_with_space(void **state)
{
	static const char *const gone[] = { "a@example.org", NULL };

	(void)state;
	assert_without(" a@example.org, \"Lee, Ben\" <b@example.net>", gone,
	    "\"Lee, Ben\" <b@example.net>");
}

static void
without_the_last_address_leaves_no_trailing_comma(void **state)
{
	static const char *const gone[] = { "b@example.net", NULL };

	(void)state;
	assert_without(" a@example.org, b@example.net", gone, "a@example.org");
}

static void
folds_before_kept_addresses_stay(void **state)
{
	static const char *const gone[] = { "b@example.net", NULL };

	(void)state;
	assert_without(" A <a@example.org>,\n\tB <b@example.net>,\n\t"
	    "C <c@example.com>", gone,
	    "A <a@example.org>,\n\tC <c@example.com>");
}

static void
emptied_group_keeps_its_name_and_semicolon(void **state)
{
	static const char *const gone[] = { "a@example.org", "b@example.net",
	    NULL };

	(void)state;
	assert_without(" Year 6: a@example.org, b@example.net;, "
	    "head@testwood.example", gone, "Year 6:;, head@testwood.example");
	assert_without(" head@testwood.example, Year 6: a@example.org,\n\t"
	    "b@example.net;", gone, "head@testwood.example, Year 6:;");
}

static void
group_keeps_its_other_members(void **state)
{
	static const char *const gone[] = { "a@example.org", NULL };

	(void)state;
	assert_without(" Year 6: a@example.org, b@example.net;", gone,
	    "Year 6: b@example.net;");
	assert_without(" Year 6: b@example.net, a@example.org;", gone,
	    "Year 6: b@example.net;");
}

static void
without_every_address_is_empty(void **state)
{
	static const char *const gone[] = { "a@example.org", "b@example.net",
	    NULL };

	(void)state;
	assert_without(" a@example.org, B <b@example.net>, A <A@example.org>",
	    gone, "");
}

static void
without_nothing_to_drop_is_the_value_unchanged(void **state)
{
	static const char *const gone[] = { NULL };

	(void)state;
	assert_without(" \"Scott, Rachel\" <r@example.org>,\n\tYear 6:;",
	    gone, "\"Scott, Rachel\" <r@example.org>,\n\tYear 6:;");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    comma_inside_a_quoted_display_name_does_not_split),
		cmocka_unit_test(
		    rfc2047_encoded_display_names_are_decoded_to_their_address),
		cmocka_unit_test(
		    group_members_are_found_between_the_colon_and_semicolon),
		cmocka_unit_test(empty_group_has_no_mailboxes),
		cmocka_unit_test(
		    commas_in_comments_do_not_split_and_comments_nest),
		cmocka_unit_test(
		    commas_and_colons_inside_angle_brackets_do_not_split),
		cmocka_unit_test(
		    duplicates_in_any_case_or_with_tags_normalise_alike),
		cmocka_unit_test(bare_word_is_kept_but_is_not_an_address),
		cmocka_unit_test(
		    without_removes_one_address_and_keeps_the_others_byte_for_byte),
		cmocka_unit_test(
		    without_the_first_address_does_not_start_with_space),
		cmocka_unit_test(
		    without_the_last_address_leaves_no_trailing_comma),
		cmocka_unit_test(folds_before_kept_addresses_stay),
		cmocka_unit_test(emptied_group_keeps_its_name_and_semicolon),
		cmocka_unit_test(group_keeps_its_other_members),
		cmocka_unit_test(without_every_address_is_empty),
		cmocka_unit_test(
		    without_nothing_to_drop_is_the_value_unchanged),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("addrlist", tests, NULL, NULL);
}
