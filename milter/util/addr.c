/*
 * addr - normalise and compare e-mail addresses
 *
 * SYNOPSIS
 *	addr_normalize(), addr_strip_brackets(), addr_domain(),
 *	addr_domain_is(), addr_matches(), addr_is_valid_pattern()
 *
 * DESCRIPTION
 *	Envelope addresses arrive as the SMTP client wrote them ("<A@B>",
 *	sometimes with a +tag); directory files hold what a school MIS
 *	exported.  Both sides go through addr_normalize() so they compare
 *	byte for byte.  Quoted local parts are kept as they are apart from
 *	case: schools do not use them, and we must never crash on them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/addr.h"
#include "util/xalloc.h"

/* addr_strip_brackets - trim white space and one pair of angle brackets */
char *
addr_strip_brackets(const char *in)
{
	const char *start = in, *end = in + strlen(in);

	while (start < end && isspace((unsigned char)*start))
		start++;
	while (end > start && isspace((unsigned char)end[-1]))
		end--;
	if (end - start >= 2 && *start == '<' && end[-1] == '>') {
		start++;
		end--;
	}
	return xstrndup(start, (size_t)(end - start));
}

/* addr_normalize - canonical lookup key for an address */
char *
addr_normalize(const char *in)
{
	char *a = addr_strip_brackets(in);
	char *at = strrchr(a, '@');
	char *plus;

	if (at == NULL || at == a || at[1] == '\0') {
		free(a);
		return NULL;
	}
	for (char *p = a; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p)) {
			free(a);
			return NULL;
		}
		*p = (char)tolower((unsigned char)*p);
	}
	/* Drop "+tag" from the local part: "ann+school@x" -> "ann@x". */
	plus = memchr(a, '+', (size_t)(at - a));
	if (plus != NULL && plus != a)
		memmove(plus, at, strlen(at) + 1);
	return a;
}

/* addr_domain - domain part of an address, or "" */
const char *
addr_domain(const char *addr)
{
	const char *at = strrchr(addr, '@');

	return at != NULL ? at + 1 : "";
}

/* addr_domain_is - domain equality, ignoring case */
bool
addr_domain_is(const char *addr, const char *domain)
{
	return strcasecmp(addr_domain(addr), domain) == 0;
}

/* addr_matches - pattern match: "*", "*@domain" or an address */
bool
addr_matches(const char *addr, const char *pattern)
{
	char *norm;
	bool same;

	if (strcmp(pattern, "*") == 0)
		return true;
	if (strncmp(pattern, "*@", 2) == 0)
		return addr_domain_is(addr, pattern + 2);
	norm = addr_normalize(pattern);
	same = norm != NULL && strcasecmp(norm, addr) == 0;
	free(norm);
	return same;
}

/* addr_is_valid_pattern - "*", "*@domain" or a well-formed address */
bool
addr_is_valid_pattern(const char *pattern)
{
	char *norm;

	if (strcmp(pattern, "*") == 0)
		return true;
	if (strncmp(pattern, "*@", 2) == 0)
		return pattern[2] != '\0' && strchr(pattern + 2, '@') == NULL;
	norm = addr_normalize(pattern);
	free(norm);
	return norm != NULL;
}
