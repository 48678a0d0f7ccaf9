/*
 * page_audit - the audit trail: who did what, when, why, from where
 *
 * SYNOPSIS
 *	page_audit()
 *
 * DESCRIPTION
 *	GET /audit lists the store's audit table (store/audit.c), newest
 *	first, filtered by user, action and reference, paged.  Roles
 *	dsl and dpo only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/page.h"
#include "store/store.h"
#include "store/audit.h"
#include "util/html.h"

/* audit_filters_form - the GET form */
static void
audit_filters_form(const struct request *r, GString *b)
{
	static const char *const fields[][2] = { { "user", "User" },
	    { "action", "Action" }, { "ref", "Reference" } };

	html_raw(b, "<form method=\"get\" action=\"/audit\" "
	    "class=\"filters\">");
	for (size_t i = 0; i < 3; i++)
		html_printf(b, "<label>%s<input name=\"%s\" value=\"%s\">"
		    "</label>", fields[i][1], fields[i][0],
		    request_arg(r, fields[i][0]) ? request_arg(r,
		    fields[i][0]) : "");
	page_school_select(r, b);
	html_printf(b, "<label>From<input name=\"since\" type=\"date\" "
	    "value=\"%s\"></label><button>Show</button></form>",
	    request_arg(r, "since") ? request_arg(r, "since") : "");
}

/* audit_row_html - one row */
static void
audit_row_html(const struct request *r, GString *b, const struct audit_row *a)
{
	char when[32];

	reply_when(a->time, when);
	html_printf(b, "<tr><td>%s</td>", when);
	page_school_cell(r, b, a->school);
	html_printf(b, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
	    a->user, a->role ? a->role : "", a->via, a->address ?
	    a->address : "");
	html_printf(b, "<td>%s</td><td>", a->action);
	if (a->ref != NULL && actions_valid_ref(a->ref))
		html_printf(b, "<a href=\"/held/%s\">%s</a>", a->ref, a->ref);
	html_printf(b, "</td><td>%s</td><td class=\"wrap\">%s</td><td "
	    "class=\"wrap\">%s</td></tr>", a->result, a->reason ? a->reason :
	    "", a->detail ? a->detail : "");
}

/* page_audit - GET /audit */
void
page_audit(struct request *r, struct reply *out)
{
	struct store *dir = store_of(r->c->cf);
	long size = r->c->cf->console.page_size, total, n = -1;
	long page = request_arg(r, "page") ? atol(request_arg(r, "page")) : 1;
	struct audit_filter f = { .user = request_arg(r, "user"),
	    .action = request_arg(r, "action"), .ref = request_arg(r, "ref"),
	    .since = held_day(request_arg(r, "since")), .school = page_school_filter(r) };
	struct audit_row *rows = NULL;
	char *err = NULL;

	if (!access_may_audit(r->sv.role)) {
		reply_error(r, out, 403, "Your role does not include the audit "
		    "trail.");
		return;
	}
	page = page < 1 ? 1 : page;
	f.limit = size;
	f.offset = (page - 1) * size;
	reply_page_begin(r, out, "Audit trail");
	audit_filters_form(r, out->body);
	if ((total = audit_count(dir, &f, &err)) >= 0)
		n = audit_list(dir, &f, &rows, &err);
	if (n < 0) {
		html_printf(out->body, "<p class=\"error\">The store cannot be "
		    "read: %s</p>", err);
		free(err);
	} else {
		html_printf(out->body, "<p>%ld record%s; page %ld.</p><table "
		    "class=\"list\"><thead><tr><th>When</th>", total, total ==
		    1 ? "" : "s", page);
		page_school_head(r, out->body);
		html_raw(out->body, "<th>User</th><th>Role</th><th>Via</th>"
		    "<th>Address</th><th>Action</th><th>Message</th>"
		    "<th>Result</th><th>Reason</th><th>Detail</th></tr>"
		    "</thead><tbody>");
		for (long i = 0; i < n; i++)
			audit_row_html(r, out->body, &rows[i]);
		html_raw(out->body, "</tbody></table><p class=\"pager\">");
		if (page > 1)
			html_printf(out->body, "<a href=\"/audit?page=%ld\">"
			    "Newer</a>", page - 1);
		if (page * size < total)
			html_printf(out->body, "<a href=\"/audit?page=%ld\">"
			    "Older</a>", page + 1);
		html_raw(out->body, "</p>");
	}
	reply_page_end(out);
	audit_rows_free(rows, n);
}
