/*
 * textbuf - bounded UTF-8 text collected for the content detectors
 *
 * SYNOPSIS
 *	void textbuf_init(struct textbuf *t, size_t max)
 *	void textbuf_reset(struct textbuf *t, size_t max)
 *	bool textbuf_full(const struct textbuf *t)
 *	void textbuf_add(struct textbuf *t, const char *p, size_t n)
 *	void textbuf_put(struct textbuf *t, const char *p, size_t n)
 *	void textbuf_addc(struct textbuf *t, char c)
 *	void textbuf_add_cp(struct textbuf *t, uint32_t cp)
 *	void textbuf_sep(struct textbuf *t, char c)
 *	void textbuf_cell(struct textbuf *t)
 *	void textbuf_row(struct textbuf *t)
 *	void textbuf_store(struct textbuf *t, struct attachment *a)
 *	void textbuf_free(struct textbuf *t)
 *	size_t utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
 *
 * DESCRIPTION
 *	Extractors append text; past `max` bytes the rest is dropped and
 *	`truncated` set, so a huge document never costs more than the cap.
 *	textbuf_add() takes bytes that should be UTF-8 and replaces any
 *	invalid sequence with U+FFFD and NUL with a space, so the stored
 *	text is always valid UTF-8 for PCRE2; textbuf_put() appends text
 *	that is valid already (taken from another textbuf).  textbuf_sep() adds a
 *	separator ('\n', '\t', ' ') unless the text already ends with
 *	whitespace of the same strength.  utf8_decode() returns the length
 *	of one valid, shortest-form UTF-8 character, or 0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/* text beyond this gets a buffer of the cap's size (pages are only
 * resident once written); textbuf_store() gives back what is unused */
#define TEXTBUF_RESERVE	(256 * 1024)
/* ... when the cap is below this (a bigger one still grows by doubling) */
#define TEXTBUF_WHOLE_MAX	(64 * 1024 * 1024)

/* textbuf_init - empty text with a cap */
void
textbuf_init(struct textbuf *t, size_t max)
{
	memset(t, 0, sizeof(*t));
	t->max = max;
}

/* textbuf_reset - empty the text for reuse, keeping its buffer */
void
textbuf_reset(struct textbuf *t, size_t max)
{
	t->len = 0;
	t->max = max;
	t->truncated = false;
	if (t->s != NULL)
		t->s[0] = '\0';
	if (t->cap > max + 1) {
		free(t->s);
		t->s = NULL;
		t->cap = 0;
	}
}

/* textbuf_put - append valid UTF-8 bytes, cutting at the cap */
void
textbuf_put(struct textbuf *t, const char *p, size_t n)
{
	if (t->len + n > t->max) {
		size_t fit = t->max > t->len ? t->max - t->len : 0;

		/* cut on a character boundary, never inside one */
		while (fit > 0 && fit < n &&
		    ((unsigned char)p[fit] & 0xc0) == 0x80)
			fit--;
		t->truncated = true;
		n = fit;
		if (n == 0)
			return;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 256;

		while (cap < t->len + n + 1)
			cap *= 2;
		/* past TEXTBUF_RESERVE, room for the whole cap at once: a
		 * copy at each doubling touched twice the pages */
		if ((cap > TEXTBUF_RESERVE && t->max < TEXTBUF_WHOLE_MAX) ||
		    cap > t->max + 1)
			cap = t->max + 1;
		t->s = xrealloc(t->s, cap);
		t->cap = cap;
	}
	memcpy(t->s + t->len, p, n);
	t->len += n;
	t->s[t->len] = '\0';
}

/* utf8_decode - decode one character; 0 if invalid or incomplete */
size_t
utf8_decode(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t k, i;
	uint32_t c;

	if (n == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		k = 2;
		c = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		k = 3;
		c = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		k = 4;
		c = p[0] & 0x07;
	} else
		return 0;
	if (n < k)
		return 0;
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return k;
}

/* textbuf_add_cp - append one code point */
void
textbuf_add_cp(struct textbuf *t, uint32_t cp)
{
	char u[4];

	if (cp == 0)
		cp = ' ';
	if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		cp = 0xfffd;
	if (cp < 0x80) {
		u[0] = (char)cp;
		textbuf_put(t, u, 1);
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | (cp >> 6));
		u[1] = (char)(0x80 | (cp & 0x3f));
		textbuf_put(t, u, 2);
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | (cp >> 12));
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		textbuf_put(t, u, 3);
	} else {
		u[0] = (char)(0xf0 | (cp >> 18));
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		textbuf_put(t, u, 4);
	}
}

/* textbuf_add - append bytes, repairing invalid UTF-8 and NUL */
void
textbuf_add(struct textbuf *t, const char *p, size_t n)
{
	const unsigned char *u = (const unsigned char *)p;
	size_t i = 0, run = 0, k, room;
	uint32_t cp;

	/* repairs never shrink the text: bytes past the room cannot fit */
	room = t->max > t->len ? t->max - t->len : 0;
	if (n > room) {
		n = room;
		t->truncated = true;
	}
	while (i < n) {
		if (u[i] >= 0x01 && u[i] <= 0x7f) {	/* ASCII, not NUL */
			i++;
			run++;
			continue;
		}
		k = utf8_decode(u + i, n - i, &cp);
		if (k > 0 && cp != 0) {
			i += k;
			run += k;
			continue;
		}
		textbuf_put(t, p + i - run, run);
		run = 0;
		textbuf_add_cp(t, k == 0 ? 0xfffd : ' ');
		i += k == 0 ? 1 : k;
		if (textbuf_full(t))
			break;
	}
	if (run > 0)
		textbuf_put(t, p + i - run, run);
	if (i < n)
		t->truncated = true;
}

/* textbuf_addc - append one ASCII character */
void
textbuf_addc(struct textbuf *t, char c)
{
	textbuf_put(t, &c, 1);
}

/* textbuf_sep - append a separator unless one is already there */
void
textbuf_sep(struct textbuf *t, char c)
{
	char last;

	if (t->len == 0)
		return;
	last = t->s[t->len - 1];
	if (last == '\n' || (last == c) || (c == ' ' && last == '\t'))
		return;
	textbuf_put(t, &c, 1);
}

/* textbuf_trim - drop trailing spaces */
static void
textbuf_trim(struct textbuf *t)
{
	while (t->len > 0 && t->s[t->len - 1] == ' ')
		t->s[--t->len] = '\0';
}

/* textbuf_cell - end a table cell: '\t' in place of trailing spaces */
void
textbuf_cell(struct textbuf *t)
{
	textbuf_trim(t);
	textbuf_addc(t, '\t');
}

/* textbuf_row - end a table row: '\n' in place of the last '\t' */
void
textbuf_row(struct textbuf *t)
{
	textbuf_trim(t);
	if (t->len > 0 && t->s[t->len - 1] == '\t')
		t->s[--t->len] = '\0';
	textbuf_sep(t, '\n');
}

/* textbuf_store - move the text into a record (NULL when empty) */
void
textbuf_store(struct textbuf *t, struct attachment *a)
{
	free(a->text);
	if (t->s != NULL && t->cap - t->len > TEXTBUF_RESERVE) {
		t->s = xrealloc(t->s, t->len + 1);
		t->cap = t->len + 1;
	}
	a->text = t->s;
	a->text_len = t->len;
	a->text_truncated = t->truncated;
	t->s = NULL;
	textbuf_free(t);
}

/* textbuf_free - drop the text */
void
textbuf_free(struct textbuf *t)
{
	free(t->s);
	t->s = NULL;
	t->len = t->cap = 0;
}
