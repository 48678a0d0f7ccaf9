/*
 * test_executables - risky content is held, by content and by name
 *
 * Through engine_evaluate() with the small test school: one message per
 * case with one attachment, built here (minimal PE, ELF, Mach-O and .lnk
 * headers, the EICAR string, disguised names) or taken from the analysis
 * fixtures (macro documents, nested and encrypted archives, a disk
 * image, a zip bomb).  Each case names the verdict and a phrase the
 * reason must hold.  Benign files pass, outbound encrypted archives
 * with harmless names pass, scripts pasted into the text pass, and the
 * lists are configurable and checked when the configuration loads.
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

#include "analysis_testutil.h"
#include "engine/engine.h"
#include "policies/policy.h"
#include "testutil.h"
#include "util/xalloc.h"

#define INBOUND	"sales@supplier.example", "office@testwood.example", NULL, \
	"192.0.2.7"
#define OUTBOUND "t.one@testwood.example", "partner@college.example", \
	"t.one@testwood.example", "10.9.1.2"

static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-"
    "ANTIVIRUS-TEST-FILE!$H+H*";

/* pe_bytes - the smallest file the analysis takes for a PE program */
static unsigned char *
pe_bytes(size_t *len)
{
	unsigned char *d = xcalloc(1, 256);

	d[0] = 'M';
	d[1] = 'Z';
	d[0x3c] = 0x80;
	memcpy(d + 0x80, "PE\0\0\x64\x86", 6);
	*len = 256;
	return d;
}

/* with_attachment - a message with a text body and one attachment */
static char *
with_attachment(const void *data, size_t len, const char *name)
{
	gchar *b64 = g_base64_encode(data, len);
	char *msg = xasprintf("From: <x@example.org>\nTo: <y@example.org>\n"
	    "Subject: files\nMIME-Version: 1.0\nContent-Type: multipart/mixed;"
	    " boundary=BB\n\n--BB\nContent-Type: text/plain\n\nSee attached."
	    "\n\n--BB\nContent-Type: application/pdf; name=\"%s\"\n"
	    "Content-Disposition: attachment; filename=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--BB--\n", name, name,
	    b64);

	g_free(b64);
	return msg;
}

/* judge - the executables report of one message under a school */
static char *
judge(const char *extra, const char *text, const char *from,
    const char *rcpt, const char *auth, const char *client,
    enum result *result)
{
	char *dir = tu_tempdir(), *path = tu_school(dir, extra), *reason;
	struct conf *cf = tu_load(path);
	struct msg *m = tu_msg(text, from, rcpt, auth, client);
	const struct policy_report *r;
	struct verdict v;

	engine_evaluate(cf, m, time(NULL), &v);
	r = tu_report(&v, "executables");
	assert_non_null(r);
	*result = r->result;
	reason = xstrdup(r->reason);
	verdict_clear(&v);
	msg_free(m);
	conf_release(cf);
	free(path);
	tu_rmdir(dir);
	return reason;
}

/* expect - judge an attachment; check the result and a reason phrase */
static void
expect(const void *data, size_t len, const char *name, bool outbound,
    enum result want, const char *phrase)
{
	char *text = with_attachment(data, len, name), *reason;
	enum result got;

	reason = outbound ? judge(NULL, text, OUTBOUND, &got) :
	    judge(NULL, text, INBOUND, &got);
	if (got != want || strstr(reason, phrase) == NULL)
		fail_msg("%s: got %s \"%s\", want %s with \"%s\"", name,
		    result_name(got), reason, result_name(want), phrase);
	free(reason);
	free(text);
}

/* expect_fixture - expect() for an analysis fixture file */
static void
expect_fixture(const char *fixture, const char *name, bool outbound,
    enum result want, const char *phrase)
{
	char *path = at_fixture(fixture);
	unsigned char *data;
	size_t len;

	if (path == NULL)
		fail_msg("fixture %s was not generated", fixture);
	data = at_read(path, &len);
	expect(data, len, name, outbound, want, phrase);
	free(data);
	free(path);
}

/* A Windows program is held in both directions, named as such or not. */
static void
test_pe_is_held_and_a_pdf_name_is_a_mismatch(void **state)
{
	size_t len;
	unsigned char *pe = pe_bytes(&len);

	(void)state;
	expect(pe, len, "setup.exe", false, RESULT_QUARANTINE,
	    "a Windows program");
	expect(pe, len, "Remittance.pdf", false, RESULT_QUARANTINE,
	    "type/extension mismatch: a Windows program named .pdf");
	expect(pe, len, "tool.exe", true, RESULT_QUARANTINE, "Windows program");
	free(pe);
}

