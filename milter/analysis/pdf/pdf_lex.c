/*
 * pdf_lex - just enough PDF syntax to read trailers and dictionaries
 *
 * SYNOPSIS
 *	size_t pdf_ws(const struct pdf *p, size_t i)
 *	size_t pdf_skip_value(const struct pdf *p, size_t i)
 *	size_t pdf_skip_token(const struct pdf *p, size_t i)
 *	bool pdf_dict_get(const struct pdf *p, size_t dict, const char *key,
 *	    size_t *val)
 *	bool pdf_int(), pdf_name(), pdf_ref(); size_t pdf_string(),
 *	    pdf_string_at() (which also gives where the string ends),
 *	    pdf_string_escape() (one backslash escape)
 *	bool pdf_obj(const struct pdf *p, long num, long gen, size_t *body)
 *	bool pdf_resolve(const struct pdf *p, size_t *val)
 *	bool pdf_trailer(const struct pdf *p, size_t *dict)
 *
 * DESCRIPTION
 *	Positions are byte offsets into the file.  pdf_skip_value() steps
 *	over one value (dictionary, array, literal or hex string, name,
 *	number, keyword, or an indirect reference "N G R"), nesting at most
 *	PDF_DEPTH_MAX deep, and always makes progress; pdf_skip_token() does
 *	the same without looking for references, for content streams (which
 *	have none: a number there is one token).  pdf_trailer() finds
 *	the dictionary of the last cross-reference section: the one that
 *	the last startxref points to (a classic "trailer" or an xref
 *	stream), else the last "trailer" keyword; incremental updates
 *	repeat /Encrypt there, so it is the one that counts (TECH-NOTES 8.5).
 *	pdf_obj() finds the last definition of an object (also the latest
 *	after incremental updates).  Damaged files simply yield "not found".
 *
 * SPDX-License-Identifier: MIT
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analysis/pdf/pdf.h"

#define PDF_DEPTH_MAX	64

/* pdf_is_ws - PDF white space */
static bool
pdf_is_ws(unsigned char c)
{
	return c == 0 || c == '\t' || c == '\n' || c == '\f' || c == '\r' ||
	    c == ' ';
}

/* PDF delimiters and white space (a table: called for every byte) */
static const bool pdf_delims[256] = {
	[0] = true, ['\t'] = true, ['\n'] = true, ['\f'] = true,
	['\r'] = true, [' '] = true, ['('] = true, [')'] = true,
	['<'] = true, ['>'] = true, ['['] = true, [']'] = true, ['{'] = true,
	['}'] = true, ['/'] = true, ['%'] = true,
};

/* pdf_is_delim - PDF delimiter or white space */
static inline bool
pdf_is_delim(unsigned char c)
{
	return pdf_delims[c];
}

/* pdf_ws - skip white space and comments */
size_t
pdf_ws(const struct pdf *p, size_t i)
{
	while (i < p->len) {
		if (p->d[i] == '%') {
			while (i < p->len && p->d[i] != '\n' && p->d[i] != '\r')
				i++;
		} else if (pdf_is_ws(p->d[i]))
			i++;
		else
			break;
	}
	return i;
}

/* pdf_skip_string - past a literal string at '(' */
static size_t
pdf_skip_string(const struct pdf *p, size_t i)
{
	int depth = 0;

	for (; i < p->len; i++) {
		if (p->d[i] == '\\')
			i++;
		else if (p->d[i] == '(')
			depth++;
		else if (p->d[i] == ')' && --depth == 0)
			return i + 1;
	}
	return p->len;
}

