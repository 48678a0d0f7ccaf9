/*
 * kinds - the closed vocabulary of attachment kinds and their classes
 *
 * SYNOPSIS
 *	const struct analysis_kind *analysis_kind_find(const char *name)
 *	bool analysis_kind_is(const char *name, unsigned classes)
 *	const char *analysis_kind_label(const struct attachment *a)
 *
 * DESCRIPTION
 *	Every record's `kind` is one of the names of this table; policies
 *	ask for classes (a program, a container, a macro format) instead
 *	of repeating lists of names.  analysis_kind_label() says in plain
 *	English what a record is, as precisely as its detected type allows
 *	("a Python script", "a Java class file"), for reasons a DSL reads.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"

static const struct analysis_kind analysis_kinds[] = {
	{ "pe", "Windows program", KIND_PROGRAM },
	{ "elf", "Linux program", KIND_PROGRAM },
	{ "macho", "macOS program", KIND_PROGRAM },
	{ "msi", "Windows installer", KIND_PROGRAM },
	{ "script", "script", KIND_PROGRAM },
	{ "lnk", "Windows shortcut", KIND_PROGRAM },
	{ "iso", "disk image", KIND_PROGRAM | KIND_CONTAINER },
	{ "eicar", "EICAR test file", KIND_PROGRAM },
	{ "zip", "zip archive", KIND_CONTAINER },
	{ "7z", "7-Zip archive", KIND_CONTAINER },
	{ "rar", "RAR archive", KIND_CONTAINER },
	{ "tar", "tar archive", KIND_CONTAINER },
	{ "gzip", "compressed file", KIND_CONTAINER },
	{ "cab", "cabinet archive", KIND_CONTAINER },
	{ "archive", "archive", KIND_CONTAINER },
	{ "tnef", "Outlook winmail.dat", KIND_CONTAINER },
	{ "docx", "Word document", KIND_OFFICE },
	{ "xlsx", "Excel workbook", KIND_OFFICE },
	{ "pptx", "PowerPoint presentation", KIND_OFFICE },
	{ "docm", "Word document with macros", KIND_OFFICE | KIND_MACRO },
	{ "xlsm", "Excel workbook with macros", KIND_OFFICE | KIND_MACRO },
	{ "pptm", "PowerPoint presentation with macros",
	    KIND_OFFICE | KIND_MACRO },
	{ "doc", "Word document", KIND_OFFICE },
	{ "xls", "Excel workbook", KIND_OFFICE },
	{ "ppt", "PowerPoint presentation", KIND_OFFICE },
	{ "odt", "OpenDocument text", KIND_OFFICE },
	{ "ods", "OpenDocument spreadsheet", KIND_OFFICE },
	{ "odp", "OpenDocument presentation", KIND_OFFICE },
	{ "onenote", "OneNote notebook", KIND_OFFICE },
	{ "pdf", "PDF document", 0 },
	{ "rtf", "RTF document", KIND_TEXT },
	{ "csv", "CSV table", KIND_TEXT },
	{ "text", "text", KIND_TEXT },
	{ "html", "HTML page", KIND_TEXT },
	{ "image", "image", 0 },
	{ "smime", "S/MIME encrypted message", 0 },
	{ "pgp", "PGP encrypted message", 0 },
	{ "other", "file", 0 },
	{ NULL, NULL, 0 }
};

/* Plain names of script and program types libmagic tells apart. */
static const struct {
	const char	*mime;
	const char	*label;
} analysis_kind_types[] = {
	{ "text/x-python", "Python script" },
	{ "text/x-script.python", "Python script" },
	{ "text/x-shellscript", "shell script" },
	{ "text/x-msdos-batch", "Windows batch file" },
	{ "text/x-perl", "Perl script" },
	{ "text/x-php", "PHP script" },
	{ "text/x-ruby", "Ruby script" },
	{ "text/x-tcl", "Tcl script" },
	{ "text/x-lua", "Lua script" },
	{ "text/javascript", "JavaScript file" },
	{ "application/javascript", "JavaScript file" },
	{ "application/x-java-applet", "Java class file" },
	{ "application/java-archive", "Java archive" },
	{ "application/vnd.ms-htmlhelp", "compiled HTML help file" },
};

/* analysis_kind_find - a kind's entry, or NULL for a word that is none */
const struct analysis_kind *
analysis_kind_find(const char *name)
{
	for (size_t i = 0; name != NULL && analysis_kinds[i].name != NULL;
	    i++)
		if (strcasecmp(analysis_kinds[i].name, name) == 0)
			return &analysis_kinds[i];
	return NULL;
}

/* analysis_kind_is - is the kind in any of these classes? */
bool
analysis_kind_is(const char *name, unsigned classes)
{
	const struct analysis_kind *k = analysis_kind_find(name);

	return k != NULL && (k->classes & classes) != 0;
}

/* analysis_kind_label - what a record is, in plain English */
const char *
analysis_kind_label(const struct attachment *a)
{
	const struct analysis_kind *k = analysis_kind_find(a->kind);

	if (a->detected_type != NULL)
		for (size_t i = 0; i < sizeof(analysis_kind_types) /
		    sizeof(analysis_kind_types[0]); i++)
			if (strcasecmp(a->detected_type,
			    analysis_kind_types[i].mime) == 0)
				return analysis_kind_types[i].label;
	return k != NULL ? k->label : "file";
}
