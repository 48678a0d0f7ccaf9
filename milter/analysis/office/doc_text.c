/*
 * doc_text - the text of a legacy Word (.doc, Word 97-2003) document
 *
 * SYNOPSIS
 *	void doc_text(const struct ole *o, struct textbuf *t)
 *
 * DESCRIPTION
 *	The characters live in the WordDocument stream in pieces listed by
 *	the piece table (the Pcdt inside the Clx) of the table stream
 *	(1Table or 0Table, by the FIB flag fWhichTblStm) [MS-DOC 2.4.1,
 *	2.8.35, 2.9.38]: each piece is either 8-bit (Windows-1252, stored
 *	at fc / 2) or UTF-16LE.  Paragraph marks become '\n', cell marks
 *	'\t', field codes (between 0x13 and 0x14) are dropped.  Only the
 *	main document text (FIB ccpText characters) is read; streams are
 *	read with caps, and every offset is checked against them.  Only
 *	unencrypted documents get here.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "analysis/office/ole.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define DOC_STREAM_MAX	(64 * 1024 * 1024)

/* doc_stream - a whole stream (capped); NULL if missing */
static unsigned char *
doc_stream(const struct ole *o, const char *name, size_t *len)
{
	int e = ole_find(o, name);
	size_t n;
	unsigned char *b;

	if (e < 0)
		return NULL;
	n = ole_size(o, e);
	n = n < DOC_STREAM_MAX ? n : DOC_STREAM_MAX;
	n = n < o->nsect * o->ssz ? n : o->nsect * o->ssz;
	b = xmalloc(n ? n : 1);
	*len = ole_read(o, e, b, n);
	return b;
}

/* doc_char - one character of the document into text; field state */
static void
doc_char(uint32_t c, int *field, struct textbuf *t)
{
	if (c == 0x13) {
		(*field)++;
		return;
	}
	if (c == 0x14 || c == 0x15) {
		if (*field > 0 && c == 0x15)
			(*field)--;
		if (c == 0x14 && *field > 0)
			(*field)--;
		return;
	}
	if (*field > 0)
		return;
	if (c == 0x0d || c == 0x0b || c == 0x0c)
		textbuf_sep(t, '\n');
	else if (c == 0x07)
		textbuf_cell(t);
	else if (c == 0x09)
		textbuf_addc(t, '\t');
	else if (c >= 0x20)
		textbuf_add_cp(t, c);
}

/* doc_piece - the characters of one piece */
static void
doc_piece(const unsigned char *wd, size_t wlen, uint32_t fc, size_t nch,
    int *field, struct textbuf *t)
{
	size_t i, off;

	for (i = 0; i < nch && !textbuf_full(t); i++) {
		if (fc & 0x40000000) {
			off = ((fc & 0x3fffffff) >> 1) + i;
			if (off >= wlen)
				return;
			/* compressed: one Windows-1252 byte a character */
			doc_char(text_cp1252_cp(wd[off]), field, t);
		} else {
			off = fc + 2 * i;
			if (off + 2 > wlen)
				return;
			doc_char(le16(wd + off), field, t);
		}
	}
}

/* doc_pieces - walk the piece table of the Clx */
static void
doc_pieces(const unsigned char *wd, size_t wlen, const unsigned char *clx,
    size_t clen, uint32_t ccp, struct textbuf *t)
{
	size_t i = 0, n, k;
	uint32_t lcb, cp0, cp1;
	int field = 0;

	while (i < clen && clx[i] == 0x01 && i + 3 <= clen)
		i += 3 + le16(clx + i + 1);
	if (i + 5 > clen || clx[i] != 0x02)
		return;
	lcb = le32(clx + i + 1);
	i += 5;
	if (lcb < 4 || lcb > clen - i)
		return;
	n = (lcb - 4) / 12;
	for (k = 0; k < n && !textbuf_full(t); k++) {
		cp0 = le32(clx + i + 4 * k);
		cp1 = le32(clx + i + 4 * (k + 1));
		if (cp1 <= cp0 || cp0 >= ccp)
			continue;
		cp1 = cp1 < ccp ? cp1 : ccp;
		doc_piece(wd, wlen, le32(clx + i + 4 * (n + 1) + 8 * k + 2),
		    cp1 - cp0, &field, t);
	}
}

/* doc_text - the main text of a Word document */
void
doc_text(const struct ole *o, struct textbuf *t)
{
	unsigned char *wd, *tbl;
	size_t wlen, tlen, p;
	uint32_t ccp, fc, lcb;
	unsigned csw, cslw;

	if ((wd = doc_stream(o, "WordDocument", &wlen)) == NULL)
		return;
	p = 32;
	csw = wlen >= p + 2 ? le16(wd + p) : 0;
	p += 2 + 2 * csw;
	cslw = wlen >= p + 2 ? le16(wd + p) : 0;
	p += 2;
	if (wlen < 34 || wlen < p + 4 * cslw + 2 + 8 * 34 || cslw < 4) {
		free(wd);
		return;
	}
	ccp = le32(wd + p + 12);
	p += 4 * cslw + 2;
	fc = le32(wd + p + 8 * 33);
	lcb = le32(wd + p + 8 * 33 + 4);
	tbl = doc_stream(o, le16(wd + 10) & 0x0200 ? "1Table" : "0Table",
	    &tlen);
	if (tbl != NULL && fc < tlen && lcb <= tlen - fc)
		doc_pieces(wd, wlen, tbl + fc, lcb, ccp, t);
	free(tbl);
	free(wd);
}
