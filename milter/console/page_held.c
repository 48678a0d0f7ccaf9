/*
 * page_held - the Held list: filters, search, paging, several at once
 *
 * SYNOPSIS
 *	page_held(), page_held_bulk(), held_act()
 *
 * DESCRIPTION
 *	GET /held lists what the role may see (access_held_filter), newest
 *	first, [console] page_size rows a page, filtered by policy,
 *	direction, status and dates and searched by sender, recipient or
 *	subject (all bound SQL parameters in qindex.c).  The table is one
 *	form: tick messages, choose an action, give a reason, and POST
 *	/held acts on each ticked message in turn through store/actions.c
 *	after checking that the role may act on it.  Filter values go
 *	back into the page's links URL-encoded and escaped; nothing from
 *	a message ever goes into a URL (references are checked codes).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/console.h"
#include "console/page.h"
#include "policies/policy.h"
#include "store/qindex.h"
#include "store/store.h"
#include "util/html.h"
#include "util/date.h"
#include "util/xalloc.h"

#define HELD_MAX_REASON	1000		/* characters of a reason */
#define HELD_MAX_TO	10		/* addresses of a redirected release */

static const char *const held_statuses[] = { "held", "unreviewed",
	"reviewed", "released", "deleted", "expired", "all", NULL };

/* held_day - a day as local midnight, 0 if absent or malformed */
time_t
held_day(const char *s)
{
	time_t t = date_day_start_of(s);

	return t == (time_t)-1 ? 0 : t;
}

/* held_filter - the query's filter, narrowed to the role; false if the
 * role sees no held mail */
static bool
held_filter(const struct request *r, struct qindex_filter *f)
{
	const char *status = request_arg(r, "status");
	time_t until = held_day(request_arg(r, "until"));

	memset(f, 0, sizeof(*f));
	if (!access_held_filter(r->sv.role, f))
		return false;
	f->policy = request_arg(r, "policy");
	f->direction = request_arg(r, "direction");
	f->search = request_arg(r, "q");
	f->since = held_day(request_arg(r, "since"));
	f->until = until != 0 ? until + 86400 : 0;
	f->newest_first = true;
	f->school = page_school_filter(r);
	if (status == NULL || strcmp(status, "held") == 0)
		f->status = "held";
	else if (strcmp(status, "unreviewed") == 0 ||
	    strcmp(status, "reviewed") == 0) {
		f->status = "held";
		f->reviewed = status[0] == 'u' ? -1 : 1;
	} else if (strcmp(status, "all") != 0)
		f->status = status;
	return true;
}

/* held_select - a <select> of choices with the current one selected */
static void
held_select(GString *b, const char *name, const char *label,
    const char *const *choices, const char *current, const char *any)
{
	html_printf(b, "<label>%s<select name=\"%s\">", label, name);
	if (any != NULL)
		html_printf(b, "<option value=\"\">%s</option>", any);
	for (size_t i = 0; choices[i] != NULL; i++)
		html_printf(b, "<option%s>%s</option>", current != NULL &&
		    strcmp(current, choices[i]) == 0 ? " selected" : "",
		    choices[i]);
	html_raw(b, "</select></label>");
}

/* held_filters_form - the GET form of filters and search */
static void
held_filters_form(const struct request *r, GString *b)
{
	const struct conf *cf = r->c->cf;
	const char **names = xcalloc(cf->nslots + 1, sizeof(*names));
	static const char *const directions[] = { "inbound", "outbound",
	    NULL };

	for (size_t i = 0; i < cf->nslots; i++)
		names[i] = cf->slots[i].policy->name;
	html_raw(b, "<form method=\"get\" action=\"/held\" class=\"filters\" "
	    "role=\"search\">");
	html_printf(b, "<label>Search sender, recipient or subject<input "
	    "name=\"q\" type=\"search\" value=\"%s\"></label>",
	    request_arg(r, "q") ? request_arg(r, "q") : "");
	held_select(b, "policy", "Policy", names, request_arg(r, "policy"),
	    "any");
	held_select(b, "direction", "Direction", directions,
	    request_arg(r, "direction"), "any");
	held_select(b, "status", "Status", held_statuses,
	    request_arg(r, "status") ? request_arg(r, "status") : "held",
	    NULL);
	page_school_select(r, b);
	html_printf(b, "<label>Held from<input name=\"since\" type=\"date\" "
	    "value=\"%s\"></label><label>to<input name=\"until\" type=\"date\" "
	    "value=\"%s\"></label><button>Show</button></form>",
	    request_arg(r, "since") ? request_arg(r, "since") : "",
	    request_arg(r, "until") ? request_arg(r, "until") : "");
	free(names);
}

