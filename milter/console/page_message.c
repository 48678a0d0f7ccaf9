/*
 * page_message - one held message: what it is, why it was held, its
 * text as plain text, and the actions
 *
 * SYNOPSIS
 *	page_message(), page_message_act(), page_message_eml(),
 *	page_action_fields()
 *
 * DESCRIPTION
 *	GET /held/REF shows the envelope and decision the milter stored
 *	(REF.json), the header lines and the text of the message, and the
 *	attachments as records: name, detected type, size, SHA-256 and
 *	what about each made a policy object.  The text comes from the
 *	analysis the milter itself runs (analysis_run on the stored
 *	message): text parts decoded, HTML bodies with their tags
 *	dropped; it is shown escaped in a <pre>, so nothing from the
 *	message is executed, loaded or opened.  An attachment is never
 *	sent to the browser; a role that may (dsl, it) downloads the
 *	whole original as REF.eml (application/octet-stream, as an
 *	attachment), and that is audited.  Every view is audited too.
 *
 *	POST /held/REF acts (held_act in page_held.c) and shows the page
 *	again with the outcome.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmime/gmime.h>
#include <json-c/json.h>

#include "analysis/analysis.h"
#include "console/console.h"
#include "console/page.h"
#include "store/content.h"
#include "store/qindex.h"
#include "store/quarantine.h"
#include "store/store.h"
#include "util/html.h"
#include "util/xalloc.h"
#include "util/json_member.h"

#define MESSAGE_MAX_HEADER_LINES	300
#define MESSAGE_MAX_TEXT		(256 * 1024)	/* bytes shown */

/* message_dl - one envelope line */
static void
message_dl(GString *b, const char *label, const char *value)
{
	html_printf(b, "<dt>%s</dt><dd>%s</dd>", label, value);
}

/* message_state - status and review history */
static void
message_state(GString *b, const struct qindex_entry *e)
{
	char when[32];

	reply_when(e->time, when);
	html_raw(b, "<dl class=\"envelope\">");
	message_dl(b, "Reference", e->ref);
	html_printf(b, "<dt>Status</dt><dd class=\"status-%s\">%s%s</dd>",
	    e->status, e->status, e->reviewed_at ? ", reviewed" : "");
	message_dl(b, "Held", when);
	if (e->reviewed_at) {
		reply_when(e->reviewed_at, when);
		html_printf(b, "<dt>Reviewed</dt><dd>%s by %s</dd>", when,
		    e->reviewed_by);
	}
	if (e->released_at) {
		reply_when(e->released_at, when);
		html_printf(b, "<dt>Released</dt><dd>%s by %s to %s%s</dd>",
		    when, e->released_by, e->released_to ? e->released_to :
		    "the original recipients", e->delivered_at ?
		    " (delivered)" : "");
	}
	if (e->deleted_at) {
		reply_when(e->deleted_at, when);
		html_printf(b, "<dt>Deleted</dt><dd>%s by %s</dd>", when,
		    e->deleted_by);
	}
	html_raw(b, "</dl>");
}

/* message_envelope - who sent it to whom, from where */
static void
message_envelope(GString *b, const struct qindex_entry *e, json_object *meta)
{
	char *size = xasprintf("%lld bytes", (long long)e->size);

	html_raw(b, "<h2>Envelope</h2><dl class=\"envelope\">");
	message_dl(b, "Direction", e->direction);
	message_dl(b, "From", e->sender[0] ? e->sender : "<>");
	message_dl(b, "To", e->recipients);
	message_dl(b, "Header From", json_member_text(meta, "header_from"));
	message_dl(b, "Subject", e->subject ? e->subject : "(no subject)");
	message_dl(b, "Client", json_member_text(meta, "client_addr"));
	message_dl(b, "HELO", json_member_text(meta, "helo"));
	message_dl(b, "Login", json_member_text(meta, "auth")[0] ?
	    json_member_text(meta, "auth") : "(none)");
	message_dl(b, "Size", size);
	html_raw(b, "</dl>");
	free(size);
}

