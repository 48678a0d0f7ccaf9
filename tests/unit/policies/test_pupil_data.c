/*
 * test_pupil_data - the pupil-data policy through the engine
 *
 * The small test school with a three-pupil roster: outbound lists are
 * refused with an explanation that names kinds and counts but never a
 * value (nor a file name holding a pupil's name); colleagues only and
 * trusted domains get a flag; inbound mail, encrypted messages and
 * encrypted attachments pass; a ZipCrypto zip passes with
 * min_encryption = any and is refused with strong; the Subject counts;
 * min_identifiers, action = off and the keywords option work.
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

#include "engine/engine.h"
#include "policies/policy.h"
#include "testutil.h"
#include "util/xalloc.h"

/* Values that must never appear in a reply, a reason or a header. */
static const char *const secrets[] = { "Noor", "Wright", "H801200001001",
    "Ava", "Allen", "Z213282605052", "14/03/2018", "2018-03-14", NULL };

/* A zip of one CSV row (Noor Wright), ZipCrypto and AES-256. */
static const char zipcrypto_b64[] =
	    "UEsDBBQACQAIAO8Dd13uSPTFRQAAAD4AAAAIABwAbGlzdC5jc3ZVVAkAA2GJA2th\n"
	    "iQNrdXgLAAEEAAAAAAQAAAAAq7wZ/i+P0l8z1NlPTmcQRUAK8drSnVhtDAUzxdTc\n"
	    "Zt8VODzoUMZvnxLhmE2GWHHxgxxm6A3gl0OSxBGdXQ5ziOlJOuYpUEsHCO5I9MVF\n"
	    "AAAAPgAAAFBLAQIeAxQACQAIAO8Dd13uSPTFRQAAAD4AAAAIABgAAAAAAAEAAACk\n"
	    "gQAAAABsaXN0LmNzdlVUBQADYYkDa3V4CwABBAAAAAAEAAAAAFBLBQYAAAAAAQAB\n"
	    "AE4AAACXAAAAAAA=\n"
    ;
static const char aes_b64[] =
	    "UEsDBDMAAQBjAO8Dd10AAAAAWgAAAD4AAAAIAAsAbGlzdC5jc3YBmQcAAgBBRQMA\n"
	    "AG86WaNgBRREaKtFv19YR/o8DlArvhG/phLf/i7+2AJgMeDsrj2GqQ6M8X5W3sLq\n"
	    "JPuW+UfmVoYNzEBuLppWd9do0UH5vKRWzBp2HDTiy8CFge7XEc9YsAQ2DVBLAQI/\n"
	    "AzMAAQBjAO8Dd10AAAAAWgAAAD4AAAAIAC8AAAAAAAAAIICkgQAAAABsaXN0LmNz\n"
	    "dgoAIAAAAAAAAQAYAAIzHPvhet0BAAAAAAAAAAAAAAAAAAAAAAGZBwACAEFFAwAA\n"
	    "UEsFBgAAAAABAAEAZQAAAIsAAAAAAA==\n"
    ;

struct fixture {
	char	*dir;
	struct conf *cf;
};

/* school - the test school with a roster and extra INI lines */
static struct fixture *
school(const char *extra)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char *ini = xasprintf("pupils = pupils.csv\n[sender-auth]\n"
	    "local_records = records.txt\n%s", extra ? extra : "");
	char *path;

	f->dir = tu_tempdir();
	path = tu_school(f->dir, ini);
	/* the inbound test's SPF check never leaves the machine */
	free(tu_write(f->dir, "records.txt",
	    "council.example TXT \"v=spf1 ?all\"\n"));
	free(tu_write(f->dir, "pupils.csv", "UPN,Legal Forename,Preferred "
	    "Forename,Legal Surname,DOB\nH801200001001,Noor,,Wright,"
	    "14/03/2018\nZ213282605052,Ava,,Allen,2015-09-30\n"
	    ",William,Billy,O'Connor,2017-06-16\n"));
	f->cf = tu_load(path);
	free(path);
	free(ini);
	return f;
}

