/*
 * pdf_content - the text one content stream shows
 *
 * SYNOPSIS
 *	void pdf_content_text(const unsigned char *d, size_t len,
 *	    struct textbuf *t)
 *
 * DESCRIPTION
 *	Strings shown by Tj, ' and " and the string elements of arrays
 *	(TJ; a kerning below -200 between two of them reads as a space)
 *	are appended to t; each positioning operator (Td, TD, Tm, T*, ET)
 *	starts a new line, so table rows come out as lines.  Bytes are
 *	read as Windows-1252 (WinAnsiEncoding), UTF-16BE with a byte
 *	order mark as Unicode; a string holding a control byte is dropped
 *	(a CID font: no readable text).  Strings are cut at
 *	PDF_SHOWN_MAX bytes.
 *
 *	Most of a page is numbers and operators that show nothing, so the
 *	scanner looks only at the first byte of each token: white space
 *	and regular tokens are stepped over by a table, a string is
 *	decoded once, straight into a batch that reaches the text buffer
 *	once per array (an array is a few hundred bytes of 3-byte strings
 *	and kerning numbers), and only dictionaries, names and nested
 *	arrays go through pdf_skip_token() and its depth limit.  The data
 *	of an inline image (BI ... ID data EI) is stepped over, so that
 *	binary bytes cannot open a string or an array; when no "EI" ends
 *	it, the data is read as tokens.  Apart from inline images the text
 *	is what a token-by-token reading with pdf_ws(), pdf_skip_token()
 *	and pdf_string() gives (tests/unit/analysis/test_pdf_content.c
 *	compares the two).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/pdf/pdf.h"

/* the longest string kept (the rest of a longer one is dropped) */
#define PDF_SHOWN_MAX	4096
/* the batch: room for several arrays' strings and one whole string */
#define PDF_BATCH	(4 * PDF_SHOWN_MAX)

/* Byte classes of the token scanner. */
enum {
	PDF_CC_REG = 0,		/* part of a regular token */
	PDF_CC_WS,		/* white space */
	PDF_CC_DELIM,		/* ( ) < > [ ] { } / % */
};

static const unsigned char pdf_cc[256] = {
	[0] = PDF_CC_WS, ['\t'] = PDF_CC_WS, ['\n'] = PDF_CC_WS,
	['\f'] = PDF_CC_WS, ['\r'] = PDF_CC_WS, [' '] = PDF_CC_WS,
	['('] = PDF_CC_DELIM, [')'] = PDF_CC_DELIM, ['<'] = PDF_CC_DELIM,
	['>'] = PDF_CC_DELIM, ['['] = PDF_CC_DELIM, [']'] = PDF_CC_DELIM,
	['{'] = PDF_CC_DELIM, ['}'] = PDF_CC_DELIM, ['/'] = PDF_CC_DELIM,
	['%'] = PDF_CC_DELIM,
};

/* Bytes of a literal string: flags of the shown byte, and the three
 * bytes that need more than a copy. */
#define PDF_SC_CTL	1	/* a control byte: the string is dropped */
#define PDF_SC_HIGH	2	/* Windows-1252 beyond ASCII */
#define PDF_SC_SPECIAL	4	/* ( ) or backslash */

#define PDF_SC_ROW(b)	((b) < 0x20 && (b) != '\t' ? PDF_SC_CTL : \
	(b) >= 0x80 ? PDF_SC_HIGH : (b) == '(' || (b) == ')' || \
	(b) == '\\' ? PDF_SC_SPECIAL : 0)
#define PDF_SC4(b)	PDF_SC_ROW(b), PDF_SC_ROW((b) + 1), \
	PDF_SC_ROW((b) + 2), PDF_SC_ROW((b) + 3)
#define PDF_SC16(b)	PDF_SC4(b), PDF_SC4((b) + 4), PDF_SC4((b) + 8), \
	PDF_SC4((b) + 12)
#define PDF_SC64(b)	PDF_SC16(b), PDF_SC16((b) + 16), \
	PDF_SC16((b) + 32), PDF_SC16((b) + 48)

static const unsigned char pdf_sc[256] = {
	PDF_SC64(0), PDF_SC64(64), PDF_SC64(128), PDF_SC64(192)
};

