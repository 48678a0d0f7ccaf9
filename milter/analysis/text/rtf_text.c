/*
 * rtf_text - the text of an RTF document
 *
 * SYNOPSIS
 *	void rtf_text(const unsigned char *p, size_t n, struct textbuf *t)
 *
 * DESCRIPTION
 *	Control words are dropped except those that stand for text: \par
 *	and \line end a line, \tab and \cell give '\t', \row ends a table
 *	row, \'hh is a Windows-1252 byte and \uN a Unicode character (the
 *	\ucN replacement characters that follow are skipped).  Destination
 *	groups that hold no document text (font and colour tables, style
 *	sheets, document info, pictures, objects, and every {\* ...} group)
 *	are skipped by brace depth.  Nesting is bounded; unbalanced braces
 *	end the skip at the end of input.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/analysis_int.h"

#define RTF_DEPTH_MAX	256

static const char *const rtf_skip_dest[] = {
	"fonttbl", "colortbl", "stylesheet", "info", "pict", "object",
	"header", "footer", "listtable", "listoverridetable", "rsidtbl",
	"generator", "xmlnstbl", "themedata", "colorschememapping",
	"latentstyles", "datastore", "fldinst",
};

/* State of one conversion. */
struct rtf {
	const unsigned char *p;
	const unsigned char *end;
	struct textbuf	*t;
	int		 depth;
	int		 skip_below;	/* skip while depth >= this (0: no) */
	int		 uc;		/* \ucN: bytes to skip after \uN */
	bool		 group_start;	/* just after '{' */
};

/* rtf_is_skip_dest - a destination without document text? */
static bool
rtf_is_skip_dest(const char *w)
{
	size_t i;

	for (i = 0; i < sizeof(rtf_skip_dest) / sizeof(rtf_skip_dest[0]); i++)
		if (strcmp(w, rtf_skip_dest[i]) == 0)
			return true;
	return false;
}

/* rtf_emit - output a character unless skipping */
static void
rtf_emit(struct rtf *r, uint32_t cp)
{
	if (r->skip_below)
		return;
	/* \'hh: decode as Windows-1252 */
	if (cp >= 0x80 && cp < 0x100)
		cp = text_cp1252_cp((unsigned char)cp);
	textbuf_add_cp(r->t, cp);
}

/* rtf_word - act on a control word with an optional parameter */
static void
rtf_word(struct rtf *r, const char *w, long param, bool has_param)
{
	if (r->group_start && rtf_is_skip_dest(w) && !r->skip_below)
		r->skip_below = r->depth;
	r->group_start = false;
	if (r->skip_below)
		return;
	if (strcmp(w, "par") == 0 || strcmp(w, "line") == 0 ||
	    strcmp(w, "row") == 0 || strcmp(w, "sect") == 0)
		textbuf_addc(r->t, '\n');
	else if (strcmp(w, "tab") == 0 || strcmp(w, "cell") == 0)
		textbuf_addc(r->t, '\t');
	else if (strcmp(w, "uc") == 0 && has_param)
		r->uc = (int)(param < 0 ? 0 : param > 4 ? 4 : param);
	else if (strcmp(w, "u") == 0 && has_param) {
		rtf_emit(r, (uint32_t)(param < 0 ? param + 65536 : param));
		r->p += r->end - r->p < r->uc ? r->end - r->p : r->uc;
	}
}

/* rtf_control - a backslash sequence at r->p (after '\') */
static void
rtf_control(struct rtf *r)
{
	char w[32], num[12];
	size_t k = 0, d = 0;
	bool neg = false;

	if (r->p >= r->end)
		return;
	if (*r->p == '\'' && r->end - r->p >= 3 &&
	    isxdigit(r->p[1]) && isxdigit(r->p[2])) {
		char hex[3] = { (char)r->p[1], (char)r->p[2], '\0' };

		r->group_start = false;
		rtf_emit(r, (uint32_t)strtoul(hex, NULL, 16));
		r->p += 3;
		return;
	}
	if (*r->p == '*') {
		if (r->group_start && !r->skip_below)
			r->skip_below = r->depth;
		r->p++;
		return;
	}
	if (!isalpha(*r->p)) {
		if (*r->p == '\\' || *r->p == '{' || *r->p == '}')
			rtf_emit(r, *r->p);
		else if (*r->p == '~')
			rtf_emit(r, ' ');
		r->p++;
		return;
	}
	while (r->p < r->end && isalpha(*r->p) && k < sizeof(w) - 1)
		w[k++] = (char)*r->p++;
	w[k] = '\0';
	if (r->p < r->end && *r->p == '-') {
		neg = true;
		r->p++;
	}
	while (r->p < r->end && isdigit(*r->p) && d < sizeof(num) - 1)
		num[d++] = (char)*r->p++;
	num[d] = '\0';
	if (r->p < r->end && *r->p == ' ')
		r->p++;
	rtf_word(r, w, neg ? -atol(num) : atol(num), d > 0);
}

/* rtf_text - append the text of RTF */
void
rtf_text(const unsigned char *p, size_t n, struct textbuf *t)
{
	struct rtf r = { p, p + n, t, 0, 0, 1, false };

	while (r.p < r.end && !textbuf_full(t)) {
		unsigned char c = *r.p++;

		if (c == '\\') {
			rtf_control(&r);
		} else if (c == '{') {
			if (r.depth < RTF_DEPTH_MAX)
				r.depth++;
			r.group_start = true;
		} else if (c == '}') {
			if (r.skip_below && r.depth <= r.skip_below)
				r.skip_below = 0;
			if (r.depth > 0)
				r.depth--;
			r.group_start = false;
		} else if (c != '\r' && c != '\n') {
			r.group_start = false;
			if (c >= 0x80)
				rtf_emit(&r, c);
			else if (!r.skip_below)
				textbuf_addc(t, c ? (char)c : ' ');
		}
	}
	if (r.p < r.end)
		t->truncated = true;
}
