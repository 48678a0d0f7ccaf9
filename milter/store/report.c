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
 *	A year of a school's events is about 2 million lines, so a line
 *	is not parsed whole: the top-level members the report needs are
 *	found by their keys (a quote inside a JSON string is escaped, so
 *	"key": can only be a key) and only the small policies and alerts
 *	arrays go through json-c, with one reused tokener.  A line that
 *	is not an event is counted (bad_lines) and skipped.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "store/alerts.h"
#include "store/qindex.h"
#include "store/report.h"
#include "util/xalloc.h"

const char *const report_action_names[REPORT_ACTIONS] = { "reject",
	"quarantine", "defer", "rewrite", "flag" };

/* report_action_index - index of an action word, or -1 */
static int
report_action_index(const char *s)
{
	for (int i = 0; s != NULL && i < REPORT_ACTIONS; i++)
		if (strcmp(s, report_action_names[i]) == 0)
			return i;
	return -1;
}

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
static struct report_counts *
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
static struct report_period *
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
static void
report_count(GHashTable *h, const char *key)
{
	long *n = g_hash_table_lookup(h, key);

	if (n == NULL) {
		n = xcalloc(1, sizeof(*n));
		g_hash_table_insert(h, xstrdup(key), n);
	}
	(*n)++;
}

/* report_str - a string member or NULL */
static const char *
report_str(json_object *o, const char *key)
{
	json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* report_time - "2026-11-22T23:52:25.123Z" as a time; -1 if not */
static time_t
report_time(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year,
	    &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* report_policies - one event's policy results */
static void
report_policies(struct report *r, json_object *arr, const char *label,
    GHashTable *reasons)
{
	struct report_period *per = report_period_of(r, label);

	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *p = json_object_array_get_idx(arr, i), *m;
		const char *name = report_str(p, "name");
		int a = report_action_index(report_str(p, "result"));
		bool monitored = json_object_object_get_ex(p, "monitored",
		    &m) && json_object_get_boolean(m);
		char *key;

		if (name == NULL || a < 0)
			continue;
		if (monitored) {
			report_counts_of(r->monitor, name)->n[a]++;
			continue;
		}
		report_counts_of(per->policies, name)->n[a]++;
		key = xasprintf("%s: %s", name, report_str(p, "reason") ?
		    report_str(p, "reason") : "");
		report_count(reasons, key);
		free(key);
	}
}

/* report_find - the value after a top-level `"key":` of a line, or
 * NULL.  A quote inside a JSON string is escaped, so `"key":` can only
 * be a key; the event log's nested objects (policies, attachments,
 * alerts, reply, header_changes) use none of the keys looked up here. */
static const char *
report_find(const char *line, size_t len, const char *key)
{
	char pat[32];
	int n = snprintf(pat, sizeof(pat), "\"%s\":", key);
	const char *p = memmem(line, len, pat, (size_t)n);

	return p != NULL ? p + n : NULL;
}

/* report_array_end - one past the `]` closing the array at p, or NULL */
static const char *
report_array_end(const char *p, const char *end)
{
	int depth = 0;
	bool in_string = false;

	for (; p < end; p++) {
		if (in_string) {
			if (*p == '\\')
				p++;
			else if (*p == '"')
				in_string = false;
		} else if (*p == '"')
			in_string = true;
		else if (*p == '[' || *p == '{')
			depth++;
		else if ((*p == ']' || *p == '}') && --depth == 0)
			return p + 1;
	}
	return NULL;
}

/* report_array - parse the array value of a top-level key (or NULL) */
static json_object *
report_array(json_tokener *tok, const char *line, size_t len,
    const char *key)
{
	const char *p = report_find(line, len, key), *end;

	if (p == NULL || *p != '[' ||
	    (end = report_array_end(p, line + len)) == NULL)
		return NULL;
	json_tokener_reset(tok);
	return json_tokener_parse_ex(tok, p, (int)(end - p));
}

/* report_word - a top-level string value equals `want`? */
static bool
report_word(const char *line, size_t len, const char *key, const char *want)
{
	const char *p = report_find(line, len, key);
	size_t n = strlen(want);

	return p != NULL && p[0] == '"' && (size_t)(line + len - p) > n + 1 &&
	    strncmp(p + 1, want, n) == 0 && p[n + 1] == '"';
}

/* report_alerts - count an event's alert categories */
static void
report_alerts(json_object *arr, GHashTable *alerts)
{
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		const char *cat = report_str(json_object_array_get_idx(arr, i),
		    "category");

		if (cat != NULL)
			report_count(alerts, cat);
	}
}

