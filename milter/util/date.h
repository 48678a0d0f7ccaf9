/*
 * date - calendar dates as schools write them in CSV files
 *
 * Every CSV the product reads (parents, pupils, exemptions, and the
 * files later policies add) accepts the same two spellings: ISO
 * `YYYY-MM-DD` and the UK's `DD/MM/YYYY` (one-digit day and month
 * allowed, as Excel writes them).  A spreadsheet that saved a date with
 * a midnight time (`2024-07-19 00:00:00`, `19/07/2024 00:00`) is read
 * as that date.  Anything else is not a date: never a guess at the
 * American order.
 */
#ifndef AUP_DATE_H
#define AUP_DATE_H

#include <stdbool.h>
#include <time.h>

struct date {
	int	year;		/* 1900.. */
	int	month;		/* 1..12 */
	int	day;		/* 1..31, a real day of that month */
};

/* DATE_FORMATS - the accepted spellings, for messages */
#define DATE_FORMATS	"YYYY-MM-DD or DD/MM/YYYY"

/* date_parse - read a date; false (and *d untouched) when it is not one */
bool	date_parse(const char *s, struct date *d);
/* date_iso - "YYYY-MM-DD" into buf (11 bytes); returns buf */
char	*date_iso(const struct date *d, char buf[11]);
/* date_day_start - the first second of the day, local time */
time_t	date_day_start(const struct date *d);
/* date_day_start_of - the first second of the day a string names, or
 * (time_t)-1 when it is not a date (command-line --since/--until) */
time_t	date_day_start_of(const char *s);
/* date_day_end - the last second of the day, local time */
time_t	date_day_end(const struct date *d);
/* date_compare - <0, 0, >0 as a is before, on or after b */
int	date_compare(const struct date *a, const struct date *b);
/* date_of - the local calendar date of a moment */
struct date date_of(time_t t);

#endif