/* pdf_skip - past one token or container */
static size_t
pdf_skip(const struct pdf *p, size_t i, int depth)
{
	const unsigned char *q;
	char close;

	i = pdf_ws(p, i);
	if (i >= p->len || depth > PDF_DEPTH_MAX)
		return p->len;
	if (p->d[i] == '(')
		return pdf_skip_string(p, i);
	if (p->d[i] == '<' && i + 1 < p->len && p->d[i + 1] != '<') {
		q = memchr(p->d + i, '>', p->len - i);
		return q ? (size_t)(q - p->d) + 1 : p->len;
	}
	if (p->d[i] == '[' || p->d[i] == '<') {
		close = p->d[i] == '[' ? ']' : '>';
		i += close == ']' ? 1 : 2;
		for (;;) {
			i = pdf_ws(p, i);
			if (i >= p->len)
				return p->len;
			if (p->d[i] == (unsigned char)close)
				return i + (close == ']' ? 1 : 2);
			i = pdf_skip(p, i, depth + 1);
		}
	}
	if (p->d[i] == '/')
		i++;
	else if (pdf_is_delim(p->d[i]))
		return i + 1;		/* stray delimiter: step over it */
	while (i < p->len && !pdf_is_delim(p->d[i]))
		i++;
	return i;
}

/* pdf_skip_token - past one token or container of a content stream */
size_t
pdf_skip_token(const struct pdf *p, size_t i)
{
	return pdf_skip(p, i, 0);
}

/* pdf_skip_value - past one value, an "N G R" reference included */
size_t
pdf_skip_value(const struct pdf *p, size_t i)
{
	long n, g;

	if (pdf_ref(p, i, &n, &g)) {
		i = pdf_skip(p, i, 0);
		i = pdf_skip(p, i, 0);
		return pdf_skip(p, i, 0);
	}
	return pdf_skip(p, i, 0);
}

/* pdf_token_is - is the token at i exactly `word`? */
static bool
pdf_token_is(const struct pdf *p, size_t i, const char *word)
{
	size_t n = strlen(word);

	return i + n <= p->len && memcmp(p->d + i, word, n) == 0 &&
	    (i + n == p->len || pdf_is_delim(p->d[i + n]));
}

/* pdf_dict_get - position of a key's value in the dictionary at "<<" */
bool
pdf_dict_get(const struct pdf *p, size_t dict, const char *key, size_t *val)
{
	size_t i = pdf_ws(p, dict), n = strlen(key), s;

	if (i + 1 >= p->len || p->d[i] != '<' || p->d[i + 1] != '<')
		return false;
	for (i += 2;;) {
		i = pdf_ws(p, i);
		if (i >= p->len || p->d[i] != '/')
			return false;
		s = i + 1;
		i = pdf_skip(p, i, 0);
		if (i - s == n && memcmp(p->d + s, key, n) == 0) {
			*val = pdf_ws(p, i);
			return true;
		}
		i = pdf_skip_value(p, i);
	}
}

/*
 * pdf_int - an integer (or the integer part of a real): a run of at most
 * 23 signs and digits read as strtol() reads it (a sign, digits up to
 * the first other character, LONG_MAX or LONG_MIN when too long)
 */
bool
pdf_int(const struct pdf *p, size_t i, long *v)
{
	size_t k = 0, j;
	bool neg;
	long n = 0;
	int d;

	i = pdf_ws(p, i);
	while (i + k < p->len && k < 23 && (p->d[i + k] == '-' ||
	    p->d[i + k] == '+' || (p->d[i + k] >= '0' && p->d[i + k] <= '9')))
		k++;
	if (k == 0 || (k == 1 && (p->d[i] == '-' || p->d[i] == '+')))
		return false;
	neg = p->d[i] == '-';
	j = p->d[i] == '-' || p->d[i] == '+';
	for (; j < k && p->d[i + j] >= '0' && p->d[i + j] <= '9'; j++) {
		d = p->d[i + j] - '0';
		if (n > (LONG_MAX - d) / 10) {
			*v = neg ? LONG_MIN : LONG_MAX;
			return true;
		}
		n = n * 10 + d;
	}
	*v = neg ? -n : n;
	return true;
}

/* pdf_name - a name without its slash, cut to the buffer */
bool
pdf_name(const struct pdf *p, size_t i, char *buf, size_t n)
{
	size_t k = 0;

	i = pdf_ws(p, i);
	if (i >= p->len || p->d[i] != '/' || n == 0)
		return false;
	for (i++; i < p->len && !pdf_is_delim(p->d[i]) && k < n - 1; i++)
		buf[k++] = (char)p->d[i];
	buf[k] = '\0';
	return true;
}