/* held_row - one message of the list */
static void
held_row(const struct request *r, GString *b, const struct qindex_entry *e)
{
	char when[32];

	reply_when(e->time, when);
	html_printf(b, "<tr><td><input type=\"checkbox\" name=\"ref\" "
	    "value=\"%s\" aria-label=\"select %s\"></td>", e->ref, e->ref);
	html_printf(b, "<td><a href=\"/held/%s\">%s</a></td>", e->ref,
	    e->ref);
	page_school_cell(r, b, e->school);
	html_printf(b, "<td>%s</td><td>%s</td>", when, e->direction);
	html_printf(b, "<td class=\"wrap\">%s</td><td class=\"wrap\">%s</td>"
	    "<td class=\"wrap\">%s</td>", e->sender[0] ? e->sender : "<>",
	    e->recipients, e->subject ? e->subject : "(no subject)");
	html_printf(b, "<td>%s</td><td class=\"status-%s\">%s%s</td></tr>",
	    e->policies, e->status, e->status, e->reviewed_at ?
	    ", reviewed" : "");
}

/* held_pager_link - a link to another page of the same filter */
static void
held_pager_link(const struct request *r, GString *b, long page,
    const char *label)
{
	static const char *const keys[] = { "q", "policy", "direction",
	    "status", "since", "until", "school", NULL };

	page_link(r, b, "/held", keys, page, label);
}

/* held_table - the rows and the bulk form around them */
static void
held_table(const struct request *r, struct reply *out,
    const struct qindex_entry *rows, long n)
{
	GString *b = out->body;

	html_raw(b, "<form method=\"post\" action=\"/held\">");
	reply_csrf_field(r, out);
	html_raw(b, "<table class=\"list\"><thead><tr><th></th>"
	    "<th>Reference</th>");
	page_school_head(r, b);
	html_raw(b, "<th>Held</th><th>Direction</th><th>From</th>"
	    "<th>To</th><th>Subject</th><th>Held by</th><th>Status</th>"
	    "</tr></thead><tbody>");
	for (long i = 0; i < n; i++)
		held_row(r, b, &rows[i]);
	html_raw(b, "</tbody></table>");
	page_action_fields(out, true);
	html_raw(b, "</form>");
}

/* page_held - GET /held */
void
page_held(struct request *r, struct reply *out)
{
	struct qindex_filter f;
	struct qindex_entry *rows = NULL;
	struct store *dir = store_of(r->c->cf);
	long page = request_arg(r, "page") ? atol(request_arg(r, "page")) : 1;
	long total, n = -1, size = r->c->cf->console.page_size;
	char *err = NULL;

	if (!held_filter(r, &f)) {
		reply_error(r, out, 403, "Your role does not include held mail.");
		return;
	}
	page = page < 1 ? 1 : page;
	f.limit = size;
	f.offset = (page - 1) * size;
	reply_page_begin(r, out, "Held messages");
	held_filters_form(r, out->body);
	total = qindex_count(dir, &f, &err);
	if (total >= 0)
		n = qindex_list(dir, &f, &rows, &err);
	if (n < 0) {
		html_printf(out->body, "<p class=\"error\">The store cannot be "
		    "read: %s</p>", err);
		free(err);
		reply_page_end(out);
		return;
	}
	html_printf(out->body, "<p>%ld message%s; page %ld of %ld.</p>", total,
	    total == 1 ? "" : "s", page, total > 0 ? (total + size - 1) /
	    size : 1);
	held_table(r, out, rows, n);
	html_raw(out->body, "<p class=\"pager\">");
	if (page > 1)
		held_pager_link(r, out->body, page - 1, "Newer");
	if (page * size < total)
		held_pager_link(r, out->body, page + 1, "Older");
	html_raw(out->body, "</p>");
	reply_page_end(out);
	qindex_entries_free(rows, n);
}

