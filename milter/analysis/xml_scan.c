/*
 * xml_scan - a small, tolerant XML tokenizer for document parts
 *
 * SYNOPSIS
 *	void xml_scan_init(struct xml_scan *x, const void *data, size_t len)
 *	enum xml_type xml_next(struct xml_scan *x, struct xml_tok *t)
 *	bool xml_is(const struct xml_tok *t, const char *local)
 *	bool xml_attr(const struct xml_tok *t, const char *local,
 *	    const char **v, size_t *vn)
 *	char *xml_attr_dup(const struct xml_tok *t, const char *local)
 *	void xml_text(struct textbuf *tb, const struct xml_tok *t)
 *	void xml_decode_into(struct textbuf *tb, const char *p, size_t n)
 *
 * DESCRIPTION
 *	OOXML and ODF parts are machine-written XML; text extraction needs
 *	start tags, end tags and character data, nothing more.  Comments,
 *	processing instructions and DOCTYPE declarations are skipped, so
 *	no entity is ever defined or expanded beyond the five predefined
 *	ones and numeric references (no "billion laughs").  Tokens point
 *	into the input; nothing is allocated.  Broken markup ends the scan
 *	(XML_EOF), it never loops.  Names compare by local name: "w:t" and
 *	"t" both match xml_is(t, "t").
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "analysis_int.h"
#include "xalloc.h"

/* xml_scan_init - start scanning a buffer */
void
xml_scan_init(struct xml_scan *x, const void *data, size_t len)
{
	/* An empty zip entry has no buffer at all: scan an empty string. */
	x->p = data != NULL ? data : "";
	x->end = x->p + (data != NULL ? len : 0);
}

/* xml_skip_past - move after the next occurrence of s; false if none */
static bool
xml_skip_past(struct xml_scan *x, const char *s)
{
	size_t n = strlen(s);
	const char *q = memmem(x->p, (size_t)(x->end - x->p), s, n);

	if (q == NULL) {
		x->p = x->end;
		return false;
	}
	x->p = q + n;
	return true;
}

/* xml_tag - a start, end or empty-element tag at x->p ('<' seen) */
static enum xml_type
xml_tag(struct xml_scan *x, struct xml_tok *t)
{
	const char *q = x->p + 1, *gt;
	bool close = false;

	if (q < x->end && *q == '/') {
		close = true;
		q++;
	}
	gt = memchr(q, '>', (size_t)(x->end - q));
	if (gt == NULL) {
		x->p = x->end;
		return XML_EOF;
	}
	t->name = q;
	while (q < gt && *q != ' ' && *q != '\t' && *q != '\r' &&
	    *q != '\n' && *q != '/')
		q++;
	t->nlen = (size_t)(q - t->name);
	t->attrs = q;
	t->alen = (size_t)(gt - q);
	x->p = gt + 1;
	if (close)
		return t->type = XML_CLOSE;
	if (gt > t->name && gt[-1] == '/') {
		t->alen--;
		return t->type = XML_EMPTY;
	}
	return t->type = XML_OPEN;
}

/* xml_next - the next token, or XML_EOF */
enum xml_type
xml_next(struct xml_scan *x, struct xml_tok *t)
{
	const char *lt;

	memset(t, 0, sizeof(*t));
	while (x->p < x->end) {
		if (*x->p != '<') {
			lt = memchr(x->p, '<', (size_t)(x->end - x->p));
			t->text = x->p;
			t->tlen = (size_t)((lt ? lt : x->end) - x->p);
			x->p += t->tlen;
			return t->type = XML_TEXT;
		}
		if (x->end - x->p >= 9 && memcmp(x->p, "<![CDATA[", 9) == 0) {
			t->text = x->p + 9;
			x->p += 9;
			if (!xml_skip_past(x, "]]>"))
				return XML_EOF;
			t->tlen = (size_t)(x->p - 3 - t->text);
			t->cdata = true;
			return t->type = XML_TEXT;
		}
		if (x->end - x->p >= 4 && memcmp(x->p, "<!--", 4) == 0)
			xml_skip_past(x, "-->");
		else if (x->end - x->p >= 2 &&
		    (x->p[1] == '?' || x->p[1] == '!'))
			xml_skip_past(x, ">");
		else
			return xml_tag(x, t);
	}
	return t->type = XML_EOF;
}

