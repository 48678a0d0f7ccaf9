/*
 * test_analysis_types - type by content: executables, scripts, EICAR,
 * and the text of CSV, HTML and RTF attachments
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

/* kind_of - kind of a fixture attached under a name and declared type */
static char *
kind_of(const char *fixture, const char *name, const char *ctype)
{
	char *p = at_fixture_or_skip(fixture);
	struct analysis *an = at_run_fixture(p, name, ctype, NULL);
	char *kind = strdup(at_find(an, "2")->kind);

	analysis_free(an);
	free(p);
	return kind;
}

/* pe_named_pdf_and_declared_pdf_is_still_a_pe */
static void
pe_named_pdf_and_declared_pdf_is_still_a_pe(void **state)
{
	char *k = kind_of("pe.exe", "Remittance.pdf", "application/pdf");

	assert_string_equal(k, "pe");
	free(k);
}

/* elf_and_lnk_are_recognised */
static void
elf_and_lnk_are_recognised(void **state)
{
	char *k = kind_of("elf.bin", "pi-backup", "application/octet-stream");

	assert_string_equal(k, "elf");
	free(k);
	k = kind_of("shortcut.lnk", "Scan.lnk", "application/octet-stream");
	assert_string_equal(k, "lnk");
	free(k);
}

/* eicar_is_flagged_whatever_its_name */
static void
eicar_is_flagged_whatever_its_name(void **state)
{
	char *p = at_fixture_or_skip("eicar.com");
	struct analysis *an = at_run_fixture(p, "notes.txt", "text/plain",
	    NULL);

	assert_true(at_find(an, "2")->is_eicar);
	assert_string_equal(at_find(an, "2")->kind, "eicar");
	assert_false(at_find(an, "1")->is_eicar);
	analysis_free(an);
	free(p);
}

/* eicar_inside_a_zip_is_flagged */
static void
eicar_inside_a_zip_is_flagged(void **state)
{
	char *p = at_fixture_or_skip("eicar.zip");
	struct analysis *an = at_run_fixture(p, "x.zip", "application/zip",
	    NULL);

	assert_true(at_find(an, "2/x.zip/e.com")->is_eicar);
	assert_false(at_find(an, "2")->is_eicar);
	analysis_free(an);
	free(p);
}

/* script_extensions_on_plain_text_are_scripts */
static void
script_extensions_on_plain_text_are_scripts(void **state)
{
	static const char js[] =
	    "var s = new ActiveXObject('WScript.Shell');\n";
	struct analysis *an = at_run_attachment(js, sizeof(js) - 1,
	    "invoice.js", "text/plain", NULL);

	assert_string_equal(at_find(an, "2")->kind, "script");
	analysis_free(an);
	an = at_run_attachment("#!/bin/sh\necho hi\n", 18, "run", "text/plain",
	    NULL);
	assert_string_equal(at_find(an, "2")->kind, "script");
	analysis_free(an);
	an = at_run_attachment(js, sizeof(js) - 1, "notes.txt", "text/plain",
	    NULL);
	assert_string_equal(at_find(an, "2")->kind, "text");
	analysis_free(an);
}

/* utf16_csv_from_excel_is_converted */
static void
utf16_csv_from_excel_is_converted(void **state)
{
	static const unsigned char csv[] = { 0xff, 0xfe, 'U', 0, 'P', 0,
	    'N', 0, ',', 0, 0xe9, 0, '\n', 0 };
	struct analysis *an = at_run_attachment(csv, sizeof(csv), "list.csv",
	    "text/csv", NULL);
	const struct attachment *a = at_find(an, "2");

	assert_string_equal(a->kind, "csv");
	assert_string_equal(a->text, "UPN,\xc3\xa9\n");
	analysis_free(an);
}

/* html_attachment_drops_scripts_and_decodes_entities */
static void
html_attachment_drops_scripts_and_decodes_entities(void **state)
{
	static const char html[] = "<html><head><style>p{}</style>"
	    "<script>alert('x')</script></head><body><p>Fish &amp; chips"
	    "&nbsp;&pound;5 &#233;&#x41;</p><table><tr><th>UPN</th><th>Name"
	    "</th></tr><tr><td><p>A1</p></td><td>Reggie</td></tr></table>"
	    "<!-- hidden --></body></html>";
	struct analysis *an = at_run_attachment(html, sizeof(html) - 1,
	    "page.html", "text/html", NULL);
	const struct attachment *a = at_find(an, "2");

	assert_string_equal(a->kind, "html");
	assert_true(at_text_has(a, "Fish & chips \xc2\xa3" "5 \xc3\xa9" "A"));
	assert_true(at_text_has(a, "UPN\tName\nA1\tReggie"));
	assert_false(at_text_has(a, "alert"));
	assert_false(at_text_has(a, "hidden"));
	assert_false(at_text_has(a, "p{}"));
	analysis_free(an);
}

