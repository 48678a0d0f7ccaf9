/*
 * page_deferred - mail working-hours keeps until the school opens
 * (SPEC 2.8, 9)
 *
 * SYNOPSIS
 *	page_deferred(), page_deferred_act()
 *
 * DESCRIPTION
 *	GET /deferred lists the store's deferred messages (store/deferred.h)
 *	by due time, DEFERRED_PAGE to a page (?page=N), optionally of one
 *	status: sender, recipients, subject, due time, status, and for a
 *	waiting one a form to send it now or cancel it with a reason.
 *	POST /deferred/REF does that through deferred_send() and
 *	deferred_cancel(), the functions `aupctl deferred` calls, and
 *	audits it (deferred-send, deferred-cancel) with the user and the
 *	reason.  The role is checked on every request: dsl and it see all
 *	deferred mail; office only its own and its delegates' (envelope
 *	sender its user name, the school's office address or one of
 *	[school] office_senders: access_may_see_deferred); dpo and viewer
 *	none (403).  Acting on a message the user may not see is refused
 *	with 403, on one that does not exist with 404.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/page.h"
#include "store/deferred.h"
#include "store/store.h"
#include "util/html.h"
#include "util/xalloc.h"

#define DEFERRED_PAGE	50
#define DEFERRED_MAX_REASON 2000

/* deferred_allowed - may the role open the page at all; else 403 */
static bool
deferred_allowed(const struct request *r, struct reply *out)
{
	if (access_may_deferred(r->sv.role))
		return true;
	reply_error(r, out, 403, "Deferred mail is not for your role.");
	return false;
}

/* deferred_visible - may this user see (and act on) this message? */
static bool
deferred_visible(const struct request *r, const struct deferred_entry *e)
{
	/* the office and its delegates of the message's own school */
	return access_may_see_deferred(r->sv.role, r->sv.user,
	    &request_school(r, e->school)->view, e->sender);
}

/* deferred_form - send now / cancel with a reason, for a waiting one */
static void
deferred_form(const struct request *r, struct reply *out,
    const struct deferred_entry *e)
{
	GString *b = out->body;

	if (strcmp(e->status, "waiting") != 0 || !actions_valid_ref(e->ref)) {
		html_raw(b, "<td></td>");
		return;
	}
	html_printf(b, "<td><form method=\"post\" action=\"/deferred/%s\" "
	    "class=\"actions\">", e->ref);
	reply_csrf_field(r, out);
	html_printf(b, "<label>Reason<input name=\"reason\" required "
	    "maxlength=\"%d\"></label><button name=\"action\" value=\"send\">"
	    "Send now</button><button name=\"action\" value=\"cancel\">Cancel"
	    "</button></form></td>", DEFERRED_MAX_REASON);
}

/* deferred_row - one message of the list */
static void
deferred_row(const struct request *r, struct reply *out,
    const struct deferred_entry *e)
{
	char due[32];

	reply_when(e->due, due);
	html_printf(out->body, "<tr><td>%s</td>", e->ref);
	page_school_cell(r, out->body, e->school);
	html_printf(out->body, "<td class=\"wrap\">%s</td><td "
	    "class=\"wrap\">%s</td><td class=\"wrap\">%s</td><td>%s</td>"
	    "<td>%s</td>", e->sender && e->sender[0] ? e->sender : "<>",
	    e->recipients ? e->recipients : "", e->subject ? e->subject : "",
	    due, e->status);
	deferred_form(r, out, e);
	html_raw(out->body, "</tr>");
}

/* deferred_pager_link - a link to another page of the same filter */
static void
deferred_pager_link(const struct request *r, GString *b, long page,
    const char *label)
{
	static const char *const keys[] = { "status", "school", NULL };

	page_link(r, b, "/deferred", keys, page, label);
	html_raw(b, " ");
}

/* deferred_pager - previous / next links */
static void
deferred_pager(const struct request *r, GString *b, long page, bool more)
{
	html_raw(b, "<p class=\"pager\">");
	if (page > 1)
		deferred_pager_link(r, b, page - 1, "Previous");
	if (more)
		deferred_pager_link(r, b, page + 1, "Next");
	html_raw(b, "</p>");
}

/* deferred_table - the visible rows of one page */
static void
deferred_table(const struct request *r, struct reply *out,
    const struct deferred_entry *rows, long n, long page)
{
	long seen = 0, first = (page - 1) * DEFERRED_PAGE;

	html_raw(out->body, "<table class=\"list\"><thead><tr><th>Ref</th>");
	page_school_head(r, out->body);
	html_raw(out->body, "<th>From</th><th>To</th><th>Subject</th><th>Due</th><th>Status"
	    "</th><th>Action</th></tr></thead><tbody>");
	for (long i = 0; i < n; i++) {
		if (!deferred_visible(r, &rows[i]))
			continue;
		if (seen >= first && seen < first + DEFERRED_PAGE)
			deferred_row(r, out, &rows[i]);
		seen++;
	}
	html_printf(out->body, "</tbody></table><p>%ld deferred message%s."
	    "</p>", seen, seen == 1 ? "" : "s");
	deferred_pager(r, out->body, page, seen > first + DEFERRED_PAGE);
}