/* school_free - release a school */
static void
school_free(struct fixture *f)
{
	conf_release(f->cf);
	tu_rmdir(f->dir);
	free(f);
}

static int
setup(void **state)
{
	*state = school("[pupil-data]\ntrusted_domains = "
	    "childrens-services.example\n");
	return 0;
}

static int
teardown(void **state)
{
	school_free(*state);
	return 0;
}

/* staff_msg - a staff member sends a message with one attachment
 * (NULL: text only) to envelope rcpts */
static struct msg *
staff_msg(const char *subject, const char *body, const char *att_name,
    const char *att_type, const char *att_b64, const char *rcpts)
{
	char *text;
	struct msg *m;

	if (att_name == NULL)
		text = xasprintf("From: Jo Smith <j.smith@testwood.example>\n"
		    "To: someone\nSubject: %s\n\n%s\n", subject, body);
	else
		text = xasprintf("From: Jo Smith <j.smith@testwood.example>\n"
		    "To: someone\nSubject: %s\nMIME-Version: 1.0\n"
		    "Content-Type: multipart/mixed; boundary=\"b1\"\n\n--b1\n"
		    "Content-Type: text/plain\n\n%s\n--b1\nContent-Type: %s; "
		    "name=\"%s\"\nContent-Disposition: attachment; "
		    "filename=\"%s\"\nContent-Transfer-Encoding: base64\n\n%s"
		    "\n--b1--\n", subject, body, att_type, att_name, att_name,
		    att_b64);
	m = tu_msg(text, "j.smith@testwood.example", rcpts,
	    "j.smith@testwood.example", "10.9.1.1");
	free(text);
	return m;
}

/* judge - evaluate and return pupil-data's result */
static enum result
judge(const struct conf *cf, struct msg *m, struct verdict *v)
{
	const struct policy_report *r;

	engine_evaluate(cf, m, time(NULL), v);
	msg_free(m);
	r = tu_report(v, "pupil-data");
	assert_non_null(r);
	return r->result;
}

/* assert_no_secrets - no pupil value in the reply, reasons or headers */
static void
assert_no_secrets(const struct verdict *v)
{
	for (const char *const *s = secrets; *s != NULL; s++) {
		for (size_t i = 0; v->reply_lines && v->reply_lines[i]; i++)
			assert_null(strstr(v->reply_lines[i], *s));
		for (size_t i = 0; i < v->nreports; i++)
			assert_true(v->reports[i].reason == NULL ||
			    strstr(v->reports[i].reason, *s) == NULL);
		for (size_t i = 0; i < v->edits.count; i++)
			assert_true(v->edits.items[i].value == NULL ||
			    strstr(v->edits.items[i].value, *s) == NULL);
	}
}

/* reply_has - does some reply line contain the text? */
static bool
reply_has(const struct verdict *v, const char *text)
{
	for (size_t i = 0; v->reply_lines && v->reply_lines[i]; i++)
		if (strstr(v->reply_lines[i], text) != NULL)
			return true;
	return false;
}

/* list_b64 - base64 of a small CSV pupil list */
static char *
list_b64(void)
{
	const char *csv = "UPN,Forename,Surname,DOB\n"
	    "H801200001001,Noor,Wright,14/03/2018\n"
	    "Z213282605052,Ava,Allen,30/09/2015\n";

	return g_base64_encode((const guchar *)csv, strlen(csv));
}

/* outbound_list_is_refused_without_values - and the file name that
 * holds a pupil's name is withheld */
static void
outbound_list_is_refused_without_values(void **state)
{
	struct fixture *f = *state;
	struct verdict v;
	char *b64 = list_b64();
	const struct policy_report *r;

	assert_int_equal(judge(f->cf, staff_msg("Trip", "List attached.",
	    "Noor Wright and Ava Allen.csv", "text/csv", b64,
	    "bookings@trips.example"), &v), RESULT_REJECT);
	assert_int_equal(v.action, ACTION_REJECT);
	assert_string_equal(v.reply_code, "550");
	assert_true(reply_has(&v, "the attached spreadsheet"));
	assert_true(reply_has(&v, "2 pupil names"));
	assert_true(reply_has(&v, "2 UPNs"));
	assert_true(reply_has(&v, "Encrypt with Password"));
	assert_true(reply_has(&v, "by phone"));
	assert_true(reply_has(&v, "https://testwood.example/aup"));
	assert_true(reply_has(&v, v.ref));
	r = tu_report(&v, "pupil-data");
	assert_non_null(strstr(r->reason, "sent outside the school: 2: "
	    "2 name, 2 upn, 2 dob"));
	assert_no_secrets(&v);
	verdict_clear(&v);
	g_free(b64);
}

