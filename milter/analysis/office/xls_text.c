/*
 * xls_text - the cells of a legacy Excel (BIFF8) workbook as text
 *
 * SYNOPSIS
 *	void xls_text(const unsigned char *wb, size_t n, struct textbuf *t)
 *
 * DESCRIPTION
 *	Reads the Workbook stream record by record [MS-XLS 2.4]: the shared
 *	string table (SST and its CONTINUE records, where a string cut in
 *	its characters restarts with a new width flag), the number formats
 *	(FORMAT) and cell formats (XF) to tell dates, then the cells of
 *	every sheet: LABELSST, LABEL, NUMBER, RK, MULRK, BOOLERR and the
 *	string results of formulas (STRING).  Output is the same shape as
 *	xlsx.c: cells in their columns separated by '\t' (gaps capped), a
 *	new row on a new line, a blank line between sheets, dates as
 *	DD/MM/YYYY.  Only unencrypted workbooks get here (FILEPASS stops
 *	the caller).  Every length is checked against the record and the
 *	stream; a damaged record ends the scan.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define XLS_GAP_MAX	64
#define XLS_XF_MAX	65536

/* What the globals substream tells about cells. */
struct xls {
	const unsigned char *d;
	size_t		 n;
	struct textbuf	 sst;		/* strings, NUL-separated */
	size_t		*sst_off;
	size_t		 sst_n;
	bool		*xf_date;	/* XF index -> is a date */
	size_t		 nxf;
	uint16_t	 date_fmt[256];	/* custom formats that are dates */
	size_t		 ndate_fmt;
	long		 row;		/* current row, -1 before the first */
	long		 col;		/* last column written */
};

/* xls_chars - append cch characters, 8- or 16-bit, to a text buffer */
static void
xls_chars(const unsigned char *p, size_t cch, bool wide, struct textbuf *t)
{
	size_t i;

	for (i = 0; i < cch; i++)
		textbuf_add_cp(t, wide ? le16(p + 2 * i) : p[i]);
}

/* Reader over SST + CONTINUE payloads, aware of record boundaries. */
struct xls_cont {
	const unsigned char *d;		/* whole stream */
	size_t		 n;
	size_t		 pos;		/* next byte */
	size_t		 end;		/* end of the current payload */
};

/* xls_cont_next - move to the next CONTINUE payload; false if none */
static bool
xls_cont_next(struct xls_cont *c)
{
	size_t r = c->end;

	if (r + 4 > c->n || le16(c->d + r) != 0x003c ||
	    r + 4 + le16(c->d + r + 2) > c->n)
		return false;
	c->pos = r + 4;
	c->end = c->pos + le16(c->d + r + 2);
	return true;
}

/* xls_cont_skip - skip bytes across CONTINUE boundaries */
static bool
xls_cont_skip(struct xls_cont *c, size_t k)
{
	while (k > 0) {
		size_t here = c->end - c->pos < k ? c->end - c->pos : k;

		c->pos += here;
		k -= here;
		if (k > 0 && !xls_cont_next(c))
			return false;
	}
	return true;
}

/* xls_sst_string - one XLUnicodeRichExtendedString of the SST */
static bool
xls_sst_string(struct xls *x, struct xls_cont *c)
{
	size_t cch, runs = 0, ext = 0, k;
	unsigned flags;

	if (c->pos == c->end && !xls_cont_next(c))
		return false;
	if (c->end - c->pos < 3)
		return false;
	cch = le16(c->d + c->pos);
	flags = c->d[c->pos + 2];
	c->pos += 3;
	if (flags & 0x08) {
		if (c->end - c->pos < 2)
			return false;
		runs = le16(c->d + c->pos);
		c->pos += 2;
	}
	if (flags & 0x04) {
		if (c->end - c->pos < 4)
			return false;
		ext = le32(c->d + c->pos);
		c->pos += 4;
	}
	if (x->sst_n % 256 == 0)
		x->sst_off = xreallocarray(x->sst_off, x->sst_n + 256,
		    sizeof(size_t));
	x->sst_off[x->sst_n++] = x->sst.len;
	while (cch > 0) {
		k = (c->end - c->pos) / ((flags & 1) ? 2 : 1);
		k = k < cch ? k : cch;
		xls_chars(c->d + c->pos, k, flags & 1, &x->sst);
		c->pos += k * ((flags & 1) ? 2 : 1);
		cch -= k;
		if (cch > 0 && (!xls_cont_next(c) || c->pos >= c->end))
			return false;
		if (cch > 0)
			flags = (flags & ~1u) | (c->d[c->pos++] & 1);
	}
	textbuf_addc(&x->sst, '\0');
	return xls_cont_skip(c, runs * 4 + ext);
}

