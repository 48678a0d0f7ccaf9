/*
 * test_analysis_office - OOXML, ODF and OLE documents: kind, macros,
 * passwords, embedded objects and text
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

#define OCTET	"application/octet-stream"

/* run_fixture - analyse a fixture attached under its own name */
static struct analysis *
run_fixture(const char *name, const struct attachment **a)
{
	char *p = at_fixture_or_skip(name);
	struct analysis *an = at_run_fixture(p, name, OCTET, NULL);

	free(p);
	*a = at_find(an, "2");
	assert_non_null(*a);
	return an;
}

/* docx_is_typed_by_content_and_its_text_keeps_tabs_and_cells */
static void
docx_is_typed_by_content_and_its_text_keeps_tabs_and_cells(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("letter.docx", &a);

	assert_string_equal(a->kind, "docx");
	assert_false(a->has_macros);
	assert_true(a->is_archive);	/* every entry of a package is judged */
	assert_true(at_text_has(a, "Child: Noor Wright\tEHCP & review\n"));
	assert_true(at_text_has(a, "UPN\tName\n") || (a->text_len >= 9 &&
	    strcmp(a->text + a->text_len - 8, "UPN\tName") == 0));
	analysis_free(an);
}

/* docm_has_macros_and_its_own_kind */
static void
docm_has_macros_and_its_own_kind(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("macro.docm", &a);

	assert_string_equal(a->kind, "docm");
	assert_true(a->has_macros);
	assert_string_equal(a->detected_type,
	    "application/vnd.ms-word.document.macroEnabled.12");
	analysis_free(an);
}

/* docx_carrying_a_vba_project_has_macros */
static void
docx_carrying_a_vba_project_has_macros(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("renamed-docm.docx", &a);

	assert_string_equal(a->kind, "docx");
	assert_true(a->has_macros);
	analysis_free(an);
}

/* xlsx_text_has_shared_strings_dates_and_columns */
static void
xlsx_text_has_shared_strings_dates_and_columns(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("sheet.xlsx", &a);

	assert_string_equal(a->kind, "xlsx");
	assert_non_null(a->text);
	assert_true(at_text_has(a, "UPN\tName\tDOB\n"));
	assert_true(at_text_has(a, "A123456789012\tReggie\t19/07/2019\n"));
	assert_true(at_text_has(a, "inline <text>\t\t28/02/2019\t42.5\tTRUE"));
	assert_false(at_text_has(a, "X"));	/* phonetic run dropped */
	analysis_free(an);
}

/* Shape of long-sheet.xlsx (tests/fixtures/make-analysis-fixtures.py). */
#define LONG_ROWS	30000
#define LONG_VALUE	400000

/* long_sheet_check_rows - the row lines from p on; returns past them */
static const char *
long_sheet_check_rows(const char *p, const char *end)
{
	char want[64];
	int i, n;

	for (i = 0; i < LONG_ROWS; i++) {
		n = snprintf(want, sizeof(want), "Pupil%05d\t%d\tx<y & %d\n",
		    i, i * 7, i);
		assert_true(end - p >= n);
		if (memcmp(p, want, (size_t)n) != 0)
			fail_msg("row %d: want \"%s\", got \"%.*s\"", i, want,
			    n, p);
		p += n;
	}
	return p;
}

/*
 * long_sheet_is_read_whole_across_read_windows: the sheet (about 3 MB of
 * XML) is read 256 KiB at a time, so tags, CDATA, comments and a 400 KB
 * cell cross window boundaries; every row must come out exactly, and the
 * first cell's shared string is the table's last (read out of order).
 */
static void
long_sheet_is_read_whole_across_read_windows(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("long-sheet.xlsx", &a);
	const char *p, *end;
	size_t i;

	assert_string_equal(a->kind, "xlsx");
	assert_false(a->text_truncated);
	p = a->text;
	end = a->text + a->text_len;
	assert_memory_equal(p, "Last string\t", 12);
	p += 12;
	for (i = 0; i < LONG_VALUE; i++)
		if (p[i] != 'z')
			fail_msg("long cell: byte %zu is '%c'", i, p[i]);
	p += LONG_VALUE;
	assert_memory_equal(p, "END-OF-LONG\n", 12);
	p = long_sheet_check_rows(p + 12, end);
	assert_true(p < end && *p == '\n');
	analysis_free(an);
}

