/*
 * dob - calendar dates as UK school exports write them
 *
 * SYNOPSIS
 *	dob_ymd(), dob_month(), dob_year(), dob_today(), dob_age_ok(),
 *	dob_is_pupil_age()
 *
 * DESCRIPTION
 *	The scanner's date pattern (pupil_scan.c) finds DD/MM/YYYY,
 *	DD-MM-YYYY, DD.MM.YYYY, DD/MM/YY, YYYY-MM-DD and "5 March 2019" /
 *	"05-Mar-2019"; these helpers turn the fields into one number and
 *	decide whether a child born then is of school age (2 to 20 years:
 *	nursery to post-16 SEND) at the time of evaluation.  Day-month order
 *	is the UK one.
 *
 * DIAGNOSTICS
 *	None: pure functions.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <strings.h>
#include <time.h>

#include "policies/pupil_data/ids.h"

static const char *const dob_months[12] = { "jan", "feb", "mar", "apr",
    "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };

static const char *const dob_long[12] = { "january", "february", "march",
    "april", "may", "june", "july", "august", "september", "october",
    "november", "december" };

/* dob_ymd - yyyymmdd of a real date (leap years included), or 0 */
long
dob_ymd(int year, int month, int day)
{
	static const int mdays[12] = { 31, 29, 31, 30, 31, 30, 31, 31, 30,
	    31, 30, 31 };
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	if (year < 1900 || year > 2199 || month < 1 || month > 12 || day < 1)
		return 0;
	if (day > mdays[month - 1] || (month == 2 && day == 29 && !leap))
		return 0;
	return (long)year * 10000 + month * 100 + day;
}

/* dob_month - month number of "Mar", "March", "Sept", ... */
int
dob_month(const char *s, size_t len)
{
	for (int m = 0; m < 12; m++) {
		size_t full = 0;

		while (dob_long[m][full] != '\0')
			full++;
		if ((len == 3 && strncasecmp(s, dob_months[m], 3) == 0) ||
		    (len == full && strncasecmp(s, dob_long[m], len) == 0) ||
		    (m == 8 && len == 4 && strncasecmp(s, "sept", 4) == 0))
			return m + 1;
	}
	return 0;
}

/* dob_year - widen a two-digit year */
int
dob_year(int y, size_t digits)
{
	if (digits == 4)
		return y;
	return y < 40 ? 2000 + y : 1900 + y;
}

/* dob_today - yyyymmdd of the local day of `now` (0 on error) */
long
dob_today(time_t now)
{
	struct tm tm;

	if (localtime_r(&now, &tm) == NULL)
		return 0;
	return (long)(tm.tm_year + 1900) * 10000 + (tm.tm_mon + 1) * 100 +
	    tm.tm_mday;
}

/* dob_age_ok - 2 <= age <= 20 on day `today` (yyyymmdd) */
bool
dob_age_ok(long ymd, long today)
{
	long age;

	if (ymd == 0 || today == 0 || ymd > today)
		return false;
	age = (today - ymd) / 10000;
	return age >= 2 && age <= 20;
}

/* dob_is_pupil_age - 2 <= age <= 20 on the day of `now` (local time) */
bool
dob_is_pupil_age(long ymd, time_t now)
{
	return dob_age_ok(ymd, dob_today(now));
}
