/*
 * notices_mime - build the message of a notice with GMime
 *
 * SYNOPSIS
 *	notices_mime()
 *
 * DESCRIPTION
 *	GMime writes the headers (it folds them and encodes non-ASCII
 *	words by RFC 2047), picks the body's transfer encoding and turns
 *	line ends into CRLF.  Text that is not valid UTF-8 has the bad
 *	bytes replaced (U+FFFD) before it goes in; control characters in
 *	the subject become spaces, so nothing in a subject can start a
 *	header of its own.  The reference only appears in
 *	X-AUP-Notification when it is a reference code (letters and
 *	digits).
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdbool.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "store/notices_mime.h"
#include "util/xalloc.h"

/* notices_text - valid UTF-8, control characters (but \n, \t) dropped */
static char *
notices_text(const char *s, bool one_line)
{
	gchar *valid = g_utf8_make_valid(s != NULL ? s : "", -1);
	char *out = xstrdup(valid);

	for (unsigned char *p = (unsigned char *)out; *p != '\0'; p++)
		if ((*p < 0x20 && *p != '\t' && (*p != '\n' || one_line)) ||
		    *p == 0x7f)
			*p = ' ';
	g_free(valid);
	return out;
}

/* notices_ref_ok - letters and digits only */
static bool
notices_ref_ok(const char *ref)
{
	if (ref == NULL || ref[0] == '\0')
		return false;
	for (const char *p = ref; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p))
			return false;
	return true;
}

/* notices_headers - everything but the body */
static void
notices_headers(GMimeMessage *msg, const struct notice_row *r,
    const char *from, const char *school)
{
	char *name = notices_text(school != NULL ? school : "School", true);
	char *display = xasprintf("%s email filter", name);
	char *subject = notices_text(r->subject, true);
	const char *at = strrchr(from, '@');
	char *mid = xasprintf("aup-notice.%lld.%lld@%s", (long long)r->id,
	    (long long)r->created, at != NULL ? at + 1 : "localhost");
	char *label = notices_ref_ok(r->ref) ? xasprintf("%s; ref=%s",
	    r->kind, r->ref) : xstrdup(r->kind);
	GDateTime *date = g_date_time_new_from_unix_local(r->created);

	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_FROM, display, from);
	g_mime_message_add_mailbox(msg, GMIME_ADDRESS_TYPE_TO, NULL, r->to);
	g_mime_message_set_subject(msg, subject, "utf-8");
	g_mime_message_set_date(msg, date);
	g_mime_message_set_message_id(msg, mid);
	g_mime_object_set_header(GMIME_OBJECT(msg), "Auto-Submitted",
	    "auto-generated", NULL);
	g_mime_object_set_header(GMIME_OBJECT(msg), "X-AUP-Notification",
	    label, NULL);
	g_date_time_unref(date);
	free(label);
	free(mid);
	free(subject);
	free(display);
	free(name);
}

/* notices_body - the text/plain part */
static GMimeTextPart *
notices_body(const struct notice_row *r)
{
	GMimeTextPart *part = g_mime_text_part_new_with_subtype("plain");
	char *body = notices_text(r->body, false);
	size_t len = strlen(body);
	char *text = len > 0 && body[len - 1] == '\n' ? xstrdup(body) :
	    xasprintf("%s\n", body);

	g_mime_text_part_set_text(part, text);
	g_mime_text_part_set_charset(part, "utf-8");
	g_mime_part_set_content_encoding(GMIME_PART(part),
	    g_mime_part_get_best_content_encoding(GMIME_PART(part),
	    GMIME_ENCODING_CONSTRAINT_7BIT));
	free(text);
	free(body);
	return part;
}

/* notices_mime - the whole message, CRLF line ends */
char *
notices_mime(const struct notice_row *r, const char *from,
    const char *school)
{
	GMimeMessage *msg = g_mime_message_new(TRUE);
	GMimeTextPart *part = notices_body(r);
	GMimeFormatOptions *fo = g_mime_format_options_new();
	char *text, *out;

	notices_headers(msg, r, from, school);
	g_mime_message_set_mime_part(msg, GMIME_OBJECT(part));
	g_object_unref(part);
	g_mime_format_options_set_newline_format(fo, GMIME_NEWLINE_FORMAT_DOS);
	text = g_mime_object_to_string(GMIME_OBJECT(msg), fo);
	out = xstrdup(text);
	g_free(text);
	g_mime_format_options_free(fo);
	g_object_unref(msg);
	return out;
}
