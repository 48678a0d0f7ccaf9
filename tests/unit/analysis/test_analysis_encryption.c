/*
 * test_analysis_encryption - whole-message encryption: S/MIME enveloped
 * data (with and without smime-type) and PGP (MIME, armored, binary)
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

/* smime_message - a whole message that is one pkcs7-mime part */
static struct analysis *
smime_message(const char *fixture, const char *ctype)
{
	char *p = at_fixture_or_skip(fixture);
	size_t len;
	unsigned char *der = at_read(p, &len);
	gchar *b64 = g_base64_encode(der, len);
	char *msg = xasprintf("From: a@example.org\nMIME-Version: 1.0\n"
	    "Content-Type: %s\nContent-Disposition: attachment; "
	    "filename=\"smime.p7m\"\nContent-Transfer-Encoding: base64\n\n%s\n",
	    ctype, b64);
	struct analysis *an = at_run_text(msg);

	free(msg);
	g_free(b64);
	g_free(der);
	free(p);
	return an;
}

/* smime_enveloped_data_makes_the_message_encrypted */
static void
smime_enveloped_data_makes_the_message_encrypted(void **state)
{
	struct analysis *an = smime_message("enveloped.p7m",
	    "application/pkcs7-mime; smime-type=enveloped-data; "
	    "name=\"smime.p7m\"");
	const struct attachment *a = at_find(an, "1");

	assert_true(an->message_encrypted);
	assert_string_equal(an->message_encryption, "smime");
	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_string_equal(a->kind, "smime");
	analysis_free(an);
}

/* x_pkcs7_mime_without_smime_type_is_judged_by_the_cms_oid */
static void
x_pkcs7_mime_without_smime_type_is_judged_by_the_cms_oid(void **state)
{
	struct analysis *an = smime_message("enveloped.p7m",
	    "application/x-pkcs7-mime; name=\"smime.p7m\"");

	assert_true(an->message_encrypted);
	assert_true(at_find(an, "1")->encrypted);
	analysis_free(an);
}

/* opaque_signed_data_is_not_encryption */
static void
opaque_signed_data_is_not_encryption(void **state)
{
	struct analysis *an = smime_message("signed.p7m",
	    "application/x-pkcs7-mime; name=\"smime.p7m\"");

	assert_false(an->message_encrypted);
	assert_false(at_find(an, "1")->encrypted);
	analysis_free(an);
	an = smime_message("signed.p7m",
	    "application/pkcs7-mime; smime-type=signed-data");
	assert_false(an->message_encrypted);
	analysis_free(an);
}

/* pgp_mime_multipart_encrypted_makes_the_message_encrypted */
static void
pgp_mime_multipart_encrypted_makes_the_message_encrypted(void **state)
{
	char *p = at_fixture_or_skip("message.asc");
	size_t len;
	unsigned char *armor = at_read(p, &len);
	char *msg = xasprintf("MIME-Version: 1.0\nContent-Type: "
	    "multipart/encrypted; protocol=\"application/pgp-encrypted\"; "
	    "boundary=b\n\n--b\nContent-Type: application/pgp-encrypted\n\n"
	    "Version: 1\n\n--b\nContent-Type: application/octet-stream\n\n"
	    "%s\n--b--\n", armor);
	struct analysis *an = at_run_text(msg);

	assert_true(an->message_encrypted);
	assert_string_equal(an->message_encryption, "pgp");
	assert_int_equal(an->count, 1);
	assert_string_equal(an->items[0].kind, "pgp");
	assert_true(an->items[0].encrypted);
	analysis_free(an);
	free(msg);
	g_free(armor);
	free(p);
}

/* attached_pgp_messages_are_encrypted_parts */
static void
attached_pgp_messages_are_encrypted_parts(void **state)
{
	char *asc = at_fixture_or_skip("message.asc");
	char *gpg = at_fixture_or_skip("message.gpg");
	struct analysis *an = at_run_fixture(asc, "m.asc", "text/plain", NULL);

	assert_true(at_find(an, "2")->encrypted);
	assert_string_equal(at_find(an, "2")->encryption, "pgp");
	assert_false(an->message_encrypted);
	analysis_free(an);
	an = at_run_fixture(gpg, "m.gpg", "application/octet-stream", NULL);
	assert_true(at_find(an, "2")->encrypted);
	analysis_free(an);
	free(asc);
	free(gpg);
}

/* a_pgp_block_quoted_inside_prose_is_plain_text */
static void
a_pgp_block_quoted_inside_prose_is_plain_text(void **state)
{
	struct analysis *an = at_run_text("Content-Type: text/plain\n\n"
	    "Pupil list below.\n-----BEGIN PGP MESSAGE-----\nabc\n"
	    "-----END PGP MESSAGE-----\n");

	assert_false(at_find(an, "1")->encrypted);
	assert_true(at_text_has(at_find(an, "1"), "Pupil list"));
	analysis_free(an);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    smime_enveloped_data_makes_the_message_encrypted),
		cmocka_unit_test(
		    x_pkcs7_mime_without_smime_type_is_judged_by_the_cms_oid),
		cmocka_unit_test(opaque_signed_data_is_not_encryption),
		cmocka_unit_test(
		    pgp_mime_multipart_encrypted_makes_the_message_encrypted),
		cmocka_unit_test(attached_pgp_messages_are_encrypted_parts),
		cmocka_unit_test(a_pgp_block_quoted_inside_prose_is_plain_text),
	};

	return cmocka_run_group_tests_name("analysis encryption", tests,
	    at_setup, at_teardown);
}
