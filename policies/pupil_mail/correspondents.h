/*
 * correspondents - who pupils may write to and hear from (pupil-mail,
 * SPEC 2.7)
 *
 * correspondents.csv: `address` (an address or *@domain), `pupils` (*,
 * a pupil address or *@domain), `approved_by`, `expires` (inclusive to
 * the end of that day, local time, as for exemptions), `note`.  A row
 * that names one pupil covers only that pupil, in both directions.
 * Read-only after loading: safe on many threads.
 */
#ifndef AUP_PM_CORRESPONDENTS_H
#define AUP_PM_CORRESPONDENTS_H

#include <stddef.h>
#include <time.h>

#include "util/errbuf.h"

struct correspondent {
	char	*address;	/* normalised address or "*@domain" */
	char	*pupils;	/* "*", "*@domain" or a normalised address */
	char	*approved_by;
	char	*expires;	/* as written */
	time_t	 expires_end;	/* last second of that day, local time */
	unsigned line;		/* line in correspondents.csv */
};

struct correspondents {
	struct correspondent *items;
	size_t	 count;
};

/*
 * correspondents_load - read and check the file.  Bad rows are errors
 * with file:line; rows expired at `now` are kept (they never match) and
 * reported as warnings, for `aup-milter -t`.
 */
struct correspondents *correspondents_load(const char *path, time_t now,
	    struct errbuf *eb);
/*
 * correspondents_find - the current row approving `outside` (a
 * normalised address outside the school) for `pupil` (normalised), or
 * NULL.
 */
const struct correspondent *correspondents_find(
	    const struct correspondents *c, const char *outside,
	    const char *pupil, time_t now);
/* correspondents_free - accepts NULL, returns NULL */
struct correspondents *correspondents_free(struct correspondents *c);

#endif
