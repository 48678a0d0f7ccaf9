/*
 * xlsx - the cells of an Excel workbook as text
 *
 * SYNOPSIS
 *	void xlsx_text(struct actx *ctx, const unsigned char *data,
 *	    size_t len, struct textbuf *t)
 *
 * DESCRIPTION
 *	Every sheet (xl/worksheets/sheetN.xml, in number order) is written
 *	row by row: cells separated by '\t' in their real columns (empty
 *	cells keep their tab, at most XLSX_GAP_MAX of them), rows ended by
 *	'\n', a blank line between sheets, so a detector sees the column
 *	headers above the values.  Cell values are resolved as Excel shows
 *	them: shared strings (xl/sharedStrings.xml, rich-text runs joined,
 *	phonetic runs dropped), inline strings, formula results, booleans,
 *	numbers as stored, and numbers with a date format (built-in ids
 *	14-22, 45-47 or a custom code with d/m/y) as DD/MM/YYYY, the UK
 *	short date, with the 1900 leap-year bug and the 1904 date system.
 *	Parts are read a chunk at a time (xml_stream) and a sheet stops at
 *	the text cap, so a huge sheet costs what its first max_text bytes
 *	of cells cost.  The shared string table is read only as far as the
 *	cells written so far need, and kept to four times max_text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define XLSX_PART_MAX	(64 * 1024 * 1024)
#define XLSX_GAP_MAX	64
#define XLSX_SHEETS_MAX	256
#define XLSX_STYLES_MAX	65536

/* What one workbook needs to print its cells. */
struct xlsx {
	struct textbuf	 sst;		/* shared strings, each NUL-ended */
	size_t		*sst_off;
	size_t		 sst_n;
	struct xml_stream sst_in;	/* the rest of sharedStrings.xml */
	size_t		 sst_start;	/* offset of the <si> being read */
	bool		 sst_in_t;	/* inside <t> */
	bool		 sst_in_rph;	/* inside a phonetic run */
	bool		*date_style;	/* cellXfs index -> is a date */
	size_t		 nstyles;
	bool		 date1904;
};

/* xlsx_sst_add - end one shared string */
static void
xlsx_sst_add(struct xlsx *x, size_t start)
{
	if (x->sst_n % 256 == 0)
		x->sst_off = xreallocarray(x->sst_off, x->sst_n + 256,
		    sizeof(size_t));
	x->sst_off[x->sst_n++] = start;
	textbuf_addc(&x->sst, '\0');
}

/* xlsx_sst_token - one token of the shared string table */
static void
xlsx_sst_token(struct xlsx *x, const struct xml_tok *t)
{
	if (t->type == XML_TEXT && x->sst_in_t && !x->sst_in_rph)
		xml_text(&x->sst, t);
	else if (xml_is(t, "si") && t->type == XML_OPEN)
		x->sst_start = x->sst.len;
	else if (xml_is(t, "si") && t->type != XML_TEXT)
		xlsx_sst_add(x, t->type == XML_EMPTY ? x->sst.len :
		    x->sst_start);
	else if (xml_is(t, "t"))
		x->sst_in_t = t->type == XML_OPEN;
	else if (xml_is(t, "rPh"))
		x->sst_in_rph = t->type == XML_OPEN;
}

/*
 * xlsx_quick_si - the commonest shared string, <si><t>TEXT</t></si>,
 * whole in the window: stored without the tokenizer (five tokens a
 * string were most of the cost of a big table).  False leaves the window
 * to the token loop: rich text, phonetic runs, attributes, or a string
 * cut by the end of the window.
 */
static bool
xlsx_quick_si(struct xlsx *x)
{
	struct xml_scan *sc = &x->sst_in.scan;
	const char *p = sc->p, *lt;
	struct xml_tok t;

	if (sc->end - p < 16 || x->sst_in_t || x->sst_in_rph ||
	    memcmp(p, "<si><t>", 7) != 0)
		return false;
	lt = memchr(p + 7, '<', (size_t)(sc->end - p - 7));
	if (lt == NULL || sc->end - lt < 9 || memcmp(lt, "</t></si>", 9) != 0)
		return false;
	memset(&t, 0, sizeof(t));
	t.type = XML_TEXT;
	t.text = p + 7;
	t.tlen = (size_t)(lt - t.text);
	x->sst_start = x->sst.len;
	xml_text(&x->sst, &t);
	xlsx_sst_add(x, x->sst_start);
	sc->p = lt + 9;
	return true;
}

/*
 * xlsx_sst_upto - read the shared string table until string i is known.
 * Excel writes shared strings in the order cells first use them, so a
 * sheet cut at the text cap needs only the start of the table.
 */
