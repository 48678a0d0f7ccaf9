/*
 * html_text - the visible text of an HTML document
 *
 * SYNOPSIS
 *	void html_text(const char *p, size_t n, struct textbuf *t)
 *
 * DESCRIPTION
 *	Tags, comments, scripts and styles are dropped; entities are
 *	decoded (numeric and the common named ones); runs of white space
 *	collapse to one space.  Block elements end a line, and tables keep
 *	their shape: a cell starts with '\t' (except the first of a row)
 *	and a row ends with '\n', so a pupil table pasted into a message
 *	reads like a spreadsheet, column headers first.  Input is UTF-8
 *	(text_extract_html converts first); broken markup never stops the
 *	scan, it is read as text or skipped to the end.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"

/* State of one conversion. */
struct html {
	const char	*p;
	const char	*end;
	struct textbuf	*t;
	bool		 space;		/* white space pending */
	int		 cell;		/* inside a table cell (nesting) */
};

static const struct {
	const char	*name;
	uint32_t	 cp;
} html_entities[] = {
	{ "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' },
	{ "apos", '\'' }, { "nbsp", ' ' }, { "pound", 0xa3 },
	{ "euro", 0x20ac }, { "copy", 0xa9 }, { "reg", 0xae },
	{ "ndash", 0x2013 }, { "mdash", 0x2014 }, { "lsquo", 0x2018 },
	{ "rsquo", 0x2019 }, { "ldquo", 0x201c }, { "rdquo", 0x201d },
	{ "hellip", 0x2026 }, { "bull", 0x2022 }, { "middot", 0xb7 },
	{ "eacute", 0xe9 }, { "egrave", 0xe8 }, { "aacute", 0xe1 },
	{ "agrave", 0xe0 }, { "iacute", 0xed }, { "oacute", 0xf3 },
	{ "uacute", 0xfa }, { "ccedil", 0xe7 }, { "ntilde", 0xf1 },
	{ "ouml", 0xf6 }, { "uuml", 0xfc }, { "auml", 0xe4 },
	{ "euml", 0xeb }, { "iuml", 0xef }, { "szlig", 0xdf },
	{ "shy", 0xad }, { "zwnj", 0x200c }, { "zwj", 0x200d },
};

/* block elements: a line break before and after */
static const char *const html_blocks[] = {
	"br", "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
	"h6", "table", "tbody", "thead", "tfoot", "blockquote", "pre", "hr",
	"title", "section", "article", "header", "footer", "dt", "dd",
	"dl", "address", "caption", "center", "form", "nav", "main",
};

/* html_put - append visible text, flushing pending white space */
static void
html_put(struct html *h, const char *s, size_t n)
{
	char last = h->t->len ? h->t->s[h->t->len - 1] : '\n';

	if (h->space && last != '\n' && last != '\t' && last != ' ')
		textbuf_addc(h->t, ' ');
	h->space = false;
	textbuf_add(h->t, s, n);
}

/* html_entity - decode an entity after '&'; false to print '&' */
static bool
html_entity(struct html *h)
{
	const char *p = h->p + 1, *semi;
	char name[12], u[4];
	uint32_t cp = 0;
	size_t i, k;

	semi = memchr(p, ';', (size_t)(h->end - p) < 12 ?
	    (size_t)(h->end - p) : 12);
	if (semi == NULL || semi == p)
		return false;
	k = (size_t)(semi - p);
	memcpy(name, p, k);
	name[k] = '\0';
	if (name[0] == '#')
		cp = (uint32_t)(name[1] == 'x' || name[1] == 'X' ?
		    strtoul(name + 2, NULL, 16) : strtoul(name + 1, NULL, 10));
	else
		for (i = 0; i < sizeof(html_entities) /
		    sizeof(html_entities[0]); i++)
			if (strcmp(name, html_entities[i].name) == 0)
				cp = html_entities[i].cp;
	if (cp == 0)
		return false;
	h->p = semi + 1;
	if (cp == ' ' || cp == 0xa0) {
		h->space = true;
		return true;
	}
	u[0] = '\0';
	html_put(h, u, 0);
	textbuf_add_cp(h->t, cp);
	return true;
}

/* html_skip_raw - skip a script or style body up to its end tag */
static void
html_skip_raw(struct html *h, const char *name)
{
	size_t n = strlen(name);

	while (h->p < h->end) {
		const char *lt = memchr(h->p, '<', (size_t)(h->end - h->p));

		if (lt == NULL)
			break;
		h->p = lt + 1;
		if (h->end - h->p > (ptrdiff_t)n && h->p[0] == '/' &&
		    strncasecmp(h->p + 1, name, n) == 0) {
			lt = memchr(h->p, '>', (size_t)(h->end - h->p));
			h->p = lt ? lt + 1 : h->end;
			return;
		}
	}
	h->p = h->end;
}

/* html_is_block - is this element a block? */
static bool
html_is_block(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(html_blocks) / sizeof(html_blocks[0]); i++)
		if (strcasecmp(name, html_blocks[i]) == 0)
			return true;
	return false;
}