/* deferred_show - the page, with the outcome of an action if any */
static void
deferred_show(struct request *r, struct reply *out, const char *outcome)
{
	const char *status = request_arg(r, "status");
	const char *ptext = request_arg(r, "page");
	struct deferred_filter f = { .status = status && *status ? status :
	    NULL, .school = page_school_filter(r) };
	struct deferred_entry *rows = NULL;
	long page = ptext ? atol(ptext) : 1, n;
	char *err = NULL;

	if (page < 1)
		page = 1;
	reply_page_begin(r, out, "Deferred mail");
	if (outcome != NULL)
		html_printf(out->body, "<p class=\"done\" role=\"status\">%s</p>",
		    outcome);
	html_printf(out->body, "<form method=\"get\" action=\"/deferred\" "
	    "class=\"filters\"><label>Status<input name=\"status\" value=\"%s\">"
	    "</label>", f.status ? f.status : "");
	page_school_select(r, out->body);
	html_raw(out->body, "<button>Show</button></form>");
	if ((n = deferred_list(store_of(r->c->cf), &f, &rows,
	    &err)) < 0) {
		html_printf(out->body, "<p class=\"error\">The store cannot be "
		    "read: %s</p>", err);
		free(err);
		n = 0;
	} else
		deferred_table(r, out, rows, n, page);
	reply_page_end(out);
	deferred_entries_free(rows, n);
}

/* page_deferred - GET /deferred */
void
page_deferred(struct request *r, struct reply *out)
{
	if (deferred_allowed(r, out))
		deferred_show(r, out, NULL);
}

/* deferred_do - run the action: 1 done, 0 refused, -1 failed */
static int
deferred_do(struct request *r, const char *action, const char *ref,
    char **err)
{
	const struct conf *cf = r->c->cf;

	if (strcmp(action, "send") == 0)
		return deferred_send(cf, ref, r->sv.user, r->now, err);
	return deferred_cancel(store_of(cf), ref, r->sv.user,
	    r->now, err);
}

/* deferred_check - may this user act on `ref` with this form? */
static bool
deferred_check(struct request *r, struct reply *out, const char *ref,
    const char *action, const char *reason, char **school)
{
	struct deferred_entry e = { 0 };
	bool ok;

	*school = NULL;
	if (!deferred_allowed(r, out))
		return false;
	if (!actions_valid_ref(ref) || deferred_get(store_of(r->c->cf), ref, &e, NULL) != 1 || !request_in_scope(r,
	    "deferred-act", ref, e.school)) {
		deferred_entry_clear(&e);
		reply_error(r, out, 404, "There is no such deferred message.");
		return false;
	}
	ok = deferred_visible(r, &e);
	*school = e.school;
	e.school = NULL;
	deferred_entry_clear(&e);
	if (!ok) {
		reply_error(r, out, 403, "This deferred message is not yours "
		    "or your office's to act on.");
		return false;
	}
	ok = action != NULL && (strcmp(action, "send") == 0 ||
	    strcmp(action, "cancel") == 0) && reason != NULL &&
	    reason[strspn(reason, " \t\r\n")] != '\0' &&
	    strlen(reason) <= DEFERRED_MAX_REASON;
	if (!ok)
		reply_error(r, out, 400, "Choose send now or cancel and give "
		    "a reason.");
	return ok;
}

/* page_deferred_act - POST /deferred/REF */
void
page_deferred_act(struct request *r, struct reply *out, const char *ref)
{
	const char *action = form_get(&r->form, "action");
	const char *reason = form_get(&r->form, "reason");
	struct actor who;
	char *err = NULL, *msg, *school;
	int rc;

	if (!deferred_check(r, out, ref, action, reason, &school)) {
		free(school);
		return;
	}
	rc = deferred_do(r, action, ref, &err);
	request_actor(r, &who);
	who.school = school;
	(void)actions_record(r->c->cf, &who, strcmp(action, "send") == 0 ?
	    "deferred-send" : "deferred-cancel", ref, rc > 0 ? "ok" : rc == 0 ?
	    "refused" : "failed", reason, NULL, NULL);
	if (rc > 0)
		msg = xasprintf("%s %s.", ref, strcmp(action, "send") == 0 ?
		    "sent now" : "cancelled: it will not be sent");
	else
		msg = xasprintf("%s was not changed: %s", ref, err ? err :
		    "it is not waiting");
	free(err);
	free(school);
	out->status = rc > 0 ? 200 : 409;
	deferred_show(r, out, msg);
	free(msg);
}