/* pdf_hexval - value of a hex digit or -1 */
static int
pdf_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* pdf_string_escape - one backslash escape of a literal string at i
 * (after the backslash): its byte in *c, and where the escape ends */
size_t
pdf_string_escape(const struct pdf *p, size_t i, unsigned char *c)
{
	static const char from[] = "nrtbf", to[] = "\n\r\t\b\f";
	const char *e;
	int v = 0, k;

	if (i >= p->len)
		return i;
	if ((e = strchr(from, p->d[i])) != NULL && p->d[i]) {
		*c = (unsigned char)to[e - from];
		return i + 1;
	}
	if (p->d[i] >= '0' && p->d[i] <= '7') {
		for (k = 0; k < 3 && i < p->len && p->d[i] >= '0' &&
		    p->d[i] <= '7'; k++)
			v = v * 8 + (p->d[i++] - '0');
		*c = (unsigned char)v;
		return i;
	}
	*c = p->d[i];
	return i + 1;
}

/* pdf_string - decode a literal or hex string; length, or -1 */
size_t
pdf_string(const struct pdf *p, size_t i, unsigned char *buf, size_t max)
{
	size_t end;

	return pdf_string_at(p, i, buf, max, &end);
}

/* pdf_string_at - pdf_string(), and *end: the position past the string */
size_t
pdf_string_at(const struct pdf *p, size_t i, unsigned char *buf, size_t max,
    size_t *end)
{
	size_t n = 0;
	int depth = 0, h, hi = -1;
	unsigned char c;

	i = pdf_ws(p, i);
	if (i < p->len && p->d[i] == '<') {
		for (i++; i < p->len && p->d[i] != '>'; i++) {
			if ((h = pdf_hexval(p->d[i])) < 0)
				continue;
			if (hi < 0)
				hi = h;
			else {
				if (n < max)
					buf[n++] = (unsigned char)(hi << 4 | h);
				hi = -1;
			}
		}
		if (hi >= 0 && n < max)
			buf[n++] = (unsigned char)(hi << 4);
		*end = i < p->len ? i + 1 : i;
		return n;
	}
	*end = i;
	if (i >= p->len || p->d[i] != '(')
		return (size_t)-1;
	for (i++; i < p->len; ) {
		c = p->d[i++];
		if (c == '\\') {
			if (i < p->len &&
			    (p->d[i] == '\r' || p->d[i] == '\n')) {
				i += p->d[i] == '\r' && i + 1 < p->len &&
				    p->d[i + 1] == '\n' ? 2 : 1;
				continue;
			}
			i = pdf_string_escape(p, i, &c);
		} else if (c == '(')
			depth++;
		else if (c == ')' && depth-- == 0)
			break;
		if (n < max)
			buf[n++] = c;
	}
	*end = i;
	return n;
}

/* pdf_ref - an indirect reference "N G R" at i */
bool
pdf_ref(const struct pdf *p, size_t i, long *num, long *gen)
{
	size_t j;

	i = pdf_ws(p, i);
	if (i >= p->len || p->d[i] < '0' || p->d[i] > '9' ||
	    !pdf_int(p, i, num))
		return false;
	j = pdf_ws(p, pdf_skip(p, i, 0));
	if (j >= p->len || p->d[j] < '0' || p->d[j] > '9' ||
	    !pdf_int(p, j, gen))
		return false;
	j = pdf_ws(p, pdf_skip(p, j, 0));
	return pdf_token_is(p, j, "R");
}

/* pdf_memfind - first occurrence of a string: memchr for its first byte
 * (glibc's memmem reads every byte of a long haystack for a short
 * needle at several times memchr's cost) */
const unsigned char *
pdf_memfind(const unsigned char *h, size_t hn, const char *needle)
{
	size_t n = strlen(needle), off = 0;
	const unsigned char *q;

	while (n > 0 && off + n <= hn &&
	    (q = memchr(h + off, needle[0], hn - off - n + 1)) != NULL) {
		if (memcmp(q, needle, n) == 0)
			return q;
		off = (size_t)(q - h) + 1;
	}
	return NULL;
}

/* pdf_memrmem - last occurrence of a string, searched from the end (the
 * trailer is there: no pass over the whole file) */
