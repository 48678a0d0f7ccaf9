/*
 * engine_reply - combine policy results into the message's verdict
 *
 * SYNOPSIS
 *	engine_pending_note(), engine_decide(), engine_on_error(),
 *	engine_pending_clear()
 *
 * DESCRIPTION
 *	The reply of a reject is the deciding policy's template rendered
 *	with the common variables (school, office, dsl, policy_url, ref,
 *	policy, reason) and the policy's own; a template named by the
 *	outcome that does not exist falls back to the policy's main
 *	template.  Reject is 550 5.7.1; the on_error tempfail is 451 4.3.0.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_reply.h"
#include "config/template.h"
#include "util/xalloc.h"

/* result_to_action - a combined result as a final action */
static enum final_action
result_to_action(enum result r)
{
	switch (r) {
	case RESULT_FLAG:
		return ACTION_FLAG;
	case RESULT_REWRITE:
		return ACTION_REWRITE;
	case RESULT_DEFER:
		return ACTION_DEFER;
	case RESULT_QUARANTINE:
		return ACTION_QUARANTINE;
	case RESULT_REJECT:
		return ACTION_REJECT;
	default:
		return ACTION_ACCEPT;
	}
}

/* engine_pending_take_vars - keep the decider's template and variables */
static void
engine_pending_take_vars(struct engine_pending *p, const struct policy *pol,
    struct policy_outcome *out)
{
	for (size_t i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		free(p->vars[i].value);
	}
	free(p->vars);
	free(p->template);
	p->vars = out->vars;
	p->nvars = out->nvars;
	out->vars = NULL;
	out->nvars = 0;
	p->template = xstrdup(out->template ? out->template : pol->name);
	p->decider = pol;
}

/* engine_take_deliver - keep an applied defer's due time (the earliest) */
static void
engine_take_deliver(struct verdict *v, struct policy_outcome *out)
{
	if (v->deliver_at != 0 && v->deliver_at <= out->deliver_at)
		return;
	free(v->deliver_iso);
	free(v->deliver_text);
	v->deliver_at = out->deliver_at;
	v->deliver_iso = out->deliver_iso;
	v->deliver_text = out->deliver_text;
	out->deliver_iso = out->deliver_text = NULL;
}

/* engine_pending_note - remember the strongest objection */
void
engine_pending_note(struct engine_pending *p, struct verdict *v,
    const struct policy *pol, struct policy_outcome *out, bool monitored)
{
	if (out->result == RESULT_DEFER && !monitored && out->deliver_at != 0)
		engine_take_deliver(v, out);
	if (out->result == RESULT_OFF)
		out->result = RESULT_PASS;
	if (out->result > p->would)
		p->would = out->result;
	if (monitored || out->result <= p->best)
		return;
	p->best = out->result;
	engine_pending_take_vars(p, pol, out);
}

/* engine_reply_lines - render the decider's template */
static char **
engine_reply_lines(const struct conf *cf, const struct verdict *v,
    const struct engine_pending *p, const char *reason)
{
	struct template_var *vars = xcalloc(p->nvars + 8, sizeof(*vars));
	size_t n = 0;
	char **lines;

	vars[n++] = (struct template_var){ "school", cf->school.name ?
	    cf->school.name : "the school" };
	vars[n++] = (struct template_var){ "office", school_office_address(&cf->view) };
	vars[n++] = (struct template_var){ "dsl", cf->school.dsl ?
	    cf->school.dsl : "the Designated Safeguarding Lead" };
	vars[n++] = (struct template_var){ "policy_url", cf->school.policy_url ?
	    cf->school.policy_url : "" };
	vars[n++] = (struct template_var){ "ref", v->ref };
	vars[n++] = (struct template_var){ "policy", p->decider->name };
	vars[n++] = (struct template_var){ "reason", reason };
	for (size_t i = 0; i < p->nvars; i++)
		vars[n++] = (struct template_var){ p->vars[i].name,
		    p->vars[i].value };
	lines = template_render(cf->templates, p->template, vars, n);
	if (lines == NULL)
		lines = template_render(cf->templates, p->decider->name, vars, n);
	if (lines == NULL) {
		char *text = xasprintf("Your message breaks the %s rule: %s. "
		    "Ref: %s", p->decider->name, reason, v->ref);

		lines = template_wrap_text(text);
		free(text);
	}
	free(vars);
	return lines;
}

/* engine_reason_of - the report reason of the deciding policy */
static const char *
engine_reason_of(const struct verdict *v, const struct policy *pol)
{
	for (size_t i = 0; i < v->nreports; i++)
		if (strcmp(v->reports[i].name, pol->name) == 0)
			return v->reports[i].reason;
	return "";
}

/* engine_decide - the final verdict */
void
engine_decide(const struct conf *cf, struct verdict *v,
    struct engine_pending *p)
{
	v->action = result_to_action(p->best);
	v->would_action = result_to_action(p->would > p->best ? p->would :
	    p->best);
	v->decided_by = p->decider != NULL ? p->decider->name : NULL;
	v->quarantine = v->action == ACTION_QUARANTINE;
	if (v->action == ACTION_REJECT) {
		v->reply_code = "550";
		v->reply_xcode = "5.7.1";
		v->reply_lines = engine_reply_lines(cf, v, p,
		    engine_reason_of(v, p->decider));
	}
	/* A deferred message is stored as it came: it is judged again, and
	 * edited then, when it is delivered at its due time. */
	if (v->action != ACTION_REJECT && v->action != ACTION_QUARANTINE &&
	    v->action != ACTION_DEFER)
		header_edits_append(&v->edits, &p->edits);
	if (v->action != ACTION_DEFER) {
		free(v->deliver_iso);
		free(v->deliver_text);
		v->deliver_at = 0;
		v->deliver_iso = v->deliver_text = NULL;
	}
	/* Edits alone (an annotation such as Received-SPF) do not make a
	 * rewrite: the action stays what the policies decided. */
}

/* engine_on_error - tempfail or accept after an internal error */
void
engine_on_error(const struct conf *cf, struct verdict *v)
{
	char *text;

	v->decided_by = NULL;
	if (cf->milter.on_error == 1) {
		v->action = v->would_action = ACTION_ACCEPT;
		return;
	}
	v->action = v->would_action = ACTION_TEMPFAIL;
	v->reply_code = "451";
	v->reply_xcode = "4.3.0";
	text = xasprintf("We could not check your message just now, so it "
	    "has not been sent yet; your mail program will try again. If "
	    "this goes on, tell the school's IT support. Ref: %s", v->ref);
	v->reply_lines = template_wrap_text(text);
	free(text);
}

/* engine_pending_clear - free the pending state */
void
engine_pending_clear(struct engine_pending *p)
{
	for (size_t i = 0; i < p->nvars; i++) {
		free(p->vars[i].name);
		free(p->vars[i].value);
	}
	free(p->vars);
	free(p->template);
	header_edits_clear(&p->edits);
	memset(p, 0, sizeof(*p));
}
