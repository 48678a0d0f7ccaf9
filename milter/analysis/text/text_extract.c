/*
 * text_extract - plain text and HTML parts as UTF-8 for the detectors
 *
 * SYNOPSIS
 *	void text_extract_plain(const unsigned char *data, size_t len,
 *	    const char *charset, struct textbuf *t)
 *	void text_extract_html(const unsigned char *data, size_t len,
 *	    const char *charset, struct textbuf *t)
 *	void text_extract_cp1252(const unsigned char *data, size_t len,
 *	    struct textbuf *t)
 *	void text_extract_utf16(const unsigned char *data, size_t len,
 *	    bool big_endian, struct textbuf *t)
 *	uint32_t text_cp1252_cp(unsigned char b)
 *	bool text_is_utf8(const unsigned char *p, size_t n)
 *
 * DESCRIPTION
 *	Text is converted from its declared charset with GMime's iconv
 *	wrappers (which know the charset aliases mail uses).  Without a
 *	charset, a byte order mark decides (UTF-8, UTF-16 as Excel writes
 *	"Unicode text"), then valid UTF-8 is taken as it is and anything
 *	else is read as Windows-1252, the usual charset of unlabelled
 *	school MIS exports.  Bytes that do not convert become U+FFFD; the
 *	output stops at the text cap.  HTML is converted first (input cut
 *	at four times the cap), then reduced to text by html_text().
 *
 *	Windows-1252 and UTF-16 are decoded here, without iconv: document
 *	formats (PDF strings, RTF and Word escapes) hand over text a few
 *	bytes at a time, and opening a converter for each piece cost more
 *	than the text itself (iconv_open 800,000 times for one 6.5 MB PDF).
 *	They give what glibc's converters give, except that a lone UTF-16
 *	surrogate becomes one U+FFFD and the next unit is read as it is.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"

/* Windows-1252 0x80..0x9f (0 = undefined, shown as U+FFFD) */
static const uint16_t text_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178,
};

/* text_is_utf8 - is the whole buffer valid UTF-8? */
bool
text_is_utf8(const unsigned char *p, size_t n)
{
	size_t i = 0, k;
	uint32_t cp;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		/* a character cut by a size limit at the very end is fine */
		if ((k = utf8_decode(p + i, n - i, &cp)) == 0)
			return n - i < 4 && p[i] >= 0xc2 && p[i] <= 0xf4;
		i += k;
	}
	return true;
}

/* text_cp1252_cp - the code point of a Windows-1252 byte */
uint32_t
text_cp1252_cp(unsigned char b)
{
	if (b < 0x80 || b >= 0xa0)
		return b;
	return text_cp1252[b - 0x80] ? text_cp1252[b - 0x80] : 0xfffd;
}

/* text_extract_cp1252 - append Windows-1252 text (ASCII runs at once) */
void
text_extract_cp1252(const unsigned char *p, size_t n, struct textbuf *t)
{
	size_t i = 0, run;

	while (i < n && !textbuf_full(t)) {
		for (run = i; run < n && p[run] >= 0x01 && p[run] < 0x80; run++)
			;
		if (run > i) {
			textbuf_put(t, (const char *)p + i, run - i);
			i = run;
			continue;
		}
		textbuf_add_cp(t, p[i] ? text_cp1252_cp(p[i]) : ' ');
		i++;
	}
	if (i < n)
		t->truncated = true;
}

/* text_utf16_unit - the code unit at p */
static inline uint32_t
text_utf16_unit(const unsigned char *p, bool be)
{
	return be ? (uint32_t)p[0] << 8 | p[1] : (uint32_t)p[1] << 8 | p[0];
}

/* text_extract_utf16 - append UTF-16 text; a cut character at the end
 * is dropped, a lone surrogate is U+FFFD */
void
text_extract_utf16(const unsigned char *p, size_t n, bool be,
    struct textbuf *t)
{
	size_t i;
	uint32_t u, lo;

	for (i = 0; i + 1 < n && !textbuf_full(t); i += 2) {
		u = text_utf16_unit(p + i, be);
		if (u >= 0xd800 && u <= 0xdbff) {
			if (i + 3 >= n)
				return;		/* cut by the end */
			lo = text_utf16_unit(p + i + 2, be);
			if (lo >= 0xdc00 && lo <= 0xdfff) {
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
				i += 2;
			}
		}
		textbuf_add_cp(t, u);
	}
	if (i + 1 < n)
		t->truncated = true;
}

