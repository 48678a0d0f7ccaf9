/*
 * date - parse and compare the dates of the school's CSV files
 *
 * SYNOPSIS
 *	date_parse(), date_iso(), date_day_start(), date_day_start_of(),
 *	date_day_end(),
 *	date_compare(), date_of()
 *
 * DESCRIPTION
 *	One parser for every CSV (SPEC section 3: "YYYY-MM-DD or
 *	DD/MM/YYYY"), so a school that exports dates the UK way from one
 *	system and the ISO way from another never has to convert.  The
 *	date must be on the calendar (no 31/02) and after 1900.  A time
 *	of exactly midnight after the date is tolerated, because Excel
 *	and some MIS exports write date cells that way; any other time is
 *	refused, since the column then holds something other than a day.
 *
 *	Day boundaries are local time (mktime with tm_isdst = -1), which
 *	is what "expires on 19 July" means to the school office.
 *
 * DIAGNOSTICS
 *	None: date_parse() returns false and the caller says which cell.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "util/date.h"

/* date_number - read minlen..maxlen digits at *sp */
static bool
date_number(const char **sp, size_t minlen, size_t maxlen, int *out)
{
	const char *s = *sp;
	size_t n = 0;

	*out = 0;
	while (n < maxlen && isdigit((unsigned char)s[n]))
		*out = *out * 10 + (s[n++] - '0');
	if (n < minlen || isdigit((unsigned char)s[n]))
		return false;
	*sp = s + n;
	return true;
}

/* date_is_real - is y-m-d a day on the calendar? */
static bool
date_is_real(int y, int m, int d)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	if (y < 1900 || y > 9999 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap);
}

/* date_midnight_rest - "", or " 00:00" / "T00:00:00" and nothing else */
static bool
date_midnight_rest(const char *s)
{
	int h, mi, sec = 0;

	if (*s == '\0')
		return true;
	if (*s != ' ' && *s != 'T')
		return false;
	s++;
	if (!date_number(&s, 2, 2, &h) || *s++ != ':' ||
	    !date_number(&s, 2, 2, &mi))
		return false;
	if (*s == ':' && (s++, !date_number(&s, 2, 2, &sec)))
		return false;
	return *s == '\0' && h == 0 && mi == 0 && sec == 0;
}

/* date_parse - YYYY-MM-DD or D/M/YYYY, perhaps with a midnight time */
bool
date_parse(const char *s, struct date *d)
{
	const char *p = s;
	int y, m, day;

	if (date_number(&p, 4, 4, &y) && *p == '-') {
		p++;
		if (!date_number(&p, 2, 2, &m) || *p++ != '-' ||
		    !date_number(&p, 2, 2, &day))
			return false;
	} else {
		p = s;
		if (!date_number(&p, 1, 2, &day) || *p++ != '/' ||
		    !date_number(&p, 1, 2, &m) || *p++ != '/' ||
		    !date_number(&p, 4, 4, &y))
			return false;
	}
	if (!date_midnight_rest(p) || !date_is_real(y, m, day))
		return false;
	d->year = y;
	d->month = m;
	d->day = day;
	return true;
}

/* date_iso - the ISO spelling */
char *
date_iso(const struct date *d, char buf[11])
{
	snprintf(buf, 11, "%04d-%02d-%02d", d->year, d->month, d->day);
	return buf;
}

/* date_local - mktime of a day plus `extra` days, at midnight */
static time_t
date_local(const struct date *d, int extra)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = d->year - 1900;
	tm.tm_mon = d->month - 1;
	tm.tm_mday = d->day + extra;	/* mktime() rolls over months */
	tm.tm_isdst = -1;
	return mktime(&tm);
}

/* date_day_start - midnight at the start of the day */
time_t
date_day_start(const struct date *d)
{
	return date_local(d, 0);
}

/* date_day_end - one second before the next day's midnight */
time_t
date_day_end(const struct date *d)
{
	return date_local(d, 1) - 1;
}

/* date_compare - calendar order */
int
date_compare(const struct date *a, const struct date *b)
{
	if (a->year != b->year)
		return a->year < b->year ? -1 : 1;
	if (a->month != b->month)
		return a->month < b->month ? -1 : 1;
	return a->day < b->day ? -1 : a->day > b->day;
}

/* date_of - the local date of a moment */
struct date
date_of(time_t t)
{
	struct tm tm;

	localtime_r(&t, &tm);
	return (struct date){ tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday };
}

/* date_day_start_of - parse, then midnight at the start of that day */
time_t
date_day_start_of(const char *s)
{
	struct date d;

	return s != NULL && date_parse(s, &d) ? date_day_start(&d) :
	    (time_t)-1;
}