/* xls_sst - the shared string table at record offset r */
static void
xls_sst(struct xls *x, size_t r, size_t len)
{
	struct xls_cont c = { x->d, x->n, r + 4 + 8, r + 4 + len };
	uint32_t unique;

	if (len < 8)
		return;
	unique = le32(x->d + r + 8);
	while (x->sst_n < unique && !textbuf_full(&x->sst) &&
	    xls_sst_string(x, &c))
		;
}

/* xls_format - a FORMAT record: remember date formats */
static void
xls_format(struct xls *x, const unsigned char *p, size_t len)
{
	struct textbuf code;
	size_t cch, i;
	bool wide, quoted = false;

	if (len < 5 || x->ndate_fmt >= 256)
		return;
	cch = le16(p + 2);
	wide = p[4] & 1;
	if (5 + cch * (wide ? 2 : 1) > len)
		return;
	textbuf_init(&code, 4 * cch + 1);
	xls_chars(p + 5, cch, wide, &code);
	for (i = 0; i < code.len; i++) {
		if (code.s[i] == '"')
			quoted = !quoted;
		else if (!quoted && strchr("dDyY", code.s[i]) != NULL) {
			x->date_fmt[x->ndate_fmt++] = (uint16_t)le16(p);
			break;
		}
	}
	textbuf_free(&code);
}

/* xls_xf - an XF record: is its number format a date? */
static void
xls_xf(struct xls *x, const unsigned char *p, size_t len)
{
	unsigned fmt;
	size_t i;

	if (len < 4 || x->nxf >= XLS_XF_MAX)
		return;
	fmt = le16(p + 2);
	x->xf_date = xreallocarray(x->xf_date, x->nxf + 1, sizeof(bool));
	x->xf_date[x->nxf] = (fmt >= 14 && fmt <= 17) || fmt == 22 ||
	    (fmt >= 45 && fmt <= 47);
	for (i = 0; i < x->ndate_fmt; i++)
		if (x->date_fmt[i] == fmt)
			x->xf_date[x->nxf] = true;
	x->nxf++;
}

/* xls_cell - move to (row, col) with newlines and tabs */
static void
xls_cell(struct xls *x, long row, long col, struct textbuf *t)
{
	long gap;

	if (row != x->row) {
		if (x->row >= 0)
			textbuf_addc(t, '\n');
		x->row = row;
		x->col = -1;
	}
	gap = x->col < 0 ? col : col - x->col;
	if (x->col >= 0 && gap < 1)
		gap = 1;
	for (gap = gap > XLS_GAP_MAX ? XLS_GAP_MAX : gap; gap > 0; gap--)
		textbuf_addc(t, '\t');
	x->col = col;
}

/* xls_number - a number, or a date when its XF says so */
static void
xls_number(const struct xls *x, unsigned xf, double v, struct textbuf *t)
{
	char out[40];
	long z, era, doe, yoe, doy, mp, d, m, y;

	if (xf >= x->nxf || !x->xf_date[xf] || v < 1 || v > 2958465) {
		snprintf(out, sizeof(out), "%.15g", v);
		textbuf_add(t, out, strlen(out));
		return;
	}
	z = (long)v - 25569 + (v < 61 ? 1 : 0) + 719468;
	era = z / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	y = yoe + era * 400 + (m <= 2);
	snprintf(out, sizeof(out), "%02d/%02d/%04d", (int)d, (int)m, (int)y);
	textbuf_add(t, out, strlen(out));
}

