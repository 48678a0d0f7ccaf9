/*
 * roles - address roles, the sender's role and the message's direction
 *
 * SYNOPSIS
 *	roles_of(), roles_is_personal_domain(), roles_login_address(),
 *	roles_derive(), roles_facts_clear()
 *
 * DESCRIPTION
 *	SPEC section 2, in this order: an office account is `office`; an
 *	address matching [school] pupils is `pupil`; any other address in
 *	the school's domains is `staff`; a pupil's personal address
 *	(pupils.csv email) is `personal`; an address in the parents
 *	directory is `parent`; an address at a consumer mail domain is
 *	`personal`; anything else is `external`.
 *
 *	Direction: `outbound` when the client logged in, or when a
 *	trusted client - trusted_networks, or the school's mail service
 *	named in trusted_clients by certificate or address - sends mail
 *	whose sender (the envelope sender; the header From for the null
 *	sender) is in the school's domains, or any of whose recipients is
 *	outside them: nothing leaves the school unscanned.  Otherwise
 *	`inbound`: Microsoft 365 and Google Workspace connect to a gateway
 *	that is also the MX with the same certificate for every customer,
 *	so mail from outside to the school through them stays inbound.
 *	Outbound mail whose recipients are all in the school's domains is
 *	`internal`.  The sender's role is the role
 *	of the envelope sender (of the header From for the null sender):
 *	a delegate who logs in and sends as the office is `office`; anyone
 *	else who logs in and sends as the office keeps their login's role.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <gmime/gmime.h>

#include "util/addr.h"
#include "config/cidr.h"
#include "config/connectors.h"
#include "config/directory.h"
#include "engine/roles.h"
#include "util/xalloc.h"

/* UK and global consumer mail domains ([directory] personal_domains adds). */
const char *const roles_builtin_personal_domains[] = {
	"gmail.com", "googlemail.com", "outlook.com", "hotmail.com",
	"hotmail.co.uk", "live.com", "live.co.uk", "msn.com",
	"yahoo.com", "yahoo.co.uk", "ymail.com", "rocketmail.com",
	"aol.com", "aol.co.uk", "icloud.com", "me.com", "mac.com",
	"btinternet.com", "btopenworld.com", "talk21.com", "sky.com",
	"virginmedia.com", "blueyonder.co.uk", "ntlworld.com",
	"talktalk.net", "tiscali.co.uk", "plus.com", "orange.net",
	"wanadoo.co.uk", "mail.com", "gmx.com", "gmx.co.uk", "gmx.net",
	"protonmail.com", "proton.me", "pm.me", "zoho.com", "yandex.com",
	"fastmail.com", "tutanota.com", "hey.com", "qq.com", "163.com",
	"web.de", "libero.it", "free.fr", "laposte.net", NULL
};

/* roles_is_personal_domain - built-in or configured consumer domain */
bool
roles_is_personal_domain(const struct school *sc, const char *domain)
{
	for (size_t i = 0; roles_builtin_personal_domains[i] != NULL; i++)
		if (strcasecmp(roles_builtin_personal_domains[i], domain) == 0)
			return true;
	return conf_list_contains(&sc->dirs->personal_domains, domain);
}

/* roles_is_pupil - matches a [school] pupils pattern? */
static bool
roles_is_pupil(const struct school *sc, const char *addr)
{
	for (size_t i = 0; i < sc->info->pupils.count; i++)
		if (addr_matches(addr, sc->info->pupils.items[i]))
			return true;
	return false;
}

/* roles_of - role of a normalised address */
enum role
roles_of(const struct school *sc, const char *addr)
{
	if (addr == NULL)
		return ROLE_EXTERNAL;
	if (school_is_office(sc, addr))
		return ROLE_OFFICE;
	if (roles_is_pupil(sc, addr))
		return ROLE_PUPIL;
	if (school_has_domain(sc, addr))
		return ROLE_STAFF;
	/* A pupil's own address given by the family (pupils.csv email) is
	 * personal even when a parent shares it: staff reach pupils
	 * through their school account only (pupil-mail). */
	if (sc->directory != NULL &&
	    directory_is_pupil_personal(sc->directory, addr))
		return ROLE_PERSONAL;
	if (sc->directory != NULL && directory_is_parent(sc->directory, addr))
		return ROLE_PARENT;
	if (roles_is_personal_domain(sc, addr_domain(addr)))
		return ROLE_PERSONAL;
	return ROLE_EXTERNAL;
}