/* colleagues_only_and_trusted_domains_are_flagged */
static void
colleagues_only_and_trusted_domains_are_flagged(void **state)
{
	struct fixture *f = *state;
	struct verdict v;
	char *b64 = list_b64();

	assert_int_equal(judge(f->cf, staff_msg("List", "Here.", "list.csv",
	    "text/csv", b64, "k.reid@testwood.example"), &v), RESULT_FLAG);
	assert_non_null(tu_edit_value(&v, "X-AUP-Flag"));
	assert_no_secrets(&v);
	verdict_clear(&v);
	assert_int_equal(judge(f->cf, staff_msg("Referral", "Here.",
	    "list.csv", "text/csv", b64, "k.reid@testwood.example,"
	    "mash@north.childrens-services.example"), &v), RESULT_FLAG);
	verdict_clear(&v);
	assert_int_equal(judge(f->cf, staff_msg("Referral", "Here.",
	    "list.csv", "text/csv", b64, "mash@childrens-services.example,"
	    "someone@gmail.com"), &v), RESULT_REJECT);
	verdict_clear(&v);
	g_free(b64);
}

/* subject_and_text_count - a name and a category in the Subject */
static void
subject_and_text_count(void **state)
{
	struct fixture *f = *state;
	struct verdict v;

	assert_int_equal(judge(f->cf, staff_msg("Noor Wright EHCP review",
	    "See you on Tuesday.", NULL, NULL, NULL, "ep@council.example"),
	    &v), RESULT_REJECT);
	assert_true(reply_has(&v, "the message text"));
	assert_true(reply_has(&v, "with SEN information"));
	assert_no_secrets(&v);
	verdict_clear(&v);
	assert_int_equal(judge(f->cf, staff_msg("Well done",
	    "Congratulations to Ava Allen on the poetry prize!", NULL, NULL,
	    NULL, "press@news.example"), &v), RESULT_PASS);
	verdict_clear(&v);
}

/* inbound_and_encrypted_mail_pass - not scanned / cannot be read */
static void
inbound_and_encrypted_mail_pass(void **state)
{
	struct fixture *f = *state;
	struct verdict v;
	char *b64 = list_b64();
	struct msg *m;

	m = tu_msg("From: x@council.example\nSubject: Noor Wright EHCP\n\n"
	    "Noor Wright, UPN H801200001001\n", "x@council.example",
	    "j.smith@testwood.example", NULL, "198.51.100.7");
	assert_int_equal(judge(f->cf, m, &v), RESULT_PASS);
	verdict_clear(&v);
	m = tu_msg("From: j.smith@testwood.example\nSubject: Report\n"
	    "MIME-Version: 1.0\nContent-Type: multipart/encrypted; "
	    "protocol=\"application/pgp-encrypted\"; boundary=\"e\"\n\n--e\n"
	    "Content-Type: application/pgp-encrypted\n\nVersion: 1\n--e\n"
	    "Content-Type: application/octet-stream\n\n-----BEGIN PGP "
	    "MESSAGE-----\nhQEMA5\n-----END PGP MESSAGE-----\n--e--\n",
	    "j.smith@testwood.example", "ep@council.example",
	    "j.smith@testwood.example", "10.9.1.1");
	assert_int_equal(judge(f->cf, m, &v), RESULT_PASS);
	verdict_clear(&v);
	assert_int_equal(judge(f->cf, staff_msg("List", "Password by phone.",
	    "list.zip", "application/zip", aes_b64, "ep@council.example"),
	    &v), RESULT_PASS);
	verdict_clear(&v);
	g_free(b64);
}

