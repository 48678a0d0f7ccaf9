/*
 * report - the sums of the monitoring report
 *
 * SYNOPSIS
 *	report_build(), report_free(), report_action_names[]
 *
 * DESCRIPTION
 *	One pass over the event log: every "message" event inside the
 *	time range adds its final action to the totals and each policy's
 *	result (other than pass) to its period, or, when the policy ran
 *	in monitor mode ("monitored": true), to the would-have counts.
 *	Reasons are counted as "policy: reason" (the event log holds no
 *	pupil-data values or safeguarding phrases, so neither does the
 *	report); safeguarding alerts by the categories the event names;
 *	urgent overrides by the events marked "urgent"; the alerts table
 *	(alerts.c) how the alerts of the range stand now (category and
 *	status).  The quarantine
 *	index gives the reviewers' side: how many held messages were
 *	released, deleted, marked reviewed, expired or are waiting, and
 *	the median time from hold to the first review action.  Names of
 *	reviewers are counted only when opt->names (the DSL's view).
 *
 *	The log is read in large blocks, not line by line through stdio;
 *	report_line.c reads each line without parsing it whole (a year of
 *	a school's events is about 2 million lines).  A line that is not
 *	an event is counted (bad_lines) and skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/alerts.h"
#include "store/qindex.h"
#include "store/report_int.h"
#include "util/xalloc.h"

#define REPORT_BLOCK	(4 << 20)	/* bytes read at a time */

const char *const report_action_names[REPORT_ACTIONS] = { "reject",
	"quarantine", "defer", "rewrite", "flag" };

/* report_counts_free - a GPtrArray element */
static void
report_counts_free(void *p)
{
	struct report_counts *c = p;

	free(c->policy);
	free(c);
}

/* report_pair_free - a GPtrArray element */
static void
report_pair_free(void *p)
{
	struct report_pair *c = p;

	free(c->key);
	free(c);
}

/* report_period_free - a GPtrArray element */
static void
report_period_free(void *p)
{
	struct report_period *c = p;

	free(c->label);
	g_ptr_array_free(c->policies, TRUE);
	free(c);
}

/* report_counts_of - the counts of a policy in an array (made if new) */
struct report_counts *
report_counts_of(GPtrArray *a, const char *policy)
{
	struct report_counts *c;

	for (guint i = 0; i < a->len; i++) {
		c = g_ptr_array_index(a, i);
		if (strcmp(c->policy, policy) == 0)
			return c;
	}
	c = xcalloc(1, sizeof(*c));
	c->policy = xstrdup(policy);
	g_ptr_array_add(a, c);
	return c;
}

/* report_period_of - the period of a label (the log is in time order,
 * so the last one is nearly always it) */
struct report_period *
report_period_of(struct report *r, const char *label)
{
	struct report_period *p;

	for (guint i = r->periods->len; i > 0; i--) {
		p = g_ptr_array_index(r->periods, i - 1);
		if (strcmp(p->label, label) == 0)
			return p;
	}
	p = xcalloc(1, sizeof(*p));
	p->label = xstrdup(label);
	p->policies = g_ptr_array_new_with_free_func(report_counts_free);
	g_ptr_array_add(r->periods, p);
	return p;
}

/* report_count - add one to a counted key */
void
report_count(GHashTable *h, const char *key)
{
	long *n = g_hash_table_lookup(h, key);

	if (n == NULL) {
		n = xcalloc(1, sizeof(*n));
		g_hash_table_insert(h, xstrdup(key), n);
	}
	(*n)++;
}