/* roles_login_address - "j.patel" -> "j.patel@first-domain" */
char *
roles_login_address(const struct school *sc, const char *login)
{
	if (login == NULL || login[0] == '\0')
		return NULL;
	if (strchr(login, '@') == NULL && sc->info->domains.count > 0) {
		char *full = xasprintf("%s@%s", login,
		    sc->info->domains.items[0]);
		char *norm = addr_normalize(full);

		free(full);
		return norm;
	}
	return addr_normalize(login);
}

/* roles_header_from - normalised first mailbox of From, or NULL */
static char *
roles_header_from(const struct msg *m)
{
	const struct msg_header *h = msg_header(m, "From", 0);
	InternetAddressList *list;
	char *found = NULL;

	if (h == NULL)
		return NULL;
	list = internet_address_list_parse(NULL, h->value);
	if (list == NULL)
		return NULL;
	for (int i = 0; i < internet_address_list_length(list); i++) {
		InternetAddress *ia = internet_address_list_get_address(list, i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia)) {
			found = addr_normalize(internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
			break;
		}
	}
	g_object_unref(list);
	return found;
}

/* roles_leaves_school - is any recipient outside the school's domains? */
static bool
roles_leaves_school(const struct school *sc, const struct msg *m)
{
	for (size_t i = 0; i < m->nrcpts; i++)
		if (m->rcpts[i].norm == NULL ||
		    !school_has_domain(sc, m->rcpts[i].norm))
			return true;
	return false;
}

/* roles_trusted_outbound - is mail from a trusted client outbound? */
static bool
roles_trusted_outbound(const struct school *sc, const struct msg *m,
    const struct msg_facts *f)
{
	const char *who = f->sender != NULL ? f->sender : f->header_from;

	return (who != NULL && school_has_domain(sc, who)) ||
	    roles_leaves_school(sc, m);
}

/* roles_derive - direction, roles and identities of one message */
void
roles_derive(const struct school *sc, const struct msg *m,
    struct msg_facts *f)
{
	const char *who;

	memset(f, 0, sizeof(*f));
	f->login = roles_login_address(sc, m->auth);
	f->authenticated = m->auth != NULL;
	f->sender = addr_normalize(m->sender);
	f->header_from = roles_header_from(m);
	f->trusted_client = cidr_list_contains(sc->trusted, m->client_addr);
	f->connector = connectors_match(sc->connectors, m->client_addr,
	    m->cert_subject);
	if (f->authenticated || ((f->trusted_client || f->connector) &&
	    roles_trusted_outbound(sc, m, f)))
		f->direction = DIRECTION_OUTBOUND;
	who = f->sender != NULL ? f->sender : f->header_from;
	f->sender_role = roles_of(sc, who);
	/* Only the office itself and its delegates send as the office. */
	if (f->sender_role == ROLE_OFFICE && f->login != NULL &&
	    !school_is_office(sc, f->login) &&
	    !school_is_office_sender(sc, f->login))
		f->sender_role = roles_of(sc, f->login);
	f->rcpt_roles = xcalloc(m->nrcpts + 1, sizeof(enum role));
	f->internal = f->direction == DIRECTION_OUTBOUND && m->nrcpts > 0;
	for (size_t i = 0; i < m->nrcpts; i++) {
		f->rcpt_roles[i] = roles_of(sc, m->rcpts[i].norm);
		if (m->rcpts[i].norm == NULL ||
		    !school_has_domain(sc, m->rcpts[i].norm))
			f->internal = false;
	}
}

/* roles_facts_clear - free derived strings */
void
roles_facts_clear(struct msg_facts *f)
{
	free(f->login);
	free(f->sender);
	free(f->header_from);
	free(f->rcpt_roles);
	memset(f, 0, sizeof(*f));
}