/* ELF and Mach-O programs are held; a missing extension hides nothing. */
static void
test_elf_and_macho_are_held(void **state)
{
	static const unsigned char elf[64] = "\177ELF\2\1\1";
	static const unsigned char macho[64] = "\xcf\xfa\xed\xfe\x07";

	(void)state;
	expect(elf, sizeof(elf), "pi-backup", true, RESULT_QUARANTINE,
	    "a Linux program");
	expect(macho, sizeof(macho), "Installer", false, RESULT_QUARANTINE,
	    "a macOS program");
}

/* The names that hide a type: double extension, override character. */
static void
test_names_that_hide_the_type_are_held(void **state)
{
	static const char text[] = "just some words\n";

	(void)state;
	expect(text, sizeof(text) - 1, "report.pdf.exe", false,
	    RESULT_QUARANTINE, "double extension .pdf.exe");
	expect(text, sizeof(text) - 1, "menu_\xe2\x80\xae" "fdp.exe", false,
	    RESULT_QUARANTINE, "right-to-left override");
	expect(text, sizeof(text) - 1, "invoice.js. . .", false,
	    RESULT_QUARANTINE, "risky file type .js");
	expect(text, sizeof(text) - 1, "Notes.HTA", false, RESULT_QUARANTINE,
	    "Notes.HTA: a script");
	expect(text, sizeof(text) - 1, "Report.PDF.SCR", false,
	    RESULT_QUARANTINE, "double extension .PDF.SCR");
}

/* EICAR, shortcuts, installers and disk images are held. */
static void
test_eicar_shortcut_installer_and_image_are_held(void **state)
{
	(void)state;
	expect(eicar, sizeof(eicar) - 1, "notes.txt", false, RESULT_QUARANTINE,
	    "EICAR");
	expect_fixture("shortcut.lnk", "Scan_0042.lnk", false,
	    RESULT_QUARANTINE, "Windows shortcut");
	expect_fixture("setup.msi", "setup.msi", false, RESULT_QUARANTINE,
	    "Windows installer");
	expect_fixture("disc.iso", "delivery.iso", false, RESULT_QUARANTINE,
	    "disk image");
}

/* Macro documents are held, even renamed to the macro-free extension. */
static void
test_macro_documents_are_held(void **state)
{
	(void)state;
	expect_fixture("macro.docm", "pay.docm", false, RESULT_QUARANTINE,
	    "Office document with macros");
	expect_fixture("renamed-docm.docx", "pay.docx", false,
	    RESULT_QUARANTINE, "Office document with macros");
	expect_fixture("vba.xls", "budget.xls", true, RESULT_QUARANTINE,
	    "Office document with macros");
}

/* Inside archives at any depth; bombs and damaged archives too. */
static void
test_archives_are_judged_inside_and_limits_hold(void **state)
{
	(void)state;
	expect_fixture("eicar.zip", "files.zip", false, RESULT_QUARANTINE,
	    "e.com: the EICAR anti-virus test file (inside the zip archive "
	    "files.zip)");
	expect_fixture("tool.exe.gz", "tool.gz", false, RESULT_QUARANTINE,
	    "a Windows program (inside the compressed file tool.gz)");
	expect_fixture("bomb.zip", "logs.zip", false, RESULT_QUARANTINE,
	    "cannot be inspected");
	expect_fixture("corrupt.zip", "broken.zip", false, RESULT_QUARANTINE,
	    "cannot be inspected (corrupt: ");
}

/* Hidden names hold inbound; staff may send encrypted archives out. */
static void
test_encrypted_archives_by_direction(void **state)
{
	(void)state;
	expect_fixture("hidden.7z", "statement.7z", false, RESULT_QUARANTINE,
	    "hides its file names");
	expect_fixture("hidden.7z", "pupils.7z", true, RESULT_PASS, "");
	expect_fixture("aes.zip", "workbooks.zip", true, RESULT_PASS, "");
}

/* Ordinary attachments and broken documents pass. */
static void
test_benign_files_pass(void **state)
{
	(void)state;
	expect_fixture("plain.pdf", "agenda.pdf", false, RESULT_PASS, "");
	expect_fixture("letter.docx", "letter.docx", false, RESULT_PASS, "");
	expect_fixture("sheet.xlsx", "marks.xlsx", true, RESULT_PASS, "");
	expect_fixture("plain.zip", "photos.zip", false, RESULT_PASS, "");
	expect("%PDF-1.4 broken", 15, "broken.pdf", false, RESULT_PASS, "");
}

