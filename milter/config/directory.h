/*
 * directory - the school's data files: parents, pupils, exemptions
 *
 * SPEC section 3.  Loaded once per configuration snapshot and read-only
 * afterwards, so any number of threads may query it.  Parent lookups are
 * O(1) (a GHashTable keyed by addr_normalize()).  The pupil roster is held
 * in memory only and is never logged.
 */
#ifndef AUP_DIRECTORY_H
#define AUP_DIRECTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>

#include "config/school.h"
#include "util/errbuf.h"

struct policy;

struct exemption {
	char	*sender;	/* normalised address */
	char	*policy;	/* policy name, e.g. "parent-contact" */
	char	*recipient;	/* "*", "*@domain" or a normalised address */
	time_t	 expires_end;	/* end of the expiry day, local time */
	char	*expires;	/* YYYY-MM-DD, however it was written */
	char	*approved_by;
	char	*note;
	unsigned line;		/* line in exemptions.csv */
};

struct pupil {
	char	*upn;		/* upper case, or NULL */
	char	*forename;	/* legal forename, or NULL */
	char	*preferred;	/* preferred forename, or NULL */
	char	*surname;	/* legal surname, or NULL */
	char	*dob;		/* normalised YYYY-MM-DD, or NULL */
	unsigned line;
};

struct directory {
	GHashTable *parents;	/* normalised address -> itself */
	struct exemption *exemptions;	/* every valid row, expired too */
	size_t	 nexemptions;
	struct pupil *pupils;
	size_t	 npupils;
	GHashTable *pupil_emails; /* pupils' personal addresses (pupils.csv
				   * email column), normalised -> itself */
};

/*
 * directory_load - read the files `dirs` names (a NULL path: not
 * configured), finding columns by the names `dirs` lists.  An exemption
 * may name only a policy of `registry` whose `liftable` is set; a row
 * naming another is an error (SPEC: executables and sender-auth cannot
 * be lifted).  A row that cannot be used (an address that is not one,
 * "n/a", a bad date, a malformed CSV row) is a warning with file:line
 * and is skipped; a file whose header lacks a required column, or whose
 * rows are mostly unusable, is an error.  Expired exemptions are kept
 * and reported as warnings.  Always returns a directory (possibly
 * partial); the caller checks errbuf_has_errors().
 */
struct directory *directory_load(const struct directory_settings *dirs,
	    const struct policy *const *registry, time_t now,
	    struct errbuf *eb);
/* directory_is_parent - is this address (any form) a known parent? */
bool	directory_is_parent(const struct directory *d, const char *addr);
/*
 * directory_exemption_find - a current exemption of `sender` from `policy`
 * for recipient `rcpt` (a normalised address), or NULL.  Expired rows
 * (expires_end < now) never match.
 */
const struct exemption *directory_exemption_find(const struct directory *d,
	    const char *sender, const char *policy, const char *rcpt,
	    time_t now);
/*
 * directory_is_pupil_personal - is this address a pupil's personal
 * address (pupils.csv `email`, `pupil email` or `personal email`)?
 */
bool	directory_is_pupil_personal(const struct directory *d,
	    const char *addr);
/* directory_free - accepts NULL, returns NULL */
struct directory *directory_free(struct directory *d);

#endif
