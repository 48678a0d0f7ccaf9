/*
 * report_render - the report as text, CSV, JSON or HTML with SVG charts
 *
 * SYNOPSIS
 *	report_text(), report_csv(), report_json(), report_html_body(),
 *	report_html()
 *
 * DESCRIPTION
 *	The same sums four ways.  The HTML draws its charts as inline SVG
 *	(rectangles and text computed here; no script, no font, nothing
 *	loaded), writes every value through util/html.h, and carries a
 *	print style so the termly report prints for governors.  CSV has
 *	one row per number: section, period, policy or key, action,
 *	count.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "store/report.h"
#include "util/html.h"
#include "util/xalloc.h"

#define SVG_W		640
#define SVG_H		220
#define SVG_LEFT	48
#define SVG_BOTTOM	40

static const char *const report_colours[REPORT_ACTIONS] = { "#a4000f",
	"#c56a00", "#6b4fa0", "#1d4e89", "#4f7f2a" };

/* report_period_total - one period's decisions by action */
static void
report_period_total(const struct report_period *p, long out[REPORT_ACTIONS])
{
	memset(out, 0, sizeof(long) * REPORT_ACTIONS);
	for (guint i = 0; i < p->policies->len; i++) {
		const struct report_counts *c = g_ptr_array_index(p->policies,
		    i);

		for (int a = 0; a < REPORT_ACTIONS; a++)
			out[a] += c->n[a];
	}
}

/* report_policy_totals - every period summed per policy (new array of
 * struct report_counts, borrowed names) */
static GPtrArray *
report_policy_totals(const struct report *r)
{
	GPtrArray *t = g_ptr_array_new_with_free_func(free);

	for (guint i = 0; i < r->periods->len; i++) {
		const struct report_period *p = g_ptr_array_index(r->periods, i);

		for (guint j = 0; j < p->policies->len; j++) {
			const struct report_counts *c =
			    g_ptr_array_index(p->policies, j);
			struct report_counts *s = NULL;

			for (guint k = 0; k < t->len && s == NULL; k++)
				if (strcmp(((struct report_counts *)
				    g_ptr_array_index(t, k))->policy,
				    c->policy) == 0)
					s = g_ptr_array_index(t, k);
			if (s == NULL) {
				s = xcalloc(1, sizeof(*s));
				s->policy = c->policy;
				g_ptr_array_add(t, s);
			}
			for (int a = 0; a < REPORT_ACTIONS; a++)
				s->n[a] += c->n[a];
		}
	}
	return t;
}

/* report_text - for a terminal or a mail */
char *
report_text(const struct report *r)
{
	GString *s = g_string_new(NULL);
	GPtrArray *tot = report_policy_totals(r);

	g_string_append_printf(s, "Messages judged: %ld\n", r->messages);
	for (int a = 0; a < REPORT_ACTIONS; a++)
		g_string_append_printf(s, "  %-10s %ld\n",
		    report_action_names[a], r->actions[a]);
	g_string_append(s, "\nDecisions per policy and period:\n");
	for (guint i = 0; i < r->periods->len; i++) {
		const struct report_period *p = g_ptr_array_index(r->periods, i);

		for (guint j = 0; j < p->policies->len; j++) {
			const struct report_counts *c =
			    g_ptr_array_index(p->policies, j);

			g_string_append_printf(s, "  %-9s %-16s", p->label,
			    c->policy);
			for (int a = 0; a < REPORT_ACTIONS; a++)
				if (c->n[a])
					g_string_append_printf(s, " %s %ld",
					    report_action_names[a], c->n[a]);
			g_string_append_c(s, '\n');
		}
	}
	g_string_append(s, "\nMonitor mode, would have:\n");
	for (guint i = 0; i < r->monitor->len; i++) {
		const struct report_counts *c = g_ptr_array_index(r->monitor, i);

		g_string_append_printf(s, "  %-16s", c->policy);
		for (int a = 0; a < REPORT_ACTIONS; a++)
			if (c->n[a])
				g_string_append_printf(s, " %s %ld",
				    report_action_names[a], c->n[a]);
		g_string_append_c(s, '\n');
	}
	g_string_append(s, "\nMost frequent reasons:\n");
	for (guint i = 0; i < r->reasons->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->reasons, i);

		g_string_append_printf(s, "  %6ld  %s\n", p->n, p->key);
	}
	for (guint i = 0; i < r->schools->len; i++) {
		const struct report_counts *c = g_ptr_array_index(r->schools,
		    i);

		if (i == 0)
			g_string_append(s, "\nPer school:\n");
		g_string_append_printf(s, "  %-24s %ld messages", c->policy[0] ?
		    c->policy : "(no school)", c->messages);
		for (int a = 0; a < REPORT_ACTIONS; a++)
			if (c->n[a])
				g_string_append_printf(s, " %s %ld",
				    report_action_names[a], c->n[a]);
		g_string_append_c(s, '\n');
	}
	g_string_append(s, "\nSafeguarding alerts by category:\n");
	for (guint i = 0; i < r->alerts->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->alerts, i);

		g_string_append_printf(s, "  %-16s %ld\n", p->key, p->n);
	}
	for (guint i = 0; i < r->alert_states->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->alert_states,
		    i);

		g_string_append_printf(s, "  now %-28s %ld\n", p->key, p->n);
	}
	g_string_append_printf(s, "\nHeld: %ld; released %ld, deleted %ld, "
	    "marked reviewed %ld, expired %ld, waiting %ld; median time from "
	    "hold to review %.1f hours\n", r->held, r->released, r->deleted,
	    r->reviewed, r->expired, r->waiting, r->median_review_hours);
	for (guint i = 0; i < r->reviewers->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->reviewers,
		    i);

		g_string_append_printf(s, "  reviewed by %s: %ld\n", p->key,
		    p->n);
	}
	g_string_append_printf(s, "Urgent overrides of working-hours: %ld\n",
	    r->urgent);
	g_ptr_array_free(tot, TRUE);
	return g_string_free(s, FALSE);
}