/* html_element - act on an element's start or end */
static void
html_element(struct html *h, const char *name, bool close)
{
	struct textbuf *t = h->t;

	if (!close && (strcasecmp(name, "script") == 0 ||
	    strcasecmp(name, "style") == 0 ||
	    strcasecmp(name, "template") == 0)) {
		html_skip_raw(h, name);
		return;
	}
	if (strcasecmp(name, "td") == 0 || strcasecmp(name, "th") == 0) {
		if (!close && t->len > 0 && t->s[t->len - 1] != '\n')
			textbuf_cell(t);
		h->cell += close ? (h->cell > 0 ? -1 : 0) : 1;
		h->space = false;
	} else if (h->cell > 0 && html_is_block(name) &&
	    strcasecmp(name, "table") != 0) {
		h->space = true;	/* a paragraph inside a cell */
	} else if (strcasecmp(name, "tr") == 0 || html_is_block(name)) {
		if (strcasecmp(name, "tr") == 0 ||
		    strcasecmp(name, "table") == 0)
			h->cell = 0;
		if (t->len > 0 && t->s[t->len - 1] == ' ')
			t->s[--t->len] = '\0';
		textbuf_sep(t, '\n');
		h->space = false;
	}
}

/* html_tag - a tag, comment or declaration at '<' */
static void
html_tag(struct html *h)
{
	const char *p = h->p + 1;
	char name[16], quote = 0;
	bool close = false;
	size_t k = 0;

	if (h->end - p >= 3 && memcmp(p, "!--", 3) == 0) {
		const char *e = memmem(p, (size_t)(h->end - p), "-->", 3);

		h->p = e ? e + 3 : h->end;
		return;
	}
	if (p < h->end && *p == '/') {
		close = true;
		p++;
	}
	while (p < h->end && k < sizeof(name) - 1 &&
	    isalnum((unsigned char)*p))
		name[k++] = *p++;
	name[k] = '\0';
	for (; p < h->end && (quote || *p != '>'); p++)
		if (quote && *p == quote)
			quote = 0;
		else if (!quote && (*p == '"' || *p == '\''))
			quote = *p;
	h->p = p < h->end ? p + 1 : h->end;
	if (k > 0)
		html_element(h, name, close);
}

/* html_text - append the visible text of HTML */
void
html_text(const char *p, size_t n, struct textbuf *t)
{
	struct html h = { p, p + n, t, false, 0 };
	const char *q;

	while (h.p < h.end && !textbuf_full(t)) {
		if (*h.p == '<' && h.p + 1 < h.end &&
		    (isalpha((unsigned char)h.p[1]) || h.p[1] == '/' ||
		    h.p[1] == '!' || h.p[1] == '?')) {
			html_tag(&h);
		} else if (*h.p == '&' && html_entity(&h)) {
			continue;
		} else if (*h.p == ' ' || *h.p == '\t' || *h.p == '\r' ||
		    *h.p == '\n') {
			h.space = true;
			h.p++;
		} else {
			for (q = h.p + 1; q < h.end && *q != '<' && *q != '&' &&
			    *q != ' ' && *q != '\t' && *q != '\r' && *q != '\n';
			    q++)
				;
			html_put(&h, h.p, (size_t)(q - h.p));
			h.p = q;
		}
	}
	if (h.p < h.end)
		t->truncated = true;
}
