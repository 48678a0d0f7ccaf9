/*
 * xml_scan - a small, tolerant XML tokenizer for document parts
 *
 * SYNOPSIS
 *	void xml_scan_init(struct xml_scan *x, const void *data, size_t len)
 *	void xml_scan_more(struct xml_scan *x, bool more)
 *	enum xml_type xml_next(struct xml_scan *x, struct xml_tok *t)
 *	bool xml_is(const struct xml_tok *t, const char *local)
 *	bool xml_attr(const struct xml_tok *t, const char *local,
 *	    const char **v, size_t *vn)
 *	void xml_attrs_init(struct xml_attrs *it, const struct xml_tok *t)
 *	bool xml_attrs_next(struct xml_attrs *it, const char **local,
 *	    size_t *ln, const char **v, size_t *vn)
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

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* xml_scan_init - start scanning a buffer that holds the whole part */
void
xml_scan_init(struct xml_scan *x, const void *data, size_t len)
{
	/* An empty zip entry has no buffer at all: scan an empty string. */
	x->p = data != NULL ? data : "";
	x->end = x->p + (data != NULL ? len : 0);
	x->more = false;
}

/*
 * xml_scan_more - say whether more of the part follows the buffer.  While
 * it does, a token that reaches the end of the buffer is not returned:
 * xml_next() gives XML_MORE and leaves x->p at the token's start, so the
 * caller (xml_stream) can move the tail to the front and read more.
 */
void
xml_scan_more(struct xml_scan *x, bool more)
{
	x->more = more;
}

/* xml_skip_past - move after the next occurrence of s; false if none */
static bool
xml_skip_past(struct xml_scan *x, const char *s, size_t n)
{
	const char *q = memmem(x->p, (size_t)(x->end - x->p), s, n);

	if (q == NULL) {
		x->p = x->end;
		return false;
	}
	x->p = q + n;
	return true;
}

/*
 * xml_find - the next c in [p, end), or NULL.  Tags and cell values are a
 * few bytes long: a plain loop beats memchr's call and set-up there.
 */
static inline const char *
xml_find(const char *p, const char *end, char c)
{
	while (p < end && *p != c)
		p++;
	return p < end ? p : NULL;
}

/* What ends an element name (1) and the prefix separator (2). */
static const unsigned char xml_name_class[256] = {
	[' '] = 1, ['\t'] = 1, ['\r'] = 1, ['\n'] = 1, ['/'] = 1, ['>'] = 1,
	[':'] = 2,
};

/* xml_local - the local part of a qualified name */
static const char *
xml_local(const char *name, size_t n, size_t *ln)
{
	const char *c = xml_find(name, name + n, ':');

	if (c == NULL) {
		*ln = n;
		return name;
	}
	*ln = n - (size_t)(c + 1 - name);
	return c + 1;
}

/*
 * xml_short_name - length of a plain 1-3 byte name ending at '>' right
 * after it (<v>, </c>, <si>, </row>), or 0.  Most tags of a worksheet
 * and of the shared strings are these; the general loop below spent a
 * mispredicted branch on the end of every one.
 */
static inline size_t
xml_short_name(const char *q, const char *end)
{
	size_t n;

	for (n = 1; n <= 3 && q + n < end; n++) {
		if (xml_name_class[(unsigned char)q[n - 1]] != 0)
			return 0;
		if (q[n] == '>')
			return n;
	}
	return 0;
}

