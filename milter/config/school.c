/*
 * school - what the school's settings answer about an address
 *
 *	school_has_domain(), school_is_office(), school_is_office_sender(),
 *	school_office_address()
 *
 * Run-time predicates over a snapshot's struct school (school.h); the
 * INI file is read and diagnosed elsewhere (conf.c, conf_check.c).
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>

#include "config/school.h"
#include "util/addr.h"

/* school_has_domain - address (or bare domain) in the school? */
bool
school_has_domain(const struct school *s, const char *addr)
{
	const char *domain = strchr(addr, '@') ? addr_domain(addr) : addr;

	return conf_list_contains(&s->info->domains, domain);
}

/* school_is_office - an office account? */
bool
school_is_office(const struct school *s, const char *addr)
{
	return conf_list_contains(&s->info->office, addr);
}

/* school_is_office_sender - a delegate who may send as the office? */
bool
school_is_office_sender(const struct school *s, const char *login)
{
	return conf_list_contains(&s->info->office_senders, login);
}

/* school_office_address - the first office address */
const char *
school_office_address(const struct school *s)
{
	return s->info->office.count > 0 ? s->info->office.items[0] :
	    "the school office";
}
