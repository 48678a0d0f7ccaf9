/*
 * report_line - one line of the event log, read for the report
 *
 * SYNOPSIS
 *	report_line()
 *
 * DESCRIPTION
 *	A year of a school's events is about 2 million lines of a kilobyte
 *	or more, so a line is not parsed whole.  The top-level members the
 *	report needs are found by their keys: a quote inside a JSON string
 *	is escaped, so `"key":` can only be a key, and the event log's
 *	nested objects (policies, attachments, alerts) use none of the
 *	keys looked up at the top level.  In the order of the work:
 *
 *	1. "event" (the first member) must be "message"; other events
 *	   count for nothing.
 *	2. "time" is looked for from the end (the event log writes it
 *	   last), read digit by digit, and the line is dropped when it is
 *	   outside --since/--until, before anything else is looked at.
 *	3. "action" adds to the totals.
 *	4. "policies": in almost every message each policy passed and
 *	   none carries a "tag"; that is seen by scanning the array for
 *	   its "result" members, and such a line adds nothing more.  The
 *	   others (a policy decided, was monitored, or used an override
 *	   such as working-hours' "urgent") go through json-c, with one
 *	   tokener reused for every line.
 *	5. "alerts": an empty array is seen without parsing.
 *
 *	Every message in the range makes its week or month exist (a quiet
 *	week is a row of zeros, not a gap).  The day's start and the
 *	period are cached (the log is in time order): timegm() runs once
 *	a day and localtime_r() once a quarter of an hour, the finest
 *	step of any time zone's offset.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/report_int.h"
#include "util/xalloc.h"
#include "util/json_member.h"

/* report_action_index - index of an action word ending at a quote (or
 * at the string's end), or -1 */
static int
report_action_index(const char *s, size_t max)
{
	for (int i = 0; s != NULL && i < REPORT_ACTIONS; i++) {
		size_t n;

		if (s[0] != report_action_names[i][0])	/* "accept" */
			continue;
		n = strlen(report_action_names[i]);
		if (n < max && memcmp(s, report_action_names[i], n) == 0 &&
		    (s[n] == '"' || s[n] == '\0'))
			return i;
	}
	return -1;
}

/* report_key - the value after the first `"key":` at or after `from`,
 * or NULL.  Only colons are looked at: one closes a key when a quote
 * that no backslash escapes comes before it (keys hold no escapes). */
static const char *
report_key(const char *line, const char *from, const char *end,
    const char *key)
{
	size_t n = strlen(key);
	const char *c;

	for (c = from; (c = memchr(c, ':', (size_t)(end - c))) != NULL; c++)
		if ((size_t)(c - line) >= n + 2 && c[-1] == '"' &&
		    c[-2] != '\\' && c[-(ptrdiff_t)n - 2] == '"' &&
		    memcmp(c - n - 1, key, n) == 0)
			return c + 1;
	return NULL;
}

/* report_find - the value of a top-level key, looked for from `from`
 * (where the event log's order puts it) and then from the start */
static const char *
report_find(const char *line, const char *from, const char *end,
    const char *key)
{
	const char *v = report_key(line, from, end, key);

	return v != NULL || from == line ? v : report_key(line, line, from,
	    key);
}

/* report_find_last - the same, looked for from the end (for "time",
 * the event log's last member) */
static const char *
report_find_last(const char *line, size_t len, const char *pat)
{
	size_t n = strlen(pat), k;
	const char *p;

	if (len < n)
		return NULL;
	for (k = len - n + 1; (p = memrchr(line, '"', k)) != NULL;
	    k = (size_t)(p - line))
		if (memcmp(p, pat, n) == 0)
			return p + n;
	return NULL;
}

/* report_digits - n decimal digits at s, or -1 */
static int
report_digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