static void
xlsx_sst_upto(struct xlsx *x, unsigned long i)
{
	struct xml_tok t;

	while (x->sst_n <= i && x->sst_in.ar != NULL) {
		if (!textbuf_full(&x->sst) && xlsx_quick_si(x))
			continue;
		if (textbuf_full(&x->sst) ||
		    xml_stream_next(&x->sst_in, &t) == XML_EOF) {
			xml_stream_close(&x->sst_in);
			return;
		}
		xlsx_sst_token(x, &t);
	}
}

/* xlsx_open_sst - start reading the shared string table */
static void
xlsx_open_sst(struct actx *ctx, const unsigned char *d, size_t len,
    struct xlsx *x)
{
	textbuf_init(&x->sst, ctx->lim.max_text * 4);
	(void)xml_stream_open(&x->sst_in, ctx, d, len, "xl/sharedStrings.xml",
	    XLSX_PART_MAX);
}

/* xlsx_format_is_date - does a number format code show a date? */
static bool
xlsx_format_is_date(const char *code)
{
	bool quoted = false, bracket = false;

	for (; *code; code++) {
		if (*code == '"')
			quoted = !quoted;
		else if (*code == '[')
			bracket = true;
		else if (*code == ']')
			bracket = false;
		else if (*code == '\\' && code[1])
			code++;
		else if (!quoted && !bracket && strchr("dDyY", *code))
			return true;
	}
	return false;
}

/* xlsx_builtin_is_date - built-in number formats that are dates */
static bool
xlsx_builtin_is_date(long id)
{
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) ||
	    (id >= 50 && id <= 58);
}

/* xlsx_style_token - numFmts and cellXfs entries of styles.xml */
static void
xlsx_style_token(struct xlsx *x, const struct xml_tok *t, bool *in_xfs,
    long *custom, size_t *ncustom)
{
	char *id, *code;
	long fmt;
	size_t i;

	if (xml_is(t, "cellXfs"))
		*in_xfs = t->type == XML_OPEN;
	else if (xml_is(t, "numFmt") && t->type != XML_CLOSE) {
		id = xml_attr_dup(t, "numFmtId");
		code = xml_attr_dup(t, "formatCode");
		if (id && code && xlsx_format_is_date(code) && *ncustom < 256)
			custom[(*ncustom)++] = atol(id);
		free(id);
		free(code);
	} else if (*in_xfs && xml_is(t, "xf") && t->type != XML_CLOSE &&
	    x->nstyles < XLSX_STYLES_MAX) {
		id = xml_attr_dup(t, "numFmtId");
		fmt = id ? atol(id) : 0;
		free(id);
		x->date_style = xreallocarray(x->date_style, x->nstyles + 1,
		    sizeof(bool));
		x->date_style[x->nstyles] = xlsx_builtin_is_date(fmt);
		for (i = 0; i < *ncustom; i++)
			if (custom[i] == fmt)
				x->date_style[x->nstyles] = true;
		x->nstyles++;
	}
}

/* xlsx_load_styles - which cell styles are dates; the 1904 flag */
static void
xlsx_load_styles(struct actx *ctx, const unsigned char *d, size_t len,
    struct xlsx *x)
{
	struct xml_scan s;
	struct xml_tok t;
	struct blob b;
	long custom[256];
	size_t ncustom = 0;
	bool in_xfs = false;

	blob_init(&b);
	if (zipmem_read(ctx, d, len, "xl/styles.xml", XLSX_PART_MAX, &b) == 0) {
		xml_scan_init(&s, b.data, b.len);
		while (xml_next(&s, &t) != XML_EOF)
			xlsx_style_token(x, &t, &in_xfs, custom, &ncustom);
		blob_free(&b);
	}
	if (zipmem_read(ctx, d, len, "xl/workbook.xml", XLSX_PART_MAX,
	    &b) == 0) {
		x->date1904 = memmem(b.data, b.len, "date1904=\"1\"", 12) ||
		    memmem(b.data, b.len, "date1904=\"true\"", 15);
		blob_free(&b);
	}
}

