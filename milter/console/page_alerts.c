/*
 * page_alerts - safeguarding alerts: the DSL's worklist (SPEC 2.6, 9)
 *
 * SYNOPSIS
 *	page_alerts(), page_alert(), page_alert_act()
 *
 * DESCRIPTION
 *	GET /alerts lists the alerts of the store (store/alerts.c), newest
 *	first, filtered by status (default: open and in progress) and
 *	category.  GET /alerts/ID shows one: who, when, category, score,
 *	severity, the held message (linked), and the matched phrases with
 *	their context - shown here and nowhere else - and its notes.
 *	POST /alerts/ID changes its status or assignee and adds a note.
 *	DSL only; every view and change is audited (without the phrases).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/page.h"
#include "store/alerts.h"
#include "store/store.h"
#include "util/html.h"
#include "util/xalloc.h"

#define ALERTS_MAX_NOTE	2000

/* alerts_allowed - the DSL only; otherwise a 403 reply */
static bool
alerts_allowed(const struct request *r, struct reply *out)
{
	if (access_may_alerts(r->sv.role))
		return true;
	reply_error(r, out, 403, "Safeguarding alerts are for the DSL.");
	return false;
}

/* alerts_row - one alert of the list */
static void
alerts_row(const struct request *r, GString *b, const struct alert_entry *a)
{
	char when[32];

	reply_when(a->time, when);
	html_printf(b, "<tr><td><a href=\"/alerts/%lld\">%lld</a></td>",
	    (long long)a->id, (long long)a->id);
	page_school_cell(r, b, a->school);
	html_printf(b, "<td>%s</td><td>%s</td><td>%s</td><td class=\"num\">"
	    "%ld</td><td>%s</td>", when, a->category,
	    a->severity ? a->severity : "", a->score, a->held ? "held" : "");
	html_printf(b, "<td class=\"wrap\">%s (%s)</td><td class=\"wrap\">%s"
	    "</td><td>%s</td><td>%s</td></tr>", a->sender, a->sender_role ?
	    a->sender_role : "", a->recipients ? a->recipients : "", a->status,
	    a->assignee ? a->assignee : "");
}

/* page_alerts - GET /alerts */
void
page_alerts(struct request *r, struct reply *out)
{
	const char *status = request_arg(r, "status");
	struct alert_filter f = { .category = request_arg(r, "category"),
	    .school = page_school_filter(r) };
	struct alert_entry *rows = NULL;
	char *err = NULL;
	long n;

	if (!alerts_allowed(r, out))
		return;
	if (status == NULL)
		f.not_closed = true;
	else if (strcmp(status, "all") != 0)
		f.status = status;
	reply_page_begin(r, out, "Safeguarding alerts");
	html_printf(out->body, "<form method=\"get\" action=\"/alerts\" "
	    "class=\"filters\"><label>Status<select name=\"status\"><option "
	    "value=\"\">open and in progress</option>");
	for (size_t i = 0; alerts_statuses[i] != NULL; i++)
		html_printf(out->body, "<option%s>%s</option>", status != NULL &&
		    strcmp(status, alerts_statuses[i]) == 0 ? " selected" : "",
		    alerts_statuses[i]);
	html_printf(out->body, "<option%s>all</option></select></label><label>"
	    "Category<input name=\"category\" value=\"%s\"></label>",
	    status != NULL && strcmp(status, "all") == 0 ? " selected" : "",
	    f.category ? f.category : "");
	page_school_select(r, out->body);
	html_raw(out->body, "<button>Show</button></form>");
	if ((n = alerts_list(store_of(r->c->cf), &f, &rows,
	    &err)) < 0) {
		html_printf(out->body, "<p class=\"error\">The store cannot be "
		    "read: %s</p>", err);
		free(err);
	} else {
		html_printf(out->body, "<p>%ld alert%s.</p><table class=\"list\">"
		    "<thead><tr><th>No.</th>", n, n == 1 ? "" : "s");
		page_school_head(r, out->body);
		html_raw(out->body, "<th>When</th><th>Category</th>"
		    "<th>Severity</th><th class=\"num\">Score</th><th>Message"
		    "</th><th>From</th><th>To</th><th>Status</th><th>Assignee"
		    "</th></tr></thead><tbody>");
		for (long i = 0; i < n; i++)
			alerts_row(r, out->body, &rows[i]);
		html_raw(out->body, "</tbody></table>");
	}
	reply_page_end(out);
	alerts_entries_free(rows, n);
}

/* alert_matches - the matched phrases in context (here only) */
static void
alert_matches(GString *b, const struct alert_entry *a)
{
	html_raw(b, "<h2>What matched (for the DSL only)</h2><table><thead>"
	    "<tr><th>Phrase</th><th>In context</th><th class=\"num\">Weight"
	    "</th></tr></thead><tbody>");
	for (size_t i = 0; i < a->nmatches; i++)
		html_printf(b, "<tr><td>%s</td><td class=\"wrap\">%s</td><td "
		    "class=\"num\">%ld</td></tr>", a->matches[i].phrase,
		    a->matches[i].context ? a->matches[i].context : "",
		    a->matches[i].weight);
	html_raw(b, "</tbody></table>");
}