/* rtf_text_keeps_paragraphs_cells_and_escapes */
static void
rtf_text_keeps_paragraphs_cells_and_escapes(void **state)
{
	static const char rtf[] = "{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}"
	    "{\\*\\generator Word;}\\pard Caf\\'e9 list\\par "
	    "UPN\\cell Name\\cell\\row \\u8364?5\\par}";
	struct analysis *an = at_run_attachment(rtf, sizeof(rtf) - 1,
	    "list.rtf", "application/rtf", NULL);
	const struct attachment *a = at_find(an, "2");

	assert_string_equal(a->kind, "rtf");
	assert_true(at_text_has(a, "Caf\xc3\xa9 list\nUPN\tName\t\n"));
	assert_true(at_text_has(a, "\xe2\x82\xac" "5"));
	assert_false(at_text_has(a, "Arial"));
	assert_false(at_text_has(a, "Word"));
	analysis_free(an);
}

/* tnef_attr - append one TNEF attribute (level, id, data, checksum) */
static void
tnef_attr(GByteArray *t, unsigned char level, uint32_t id, const void *data,
    uint32_t len)
{
	const unsigned char *p = data;
	unsigned char h[9] = { level, id & 0xff, id >> 8 & 0xff,
	    id >> 16 & 0xff, id >> 24, len & 0xff, len >> 8 & 0xff,
	    len >> 16 & 0xff, len >> 24 };
	unsigned sum = 0;
	unsigned char c[2];

	for (uint32_t i = 0; i < len; i++)
		sum += p[i];
	c[0] = sum & 0xff;
	c[1] = sum >> 8 & 0xff;
	g_byte_array_append(t, h, sizeof(h));
	g_byte_array_append(t, p, len);
	g_byte_array_append(t, c, 2);
}

/* winmail_dat_attachments_are_records_and_a_body_only_one_has_none */
static void
winmail_dat_attachments_are_records_and_a_body_only_one_has_none(
    void **state)
{
	static const unsigned char head[] = { 0x78, 0x9f, 0x3e, 0x22, 0x01,
	    0x00 };
	unsigned char pe[256] = { 'M', 'Z' }, rend[14] = { 1 };
	GByteArray *t = g_byte_array_new();
	struct analysis *an;

	pe[0x3c] = 0x80;
	memcpy(pe + 0x80, "PE\0\0\x64\x86", 6);
	g_byte_array_append(t, head, sizeof(head));
	tnef_attr(t, 1, 0x00089006, "\x01\0\0\0", 4);	/* message class */
	an = at_run_attachment(t->data, t->len, "winmail.dat",
	    "application/ms-tnef", NULL);
	assert_string_equal(at_find(an, "2")->kind, "tnef");
	assert_null(at_find(an, "2")->uninspectable);
	assert_int_equal(an->count, 2);		/* the text, winmail.dat */
	analysis_free(an);
	tnef_attr(t, 2, 0x00069002, rend, sizeof(rend));
	tnef_attr(t, 2, 0x00018010, "invoice.exe", 12);
	tnef_attr(t, 2, 0x0006800f, pe, sizeof(pe));
	an = at_run_attachment(t->data, t->len, "winmail.dat",
	    "application/ms-tnef", NULL);
	assert_string_equal(at_find(an, "2/winmail.dat/invoice.exe")->kind,
	    "pe");
	analysis_free(an);
	t->data[t->len - 3] ^= 0xff;	/* the last length runs past the end */
	g_byte_array_set_size(t, t->len - 100);
	an = at_run_attachment(t->data, t->len, "winmail.dat",
	    "application/ms-tnef", NULL);
	assert_string_equal(at_find(an, "2")->uninspectable, "corrupt");
	analysis_free(an);
	g_byte_array_free(t, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pe_named_pdf_and_declared_pdf_is_still_a_pe),
		cmocka_unit_test(elf_and_lnk_are_recognised),
		cmocka_unit_test(eicar_is_flagged_whatever_its_name),
		cmocka_unit_test(eicar_inside_a_zip_is_flagged),
		cmocka_unit_test(script_extensions_on_plain_text_are_scripts),
		cmocka_unit_test(utf16_csv_from_excel_is_converted),
		cmocka_unit_test(
		    html_attachment_drops_scripts_and_decodes_entities),
		cmocka_unit_test(rtf_text_keeps_paragraphs_cells_and_escapes),
		cmocka_unit_test(
		    winmail_dat_attachments_are_records_and_a_body_only_one_has_none),
	};

	return cmocka_run_group_tests_name("analysis types", tests, at_setup,
	    at_teardown);
}