/* xml_local - the local part of a qualified name */
static const char *
xml_local(const char *name, size_t n, size_t *ln)
{
	const char *c = memchr(name, ':', n);

	if (c == NULL) {
		*ln = n;
		return name;
	}
	*ln = n - (size_t)(c + 1 - name);
	return c + 1;
}

/* xml_is - does the element have this local name? */
bool
xml_is(const struct xml_tok *t, const char *local)
{
	size_t ln, n = strlen(local);
	const char *l;

	if (t->name == NULL)
		return false;
	l = xml_local(t->name, t->nlen, &ln);
	return ln == n && memcmp(l, local, n) == 0;
}

/* xml_attr - raw value of an attribute by local name */
bool
xml_attr(const struct xml_tok *t, const char *local, const char **v,
    size_t *vn)
{
	const char *p = t->attrs, *end = t->attrs + t->alen, *name, *q;
	size_t ln, n = strlen(local);
	char quote;

	while (p < end) {
		while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
		    *p == '\n'))
			p++;
		name = p;
		while (p < end && *p != '=' && *p != ' ')
			p++;
		q = xml_local(name, (size_t)(p - name), &ln);
		while (p < end && (*p == '=' || *p == ' '))
			p++;
		if (p >= end || (*p != '"' && *p != '\''))
			return false;
		quote = *p++;
		*v = p;
		while (p < end && *p != quote)
			p++;
		*vn = (size_t)(p - *v);
		p++;
		if (ln == n && memcmp(q, local, n) == 0)
			return true;
	}
	return false;
}

/* xml_attr_dup - decoded copy of an attribute value, or NULL */
char *
xml_attr_dup(const struct xml_tok *t, const char *local)
{
	struct textbuf tb;
	const char *v;
	size_t vn;

	if (!xml_attr(t, local, &v, &vn))
		return NULL;
	textbuf_init(&tb, vn * 3 + 1);
	xml_decode_into(&tb, v, vn);
	if (tb.s == NULL)
		return xstrdup("");
	return tb.s;
}

/* xml_entity - decode one entity at p (after '&'); bytes used or 0 */
static size_t
xml_entity(const char *p, size_t n, uint32_t *cp)
{
	static const struct { const char *name; uint32_t cp; } ent[] = {
		{ "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
		{ "quot;", '"' }, { "apos;", '\'' },
	};
	const char *semi = memchr(p, ';', n < 12 ? n : 12);
	char num[12];
	size_t i, k;

	if (semi == NULL)
		return 0;
	k = (size_t)(semi - p) + 1;
	for (i = 0; i < sizeof(ent) / sizeof(ent[0]); i++)
		if (strlen(ent[i].name) == k &&
		    memcmp(p, ent[i].name, k) == 0) {
			*cp = ent[i].cp;
			return k;
		}
	if (k < 3 || p[0] != '#' || k - 2 >= sizeof(num))
		return 0;
	memcpy(num, p + 1, k - 2);
	num[k - 2] = '\0';
	if (num[0] == 'x' || num[0] == 'X')
		*cp = (uint32_t)strtoul(num + 1, NULL, 16);
	else
		*cp = (uint32_t)strtoul(num, NULL, 10);
	return k;
}

/* xml_decode_into - append character data with entities decoded */
void
xml_decode_into(struct textbuf *tb, const char *p, size_t n)
{
	const char *amp;
	size_t k;
	uint32_t cp;

	while (n > 0 && !textbuf_full(tb)) {
		amp = memchr(p, '&', n);
		if (amp == NULL) {
			textbuf_add(tb, p, n);
			return;
		}
		textbuf_add(tb, p, (size_t)(amp - p));
		n -= (size_t)(amp - p) + 1;
		p = amp + 1;
		if ((k = xml_entity(p, n, &cp)) == 0) {
			textbuf_addc(tb, '&');
			continue;
		}
		textbuf_add_cp(tb, cp);
		p += k;
		n -= k;
	}
}

/* xml_text - append a text token */
void
xml_text(struct textbuf *tb, const struct xml_tok *t)
{
	if (t->cdata)
		textbuf_add(tb, t->text, t->tlen);
	else
		xml_decode_into(tb, t->text, t->tlen);
}
