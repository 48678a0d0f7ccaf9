/*
 * cidr - IPv4/IPv6 network lists (trusted_networks)
 */
#ifndef AUP_CIDR_H
#define AUP_CIDR_H

#include <stdbool.h>

#include "config/conf_param.h"
#include "util/errbuf.h"

struct cidr_list;

/* cidr_list_parse - "127.0.0.0/8, ::1"; errors to eb with file:line */
struct cidr_list *cidr_list_parse(const struct conf_list *items,
	    const char *file, unsigned line, struct errbuf *eb);
/* cidr_list_contains - is the textual address inside one network? */
bool	cidr_list_contains(const struct cidr_list *l, const char *addr);
/* cidr_is_valid - is the text "ADDR" or "ADDR/BITS"? */
bool	cidr_is_valid(const char *text);
/* cidr_list_free - accepts NULL, returns NULL */
struct cidr_list *cidr_list_free(struct cidr_list *l);

#endif
