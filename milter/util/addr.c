/*
 * addr - normalise and compare e-mail addresses
 *
 * SYNOPSIS
 *	addr_normalize(), addr_strip_brackets(), addr_domain(),
 *	addr_domain_is(), addr_matches(), addr_is_valid_pattern(),
 *	addr_domain_problem(), addr_problem(), addr_pattern_problem()
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

/* addr_label_problem - one label of a domain, [s, s+len) */
static const char *
addr_label_problem(const char *s, size_t len)
{
	if (len == 0)
		return "has an empty part (two dots, or a dot at an end)";
	if (len > 63)
		return "has a part longer than 63 characters";
	if (s[0] == '-' || s[len - 1] == '-')
		return "has a part that starts or ends with '-'";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (!isalnum(c) && c != '-' && c < 0x80)
			return "has a character a domain cannot have";
	}
	return NULL;
}

/* addr_domain_problem - is this a domain mail can go to? */
const char *
addr_domain_problem(const char *domain)
{
	const char *p = domain, *dot, *why;
	size_t len = strlen(domain);

	if (len == 0)
		return "is empty";
	if (len > 253)
		return "is longer than 253 characters";
	if (strchr(domain, '.') == NULL)
		return "has no dot (a mail domain looks like school.example)";
	for (;;) {
		dot = strchr(p, '.');
		if ((why = addr_label_problem(p, dot ? (size_t)(dot - p) :
		    strlen(p))) != NULL)
			return why;
		if (dot == NULL)
			break;
		p = dot + 1;
	}
	/* An address literal or a typo'd IP is not a school's domain. */
	for (p = strrchr(domain, '.') + 1; *p != '\0'; p++)
		if (!isdigit((unsigned char)*p))
			return NULL;
	return "ends in a number (a mail domain ends in a name)";
}

/* addr_local_problem - the part before '@', [s, s+len) */
static const char *
addr_local_problem(const char *s, size_t len)
{
	if (len == 0)
		return "has nothing before the @";
	if (len > 64)
		return "has more than 64 characters before the @";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (isspace(c) || iscntrl(c))
			return "has a space or control character in it";
		if (strchr(",;<>()[]\\\"@", c) != NULL)
			return "has a character an address cannot have "
			    "(, ; < > ( ) [ ] \\ \" or a second @)";
	}
	return NULL;
}

/* addr_problem - is this an address mail can go to? */
const char *
addr_problem(const char *addr)
{
	char *a = addr_strip_brackets(addr);
	const char *at = strrchr(a, '@'), *why;

	if (at == NULL)
		why = "is not an e-mail address (no @)";
	else if ((why = addr_local_problem(a, (size_t)(at - a))) == NULL &&
	    (why = addr_domain_problem(at + 1)) != NULL &&
	    strncmp(why, "has no dot", 10) == 0)
		why = "has no dot in its domain";
	free(a);
	return why;
}

/* addr_pattern_problem - "*", "*@domain" or an address */
const char *
addr_pattern_problem(const char *pattern)
{
	if (strcmp(pattern, "*") == 0)
		return NULL;
	if (strncmp(pattern, "*@", 2) == 0)
		return addr_domain_problem(pattern + 2);
	return addr_problem(pattern);
}
