/*
 * test_eml - an .eml file reaches the engine as Postfix would pass it
 *
 * `aupctl test` must judge a file exactly as the milter judges mail, so
 * the file is split like Postfix's cleanup does: header by header (the
 * value after the colon with its leading space, folds kept as "\n" and
 * the continuation), Bcc, Resent-Bcc, Return-Path and Content-Length
 * dropped, the first line that is not a header starting the body, and a
 * body with CRLF line ends.  Also: which addresses a file names in
 * To/Cc/Bcc, for default recipients.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "engine/eml.h"
#include "engine/msg.h"
#include "util/xalloc.h"

/* feed - a message model from file text */
static struct msg *
feed(const char *text)
{
	struct msg *m = msg_new("/tmp", 1 << 20);

	assert_int_equal(eml_feed(m, text, strlen(text)), 0);
	return m;
}

/* wire - the whole message as the engine sees it (new string) */
static char *
wire(const struct msg *m)
{
	GMimeStream *st = msg_stream(m), *mem = g_mime_stream_mem_new();
	GByteArray *bytes;
	char *text;

	assert_non_null(st);
	assert_true(g_mime_stream_write_to_stream(st, mem) >= 0);
	bytes = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	text = xstrndup((const char *)bytes->data, bytes->len);
	g_object_unref(st);
	g_object_unref(mem);
	return text;
}

/* body_of - the body part of the wire text (borrowed) */
static const char *
body_of(const char *text)
{
	const char *p = strstr(text, "\r\n\r\n");

	assert_non_null(p);
	return p + 4;
}

static void
header_value_keeps_its_leading_space_and_folds(void **state)
{
	struct msg *m;

	(void)state;
	m = feed("Subject: Trip to\n\tthe zoo\n  on Friday\n"
	    "To:a@example.org\n\nHello\n");
	assert_int_equal(m->nheaders, 2);
	assert_string_equal(m->headers[0].name, "Subject");
	assert_string_equal(m->headers[0].raw,
	    " Trip to\n\tthe zoo\n  on Friday");
	assert_string_equal(m->headers[0].value,
	    "Trip to\tthe zoo  on Friday");
	assert_string_equal(m->headers[1].raw, "a@example.org");
	msg_free(m);
}

static void
crlf_file_gives_the_same_headers_as_lf(void **state)
{
	struct msg *m;

	(void)state;
	m = feed("Subject: Trip\r\n to the zoo\r\nTo: a@example.org\r\n\r\n"
	    "Hello\r\n");
	assert_string_equal(m->headers[0].raw, " Trip\n to the zoo");
	assert_string_equal(m->headers[1].raw, " a@example.org");
	msg_free(m);
}

static void
bcc_return_path_and_content_length_never_reach_the_filter(void **state)
{
	struct msg *m;
	char *text;

	(void)state;
	m = feed("Return-Path: <t@testwood.example>\nFrom: t@testwood.example\n"
	    "To: a@example.org\nBCC: secret.parent@gmail.com,\n"
	    "\tother.parent@gmail.com\nResent-Bcc: x@example.net\n"
	    "Content-Length: 6\nSubject: Hi\n\nHello\n");
	assert_int_equal(m->nheaders, 3);
	assert_string_equal(m->headers[0].name, "From");
	assert_string_equal(m->headers[1].name, "To");
	assert_string_equal(m->headers[2].name, "Subject");
	text = wire(m);
	assert_null(strstr(text, "parent@gmail.com"));
	assert_null(strstr(text, "Content-Length"));
	free(text);
	msg_free(m);
}

static void
first_line_that_is_not_a_header_starts_the_body(void **state)
{
	struct msg *m;
	char *text;

	(void)state;
	m = feed("From: t@testwood.example\nDear parents,\nX-Not: a header\n");
	assert_int_equal(m->nheaders, 1);
	assert_null(msg_header(m, "X-Not", 0));
	text = wire(m);
	assert_string_equal(text, "From: t@testwood.example\r\n\r\n"
	    "Dear parents,\r\nX-Not: a header\r\n");
	free(text);
	msg_free(m);
}

