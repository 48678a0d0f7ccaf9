/*
 * roles - who is who: address roles and message direction (SPEC 2)
 */
#ifndef AUP_ROLES_H
#define AUP_ROLES_H

#include <stdbool.h>

#include "config/school.h"
#include "engine/msg.h"

/* roles_of - the role of a normalised address */
enum role roles_of(const struct school *sc, const char *addr);
/* roles_is_personal_domain - a consumer mail domain (built-in or added)? */
bool	roles_is_personal_domain(const struct school *sc, const char *domain);
/* roles_login_address - a login as an address: bare names get the first
 * school domain; new string or NULL */
char	*roles_login_address(const struct school *sc, const char *login);
/* roles_derive - fill facts for a message (free with roles_facts_clear) */
void	roles_derive(const struct school *sc, const struct msg *m,
	    struct msg_facts *facts);
/* roles_facts_clear - free what roles_derive allocated */
void	roles_facts_clear(struct msg_facts *facts);
/* roles_builtin_personal_domains - NULL-terminated built-in list */
extern const char *const roles_builtin_personal_domains[];

#endif
