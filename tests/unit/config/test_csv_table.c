/*
 * test_csv_table - CSV exports from a school MIS, as an administrator
 * would produce them with a spreadsheet or an MIS report
 *
 * DESCRIPTION
 *	Each test names the behaviour an administrator would notice: what
 *	loads, what is reported, and at which file:line.  Fixtures are
 *	written by the tests into a private temporary folder.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <glib.h>

#include "config/csv_table.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

static char tmpdir[] = "/tmp/aup-csv-XXXXXX";

/* fixture_write - write a file into the test folder; returns its path */
static char *
fixture_write(const char *name, const char *data, size_t len)
{
	char *path = xasprintf("%s/%s", tmpdir, name);
	FILE *fp = fopen(path, "wb");

	assert_non_null(fp);
	assert_int_equal(fwrite(data, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
	return path;
}

/* parse - a table from text, named "t.csv" in messages */
static struct csv_table *
parse(const char *text, struct errbuf *eb)
{
	return csv_table_parse(text, strlen(text), "t.csv", eb);
}

/* has_warning - does some warning equal `want` exactly? */
static bool
has_warning(const struct errbuf *eb, const char *want)
{
	for (size_t i = 0; i < eb->nwarnings; i++)
		if (strcmp(eb->warnings[i], want) == 0)
			return true;
	return false;
}

/* has_error - does some error equal `want` exactly? */
static bool
has_error(const struct errbuf *eb, const char *want)
{
	for (size_t i = 0; i < eb->nerrors; i++)
		if (strcmp(eb->errors[i], want) == 0)
			return true;
	return false;
}

/* header_and_rows_are_read_with_their_line_numbers */
static void
header_and_rows_are_read_with_their_line_numbers(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("UPN,Forename,Surname\nA1,Ann,Lee\nB2,Bo,Ng\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(t->ncols, 3);
	assert_string_equal(t->header[1], "Forename");
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].cells[1], "Ann");
	assert_int_equal(t->rows[0].line, 2);
	assert_string_equal(t->rows[1].cells[2], "Ng");
	assert_int_equal(t->rows[1].line, 3);
	assert_string_equal(t->name, "t.csv");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* bom_and_crlf_are_tolerated */
static void
bom_and_crlf_are_tolerated(void **state)
{
	static const char data[] = "\xef\xbb\xbf" "Email,Name\r\n"
	    "a@example.org,Ann\r\nb@example.org,Bo\r\n";
	struct errbuf eb;
	struct csv_table *t;
	char *path = fixture_write("bom.csv", data, sizeof(data) - 1);

	errbuf_init(&eb);
	t = csv_table_load(path, &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_string_equal(t->header[0], "Email");
	assert_int_equal(csv_table_column(t, (const char *[]){ "email",
	    NULL }), 0);
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[1].cells[1], "Bo");
	assert_int_equal(t->rows[1].line, 3);
	csv_table_free(t);
	errbuf_clear(&eb);
	free(path);
}

/* old_mac_line_ends_count_as_lines */
static void
old_mac_line_ends_count_as_lines(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b\r1,2\r3,4\r", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->rows[1].line, 3);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* quoted_fields_keep_commas_quotes_and_line_breaks */
static void
quoted_fields_keep_commas_quotes_and_line_breaks(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("name,note\n\"Lee, Ann\",\"said \"\"hi\"\"\"\n"
	    "x,\"two\nlines\"\ny,after\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(t->nrows, 3);
	assert_string_equal(t->rows[0].cells[0], "Lee, Ann");
	assert_string_equal(t->rows[0].cells[1], "said \"hi\"");
	assert_string_equal(t->rows[1].cells[1], "two\nlines");
	assert_int_equal(t->rows[1].line, 3);
	/* The line break inside the quotes still counts as a line. */
	assert_int_equal(t->rows[2].line, 5);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* blank_lines_are_skipped_but_still_counted */
static void
blank_lines_are_skipped_but_still_counted(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("\n  \na,b\n\n1,2\n,,\n \t \n3,4", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_string_equal(t->header[0], "a");
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->rows[0].line, 5);
	assert_int_equal(t->rows[1].line, 8);
	assert_string_equal(t->rows[1].cells[1], "4");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* cells_and_headers_are_trimmed */
static void
cells_and_headers_are_trimmed(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("  Email Address ,x\n  a@b.example\t, \" padded \" \n",
	    &eb);
	assert_non_null(t);
	assert_string_equal(t->header[0], "Email Address");
	assert_string_equal(t->rows[0].cells[0], "a@b.example");
	assert_string_equal(t->rows[0].cells[1], "padded");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* row_with_unterminated_quote_reports_file_and_line */
static void
row_with_unterminated_quote_reports_file_and_line(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b\n1,2\n3,\"oops\n5,6\n7,8\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nwarnings, 1);
	assert_true(has_warning(&eb, "t.csv:3: a quoted field is never closed "
	    "(a \" with no matching \")" "; row skipped"));
	/* Only the broken row is lost; the rows after it still load. */
	assert_int_equal(t->nrows, 3);
	assert_string_equal(t->rows[1].cells[0], "5");
	assert_int_equal(t->rows[1].line, 4);
	assert_int_equal(t->rows[2].line, 5);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* stray_quote_reports_its_line_and_other_rows_load */
static void
stray_quote_reports_its_line_and_other_rows_load(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b\n1,2\nO\"Brien,4\n\"x\"y,6\n7,8\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nwarnings, 2);
	assert_true(has_warning(&eb, "t.csv:3: stray quote: a field that "
	    "contains \" must be in quotes, with each \" doubled" "; row skipped"));
	assert_true(has_warning(&eb, "t.csv:4: stray quote: a field that "
	    "contains \" must be in quotes, with each \" doubled" "; row skipped"));
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[1].cells[0], "7");
	assert_int_equal(t->rows[1].line, 5);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* windows_1252_file_is_read_as_such */
static void
windows_1252_file_is_read_as_such(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	/* "Zo\xeb" and a curly apostrophe (0x92) are Windows-1252, as
	 * Excel's plain "CSV" writes them on a UK machine. */
	t = parse("name,year\nAnn,3\nZo\xeb,4\nO\x92Neill,5\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(eb.nwarnings, 0);
	assert_string_equal(t->encoding, "Windows-1252");
	assert_int_equal(t->nrows, 3);
	assert_string_equal(t->rows[1].cells[0], "Zo\xc3\xab");
	assert_string_equal(t->rows[2].cells[0], "O\xe2\x80\x99Neill");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* nul_byte_row_is_skipped_with_a_warning */
static void
nul_byte_row_is_skipped_with_a_warning(void **state)
{
	static const char data[] = "name,year\nAnn,3\nZ\0e,4\nBo,5\n";
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = csv_table_parse(data, sizeof(data) - 1, "t.csv", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_true(has_warning(&eb, "t.csv:3: column 1 is not text (it "
	    "holds a NUL byte); row skipped"));
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->nskipped, 1);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* nul_byte_after_a_bom_skips_that_row_only */
static void
nul_byte_after_a_bom_skips_that_row_only(void **state)
{
	static const char data[] = "\xef\xbb\xbf" "name,year\nZ\0e,4\nBo,5\n";
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = csv_table_parse(data, sizeof(data) - 1, "t.csv", &eb);
	assert_non_null(t);
	assert_true(has_warning(&eb, "t.csv:2: column 1 is not text (it "
	    "holds a NUL byte); row skipped"));
	assert_int_equal(t->nrows, 1);
	assert_string_equal(t->rows[0].cells[0], "Bo");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* semicolon_and_tab_separated_files_are_detected */
static void
semicolon_and_tab_separated_files_are_detected(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("Forename;Surname;Email\nAnn;Lee;\"a@x.example; "
	    "b@x.example\"\nBo;\"Ng, Jr\";\n", &eb);
	assert_non_null(t);
	assert_int_equal(t->delim, ';');
	assert_int_equal(t->ncols, 3);
	assert_string_equal(t->rows[0].cells[2], "a@x.example; b@x.example");
	assert_string_equal(t->rows[1].cells[1], "Ng, Jr");
	csv_table_free(t);
	t = parse("UPN\tForename\tSurname\nA1\tAnn\tLee, Jr\n", &eb);
	assert_non_null(t);
	assert_int_equal(t->delim, '\t');
	assert_string_equal(t->rows[0].cells[2], "Lee, Jr");
	csv_table_free(t);
	/* Excel's own hint line names the separator and is skipped. */
	t = parse("sep=;\r\nName;Email\r\nAnn;a@x.example\r\n", &eb);
	assert_non_null(t);
	assert_int_equal(t->delim, ';');
	assert_string_equal(t->header[1], "Email");
	assert_int_equal(t->rows[0].line, 3);
	csv_table_free(t);
	assert_int_equal(eb.nerrors, 0);
	assert_int_equal(eb.nwarnings, 0);
	errbuf_clear(&eb);
}

/* utf16_export_is_converted */
static void
utf16_export_is_converted(void **state)
{
	/* "Name,Email\nZoë,z@x.example\n" as Excel's "Unicode text". */
	static const char le[] = "\xff\xfeN\0a\0m\0e\0,\0E\0m\0a\0i\0l\0"
	    "\n\0Z\0o\0\xeb\0,\0z\0@\0x\0.\0e\0x\0a\0m\0p\0l\0e\0\n\0";
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = csv_table_parse(le, sizeof(le) - 1, "t.csv", &eb);
	assert_non_null(t);
	assert_string_equal(t->encoding, "UTF-16");
	assert_string_equal(t->header[1], "Email");
	assert_string_equal(t->rows[0].cells[0], "Zo\xc3\xab");
	assert_string_equal(t->rows[0].cells[1], "z@x.example");
	csv_table_free(t);
	assert_int_equal(eb.nerrors, 0);
	errbuf_clear(&eb);
}

/* row_with_more_cells_than_the_header_is_reported */
static void
row_with_more_cells_than_the_header_is_reported(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b\n1,2\n3,4,5\n6,7,,\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nwarnings, 1);
	assert_true(has_warning(&eb, "t.csv:3: row has 3 cells but the header "
	    "has 2 columns" "; row skipped"));
	/* Trailing empty cells (a trailing comma) are harmless. */
	assert_int_equal(t->nrows, 2);
	assert_int_equal(t->rows[1].ncells, 2);
	assert_string_equal(t->rows[1].cells[1], "7");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* short_rows_read_missing_cells_as_empty */
static void
short_rows_read_missing_cells_as_empty(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b,c\n1\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nerrors, 0);
	assert_string_equal(csv_table_cell(&t->rows[0], 0), "1");
	assert_string_equal(csv_table_cell(&t->rows[0], 2), "");
	assert_string_equal(csv_table_cell(&t->rows[0], -1), "");
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* columns_are_found_ignoring_case_and_spacing */
static void
columns_are_found_ignoring_case_and_spacing(void **state)
{
	static const char *const dob[] = { "dob", "date of birth", NULL };
	static const char *const mail[] = { "email", "home email", NULL };
	static const char *const none[] = { "upn", NULL };
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("Surname,Date  Of\tBirth,EMAIL,Home Email\n", &eb);
	assert_non_null(t);
	assert_int_equal(csv_table_column(t, dob), 1);
	assert_int_equal(csv_table_column(t, mail), 2);
	assert_int_equal(csv_table_column_next(t, mail, 2), 3);
	assert_int_equal(csv_table_column_next(t, mail, 3), -1);
	assert_int_equal(csv_table_column(t, none), -1);
	assert_int_equal(t->nrows, 0);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* missing_file_is_reported_with_its_name */
static void
missing_file_is_reported_with_its_name(void **state)
{
	struct errbuf eb;
	char *path = xasprintf("%s/absent.csv", tmpdir);
	char *want = xasprintf("%s: cannot read: No such file or directory",
	    path);

	errbuf_init(&eb);
	assert_null(csv_table_load(path, &eb));
	assert_int_equal(eb.nerrors, 1);
	assert_string_equal(eb.errors[0], want);
	errbuf_clear(&eb);
	free(want);
	free(path);
}

/* empty_file_is_reported_as_having_no_header */
static void
empty_file_is_reported_as_having_no_header(void **state)
{
	struct errbuf eb;
	char *path = fixture_write("empty.csv", "\xef\xbb\xbf\r\n", 5);
	char *want = xasprintf("%s: no header row (the file is empty)", path);

	errbuf_init(&eb);
	assert_null(csv_table_load(path, &eb));
	assert_int_equal(eb.nerrors, 1);
	assert_string_equal(eb.errors[0], want);
	errbuf_clear(&eb);
	free(want);
	free(path);
}

/* broken_header_row_loads_nothing */
static void
broken_header_row_loads_nothing(void **state)
{
	struct errbuf eb;

	errbuf_init(&eb);
	assert_null(parse("a,b\"c\n1,2\n", &eb));
	assert_int_equal(eb.nerrors, 1);
	assert_true(has_error(&eb, "t.csv:1: header row: stray quote: a "
	    "field that contains \" must be in quotes, with each \" doubled"));
	errbuf_clear(&eb);
}

/* unclosed_quote_in_the_header_loads_nothing */
static void
unclosed_quote_in_the_header_loads_nothing(void **state)
{
	struct errbuf eb;

	errbuf_init(&eb);
	assert_null(parse("a,\"b\n1,2\n5,6\n", &eb));
	assert_int_equal(eb.nerrors, 1);
	assert_true(has_error(&eb, "t.csv:1: header row: a quoted field "
	    "is never closed (a \" with no matching \")"));
	errbuf_clear(&eb);
}

/* missing_closing_quote_costs_only_its_own_row */
static void
missing_closing_quote_costs_only_its_own_row(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("a,b\n1,\"oops\n2,3\n4,\"x\"y\n5,6\n", &eb);
	assert_non_null(t);
	assert_int_equal(eb.nwarnings, 2);
	assert_true(has_warning(&eb, "t.csv:2: a quoted field that starts on "
	    "this line runs on to line 4: is a closing \" missing?" "; row skipped"));
	assert_true(has_warning(&eb, "t.csv:4: stray quote: a field that "
	    "contains \" must be in quotes, with each \" doubled" "; row skipped"));
	assert_int_equal(t->nrows, 2);
	assert_string_equal(t->rows[0].cells[1], "3");
	assert_int_equal(t->rows[0].line, 3);
	assert_int_equal(t->rows[1].line, 5);
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* a_quote_on_every_line_reports_every_line */
static void
a_quote_on_every_line_reports_every_line(void **state)
{
	GString *text = g_string_new("a,b\n");
	struct errbuf eb;
	struct csv_table *t;

	for (int i = 0; i < 500; i++)
		g_string_append(text, "x,\"oops\n");
	g_string_append(text, "y,z\n");
	errbuf_init(&eb);
	t = parse(text->str, &eb);
	assert_non_null(t);
	assert_int_equal(eb.nwarnings, 500);
	assert_string_equal(eb.warnings[0], "t.csv:2: a quoted field that "
	    "starts on this line runs on to line 3: is a closing \" "
	    "missing?; row skipped");
	assert_int_equal(t->nskipped, 500);
	assert_int_equal(t->nrows, 1);
	assert_int_equal(t->rows[0].line, 502);
	csv_table_free(t);
	errbuf_clear(&eb);
	g_string_free(text, TRUE);
}

/* errors_never_quote_cell_values */
static void
errors_never_quote_cell_values(void **state)
{
	struct errbuf eb;
	struct csv_table *t;

	errbuf_init(&eb);
	t = parse("upn,name\nA123,\"Lee\nB456,Zo\xeb,x\nC789,Ng,extra\n",
	    &eb);
	assert_true(eb.nwarnings >= 1);
	for (size_t i = 0; i < eb.nwarnings; i++) {
		assert_null(strstr(eb.warnings[i], "Lee"));
		assert_null(strstr(eb.warnings[i], "B456"));
		assert_null(strstr(eb.warnings[i], "C789"));
		assert_null(strstr(eb.warnings[i], "extra"));
	}
	csv_table_free(t);
	errbuf_clear(&eb);
}

/* free_accepts_null_and_returns_null */
static void
free_accepts_null_and_returns_null(void **state)
{
	assert_null(csv_table_free(NULL));
}

/* remove_entry - nftw callback that deletes one entry */
static int
remove_entry(const char *path, const struct stat *sb, int flag,
    struct FTW *ftw)
{
	return remove(path);
}

/* setup - a private folder for fixtures */
static int
setup(void **state)
{
	return mkdtemp(tmpdir) == NULL ? -1 : 0;
}

/* teardown - remove the folder and everything in it */
static int
teardown(void **state)
{
	return nftw(tmpdir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    header_and_rows_are_read_with_their_line_numbers),
		cmocka_unit_test(bom_and_crlf_are_tolerated),
		cmocka_unit_test(nul_byte_after_a_bom_skips_that_row_only),
		cmocka_unit_test(old_mac_line_ends_count_as_lines),
		cmocka_unit_test(
		    quoted_fields_keep_commas_quotes_and_line_breaks),
		cmocka_unit_test(blank_lines_are_skipped_but_still_counted),
		cmocka_unit_test(cells_and_headers_are_trimmed),
		cmocka_unit_test(
		    row_with_unterminated_quote_reports_file_and_line),
		cmocka_unit_test(
		    stray_quote_reports_its_line_and_other_rows_load),
		cmocka_unit_test(windows_1252_file_is_read_as_such),
		cmocka_unit_test(nul_byte_row_is_skipped_with_a_warning),
		cmocka_unit_test(semicolon_and_tab_separated_files_are_detected),
		cmocka_unit_test(utf16_export_is_converted),
		cmocka_unit_test(
		    row_with_more_cells_than_the_header_is_reported),
		cmocka_unit_test(short_rows_read_missing_cells_as_empty),
		cmocka_unit_test(columns_are_found_ignoring_case_and_spacing),
		cmocka_unit_test(missing_file_is_reported_with_its_name),
		cmocka_unit_test(empty_file_is_reported_as_having_no_header),
		cmocka_unit_test(broken_header_row_loads_nothing),
		cmocka_unit_test(unclosed_quote_in_the_header_loads_nothing),
		cmocka_unit_test(missing_closing_quote_costs_only_its_own_row),
		cmocka_unit_test(a_quote_on_every_line_reports_every_line),
		cmocka_unit_test(errors_never_quote_cell_values),
		cmocka_unit_test(free_accepts_null_and_returns_null),
	};

	return cmocka_run_group_tests_name("csv_table", tests, setup,
	    teardown);
}
