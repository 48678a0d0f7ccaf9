/*
 * cidr - match client addresses against network lists
 *
 * SYNOPSIS
 *	cidr_list_parse(), cidr_list_contains(), cidr_list_free(),
 *	cidr_is_valid()
 *
 * DESCRIPTION
 *	trusted_networks decides direction (SPEC section 2): mail from a
 *	trusted network with a sender in the school's domains is outbound.
 *	Entries are "ADDR" or "ADDR/BITS", IPv4 or IPv6.  IPv4-mapped IPv6
 *	client addresses ("::ffff:10.0.0.1") match IPv4 networks.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "config/cidr.h"
#include "util/xalloc.h"

struct cidr {
	int	 family;		/* AF_INET or AF_INET6 */
	unsigned char addr[16];
	unsigned bits;
};

struct cidr_list {
	struct cidr *items;
	size_t	count;
};

/* cidr_parse_addr - text to family + bytes; false if not an address */
static bool
cidr_parse_addr(const char *text, int *family, unsigned char *bytes)
{
	if (inet_pton(AF_INET, text, bytes) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, text, bytes) == 1) {
		static const unsigned char mapped[12] = { 0, 0, 0, 0, 0, 0,
		    0, 0, 0, 0, 0xff, 0xff };

		if (memcmp(bytes, mapped, 12) == 0) {
			memmove(bytes, bytes + 12, 4);
			*family = AF_INET;
		} else
			*family = AF_INET6;
		return true;
	}
	return false;
}

/* cidr_parse_one - "a.b.c.d/n" into a struct cidr */
static bool
cidr_parse_one(const char *text, struct cidr *c)
{
	char *copy = xstrdup(text), *slash = strchr(copy, '/');
	unsigned max;
	bool ok;

	if (slash != NULL)
		*slash++ = '\0';
	ok = cidr_parse_addr(copy, &c->family, c->addr);
	max = c->family == AF_INET ? 32 : 128;
	c->bits = max;
	if (ok && slash != NULL) {
		char *end;
		unsigned long bits = strtoul(slash, &end, 10);

		ok = *slash != '\0' && *end == '\0' && bits <= max;
		c->bits = (unsigned)bits;
	}
	free(copy);
	return ok;
}

/* cidr_is_valid - is the text one address or network? */
bool
cidr_is_valid(const char *text)
{
	struct cidr c;

	return cidr_parse_one(text, &c);
}

/* cidr_list_parse - parse every entry; bad ones are errors */
struct cidr_list *
cidr_list_parse(const struct conf_list *items, const char *file,
    unsigned line, struct errbuf *eb)
{
	struct cidr_list *l = xcalloc(1, sizeof(*l));

	l->items = xcalloc(items->count + 1, sizeof(struct cidr));
	for (size_t i = 0; i < items->count; i++) {
		if (cidr_parse_one(items->items[i], &l->items[l->count]))
			l->count++;
		else
			errbuf_add(eb, file, line, "trusted_networks: \"%s\" "
			    "is not an address or network", items->items[i]);
	}
	return l;
}

/* cidr_match - does the address fall inside the network? */
static bool
cidr_match(const struct cidr *c, int family, const unsigned char *bytes)
{
	unsigned full = c->bits / 8, rest = c->bits % 8;

	if (c->family != family)
		return false;
	if (memcmp(c->addr, bytes, full) != 0)
		return false;
	if (rest == 0)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (c->addr[full] & mask) == (bytes[full] & mask);
}

/* cidr_list_contains - membership test for a textual address */
bool
cidr_list_contains(const struct cidr_list *l, const char *addr)
{
	unsigned char bytes[16];
	int family;

	if (l == NULL || addr == NULL || !cidr_parse_addr(addr, &family, bytes))
		return false;
	for (size_t i = 0; i < l->count; i++)
		if (cidr_match(&l->items[i], family, bytes))
			return true;
	return false;
}

/* cidr_list_free - release a list */
struct cidr_list *
cidr_list_free(struct cidr_list *l)
{
	if (l != NULL) {
		free(l->items);
		free(l);
	}
	return NULL;
}
