/*
 * test_analysis_mime - the MIME walk: paths, bodies, names, nesting,
 * parser warnings, limits and ownership
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "analysis_testutil.h"
#include "util/xalloc.h"

static const char nested_msg[] =
    "From: a@example.org\nSubject: fwd\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=outer\n\n"
    "--outer\nContent-Type: multipart/alternative; boundary=alt\n\n"
    "--alt\nContent-Type: text/plain; charset=utf-8\n\nHello plain\n"
    "--alt\nContent-Type: text/html; charset=utf-8\n\n"
    "<html><body><p>Hello <b>html</b></p></body></html>\n--alt--\n"
    "--outer\nContent-Type: message/rfc822\n"
    "Content-Disposition: attachment; filename=\"fwd.eml\"\n\n"
    "From: c@example.org\nSubject: inner\nMIME-Version: 1.0\n"
    "Content-Type: multipart/mixed; boundary=in\n\n"
    "--in\nContent-Type: text/plain\n\nInner text\n"
    "--in\nContent-Type: text/csv; name=\"list.csv\"\n"
    "Content-Disposition: attachment; filename=\"list.csv\"\n\n"
    "UPN,Name\nA1,Reggie\n--in--\n"
    "--outer--\n";

/* leaf_paths_follow_mime_part_numbers_into_attached_messages */
static void
leaf_paths_follow_mime_part_numbers_into_attached_messages(void **state)
{
	struct analysis *an = at_run_text(nested_msg);
	const struct attachment *a;

	assert_non_null(at_find(an, "1.1"));
	assert_non_null(at_find(an, "1.2"));
	a = at_find(an, "2");
	assert_non_null(a);
	assert_string_equal(a->detected_type, "message/rfc822");
	assert_true(a->is_archive);
	assert_string_equal(a->name, "fwd.eml");
	a = at_find(an, "2.1");
	assert_non_null(a);
	assert_int_equal(a->depth, 1);
	assert_true(at_text_has(a, "Inner text"));
	a = at_find(an, "2.2");
	assert_non_null(a);
	assert_string_equal(a->kind, "csv");
	assert_false(a->is_body);
	assert_true(at_text_has(a, "UPN,Name"));
	assert_null(an->uninspectable);
	analysis_free(an);
}

/* text_and_html_bodies_are_marked_and_html_loses_its_tags */
static void
text_and_html_bodies_are_marked_and_html_loses_its_tags(void **state)
{
	struct analysis *an = at_run_text(nested_msg);
	const struct attachment *plain = at_find(an, "1.1");
	const struct attachment *html = at_find(an, "1.2");

	assert_true(plain->is_body);
	assert_string_equal(plain->kind, "text");
	assert_string_equal(plain->text, "Hello plain");
	assert_true(html->is_body);
	assert_string_equal(html->kind, "html");
	assert_true(at_text_has(html, "Hello html"));
	assert_false(at_text_has(html, "<b>"));
	assert_int_equal(plain->size, 11);
	assert_int_equal(strlen(plain->sha256), 64);
	analysis_free(an);
}