/* report_csv_cell - one CSV cell, quoted when needed */
static void
report_csv_cell(GString *s, const char *v)
{
	if (strpbrk(v, ",\"\r\n") == NULL) {
		g_string_append(s, v);
		return;
	}
	g_string_append_c(s, '"');
	for (; *v != '\0'; v++) {
		if (*v == '"')
			g_string_append_c(s, '"');
		g_string_append_c(s, *v);
	}
	g_string_append_c(s, '"');
}

/* report_csv_row - section,period,key,action,count */
static void
report_csv_row(GString *s, const char *section, const char *period,
    const char *key, const char *action, long n)
{
	report_csv_cell(s, section);
	g_string_append_c(s, ',');
	report_csv_cell(s, period);
	g_string_append_c(s, ',');
	report_csv_cell(s, key);
	g_string_append_c(s, ',');
	report_csv_cell(s, action);
	g_string_append_printf(s, ",%ld\n", n);
}

/* report_csv - one number a row */
char *
report_csv(const struct report *r)
{
	GString *s = g_string_new("section,period,key,action,count\n");

	for (int a = 0; a < REPORT_ACTIONS; a++)
		report_csv_row(s, "total", "", "", report_action_names[a],
		    r->actions[a]);
	for (guint i = 0; i < r->periods->len; i++) {
		const struct report_period *p = g_ptr_array_index(r->periods, i);

		for (guint j = 0; j < p->policies->len; j++) {
			const struct report_counts *c =
			    g_ptr_array_index(p->policies, j);

			for (int a = 0; a < REPORT_ACTIONS; a++)
				if (c->n[a])
					report_csv_row(s, "decisions", p->label,
					    c->policy, report_action_names[a],
					    c->n[a]);
		}
	}
	for (guint i = 0; i < r->monitor->len; i++) {
		const struct report_counts *c = g_ptr_array_index(r->monitor, i);

		for (int a = 0; a < REPORT_ACTIONS; a++)
			if (c->n[a])
				report_csv_row(s, "would-have", "", c->policy,
				    report_action_names[a], c->n[a]);
	}
	for (guint i = 0; i < r->reasons->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->reasons, i);

		report_csv_row(s, "reason", "", p->key, "", p->n);
	}
	for (guint i = 0; i < r->schools->len; i++) {
		const struct report_counts *c = g_ptr_array_index(r->schools,
		    i);

		report_csv_row(s, "school", "", c->policy, "messages",
		    c->messages);
		for (int a = 0; a < REPORT_ACTIONS; a++)
			report_csv_row(s, "school", "", c->policy,
			    report_action_names[a], c->n[a]);
	}
	for (guint i = 0; i < r->alerts->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->alerts, i);

		report_csv_row(s, "alerts", "", p->key, "", p->n);
	}
	for (guint i = 0; i < r->alert_states->len; i++) {
		const struct report_pair *p = g_ptr_array_index(r->alert_states,
		    i);

		report_csv_row(s, "alert-status", "", p->key, "", p->n);
	}
	report_csv_row(s, "review", "", "held", "", r->held);
	report_csv_row(s, "review", "", "released", "", r->released);
	report_csv_row(s, "review", "", "deleted", "", r->deleted);
	report_csv_row(s, "review", "", "reviewed", "", r->reviewed);
	report_csv_row(s, "review", "", "expired", "", r->expired);
	report_csv_row(s, "review", "", "waiting", "", r->waiting);
	report_csv_row(s, "urgent", "", "working-hours", "", r->urgent);
	return g_string_free(s, FALSE);
}