/* A script pasted into the message text is text, not a program. */
static void
test_script_in_the_body_passes(void **state)
{
	enum result got;
	char *reason = judge(NULL, "From: <x@example.org>\nSubject: tip\n\n"
	    "#!/bin/sh\nrm -rf /tmp/cache\necho done\n", INBOUND, &got);

	(void)state;
	assert_int_equal(got, RESULT_PASS);
	free(reason);
}

/* allowed_script_extensions lets lesson files through; lists checked. */
static void
test_lists_are_configurable_and_checked(void **state)
{
	static const char py[] = "#!/usr/bin/env python3\nprint('hi')\n";
	char *text = with_attachment(py, sizeof(py) - 1, "lesson.py");
	char *dir = tu_tempdir(), *path, *reason;
	struct errbuf eb;
	enum result got;

	(void)state;
	reason = judge("[executables]\nallowed_script_extensions = py\n", text,
	    INBOUND, &got);
	assert_int_equal(got, RESULT_PASS);
	free(reason);
	reason = judge("[executables]\nrisky_extensions = exe\n"
	    "risky_kinds = pe\n", text, INBOUND, &got);
	assert_int_equal(got, RESULT_PASS);
	free(reason);
	path = tu_school(dir, "[executables]\nrisky_extensions = .exe\n"
	    "risky_kinds = pe, program\n");
	errbuf_init(&eb);
	assert_null(conf_load(path, policy_registry, &eb));
	assert_true(strstr(errbuf_first(&eb), "not an extension") != NULL);
	errbuf_clear(&eb);
	free(path);
	free(text);
	tu_rmdir(dir);
}

/* allowed_types pass between the roles allowed_types_roles names only */
static void
test_allowed_types_by_role(void **state)
{
	static const char py[] = "#!/usr/bin/env python3\nprint('hi')\n";
	static const char conf[] = "[executables]\nallowed_types = py, class"
	    "\n";
	char *text = with_attachment(py, sizeof(py) - 1, "lesson.py");
	char *dir = tu_tempdir(), *path, *reason;
	struct errbuf eb;
	enum result got;

	(void)state;
	reason = judge(conf, text, "t.one@testwood.example",
	    "t.two@testwood.example", "t.one@testwood.example", "10.9.1.2",
	    &got);
	assert_int_equal(got, RESULT_PASS);
	free(reason);
	reason = judge(conf, text, "t.one@testwood.example",
	    "ann@pupils.testwood.example", "t.one@testwood.example",
	    "10.9.1.2", &got);
	assert_int_equal(got, RESULT_QUARANTINE);
	assert_non_null(strstr(reason, "Python script"));
	free(reason);
	reason = judge(conf, text, INBOUND, &got);
	assert_int_equal(got, RESULT_QUARANTINE);
	free(reason);
	reason = judge("[executables]\nallowed_types = py\n"
	    "allowed_types_roles = staff, pupil\n", text,
	    "t.one@testwood.example", "ann@pupils.testwood.example",
	    "t.one@testwood.example", "10.9.1.2", &got);
	assert_int_equal(got, RESULT_PASS);
	free(reason);
	path = tu_school(dir, "[executables]\nallowed_types = py\n"
	    "allowed_types_roles = staff, teachers\n");
	errbuf_init(&eb);
	assert_null(conf_load(path, policy_registry, &eb));
	assert_non_null(strstr(errbuf_first(&eb), "allowed_types_roles"));
	errbuf_clear(&eb);
	free(path);
	free(text);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pe_is_held_and_a_pdf_name_is_a_mismatch),
		cmocka_unit_test(test_allowed_types_by_role),
		cmocka_unit_test(test_elf_and_macho_are_held),
		cmocka_unit_test(test_names_that_hide_the_type_are_held),
		cmocka_unit_test(
		    test_eicar_shortcut_installer_and_image_are_held),
		cmocka_unit_test(test_macro_documents_are_held),
		cmocka_unit_test(
		    test_archives_are_judged_inside_and_limits_hold),
		cmocka_unit_test(test_encrypted_archives_by_direction),
		cmocka_unit_test(test_benign_files_pass),
		cmocka_unit_test(test_script_in_the_body_passes),
		cmocka_unit_test(test_lists_are_configurable_and_checked),
	};

	return cmocka_run_group_tests(tests, at_setup, at_teardown);
}
