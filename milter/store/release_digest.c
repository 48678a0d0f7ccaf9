/*
 * release_digest - what a release mark covers: the envelope, the
 * headers that decide what the message is, and the body
 *
 * SYNOPSIS
 *	release_canon_new(), release_canon_feed(), release_canon_end(),
 *	release_canon_free(), release_canon_hlist(),
 *	release_canon_digest(), release_digest_mem()
 *
 * DESCRIPTION
 *	One pass over the whole message (headers, empty line, body) as
 *	the milter spools it, as the quarantine stores it (CRLF) or as
 *	sendmail(1) is fed it (LF), and the same message gives the same
 *	digest:
 *
 *	Body: everything after the first empty line, with CR before LF
 *	removed and the line ends at the very end dropped.
 *
 *	Headers: From, To, Cc, Subject, Date, Message-ID, Content-Type,
 *	every occurrence in order.  A header is unfolded (CR and LF
 *	dropped), each run of spaces and tabs becomes one space and the
 *	ends are trimmed; names compare without case.  Other headers
 *	(Received and the other trace headers the MTA adds, the mark
 *	itself) do not count.  Cc, Subject and Content-Type are bound
 *	even when absent, so none can be added; From, To, Date and
 *	Message-ID are bound when the released message has them, because
 *	Postfix's cleanup adds them to mail submitted with sendmail(1)
 *	when they are missing.  The mark names the headers it binds (its
 *	"h=" list, itself inside the digest).
 *
 *	Envelope: the sender and the recipients the message is
 *	re-injected to (brackets stripped, lower case; recipients sorted,
 *	duplicates once), so a mark is good only for the envelope it was
 *	made for.
 *
 *	digest = SHA-256 of "aup-release-2", the sender, each recipient,
 *	the h= list, each bound header with its count and values, and
 *	the body's SHA-256, one a line.
 *
 * DIAGNOSTICS
 *	release_canon_digest() and release_digest_mem() return -1 for an
 *	h= list that names an unknown header or leaves out one always
 *	bound (a forged or foreign mark).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "store/release_digest.h"
#include "util/xalloc.h"

#define CANON_NAMES	7
#define CANON_NAME_MAX	64	/* longer names are none of ours */

/* The headers a mark may bind, in digest order. */
static const char *const canon_names[CANON_NAMES] = {
	"from", "to", "cc", "subject", "date", "message-id", "content-type"
};
/* Bound even when absent: the MTA never adds them. */
static const bool canon_always[CANON_NAMES] = {
	false, false, true, true, false, false, true
};

struct release_canon {
	GChecksum *body;
	bool	 in_body;
	bool	 line_start;	/* headers: a line end waits for the next byte */
	bool	 cr;		/* body: a CR waits to see what follows */
	size_t	 nl;		/* body: line ends not yet written */
	GString	*cur;		/* headers: the current header, unfolded */
	bool	 skip;		/* the current header is none of ours */
	GString	*values[CANON_NAMES];	/* "value\n" per occurrence */
	size_t	 count[CANON_NAMES];
	char	 body_hex[65];
	unsigned char buf[4096];
	size_t	 len;
};

/* release_canon_new - an empty digest state */
struct release_canon *
release_canon_new(void)
{
	struct release_canon *c = xcalloc(1, sizeof(*c));

	c->body = g_checksum_new(G_CHECKSUM_SHA256);
	c->line_start = true;
	c->cur = g_string_new(NULL);
	for (size_t i = 0; i < CANON_NAMES; i++)
		c->values[i] = g_string_new(NULL);
	return c;
}

/* release_canon_free - accepts NULL */
void
release_canon_free(struct release_canon *c)
{
	if (c == NULL)
		return;
	if (c->body != NULL)
		g_checksum_free(c->body);
	g_string_free(c->cur, TRUE);
	for (size_t i = 0; i < CANON_NAMES; i++)
		g_string_free(c->values[i], TRUE);
	free(c);
}