/* xlsx_date - write an Excel serial day as DD/MM/YYYY */
static void
xlsx_date(const struct xlsx *x, double serial, struct textbuf *t)
{
	long z, era, doe, yoe, y, doy, mp, dd, mm;
	char out[32];

	if (serial < 1 || serial > 2958465) {
		snprintf(out, sizeof(out), "%g", serial);
		textbuf_add(t, out, strlen(out));
		return;
	}
	/* days since 1970-01-01 (Excel day 25569); 1900 bug below day 61 */
	z = (long)serial + (x->date1904 ? 1462 : 0) - 25569;
	if (!x->date1904 && serial < 61)
		z++;
	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	dd = doy - (153 * mp + 2) / 5 + 1;
	mm = mp < 10 ? mp + 3 : mp - 9;
	y += mm <= 2;
	/* by hand: snprintf was a tenth of the time of a big date column */
	out[0] = (char)('0' + dd / 10);
	out[1] = (char)('0' + dd % 10);
	out[2] = '/';
	out[3] = (char)('0' + mm / 10);
	out[4] = (char)('0' + mm % 10);
	out[5] = '/';
	out[6] = (char)('0' + y / 1000);
	out[7] = (char)('0' + y / 100 % 10);
	out[8] = (char)('0' + y / 10 % 10);
	out[9] = (char)('0' + y % 10);
	textbuf_add(t, out, 10);
}

/* A cell being read. */
struct xlsx_cell {
	char	 type[12];	/* t= */
	long	 style;		/* s= */
	long	 col;		/* from r=, or -1 */
	struct textbuf v;	/* <v> or inline text */
	bool	 in_v;
	bool	 in_t;
};

/* xlsx_col - zero-based column of a reference like "AB12", or -1 */
static long
xlsx_col(const char *v, size_t n)
{
	size_t i;
	long c = 0;

	for (i = 0; i < n && v[i] >= 'A' && v[i] <= 'Z' && c < 100000; i++)
		c = c * 26 + (v[i] - 'A' + 1);
	return i ? c - 1 : -1;
}

/* xlsx_cell_start - attributes of <c>: t= (type), s= (style), r= (ref) */
static void
xlsx_cell_start(struct xlsx_cell *c, const struct xml_tok *t, size_t max)
{
	struct xml_attrs it;
	const char *name, *v;
	size_t ln, n;

	textbuf_reset(&c->v, max);
	c->type[0] = '\0';
	c->style = 0;
	c->col = -1;
	xml_attrs_init(&it, t);
	while (xml_attrs_next(&it, &name, &ln, &v, &n)) {
		if (ln != 1)
			continue;
		if (name[0] == 't' && n < sizeof(c->type)) {
			memcpy(c->type, v, n);
			c->type[n] = '\0';
		} else if (name[0] == 's')
			c->style = atol(v);
		else if (name[0] == 'r')
			c->col = xlsx_col(v, n);
	}
}

/*
 * xlsx_number - a cell's digits as a whole number, or -1 when it is not
 * plain digits (then strtoul/strtod read it): most cells are indexes and
 * day numbers, and the C library's conversions were a tenth of the time.
 */
static long
xlsx_number(const char *v, size_t n)
{
	long r = 0;
	size_t i;

	if (n == 0 || n > 15)
		return -1;
	for (i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		r = r * 10 + (v[i] - '0');
	}
	return r;
}

/* xlsx_cell_value - write a finished cell's value */
static void
xlsx_cell_value(struct xlsx *x, const struct xlsx_cell *c,
    struct textbuf *t)
{
	const char *v = c->v.s ? c->v.s : "";
	long whole = xlsx_number(v, c->v.len);
	unsigned long i;

	if (strcmp(c->type, "s") == 0) {
		i = whole >= 0 ? (unsigned long)whole : strtoul(v, NULL, 10);
		if (c->v.len > 0)
			xlsx_sst_upto(x, i);
		/* shared strings went through textbuf_add: valid UTF-8 */
		if (c->v.len > 0 && i < x->sst_n && x->sst.s != NULL)
			textbuf_put(t, x->sst.s + x->sst_off[i],
			    strlen(x->sst.s + x->sst_off[i]));
	} else if (strcmp(c->type, "b") == 0)
		textbuf_add(t, v[0] == '1' ? "TRUE" : "FALSE",
		    v[0] == '1' ? 4 : 5);
	else if ((c->type[0] == '\0' || strcmp(c->type, "n") == 0) &&
	    c->v.len > 0 && c->style >= 0 && (size_t)c->style < x->nstyles &&
	    x->date_style[c->style])
		xlsx_date(x, whole >= 0 ? (double)whole : strtod(v, NULL), t);
	else
		textbuf_put(t, v, c->v.len);	/* valid: made by xml_text */
}

/* State of a sheet being written. */
struct xlsx_sheet {
	struct xlsx_cell cell;
	long		 last_col;	/* -1 at the start of a row */
	bool		 in_row;
};