/* Shown ASCII text not yet in the text buffer. */
struct pdf_batch {
	struct textbuf	*t;
	size_t		 n;
	unsigned char	 buf[PDF_BATCH];
};

/* pdf_batch_flush - hand the batch to the text buffer */
static void
pdf_batch_flush(struct pdf_batch *b)
{
	if (b->n > 0)
		textbuf_put(b->t, (const char *)b->buf, b->n);
	b->n = 0;
}

/* pdf_batch_room - the next string's place, at least PDF_SHOWN_MAX */
static unsigned char *
pdf_batch_room(struct pdf_batch *b)
{
	if (b->n + PDF_SHOWN_MAX > sizeof(b->buf))
		pdf_batch_flush(b);
	return b->buf + b->n;
}

/* pdf_batch_space - a space between two words of an array */
static void
pdf_batch_space(struct pdf_batch *b)
{
	*pdf_batch_room(b) = ' ';
	b->n++;
}

/* pdf_batch_show - keep or convert the n decoded bytes at the batch's
 * end (flags: PDF_SC_CTL, PDF_SC_HIGH of its bytes) */
static void
pdf_batch_show(struct pdf_batch *b, size_t n, unsigned flags)
{
	unsigned char *s = b->buf + b->n;

	if (n >= 2 && s[0] == 0xfe && s[1] == 0xff) {
		pdf_batch_flush(b);	/* s stays where it is */
		text_extract_utf16(s + 2, n - 2, true, b->t);
	} else if (flags & PDF_SC_CTL)
		return;			/* a CID font: no readable text */
	else if (flags & PDF_SC_HIGH) {
		pdf_batch_flush(b);
		text_extract_cp1252(s, n, b->t);
	} else if (n > 0 && (b->t->truncated ||
	    b->t->len + b->n >= b->t->max)) {
		pdf_batch_flush(b);	/* the text is full: the string is */
		b->t->truncated = true;	/* dropped, the text marked cut */
	} else
		b->n += n;		/* ASCII: Windows-1252 as it is */
}

/* pdf_content_ws - past white space and comments */
static inline size_t
pdf_content_ws(const unsigned char *d, size_t len, size_t i)
{
	while (i < len) {
		if (pdf_cc[d[i]] == PDF_CC_WS)
			i++;
		else if (d[i] == '%') {
			while (i < len && d[i] != '\n' && d[i] != '\r')
				i++;
		} else
			break;
	}
	return i;
}

/* pdf_content_regular - past the regular characters from i */
static inline size_t
pdf_content_regular(const unsigned char *d, size_t len, size_t i)
{
	while (i < len && pdf_cc[d[i]] == PDF_CC_REG)
		i++;
	return i;
}

/* pdf_content_keep - show the n plain ASCII bytes decoded at the
 * batch's end, or hand them to pdf_batch_show() when they are not that
 * or the text is full */
static inline void
pdf_content_keep(struct pdf_batch *b, size_t n, unsigned flags)
{
	if (flags == 0 && n > 0 && !b->t->truncated &&
	    b->t->len + b->n < b->t->max)
		b->n += n;
	else
		pdf_batch_show(b, n, flags & (PDF_SC_CTL | PDF_SC_HIGH));
}

/*
 * pdf_plain8 - how many of the 8 bytes at p come before the first that
 * is not plain ASCII: below 0x20 (a tab too, which the byte loop then
 * takes), from 0x80, or ( ) and backslash.  Eight bytes are tested at
 * once (the lowest flagged byte of each test is exact: a borrow only
 * starts at a flagged byte), so the end of a short string costs no
 * mispredicted loop exit.  Byte by byte where words are not little
 * endian.
 */
static inline size_t
pdf_plain8(const unsigned char *p)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	const uint64_t ones = 0x0101010101010101u, high = ones * 0x80;
	uint64_t w, m, x, y, z;

	memcpy(&w, p, 8);
	x = w ^ ones * '(';
	y = w ^ ones * ')';
	z = w ^ ones * '\\';
	m = w | ((w - ones * 0x20) & ~w) | ((x - ones) & ~x) |
	    ((y - ones) & ~y) | ((z - ones) & ~z);
	m &= high;
	return m == 0 ? 8 : (size_t)__builtin_ctzll(m) >> 3;
