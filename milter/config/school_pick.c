/*
 * school_pick - pick a message's school from its envelope
 *
 * SYNOPSIS
 *	conf_school_of(), school_pick_sender(), school_pick_rcpt(),
 *	school_pick_done(), conf_school_name(), conf_school_named(),
 *	conf_school_list()
 *
 * DESCRIPTION
 *	The daemon calls these at MAIL FROM and at each RCPT TO, and
 *	`aupctl test` over the envelope it was given, so both judge a
 *	message by the same school (SPEC section 11).  The lookup is the
 *	main snapshot's domain table (conf_schools.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config/school_pick.h"
#include "util/addr.h"

/* conf_school_of - a school by the domain of `addr` (raw or normalised) */
const struct conf *
conf_school_of(const struct conf *cf, const char *addr)
{
	char *norm = addr != NULL && strchr(addr, '@') != NULL ?
	    addr_normalize(addr) : NULL;
	const char *domain = norm != NULL ? addr_domain(norm) : addr;
	const struct conf *sc = NULL;
	gchar *key;

	if (domain == NULL || domain[0] == '\0') {
		free(norm);
		return NULL;
	}
	if (cf->nschools == 0) {
		sc = school_has_domain(&cf->view, domain) ? cf : NULL;
	} else {
		key = g_ascii_strdown(domain, -1);
		sc = g_hash_table_lookup(cf->by_domain, key);
		g_free(key);
	}
	free(norm);
	return sc;
}

/* school_pick_sender - a sender of one of the schools decides */
void
school_pick_sender(struct school_pick *pk, const struct conf *cf,
    const char *sender)
{
	pk->school = sender != NULL ? conf_school_of(cf, sender) : NULL;
	pk->by_sender = pk->school != NULL;
}

/* school_pick_rcpt - inbound: the first school's recipients only */
bool
school_pick_rcpt(struct school_pick *pk, const struct conf *cf,
    const char *rcpt)
{
	const struct conf *sc;

	if (pk->by_sender || cf->nschools == 0)
		return true;
	sc = conf_school_of(cf, rcpt);
	if (sc == NULL)
		return true;
	if (pk->school == NULL)
		pk->school = sc;
	return sc == pk->school;
}

/* school_pick_done - the school, or the first when none was named */
const struct conf *
school_pick_done(const struct school_pick *pk, const struct conf *cf)
{
	if (pk->school != NULL)
		return pk->school;
	return cf->nschools > 0 ? cf->schools[0] : cf;
}

/* conf_school_name - the school's name in events, NULL for one school */
const char *
conf_school_name(const struct conf *school)
{
	return school->id;
}

/* conf_school_named - a school's snapshot by its name */
const struct conf *
conf_school_named(const struct conf *cf, const char *name)
{
	if (name == NULL || name[0] == '\0')
		return cf;
	for (size_t i = 0; i < cf->nschools; i++)
		if (strcmp(cf->schools[i]->id, name) == 0)
			return cf->schools[i];
	return NULL;
}

/* conf_school_list - the names of the schools, ", "-joined */
char *
conf_school_list(const struct conf *cf)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < cf->nschools; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
		    cf->schools[i]->id);
	return g_string_free(s, FALSE);
}