/* xlsx_sheet_token - one token of a worksheet */
static void
xlsx_sheet_token(struct xlsx *x, struct xlsx_sheet *s,
    const struct xml_tok *tok, struct textbuf *t)
{
	struct xlsx_cell *c = &s->cell;
	long gap, col;

	if (tok->type == XML_TEXT) {
		if (c->in_v || c->in_t)
			xml_text(&c->v, tok);
	} else if (xml_is(tok, "row")) {
		if (tok->type != XML_CLOSE)
			textbuf_sep(t, '\n');
		s->last_col = -1;
	} else if (xml_is(tok, "c") && tok->type != XML_CLOSE) {
		xlsx_cell_start(c, tok, t->max);
		col = c->col >= 0 ? c->col : s->last_col + 1;
		gap = s->last_col < 0 ? col : col - s->last_col;
		if (s->last_col >= 0 && gap < 1)
			gap = 1;
		if (gap > XLSX_GAP_MAX)
			gap = XLSX_GAP_MAX;
		for (; gap > 0; gap--)
			textbuf_addc(t, '\t');
		s->last_col = col;
		if (tok->type == XML_EMPTY)
			return;
	} else if (xml_is(tok, "c") && tok->type == XML_CLOSE)
		xlsx_cell_value(x, c, t);
	else if (xml_is(tok, "v"))
		c->in_v = tok->type == XML_OPEN;
	else if (xml_is(tok, "t"))
		c->in_t = tok->type == XML_OPEN;
}

/*
 * xlsx_quick_cell - the commonest cell, <c ATTRS><v>VALUE</v></c>, whole
 * in the window: handed to xlsx_sheet_token as its tokens without the
 * tokenizer (five tokens a cell were the largest cost of a big sheet).
 * False leaves the window to the token loop: any other shape (inline
 * strings, formulas, prefixes), or a cell cut by the end of the window.
 */
static bool
xlsx_quick_cell(struct xlsx *x, struct xlsx_sheet *s, struct xml_scan *sc,
    struct textbuf *t)
{
	const char *p = sc->p, *gt, *lt;
	struct xml_tok tok;

	if (sc->end - p < 16 || s->cell.in_v || s->cell.in_t ||
	    memcmp(p, "<c ", 3) != 0)
		return false;
	gt = memchr(p + 3, '>', (size_t)(sc->end - p - 3));
	if (gt == NULL || gt[-1] == '/' || sc->end - gt < 12 ||
	    memcmp(gt + 1, "<v>", 3) != 0)
		return false;
	lt = memchr(gt + 4, '<', (size_t)(sc->end - gt - 4));
	if (lt == NULL || sc->end - lt < 8 || memcmp(lt, "</v></c>", 8) != 0)
		return false;
	memset(&tok, 0, sizeof(tok));
	tok.type = XML_OPEN;
	tok.name = tok.local = p + 1;
	tok.nlen = tok.llen = 1;
	tok.attrs = p + 2;
	tok.alen = (size_t)(gt - tok.attrs);
	xlsx_sheet_token(x, s, &tok, t);
	xml_decode_into(&s->cell.v, gt + 4, (size_t)(lt - (gt + 4)));
	xlsx_cell_value(x, &s->cell, t);
	sc->p = lt + 8;
	return true;
}

/* xlsx_sheet - write one worksheet part; false if it does not exist */
static bool
xlsx_sheet(struct actx *ctx, const unsigned char *d, size_t len,
    struct xlsx *x, const char *part, struct textbuf *t)
{
	struct xlsx_sheet s;
	struct xml_stream in;
	struct xml_tok tok;

	if (!xml_stream_open(&in, ctx, d, len, part, XLSX_PART_MAX))
		return false;
	memset(&s, 0, sizeof(s));
	s.last_col = -1;
	while (!textbuf_full(t)) {
		if (xlsx_quick_cell(x, &s, &in.scan, t))
			continue;
		if (xml_stream_next(&in, &tok) == XML_EOF)
			break;
		xlsx_sheet_token(x, &s, &tok, t);
	}
	textbuf_free(&s.cell.v);
	xml_stream_close(&in);
	textbuf_sep(t, '\n');
	textbuf_addc(t, '\n');
	return true;
}

/* xlsx_text - the text of every sheet */
void
xlsx_text(struct actx *ctx, const unsigned char *d, size_t len,
    struct textbuf *t)
{
	struct xlsx x;
	char part[48];
	int i;

	memset(&x, 0, sizeof(x));
	xlsx_open_sst(ctx, d, len, &x);
	xlsx_load_styles(ctx, d, len, &x);
	for (i = 1; i <= XLSX_SHEETS_MAX && !textbuf_full(t); i++) {
		snprintf(part, sizeof(part), "xl/worksheets/sheet%d.xml", i);
		if (!xlsx_sheet(ctx, d, len, &x, part, t))
			break;
	}
	xml_stream_close(&x.sst_in);
	textbuf_free(&x.sst);
	free(x.sst_off);
	free(x.date_style);
}
