/*
 * report_int - internals shared by report.c and report_line.c
 *
 * Not for the front ends: they read struct report (report.h) only.
 *
 * One pass over the event log keeps its state in a struct report_scan:
 * the report it adds to, the counted tables it fills (reasons and
 * alert categories), one json-c tokener reused for every line that
 * needs one, and two caches that the log's time order makes nearly
 * always right: the start of the last day seen and the period of the
 * last quarter of an hour.
 */
#ifndef AUP_REPORT_INT_H
#define AUP_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <glib.h>
#include <json-c/json.h>

#include "store/report.h"

struct report_scan {
	struct report *r;
	json_tokener *tok;
	GHashTable *reasons;		/* "policy: reason" -> long */
	GHashTable *alerts;		/* category -> long */
	GHashTable *schools;		/* name -> its counts in r->schools */
	char	 day[10];		/* "YYYY-MM-DD" of day_start */
	time_t	 day_start;		/* that day's 00:00 UTC */
	long	 bucket;		/* quarter-hour of period, or -1 */
	struct report_period *period;	/* its week or month */
};

/* report_line - add one line of the log (line[len] is a NUL); false if
 * it is not an event */
bool	report_line(struct report_scan *s, const char *line, size_t len);

/* The sums (report.c). */
/* report_counts_of - a policy's counts in an array (made if new) */
struct report_counts *report_counts_of(GPtrArray *a, const char *policy);
/* report_period_of - the period of a label (made if new) */
struct report_period *report_period_of(struct report *r, const char *label);
/* report_count - add one to a counted key */
void	report_count(GHashTable *h, const char *key);

#endif