/* sha256_is_the_digest_of_the_decoded_content */
static void
sha256_is_the_digest_of_the_decoded_content(void **state)
{
	struct analysis *an = at_run_attachment("abc", 3, "abc.txt",
	    "text/plain", NULL);
	const struct attachment *a = at_find_name(an, "abc.txt");

	assert_non_null(a);
	assert_int_equal(a->size, 3);
	assert_string_equal(a->sha256, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	assert_false(a->is_body);
	analysis_free(an);
}

/* large_attachment_goes_through_a_temporary_file_unchanged */
static void
large_attachment_goes_through_a_temporary_file_unchanged(void **state)
{
	size_t n = 3 * 1024 * 1024 + 17, i;
	unsigned char *big = malloc(n);
	struct analysis *an;
	const struct attachment *a;
	gchar *want;

	assert_non_null(big);
	for (i = 0; i < n; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	want = g_compute_checksum_for_data(G_CHECKSUM_SHA256, big, n);
	an = at_run_attachment(big, n, "big.bin", "application/octet-stream",
	    NULL);
	a = at_find(an, "2");
	assert_int_equal(a->size, n);
	assert_string_equal(a->sha256, want);
	assert_string_equal(a->kind, "other");
	analysis_free(an);
	g_free(want);
	free(big);
}

/* inline_text_with_a_file_name_is_not_the_message_body */
static void
inline_text_with_a_file_name_is_not_the_message_body(void **state)
{
	struct analysis *an = at_run_text("MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: text/plain\n\nbody\n--b\nContent-Type: text/plain\n"
	    "Content-Disposition: inline; filename=\"notes.txt\"\n\nnotes\n"
	    "--b\nContent-Type: text/html\nContent-Disposition: attachment\n\n"
	    "<p>x</p>\n--b--\n");

	assert_true(at_find(an, "1")->is_body);
	assert_false(at_find(an, "2")->is_body);
	assert_false(at_find(an, "3")->is_body);
	assert_true(at_text_has(at_find(an, "2"), "notes"));
	analysis_free(an);
}

/* rfc2231_and_rfc2047_file_names_are_decoded */
static void
rfc2231_and_rfc2047_file_names_are_decoded(void **state)
{
	struct analysis *an = at_run_text(
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: text/csv\nContent-Disposition: attachment; "
	    "filename*=UTF-8''sch%C3%BCler.csv\n\nx\n"
	    "--b\nContent-Type: text/csv; name=\"=?UTF-8?B?w7xiZXIuY3N2?=\"\n"
	    "\nx\n--b--\n");

	assert_string_equal(at_find(an, "1")->name, "sch\xc3\xbcler.csv");
	assert_string_equal(at_find(an, "1")->name_safe, "sch\xc3\xbcler.csv");
	assert_string_equal(at_find(an, "2")->name, "\xc3\xbc" "ber.csv");
	analysis_free(an);
}

/* right_to_left_override_is_escaped_in_the_safe_name */
static void
right_to_left_override_is_escaped_in_the_safe_name(void **state)
{
	struct analysis *an = at_run_text(
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; "
	    "filename*=UTF-8''menu_%E2%80%AEfdp.exe\n\nx\n--b--\n");
	const struct attachment *a = at_find(an, "1");

	assert_string_equal(a->name, "menu_\xe2\x80\xae" "fdp.exe");
	assert_string_equal(a->name_safe, "menu_\\u202efdp.exe");
	analysis_free(an);
}

/* invalid_utf8_and_control_characters_stay_visible_and_safe */
static void
invalid_utf8_and_control_characters_stay_visible_and_safe(void **state)
{
	struct analysis *an = at_run_text(
	    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=b\n\n"
	    "--b\nContent-Type: application/octet-stream\n"
	    "Content-Disposition: attachment; "
	    "filename*=UTF-8''%C3%28%FF%01a\\b.pdf\n\nx\n--b--\n");
	const struct attachment *a = at_find(an, "1");

	assert_non_null(a->name_safe);
	assert_string_equal(a->name_safe, "\\xc3(\\xff\\u0001a\\\\b.pdf");
	analysis_free(an);
}

/* nul_bytes_in_a_body_become_spaces_in_valid_utf8_text */
static void
nul_bytes_in_a_body_become_spaces_in_valid_utf8_text(void **state)
{
	static const char msg[] = "Content-Type: text/plain; charset=utf-8\n"
	    "\nab\0cd\xff\n";
	struct analysis *an = at_run_bytes(msg, sizeof(msg) - 1, NULL);
	const struct attachment *a = at_find(an, "1");

	assert_true(a->is_body);
	assert_non_null(a->text);
	assert_string_equal(a->text, "ab cd\xef\xbf\xbd\n");
	analysis_free(an);
}

/* latin1_body_is_converted_to_utf8 */
static void
latin1_body_is_converted_to_utf8(void **state)
{
	struct analysis *an = at_run_text("Content-Type: text/plain; "
	    "charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
	    "Caf\xe9 \xa3" "5\n");

	assert_string_equal(at_find(an, "1")->text,
	    "Caf\xc3\xa9 \xc2\xa3" "5\n");
	analysis_free(an);
}

/* nesting_60_deep_multipart_is_uninspectable */
static void
nesting_60_deep_multipart_is_uninspectable(void **state)
{
	GString *m = g_string_new("MIME-Version: 1.0\n");
	struct analysis *an;
	int i;

	for (i = 0; i < 60; i++)
		g_string_append_printf(m, "Content-Type: multipart/mixed; "
		    "boundary=b%d\n\n--b%d\n", i, i);
	g_string_append(m, "Content-Type: application/octet-stream\n\nMZ\n");
	for (i = 59; i >= 0; i--)
		g_string_append_printf(m, "--b%d--\n", i);
	an = at_run_bytes(m->str, m->len, NULL);
	assert_non_null(an->uninspectable);
	assert_string_equal(an->uninspectable, "nesting");
	assert_true(an->count >= 1);
	assert_string_equal(an->items[an->count - 1].uninspectable, "nesting");
	analysis_free(an);
	g_string_free(m, TRUE);
}

/* conflicting_content_types_are_read_both_ways */
static void
conflicting_content_types_are_read_both_ways(void **state)
{
	struct analysis *an = at_run_text("MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n"
	    "Content-Type: text/plain\n\n--b\nContent-Type: text/plain\n\n"
	    "x\n--b--\n");

	/* GMime's reading (the last header) and the other one (the first) */
	assert_null(an->uninspectable);
	assert_true(an->parser_warnings >= 1);
	assert_non_null(at_find(an, "1"));
	assert_non_null(at_find(an, "alt.1"));
	assert_string_equal(at_find(an, "alt.1")->text, "x");
	analysis_free(an);
	/* in a nested part there is no second reading: ambiguous */
	an = at_run_text("MIME-Version: 1.0\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\nContent-Type: text/plain\n"
	    "Content-Type: application/octet-stream\n\nx\n--b--\n");
	assert_string_equal(an->uninspectable, "ambiguous");
	analysis_free(an);
}

/* an_mbox_from_line_in_a_forwarded_message_is_counted_not_fatal */
static void
an_mbox_from_line_in_a_forwarded_message_is_counted_not_fatal(void **state)
{
	struct analysis *an = at_run_text("MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
	    "Content-Type: message/rfc822\n\nFrom x@example.org Tue May 10 "
	    "11:28:07 2005\nSubject: old\n\nbody\n--b--\n");

	assert_null(an->uninspectable);
	assert_true(an->parser_warnings >= 1);
	analysis_free(an);
}

/* attached_messages_deeper_than_max_depth_are_not_entered */
static void
attached_messages_deeper_than_max_depth_are_not_entered(void **state)
{
	struct analysis_limits lim;
	GString *m = g_string_new("");
	struct analysis *an;
	int i, found = 0;
	size_t k;

	for (i = 0; i < 8; i++)
		g_string_append(m, "MIME-Version: 1.0\n"
		    "Content-Type: message/rfc822\n\n");
	g_string_append(m, "Content-Type: text/plain\n\ndeep\n");
	analysis_limits_default(&lim);
	an = at_run_bytes(m->str, m->len, &lim);
	for (k = 0; k < an->count; k++)
		if (an->items[k].uninspectable != NULL &&
		    strcmp(an->items[k].uninspectable, "depth") == 0)
			found++;
	assert_int_equal(found, 1);
	for (k = 0; k < an->count; k++)
		assert_true(an->items[k].depth <= lim.max_depth);
	analysis_free(an);
	g_string_free(m, TRUE);
}

/* limits_default_to_the_spec_values */
static void
limits_default_to_the_spec_values(void **state)
{
	struct analysis_limits lim;

	analysis_limits_default(&lim);
	assert_int_equal(lim.max_depth, 5);
	assert_int_equal(lim.max_entries, 10000);
	assert_true(lim.max_expanded == 200ULL * 1024 * 1024);
	assert_int_equal(lim.max_ratio, 100);
	assert_int_equal(lim.max_text, 4 * 1024 * 1024);
	assert_false(lim.skip_text);
	assert_null(analysis_free(NULL));
}

/* text_is_cut_at_max_text_and_marked_truncated */
static void
text_is_cut_at_max_text_and_marked_truncated(void **state)
{
	struct analysis_limits lim;
	struct analysis *an;
	const struct attachment *a;
	GString *m = g_string_new("Content-Type: text/plain; charset=utf-8\n"
	    "\n");
	int i;

	for (i = 0; i < 1000; i++)
		g_string_append(m, "\xc3\xa9t\xc3\xa9 ");
	analysis_limits_default(&lim);
	lim.max_text = 101;
	an = at_run_bytes(m->str, m->len, &lim);
	a = at_find(an, "1");
	assert_true(a->text_truncated);
	assert_true(a->text_len <= 101);
	assert_int_equal(strlen(a->text), a->text_len);
	assert_true(g_utf8_validate(a->text, (gssize)a->text_len, NULL));
	analysis_free(an);
	g_string_free(m, TRUE);
}

/* empty_and_garbage_input_gets_a_result_not_a_crash */
static void
empty_and_garbage_input_gets_a_result_not_a_crash(void **state)
{
	static const char junk[] = "\0\xff\r\n--\n\n--b--\0";
	struct analysis *an = at_run_bytes("", 0, NULL);

	analysis_free(an);
	an = at_run_bytes(junk, sizeof(junk) - 1, NULL);
	assert_non_null(an);
	analysis_free(an);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    leaf_paths_follow_mime_part_numbers_into_attached_messages),
		cmocka_unit_test(
		    text_and_html_bodies_are_marked_and_html_loses_its_tags),
		cmocka_unit_test(sha256_is_the_digest_of_the_decoded_content),
		cmocka_unit_test(
		    large_attachment_goes_through_a_temporary_file_unchanged),
		cmocka_unit_test(
		    inline_text_with_a_file_name_is_not_the_message_body),
		cmocka_unit_test(rfc2231_and_rfc2047_file_names_are_decoded),
		cmocka_unit_test(
		    right_to_left_override_is_escaped_in_the_safe_name),
		cmocka_unit_test(
		    invalid_utf8_and_control_characters_stay_visible_and_safe),
		cmocka_unit_test(
		    nul_bytes_in_a_body_become_spaces_in_valid_utf8_text),
		cmocka_unit_test(latin1_body_is_converted_to_utf8),
		cmocka_unit_test(
		    nesting_60_deep_multipart_is_uninspectable),
		cmocka_unit_test(
		    conflicting_content_types_are_read_both_ways),
		cmocka_unit_test(
		    an_mbox_from_line_in_a_forwarded_message_is_counted_not_fatal),
		cmocka_unit_test(
		    attached_messages_deeper_than_max_depth_are_not_entered),
		cmocka_unit_test(limits_default_to_the_spec_values),
		cmocka_unit_test(text_is_cut_at_max_text_and_marked_truncated),
		cmocka_unit_test(
		    empty_and_garbage_input_gets_a_result_not_a_crash),
	};

	return cmocka_run_group_tests_name("analysis mime", tests, at_setup,
	    at_teardown);
}
