/*
 * hours - the school's working week and closed days, and the next
 * opening time (working-hours, SPEC 2.8)
 *
 * A week is up to a few time ranges per weekday, parsed from
 * `hours = Mon-Thu 07:30-18:00, Fri 07:30-16:30`.  Closed days are
 * date ranges from closed-days.csv.  hours_next_open() answers, for an
 * instant, whether the school is open then and, if not, the next
 * opening instant, in the school's time zone (a GTimeZone read from the
 * system's tz database, so clock changes are the database's).
 * Everything here is read-only after parsing: safe on many threads.
 */
#ifndef AUP_WH_HOURS_H
#define AUP_WH_HOURS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>

#include "util/errbuf.h"

#define HOURS_MAX_RANGES	8	/* ranges per weekday */
#define HOURS_LOOKAHEAD_DAYS	400	/* how far ahead an opening is sought */

struct hours_range {
	int	 start;		/* minutes after midnight */
	int	 end;		/* exclusive; 1440 = midnight */
};

/* The week: day 0 is Monday (ISO 8601). */
struct hours_week {
	struct hours_range ranges[7][HOURS_MAX_RANGES];
	size_t	 n[7];		/* sorted by start, not overlapping */
};

/* One closed day or inclusive range of days, as YYYYMMDD numbers. */
struct hours_closed {
	int	 from, to;
	unsigned line;		/* line in closed-days.csv */
};

struct hours_closed_days {
	struct hours_closed *items;
	size_t	 count;
};

/*
 * hours_week_parse - "DAY[-DAY] HH:MM-HH:MM [HH:MM-HH:MM...], ..." into
 * `w`.  0, or -1 with a message in *err (free it).  A week with no
 * opening at all is an error.
 */
int	hours_week_parse(const char *spec, struct hours_week *w, char **err);
/* hours_week_is_open - open on weekday `wday` (0 = Mon) at `minute`? */
bool	hours_week_is_open(const struct hours_week *w, int wday, int minute);
/*
 * hours_date_parse - YYYY-MM-DD or DD/MM/YYYY (a real calendar day) as
 * YYYYMMDD; false if it is not one.
 */
bool	hours_date_parse(const char *s, int *ymd);
/*
 * hours_closed_load - closed-days.csv (`date`, or `from` and `to`;
 * `note`).  Bad rows are errors with file:line.  Returns the days read
 * (possibly none); free with hours_closed_free().
 */
struct hours_closed_days *hours_closed_load(const char *path,
	    struct errbuf *eb);
/* hours_closed_has - is the day YYYYMMDD closed? */
bool	hours_closed_has(const struct hours_closed_days *c, int ymd);
/* hours_closed_free - accepts NULL, returns NULL */
struct hours_closed_days *hours_closed_free(struct hours_closed_days *c);
/*
 * hours_next_open - is the school open at `now` (in zone `tz`)?  If
 * not, *next is the next opening instant (0 when none comes within
 * HOURS_LOOKAHEAD_DAYS).  Returns true when open now.
 */
bool	hours_next_open(const struct hours_week *w,
	    const struct hours_closed_days *c, GTimeZone *tz, time_t now,
	    time_t *next);

#endif
