/*
 * report_json - turn a verdict into the SPEC's JSON shapes
 *
 * SYNOPSIS
 *	report_json_verdict(), report_json_verdict_into(),
 *	report_json_header_changes(), report_json_reply(),
 *	report_json_policies()
 *
 * DESCRIPTION
 *	The one rendering of a verdict: `aupctl test` prints
 *	report_json_verdict(); the event log adds the same fields
 *	(without the reply text and header edits, with would_action
 *	always) to its message event.  Fields beyond SPEC section 6: "mode", "direction",
 *	"would_action" (what enforce mode would have done) and "error"
 *	(an internal error's description), plus "monitored" on a policy
 *	in monitor mode.  "alerts" lists the safeguarding alerts raised
 *	(category, score, severity, policy; SPEC 6) and "monitored_alerts"
 *	the would-be ones; the evidence of an alert (matched phrases and
 *	their context) is never read here.  Built with json-c, so every
 *	string is escaped.  A policy that used an override carries "tag"
 *	(working-hours' "urgent"); a deferred message adds "deliver_at"
 *	(SPEC 6).  When the attachments were analysed, "text_extracted"
 *	says whether their text was read (only when a policy that reads
 *	text applies to the message) and "text_bytes" how much.
 *
 * SPDX-License-Identifier: MIT
 */
#include "analysis/analysis.h"
#include "engine/engine.h"
#include "engine/report_json.h"

/* report_json_reply - the SMTP reply or NULL */
json_object *
report_json_reply(const struct verdict *v)
{
	json_object *reply, *text;

	if (v->reply_code == NULL)
		return NULL;
	reply = json_object_new_object();
	text = json_object_new_array();
	json_object_object_add(reply, "code",
	    json_object_new_string(v->reply_code));
	json_object_object_add(reply, "xcode",
	    json_object_new_string(v->reply_xcode));
	for (size_t i = 0; v->reply_lines != NULL && v->reply_lines[i]; i++)
		json_object_array_add(text,
		    json_object_new_string(v->reply_lines[i]));
	json_object_object_add(reply, "text", text);
	return reply;
}

/* report_json_policies - one object per policy that ran */
json_object *
report_json_policies(const struct verdict *v)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < v->nreports; i++) {
		const struct policy_report *r = &v->reports[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(r->name));
		json_object_object_add(o, "result",
		    json_object_new_string(result_name(r->result)));
		json_object_object_add(o, "reason",
		    json_object_new_string(r->reason));
		if (r->monitored)
			json_object_object_add(o, "monitored",
			    json_object_new_boolean(1));
		if (r->tag != NULL)
			json_object_object_add(o, "tag",
			    json_object_new_string(r->tag));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* report_json_header_changes - the edit list */
json_object *
report_json_header_changes(const struct header_edits *e)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < e->count; i++) {
		const struct header_edit *h = &e->items[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "op",
		    json_object_new_string(header_op_name(h->op)));
		json_object_object_add(o, "name", json_object_new_string(h->name));
		json_object_object_add(o, "index",
		    json_object_new_int((int)h->index));
		json_object_object_add(o, "value", h->value != NULL ?
		    json_object_new_string(h->value) : NULL);
		json_object_array_add(arr, o);
	}
	return arr;
}

/* report_json_alerts - category and score of each alert, nothing else */
void
report_json_alerts(json_object *o, const struct verdict *v)
{
	json_object *raised = json_object_new_array(), *would = NULL;

	for (size_t i = 0; i < v->alerts.count; i++) {
		const struct verdict_alert *a = &v->alerts.items[i];
		json_object *j = json_object_new_object();

		json_object_object_add(j, "category",
		    json_object_new_string(a->category));
		json_object_object_add(j, "score",
		    json_object_new_int64(a->score));
		json_object_object_add(j, "severity",
		    json_object_new_string(a->severity));
		json_object_object_add(j, "policy",
		    json_object_new_string(a->policy));
		if (a->monitored && would == NULL)
			would = json_object_new_array();
		json_object_array_add(a->monitored ? would : raised, j);
	}
	json_object_object_add(o, "alerts", raised);
	if (would != NULL)
		json_object_object_add(o, "monitored_alerts", would);
}

/* report_json_text - whether text was extracted, and how many bytes */
static void
report_json_text(json_object *o, const struct analysis *an)
{
	uint64_t bytes = 0;

	if (an == NULL)
		return;
	for (size_t i = 0; i < an->count; i++)
		bytes += an->items[i].text_len;
	json_object_object_add(o, "text_extracted",
	    json_object_new_boolean(!an->text_skipped));
	json_object_object_add(o, "text_bytes",
	    json_object_new_int64((int64_t)bytes));
}

/* report_json_verdict_into - add the verdict's fields to o (see .h) */
void
report_json_verdict_into(json_object *o, const struct conf *cf,
    const struct verdict *v, unsigned parts)
{
	json_object_object_add(o, "action",
	    json_object_new_string(final_action_name(v->action)));
	json_object_object_add(o, "ref", json_object_new_string(v->ref));
	if (parts & REPORT_JSON_REPLY)
		json_object_object_add(o, "reply", report_json_reply(v));
	json_object_object_add(o, "policies", report_json_policies(v));
	if (parts & REPORT_JSON_REPLY)
		json_object_object_add(o, "header_changes",
		    report_json_header_changes(&v->edits));
	json_object_object_add(o, "quarantine",
	    json_object_new_boolean(v->quarantine));
	report_json_alerts(o, v);
	if (v->action == ACTION_DEFER && v->deliver_iso != NULL)
		json_object_object_add(o, "deliver_at",
		    json_object_new_string(v->deliver_iso));
	json_object_object_add(o, "mode",
	    json_object_new_string(engine_mode_name(cf, v)));
	/* With school files, the school whose policies judged it. */
	if (cf->id != NULL)
		json_object_object_add(o, "school",
		    json_object_new_string(cf->id));
	json_object_object_add(o, "direction",
	    json_object_new_string(direction_name(v->facts.direction)));
	if (v->would_action != v->action || (parts & REPORT_JSON_WOULD))
		json_object_object_add(o, "would_action",
		    json_object_new_string(final_action_name(v->would_action)));
	if (v->error != NULL)
		json_object_object_add(o, "error",
		    json_object_new_string(v->error));
	report_json_text(o, v->analysis);
	json_object_object_add(o, "elapsed_ms",
	    json_object_new_double(v->elapsed_ms));
}

/* report_json_verdict - the whole object of `aupctl test` */
json_object *
report_json_verdict(const struct conf *cf, const struct verdict *v)
{
	json_object *o = json_object_new_object();

	report_json_verdict_into(o, cf, v, REPORT_JSON_REPLY);
	return o;
}
