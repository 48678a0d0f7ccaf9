/*
 * roster - the pupils of pupils.csv as phrases of the token matcher
 *
 * SYNOPSIS
 *	roster_build(), roster_clear(), roster_upn_hash(), roster_has_upn()
 *
 * DESCRIPTION
 *	For each pupil with a surname and a forename: the phrases
 *	"forename surname" and "surname forename", again with the preferred
 *	forename when it differs.  Two pupils with the same name share one
 *	phrase (the first pupil), so a name is never counted twice.  A
 *	pupil with only one name is left out: a single word is too common
 *	to identify anyone.  UPNs are compared upper case; dates of birth
 *	are kept as yyyymmdd for the date detector's roster check.
 *
 * DIAGNOSTICS
 *	None: the directory loader has already reported bad rows.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policies/pupil_data/ids.h"
#include "policies/pupil_data/roster.h"
#include "util/xalloc.h"

/* roster_upn_hash - FNV-1a of the upper-cased UPN */
uint64_t
roster_upn_hash(const char *s, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)toupper((unsigned char)s[i])) *
		    0x100000001b3ULL;
	return u64map_key(h);
}

/* roster_has_upn - exact roster UPN */
bool
roster_has_upn(const struct roster *r, const char *s, size_t len)
{
	return r->upns.keys != NULL &&
	    u64map_get(&r->upns, roster_upn_hash(s, len), NULL);
}

/* roster_name - add "a b" for one pupil unless that name is known */
static void
roster_name(struct roster *r, struct ngram *ng, uint32_t type,
    const char *a, const char *b, uint32_t pupil)
{
	char *phrase = xasprintf("%s %s", a, b);

	if (!ngram_has(ng, phrase, strlen(phrase), type) &&
	    ngram_add(ng, phrase, strlen(phrase), false, type, pupil) == 0)
		r->names++;
	free(phrase);
}

/* roster_dob - yyyymmdd of a normalised YYYY-MM-DD, or 0 */
static long
roster_dob(const char *s)
{
	int y, m, d;

	if (s == NULL || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3)
		return 0;
	return dob_ymd(y, m, d);
}

/* roster_build - names, UPNs and dates of birth */
void
roster_build(struct roster *r, struct ngram *ng, uint32_t type,
    const struct pupil *pupils, size_t count)
{
	memset(r, 0, sizeof(*r));
	r->count = count;
	r->dob = xcalloc(count + 1, sizeof(long));
	u64map_init(&r->upns, count);
	for (size_t i = 0; i < count; i++) {
		const struct pupil *p = &pupils[i];
		const char *sur = p->surname;

		r->dob[i] = roster_dob(p->dob);
		if (p->upn != NULL && strlen(p->upn) == 13)
			(void)u64map_put(&r->upns,
			    roster_upn_hash(p->upn, 13), (uint32_t)i);
		if (sur == NULL || *sur == '\0')
			continue;
		if (p->forename != NULL && *p->forename != '\0') {
			roster_name(r, ng, type, p->forename, sur, (uint32_t)i);
			roster_name(r, ng, type, sur, p->forename, (uint32_t)i);
		}
		if (p->preferred != NULL && *p->preferred != '\0') {
			roster_name(r, ng, type, p->preferred, sur,
			    (uint32_t)i);
			roster_name(r, ng, type, sur, p->preferred,
			    (uint32_t)i);
		}
	}
}

/* roster_clear - free the arrays */
void
roster_clear(struct roster *r)
{
	free(r->dob);
	u64map_clear(&r->upns);
	memset(r, 0, sizeof(*r));
}