static void
header_name_with_a_space_is_not_a_header(void **state)
{
	struct msg *m;
	char *text;

	(void)state;
	m = feed("From: t@testwood.example\nBad Name: value\nTo: a@b.example\n"
	    "\nbody\n");
	assert_int_equal(m->nheaders, 1);
	text = wire(m);
	assert_string_equal(body_of(text), "Bad Name: value\r\n"
	    "To: a@b.example\r\n\r\nbody\r\n");
	free(text);
	msg_free(m);
}

static void
lf_body_becomes_crlf_and_crlf_stays_crlf(void **state)
{
	struct msg *m;
	char *text;

	(void)state;
	m = feed("Subject: x\n\nline one\nline two\r\n\nend");
	text = wire(m);
	assert_string_equal(body_of(text),
	    "line one\r\nline two\r\n\r\nend");
	assert_int_equal(msg_size(m), strlen(text));
	free(text);
	msg_free(m);
}

static void
body_larger_than_a_milter_chunk_arrives_whole(void **state)
{
	GString *file = g_string_new("Subject: big\n\n");
	GString *want = g_string_new(NULL);
	struct msg *m;
	char *text;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		g_string_append_printf(file, "line %d\n", i);
		g_string_append_printf(want, "line %d\r\n", i);
	}
	m = feed(file->str);
	text = wire(m);
	assert_string_equal(body_of(text), want->str);
	free(text);
	msg_free(m);
	g_string_free(file, TRUE);
	g_string_free(want, TRUE);
}

static void
header_addresses_include_to_cc_bcc_and_group_members(void **state)
{
	static const char *const names[] = { "To", "Cc", "Bcc", NULL };
	static const char file[] =
	    "From: Teacher <t@testwood.example>\n"
	    "To: \"Scott, Rachel\" <r.scott@gmail.com>, "
	    "Year 6: a@example.org,\n\tb@example.net;\n"
	    "Cc: =?UTF-8?Q?Sin=C3=A9ad?= <sinead@outlook.com>\n"
	    "Bcc: hidden@btinternet.com\n"
	    "Subject: To: not@an.address\n\nTo: body@example.com\n";
	char **list = eml_header_addresses(file, strlen(file), names);

	(void)state;
	assert_non_null(list);
	assert_string_equal(list[0], "r.scott@gmail.com");
	assert_string_equal(list[1], "a@example.org");
	assert_string_equal(list[2], "b@example.net");
	assert_string_equal(list[3], "sinead@outlook.com");
	assert_string_equal(list[4], "hidden@btinternet.com");
	assert_null(list[5]);
	eml_addresses_free(list);
}

static void
header_addresses_of_a_file_without_them_is_an_empty_list(void **state)
{
	static const char *const names[] = { "To", "Cc", "Bcc", NULL };
	static const char file[] = "From: t@testwood.example\nTo: undisclosed-"
	    "recipients:;\n\nhi\n";
	char **list = eml_header_addresses(file, strlen(file), names);

	(void)state;
	assert_non_null(list);
	assert_null(list[0]);
	eml_addresses_free(list);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(header_value_keeps_its_leading_space_and_folds),
		cmocka_unit_test(crlf_file_gives_the_same_headers_as_lf),
		cmocka_unit_test(
		    bcc_return_path_and_content_length_never_reach_the_filter),
		cmocka_unit_test(
		    first_line_that_is_not_a_header_starts_the_body),
		cmocka_unit_test(header_name_with_a_space_is_not_a_header),
		cmocka_unit_test(lf_body_becomes_crlf_and_crlf_stays_crlf),
		cmocka_unit_test(body_larger_than_a_milter_chunk_arrives_whole),
		cmocka_unit_test(
		    header_addresses_include_to_cc_bcc_and_group_members),
		cmocka_unit_test(
		    header_addresses_of_a_file_without_them_is_an_empty_list),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("eml", tests, NULL, NULL);
}
