/*
 * access - role checks of the console
 *
 * SYNOPSIS
 *	access_role_parse(), access_role_name(), access_held_filter(),
 *	access_may_see_held(), access_may_list_held(), access_may_*(),
 *	access_may_see_deferred()
 *
 * DESCRIPTION
 *	One table says which policies' holds each role sees.  A message
 *	held by safeguarding is the DSL's alone, whoever else held it
 *	too: its text is what the alert is about.  The office's deferred
 *	mail is its own and its delegates': what the office account and
 *	the people who may send as the office ([school] office_senders)
 *	sent out of hours.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/school.h"
#include "console/access.h"
#include "util/addr.h"

#define ACCESS_DSL_POLICY	"safeguarding"	/* holds only the DSL sees */

static const char *const access_names[] = {
	[ACCESS_NONE] = "none", [ACCESS_DSL] = "dsl", [ACCESS_DPO] = "dpo",
	[ACCESS_IT] = "it", [ACCESS_OFFICE] = "office", [ACCESS_VIEWER] = "viewer"
};

/* The policies whose holds a role sees besides the DSL (who sees all). */
static const char *const access_dpo_policies[] = { "pupil-data", NULL };
static const char *const access_it_policies[] = { "executables",
	"sender-auth", NULL };

/* access_role_parse - a role by name */
enum access_role
access_role_parse(const char *s)
{
	for (int r = ACCESS_DSL; r <= ACCESS_VIEWER; r++)
		if (s != NULL && strcasecmp(s, access_names[r]) == 0)
			return (enum access_role)r;
	return ACCESS_NONE;
}

/* access_role_name - a role's name */
const char *
access_role_name(enum access_role r)
{
	return r >= ACCESS_NONE && r <= ACCESS_VIEWER ? access_names[r] : "none";
}

/* access_policies - the scope of a non-DSL role, or NULL */
static const char *const *
access_policies(enum access_role r)
{
	if (r == ACCESS_DPO)
		return access_dpo_policies;
	if (r == ACCESS_IT)
		return access_it_policies;
	return NULL;
}

/* access_held_filter - the role's part of a Held filter */
bool
access_held_filter(enum access_role r, struct qindex_filter *f)
{
	const char *const *p = access_policies(r);

	memset(f->scope, 0, sizeof(f->scope));
	f->exclude = NULL;
	if (r == ACCESS_DSL)
		return true;
	if (p == NULL)
		return false;
	for (int i = 0; p[i] != NULL && i < QINDEX_MAX_SCOPE; i++)
		f->scope[i] = p[i];
	f->exclude = ACCESS_DSL_POLICY;
	return true;
}

/* access_has - is `name` one of the ","-joined `list`? */
static bool
access_has(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; p != NULL && *p != '\0'; ) {
		const char *comma = strchr(p, ',');
		size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);

		if (len == n && strncmp(p, name, n) == 0)
			return true;
		p = comma != NULL ? comma + 1 : NULL;
	}
	return false;
}

/* access_may_see_held - one message */
bool
access_may_see_held(enum access_role r, const char *policies)
{
	const char *const *p = access_policies(r);

	if (r == ACCESS_DSL)
		return true;
	if (p == NULL || access_has(policies, ACCESS_DSL_POLICY))
		return false;
	for (size_t i = 0; p[i] != NULL; i++)
		if (access_has(policies, p[i]))
			return true;
	return false;
}

/* access_may_list_held - any held mail at all */
bool
access_may_list_held(enum access_role r)
{
	return r == ACCESS_DSL || access_policies(r) != NULL;
}

bool
access_may_download(enum access_role r)
{
	return r == ACCESS_DSL || r == ACCESS_IT;
}

bool
access_may_audit(enum access_role r)
{
	return r == ACCESS_DSL || r == ACCESS_DPO;
}

bool
access_may_reports(enum access_role r)
{
	return r == ACCESS_DSL || r == ACCESS_DPO || r == ACCESS_VIEWER;
}

bool
access_may_see_names(enum access_role r)
{
	return r == ACCESS_DSL;
}

bool
access_may_alerts(enum access_role r)
{
	return r == ACCESS_DSL;
}

bool
access_may_deferred(enum access_role r)
{
	return r == ACCESS_DSL || r == ACCESS_IT || r == ACCESS_OFFICE;
}

/* access_may_see_deferred - see access.h */
bool
access_may_see_deferred(enum access_role r, const char *user,
    const struct school *sc, const char *sender)
{
	char *from, *me;
	bool ok;

	if (r == ACCESS_DSL || r == ACCESS_IT)
		return true;
	if (r != ACCESS_OFFICE || sender == NULL ||
	    (from = addr_normalize(sender)) == NULL)
		return false;
	me = user != NULL ? addr_normalize(user) : NULL;
	ok = (me != NULL && strcmp(me, from) == 0) ||
	    school_is_office(sc, from) || school_is_office_sender(sc, from);
	free(me);
	free(from);
	return ok;
}