/* canon_index - which of ours a header name is, or -1 */
static int
canon_index(const char *name, size_t len)
{
	while (len > 0 && (name[len - 1] == ' ' || name[len - 1] == '\t'))
		len--;
	for (int i = 0; i < CANON_NAMES; i++)
		if (strlen(canon_names[i]) == len &&
		    strncasecmp(canon_names[i], name, len) == 0)
			return i;
	return -1;
}

/* canon_header_done - keep the finished header if it is one of ours */
static void
canon_header_done(struct release_canon *c)
{
	const char *s = c->cur->str, *colon = strchr(s, ':');
	int i = colon != NULL && !c->skip ? canon_index(s,
	    (size_t)(colon - s)) : -1;
	bool space = false;
	GString *v;

	if (i >= 0) {
		v = c->values[i];
		for (const char *p = colon + 1; *p != '\0'; p++) {
			if (*p == ' ' || *p == '\t') {
				space = true;
				continue;
			}
			if (space && v->len > 0 && v->str[v->len - 1] != '\n')
				g_string_append_c(v, ' ');
			space = false;
			g_string_append_c(v, *p);
		}
		g_string_append_c(v, '\n');
		c->count[i]++;
	}
	g_string_truncate(c->cur, 0);
	c->skip = false;
}

/* canon_header_byte - one header byte (CR already dropped) */
static void
canon_header_byte(struct release_canon *c, unsigned char b)
{
	if (c->line_start) {
		c->line_start = false;
		if (b == '\n') {		/* the empty line */
			canon_header_done(c);
			c->in_body = true;
			return;
		}
		if (b != ' ' && b != '\t')	/* not a fold: a new header */
			canon_header_done(c);
	}
	if (b == '\n') {
		c->line_start = true;
		return;
	}
	if (c->skip)
		return;
	g_string_append_c(c->cur, (char)b);
	/* A name too long, or a name that is none of ours: stop keeping. */
	if (b == ':' && strchr(c->cur->str, ':') == c->cur->str +
	    c->cur->len - 1)
		c->skip = canon_index(c->cur->str, c->cur->len - 1) < 0;
	else if (c->cur->len > CANON_NAME_MAX && strchr(c->cur->str, ':') ==
	    NULL)
		c->skip = true;
}

/* canon_put - one byte of canonical body */
static void
canon_put(struct release_canon *c, unsigned char b)
{
	if (c->len == sizeof(c->buf)) {
		g_checksum_update(c->body, c->buf, (gssize)c->len);
		c->len = 0;
	}
	c->buf[c->len++] = b;
}

/* canon_body_byte - one body byte */
static void
canon_body_byte(struct release_canon *c, unsigned char b)
{
	if (c->cr && b != '\n') {
		for (; c->nl > 0; c->nl--)
			canon_put(c, '\n');
		canon_put(c, '\r');
	}
	c->cr = false;
	if (b == '\r')
		c->cr = true;
	else if (b == '\n')
		c->nl++;
	else {
		for (; c->nl > 0; c->nl--)
			canon_put(c, '\n');
		canon_put(c, b);
	}
}

/* release_canon_feed - bytes of the whole message, in order */
void
release_canon_feed(struct release_canon *c, const void *data, size_t n)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < n; i++) {
		if (c->in_body)
			canon_body_byte(c, p[i]);
		else if (p[i] != '\r')
			canon_header_byte(c, p[i]);
	}
}

/* release_canon_end - the message is complete */
void
release_canon_end(struct release_canon *c)
{
	if (!c->in_body)
		canon_header_done(c);
	g_checksum_update(c->body, c->buf, (gssize)c->len);
	snprintf(c->body_hex, sizeof(c->body_hex), "%s",
	    g_checksum_get_string(c->body));
	g_checksum_free(c->body);
	c->body = NULL;
}

/* release_canon_hlist - the h= list of a new mark (new string) */
char *
release_canon_hlist(const struct release_canon *c)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < CANON_NAMES; i++)
		if (canon_always[i] || c->count[i] > 0)
			g_string_append_printf(s, "%s%s", s->len ? ":" : "",
			    canon_names[i]);
	return g_string_free(s, FALSE);
}

