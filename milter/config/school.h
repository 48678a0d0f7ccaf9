/*
 * school - the read-only view of one school that policies and roles see
 *
 * A policy needs the school's name, domains, office and DSL addresses,
 * its pupil patterns and its directory (parents, pupils, exemptions), and
 * the folder its data files are named relative to: never the socket, the
 * daemon's user, the pidfile or the release secret.  struct school points
 * into a configuration snapshot (conf.h) and lives exactly as long; the
 * predicates here answer "is this address the school's / the office's".
 */
#ifndef AUP_SCHOOL_H
#define AUP_SCHOOL_H

#include <stdbool.h>

#include "config/conf_param.h"

struct directory;
struct cidr_list;
struct connectors;

/* [school] */
struct school_settings {
	char	*name;
	struct conf_list domains;
	struct conf_list office;	/* the office account(s) */
	struct conf_list office_senders; /* may send as the office */
	struct conf_list pupils;	/* patterns: *@domain or addresses */
	char	*dsl;
	char	*policy_url;
	char	*phone;		/* the school's own phone number */
	char	*address;	/* the school's own postal address */
};

/* [directory] */
struct directory_settings {
	char	*parents;
	char	*pupils;
	char	*exemptions;
	char	*correspondents;	/* pupils' approved correspondents */
	struct conf_list personal_domains; /* added to the built-in list */
	/* Column names tried, in order (case and spacing ignored). */
	struct conf_list parent_email_columns;	/* every match is read */
	struct conf_list pupil_upn_columns;
	struct conf_list pupil_forename_columns;
	struct conf_list pupil_preferred_columns;
	struct conf_list pupil_surname_columns;
	struct conf_list pupil_dob_columns;
	struct conf_list pupil_email_columns;	/* personal addresses */
	struct conf_list exemption_sender_columns;
	struct conf_list exemption_policy_columns;
	struct conf_list exemption_recipient_columns;
	struct conf_list exemption_expires_columns;
};

/* One school as policies see it.  Every pointer is into the snapshot. */
struct school {
	const char *config_path;		/* the INI file, for messages */
	const char *config_dir;			/* relative data paths */
	const struct school_settings *info;	/* [school] */
	const struct directory_settings *dirs;	/* [directory] */
	const struct cidr_list *trusted;	/* trusted_networks */
	const struct connectors *connectors;	/* trusted_clients */
	const struct directory *directory;	/* parents, pupils, exemptions */
};

/* school_has_domain - address (or bare domain) in the school's domains? */
bool	school_has_domain(const struct school *s, const char *addr);
/* school_is_office - is the (normalised) address an office account? */
bool	school_is_office(const struct school *s, const char *addr);
/* school_is_office_sender - may this login send as the office? */
bool	school_is_office_sender(const struct school *s, const char *login);
/* school_office_address - the first office address (never NULL) */
const char *school_office_address(const struct school *s);

#endif