/* long_sheet_cut_at_max_text_is_a_prefix_of_the_whole_text */
static void
long_sheet_cut_at_max_text_is_a_prefix_of_the_whole_text(void **state)
{
	char *path = at_fixture_or_skip("long-sheet.xlsx");
	struct analysis_limits lim;
	struct analysis *whole, *cut;
	const struct attachment *w, *c;

	whole = at_run_fixture(path, "l.xlsx", OCTET, NULL);
	analysis_limits_default(&lim);
	lim.max_text = 500000;
	cut = at_run_fixture(path, "l.xlsx", OCTET, &lim);
	w = at_find(whole, "2");
	c = at_find(cut, "2");
	assert_true(c->text_truncated);
	assert_true(c->text_len > 400000 && c->text_len <= 500000);
	assert_memory_equal(c->text, w->text, c->text_len);
	assert_null(c->uninspectable);
	analysis_free(whole);
	analysis_free(cut);
	free(path);
}

/* pptx_text_comes_slide_by_slide_in_order */
static void
pptx_text_comes_slide_by_slide_in_order(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("deck.pptx", &a);

	assert_string_equal(a->kind, "pptx");
	assert_true(at_text_has(a, "Slide 1 title\nSlide 2 title"));
	analysis_free(an);
}

/* executable_embedded_in_a_docx_is_a_record_below_it */
static void
executable_embedded_in_a_docx_is_a_record_below_it(void **state)
{
	char *p = at_fixture_or_skip("embedded-exe.docx");
	struct analysis *an = at_run_fixture(p, "e.docx", OCTET, NULL);
	const struct attachment *e = at_find(an,
	    "2/e.docx/word/embeddings/oleObject1.bin");

	assert_string_equal(at_find(an, "2")->kind, "docx");
	assert_non_null(e);
	assert_string_equal(e->kind, "pe");
	assert_int_equal(e->depth, 1);
	/* the package's own parts are judged too, typed without text */
	assert_non_null(at_find(an, "2/e.docx/word/document.xml"));
	assert_string_equal(at_find(an, "2/e.docx/word/document.xml")->kind,
	    "text");
	assert_null(at_find(an, "2/e.docx/word/document.xml")->text);
	analysis_free(an);
	free(p);
}

/* without_text_a_docx_is_still_typed_and_walked - skip_text (no policy
 * reads text): the same records, the program inside found, no text */
static void
without_text_a_docx_is_still_typed_and_walked(void **state)
{
	char *p = at_fixture_or_skip("embedded-exe.docx");
	struct analysis_limits lim;
	struct analysis *with, *without;

	analysis_limits_default(&lim);
	lim.skip_text = true;
	with = at_run_fixture(p, "e.docx", OCTET, NULL);
	without = at_run_fixture(p, "e.docx", OCTET, &lim);
	assert_false(with->text_skipped);
	assert_true(without->text_skipped);
	assert_non_null(at_find(with, "2")->text);
	assert_null(at_find(without, "2")->text);
	assert_int_equal(with->count, without->count);
	for (size_t i = 0; i < with->count; i++) {
		assert_string_equal(with->items[i].path, without->items[i].path);
		assert_string_equal(with->items[i].kind, without->items[i].kind);
		assert_null(without->items[i].text);
	}
	assert_string_equal(at_find(without,
	    "2/e.docx/word/embeddings/oleObject1.bin")->kind, "pe");
	analysis_free(with);
	analysis_free(without);
	free(p);
}

/* package_parts_read_for_text_are_judged_as_when_read_again - the parts
 * the text pass read whole are not inflated by the walk (pkg_parts.c):
 * every record is the one the walk alone gives (skip_text: it reads
 * every entry itself), down to size and digest */