const unsigned char *
pdf_memrmem(const unsigned char *h, size_t hn, const char *needle)
{
	size_t n = strlen(needle), end;
	const unsigned char *q;

	if (n == 0 || n > hn)
		return NULL;
	end = hn - n + 1;	/* a match starts before h + end */
	while (end > 0 && (q = memrchr(h, needle[0], end)) != NULL) {
		if (memcmp(q, needle, n) == 0)
			return q;
		end = (size_t)(q - h);
	}
	return NULL;
}

/*
 * pdf_next_obj - the next "N G obj <<" at or after *off: its numbers and
 * the position of its dictionary; *off moves past the "obj" either way.
 * Found by the rare 'j' (memchr) and the bytes around it, not by memmem.
 */
bool
pdf_next_obj(const struct pdf *p, size_t *off, long *num, long *gen,
    size_t *dict)
{
	const unsigned char *q;
	size_t i, b;

	while (*off < p->len &&
	    (q = memchr(p->d + *off, 'j', p->len - *off)) != NULL) {
		i = (size_t)(q - p->d);
		*off = i + 1;
		if (i < 4 || memcmp(q - 3, " obj", 4) != 0)
			continue;
		/* back over "N G" */
		for (i -= 3; i > 0 && p->d[i - 1] >= '0' && p->d[i - 1] <= '9';)
			i--;
		b = i;
		if (b == 0 || p->d[b - 1] != ' ')
			continue;
		for (i = b - 1; i > 0 && p->d[i - 1] >= '0' &&
		    p->d[i - 1] <= '9';)
			i--;
		if (!pdf_int(p, i, num) || !pdf_int(p, b, gen))
			continue;
		i = pdf_ws(p, *off);
		if (i + 1 < p->len && p->d[i] == '<' && p->d[i + 1] == '<') {
			*dict = i;
			return true;
		}
	}
	*off = p->len;
	return false;
}

/* pdf_obj - body of the last "num gen obj" definition */
bool
pdf_obj(const struct pdf *p, long num, long gen, size_t *body)
{
	const unsigned char *q, *found = NULL;
	char pat[48];
	size_t n, off = 0;

	n = (size_t)snprintf(pat, sizeof(pat), "%ld %ld obj", num, gen);
	while (off < p->len &&
	    (q = memmem(p->d + off, p->len - off, pat, n)) != NULL) {
		if (q == p->d || pdf_is_delim(q[-1]))
			found = q;
		off = (size_t)(q - p->d) + 1;
	}
	if (found == NULL)
		return false;
	*body = pdf_ws(p, (size_t)(found - p->d) + n);
	return true;
}

/* pdf_resolve - follow an indirect reference to the object's body */
bool
pdf_resolve(const struct pdf *p, size_t *val)
{
	long num, gen;

	if (!pdf_ref(p, *val, &num, &gen))
		return true;
	return pdf_obj(p, num, gen, val);
}

/* pdf_trailer - the dictionary of the last cross-reference section */
bool
pdf_trailer(const struct pdf *p, size_t *dict)
{
	const unsigned char *sx = pdf_memrmem(p->d, p->len, "startxref");
	const unsigned char *tr;
	long off;
	size_t i;

	if (sx != NULL && pdf_int(p, (size_t)(sx - p->d) + 9, &off) &&
	    off > 0 && (size_t)off < p->len) {
		i = pdf_ws(p, (size_t)off);
		if (pdf_token_is(p, i, "xref")) {
			tr = memmem(p->d + i, p->len - i, "trailer", 7);
			if (tr != NULL) {
				*dict = pdf_ws(p, (size_t)(tr - p->d) + 7);
				return true;
			}
		} else {
			for (int k = 0; k < 3; k++)
				i = pdf_ws(p, pdf_skip(p, i, 0));
			if (i + 1 < p->len && p->d[i] == '<') {
				*dict = i;
				return true;
			}
		}
	}
	tr = pdf_memrmem(p->d, p->len, "trailer");
	if (tr == NULL)
		return false;
	*dict = pdf_ws(p, (size_t)(tr - p->d) + 7);
	return true;
}