/* message_policies - each policy's result and reason */
static void
message_policies(GString *b, json_object *meta)
{
	json_object *arr;

	html_raw(b, "<h2>Why it was held</h2><table><thead><tr><th>Policy</th>"
	    "<th>Result</th><th>Reason</th></tr></thead><tbody>");
	if (meta != NULL && json_object_object_get_ex(meta, "policies", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *p = json_object_array_get_idx(arr, i);

			html_printf(b, "<tr><td>%s</td><td>%s</td><td "
			    "class=\"wrap\">%s</td></tr>", json_member_text(p,
			    "name"), json_member_text(p, "result"),
			    json_member_text(p, "reason"));
		}
	html_raw(b, "</tbody></table>");
}

/* message_why - what about one part made a policy object */
static char *
message_why(const struct attachment *a, json_object *meta)
{
	GString *w = g_string_new(NULL);
	json_object *arr;
	static const char *const risky[] = { "pe", "elf", "macho", "msi",
	    "script", "lnk", "iso", NULL };

	for (size_t i = 0; a->kind != NULL && risky[i] != NULL; i++)
		if (strcmp(a->kind, risky[i]) == 0)
			g_string_append_printf(w, "executable content (%s); ",
			    a->kind);
	if (a->has_macros)
		g_string_append(w, "macros; ");
	if (a->is_eicar)
		g_string_append(w, "the EICAR test file; ");
	if (a->encrypted)
		g_string_append_printf(w, "encrypted (%s); ", a->encryption ?
		    a->encryption : "password");
	if (a->uninspectable != NULL)
		g_string_append_printf(w, "cannot be inspected: %s; ",
		    a->uninspectable);
	if (a->name_safe != NULL && meta != NULL &&
	    json_object_object_get_ex(meta, "policies", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++) {
			json_object *p = json_object_array_get_idx(arr, i);

			if (strcmp(json_member_text(p, "result"), "pass") != 0 &&
			    strstr(json_member_text(p, "reason"), a->name_safe))
				g_string_append_printf(w, "named by %s; ",
				    json_member_text(p, "name"));
		}
	if (w->len >= 2)
		g_string_truncate(w, w->len - 2);
	return g_string_free(w, FALSE);
}

/* message_attachments - the parts as records, never their content */
static void
message_attachments(GString *b, const struct analysis *an, json_object *meta)
{
	size_t shown = 0;

	html_raw(b, "<h2>Attachments (not opened)</h2><table><thead><tr>"
	    "<th>Name</th><th>Detected type</th><th class=\"num\">Size</th>"
	    "<th>SHA-256</th><th>Why</th></tr></thead><tbody>");
	for (size_t i = 0; an != NULL && i < an->count; i++) {
		const struct attachment *a = &an->items[i];
		char *why;

		if (a->is_body)
			continue;
		why = message_why(a, meta);
		html_printf(b, "<tr><td class=\"wrap\">%s<br><small>part %s"
		    "</small></td><td>%s</td><td class=\"num\">%llu</td><td "
		    "class=\"wrap\"><code>%s</code></td><td>%s</td></tr>",
		    a->name_safe ? a->name_safe : "(no name)", a->path,
		    a->detected_type ? a->detected_type : "", (unsigned long
		    long)a->size, a->sha256, why);
		free(why);
		shown++;
	}
	if (shown == 0)
		html_raw(b, "<tr><td colspan=\"5\">none</td></tr>");
	html_raw(b, "</tbody></table>");
}

/* message_text - the text parts, escaped */
static void
message_text(GString *b, const struct analysis *an)
{
	size_t shown = 0;

	html_raw(b, "<h2>Text</h2>");
	for (size_t i = 0; an != NULL && i < an->count; i++) {
		const struct attachment *a = &an->items[i];
		size_t n;

		if (!a->is_body || a->text == NULL)
			continue;
		n = a->text_len < MESSAGE_MAX_TEXT ? a->text_len :
		    MESSAGE_MAX_TEXT;
		html_printf(b, "<p>Part %s (%s)%s</p><pre class=\"text\">",
		    a->path, a->declared_type ? a->declared_type : "text",
		    n < a->text_len || a->text_truncated ? ", shortened" : "");
		html_escape_len(b, a->text, n);
		html_raw(b, "</pre>");
		shown++;
	}
	if (shown == 0)
		html_raw(b, "<p>The message has no text part.</p>");
}

/* message_headers - the stored header lines */
static void
message_headers(GString *b, const char *data, size_t len)
{
	const char *p = data, *end = data + len;
	size_t lines = 0;

	html_raw(b, "<h2>Headers</h2><pre class=\"text\">");
	while (p < end && lines < MESSAGE_MAX_HEADER_LINES) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);

		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break;
		html_escape_len(b, p, n);
		html_raw(b, "\n");
		lines++;
		p = nl != NULL ? nl + 1 : end;
	}
	html_raw(b, "</pre>");
}

