/*
 * page_reports - the Reports page (SPEC 10)
 *
 * SYNOPSIS
 *	page_reports()
 *
 * DESCRIPTION
 *	GET /reports?since=&until=&period=week|month builds the report
 *	(store/report.c, the same sums as `aupctl report`) and draws it
 *	with its SVG charts; the stylesheet's print rules make it a
 *	printable termly report.  Roles dsl, dpo and viewer; reviewers'
 *	names appear to the DSL only.  The default range is the last 13
 *	weeks.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "console/console.h"
#include "console/page.h"
#include "store/report.h"
#include "util/html.h"

#define REPORTS_DEFAULT_DAYS	91

/* reports_form - range and period */
static void
reports_form(const struct request *r, GString *b, bool monthly)
{
	html_printf(b, "<form method=\"get\" action=\"/reports\" "
	    "class=\"filters\"><label>From<input name=\"since\" type=\"date\" "
	    "value=\"%s\"></label><label>Until<input name=\"until\" "
	    "type=\"date\" value=\"%s\"></label><label>Per<select "
	    "name=\"period\"><option value=\"week\"%s>week</option><option "
	    "value=\"month\"%s>month</option></select></label><button>Show"
	    "</button></form>", request_arg(r, "since") ? request_arg(r,
	    "since") : "", request_arg(r, "until") ? request_arg(r, "until") :
	    "", monthly ? "" : " selected", monthly ? " selected" : "");
}

/* page_reports - GET /reports */
void
page_reports(struct request *r, struct reply *out)
{
	const char *period = request_arg(r, "period");
	struct report_options opt = { 0 };
	struct report *rep;
	time_t until = held_day(request_arg(r, "until"));
	char *err = NULL;

	if (!access_may_reports(r->sv.role)) {
		reply_error(r, out, 403, "Your role does not include the "
		    "reports.");
		return;
	}
	opt.monthly = period != NULL && strcmp(period, "month") == 0;
	opt.names = access_may_see_names(r->sv.role);
	/* A school's account: its school; the service's staff: the
	 * service with its schools side by side. */
	opt.school = r->scope;
	opt.by_school = r->scope == NULL && r->c->cf->nschools > 0;
	opt.since = held_day(request_arg(r, "since"));
	opt.until = until != 0 ? until + 86400 : 0;
	if (opt.since == 0)
		opt.since = r->now - REPORTS_DEFAULT_DAYS * 86400;
	reply_page_begin(r, out, "Reports");
	reports_form(r, out->body, opt.monthly);
	if ((rep = report_build(r->c->cf, &opt, &err)) == NULL) {
		html_printf(out->body, "<p class=\"error\">The report cannot be "
		    "made: %s</p>", err);
		free(err);
	} else
		report_html_body(rep, out->body);
	report_free(rep);
	reply_page_end(out);
}
