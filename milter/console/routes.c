/*
 * routes - which page answers which path, and the page frame
 *
 * SYNOPSIS
 *	console_dispatch(), reply_page_begin(), reply_page_end(),
 *	reply_redirect(), reply_error(), reply_csrf_field(), reply_when()
 *
 * DESCRIPTION
 *	/login, /logout and /style.css are open; every other path needs a
 *	signed-in user (else 303 to /login), and each page checks the
 *	user's role itself (access.h) before it reads anything.  Paths
 *	are matched exactly; a reference in a path must be a valid one
 *	(actions_valid_ref), so nothing else can reach a file name.  The
 *	navigation shows only the pages the role may open.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console/console.h"
#include "util/html.h"
#include "util/xalloc.h"

#define ROUTES_REF_LEN	10

/* reply_when - local time for people */
void
reply_when(time_t t, char buf[32])
{
	struct tm tm;

	buf[0] = '\0';
	if (t == 0)
		return;
	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/* reply_nav_link - one navigation entry */
static void
reply_nav_link(GString *b, const char *path, const char *label,
    const char *current)
{
	html_printf(b, "<li><a href=\"%s\"%s>%s</a></li>", path,
	    strncmp(current, path, strlen(path)) == 0 ?
	    " aria-current=\"page\"" : "", label);
}

/* reply_nav - the pages this role may open, and sign-out */
static void
reply_nav(const struct request *r, GString *b)
{
	enum access_role role = r->sv.role;

	html_raw(b, "<nav><ul>");
	if (access_may_list_held(role))
		reply_nav_link(b, "/held", "Held", r->path);
	if (access_may_alerts(role))
		reply_nav_link(b, "/alerts", "Alerts", r->path);
	if (access_may_deferred(role))
		reply_nav_link(b, "/deferred", "Deferred", r->path);
	if (access_may_audit(role))
		reply_nav_link(b, "/audit", "Audit", r->path);
	if (access_may_reports(role))
		reply_nav_link(b, "/reports", "Reports", r->path);
	html_raw(b, "</ul><form method=\"post\" action=\"/logout\">");
	html_printf(b, "<input type=\"hidden\" name=\"csrf\" value=\"%s\">",
	    r->sv.csrf);
	html_printf(b, "<span>%s (%s)</span> <button>Sign out</button>"
	    "</form></nav>", r->sv.user, access_role_name(role));
}

/* reply_page_begin - head, header, navigation, heading */
void
reply_page_begin(const struct request *r, struct reply *out,
    const char *title)
{
	GString *b = out->body;
	const char *school = request_school(r, r->scope)->school.name;

	html_printf(b, "<!DOCTYPE html>\n<html lang=\"en-GB\"><head>"
	    "<meta charset=\"utf-8\"><meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">"
	    "<title>%s - %s</title><link rel=\"stylesheet\" "
	    "href=\"/style.css\"></head><body><header><p class=\"brand\">"
	    "%s mail console</p>", title, school ? school : "aup-milter",
	    school ? school : "aup-milter");
	if (r->sv.user != NULL)
		reply_nav(r, b);
	html_printf(b, "</header><main><h1>%s</h1>", title);
}

/* reply_page_end - the foot */
void
reply_page_end(struct reply *out)
{
	html_raw(out->body, "</main></body></html>\n");
}

/* reply_redirect - 303 See Other to a path of this console */
void
reply_redirect(struct reply *out, const char *path)
{
	out->status = 303;
	free(out->location);
	out->location = xstrdup(path);
	g_string_truncate(out->body, 0);
}

/* reply_error - a short page with one sentence */
void
reply_error(const struct request *r, struct reply *out, unsigned status,
    const char *text)
{
	const char *title = status == 403 ? "Not allowed" : status == 404 ?
	    "Not found" : "Cannot do that";

	out->status = status;
	g_string_truncate(out->body, 0);
	reply_page_begin(r, out, title);
	html_printf(out->body, "<p class=\"error\">%s</p>", text);
	reply_page_end(out);
}

/* reply_csrf_field - the token every form carries */
void
reply_csrf_field(const struct request *r, struct reply *out)
{
	html_printf(out->body, "<input type=\"hidden\" name=\"csrf\" "
	    "value=\"%s\">", r->sv.csrf);
}

/* routes_home - where "/" leads for a role */
static const char *
routes_home(enum access_role role)
{
	if (access_may_list_held(role))
		return "/held";
	if (access_may_reports(role))
		return "/reports";
	if (access_may_deferred(role))
		return "/deferred";
	return "/audit";
}

/* routes_held - /held/REF, /held/REF/eml */
static void
routes_held(struct request *r, struct reply *out, const char *rest)
{
	char ref[ROUTES_REF_LEN + 1];

	snprintf(ref, sizeof(ref), "%.*s", ROUTES_REF_LEN, rest);
	if (strlen(rest) < ROUTES_REF_LEN || !actions_valid_ref(ref))
		reply_error(r, out, 404, "There is no such page.");
	else if (rest[ROUTES_REF_LEN] == '\0')
		(r->post ? page_message_act : page_message)(r, out, ref);
	else if (strcmp(rest + ROUTES_REF_LEN, "/eml") == 0 && !r->post)
		page_message_eml(r, out, ref);
	else
		reply_error(r, out, 404, "There is no such page.");
}

/* console_dispatch - route one request */
void
console_dispatch(struct request *r, struct reply *out)
{
	const char *p = r->path;

	if (strcmp(p, "/style.css") == 0)
		page_stylesheet(r, out);
	else if (strcmp(p, "/login") == 0)
		page_login(r, out);
	else if (strcmp(p, "/logout") == 0 && r->post)
		page_logout(r, out);
	else if (r->sv.user == NULL)
		reply_redirect(out, "/login");
	else if (strcmp(p, "/") == 0)
		reply_redirect(out, routes_home(r->sv.role));
	else if (strcmp(p, "/held") == 0)
		(r->post ? page_held_bulk : page_held)(r, out);
	else if (strncmp(p, "/held/", 6) == 0)
		routes_held(r, out, p + 6);
	else if (strcmp(p, "/alerts") == 0 && !r->post)
		page_alerts(r, out);
	else if (strncmp(p, "/alerts/", 8) == 0)
		(r->post ? page_alert_act : page_alert)(r, out, p + 8);
	else if (strcmp(p, "/deferred") == 0 && !r->post)
		page_deferred(r, out);
	else if (strncmp(p, "/deferred/", 10) == 0 && r->post)
		page_deferred_act(r, out, p + 10);
	else if (strcmp(p, "/audit") == 0 && !r->post)
		page_audit(r, out);
	else if (strcmp(p, "/reports") == 0 && !r->post)
		page_reports(r, out);
	else
		reply_error(r, out, 404, "There is no such page.");
}