/* message_analysis - the milter's analysis of the stored message */
static struct analysis *
message_analysis(const struct conf *cf, const char *data, size_t len)
{
	struct analysis_limits lim;
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(data, len);
	struct analysis *an;

	analysis_limits_default(&lim);
	lim.max_depth = (unsigned)cf->milter.max_depth;
	lim.max_entries = (unsigned)cf->milter.max_entries;
	lim.max_expanded = (uint64_t)cf->milter.max_expanded_mb << 20;
	lim.max_ratio = (unsigned)cf->milter.max_ratio;
	lim.max_text = (size_t)cf->milter.max_text_kb << 10;
	an = analysis_run(st, &lim);
	g_object_unref(st);
	return an;
}

/* page_action_fields - the action form's fields */
void
page_action_fields(struct reply *out, bool several)
{
	html_printf(out->body, "<fieldset class=\"actions\"><legend>%s"
	    "</legend><label>Action<select name=\"action\" required>"
	    "<option value=\"release\">Release</option>"
	    "<option value=\"review\">Mark reviewed (keep held)</option>"
	    "<option value=\"delete\">Delete</option></select></label>"
	    "<label>Release to (empty: the original recipients)<input "
	    "name=\"to\" type=\"text\" placeholder=\"office@...\"></label>"
	    "<label>Reason (required, kept in the audit trail)<textarea "
	    "name=\"reason\" required maxlength=\"1000\" rows=\"2\">"
	    "</textarea></label><button>Do it</button></fieldset>",
	    several ? "With the ticked messages" : "Act on this message");
}

/* message_show - the whole page for an entry the role may see */
static void
message_show(struct request *r, struct reply *out,
    const struct qindex_entry *e, const char *outcome, bool ok)
{
	struct store *st = store_of(r->c->cf);
	char *text = content_meta(st, CONTENT_HELD, e->ref, NULL);
	json_object *meta = text != NULL ? json_tokener_parse(text) : NULL;
	size_t len = 0;
	char *data = content_eml(st, CONTENT_HELD, e->ref, &len, NULL);
	struct analysis *an = NULL;
	GString *b = out->body;

	free(text);
	if (data != NULL)
		an = message_analysis(r->c->cf, data, len);
	reply_page_begin(r, out, e->subject ? e->subject : "(no subject)");
	if (outcome != NULL)
		html_printf(b, "<p class=\"%s\" role=\"status\">%s</p>", ok ?
		    "done" : "error", outcome);
	message_state(b, e);
	if (strcmp(e->status, "held") == 0) {
		html_printf(b, "<form method=\"post\" action=\"/held/%s\">",
		    e->ref);
		reply_csrf_field(r, out);
		page_action_fields(out, false);
		html_raw(b, "</form>");
	}
	if (data != NULL && access_may_download(r->sv.role))
		html_printf(b, "<p class=\"noprint\"><a href=\"/held/%s/eml\" "
		    "download>Download the original message (%s.eml)</a> to "
		    "examine it elsewhere; it is not opened here.</p>", e->ref,
		    e->ref);
	message_envelope(b, e, meta);
	message_policies(b, meta);
	message_attachments(b, an, meta);
	if (data != NULL) {
		message_text(b, an);
		message_headers(b, data, len);
	} else
		html_raw(b, "<p>The stored message is gone.</p>");
	reply_page_end(out);
	analysis_free(an);
	json_object_put(meta);
	free(data);
}