/* text_iconv_add - append text converted by iconv; false if unknown */
static bool
text_iconv_add(const unsigned char *p, size_t n, const char *charset,
    struct textbuf *t)
{
	iconv_t cd = g_mime_iconv_open("UTF-8", charset);
	char out[16384], *in = (char *)p, *o;
	size_t inleft = n, oleft, r;

	if (cd == (iconv_t)-1)
		return false;
	while (inleft > 0 && !textbuf_full(t)) {
		o = out;
		oleft = sizeof(out);
		r = iconv(cd, &in, &inleft, &o, &oleft);
		textbuf_add(t, out, sizeof(out) - oleft);
		if (r != (size_t)-1 || errno == E2BIG)
			continue;
		if (errno == EINVAL)
			break;		/* cut character at the end */
		textbuf_add_cp(t, 0xfffd);
		in++;
		inleft--;
	}
	if (inleft > 0 && textbuf_full(t))
		t->truncated = true;
	g_mime_iconv_close(cd);
	return true;
}

/*
 * text_utf16_guess - UTF-16 without a BOM: in the first 4 KiB, nearly
 * every other byte is NUL and the bytes beside them are printable ASCII
 * (Excel's "Unicode text" and PowerShell write it); "UTF-16LE",
 * "UTF-16BE" or NULL
 */
const char *
text_utf16_guess(const unsigned char *p, size_t n)
{
	size_t m = n < 4096 ? n & ~(size_t)1 : 4096, zero[2] = { 0, 0 },
	    text[2] = { 0, 0 };

	if (m < 16)
		return NULL;
	for (size_t i = 0; i < m; i++) {
		if (p[i] == 0)
			zero[i & 1]++;
		else if ((p[i] >= 0x20 && p[i] < 0x7f) || p[i] == '\n' ||
		    p[i] == '\r' || p[i] == '\t')
			text[i & 1]++;
	}
	if (zero[1] * 10 >= m / 2 * 9 && text[0] * 10 >= m / 2 * 9)
		return "UTF-16LE";
	if (zero[0] * 10 >= m / 2 * 9 && text[1] * 10 >= m / 2 * 9)
		return "UTF-16BE";
	return NULL;
}

/* text_extract_plain - append text in any charset as UTF-8 */
void
text_extract_plain(const unsigned char *p, size_t n, const char *charset,
    struct textbuf *t)
{
	const char *guess;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0) {
		p += 3;
		n -= 3;
		charset = "UTF-8";
	} else if (n >= 2 && p[0] == 0xff && p[1] == 0xfe)
		charset = "UTF-16LE";	/* the BOM wins over any label */
	else if (n >= 2 && p[0] == 0xfe && p[1] == 0xff)
		charset = "UTF-16BE";
	else if ((charset == NULL || strncasecmp(charset, "UTF-16", 6) != 0)
	    && (guess = text_utf16_guess(p, n)) != NULL)
		charset = guess;
	if (charset != NULL && strncasecmp(charset, "UTF-16", 6) == 0 &&
	    n >= 2 && (p[0] == 0xff || p[0] == 0xfe) &&
	    (p[1] == 0xff || p[1] == 0xfe)) {
		p += 2;
		n -= 2;
	}
	if (charset == NULL || strcasecmp(charset, "us-ascii") == 0) {
		if (text_is_utf8(p, n))
			textbuf_add(t, (const char *)p, n);
		else
			text_extract_cp1252(p, n, t);
		return;
	}
	if (strcasecmp(charset, "utf-8") == 0 ||
	    strcasecmp(charset, "utf8") == 0)
		textbuf_add(t, (const char *)p, n);
	else if (strcasecmp(charset, "windows-1252") == 0 ||
	    strcasecmp(charset, "cp1252") == 0)
		text_extract_cp1252(p, n, t);
	else if (strcasecmp(charset, "UTF-16BE") == 0 ||
	    strcasecmp(charset, "UTF-16LE") == 0)
		text_extract_utf16(p, n, charset[6] == 'B' || charset[6] == 'b',
		    t);
	else if (!text_iconv_add(p, n, charset, t))
		text_extract_cp1252(p, n, t);
}

/* text_extract_html - append the text of an HTML document */
void
text_extract_html(const unsigned char *p, size_t n, const char *charset,
    struct textbuf *t)
{
	struct textbuf u;
	size_t cap = t->max > SIZE_MAX / 4 ? SIZE_MAX / 4 : t->max * 4;

	textbuf_init(&u, cap);
	text_extract_plain(p, n, charset, &u);
	html_text(u.s ? u.s : "", u.len, t);
	if (u.truncated)
		t->truncated = true;
	textbuf_free(&u);
}