static void
package_parts_read_for_text_are_judged_as_when_read_again(void **state)
{
	static const char *const names[] = { "letter.docx", "sheet.xlsx",
	    "long-sheet.xlsx", "deck.pptx", "plain.odt", "embedded-exe.docx" };
	struct analysis_limits lim;

	analysis_limits_default(&lim);
	lim.skip_text = true;
	for (size_t n = 0; n < sizeof(names) / sizeof(names[0]); n++) {
		char *p = at_fixture_or_skip(names[n]);
		struct analysis *with = at_run_fixture(p, names[n], OCTET,
		    NULL);
		struct analysis *without = at_run_fixture(p, names[n], OCTET,
		    &lim);

		assert_int_equal(with->count, without->count);
		assert_true(with->count > 3);
		for (size_t i = 0; i < with->count; i++) {
			const struct attachment *a = &with->items[i];
			const struct attachment *b = &without->items[i];

			assert_string_equal(a->path, b->path);
			assert_string_equal(a->kind, b->kind);
			assert_string_equal(a->detected_type,
			    b->detected_type);
			assert_int_equal(a->size, b->size);
			assert_string_equal(a->sha256, b->sha256);
		}
		analysis_free(with);
		analysis_free(without);
		free(p);
	}
}

/* count_kind - records at path of kind */
static unsigned
count_kind(const struct analysis *an, const char *path, const char *kind)
{
	unsigned n = 0;

	for (size_t i = 0; i < an->count; i++)
		n += strcmp(an->items[i].path, path) == 0 &&
		    strcmp(an->items[i].kind, kind) == 0;
	return n;
}

/* program_named_as_a_sheet_is_read_and_typed_by_the_walk - a part read
 * for text that is not XML, and a second entry under a sheet's name, are
 * read by the walk itself and found */
static void
program_named_as_a_sheet_is_read_and_typed_by_the_walk(void **state)
{
	char *p = at_fixture_or_skip("exe-sheet.xlsx");
	struct analysis *an = at_run_fixture(p, "x.xlsx", OCTET, NULL);

	assert_int_equal(count_kind(an, "2/x.xlsx/xl/worksheets/sheet1.xml",
	    "pe"), 1);
	analysis_free(an);
	free(p);
	p = at_fixture_or_skip("dup-sheet.xlsx");
	an = at_run_fixture(p, "d.xlsx", OCTET, NULL);
	assert_int_equal(count_kind(an, "2/d.xlsx/xl/worksheets/sheet1.xml",
	    "text"), 1);
	assert_int_equal(count_kind(an, "2/d.xlsx/xl/worksheets/sheet1.xml",
	    "pe"), 1);
	analysis_free(an);
	free(p);
}

/* agile_encrypted_xlsx_is_strong_and_keeps_its_kind */
static void
agile_encrypted_xlsx_is_strong_and_keeps_its_kind(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("agile.xlsx", &a);

	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_string_equal(a->encryption, "ooxml-agile");
	assert_string_equal(a->kind, "xlsx");
	assert_null(a->text);
	analysis_free(an);
}

/* standard_encrypted_ooxml_is_strong */
static void
standard_encrypted_ooxml_is_strong(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("standard.docx", &a);

	assert_true(a->encrypted);
	assert_string_equal(a->encryption, "ooxml-standard");
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_string_equal(a->kind, "docx");
	analysis_free(an);
}

/* legacy_xls_with_filepass_rc4_is_encrypted_and_weak */
static void
legacy_xls_with_filepass_rc4_is_encrypted_and_weak(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("rc4.xls", &a);

	assert_string_equal(a->kind, "xls");
	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_WEAK);
	assert_string_equal(a->encryption, "office-rc4");
	analysis_free(an);
	an = run_fixture("xor.xls", &a);
	assert_string_equal(a->encryption, "office-xor");
	analysis_free(an);
	an = run_fixture("plain.xls", &a);
	assert_string_equal(a->kind, "xls");
	assert_false(a->encrypted);
	assert_false(a->has_macros);
	analysis_free(an);
}

