/*
 * test_local_records - the [sender-auth] local_records file as an
 * administrator writes it
 *
 * DESCRIPTION
 *	Good files load record for record; every bad line is reported with
 *	file:line and makes the whole file fail, so a typo can never
 *	silently drop a site's SPF override.  The last test loads the
 *	sample school's file when it is present.
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
#include <unistd.h>

#include <cmocka.h>

#include "util/errbuf.h"
#include "policies/sender_auth/local_records.h"
#include "util/xalloc.h"

/* parse - parse `text` as file "records.txt" */
static struct local_records *
parse(const char *text, struct errbuf *eb)
{
	errbuf_init(eb);
	return local_records_parse(text, strlen(text), "records.txt", eb);
}

/* has_error - is there an error that contains `needle`? */
static bool
has_error(const struct errbuf *eb, const char *needle)
{
	for (size_t i = 0; i < eb->nerrors; i++)
		if (strstr(eb->errors[i], needle) != NULL)
			return true;
	return false;
}

/* every_record_type_loads_with_comments_and_blank_lines */
static void
every_record_type_loads_with_comments_and_blank_lines(void **state)
{
	struct errbuf eb;
	struct local_records *lr = parse(
	    "# site overrides\n"
	    "\n"
	    "school.example TXT \"v=spf1 ip4:192.0.2.0/24 -all\"  # ours\n"
	    "mail.school.example A 192.0.2.25\n"
	    "mail.school.example AAAA 2001:db8::25\n"
	    "school.example MX 10 Mail.School.Example.\n", &eb);

	assert_non_null(lr);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(lr->count, 4);
	assert_string_equal(lr->items[0].name, "school.example");
	assert_int_equal(lr->items[0].type, LOCAL_RECORD_TXT);
	assert_string_equal(lr->items[0].value,
	    "v=spf1 ip4:192.0.2.0/24 -all");
	assert_int_equal(lr->items[0].line, 3);
	assert_int_equal(lr->items[1].type, LOCAL_RECORD_A);
	assert_string_equal(lr->items[1].value, "192.0.2.25");
	assert_int_equal(lr->items[2].type, LOCAL_RECORD_AAAA);
	assert_int_equal(lr->items[3].type, LOCAL_RECORD_MX);
	assert_string_equal(lr->items[3].value, "10 mail.school.example");
	assert_int_equal(lr->items[3].line, 6);
	local_records_free(lr);
	errbuf_clear(&eb);
}

/* txt_strings_are_joined_and_escapes_and_hashes_kept */
static void
txt_strings_are_joined_and_escapes_and_hashes_kept(void **state)
{
	struct errbuf eb;
	struct local_records *lr = parse(
	    "a.example txt \"v=spf1 \" \"ip4:192.0.2.1 -all\"\n"
	    "b.example TXT \"say \\\"hi\\\" # not a comment\"\n", &eb);

	assert_non_null(lr);
	assert_int_equal(lr->count, 2);
	assert_string_equal(lr->items[0].value, "v=spf1 ip4:192.0.2.1 -all");
	assert_string_equal(lr->items[1].value, "say \"hi\" # not a comment");
	local_records_free(lr);
	errbuf_clear(&eb);
}

/* names_compare_without_case_or_trailing_dot */
static void
names_compare_without_case_or_trailing_dot(void **state)
{
	struct errbuf eb;
	struct local_records *lr = parse("Gmail.COM. TXT \"v=spf1 ~all\"\n",
	    &eb);

	assert_non_null(lr);
	assert_string_equal(lr->items[0].name, "gmail.com");
	assert_true(local_records_has_name(lr, "GMAIL.com"));
	assert_true(local_records_has_name(lr, "gmail.com."));
	assert_false(local_records_has_name(lr, "mail.gmail.com"));
	assert_false(local_records_has_name(lr, "gmail.co"));
	local_records_free(lr);
	errbuf_clear(&eb);
}

/* byte_order_mark_and_crlf_line_ends_are_accepted */
static void
byte_order_mark_and_crlf_line_ends_are_accepted(void **state)
{
	struct errbuf eb;
	struct local_records *lr = parse("\xef\xbb\xbfx.example A 192.0.2.1\r\n"
	    "x.example TXT \"v=spf1 a -all\"\r\n", &eb);

	assert_non_null(lr);
	assert_int_equal(lr->count, 2);
	assert_string_equal(lr->items[0].name, "x.example");
	assert_string_equal(lr->items[1].value, "v=spf1 a -all");
	local_records_free(lr);
	errbuf_clear(&eb);
}

