/*
 * hazard - active content that the kind of a document does not say
 *
 * SYNOPSIS
 *	const char *hazard_html(const unsigned char *data, size_t len)
 *	bool hazard_onenote(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	HTML smuggling: an HTML attachment whose script builds a file from
 *	data it carries (a Blob or an object URL made from base64 or
 *	character codes), or a download link to a large data: URI, delivers
 *	a program that no MIME part shows.  hazard_html() returns the
 *	description for the record's `hazard`, or NULL.
 *
 *	OneNote: a .one notebook [MS-ONESTORE] starts with its file format
 *	GUID; files embedded in it (the 2023 phishing vector: a .hta or
 *	.bat behind a "double-click to view" picture) are FileDataStoreObject
 *	structures, each a GUID, a 64-bit length and the bytes.  Each
 *	becomes a record "<notebook>/embedded-N" judged by its content, and
 *	a notebook carrying any is marked as a hazard.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define HAZARD_HTML_MAX		(16 * 1024 * 1024)
#define HAZARD_B64_RUN		1024
#define HAZARD_ONENOTE_FILES	256

/* hazard_has - a case-insensitive substring in a lower-cased copy */
static bool
hazard_has(const char *lower, const char *needle)
{
	return strstr(lower, needle) != NULL;
}

/* hazard_b64_run - a run of at least n base64 characters? */
static bool
hazard_b64_run(const char *s, size_t n)
{
	size_t run = 0;

	for (; *s != '\0'; s++) {
		if (g_ascii_isalnum(*s) || *s == '+' || *s == '/') {
			if (++run >= n)
				return true;
		} else if (*s != '\n' && *s != '\r' && *s != '\\' &&
		    *s != '"' && *s != '\'')
			run = 0;
	}
	return false;
}

/* hazard_html - does an HTML file build a download from its own data? */
const char *
hazard_html(const unsigned char *data, size_t len)
{
	size_t n = len < HAZARD_HTML_MAX ? len : HAZARD_HTML_MAX;
	const char *what = NULL;
	bool builds, carries;
	char *s;

	if (n == 0)
		return NULL;
	s = g_ascii_strdown((const char *)data, (gssize)n);

	/* g_ascii_strdown stops at a NUL: what follows one is not HTML */
	builds = hazard_has(s, "<script") && (hazard_has(s, "blob(") ||
	    hazard_has(s, "createobjecturl") ||
	    hazard_has(s, "mssaveoropenblob") ||
	    hazard_has(s, "mssaveblob"));
	carries = hazard_has(s, "atob(") || hazard_has(s, "fromcharcode") ||
	    hazard_b64_run(s, HAZARD_B64_RUN);
	if (builds && carries)
		what = "HTML whose script builds a download from data it "
		    "carries (HTML smuggling)";
	else if (hazard_has(s, "download") && hazard_has(s, "data:") &&
	    hazard_has(s, ";base64,") && hazard_b64_run(s, HAZARD_B64_RUN))
		what = "HTML with a download link to data it carries "
		    "(HTML smuggling)";
	g_free(s);
	return what;
}

/* hazard_onenote - a OneNote notebook and its embedded files */
bool
hazard_onenote(struct actx *ctx, size_t rec, const unsigned char *d,
    size_t len)
{
	static const unsigned char one[16] = { 0xe4, 0x52, 0x5c, 0x7b, 0x8c,
	    0xd8, 0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78, 0xd0, 0x29, 0x96, 0xd3 };
	static const unsigned char file[16] = { 0xe7, 0x16, 0xe3, 0xbd, 0x65,
	    0x26, 0x11, 0x45, 0xa4, 0xc4, 0x8d, 0x4d, 0x0b, 0x7a, 0x9e, 0xac };
	const unsigned char *p = d, *end;
	struct attachment *a;
	unsigned n = 0;
	uint64_t size;
	char name[32];

	if (len < 16 || memcmp(d, one, 16) != 0)
		return false;
	end = d + len;
	a = actx_rec(ctx, rec);
	a->kind = "onenote";
	free(a->detected_type);
	a->detected_type = xstrdup("application/onenote");
	while (!ctx->failed && n < HAZARD_ONENOTE_FILES &&
	    (p = memmem(p, (size_t)(end - p), file, 16)) != NULL) {
		if ((size_t)(end - p) < 36)
			break;
		size = le64(p + 16);
		if (size > (uint64_t)(end - p) - 36) {
			actx_rec(ctx, rec)->uninspectable = "corrupt";
			break;
		}
		snprintf(name, sizeof(name), "embedded-%u", ++n);
		inspect_children(ctx, rec, name, p + 36, (size_t)size);
		p += 36 + size;
	}
	if (n > 0)
		actx_rec(ctx, rec)->hazard = "a OneNote notebook with "
		    "embedded files";
	return true;
}