#else
	size_t k = 0;

	while (k < 8 && pdf_sc[p[k]] == 0 && p[k] != '\t')
		k++;
	return k;
#endif
}

/* pdf_content_literal - decode the literal string at '(' into the
 * batch and show it; where the string ends.  Plain ASCII is copied 8
 * bytes at a time, the other bytes looked at one at a time. */
static inline size_t
pdf_content_literal(const struct pdf *c, size_t i, struct pdf_batch *b)
{
	const unsigned char *d = c->d;
	unsigned char *o = pdf_batch_room(b), ch;
	size_t n = 0, stop, run;
	unsigned flags = 0, k;
	int depth = 0;

	for (i++;;) {
		stop = c->len - i > PDF_SHOWN_MAX - n ?
		    i + (PDF_SHOWN_MAX - n) : c->len;
		while (i + 8 <= stop) {
			memcpy(o + n, d + i, 8);	/* room: stop */
			run = pdf_plain8(d + i);
			n += run;
			i += run;
			if (run < 8)
				break;
		}
		while (i < stop && pdf_sc[d[i]] == 0)
			o[n++] = d[i++];
		if (i >= c->len)
			break;
		ch = d[i++];
		if ((k = pdf_sc[ch]) & PDF_SC_SPECIAL) {
			if (ch == '(')
				depth++;
			else if (ch == ')' && depth-- == 0)
				break;
			else if (ch == '\\') {
				if (i < c->len && (d[i] == '\r' || d[i] == '\n')) {
					i += d[i] == '\r' && i + 1 < c->len &&
					    d[i + 1] == '\n' ? 2 : 1;
					continue;
				}
				i = pdf_string_escape(c, i, &ch);
				k = pdf_sc[ch];
			}
		}
		if (n < PDF_SHOWN_MAX) {
			o[n++] = ch;
			flags |= k;
		}
	}
	pdf_content_keep(b, n, flags & (PDF_SC_CTL | PDF_SC_HIGH));
	return i;
}

/* pdf_content_decoded - decode the string at i ('(' or '<') into the
 * batch by pdf_string_at() and show it; where the string ends */
static size_t
pdf_content_decoded(const struct pdf *c, size_t i, struct pdf_batch *b)
{
	unsigned char *o = pdf_batch_room(b);
	size_t n, k, end;
	unsigned flags = 0;

	n = pdf_string_at(c, i, o, PDF_SHOWN_MAX, &end);
	for (k = 0; k < n; k++)
		flags |= pdf_sc[o[k]];
	pdf_content_keep(b, n, flags & (PDF_SC_CTL | PDF_SC_HIGH));
	return end;
}

/* pdf_content_kerning - a number at '-' in an array: a space when it is
 * a kerning below -200 (a gap between words; only the integer digits
 * matter); where its digits end */
static inline size_t
pdf_content_kerning(const unsigned char *d, size_t len, size_t i,
    struct pdf_batch *b)
{
	unsigned v = 0;

	for (i++; i < len && d[i] >= '0' && d[i] <= '9' && v <= 200; i++)
		v = v * 10 + (unsigned)(d[i] - '0');
	if (v > 200)
		pdf_batch_space(b);
	return i;
}

/* pdf_content_is_hex - does a hex string (not a dictionary) start at i? */
static inline bool
pdf_content_is_hex(const unsigned char *d, size_t len, size_t i)
{
	return d[i] == '<' && i + 1 < len && d[i + 1] != '<';
}

/* pdf_content_array - show the strings of the array at '['; where it
 * ends (the end of the data once the text is cut at its cap) */
static size_t
pdf_content_array(const struct pdf *c, size_t i, struct pdf_batch *b)
{
	const unsigned char *d = c->d;
	size_t len = c->len;

	for (i++; i < len;) {
		if (d[i] == '(')
			i = pdf_content_literal(c, i, b);
		else if (pdf_cc[d[i]] == PDF_CC_REG) {
			if (d[i] == '-')
				i = pdf_content_kerning(d, len, i, b);
			i = pdf_content_regular(d, len, i);
			continue;
		} else if (pdf_cc[d[i]] == PDF_CC_WS || d[i] == '%') {
			i = pdf_content_ws(d, len, i);
			continue;
		} else if (d[i] == ']')
			break;
		else if (pdf_content_is_hex(d, len, i))
			i = pdf_content_decoded(c, i, b);
		else {
			i = pdf_skip_token(c, i);
			continue;
		}
		if (b->t->truncated && b->t->len >= b->t->max)
			return len;	/* nothing can change now */
	}
	pdf_batch_flush(b);
	return i < len ? i + 1 : len;
}

