/*
 * connectors - trusted_clients: the school's own mail service connecting
 * (a Microsoft 365 outbound connector, a Google Workspace outbound
 * gateway), known by its TLS client certificate or its addresses
 */
#ifndef AUP_CONNECTORS_H
#define AUP_CONNECTORS_H

#include <stdbool.h>

#include "config/conf_param.h"
#include "util/errbuf.h"

struct connectors;

/* connectors_parse - "subject:NAME" or "ADDR[/BITS]" items; a bad item
 * is an error "file:line: trusted_clients: ..."; never NULL */
struct connectors *connectors_parse(const struct conf_list *items,
	    const char *file, unsigned line, struct errbuf *eb);
/* connectors_match - does a client at `client_addr` that presented a
 * verified certificate `cert_subject` (either may be NULL) belong to
 * the school's mail service? */
bool	connectors_match(const struct connectors *c, const char *client_addr,
	    const char *cert_subject);
/* connectors_free - accepts NULL, returns NULL */
struct connectors *connectors_free(struct connectors *c);

#endif