/* alert_form - status, assignee, note */
static void
alert_form(const struct request *r, struct reply *out,
    const struct alert_entry *a)
{
	GString *b = out->body;

	html_printf(b, "<form method=\"post\" action=\"/alerts/%lld\" "
	    "class=\"actions\">", (long long)a->id);
	reply_csrf_field(r, out);
	html_raw(b, "<label>Status<select name=\"status\">");
	for (size_t i = 0; alerts_statuses[i] != NULL; i++)
		html_printf(b, "<option%s>%s</option>", strcmp(a->status,
		    alerts_statuses[i]) == 0 ? " selected" : "",
		    alerts_statuses[i]);
	html_printf(b, "</select></label><label>Assignee<input name=\"assignee\" "
	    "value=\"%s\"></label><label>Note<textarea name=\"note\" rows=\"3\" "
	    "maxlength=\"2000\"></textarea></label><button>Save</button></form>",
	    a->assignee ? a->assignee : "");
}

/* alert_show - the whole page of one alert */
static void
alert_show(struct request *r, struct reply *out, const struct alert_entry *a,
    const char *outcome)
{
	GString *b = out->body;
	char when[32], *title = xasprintf("Alert %lld: %s", (long long)a->id,
	    a->category);

	reply_when(a->time, when);
	reply_page_begin(r, out, title);
	free(title);
	if (outcome != NULL)
		html_printf(b, "<p class=\"done\" role=\"status\">%s</p>", outcome);
	html_printf(b, "<dl class=\"envelope\"><dt>When</dt><dd>%s</dd><dt>"
	    "Policy</dt><dd>%s</dd><dt>Category</dt><dd>%s</dd><dt>Score</dt>"
	    "<dd>%ld (%s)</dd><dt>Direction</dt><dd>%s</dd>", when, a->policy,
	    a->category, a->score, a->severity ? a->severity : "",
	    a->direction ? a->direction : "");
	html_printf(b, "<dt>From</dt><dd>%s (%s)</dd><dt>To</dt><dd>%s</dd>"
	    "<dt>Status</dt><dd>%s</dd><dt>Assignee</dt><dd>%s</dd><dt>Message"
	    "</dt><dd>", a->sender, a->sender_role ? a->sender_role : "",
	    a->recipients ? a->recipients : "", a->status, a->assignee ?
	    a->assignee : "");
	if (a->held && actions_valid_ref(a->ref))
		html_printf(b, "<a href=\"/held/%s\">%s (held)</a>", a->ref,
		    a->ref);
	else
		html_printf(b, "%s (delivered)", a->ref);
	html_raw(b, "</dd></dl>");
	alert_form(r, out, a);
	alert_matches(b, a);
	html_raw(b, "<h2>Notes</h2><ul>");
	for (size_t i = 0; i < a->nnotes; i++) {
		reply_when(a->notes[i].time, when);
		html_printf(b, "<li>%s, %s: %s</li>", when, a->notes[i].by ?
		    a->notes[i].by : "", a->notes[i].text);
	}
	html_raw(b, "</ul>");
	reply_page_end(out);
}

/* alert_load - the alert of a path's number; false after a reply */
static bool
alert_load(struct request *r, struct reply *out, const char *id_text,
    struct alert_entry *a)
{
	char *end;
	long long id = strtoll(id_text, &end, 10);

	memset(a, 0, sizeof(*a));
	if (!alerts_allowed(r, out))
		return false;
	if (*end != '\0' || id <= 0 || alerts_get(
	    store_of(r->c->cf), id, a, NULL) != 1 || !request_in_scope(r,
	    r->post ? "alerts-set" : "alerts-show", NULL, a->school)) {
		reply_error(r, out, 404, "There is no such alert.");
		return false;
	}
	return true;
}

/* page_alert - GET /alerts/ID */
void
page_alert(struct request *r, struct reply *out, const char *id)
{
	struct alert_entry a;
	struct actor who;

	if (alert_load(r, out, id, &a)) {
		alert_show(r, out, &a, NULL);
		request_actor(r, &who);
		who.school = a.school;
		(void)actions_record(r->c->cf, &who, "alerts-show", a.ref, "ok",
		    NULL, a.category, NULL);
	}
	alerts_entry_clear(&a);
}

/* page_alert_act - POST /alerts/ID */
void
page_alert_act(struct request *r, struct reply *out, const char *id)
{
	struct alert_update u = { .status = form_get(&r->form, "status"),
	    .assignee = form_get(&r->form, "assignee"),
	    .note = form_get(&r->form, "note") };
	struct alert_entry a;
	struct actor who;
	char *err = NULL, *detail;
	int rc;

	if (!alert_load(r, out, id, &a)) {
		alerts_entry_clear(&a);
		return;
	}
	if (u.note != NULL && (u.note[strspn(u.note, " \t\r\n")] == '\0' ||
	    strlen(u.note) > ALERTS_MAX_NOTE))
		u.note = NULL;
	rc = alerts_update(store_of(r->c->cf), a.id, &u,
	    r->sv.user, r->now, &err);
	request_actor(r, &who);
	who.school = a.school;
	detail = xasprintf("%s: status %s", a.category, u.status ? u.status :
	    a.status);
	(void)actions_record(r->c->cf, &who, "alerts-set", a.ref, rc == 1 ?
	    "ok" : "failed", u.note, detail, NULL);
	free(detail);
	alerts_entry_clear(&a);
	if (rc != 1 || alerts_get(store_of(r->c->cf), atoll(id),
	    &a, NULL) != 1) {
		reply_error(r, out, 409, err ? err : "The alert was not changed.");
		free(err);
		alerts_entry_clear(&a);
		return;
	}
	alert_show(r, out, &a, "Saved.");
	alerts_entry_clear(&a);
}
