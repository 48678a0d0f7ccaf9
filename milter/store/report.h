/*
 * report - the monitoring report (SPEC 10): what the policies did, what
 * monitor mode would have done, the most frequent reasons, safeguarding
 * alerts by category, and the reviewers' releases and deletions with
 * the time from hold to review
 *
 * report_build() reads the event log (one JSON object a line) and the
 * quarantine index once; the renderers write the same sums as text,
 * CSV, JSON or HTML with SVG charts the program draws (used by
 * `aupctl report` and the console's Reports page).
 */
#ifndef AUP_REPORT_H
#define AUP_REPORT_H

#include <stdbool.h>
#include <time.h>

#include <glib.h>

#include "config/conf.h"

#define REPORT_ACTIONS	5	/* reject, quarantine, defer, rewrite, flag */

struct report_options {
	time_t	 since;		/* events at or after (0 = the beginning) */
	time_t	 until;		/* events before (0 = now) */
	bool	 monthly;	/* periods are months, not ISO weeks */
	bool	 names;		/* name the people who released (dsl) */
	const char *school;	/* one school's events and rows; NULL = all */
	bool	 by_school;	/* the service's report: counts per school */
};

/* Counts of one policy in one period (or in all). */
struct report_counts {
	char	*policy;		/* or the school, in report.schools */
	long	 n[REPORT_ACTIONS];
	long	 messages;		/* in report.schools: messages judged */
};

struct report_period {
	char	*label;			/* "2026-W49" or "2026-12" */
	GPtrArray *policies;		/* struct report_counts, by name */
};

struct report_pair {
	char	*key;			/* "policy: reason", category... */
	long	 n;
};

struct report {
	struct report_options opt;
	long	 messages;		/* events of judged messages */
	long	 actions[REPORT_ACTIONS]; /* final actions */
	GPtrArray *periods;		/* struct report_period, in order */
	GPtrArray *monitor;		/* struct report_counts: would-have */
	GPtrArray *reasons;		/* struct report_pair, most first */
	GPtrArray *alerts;		/* struct report_pair by category */
	GPtrArray *alert_states;	/* "category: status" of the alerts
					 * table, as they stand now */
	long	 urgent;		/* urgent overrides of working-hours */
	long	 held, released, deleted, reviewed, expired, waiting;
	double	 median_review_hours;	/* hold to first review action */
	GPtrArray *reviewers;		/* struct report_pair (names only) */
	long	 bad_lines;		/* lines that were not JSON */
	GPtrArray *schools;		/* struct report_counts per school, by
					 * name (by_school; "" = no school) */
};

/* report_action_names - "reject", "quarantine", "defer", "rewrite",
 * "flag" */
extern const char *const report_action_names[REPORT_ACTIONS];

/* report_build - the sums; NULL with *err when the log cannot be read */
struct report *report_build(const struct conf *cf,
	    const struct report_options *opt, char **err);
/* report_free - accepts NULL, returns NULL */
struct report *report_free(struct report *r);

/* The renderers (report_render.c); each returns a new string. */
char	*report_text(const struct report *r);
char	*report_csv(const struct report *r);
char	*report_json(const struct report *r);
/* report_html_body - the report's sections into `out` (escaped, SVG) */
void	report_html_body(const struct report *r, GString *out);
/* report_html - a whole printable page */
char	*report_html(const struct report *r, const char *school);

#endif