/* every_bad_line_is_reported_with_file_and_line */
static void
every_bad_line_is_reported_with_file_and_line(void **state)
{
	struct errbuf eb;
	struct local_records *lr = parse(
	    "ok.example TXT \"v=spf1 -all\"\n"
	    "x.example CNAME y.example\n"
	    "x.example A 300.1.2.3\n"
	    "x.example AAAA 192.0.2.1\n"
	    "x.example TXT v=spf1 -all\n"
	    "x.example TXT \"v=spf1 -all\n"
	    "x.example MX mail.example\n"
	    "x.example MX 70000 mail.example\n"
	    "bad..name A 192.0.2.1\n"
	    "lonely.example\n"
	    "x.example A 192.0.2.1 192.0.2.2\n"
	    "x.example TXT\n", &eb);

	assert_null(lr);
	assert_int_equal(eb.nerrors, 11);
	assert_true(has_error(&eb, "records.txt:2: unknown record type "
	    "\"CNAME\""));
	assert_true(has_error(&eb, "records.txt:3: \"300.1.2.3\" is not an "
	    "IPv4 address"));
	assert_true(has_error(&eb, "records.txt:4: \"192.0.2.1\" is not an "
	    "IPv6 address"));
	assert_true(has_error(&eb, "records.txt:5: TXT value must be in "
	    "double quotes"));
	assert_true(has_error(&eb, "records.txt:6: unterminated"));
	assert_true(has_error(&eb, "records.txt:7: MX value must be"));
	assert_true(has_error(&eb, "records.txt:8: MX preference \"70000\""));
	assert_true(has_error(&eb, "records.txt:9: \"bad..name\" is not a "
	    "valid host name"));
	assert_true(has_error(&eb, "records.txt:10: missing record type"));
	assert_true(has_error(&eb, "records.txt:11: A record needs exactly "
	    "one address"));
	assert_true(has_error(&eb, "records.txt:12: TXT record without a "
	    "value"));
	errbuf_clear(&eb);
}

/* a_nul_byte_is_a_bad_line */
static void
a_nul_byte_is_a_bad_line(void **state)
{
	static const char text[] = "x.example A 192.0.2.1\nx.exa\0mple A 1\n";
	struct errbuf eb;

	errbuf_init(&eb);
	assert_null(local_records_parse(text, sizeof(text) - 1, "nul.txt",
	    &eb));
	assert_true(has_error(&eb, "nul.txt:2: NUL byte"));
	errbuf_clear(&eb);
}

/* a_missing_file_is_a_configuration_error */
static void
a_missing_file_is_a_configuration_error(void **state)
{
	struct errbuf eb;

	errbuf_init(&eb);
	assert_null(local_records_load("/nonexistent/aup/records.txt", &eb));
	assert_true(has_error(&eb, "/nonexistent/aup/records.txt: cannot "
	    "open"));
	errbuf_clear(&eb);
}

/* a_file_on_disk_loads_like_memory */
static void
a_file_on_disk_loads_like_memory(void **state)
{
	char path[] = "/tmp/aup-lr-XXXXXX";
	int fd = mkstemp(path);
	static const char text[] = "gmail.com TXT \"v=spf1 ~all\"\n";
	struct local_records *lr;
	struct errbuf eb;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1),
	    (ssize_t)(sizeof(text) - 1));
	close(fd);
	errbuf_init(&eb);
	lr = local_records_load(path, &eb);
	unlink(path);
	assert_non_null(lr);
	assert_string_equal(lr->path, path);
	assert_int_equal(lr->count, 1);
	local_records_free(lr);
	errbuf_clear(&eb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    every_record_type_loads_with_comments_and_blank_lines),
		cmocka_unit_test(
		    txt_strings_are_joined_and_escapes_and_hashes_kept),
		cmocka_unit_test(names_compare_without_case_or_trailing_dot),
		cmocka_unit_test(
		    byte_order_mark_and_crlf_line_ends_are_accepted),
		cmocka_unit_test(every_bad_line_is_reported_with_file_and_line),
		cmocka_unit_test(a_nul_byte_is_a_bad_line),
		cmocka_unit_test(a_missing_file_is_a_configuration_error),
		cmocka_unit_test(a_file_on_disk_loads_like_memory),
	};

	return cmocka_run_group_tests_name("local_records", tests, NULL,
	    NULL);
}