/* canon_hmask - the h= list as a bit per name; -1 if not acceptable */
static int
canon_hmask(const char *hlist)
{
	gchar **v = g_strsplit(hlist, ":", -1);
	int mask = 0, i;

	for (size_t k = 0; v[k] != NULL && mask >= 0; k++)
		mask = (i = canon_index(v[k], strlen(v[k]))) < 0 ? -1 :
		    mask | 1 << i;
	g_strfreev(v);
	for (i = 0; i < CANON_NAMES && mask >= 0; i++)
		if (canon_always[i] && !(mask & 1 << i))
			mask = -1;
	return mask;
}

/* canon_addr - an envelope address: no brackets or white space, lower */
static char *
canon_addr(const char *a)
{
	size_t n;

	a = a != NULL ? a : "";
	while (*a == ' ' || *a == '\t' || *a == '<')
		a++;
	n = strlen(a);
	while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t' ||
	    a[n - 1] == '>'))
		n--;
	return g_ascii_strdown(a, (gssize)n);
}

/* canon_cmp - qsort of strings */
static int
canon_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* canon_envelope - sender and sorted distinct recipients into ck */
static void
canon_envelope(GChecksum *ck, const char *sender, const char *const *rcpts,
    size_t n)
{
	char **v = xcalloc(n + 1, sizeof(char *)), *s = canon_addr(sender);
	GString *line = g_string_new(NULL);

	g_string_printf(line, "sender:%s\n", s);
	for (size_t i = 0; i < n; i++)
		v[i] = canon_addr(rcpts[i]);
	qsort(v, n, sizeof(char *), canon_cmp);
	for (size_t i = 0; i < n; i++)
		if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
			g_string_append_printf(line, "rcpt:%s\n", v[i]);
	g_checksum_update(ck, (const guchar *)line->str, (gssize)line->len);
	for (size_t i = 0; i < n; i++)
		g_free(v[i]);
	free(v);
	g_free(s);
	g_string_free(line, TRUE);
}

/* release_canon_digest - the digest for an envelope and h= list */
int
release_canon_digest(const struct release_canon *c, const char *sender,
    const char *const *rcpts, size_t nrcpts, const char *hlist,
    char hex[65])
{
	int mask = canon_hmask(hlist);
	GChecksum *ck;
	GString *s;

	if (mask < 0)
		return -1;
	ck = g_checksum_new(G_CHECKSUM_SHA256);
	s = g_string_new("aup-release-2\n");
	g_checksum_update(ck, (const guchar *)s->str, (gssize)s->len);
	canon_envelope(ck, sender, rcpts, nrcpts);
	g_string_truncate(s, 0);
	for (int i = 0; i < CANON_NAMES; i++)
		if (mask & 1 << i)
			g_string_append_printf(s, "%s%s", s->len ? ":" : "h:",
			    canon_names[i]);
	g_string_append_c(s, '\n');
	for (int i = 0; i < CANON_NAMES; i++)
		if (mask & 1 << i)
			g_string_append_printf(s, "%s#%zu\n%s", canon_names[i],
			    c->count[i], c->values[i]->str);
	g_string_append_printf(s, "body:%s\n", c->body_hex);
	g_checksum_update(ck, (const guchar *)s->str, (gssize)s->len);
	snprintf(hex, 65, "%s", g_checksum_get_string(ck));
	g_checksum_free(ck);
	g_string_free(s, TRUE);
	return 0;
}

/* release_digest_mem - digest of a message in memory; *hlist chosen
 * from the message when NULL on entry (a new string then) */
int
release_digest_mem(const char *data, size_t len, const char *sender,
    const char *const *rcpts, size_t nrcpts, char **hlist, char hex[65])
{
	struct release_canon *c = release_canon_new();
	int rc;

	release_canon_feed(c, data, len);
	release_canon_end(c);
	if (*hlist == NULL)
		*hlist = release_canon_hlist(c);
	rc = release_canon_digest(c, sender, rcpts, nrcpts, *hlist, hex);
	release_canon_free(c);
	return rc;
}