/* report_json_counts - {"policy": ..., "reject": n, ...} */
static json_object *
report_json_counts(const struct report_counts *c)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "policy", json_object_new_string(c->policy));
	for (int a = 0; a < REPORT_ACTIONS; a++)
		json_object_object_add(o, report_action_names[a],
		    json_object_new_int64(c->n[a]));
	return o;
}

/* report_json_pairs - [{"key": n}...] as [{"name":..., "count":...}] */
static json_object *
report_json_pairs(const GPtrArray *a)
{
	json_object *arr = json_object_new_array();

	for (guint i = 0; i < a->len; i++) {
		const struct report_pair *p = g_ptr_array_index(a, i);
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(p->key));
		json_object_object_add(o, "count", json_object_new_int64(p->n));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* report_json - one object */
char *
report_json(const struct report *r)
{
	json_object *o = json_object_new_object(), *t, *arr, *rev;
	char *s;

	json_object_object_add(o, "messages", json_object_new_int64(
	    r->messages));
	t = json_object_new_object();
	for (int a = 0; a < REPORT_ACTIONS; a++)
		json_object_object_add(t, report_action_names[a],
		    json_object_new_int64(r->actions[a]));
	json_object_object_add(o, "actions", t);
	arr = json_object_new_array();
	for (guint i = 0; i < r->periods->len; i++) {
		const struct report_period *p = g_ptr_array_index(r->periods, i);
		json_object *po = json_object_new_object(), *pl;

		pl = json_object_new_array();
		for (guint j = 0; j < p->policies->len; j++)
			json_object_array_add(pl, report_json_counts(
			    g_ptr_array_index(p->policies, j)));
		json_object_object_add(po, "period", json_object_new_string(
		    p->label));
		json_object_object_add(po, "policies", pl);
		json_object_array_add(arr, po);
	}
	json_object_object_add(o, "periods", arr);
	arr = json_object_new_array();
	for (guint i = 0; i < r->monitor->len; i++)
		json_object_array_add(arr, report_json_counts(
		    g_ptr_array_index(r->monitor, i)));
	json_object_object_add(o, "would_have", arr);
	json_object_object_add(o, "reasons", report_json_pairs(r->reasons));
	if (r->opt.by_school) {
		arr = json_object_new_array();
		for (guint i = 0; i < r->schools->len; i++) {
			const struct report_counts *c =
			    g_ptr_array_index(r->schools, i);
			json_object *so = json_object_new_object();

			json_object_object_add(so, "school",
			    json_object_new_string(c->policy));
			json_object_object_add(so, "messages",
			    json_object_new_int64(c->messages));
			for (int a = 0; a < REPORT_ACTIONS; a++)
				json_object_object_add(so,
				    report_action_names[a],
				    json_object_new_int64(c->n[a]));
			json_object_array_add(arr, so);
		}
		json_object_object_add(o, "schools", arr);
	}
	json_object_object_add(o, "alerts", report_json_pairs(r->alerts));
	json_object_object_add(o, "alert_status", report_json_pairs(
	    r->alert_states));
	rev = json_object_new_object();
#define REV(k, v) json_object_object_add(rev, k, json_object_new_int64(v))
	REV("held", r->held);
	REV("released", r->released);
	REV("deleted", r->deleted);
	REV("reviewed", r->reviewed);
	REV("expired", r->expired);
	REV("waiting", r->waiting);
#undef REV
	json_object_object_add(rev, "median_hours_to_review",
	    json_object_new_double(r->median_review_hours));
	if (r->opt.names)
		json_object_object_add(rev, "by", report_json_pairs(
		    r->reviewers));
	json_object_object_add(o, "review", rev);
	json_object_object_add(o, "urgent_overrides",
	    json_object_new_int64(r->urgent));
	s = xstrdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
	    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}

/* report_svg_legend - the action colours */
static void
report_svg_legend(GString *b, int y)
{
	for (int a = 0; a < REPORT_ACTIONS; a++) {
		html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"10\" "
		    "height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"%d\">%s"
		    "</text>", SVG_LEFT + a * 110, y, report_colours[a],
		    SVG_LEFT + a * 110 + 14, y + 9, report_action_names[a]);
	}
}

