/*
 * eml - split a message file into header and body events
 *
 * SYNOPSIS
 *	eml_feed(), eml_header_addresses(), eml_addresses_free()
 *
 * DESCRIPTION
 *	The header section ends at the first empty line, or, as Postfix's
 *	cleanup decides, at the first line that is neither a header
 *	("name:" with printable name characters) nor a continuation
 *	(starting with white space): that line starts the body.  Bare LF
 *	line ends become CRLF, as SMTP would deliver them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "util/addr.h"
#include "engine/eml.h"
#include "util/xalloc.h"

#define EML_CHUNK 65535		/* libmilter's largest body chunk */

/* The headers Postfix drops before milters see the message. */
static const char *const eml_dropped[] = { "bcc", "resent-bcc",
    "content-length", "return-path", NULL };

struct eml_line {
	const char *start;	/* line text without its line end */
	size_t	 len;
	const char *next;	/* the next line */
};

/* eml_next_line - the line at p, or false at the end */
static bool
eml_next_line(const char *p, const char *end, struct eml_line *l)
{
	const char *nl;

	if (p >= end)
		return false;
	nl = memchr(p, '\n', (size_t)(end - p));
	l->start = p;
	l->next = nl != NULL ? nl + 1 : end;
	l->len = (size_t)((nl != NULL ? nl : end) - p);
	if (l->len > 0 && p[l->len - 1] == '\r')
		l->len--;
	return true;
}

/* eml_header_name_len - length of "name" before ':', or 0 */
static size_t
eml_header_name_len(const struct eml_line *l)
{
	for (size_t i = 0; i < l->len; i++) {
		unsigned char c = (unsigned char)l->start[i];

		if (c == ':')
			return i;
		if (c <= 32 || c >= 127)
			return 0;
	}
	return 0;
}

/* eml_is_dropped - a header Postfix removes */
static bool
eml_is_dropped(const char *name)
{
	for (size_t i = 0; eml_dropped[i] != NULL; i++)
		if (strcasecmp(name, eml_dropped[i]) == 0)
			return true;
	return false;
}

typedef int (*eml_header_fn)(void *user, const char *name, const char *value);

/* eml_append - value + "\n" + text */
static char *
eml_append(char *value, const char *text, size_t len)
{
	size_t old = strlen(value);

	value = xrealloc(value, old + len + 2);
	value[old] = '\n';
	memcpy(value + old + 1, text, len);
	value[old + len + 1] = '\0';
	return value;
}

/* eml_emit - hand one collected header to the callback, then free it */
static int
eml_emit(eml_header_fn fn, void *user, char *name, char *value)
{
	int rc = name != NULL ? fn(user, name, value) : 0;

	free(name);
	free(value);
	return rc;
}

/* eml_walk_headers - call fn per header; returns where the body starts */
static const char *
eml_walk_headers(const char *p, const char *end, eml_header_fn fn,
    void *user, int *rc)
{
	char *name = NULL, *value = NULL;
	struct eml_line l;
	size_t nlen;

	*rc = 0;
	while (*rc == 0 && eml_next_line(p, end, &l)) {
		if (l.len == 0) {
			p = l.next;
			break;
		}
		if ((l.start[0] == ' ' || l.start[0] == '\t') && name != NULL) {
			value = eml_append(value, l.start, l.len);
		} else if ((nlen = eml_header_name_len(&l)) > 0) {
			*rc = eml_emit(fn, user, name, value);
			name = xstrndup(l.start, nlen);
			value = xstrndup(l.start + nlen + 1, l.len - nlen - 1);
		} else
			break;	/* not a header: the body starts here */
		p = l.next;
	}
	if (*rc == 0)
		*rc = eml_emit(fn, user, name, value);
	else {
		free(name);
		free(value);
	}
	return p;
}

/* eml_add_header - callback: headers an MTA passes on reach the model */
static int
eml_add_header(void *user, const char *name, const char *value)
{
	if (eml_is_dropped(name))
		return 0;
	return msg_add_header(user, name, value);
}

/* eml_feed_body - body with CRLF line ends, in milter-sized chunks */
static int
eml_feed_body(struct msg *m, const char *p, const char *end)
{
	char *buf = xmalloc(EML_CHUNK + 2);
	size_t n = 0;
	char prev = '\0';
	int rc = 0;

	for (; p < end && rc == 0; p++) {
		if (*p == '\n' && prev != '\r')
			buf[n++] = '\r';
		buf[n++] = prev = *p;
		if (n >= EML_CHUNK) {
			rc = msg_append_body(m, buf, n);
			n = 0;
		}
	}
	if (rc == 0 && n > 0)
		rc = msg_append_body(m, buf, n);
	free(buf);
	return rc;
}

/* eml_feed - headers, end of headers, body */
int
eml_feed(struct msg *m, const char *data, size_t len)
{
	const char *end = data + len, *body;
	int rc;

	body = eml_walk_headers(data, end, eml_add_header, m, &rc);
	if (rc == 0)
		rc = msg_end_headers(m);
	if (rc == 0)
		rc = eml_feed_body(m, body, end);
	return rc;
}

struct eml_collect {
	const char *const *names;
	char	**list;
	size_t	 count;
};

/* eml_collect_list - add the mailboxes of a parsed list (groups too) */
static void
eml_collect_list(struct eml_collect *c, InternetAddressList *list)
{
	for (int i = 0; list != NULL && i < internet_address_list_length(list);
	    i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);
		const char *a;

		if (INTERNET_ADDRESS_IS_GROUP(ia)) {
			eml_collect_list(c, internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)));
			continue;
		}
		a = internet_address_mailbox_get_addr(
		    INTERNET_ADDRESS_MAILBOX(ia));
		if (a == NULL || strchr(a, '@') == NULL)
			continue;
		c->list = xreallocarray(c->list, c->count + 2, sizeof(char *));
		c->list[c->count++] = xstrdup(a);
		c->list[c->count] = NULL;
	}
}

/* eml_collect_header - callback: addresses of the wanted headers */
static int
eml_collect_header(void *user, const char *name, const char *value)
{
	struct eml_collect *c = user;
	InternetAddressList *list;

	for (size_t i = 0; c->names[i] != NULL; i++) {
		if (strcasecmp(name, c->names[i]) != 0)
			continue;
		list = internet_address_list_parse(NULL, value);
		eml_collect_list(c, list);
		if (list != NULL)
			g_object_unref(list);
	}
	return 0;
}

/* eml_header_addresses - addresses named in some headers of a file */
char **
eml_header_addresses(const char *data, size_t len, const char *const *names)
{
	struct eml_collect c = { .names = names };
	int rc;

	(void)eml_walk_headers(data, data + len, eml_collect_header, &c, &rc);
	if (c.list == NULL)
		c.list = xcalloc(1, sizeof(char *));
	return c.list;
}

/* eml_addresses_free - free an address list */
char **
eml_addresses_free(char **list)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++)
		free(list[i]);
	free(list);
	return NULL;
}