/* xls_rk - decode an RK number */
static double
xls_rk(uint32_t rk)
{
	double v;

	if (rk & 2)
		v = (double)((int32_t)rk >> 2);
	else {
		uint64_t bits = (uint64_t)(rk & 0xfffffffcU) << 32;

		memcpy(&v, &bits, sizeof(v));
	}
	return rk & 1 ? v / 100 : v;
}

/* xls_sst_cell - text of a LABELSST cell */
static void
xls_sst_cell(const struct xls *x, uint32_t i, struct textbuf *t)
{
	const char *s;

	if (i >= x->sst_n || x->sst.s == NULL)
		return;
	s = x->sst.s + x->sst_off[i];
	textbuf_add(t, s, strlen(s));
}

/* xls_record - one cell record of a sheet */
static void
xls_record(struct xls *x, unsigned type, const unsigned char *p,
    size_t len, struct textbuf *t)
{
	size_t i;
	double v;

	if (len < 6)
		return;
	if (type == 0x00fd && len >= 10) {
		xls_cell(x, le16(p), le16(p + 2), t);
		xls_sst_cell(x, le32(p + 6), t);
	} else if (type == 0x0203 && len >= 14) {
		xls_cell(x, le16(p), le16(p + 2), t);
		memcpy(&v, p + 6, sizeof(v));
		xls_number(x, le16(p + 4), v, t);
	} else if (type == 0x027e && len >= 10) {
		xls_cell(x, le16(p), le16(p + 2), t);
		xls_number(x, le16(p + 4), xls_rk(le32(p + 6)), t);
	} else if (type == 0x00bd) {
		for (i = 0; 4 + 6 * (i + 1) + 2 <= len; i++) {
			xls_cell(x, le16(p), le16(p + 2) + (long)i, t);
			xls_number(x, le16(p + 4 + 6 * i),
			    xls_rk(le32(p + 6 + 6 * i)), t);
		}
	} else if (type == 0x0204 && len >= 9 &&
	    9 + le16(p + 6) * ((p[8] & 1) ? 2u : 1u) <= len) {
		xls_cell(x, le16(p), le16(p + 2), t);
		xls_chars(p + 9, le16(p + 6), p[8] & 1, t);
	} else if (type == 0x0207 && len >= 3 &&
	    3 + le16(p) * ((p[2] & 1) ? 2u : 1u) <= len) {
		xls_chars(p + 3, le16(p), p[2] & 1, t);
	} else if (type == 0x0006 && len >= 14 && (le16(p + 12) != 0xffff
	    || p[6] == 1)) {
		xls_cell(x, le16(p), le16(p + 2), t);
		if (le16(p + 12) != 0xffff) {
			memcpy(&v, p + 6, sizeof(v));
			xls_number(x, le16(p + 4), v, t);
		} else
			textbuf_add(t, p[8] ? "TRUE" : "FALSE", p[8] ? 4 : 5);
	} else if (type == 0x0006 && len >= 14)
		xls_cell(x, le16(p), le16(p + 2), t);
}

/* xls_text - the cells of every sheet of a Workbook stream */
void
xls_text(const unsigned char *d, size_t n, struct textbuf *t)
{
	struct xls x;
	size_t r = 0, len;
	unsigned type;

	memset(&x, 0, sizeof(x));
	x.d = d;
	x.n = n;
	x.row = -1;
	textbuf_init(&x.sst, t->max * 4);
	while (r + 4 <= n && !textbuf_full(t)) {
		type = le16(d + r);
		len = le16(d + r + 2);
		if (r + 4 + len > n)
			break;
		if (type == 0x00fc)
			xls_sst(&x, r, len);
		else if (type == 0x041e)
			xls_format(&x, d + r + 4, len);
		else if (type == 0x00e0)
			xls_xf(&x, d + r + 4, len);
		else if (type == 0x000a && x.row >= 0) {
			textbuf_addc(t, '\n');
			textbuf_addc(t, '\n');
			x.row = -1;
		} else
			xls_record(&x, type, d + r + 4, len, t);
		r += 4 + len;
	}
	textbuf_free(&x.sst);
	free(x.sst_off);
	free(x.xf_date);
}
