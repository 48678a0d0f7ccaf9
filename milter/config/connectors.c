/*
 * connectors - the school's mail service as a trusted client
 *
 * SYNOPSIS
 *	connectors_parse(), connectors_match(), connectors_free()
 *
 * DESCRIPTION
 *	When the school's mailboxes live in Microsoft 365 or Google
 *	Workspace, the gateway receives the school's outgoing mail from
 *	the service (an outbound connector, an outbound gateway) with no
 *	SMTP login: what marks it as the school's own is the certificate
 *	the service presents, or the addresses it connects from.
 *	[milter] trusted_clients lists them (SPEC section 2):
 *
 *	  subject:NAME	a client certificate whose subject is NAME, as the
 *			MTA passes it in {cert_subject}: Postfix passes the
 *			common name, and only of a certificate it verified
 *			against smtpd_tls_CAfile (smtpd_tls_ask_ccert = yes),
 *			so a self-signed look-alike never matches.  Compared
 *			without regard to case.
 *	  ADDR[/BITS]	a client address range, IPv4 or IPv6.
 *
 *	The engine (engine/roles.c) decides what a match means for the
 *	direction; unlike trusted_networks, a match does not spare the
 *	message the SPF check, because Microsoft and Google connect with
 *	the same certificates and addresses for every customer.
 *
 * DIAGNOSTICS
 *	A bad item is a configuration error with file:line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/cidr.h"
#include "config/connectors.h"
#include "util/xalloc.h"

#define CONNECTORS_SUBJECT	"subject:"

struct connectors {
	struct cidr_list *nets;		/* address ranges */
	struct conf_list subjects;	/* certificate subjects */
};

/* connectors_add - append a copy of s to a list */
static void
connectors_add(struct conf_list *l, const char *s)
{
	l->items = xreallocarray(l->items, l->count + 1, sizeof(char *));
	l->items[l->count++] = xstrdup(s);
}

/* connectors_parse - split the items into subjects and networks */
struct connectors *
connectors_parse(const struct conf_list *items, const char *file,
    unsigned line, struct errbuf *eb)
{
	struct connectors *c = xcalloc(1, sizeof(*c));
	struct conf_list nets = { NULL, 0 };
	size_t plen = strlen(CONNECTORS_SUBJECT);

	for (size_t i = 0; i < items->count; i++) {
		const char *it = items->items[i];

		if (strncasecmp(it, CONNECTORS_SUBJECT, plen) == 0) {
			it += plen;
			it += strspn(it, " \t");
			if (*it != '\0')
				connectors_add(&c->subjects, it);
			else
				errbuf_add(eb, file, line, "trusted_clients: "
				    "\"%s\" names no certificate subject",
				    items->items[i]);
		} else if (cidr_is_valid(it))
			connectors_add(&nets, it);
		else
			errbuf_add(eb, file, line, "trusted_clients: \"%s\" is "
			    "not subject:NAME, an address or a network", it);
	}
	c->nets = cidr_list_parse(&nets, file, line, eb);
	for (size_t i = 0; i < nets.count; i++)
		free(nets.items[i]);
	free(nets.items);
	return c;
}

/* connectors_match - by certificate subject, then by address */
bool
connectors_match(const struct connectors *c, const char *client_addr,
    const char *cert_subject)
{
	if (c == NULL)
		return false;
	if (cert_subject != NULL && cert_subject[0] != '\0' &&
	    conf_list_contains(&c->subjects, cert_subject))
		return true;
	return cidr_list_contains(c->nets, client_addr);
}

/* connectors_free - release the lists */
struct connectors *
connectors_free(struct connectors *c)
{
	if (c == NULL)
		return NULL;
	cidr_list_free(c->nets);
	for (size_t i = 0; i < c->subjects.count; i++)
		free(c->subjects.items[i]);
	free(c->subjects.items);
	free(c);
	return NULL;
}