/* xml_tag - a start, end or empty-element tag at x->p ('<' seen) */
static enum xml_type
xml_tag(struct xml_scan *x, struct xml_tok *t)
{
	const char *q = x->p + 1, *gt, *colon = NULL;
	bool close = false;
	unsigned char k;

	if (q < x->end && *q == '/') {
		close = true;
		q++;
	}
	t->name = q;
	if ((t->nlen = xml_short_name(q, x->end)) > 0) {
		t->local = q;
		t->llen = t->nlen;
		t->attrs = q + t->nlen;
		x->p = q + t->nlen + 1;
		return t->type = close ? XML_CLOSE : XML_OPEN;
	}
	/* one pass over the name, noting its prefix; then on to '>' */
	for (; q < x->end && (k = xml_name_class[(unsigned char)*q]) != 1; q++)
		if (k == 2 && colon == NULL)
			colon = q;
	gt = xml_find(q, x->end, '>');
	if (gt == NULL && x->more)
		return XML_MORE;
	if (gt == NULL) {
		x->p = x->end;
		return XML_EOF;
	}
	t->nlen = (size_t)(q - t->name);
	t->local = colon != NULL ? colon + 1 : t->name;
	t->llen = (size_t)(q - t->local);
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

/* xml_chardata - character data up to the next '<' */
static enum xml_type
xml_chardata(struct xml_scan *x, struct xml_tok *t)
{
	const char *lt = xml_find(x->p, x->end, '<');

	if (lt == NULL && x->more)
		return XML_MORE;
	t->text = x->p;
	t->tlen = (size_t)((lt ? lt : x->end) - x->p);
	x->p += t->tlen;
	return t->type = XML_TEXT;
}

/* xml_markup - CDATA, or skip a comment, PI or declaration; MORE/EOF */
static enum xml_type
xml_markup(struct xml_scan *x, struct xml_tok *t)
{
	const char *start = x->p;
	size_t left = (size_t)(x->end - x->p);
	bool found;

	if (left >= 9 && memcmp(x->p, "<![CDATA[", 9) == 0) {
		t->text = x->p + 9;
		x->p += 9;
		found = xml_skip_past(x, "]]>", 3);
		if (!found && x->more) {
			x->p = start;
			return XML_MORE;
		}
		if (!found)
			return XML_EOF;
		t->tlen = (size_t)(x->p - 3 - t->text);
		t->cdata = true;
		return t->type = XML_TEXT;
	}
	if (left >= 4 && memcmp(x->p, "<!--", 4) == 0)
		found = xml_skip_past(x, "-->", 3);
	else
		found = xml_skip_past(x, ">", 1);
	if (!found && x->more) {
		x->p = start;
		return XML_MORE;
	}
	return XML_OPEN;	/* skipped: the caller goes on */
}

/* xml_next - the next token, XML_EOF, or XML_MORE (see xml_scan_more) */
enum xml_type
xml_next(struct xml_scan *x, struct xml_tok *t)
{
	enum xml_type r;

	t->name = t->local = t->attrs = t->text = NULL;
	t->nlen = t->llen = t->alen = t->tlen = 0;
	t->cdata = false;
	t->type = XML_EOF;
	while (x->p < x->end) {
		if (*x->p != '<')
			return xml_chardata(x, t);
		/* "<![CDATA[" needs 9 bytes to be told from a tag */
		if (x->more && x->end - x->p < 9)
			return XML_MORE;
		if (x->end - x->p < 2 || (x->p[1] != '?' && x->p[1] != '!'))
			return xml_tag(x, t);
		if ((r = xml_markup(x, t)) != XML_OPEN)
			return r;
	}
	return x->more ? XML_MORE : (t->type = XML_EOF);
}

/* xml_attrs_init - iterate over the attributes of a tag */
void
xml_attrs_init(struct xml_attrs *it, const struct xml_tok *t)
{
	it->p = t->attrs;
	it->end = t->attrs != NULL ? t->attrs + t->alen : NULL;
}

/* xml_attrs_next - the next attribute's local name and raw value */
bool
xml_attrs_next(struct xml_attrs *it, const char **local, size_t *ln,
    const char **v, size_t *vn)
{
	const char *p = it->p, *end = it->end, *name;
	char quote;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' ||
	    *p == '\n'))
		p++;
	name = p;
	while (p < end && *p != '=' && *p != ' ')
		p++;
	*local = xml_local(name, (size_t)(p - name), ln);
	while (p < end && (*p == '=' || *p == ' '))
		p++;
	if (p >= end || (*p != '"' && *p != '\'')) {
		it->p = end;
		return false;
	}
	quote = *p++;
	*v = p;
	while (p < end && *p != quote)
		p++;
	*vn = (size_t)(p - *v);
	it->p = p < end ? p + 1 : end;
	return true;
}

/* xml_attr - raw value of an attribute by local name */
bool
xml_attr(const struct xml_tok *t, const char *local, const char **v,
    size_t *vn)
{
	struct xml_attrs it;
	const char *q;
	size_t ln, n = strlen(local);

	xml_attrs_init(&it, t);
	while (xml_attrs_next(&it, &q, &ln, v, vn))
		if (ln == n && memcmp(q, local, n) == 0)
			return true;
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
		amp = xml_find(p, p + n, '&');
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