/* One content stream being read. */
struct pdf_scan {
	struct pdf	 c;		/* the stream's data */
	size_t		 s;		/* the last string, if not shown yet */
	bool		 image;		/* after BI, before ID */
	bool		 no_end;	/* an image data had no EI after it */
	struct pdf_batch b;
};

/* pdf_content_image - past the data of an inline image whose "ID" ends
 * at i: after the first "EI" that follows white space and ends a
 * token; 0 when there is none (and, since no later search can find
 * one then, none is searched for again: the scan stays linear) */
static size_t
pdf_content_image(struct pdf_scan *sc, size_t i)
{
	const unsigned char *d = sc->c.d, *q;
	size_t len = sc->c.len;

	while (!sc->no_end && i + 2 <= len &&
	    (q = memchr(d + i, 'E', len - i - 1)) != NULL) {
		i = (size_t)(q - d);
		if (q[1] == 'I' && i > 0 && pdf_cc[q[-1]] == PDF_CC_WS &&
		    (i + 2 == len || pdf_cc[q[2]] != PDF_CC_REG))
			return i + 2;
		i++;
	}
	sc->no_end = true;
	return 0;
}

/* pdf_content_shown - show the string at s before Tj, ' or " */
static void
pdf_content_shown(struct pdf_scan *sc)
{
	pdf_content_decoded(&sc->c, sc->s, &sc->b);
	pdf_batch_flush(&sc->b);
	sc->s = SIZE_MAX;
}

/* pdf_content_operator - what the regular token [i, e) does; where the
 * next token may start */
static size_t
pdf_content_operator(struct pdf_scan *sc, size_t i, size_t e)
{
	const unsigned char *d = sc->c.d;
	size_t next;

	if (e - i >= 2 && ((d[i] == 'T' && (d[i + 1] == 'd' ||
	    d[i + 1] == 'D' || d[i + 1] == 'm' || d[i + 1] == '*')) ||
	    (d[i] == 'E' && d[i + 1] == 'T')))
		textbuf_sep(sc->b.t, '\n');
	else if (sc->s != SIZE_MAX && ((d[i] == 'T' && e - i >= 2 &&
	    d[i + 1] == 'j') || d[i] == '\'' || d[i] == '"')) {
		if (d[i] != 'T')
			textbuf_sep(sc->b.t, '\n');
		pdf_content_shown(sc);
	} else if (e - i == 2 && d[i] == 'B' && d[i + 1] == 'I')
		sc->image = true;
	else if (e - i == 2 && d[i] == 'I' && d[i + 1] == 'D' && sc->image) {
		sc->image = false;
		if ((next = pdf_content_image(sc, e)) > 0)
			return next;
	}
	return d[i] == '\'' || d[i] == '"' ? i + 1 : e;
}

/* pdf_content_text - text operators of one content stream */
void
pdf_content_text(const unsigned char *d, size_t len, struct textbuf *t)
{
	struct pdf_scan sc;
	size_t i = 0;

	sc.c.d = d;
	sc.c.len = len;
	sc.s = SIZE_MAX;
	sc.image = sc.no_end = false;
	sc.b.t = t;
	sc.b.n = 0;
	while (i < len && !textbuf_full(t)) {
		i = pdf_content_ws(d, len, i);
		if (i >= len)
			break;
		if (d[i] == '(' || pdf_content_is_hex(d, len, i)) {
			sc.s = i;
			i = pdf_skip_token(&sc.c, i);
		} else if (d[i] == '[') {
			i = pdf_content_array(&sc.c, i, &sc.b);
			sc.s = SIZE_MAX;
		} else if (pdf_cc[d[i]] != PDF_CC_REG)
			i = pdf_skip_token(&sc.c, i);
		else
			i = pdf_content_operator(&sc, i,
			    pdf_content_regular(d, len, i));
	}
}