/* report_pair_cmp - most first, then by key */
static gint
report_pair_cmp(gconstpointer a, gconstpointer b)
{
	const struct report_pair *x = *(struct report_pair *const *)a;
	const struct report_pair *y = *(struct report_pair *const *)b;

	if (x->n != y->n)
		return x->n > y->n ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* report_pairs - a counted table as a sorted array, at most `max` */
static GPtrArray *
report_pairs(GHashTable *h, guint max)
{
	GPtrArray *a = g_ptr_array_new_with_free_func(report_pair_free);
	GHashTableIter it;
	gpointer k, v;

	g_hash_table_iter_init(&it, h);
	while (g_hash_table_iter_next(&it, &k, &v)) {
		struct report_pair *p = xcalloc(1, sizeof(*p));

		p->key = xstrdup(k);
		p->n = *(long *)v;
		g_ptr_array_add(a, p);
	}
	g_ptr_array_sort(a, report_pair_cmp);
	if (max > 0 && a->len > max)
		g_ptr_array_set_size(a, max);
	return a;
}

/* report_block - the complete lines of buf[0, n) into the scan; the
 * bytes after the last newline are left (their count is returned) */
static size_t
report_block(struct report_scan *s, char *buf, size_t n)
{
	char *p = buf, *nl;
	size_t len;

	while ((nl = memchr(p, '\n', (size_t)(buf + n - p))) != NULL) {
		len = (size_t)(nl - p);
		*nl = '\0';
		if (len > 0 && p[len - 1] == '\r')
			p[--len] = '\0';
		if (len > 0 && !report_line(s, p, len))
			s->r->bad_lines++;
		p = nl + 1;
	}
	return (size_t)(buf + n - p);
}

/* report_read_fd - every line of the log; -1 on a read error */
static int
report_read_fd(struct report_scan *s, int fd)
{
	size_t cap = REPORT_BLOCK, have = 0, left;
	char *buf = xmalloc(cap + 1);
	ssize_t n;
	int saved;

	while ((n = read(fd, buf + have, cap - have)) > 0 ||
	    (n < 0 && errno == EINTR)) {
		if (n < 0)
			continue;
		left = report_block(s, buf, have + (size_t)n);
		memmove(buf, buf + have + (size_t)n - left, left);
		have = left;
		if (have == cap)	/* a line longer than the buffer */
			buf = xrealloc(buf, (cap *= 2) + 1);
	}
	if (n == 0 && have > 0) {	/* a last line without a newline */
		buf[have++] = '\n';
		(void)report_block(s, buf, have);
	}
	saved = errno;
	free(buf);
	errno = saved;
	return n < 0 ? -1 : 0;
}

/* report_read_log - the event log's pass; -1 if it cannot be read */
static int
report_read_log(struct report *r, const char *path, char **err)
{
	struct report_scan s = { .r = r, .bucket = -1,
	    .tok = json_tokener_new(),
	    .reasons = g_hash_table_new_full(g_str_hash, g_str_equal, free,
		free),
	    .alerts = g_hash_table_new_full(g_str_hash, g_str_equal, free,
		free),
	    .schools = g_hash_table_new(g_str_hash, g_str_equal) };
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if ((fd < 0 && errno != ENOENT) ||
	    (fd >= 0 && report_read_fd(&s, fd) < 0))
		*err = xasprintf("%s: %s", path, strerror(errno));
	if (fd >= 0)
		(void)close(fd);
	r->reasons = report_pairs(s.reasons, 10);
	r->alerts = report_pairs(s.alerts, 0);
	json_tokener_free(s.tok);
	g_hash_table_destroy(s.reasons);
	g_hash_table_destroy(s.alerts);
	g_hash_table_destroy(s.schools);
	return *err != NULL ? -1 : 0;
}

/* report_first_review - the first review action on a row, or 0 */
static time_t
report_first_review(const struct qindex_entry *e)
{
	time_t t[] = { e->released_at, e->deleted_at, e->reviewed_at }, m = 0;

	for (size_t i = 0; i < 3; i++)
		if (t[i] != 0 && (m == 0 || t[i] < m))
			m = t[i];
	return m;
}

/* report_double_cmp - for the median */
static int
report_double_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* report_reviews - the index's side; -1 if it cannot be read */
static int
report_reviews(struct report *r, struct store *dir, char **err)
{
	struct qindex_filter f = { .since = r->opt.since,
	    .until = r->opt.until, .school = r->opt.school };
	struct qindex_entry *rows;
	GHashTable *who = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    free);
	long n = qindex_list(dir, &f, &rows, err);
	double *hours = xcalloc((size_t)(n > 0 ? n : 1), sizeof(*hours));
	size_t nh = 0;

	for (long i = 0; i < n; i++) {
		const struct qindex_entry *e = &rows[i];
		time_t first = report_first_review(e);
		const char *by = e->released_by ? e->released_by :
		    e->deleted_by ? e->deleted_by : e->reviewed_by;

		r->held++;
		r->released += e->released_at != 0;
		r->deleted += e->deleted_at != 0;
		r->reviewed += e->reviewed_at != 0;
		r->expired += strcmp(e->status, "expired") == 0;
		r->waiting += first == 0 && strcmp(e->status, "held") == 0;
		if (first != 0)
			hours[nh++] = (double)(first - e->time) / 3600.0;
		if (r->opt.names && by != NULL)
			report_count(who, by);
	}
	qsort(hours, nh, sizeof(*hours), report_double_cmp);
	r->median_review_hours = nh == 0 ? 0 : nh % 2 ? hours[nh / 2] :
	    (hours[nh / 2 - 1] + hours[nh / 2]) / 2;
	r->reviewers = report_pairs(who, 0);
	free(hours);
	g_hash_table_destroy(who);
	qindex_entries_free(rows, n);
	return n < 0 ? -1 : 0;
}