/* report_time_slow - any "Y-M-DTh:m:s" the fast reader refused */
static time_t
report_time_slow(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon,
	    &tm.tm_mday, &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
		return (time_t)-1;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

/* report_time - "2026-11-22T23:52:25.123Z" (UTC) as a time, -1 if not;
 * s holds at least 20 bytes before the line's end or a NUL stops it */
static time_t
report_time(struct report_scan *s, const char *v, size_t max)
{
	int h, m, sec;
	struct tm tm;

	if (max < 20 || v[4] != '-' || v[7] != '-' || v[10] != 'T' ||
	    v[13] != ':' || v[16] != ':' || (h = report_digits(v + 11, 2)) < 0 ||
	    (m = report_digits(v + 14, 2)) < 0 ||
	    (sec = report_digits(v + 17, 2)) < 0)
		return max < 20 ? (time_t)-1 : report_time_slow(v);
	if (memcmp(v, s->day, sizeof(s->day)) != 0) {
		memset(&tm, 0, sizeof(tm));
		tm.tm_year = report_digits(v, 4) - 1900;
		tm.tm_mon = report_digits(v + 5, 2) - 1;
		tm.tm_mday = report_digits(v + 8, 2);
		if (tm.tm_year < 0 || tm.tm_mon < 0 || tm.tm_mday < 0)
			return report_time_slow(v);
		s->day_start = timegm(&tm);
		memcpy(s->day, v, sizeof(s->day));
	}
	return s->day_start + h * 3600 + m * 60 + sec;
}

/* report_period - the period of a time (its label in local time) */
static struct report_period *
report_period(struct report_scan *s, time_t t)
{
	struct tm tm;
	char label[32];

	if (t / 900 != s->bucket || s->period == NULL) {
		localtime_r(&t, &tm);
		strftime(label, sizeof(label), s->r->opt.monthly ? "%Y-%m" :
		    "%G-W%V", &tm);
		s->period = report_period_of(s->r, label);
		s->bucket = t / 900;
	}
	return s->period;
}

/* report_string_end - one past the quote closing the string whose
 * text starts at p, or NULL (the line ends with a NUL) */
static const char *
report_string_end(const char *p)
{
	for (;;) {
		p += strcspn(p, "\"\\");
		if (*p == '"')
			return p + 1;
		if (*p == '\0' || p[1] == '\0')
			return NULL;
		p += 2;		/* an escaped character */
	}
}

/* report_array_end - one past the `]` or `}` closing the array or
 * object at p, or NULL; strings are skipped whole */
static const char *
report_array_end(const char *p)
{
	int depth = 0;

	for (;;) {
		p += strcspn(p, "\"[]{}");
		if (*p == '\0')
			return NULL;
		if (*p == '"') {
			if ((p = report_string_end(p + 1)) == NULL)
				return NULL;
			continue;
		}
		if (*p == '[' || *p == '{')
			depth++;
		else if (--depth == 0)
			return p + 1;
		p++;
	}
}

/* report_parse_array - the array at p through json-c, or NULL */
static json_object *
report_parse_array(struct report_scan *s, const char *p)
{
	const char *e = report_array_end(p);
	json_object *o;

	if (e == NULL)
		return NULL;
	json_tokener_reset(s->tok);
	o = json_tokener_parse_ex(s->tok, p, (int)(e - p));
	if (o != NULL && !json_object_is_type(o, json_type_array)) {
		json_object_put(o);
		return NULL;
	}
	return o;
}

/* report_flat_end - the `]` closing the policies array at p: its
 * objects are flat and no string holds an unescaped quote, so it is
 * the first `}],"`; NULL if there is none */
static const char *
report_flat_end(const char *p, const char *end)
{
	const char *c;

	for (c = p; (c = memchr(c, '}', (size_t)(end - c))) != NULL; c++)
		if (end - c > 3 && c[1] == ']' && c[2] == ',' && c[3] == '"')
			return c + 1;
	return NULL;
}

/* report_dull - no policy in [p, end) has a result other than pass
 * or a tag?  Only colons are looked at, as in report_key(). */
static bool
report_dull(const char *p, const char *end)
{
	const char *c;

	for (c = p; (c = memchr(c, ':', (size_t)(end - c))) != NULL; c++) {
		if (c[-1] != '"' || c[-2] == '\\')
			continue;
		if (c - p >= 5 && memcmp(c - 5, "\"tag\"", 5) == 0)
			return false;
		if (c - p >= 8 && memcmp(c - 8, "\"result\"", 8) == 0 &&
		    (end - c < 7 || memcmp(c + 1, "\"pass\"", 6) != 0))
			return false;
	}
	return true;
}

/* report_plain - the policies array at p holds only passes and no
 * tag?  *after is set to where the array ends (or to p). */
static bool
report_plain(const char *p, const char *end, const char **after)
{
	const char *stop;

	*after = p;
	if (p + 1 < end && p[1] == ']')
		return true;
	if ((stop = report_flat_end(p, end)) == NULL)
		return false;
	*after = stop;
	return report_dull(p, stop);
}

/* report_policy - one policy's result: counted, would-have, reason */
static void
report_policy(struct report_scan *s, json_object *p,
    struct report_period *per)
{
	const char *name = json_member_string(p, "name"), *why, *res;
	int a = (res = json_member_string(p, "result")) != NULL ?
	    report_action_index(res, strlen(res) + 1) : -1;
	json_object *m;
	char *key;

	if (name == NULL || a < 0)
		return;
	if (json_object_object_get_ex(p, "monitored", &m) &&
	    json_object_get_boolean(m)) {
		report_counts_of(s->r->monitor, name)->n[a]++;
		return;
	}
	report_counts_of(per->policies, name)->n[a]++;
	why = json_member_string(p, "reason");
	key = xasprintf("%s: %s", name, why != NULL ? why : "");
	report_count(s->reasons, key);
	free(key);
}

/* report_policies - the policies of an event that did more than pass:
 * only the objects that did are parsed.  An event any of whose
 * policies used the "urgent" override counts once. */
static void
report_policies(struct report_scan *s, const char *p, const char *end,
    struct report_period *per)
{
	const char *o = p + 1, *e, *tag;
	bool urgent = false;
	json_object *obj;

	for (; o < end && *o == '{' && (e = report_array_end(o)) != NULL;
	    o = e + (*e == ',')) {
		if (report_dull(o, e))
			continue;
		json_tokener_reset(s->tok);
		obj = json_tokener_parse_ex(s->tok, o, (int)(e - o));
		if (obj != NULL && json_object_is_type(obj, json_type_object)) {
			report_policy(s, obj, per);
			tag = json_member_string(obj, "tag");
			urgent |= tag != NULL && strcmp(tag, "urgent") == 0;
		}
		json_object_put(obj);
	}
	s->r->urgent += urgent;
}

/* report_alerts - count an event's alert categories */
static void
report_alerts(struct report_scan *s, const char *p, const char *end)
{
	json_object *arr;

	if (p + 1 < end && p[1] == ']')
		return;
	arr = report_parse_array(s, p);
	for (size_t i = 0; arr != NULL && i < json_object_array_length(arr);
	    i++) {
		const char *cat = json_member_string(json_object_array_get_idx(arr, i),
		    "category");

		if (cat != NULL)
			report_count(s->alerts, cat);
	}
	json_object_put(arr);
}

/* report_school - the event's "school" ("" without one) into buf */
static void
report_school(const char *line, const char *from, const char *end,
    char *buf, size_t size)
{
	const char *v = report_find(line, from, end, "school"), *q;
	size_t n = 0;

	if (v != NULL && *v == '"' && (q = report_string_end(v + 1)) != NULL)
		n = (size_t)(q - v - 2) < size - 1 ? (size_t)(q - v - 2) :
		    size - 1;
	if (n > 0)
		memcpy(buf, v + 1, n);
	buf[n] = '\0';
}

/* report_line - see the top of the file */
bool
report_line(struct report_scan *s, const char *line, size_t len)
{
	const char *end = line + len, *v, *ev = report_key(line, line, end,
	    "event");
	struct report_period *per;
	struct report_counts *sc = NULL;
	char school[256];
	time_t t;
	int a;

	if (line[0] != '{' || ev == NULL)
		return false;
	if (end - ev < 9 || memcmp(ev, "\"message\"", 9) != 0)
		return true;
	v = report_find_last(line, len, "\"time\":\"");
	t = v != NULL ? report_time(s, v, (size_t)(end - v)) : (time_t)-1;
	if (t == (time_t)-1 || (s->r->opt.since && t < s->r->opt.since) ||
	    (s->r->opt.until && t >= s->r->opt.until))
		return true;
	if (s->r->opt.school != NULL || s->r->opt.by_school) {
		report_school(line, ev, end, school, sizeof(school));
		if (s->r->opt.school != NULL &&
		    strcmp(school, s->r->opt.school) != 0)
			return true;
		if (s->r->opt.by_school &&
		    (sc = g_hash_table_lookup(s->schools, school)) == NULL) {
			sc = report_counts_of(s->r->schools, school);
			g_hash_table_insert(s->schools, sc->policy, sc);
		}
		if (sc != NULL)
			sc->messages++;
	}
	s->r->messages++;
	per = report_period(s, t);
	if ((v = report_find(line, ev, end, "action")) != NULL && *v == '"' &&
	    (a = report_action_index(v + 1, (size_t)(end - v - 1))) >= 0) {
		s->r->actions[a]++;
		if (sc != NULL)
			sc->n[a]++;
	}
	if ((v = report_find(line, v != NULL ? v : ev, end, "policies")) !=
	    NULL && *v == '[' && !report_plain(v, end, &ev))
		report_policies(s, v, end, per);
	if ((v = report_find(line, ev, end, "alerts")) != NULL && *v == '[')
		report_alerts(s, v, end);
	return true;
}
