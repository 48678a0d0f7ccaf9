/*
 * csv_text - decode a CSV export to UTF-8 and find its delimiter
 *
 * SYNOPSIS
 *	csv_text_decode(), csv_text_free()
 *
 * DESCRIPTION
 *	Encoding, in this order: a UTF-8 byte-order mark means UTF-8; a
 *	UTF-16 mark (FF FE or FE FF, Excel's "Unicode text") means UTF-16,
 *	converted with g_convert(); text that is valid UTF-8 is UTF-8;
 *	anything else is Windows-1252, the code page of a UK Windows
 *	machine, decoded by the table below (every byte maps to one
 *	character, so this never fails; the five bytes the code page
 *	leaves undefined become U+FFFD).  Latin-1 files are read
 *	correctly too, since Windows-1252 differs from it only in
 *	0x80-0x9F, which Latin-1 uses for control characters no MIS
 *	writes.
 *
 *	Delimiter: Excel's own hint, a first line "sep=;", wins (and is
 *	skipped).  Otherwise the header row decides: whichever of ',' ';'
 *	and TAB occurs most often outside quotes, ',' on a tie.  Header
 *	names never contain a separator, so the count is reliable.
 *
 * SEE ALSO
 *	csv_table(3)
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config/csv_text.h"
#include "util/xalloc.h"

/* Windows-1252 0x80-0x9F; 0 = undefined in the code page */
static const unsigned short csv_text_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

/* csv_text_from_cp1252 - every byte to its UTF-8 character */
static char *
csv_text_from_cp1252(const char *bytes, size_t len, size_t *outlen)
{
	char *out = xmalloc(len * 3 + 1), *o = out;

	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)bytes[i];
		gunichar u = c;

		if (c >= 0x80 && c < 0xa0)
			u = csv_text_cp1252[c - 0x80] ? csv_text_cp1252[c - 0x80] :
			    0xfffd;
		o += g_unichar_to_utf8(u, o);
	}
	*o = '\0';
	*outlen = (size_t)(o - out);
	return out;
}

/* csv_text_copy - the bytes as they are, NULs included, NUL-terminated */
static char *
csv_text_copy(const char *bytes, size_t len)
{
	char *out = xmalloc(len + 1);

	memcpy(out, bytes, len);
	out[len] = '\0';
	return out;
}

/* csv_text_from_utf16 - g_convert from UTF-16 (mark included) */
static char *
csv_text_from_utf16(const char *bytes, size_t len, size_t *outlen)
{
	const char *from = (unsigned char)bytes[0] == 0xff ? "UTF-16LE" :
	    "UTF-16BE";
	gsize written = 0;
	gchar *g;
	char *out;

	g = g_convert(bytes + 2, (gssize)(len - 2), "UTF-8", from, NULL,
	    &written, NULL);
	if (g == NULL)
		return NULL;
	out = xstrndup(g, written);
	*outlen = strlen(out);
	g_free(g);
	return out;
}

/* csv_text_pick_delim - the separator the header row uses most */
static char
csv_text_pick_delim(const char *s, size_t len)
{
	size_t comma = 0, semi = 0, tab = 0;
	bool quoted = false;

	for (size_t i = 0; i < len && (quoted || (s[i] != '\n' &&
	    s[i] != '\r')); i++) {
		if (s[i] == '"')
			quoted = !quoted;
		else if (!quoted)
			comma += s[i] == ',', semi += s[i] == ';',
			    tab += s[i] == '\t';
	}
	if (semi > comma && semi >= tab)
		return ';';
	if (tab > comma && tab > semi)
		return '\t';
	return ',';
}

/* csv_text_find_delim - "sep=X" first line, else the header's count */
static void
csv_text_find_delim(struct csv_text *t)
{
	const char *s = t->data;
	size_t n;

	if (t->len >= 5 && g_ascii_strncasecmp(s, "sep=", 4) == 0 &&
	    (s[4] == ',' || s[4] == ';' || s[4] == '\t' || s[4] == '|')) {
		n = 5;
		while (n < t->len && (s[n] == '\r' || s[n] == ' '))
			n++;
		if (n == t->len || s[n] == '\n') {
			t->delim = s[4];
			t->skip = n < t->len ? n + 1 : n;
			return;
		}
	}
	t->delim = csv_text_pick_delim(s, t->len);
}

/* csv_text_decode - bytes to UTF-8 text plus delimiter */
int
csv_text_decode(const char *bytes, size_t len, struct csv_text *out)
{
	const unsigned char *b = (const unsigned char *)bytes;

	memset(out, 0, sizeof(*out));
	if (len >= 2 && ((b[0] == 0xff && b[1] == 0xfe) ||
	    (b[0] == 0xfe && b[1] == 0xff))) {
		out->encoding = "UTF-16";
		if ((out->data = csv_text_from_utf16(bytes, len,
		    &out->len)) == NULL)
			return -1;
	} else if (len >= 3 && memcmp(b, "\xef\xbb\xbf", 3) == 0) {
		out->encoding = "UTF-8";
		/* Not xstrndup: a NUL must not shorten data below len. */
		out->data = csv_text_copy(bytes + 3, len - 3);
		out->len = len - 3;
	} else if (g_utf8_validate(bytes, (gssize)len, NULL)) {
		out->encoding = "UTF-8";
		out->data = csv_text_copy(bytes, len);
		out->len = len;
	} else {
		out->encoding = "Windows-1252";
		out->data = csv_text_from_cp1252(bytes, len, &out->len);
	}
	csv_text_find_delim(out);
	return 0;
}

/* csv_text_free - free the decoded text */
void
csv_text_free(struct csv_text *t)
{
	free(t->data);
	t->data = NULL;
	t->len = 0;
}
