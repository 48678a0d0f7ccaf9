/*
 * hours - parse the working week, find the next opening time
 *
 * SYNOPSIS
 *	hours_week_parse(), hours_week_is_open(), hours_next_open()
 *
 * DESCRIPTION
 *	`hours` is a comma-separated list of items `DAY[-DAY] RANGE...`,
 *	DAY a weekday (Mon or Monday, any case), a day range running on
 *	through the week's end (Fri-Mon is Fri, Sat, Sun, Mon), RANGE
 *	HH:MM-HH:MM with the end after the start (24:00 is midnight).  A
 *	day may have several ranges (a lunch break), from one item or
 *	several; overlapping ranges are merged.
 *
 *	Time: the zone is a GTimeZone built once per configuration from
 *	the system tz database (GLib reads /usr/share/zoneinfo), and every
 *	conversion goes through GDateTime with that zone.  The process's
 *	TZ and localtime() are never touched: the milter's worker threads
 *	judge messages at the same time and a reload may change the zone.
 *	Calendar steps use GDate (days, not seconds), so an opening after
 *	a clock change is 07:30 on the wall clock, whatever the offset.
 *
 * DIAGNOSTICS
 *	hours_week_parse() explains the first problem in *err, e.g.
 *	"\"Mon-Fry 07:30-18:00\": \"Fry\" is not a day (Mon..Sun)".
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policies/working_hours/hours.h"
#include "util/xalloc.h"

static const char *const hours_day_names[7][2] = {
	{ "mon", "monday" }, { "tue", "tuesday" }, { "wed", "wednesday" },
	{ "thu", "thursday" }, { "fri", "friday" }, { "sat", "saturday" },
	{ "sun", "sunday" }
};

/* hours_day - weekday index of a name at *sp (advanced), or -1 */
static int
hours_day(const char **sp)
{
	const char *s = *sp;
	size_t n = 0;

	while (isalpha((unsigned char)s[n]))
		n++;
	for (int d = 0; d < 7; d++)
		for (int k = 0; k < 2; k++)
			if (strlen(hours_day_names[d][k]) == n &&
			    strncasecmp(s, hours_day_names[d][k], n) == 0) {
				*sp = s + n;
				return d;
			}
	return -1;
}