/* report_alert_states - the alerts table: category and status now */
static int
report_alert_states(struct report *r, struct store *dir, char **err)
{
	struct alert_filter f = { .since = r->opt.since,
	    .school = r->opt.school };
	struct alert_entry *rows;
	GHashTable *h = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    free);
	long n = alerts_list(dir, &f, &rows, err);

	for (long i = 0; i < n; i++) {
		char *key;

		if (r->opt.until && rows[i].time >= r->opt.until)
			continue;
		key = xasprintf("%s: %s", rows[i].category, rows[i].status);
		report_count(h, key);
		free(key);
	}
	r->alert_states = report_pairs(h, 0);
	g_hash_table_destroy(h);
	alerts_entries_free(rows, n);
	return n < 0 ? -1 : 0;
}

/* report_counts_cmp - by name (the schools of the service's report) */
static gint
report_counts_cmp(gconstpointer a, gconstpointer b)
{
	const struct report_counts *x = *(const struct report_counts *const *)a;
	const struct report_counts *y = *(const struct report_counts *const *)b;

	return strcmp(x->policy, y->policy);
}

/* report_build - every sum of the report */
struct report *
report_build(const struct conf *cf, const struct report_options *opt,
    char **err)
{
	struct report *r = xcalloc(1, sizeof(*r));

	*err = NULL;
	r->opt = *opt;
	r->periods = g_ptr_array_new_with_free_func(report_period_free);
	r->monitor = g_ptr_array_new_with_free_func(report_counts_free);
	r->schools = g_ptr_array_new_with_free_func(report_counts_free);
	if (report_read_log(r, cf->milter.event_log, err) < 0 ||
	    report_reviews(r, store_of(cf), err) < 0 ||
	    report_alert_states(r, store_of(cf), err) < 0)
		return report_free(r);
	g_ptr_array_sort(r->schools, report_counts_cmp);
	return r;
}

/* report_free - free the sums */
struct report *
report_free(struct report *r)
{
	if (r == NULL)
		return NULL;
	g_ptr_array_free(r->periods, TRUE);
	g_ptr_array_free(r->monitor, TRUE);
	g_ptr_array_free(r->schools, TRUE);
	if (r->reasons != NULL)
		g_ptr_array_free(r->reasons, TRUE);
	if (r->alerts != NULL)
		g_ptr_array_free(r->alerts, TRUE);
	if (r->reviewers != NULL)
		g_ptr_array_free(r->reviewers, TRUE);
	if (r->alert_states != NULL)
		g_ptr_array_free(r->alert_states, TRUE);
	free(r);
	return NULL;
}