/* report_line - one line of the log: only message events are read, and
 * only the members the report needs are parsed; false if it is not an
 * event line */
static bool
report_line(struct report *r, json_tokener *tok, const char *line,
    size_t len, GHashTable *reasons, GHashTable *alerts)
{
	const char *tv = report_find(line, len, "time"), *av;
	json_object *arr;
	char label[32], word[16];
	struct tm tm;
	time_t t;
	int a;

	if (line[0] != '{' || report_find(line, len, "event") == NULL)
		return false;
	if (!report_word(line, len, "event", "message"))
		return true;
	t = tv != NULL && *tv == '"' ? report_time(tv + 1) : (time_t)-1;
	if (t == (time_t)-1 || (r->opt.since && t < r->opt.since) ||
	    (r->opt.until && t >= r->opt.until))
		return true;
	r->messages++;
	if ((av = report_find(line, len, "action")) != NULL && *av == '"' &&
	    sscanf(av + 1, "%15[a-z]", word) == 1 &&
	    (a = report_action_index(word)) >= 0)
		r->actions[a]++;
	localtime_r(&t, &tm);
	strftime(label, sizeof(label), r->opt.monthly ? "%Y-%m" : "%G-W%V",
	    &tm);
	if ((arr = report_array(tok, line, len, "policies")) != NULL &&
	    json_object_is_type(arr, json_type_array))
		report_policies(r, arr, label, reasons);
	json_object_put(arr);
	if ((arr = report_array(tok, line, len, "alerts")) != NULL &&
	    json_object_is_type(arr, json_type_array))
		report_alerts(arr, alerts);
	json_object_put(arr);
	if ((av = report_find(line, len, "urgent")) != NULL &&
	    strncmp(av, "true", 4) == 0)
		r->urgent++;
	return true;
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

/* report_read_log - the event log's pass; -1 if it cannot be read */
static int
report_read_log(struct report *r, const char *path, char **err)
{
	FILE *fp = fopen(path, "r");
	GHashTable *reasons = g_hash_table_new_full(g_str_hash, g_str_equal,
	    free, free);
	GHashTable *alerts = g_hash_table_new_full(g_str_hash, g_str_equal,
	    free, free);
	json_tokener *tok = json_tokener_new();
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;

	if (fp == NULL && errno != ENOENT) {
		*err = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	while (fp != NULL && (n = getline(&line, &cap, fp)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n > 0 && !report_line(r, tok, line, (size_t)n, reasons,
		    alerts))
			r->bad_lines++;
	}
	r->reasons = report_pairs(reasons, 10);
	r->alerts = report_pairs(alerts, 0);
out:
	if (fp != NULL)
		fclose(fp);
	free(line);
	json_tokener_free(tok);
	g_hash_table_destroy(reasons);
	g_hash_table_destroy(alerts);
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
report_reviews(struct report *r, const char *dir, char **err)
{
	struct qindex_filter f = { .since = r->opt.since,
	    .until = r->opt.until };
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
report_alert_states(struct report *r, const char *dir, char **err)
{
	struct alert_filter f = { .since = r->opt.since };
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
	if (report_read_log(r, cf->milter.event_log, err) < 0 ||
	    report_reviews(r, cf->milter.quarantine_dir, err) < 0 ||
	    report_alert_states(r, cf->milter.quarantine_dir, err) < 0)
		return report_free(r);
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