/* report_svg_periods - stacked columns: decisions per period */
static void
report_svg_periods(const struct report *r, GString *b)
{
	guint n = r->periods->len;
	long max = 1, tot[REPORT_ACTIONS];
	int plot = SVG_H - SVG_BOTTOM - 10, bw;

	for (guint i = 0; i < n; i++) {
		long sum = 0;

		report_period_total(g_ptr_array_index(r->periods, i), tot);
		for (int a = 0; a < REPORT_ACTIONS; a++)
			sum += tot[a];
		max = sum > max ? sum : max;
	}
	bw = n > 0 ? (SVG_W - SVG_LEFT - 10) / (int)n : 0;
	bw = bw > 60 ? 60 : bw;
	html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"Decisions per period\">"
	    "<text x=\"4\" y=\"12\">%ld</text><text x=\"4\" y=\"%d\">0</text>"
	    "<line x1=\"%d\" y1=\"10\" x2=\"%d\" y2=\"%d\" stroke=\"#888\"/>",
	    SVG_W, SVG_H + 20, max, plot + 10, SVG_LEFT - 2, SVG_LEFT - 2,
	    plot + 10);
	for (guint i = 0; i < n; i++) {
		const struct report_period *p = g_ptr_array_index(r->periods, i);
		int x = SVG_LEFT + (int)i * bw, y = plot + 10;

		report_period_total(p, tot);
		for (int a = 0; a < REPORT_ACTIONS; a++) {
			int h = (int)(tot[a] * plot / max);

			if (h == 0)
				continue;
			y -= h;
			html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"%d\" fill=\"%s\"><title>%s %s: %ld"
			    "</title></rect>", x + 1, y, bw > 3 ? bw - 2 : 1, h,
			    report_colours[a], p->label,
			    report_action_names[a], tot[a]);
		}
		if (n <= 16 || i % (n / 8 + 1) == 0)
			html_printf(b, "<text x=\"%d\" y=\"%d\">%s</text>", x,
			    plot + 26, p->label);
	}
	report_svg_legend(b, SVG_H);
	html_raw(b, "</svg>");
}

/* report_svg_policies - one bar per policy, split by action */
static void
report_svg_policies(GPtrArray *tot, GString *b)
{
	long max = 1;
	int row = 24, w = SVG_W - 150;

	for (guint i = 0; i < tot->len; i++) {
		const struct report_counts *c = g_ptr_array_index(tot, i);
		long sum = 0;

		for (int a = 0; a < REPORT_ACTIONS; a++)
			sum += c->n[a];
		max = sum > max ? sum : max;
	}
	html_printf(b, "<svg class=\"chart\" viewBox=\"0 0 %d %d\" "
	    "role=\"img\" aria-label=\"Decisions per policy\">", SVG_W,
	    (int)tot->len * row + 30);
	for (guint i = 0; i < tot->len; i++) {
		const struct report_counts *c = g_ptr_array_index(tot, i);
		int x = 140, y = (int)i * row + 4;

		html_printf(b, "<text x=\"0\" y=\"%d\">%s</text>", y + 14,
		    c->policy);
		for (int a = 0; a < REPORT_ACTIONS; a++) {
			int len = (int)(c->n[a] * w / max);

			if (len == 0)
				continue;
			html_printf(b, "<rect x=\"%d\" y=\"%d\" width=\"%d\" "
			    "height=\"18\" fill=\"%s\"><title>%s %s: %ld"
			    "</title></rect>", x, y, len, report_colours[a],
			    c->policy, report_action_names[a], c->n[a]);
			x += len;
		}
	}
	report_svg_legend(b, (int)tot->len * row + 12);
	html_raw(b, "</svg>");
}

/* report_html_counts - a table of counts per policy (or school) */
static void
report_html_counts(GString *b, const GPtrArray *a, const char *head)
{
	html_printf(b, "<table><thead><tr><th>%s</th>", head);
	for (int x = 0; x < REPORT_ACTIONS; x++)
		html_printf(b, "<th class=\"num\">%s</th>",
		    report_action_names[x]);
	html_raw(b, "</tr></thead><tbody>");
	for (guint i = 0; i < a->len; i++) {
		const struct report_counts *c = g_ptr_array_index(a, i);

		html_printf(b, "<tr><td>%s</td>", c->policy);
		for (int x = 0; x < REPORT_ACTIONS; x++)
			html_printf(b, "<td class=\"num\">%ld</td>", c->n[x]);
		html_raw(b, "</tr>");
	}
	if (a->len == 0)
		html_raw(b, "<tr><td colspan=\"6\">none</td></tr>");
	html_raw(b, "</tbody></table>");
}