/* message_lookup - the entry, if the role may see it; else a reply */
static bool
message_lookup(struct request *r, struct reply *out, const char *ref,
    struct qindex_entry *e)
{
	int rc = qindex_get(store_of(r->c->cf), ref, e, NULL);

	/* Another school's message is a reference that does not exist. */
	if (rc == 1 && !request_in_scope(r, r->post && form_get(&r->form,
	    "action") != NULL ? form_get(&r->form, "action") : "show", ref,
	    e->school)) {
		qindex_entry_clear(e);
		rc = 0;
	}
	if (!access_may_list_held(r->sv.role) || (rc == 1 &&
	    !access_may_see_held(r->sv.role, e->policies))) {
		reply_error(r, out, 403, "Your role does not include this "
		    "message.");
		return false;
	}
	if (rc != 1) {
		reply_error(r, out, 404, "There is no held message with this "
		    "reference.");
		return false;
	}
	return true;
}

/* page_message - GET /held/REF */
void
page_message(struct request *r, struct reply *out, const char *ref)
{
	struct qindex_entry e;
	struct actor a;

	if (message_lookup(r, out, ref, &e)) {
		message_show(r, out, &e, NULL, false);
		request_actor(r, &a);
		a.school = e.school;
		(void)actions_record(r->c->cf, &a, "show", ref, "ok", NULL,
		    NULL, NULL);
	}
	qindex_entry_clear(&e);
}

/* page_message_act - POST /held/REF */
void
page_message_act(struct request *r, struct reply *out, const char *ref)
{
	struct qindex_entry e;
	char *msg = NULL;
	int rc;

	if (!message_lookup(r, out, ref, &e)) {
		qindex_entry_clear(&e);
		return;
	}
	qindex_entry_clear(&e);
	rc = held_act(r, ref, &msg);
	if (qindex_get(store_of(r->c->cf), ref, &e, NULL) == 1) {
		if (rc != 0)
			out->status = rc > 0 ? 409 : 500;
		message_show(r, out, &e, msg, rc == 0);
	}
	qindex_entry_clear(&e);
	free(msg);
}

/* page_message_eml - GET /held/REF/eml: the original, as a download */
void
page_message_eml(struct request *r, struct reply *out, const char *ref)
{
	struct qindex_entry e;
	struct actor a;
	char *data = NULL;
	size_t len = 0;

	if (!message_lookup(r, out, ref, &e)) {
		qindex_entry_clear(&e);
		return;
	}
	request_actor(r, &a);
	a.school = e.school;
	if (!access_may_download(r->sv.role))
		reply_error(r, out, 403, "Your role may not download messages.");
	else if ((data = content_eml(store_of(r->c->cf), CONTENT_HELD, ref,
	    &len, NULL)) == NULL)
		reply_error(r, out, 404, "The stored message is gone.");
	else {
		out->type = "application/octet-stream";
		out->disposition = xasprintf("attachment; filename=\"%s.eml\"",
		    ref);
		g_string_truncate(out->body, 0);
		g_string_append_len(out->body, data, (gssize)len);
	}
	(void)actions_record(r->c->cf, &a, "export", ref, data != NULL ? "ok" :
	    "refused", NULL, NULL, NULL);
	free(data);
	qindex_entry_clear(&e);
}