/* legacy_xls_cells_are_text_with_shared_strings_and_dates */
static void
legacy_xls_cells_are_text_with_shared_strings_and_dates(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("cells.xls", &a);

	assert_string_equal(a->kind, "xls");
	assert_false(a->encrypted);
	assert_true(at_text_has(a, "UPN\tName\tDOB\n\tReggie\t19/07/2019\n"
	    "42\t\t\t\tCaf\xc3\xa9\n28/02/2019"));
	analysis_free(an);
	an = run_fixture("rc4.xls", &a);
	assert_null(a->text);
	analysis_free(an);
}

/* legacy_xls_macros_are_found_in_vba_storage_and_macro_sheets */
static void
legacy_xls_macros_are_found_in_vba_storage_and_macro_sheets(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("vba.xls", &a);

	assert_true(a->has_macros);
	analysis_free(an);
	an = run_fixture("xlm-macro.xls", &a);
	assert_true(a->has_macros);
	analysis_free(an);
}

/* legacy_doc_encryption_and_macros_come_from_the_fib_and_storages */
static void
legacy_doc_encryption_and_macros_come_from_the_fib_and_storages(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("rc4.doc", &a);

	assert_string_equal(a->kind, "doc");
	assert_true(a->encrypted);
	assert_string_equal(a->encryption, "office-rc4");
	analysis_free(an);
	an = run_fixture("plain.doc", &a);
	assert_false(a->encrypted);
	assert_false(a->has_macros);
	analysis_free(an);
	an = run_fixture("macro.doc", &a);
	assert_true(a->has_macros);
	analysis_free(an);
}

/* legacy_doc_text_comes_from_the_piece_table */
static void
legacy_doc_text_comes_from_the_piece_table(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("text.doc", &a);

	assert_string_equal(a->kind, "doc");
	assert_true(at_text_has(a, "Child: Noor Wright\nUPN\tName\t"));
	assert_true(at_text_has(a, "EHCP link caf\xc3\xa9"));
	assert_false(at_text_has(a, "HYPERLINK"));
	analysis_free(an);
	an = run_fixture("rc4.doc", &a);
	assert_null(a->text);
	analysis_free(an);
}

/* legacy_ppt_encryption_comes_from_the_current_user_atom */
static void
legacy_ppt_encryption_comes_from_the_current_user_atom(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("rc4.ppt", &a);

	assert_string_equal(a->kind, "ppt");
	assert_true(a->encrypted);
	analysis_free(an);
}

/* msi_installer_is_recognised_by_its_root_class */
static void
msi_installer_is_recognised_by_its_root_class(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("setup.msi", &a);

	assert_string_equal(a->kind, "msi");
	analysis_free(an);
}

/* odt_text_and_table_cells_are_extracted */
static void
odt_text_and_table_cells_are_extracted(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("plain.odt", &a);

	assert_string_equal(a->kind, "odt");
	assert_false(a->encrypted);
	assert_true(at_text_has(a, "Pupil list\nName\tNoor Wright\n"));
	assert_true(at_text_has(a, "UPN\t\t\tDOB"));
	analysis_free(an);
	an = run_fixture("sheet.ods", &a);
	assert_string_equal(a->kind, "ods");
	analysis_free(an);
}

/* odf_encryption_comes_from_the_manifest_with_its_strength */
static void
odf_encryption_comes_from_the_manifest_with_its_strength(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("aes.odt", &a);

	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_string_equal(a->encryption, "odf");
	assert_null(a->text);
	analysis_free(an);
	an = run_fixture("blowfish.odt", &a);
	assert_true(a->encrypted);
	assert_int_equal(a->strength, ENCRYPTION_WEAK);
	analysis_free(an);
}

/* odf_basic_macros_are_found */
static void
odf_basic_macros_are_found(void **state)
{
	const struct attachment *a;
	struct analysis *an = run_fixture("macro.odt", &a);

	assert_true(a->has_macros);
	analysis_free(an);
	an = run_fixture("plain.odt", &a);
	assert_false(a->has_macros);
	analysis_free(an);
}

