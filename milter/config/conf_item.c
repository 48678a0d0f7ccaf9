/*
 * conf_item - what a configuration value must be, checked where it is read
 *
 * SYNOPSIS
 *	conf_item_problem()
 *
 * DESCRIPTION
 *	Issue 14: "domains = a.example; b.example" used to load as one
 *	domain nobody has, so mail to parents from the second domain was
 *	never checked.  Every list item (and some single values) is
 *	therefore checked against its kind as the file is read, and a bad
 *	one is an error at its file:line: a domain is a mail domain with a
 *	dot, an address an address mail can go to, a pattern "*@domain" or
 *	an address, a network an address or CIDR block inet_pton() reads.
 *	';' inside an item is always an error, with a hint to use ','.
 *
 * DIAGNOSTICS
 *	A phrase to follow the quoted value ("has no dot"), or NULL.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config/conf_param.h"
#include "util/addr.h"
#include "util/xalloc.h"

/* conf_item_text_problem - a separator or control character inside */
static const char *
conf_item_text_problem(const char *value)
{
	for (const char *p = value; *p != '\0'; p++) {
		if (*p == ';')
			return "has a ';' in it: separate list items with ','";
		if (iscntrl((unsigned char)*p))
			return "has a control character in it";
	}
	return NULL;
}

/* conf_item_word_problem - letters, digits and . _ - + only */
static const char *
conf_item_word_problem(const char *value)
{
	for (const char *p = value; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && strchr("._-+", *p) == NULL)
			return isspace((unsigned char)*p) ? "is more than one "
			    "word: separate list items with ','" :
			    "is not a single word";
	return NULL;
}

/* conf_item_cidr_problem - "192.0.2.0/24", "::1", "2001:db8::/32" */
static const char *
conf_item_cidr_problem(const char *value)
{
	unsigned char buf[16];
	const char *slash = strchr(value, '/');
	char *host = xstrndup(value, slash ? (size_t)(slash - value) :
	    strlen(value));
	int family = strchr(host, ':') != NULL ? AF_INET6 : AF_INET;
	bool ok = inet_pton(family, host, buf) == 1;
	long bits;
	char *end;

	free(host);
	if (!ok)
		return "is not an IPv4 or IPv6 address or network (e.g. "
		    "192.0.2.0/24)";
	if (slash == NULL)
		return NULL;
	bits = strtol(slash + 1, &end, 10);
	if (slash[1] == '\0' || *end != '\0' || bits < 0 ||
	    bits > (family == AF_INET6 ? 128 : 32))
		return "has a prefix length that is not a number within the "
		    "address size";
	return NULL;
}

/* conf_item_url_problem - a web address a member of staff can open */
static const char *
conf_item_url_problem(const char *value)
{
	if (strncmp(value, "https://", 8) != 0 &&
	    strncmp(value, "http://", 7) != 0)
		return "is not a web address (https://...)";
	for (const char *p = value; *p != '\0'; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "has a space in it";
	return NULL;
}

/* conf_item_problem - check one value against its kind */
const char *
conf_item_problem(enum conf_item kind, const char *value)
{
	const char *why = conf_item_text_problem(value);

	if (why != NULL)
		return why;
	if (kind != CONF_ITEM_TEXT && kind != CONF_ITEM_WORD &&
	    value[strcspn(value, " \t")] != '\0')
		return "has a space in it: separate list items with ','";
	switch (kind) {
	case CONF_ITEM_TEXT:
		return NULL;
	case CONF_ITEM_WORD:
		return conf_item_word_problem(value);
	case CONF_ITEM_DOMAIN:
		if (strchr(value, '@') != NULL)
			return "is an address, not a domain";
		return addr_domain_problem(value);
	case CONF_ITEM_ADDRESS:
		return addr_problem(value);
	case CONF_ITEM_PATTERN:
		if (strcmp(value, "*") == 0)
			return "would match everyone (write *@domain)";
		return addr_pattern_problem(value);
	case CONF_ITEM_CIDR:
		return conf_item_cidr_problem(value);
	case CONF_ITEM_URL:
		return conf_item_url_problem(value);
	}
	return "is of an unknown kind";
}
