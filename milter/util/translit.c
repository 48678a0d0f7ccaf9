/*
 * translit - transliterate UTF-8 to ASCII for SMTP replies
 *
 * SYNOPSIS
 *	translit_ascii()
 *
 * DESCRIPTION
 *	GLib's g_str_to_ascii() knows accents and most punctuation
 *	("Zoë" -> "Zoe", "–" -> "-", "…" -> "...", "€" -> "EUR") but not
 *	the pound sign or the bullet, which British school texts use; a
 *	small table of ours runs first.  Text that is not valid UTF-8 is
 *	made valid first (g_utf8_make_valid), so a stray byte becomes '?'
 *	rather than cutting the line.  The result has only printable
 *	ASCII, tabs and line breaks: control characters become '?'.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include <glib.h>

#include "util/translit.h"
#include "util/xalloc.h"

/* What GLib leaves as '?' but a reader expects spelt out. */
static const struct {
	gunichar	 c;
	const char	*ascii;
} translit_extra[] = {
	{ 0x00a3, "GBP" },	/* pound sign */
	{ 0x2022, "*" },	/* bullet */
	{ 0x25cf, "*" },	/* black circle */
	{ 0x2713, "v" },	/* check mark */
	{ 0x2192, "->" },	/* rightwards arrow */
	{ 0x00a0, " " },	/* no-break space */
	{ 0x202f, " " },	/* narrow no-break space */
};

/* translit_table - our spelling of one character, or NULL */
static const char *
translit_table(gunichar c)
{
	for (size_t i = 0; i < G_N_ELEMENTS(translit_extra); i++)
		if (translit_extra[i].c == c)
			return translit_extra[i].ascii;
	return NULL;
}

/* translit_ascii - accents dropped, punctuation spelt out */
char *
translit_ascii(const char *utf8)
{
	gchar *valid = g_utf8_make_valid(utf8, -1), *ascii;
	GString *pre = g_string_sized_new(strlen(valid));
	char *out;

	for (const gchar *p = valid; *p != '\0'; p = g_utf8_next_char(p)) {
		const char *spelt = translit_table(g_utf8_get_char(p));

		if (spelt != NULL)
			g_string_append(pre, spelt);
		else
			g_string_append_len(pre, p, g_utf8_next_char(p) - p);
	}
	ascii = g_str_to_ascii(pre->str, "C");
	for (gchar *p = ascii; *p != '\0'; p++)
		if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' &&
		    *p != '\r')
			*p = '?';
	out = xstrdup(ascii);
	g_free(ascii);
	g_string_free(pre, TRUE);
	g_free(valid);
	return out;
}
