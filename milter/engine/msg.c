/*
 * msg - build the message model from envelope, header and body events
 *
 * SYNOPSIS
 *	msg_new(), msg_free(), msg_set_connection(), msg_set_auth(),
 *	msg_set_sender(), msg_add_rcpt(), msg_set_queue_id(),
 *	msg_add_header(), msg_end_headers(), msg_append_body(),
 *	msg_header(), msg_header_count(), msg_size(), msg_stream(),
 *	msg_subject(), role_name(), direction_name()
 *
 * DESCRIPTION
 *	Headers are kept twice: as a list (name, raw value as received,
 *	unfolded value) for the policies, and in the spool as wire text
 *	(name ":" raw CRLF, folds as CRLF) so the analysis parses exactly
 *	the message the MTA holds.  The raw value keeps its leading space:
 *	the milter negotiates SMFIP_HDR_LEADSPC so a header rewrite can
 *	keep every other byte as it was.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/addr.h"
#include "engine/msg.h"
#include "engine/spool.h"
#include "util/xalloc.h"

/* msg_new - empty message model */
struct msg *
msg_new(const char *spool_dir, size_t threshold)
{
	struct msg *m = xcalloc(1, sizeof(*m));

	m->sender = xstrdup("");
	m->spool = spool_new(spool_dir, threshold);
	return m;
}

/* msg_free - free everything */
struct msg *
msg_free(struct msg *m)
{
	if (m == NULL)
		return NULL;
	free(m->client_addr);
	free(m->cert_subject);
	free(m->client_name);
	free(m->helo);
	free(m->daemon_name);
	free(m->auth);
	free(m->sender);
	for (size_t i = 0; i < m->nrcpts; i++) {
		free(m->rcpts[i].raw);
		free(m->rcpts[i].addr);
		free(m->rcpts[i].norm);
	}
	free(m->rcpts);
	free(m->queue_id);
	for (size_t i = 0; i < m->nheaders; i++) {
		free(m->headers[i].name);
		free(m->headers[i].raw);
		free(m->headers[i].value);
	}
	free(m->headers);
	spool_free(m->spool);
	free(m);
	return NULL;
}

/* replace - free *slot and store a copy of value (NULL or "" -> NULL) */
static void
replace(char **slot, const char *value)
{
	free(*slot);
	*slot = value != NULL && value[0] != '\0' ? xstrdup(value) : NULL;
}

/* msg_set_connection - client facts of the connection */
void
msg_set_connection(struct msg *m, const char *client_addr,
    const char *client_name, const char *helo, const char *daemon)
{
	replace(&m->client_addr, client_addr);
	replace(&m->client_name, client_name);
	replace(&m->helo, helo);
	replace(&m->daemon_name, daemon);
}

/* msg_set_auth - SASL login */
void
msg_set_auth(struct msg *m, const char *login)
{
	replace(&m->auth, login);
}

/* msg_set_client_cert - subject of the verified TLS client certificate */
void
msg_set_client_cert(struct msg *m, const char *subject)
{
	replace(&m->cert_subject, subject);
}

/* msg_set_sender - MAIL FROM */
void
msg_set_sender(struct msg *m, const char *mail_from)
{
	free(m->sender);
	m->sender = addr_strip_brackets(mail_from != NULL ? mail_from : "");
}

/* msg_add_rcpt - RCPT TO */
void
msg_add_rcpt(struct msg *m, const char *rcpt_to)
{
	struct msg_rcpt *r;

	m->rcpts = xreallocarray(m->rcpts, m->nrcpts + 1, sizeof(*m->rcpts));
	r = &m->rcpts[m->nrcpts++];
	r->raw = xstrdup(rcpt_to);
	r->addr = addr_strip_brackets(rcpt_to);
	r->norm = addr_normalize(r->addr);
}

/* msg_set_queue_id - the MTA's queue id */
void
msg_set_queue_id(struct msg *m, const char *qid)
{
	replace(&m->queue_id, qid);
}

/* unfold - raw header value to one trimmed line */
static char *
unfold(const char *raw)
{
	char *out = xmalloc(strlen(raw) + 1), *o = out;
	const char *p = raw;

	while (isspace((unsigned char)*p))
		p++;
	for (; *p != '\0'; p++) {
		if (*p == '\r' || *p == '\n')
			continue;
		*o++ = *p;
	}
	while (o > out && isspace((unsigned char)o[-1]))
		o--;
	*o = '\0';
	return out;
}

/* spool_header - write "name:raw\r\n" with folds as CRLF */
static int
spool_header(struct spool *sp, const char *name, const char *raw)
{
	if (spool_write(sp, name, strlen(name)) < 0 ||
	    spool_write(sp, ":", 1) < 0)
		return -1;
	for (const char *p = raw; *p != '\0'; p++) {
		if (*p == '\r')
			continue;
		if (*p == '\n' ? spool_write(sp, "\r\n", 2) < 0 :
		    spool_write(sp, p, 1) < 0)
			return -1;
	}
	return spool_write(sp, "\r\n", 2);
}

/* msg_add_header - one header as received */
int
msg_add_header(struct msg *m, const char *name, const char *raw)
{
	struct msg_header *h;

	m->headers = xreallocarray(m->headers, m->nheaders + 1,
	    sizeof(*m->headers));
	h = &m->headers[m->nheaders++];
	h->name = xstrdup(name);
	h->raw = xstrdup(raw);
	h->value = unfold(raw);
	return spool_header(m->spool, name, raw);
}

/* msg_end_headers - the empty line between headers and body */
int
msg_end_headers(struct msg *m)
{
	if (m->in_body)
		return 0;
	m->in_body = true;
	return spool_write(m->spool, "\r\n", 2);
}

/* msg_append_body - body bytes */
int
msg_append_body(struct msg *m, const void *buf, size_t len)
{
	if (!m->in_body && msg_end_headers(m) < 0)
		return -1;
	return spool_write(m->spool, buf, len);
}

/* msg_header - nth header of a name */
const struct msg_header *
msg_header(const struct msg *m, const char *name, size_t nth)
{
	for (size_t i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0 && nth-- == 0)
			return &m->headers[i];
	return NULL;
}

/* msg_header_count - occurrences of a header */
size_t
msg_header_count(const struct msg *m, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			n++;
	return n;
}

/* msg_size - size of the whole message as spooled */
uint64_t
msg_size(const struct msg *m)
{
	return spool_size(m->spool);
}

/* msg_stream - stream over the whole message */
GMimeStream *
msg_stream(const struct msg *m)
{
	return spool_stream(m->spool);
}

/* msg_subject - decoded Subject or NULL */
char *
msg_subject(const struct msg *m)
{
	const struct msg_header *h = msg_header(m, "Subject", 0);

	if (h == NULL)
		return NULL;
	return g_mime_utils_header_decode_text(NULL, h->value);
}

/* role_name - word for a role */
const char *
role_name(enum role r)
{
	static const char *const names[] = { "external", "office", "staff",
	    "pupil", "parent", "personal" };

	return (unsigned)r < 6 ? names[r] : "?";
}

/* direction_name - word for a direction */
const char *
direction_name(enum direction d)
{
	return d == DIRECTION_OUTBOUND ? "outbound" : "inbound";
}