/* report_html_pairs - a two-column table */
static void
report_html_pairs(GString *b, const GPtrArray *a, const char *head)
{
	html_printf(b, "<table><thead><tr><th>%s</th><th class=\"num\">"
	    "Count</th></tr></thead><tbody>", head);
	for (guint i = 0; i < a->len; i++) {
		const struct report_pair *p = g_ptr_array_index(a, i);

		html_printf(b, "<tr><td class=\"wrap\">%s</td><td class=\"num\">"
		    "%ld</td></tr>", p->key, p->n);
	}
	if (a->len == 0)
		html_raw(b, "<tr><td colspan=\"2\">none</td></tr>");
	html_raw(b, "</tbody></table>");
}

/* report_html_pairs_schools - messages judged per school */
static void
report_html_pairs_schools(GString *b, const GPtrArray *a)
{
	html_raw(b, "<table class=\"schools\"><thead><tr><th>School</th>"
	    "<th class=\"num\">Messages</th></tr></thead><tbody>");
	for (guint i = 0; i < a->len; i++) {
		const struct report_counts *c = g_ptr_array_index(a, i);

		html_printf(b, "<tr><td>%s</td><td class=\"num\">%ld</td>"
		    "</tr>", c->policy[0] ? c->policy : "(no school)",
		    c->messages);
	}
	if (a->len == 0)
		html_raw(b, "<tr><td colspan=\"2\">none</td></tr>");
	html_raw(b, "</tbody></table>");
}

/* report_html_body - the sections */
void
report_html_body(const struct report *r, GString *b)
{
	GPtrArray *tot = report_policy_totals(r);

	html_printf(b, "<p>%ld messages judged: %ld rejected, %ld held, %ld "
	    "deferred, %ld rewritten, %ld flagged.</p>", r->messages,
	    r->actions[0], r->actions[1], r->actions[2], r->actions[3],
	    r->actions[4]);
	html_printf(b, "<h2>Decisions per %s</h2>", r->opt.monthly ? "month" :
	    "week");
	report_svg_periods(r, b);
	html_raw(b, "<h2>Decisions per policy</h2>");
	report_svg_policies(tot, b);
	report_html_counts(b, tot, "Policy");
	html_raw(b, "<h2>Monitor mode: what the policies would have done</h2>");
	report_html_counts(b, r->monitor, "Policy");
	if (r->opt.by_school) {
		html_raw(b, "<h2>Per school</h2>");
		report_html_pairs_schools(b, r->schools);
		report_html_counts(b, r->schools, "School");
	}
	html_raw(b, "<h2>Most frequent reasons</h2>");
	report_html_pairs(b, r->reasons, "Policy: reason");
	html_raw(b, "<h2>Safeguarding alerts by category</h2>");
	report_html_pairs(b, r->alerts, "Category");
	report_html_pairs(b, r->alert_states, "Category: status now");
	html_printf(b, "<h2>Review of held messages</h2><p>%ld held: %ld "
	    "released, %ld deleted, %ld marked reviewed, %ld expired, %ld "
	    "waiting. Median time from hold to review: %ld minutes.</p>",
	    r->held, r->released, r->deleted, r->reviewed, r->expired,
	    r->waiting, (long)(r->median_review_hours * 60 + 0.5));
	if (r->opt.names)
		report_html_pairs(b, r->reviewers, "Reviewer");
	html_printf(b, "<h2>Urgent overrides of working hours</h2><p>%ld</p>",
	    r->urgent);
	g_ptr_array_free(tot, TRUE);
}

/* report_html - a whole page (aupctl report --format html) */
char *
report_html(const struct report *r, const char *school)
{
	GString *b = g_string_new(NULL);

	html_printf(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta "
	    "charset=\"utf-8\"><title>%s: mail policy report</title><style>"
	    "body{font:11pt system-ui,sans-serif;max-width:60em;margin:1em "
	    "auto}table{border-collapse:collapse;width:100%%}th,td{border-"
	    "bottom:1px solid #ccc;padding:.2em .4em;text-align:left}"
	    ".num{text-align:right}svg{max-width:100%%;height:auto}"
	    "svg text{font:12px sans-serif}@media print{h2{break-after:avoid}"
	    "table,svg{break-inside:avoid}}</style></head><body><h1>%s: mail "
	    "policy report</h1>", school ? school : "aup-milter",
	    school ? school : "aup-milter");
	report_html_body(r, b);
	html_raw(b, "</body></html>\n");
	return g_string_free(b, FALSE);
}
