/*
 * test_analysis_pdf - PDF encryption (user vs owner-only passwords,
 * RC4 vs AES) and best-effort text
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

/* run_pdf - analyse a PDF fixture attached as application/pdf */
static struct analysis *
run_pdf(const char *name, const struct attachment **a)
{
	char *p = at_fixture_or_skip(name);
	struct analysis *an = at_run_fixture(p, "list.pdf", "application/pdf",
	    NULL);

	free(p);
	*a = at_find(an, "2");
	assert_non_null(*a);
	assert_string_equal((*a)->kind, "pdf");
	return an;
}

/* flate_text_is_extracted_one_positioned_line_at_a_time */
static void
flate_text_is_extracted_one_positioned_line_at_a_time(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("plain.pdf", &a);

	assert_false(a->encrypted);
	assert_true(at_text_has(a,
	    "Class list\nReggie Fisher   A123456789012\n"));
	assert_true(at_text_has(a, "Caf\xc3\xa9 (note)"));
	assert_true(at_text_has(a, "Spaced out"));
	analysis_free(an);
}

/* windows_1252_and_utf16_strings_become_utf8 - curly quotes, the euro
 * sign, a surrogate pair; a lone surrogate is one U+FFFD */
static void
windows_1252_and_utf16_strings_become_utf8(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("unicode.pdf", &a);

	assert_true(at_text_has(a, "\xe2\x80\x9cQuoted\xe2\x80\x9d "
	    "\xe2\x82\xac 5 \xc5\xbe\n"));
	assert_true(at_text_has(a, "\xc3\xa9\xf0\x9f\x98\x80" "A\n"));
	assert_true(at_text_has(a, "A\xef\xbf\xbd" "B"));
	analysis_free(an);
}

/* an_encrypt_key_outside_the_trailer_is_not_believed */
static void
an_encrypt_key_outside_the_trailer_is_not_believed(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("fake-encrypt.pdf", &a);

	assert_false(a->encrypted);
	assert_true(at_text_has(a, "A123456789012"));
	analysis_free(an);
}

/* aes256_with_a_user_password_is_encrypted_and_strong */
static void
aes256_with_a_user_password_is_encrypted_and_strong(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("aes256-user.pdf", &a);

	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_string_equal(a->encryption, "pdf-aes");
	assert_null(a->text);
	analysis_free(an);
}

/* rc4_with_a_user_password_is_encrypted_and_weak */
static void
rc4_with_a_user_password_is_encrypted_and_weak(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("rc4-128-user.pdf", &a);

	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_WEAK);
	assert_string_equal(a->encryption, "pdf-rc4");
	analysis_free(an);
}

/* owner_only_aes256_pdf_is_not_encrypted_and_its_text_is_read */
static void
owner_only_aes256_pdf_is_not_encrypted_and_its_text_is_read(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("aes256-owner-only.pdf", &a);

	assert_false(a->encrypted);
	assert_null(a->encryption);
	assert_true(at_text_has(a, "A123456789012"));
	analysis_free(an);
}

/* owner_only_aes128_pdf_is_not_encrypted_and_its_text_is_read */
static void
owner_only_aes128_pdf_is_not_encrypted_and_its_text_is_read(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("aes128-owner-only.pdf", &a);

	assert_false(a->encrypted);
	assert_true(at_text_has(a, "A123456789012"));
	analysis_free(an);
}

/* owner_only_rc4_40_pdf_is_not_encrypted_and_its_text_is_read */
static void
owner_only_rc4_40_pdf_is_not_encrypted_and_its_text_is_read(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_pdf("rc4-40-owner-only.pdf", &a);

	assert_false(a->encrypted);
	assert_true(at_text_has(a, "A123456789012"));
	analysis_free(an);
}

/* truncated_and_garbage_pdfs_get_a_record_not_a_crash */
static void
truncated_and_garbage_pdfs_get_a_record_not_a_crash(void **state)
{
	static const char junk[] = "%PDF-1.4\n1 0 obj << /Length 99999 "
	    "/Filter /FlateDecode >> stream\nxx\ntrailer << /Encrypt 5 0 R "
	    "/ID [<00>] >>\nstartxref\n999999\n%%EOF";
	char *p = at_fixture_or_skip("aes256-user.pdf");
	size_t len, cut;
	unsigned char *data = at_read(p, &len);
	struct analysis *an;

	for (cut = 0; cut < len; cut += len / 16 + 1) {
		an = at_run_attachment(data, cut, "cut.pdf", "application/pdf",
		    NULL);
		assert_non_null(at_find(an, "2"));
		analysis_free(an);
	}
	an = at_run_attachment(junk, sizeof(junk) - 1, "j.pdf",
	    "application/pdf", NULL);
	assert_true(at_find(an, "2")->encrypted);
	analysis_free(an);
	g_free(data);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    flate_text_is_extracted_one_positioned_line_at_a_time),
		cmocka_unit_test(windows_1252_and_utf16_strings_become_utf8),
		cmocka_unit_test(
		    an_encrypt_key_outside_the_trailer_is_not_believed),
		cmocka_unit_test(
		    aes256_with_a_user_password_is_encrypted_and_strong),
		cmocka_unit_test(rc4_with_a_user_password_is_encrypted_and_weak),
		cmocka_unit_test(
		    owner_only_aes256_pdf_is_not_encrypted_and_its_text_is_read),
		cmocka_unit_test(
		    owner_only_aes128_pdf_is_not_encrypted_and_its_text_is_read),
		cmocka_unit_test(
		    owner_only_rc4_40_pdf_is_not_encrypted_and_its_text_is_read),
		cmocka_unit_test(
		    truncated_and_garbage_pdfs_get_a_record_not_a_crash),
	};

	return cmocka_run_group_tests_name("analysis pdf", tests, at_setup,
	    at_teardown);
}