/* document_cut_by_the_expansion_budget_is_uninspectable */
static void
document_cut_by_the_expansion_budget_is_uninspectable(void **state)
{
	char *p = at_fixture_or_skip("sheet.xlsx");
	struct analysis_limits lim;
	struct analysis *an;

	analysis_limits_default(&lim);
	lim.max_expanded = 1500;
	an = at_run_fixture(p, "s.xlsx", OCTET, &lim);
	assert_string_equal(at_find(an, "2")->uninspectable, "expanded-size");
	analysis_free(an);
	analysis_limits_default(&lim);
	an = at_run_fixture(p, "s.xlsx", OCTET, &lim);
	assert_null(at_find(an, "2")->uninspectable);
	analysis_free(an);
	free(p);
}

/*
 * Regression (fuzzing, 2026-11-23): an OOXML zip whose [Content_Types].xml
 * is empty has no data buffer; scanning it was undefined behaviour (a zero
 * offset applied to NULL), caught by UBSan.  It must simply be analysed.
 */
static void
ooxml_with_empty_content_types_is_analysed(void **state)
{
	const char *top = getenv("top_srcdir");
	char *path = xasprintf("%s/tests/fuzz/corpus_analysis/"
	    "regress-ooxml-empty-content-types.eml", top ? top : ".");
	size_t len;
	unsigned char *msg = at_read(path, &len);
	struct analysis *an = at_run_bytes(msg, len, NULL);

	(void)state;
	assert_non_null(an);
	assert_true(an->count > 0);
	analysis_free(an);
	free(msg);
	free(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    docx_is_typed_by_content_and_its_text_keeps_tabs_and_cells),
		cmocka_unit_test(docm_has_macros_and_its_own_kind),
		cmocka_unit_test(docx_carrying_a_vba_project_has_macros),
		cmocka_unit_test(xlsx_text_has_shared_strings_dates_and_columns),
		cmocka_unit_test(long_sheet_is_read_whole_across_read_windows),
		cmocka_unit_test(
		    long_sheet_cut_at_max_text_is_a_prefix_of_the_whole_text),
		cmocka_unit_test(pptx_text_comes_slide_by_slide_in_order),
		cmocka_unit_test(
		    executable_embedded_in_a_docx_is_a_record_below_it),
		cmocka_unit_test(
		    without_text_a_docx_is_still_typed_and_walked),
		cmocka_unit_test(
		 package_parts_read_for_text_are_judged_as_when_read_again),
		cmocka_unit_test(
		    program_named_as_a_sheet_is_read_and_typed_by_the_walk),
		cmocka_unit_test(
		    agile_encrypted_xlsx_is_strong_and_keeps_its_kind),
		cmocka_unit_test(standard_encrypted_ooxml_is_strong),
		cmocka_unit_test(
		    legacy_xls_with_filepass_rc4_is_encrypted_and_weak),
		cmocka_unit_test(
		    legacy_xls_cells_are_text_with_shared_strings_and_dates),
		cmocka_unit_test(
		    legacy_xls_macros_are_found_in_vba_storage_and_macro_sheets),
		cmocka_unit_test(
		 legacy_doc_encryption_and_macros_come_from_the_fib_and_storages),
		cmocka_unit_test(legacy_doc_text_comes_from_the_piece_table),
		cmocka_unit_test(
		    legacy_ppt_encryption_comes_from_the_current_user_atom),
		cmocka_unit_test(msi_installer_is_recognised_by_its_root_class),
		cmocka_unit_test(odt_text_and_table_cells_are_extracted),
		cmocka_unit_test(
		    odf_encryption_comes_from_the_manifest_with_its_strength),
		cmocka_unit_test(odf_basic_macros_are_found),
		cmocka_unit_test(ooxml_with_empty_content_types_is_analysed),
		cmocka_unit_test(
		    document_cut_by_the_expansion_budget_is_uninspectable),
	};

	return cmocka_run_group_tests_name("analysis office", tests, at_setup,
	    at_teardown);
}
