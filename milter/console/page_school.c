/*
 * page_school - the School column and filter of the console's lists,
 * and the pager links that keep a list's filter
 *
 * SYNOPSIS
 *	page_school_filter(), page_school_select(), page_school_head(),
 *	page_school_cell(), page_link()
 *
 * DESCRIPTION
 *	On a service of many schools the service's own staff (school = *)
 *	see every school's rows: each list (held, deferred, alerts, audit)
 *	shows the school of each row and lets them pick one school.  A
 *	school's account sees its own school only (request->scope), and
 *	neither the column nor the choice.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "console/page.h"
#include "util/html.h"

/* page_school_filter - the school whose rows a list shows (NULL: all) */
const char *
page_school_filter(const struct request *r)
{
	const char *picked = request_arg(r, "school");

	if (r->scope != NULL)
		return r->scope;
	return picked != NULL && *picked != '\0' ? picked : NULL;
}

/* page_school_select - the School <select> of a filter form */
void
page_school_select(const struct request *r, GString *b)
{
	const struct conf *cf = r->c->cf;
	const char *current = page_school_filter(r);

	if (!request_service(r))
		return;
	html_raw(b, "<label>School<select name=\"school\"><option "
	    "value=\"\">every school</option>");
	for (size_t i = 0; i < cf->nschools; i++)
		html_printf(b, "<option%s>%s</option>", current != NULL &&
		    strcmp(current, cf->schools[i]->id) == 0 ? " selected" : "",
		    cf->schools[i]->id);
	html_raw(b, "</select></label>");
}

/* page_school_head - the column's heading, for the service's staff */
void
page_school_head(const struct request *r, GString *b)
{
	if (request_service(r))
		html_raw(b, "<th>School</th>");
}

/* page_school_cell - a row's school, for the service's staff */
void
page_school_cell(const struct request *r, GString *b, const char *school)
{
	if (request_service(r))
		html_printf(b, "<td class=\"school\">%s</td>", school != NULL ?
		    school : "");
}

/* page_link - a link to another page of the same filter */
void
page_link(const struct request *r, GString *b, const char *path,
    const char *const *keys, long page, const char *label)
{
	html_printf(b, "<a href=\"%s?", path);
	for (size_t i = 0; keys[i] != NULL; i++) {
		if (request_arg(r, keys[i]) == NULL)
			continue;
		html_printf(b, "%s=", keys[i]);
		html_url_escape(b, request_arg(r, keys[i]));
		html_raw(b, "&amp;");
	}
	html_printf(b, "page=%ld\">%s</a>", page, label);
}