/* hours_clock - HH:MM at *sp (advanced) as minutes, or -1 */
static int
hours_clock(const char **sp)
{
	const char *s = *sp;
	int h, m;

	if (!isdigit((unsigned char)s[0]) || !isdigit((unsigned char)s[1]) ||
	    s[2] != ':' || !isdigit((unsigned char)s[3]) ||
	    !isdigit((unsigned char)s[4]))
		return -1;
	h = (s[0] - '0') * 10 + (s[1] - '0');
	m = (s[3] - '0') * 10 + (s[4] - '0');
	if (m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*sp = s + 5;
	return h * 60 + m;
}

/* hours_add - add a range to a day, keeping ranges sorted and merged */
static int
hours_add(struct hours_week *w, int day, int start, int end)
{
	struct hours_range *r = w->ranges[day];
	size_t n = w->n[day], i, j;

	for (i = 0; i < n; i++) {
		if (end < r[i].start)
			break;
		if (start <= r[i].end) {	/* overlaps or touches: merge */
			start = start < r[i].start ? start : r[i].start;
			end = end > r[i].end ? end : r[i].end;
			memmove(&r[i], &r[i + 1], (n - i - 1) * sizeof(*r));
			n--;
			i--;
		}
	}
	if (n == HOURS_MAX_RANGES)
		return -1;
	for (i = 0; i < n && r[i].start < start; i++)
		;
	for (j = n; j > i; j--)
		r[j] = r[j - 1];
	r[i] = (struct hours_range){ start, end };
	w->n[day] = n + 1;
	return 0;
}

/* hours_item - one "DAY[-DAY] RANGE..." item; NULL or the problem */
static char *
hours_item(const char *item, struct hours_week *w)
{
	const char *s = item + strspn(item, " \t");
	int first, last, start, end, nranges = 0;

	if ((first = hours_day(&s)) < 0)
		return xasprintf("\"%s\": expected a day (Mon..Sun) first", item);
	last = first;
	if (*s == '-') {
		s++;
		if ((last = hours_day(&s)) < 0)
			return xasprintf("\"%s\": expected a day after '-'",
			    item);
	}
	for (;;) {
		s += strspn(s, " \t");
		if (*s == '\0')
			break;
		if ((start = hours_clock(&s)) < 0 || *s++ != '-' ||
		    (end = hours_clock(&s)) < 0)
			return xasprintf("\"%s\": expected HH:MM-HH:MM", item);
		if (end <= start)
			return xasprintf("\"%s\": a range must end after it "
			    "starts", item);
		for (int d = first;; d = (d + 1) % 7) {
			if (hours_add(w, d, start, end) < 0)
				return xasprintf("\"%s\": more than %d ranges "
				    "in a day", item, HOURS_MAX_RANGES);
			if (d == last)
				break;
		}
		nranges++;
	}
	if (nranges == 0)
		return xasprintf("\"%s\": no time range (HH:MM-HH:MM)", item);
	return NULL;
}

/* hours_week_parse - the whole `hours` value */
int
hours_week_parse(const char *spec, struct hours_week *w, char **err)
{
	char *copy = xstrdup(spec != NULL ? spec : ""), *save = NULL, *item;
	size_t total = 0;

	memset(w, 0, sizeof(*w));
	*err = NULL;
	for (item = strtok_r(copy, ",", &save); item != NULL && *err == NULL;
	    item = strtok_r(NULL, ",", &save))
		*err = hours_item(item, w);
	free(copy);
	for (int d = 0; d < 7; d++)
		total += w->n[d];
	if (*err == NULL && total == 0)
		*err = xstrdup("no opening time at all (e.g. Mon-Fri "
		    "07:30-18:00)");
	return *err == NULL ? 0 : -1;
}

/* hours_week_is_open - inside one of the day's ranges? */
bool
hours_week_is_open(const struct hours_week *w, int wday, int minute)
{
	for (size_t i = 0; i < w->n[wday]; i++)
		if (minute >= w->ranges[wday][i].start &&
		    minute < w->ranges[wday][i].end)
			return true;
	return false;
}

/* hours_instant - a wall-clock time of a day in `tz` as an instant */
static time_t
hours_instant(GTimeZone *tz, const GDate *day, int minute)
{
	GDateTime *dt = g_date_time_new(tz, g_date_get_year(day),
	    g_date_get_month(day), g_date_get_day(day), minute / 60,
	    minute % 60, 0);
	time_t t;

	if (dt == NULL)
		return 0;
	t = (time_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return t;
}

/* hours_ymd - a GDate as YYYYMMDD */
static int
hours_ymd(const GDate *d)
{
	return g_date_get_year(d) * 10000 + g_date_get_month(d) * 100 +
	    g_date_get_day(d);
}

/* hours_next_open - open now, or when next */
bool
hours_next_open(const struct hours_week *w,
    const struct hours_closed_days *c, GTimeZone *tz, time_t now,
    time_t *next)
{
	GDateTime *utc = g_date_time_new_from_unix_utc((gint64)now);
	GDateTime *local = g_date_time_to_timezone(utc, tz);
	int minute = g_date_time_get_hour(local) * 60 +
	    g_date_time_get_minute(local);
	GDate day;
	bool open;

	g_date_clear(&day, 1);
	g_date_set_dmy(&day, (GDateDay)g_date_time_get_day_of_month(local),
	    (GDateMonth)g_date_time_get_month(local),
	    (GDateYear)g_date_time_get_year(local));
	g_date_time_unref(local);
	g_date_time_unref(utc);
	*next = 0;
	open = !hours_closed_has(c, hours_ymd(&day)) &&
	    hours_week_is_open(w, g_date_get_weekday(&day) - 1, minute);
	for (int k = 0; !open && k <= HOURS_LOOKAHEAD_DAYS && *next == 0;
	    k++, g_date_add_days(&day, 1)) {
		int wd = g_date_get_weekday(&day) - 1;	/* GLib: 1 = Monday */

		if (hours_closed_has(c, hours_ymd(&day)))
			continue;
		for (size_t i = 0; i < w->n[wd] && *next == 0; i++)
			if (k > 0 || w->ranges[wd][i].start > minute)
				*next = hours_instant(tz, &day,
				    w->ranges[wd][i].start);
	}
	return open;
}