/* weak_encryption_is_refused_only_when_strong_is_required */
static void
weak_encryption_is_refused_only_when_strong_is_required(void **state)
{
	struct fixture *f = *state, *strong;
	struct verdict v;

	assert_int_equal(judge(f->cf, staff_msg("List", "Password by phone.",
	    "list.zip", "application/zip", zipcrypto_b64,
	    "ep@council.example"), &v), RESULT_PASS);
	verdict_clear(&v);
	strong = school("[pupil-data]\nmin_encryption = strong\n");
	assert_int_equal(judge(strong->cf, staff_msg("List",
	    "Password by phone.", "list.zip", "application/zip",
	    zipcrypto_b64, "ep@council.example"), &v), RESULT_REJECT);
	assert_true(reply_has(&v, "weak ZipCrypto"));
	verdict_clear(&v);
	assert_int_equal(judge(strong->cf, staff_msg("List",
	    "Password by phone.", "list.zip", "application/zip", aes_b64,
	    "ep@council.example"), &v), RESULT_PASS);
	verdict_clear(&v);
	school_free(strong);
}

/* settings_change_the_rule - min_identifiers, action, keywords */
static void
settings_change_the_rule(void **state)
{
	struct fixture *f;
	struct verdict v;
	struct msg *m;
	const struct policy_report *r;
	const char *two = "Noor Wright and Billy O'Connor will be late.";

	f = school("[pupil-data]\nmin_identifiers = 2\n");
	assert_int_equal(judge(f->cf, staff_msg("Trip", two, NULL, NULL,
	    NULL, "coach@travel.example"), &v), RESULT_REJECT);
	assert_true(reply_has(&v, "2 pupil names"));
	assert_no_secrets(&v);
	verdict_clear(&v);
	school_free(f);
	f = school("[pupil-data]\naction = off\n");
	m = staff_msg("Noor Wright EHCP", two, NULL, NULL, NULL,
	    "coach@travel.example");
	engine_evaluate(f->cf, m, time(NULL), &v);
	r = tu_report(&v, "pupil-data");
	assert_true(r == NULL || r->result == RESULT_PASS);
	assert_int_equal(v.action, ACTION_ACCEPT);
	verdict_clear(&v);
	msg_free(m);
	school_free(f);
}

/* keyword_files_are_read_and_checked - a custom list and a bad one */
static void
keyword_files_are_read_and_checked(void **state)
{
	char *dir = tu_tempdir(), *path;
	struct errbuf eb;
	struct conf *cf;
	struct verdict v;

	free(tu_write(dir, "trips.txt", "[trips]\nresidential trip\n"));
	path = tu_school(dir, "pupils = pupils.csv\n[pupil-data]\n"
	    "keywords = trips.txt\n");
	free(tu_write(dir, "pupils.csv", "Forename,Surname\nNoor,Wright\n"));
	cf = tu_load(path);
	assert_int_equal(judge(cf, staff_msg("Trip", "Noor Wright: "
	    "residential trip form.", NULL, NULL, NULL, "a@b.example"), &v),
	    RESULT_REJECT);
	assert_true(reply_has(&v, "with trips information"));
	verdict_clear(&v);
	conf_release(cf);
	free(tu_write(dir, "trips.txt", "[ ]\nx\n"));
	errbuf_init(&eb);
	assert_null(conf_load(path, policy_registry, &eb));
	assert_true(errbuf_has_errors(&eb));
	errbuf_clear(&eb);
	free(path);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(outbound_list_is_refused_without_values),
		cmocka_unit_test(colleagues_only_and_trusted_domains_are_flagged),
		cmocka_unit_test(subject_and_text_count),
		cmocka_unit_test(inbound_and_encrypted_mail_pass),
		cmocka_unit_test(weak_encryption_is_refused_only_when_strong_is_required),
		cmocka_unit_test(settings_change_the_rule),
		cmocka_unit_test(keyword_files_are_read_and_checked),
	};

	g_mime_init();
	return cmocka_run_group_tests(tests, setup, teardown);
}