/* held_parse_to - the addresses of a redirected release; -1 if bad */
static int
held_parse_to(const char *text, char ***to, size_t *nto)
{
	char **parts;

	*to = NULL;
	*nto = 0;
	if (text == NULL || text[strspn(text, " ,")] == '\0')
		return 0;
	parts = g_strsplit_set(text, " ,;", -1);
	for (size_t i = 0; parts[i] != NULL; i++) {
		if (parts[i][0] == '\0')
			continue;
		if (*nto == HELD_MAX_TO || strchr(parts[i], '@') == NULL) {
			g_strfreev(parts);
			g_strfreev(*to);
			*to = NULL;
			*nto = 0;
			return -1;
		}
		*to = xreallocarray(*to, *nto + 2, sizeof(**to));
		(*to)[(*nto)++] = g_strdup(parts[i]);
		(*to)[*nto] = NULL;
	}
	g_strfreev(parts);
	return 0;
}

/* held_act - one action on one message the role may act on; 0 done,
 * 1 refused, -1 failed; *msg for the person */
int
held_act(struct request *r, const char *ref, char **msg)
{
	const char *action = form_get(&r->form, "action");
	const char *reason = form_get(&r->form, "reason");
	struct qindex_entry e;
	struct actor a;
	char **to = NULL;
	size_t nto = 0;
	int rc = 1;

	*msg = NULL;
	if (qindex_get(store_of(r->c->cf), ref, &e, NULL) != 1 ||
	    !request_in_scope(r, action != NULL ? action : "act", ref,
	    e.school) || !access_may_see_held(r->sv.role, e.policies)) {
		*msg = xasprintf("%s: no such message for your role", ref);
		qindex_entry_clear(&e);
		return 1;
	}
	qindex_entry_clear(&e);
	request_actor(r, &a);
	if (reason == NULL || reason[strspn(reason, " \t\r\n")] == '\0' ||
	    strlen(reason) > HELD_MAX_REASON)
		*msg = xasprintf("%s: give a reason (up to %d characters)",
		    ref, HELD_MAX_REASON);
	else if (action == NULL)
		*msg = xasprintf("%s: choose an action", ref);
	else if (strcmp(action, "release") == 0) {
		if (held_parse_to(form_get(&r->form, "to"), &to, &nto) < 0)
			*msg = xasprintf("%s: \"release to\" takes up to %d "
			    "addresses separated by commas", ref, HELD_MAX_TO);
		else
			rc = actions_release(r->c->cf, &a, ref,
			    (const char *const *)to, nto, reason, msg);
	} else if (strcmp(action, "delete") == 0)
		rc = actions_delete(r->c->cf, &a, ref, reason, msg);
	else if (strcmp(action, "review") == 0)
		rc = actions_review(r->c->cf, &a, ref, reason, msg);
	else
		*msg = xasprintf("%s: unknown action", ref);
	g_strfreev(to);
	return rc;
}

/* page_held_bulk - POST /held: the ticked messages */
void
page_held_bulk(struct request *r, struct reply *out)
{
	const struct form *f = &r->form;
	GString *b = out->body;
	long done = 0, asked = 0;
	char *msg;

	if (!access_may_list_held(r->sv.role)) {
		reply_error(r, out, 403, "Your role does not include held mail.");
		return;
	}
	reply_page_begin(r, out, "Held messages: done");
	html_raw(b, "<ul class=\"outcomes\">");
	for (guint i = 0; i < f->keys->len; i++) {
		const char *ref = g_ptr_array_index(f->values, i);

		if (strcmp(g_ptr_array_index(f->keys, i), "ref") != 0)
			continue;
		asked++;
		if (!actions_valid_ref(ref)) {
			html_raw(b, "<li class=\"error\">not a reference</li>");
			continue;
		}
		int rc = held_act(r, ref, &msg);

		done += rc == 0;
		html_printf(b, "<li class=\"%s\">%s</li>", rc == 0 ? "done" :
		    "error", msg ? msg : "");
		free(msg);
	}
	html_raw(b, "</ul>");
	html_printf(b, "<p>%ld of %ld done. <a href=\"/held\">Back to the held "
	    "messages</a></p>", done, asked);
	if (asked == 0)
		html_raw(b, "<p class=\"error\">No message was ticked.</p>");
	reply_page_end(out);
}
