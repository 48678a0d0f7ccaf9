/*
 * parent_contact - staff do not email parents directly (SPEC 2.1)
 *
 * SYNOPSIS
 *	policy_parent_contact
 *
 * DESCRIPTION
 *	AUP: "All communications to parents and carers should be sent to
 *	the office email account for onward transmission."  Outbound mail
 *	from a `staff` sender with any envelope recipient whose role is
 *	`parent` (To, Cc or Bcc: the envelope is what counts) gets
 *	`action` (default reject), naming up to five of those parents and
 *	the office address to use instead.  Recipients at consumer mail
 *	domains who are not known parents (`personal`) get
 *	`personal_action` (default flag).  The office and its delegates
 *	(office_senders logged in and sending as the office) are
 *	`office`, not staff, and pass.
 *
 *	Exemptions approved by the headteacher (exemptions.csv) lift the
 *	rule for a sender, for all or some recipients, until they expire
 *	(end of the expiry day); an exempted recipient is not counted.
 *
 * CONFIGURATION
 *	[parent-contact] action, personal_action, mode.
 *
 * DIAGNOSTICS
 *	Reasons give counts and the exemption used, never pupil data.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdlib.h>

#include "config/directory.h"
#include "policies/policy.h"
#include "policies/recipient_list.h"
#include "util/xalloc.h"

struct parent_contact_settings {
	struct policy_common common;
	enum result personal_action;
};

static const char *const parent_contact_actions[] = { "reject",
    "quarantine", "flag", "off", NULL };

static const struct conf_param parent_contact_params[] = {
	{ "personal_action", CONF_RESULT, "flag",
	    offsetof(struct parent_contact_settings, personal_action), 0, 0,
	    parent_contact_actions, "staff mail to personal addresses that "
	    "are not known parents" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

static const char *const parent_contact_vars[] = { "parents", "count",
    "personal", "sender", NULL };

struct found {
	const char **addrs;
	size_t	 count;
	size_t	 exempted;
	const struct exemption *used;
};

/* found_add - remember a recipient unless an exemption covers it */
static void
found_add(struct found *f, const struct policy_ctx *ctx, const char *rcpt)
{
	const struct exemption *e = directory_exemption_find(
	    ctx->school->directory, ctx->facts->sender, "parent-contact", rcpt,
	    ctx->now);

	if (e != NULL) {
		f->exempted++;
		f->used = e;
		return;
	}
	f->addrs = xreallocarray(f->addrs, f->count + 1, sizeof(char *));
	f->addrs[f->count++] = rcpt;
}

/* parent_contact_object - set the outcome for a list of recipients */
static void
parent_contact_object(const struct policy_ctx *ctx,
    struct policy_outcome *out, const struct found *f, enum result action,
    const char *kind, const char *template)
{
	char *list = recipient_list_text(f->addrs, f->count);

	policy_outcome_set(out, action, "staff sender wrote to %zu %s "
	    "address%s", f->count, kind, f->count == 1 ? "" : "es");
	policy_outcome_var(out, "count", "%zu", f->count);
	policy_outcome_var(out, template ? "personal" : "parents", "%s", list);
	policy_outcome_var(out, "sender", "%s", ctx->facts->sender ?
	    ctx->facts->sender : "");
	out->template = template;
	free(list);
}

/* parent_contact_evaluate - judge one message */
static int
parent_contact_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct parent_contact_settings *s = ctx->settings;
	struct found parents = { 0 }, personal = { 0 };

	if (ctx->facts->direction != DIRECTION_OUTBOUND ||
	    ctx->facts->sender_role != ROLE_STAFF)
		return 0;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++) {
		if (ctx->facts->rcpt_roles[i] == ROLE_PARENT)
			found_add(&parents, ctx, ctx->msg->rcpts[i].norm);
		else if (ctx->facts->rcpt_roles[i] == ROLE_PERSONAL)
			found_add(&personal, ctx, ctx->msg->rcpts[i].norm);
	}
	if (parents.count > 0)
		parent_contact_object(ctx, out, &parents, s->common.action,
		    "parent", NULL);
	else if (personal.count > 0 && s->personal_action != RESULT_OFF)
		parent_contact_object(ctx, out, &personal, s->personal_action,
		    "personal (not a known parent)", "parent-contact-personal");
	else if (parents.used != NULL || personal.used != NULL) {
		const struct exemption *e = parents.used ? parents.used :
		    personal.used;

		policy_outcome_set(out, RESULT_PASS, "exemption approved by %s "
		    "until %s (exemptions.csv line %u)", e->approved_by ?
		    e->approved_by : "?", e->expires, e->line);
	}
	free(parents.addrs);
	free(personal.addrs);
	return 0;
}

const struct policy policy_parent_contact = {
	.name = "parent-contact",
	.summary = "staff mail to parents goes through the office account",
	.params = parent_contact_params,
	.settings_size = sizeof(struct parent_contact_settings),
	.default_action = RESULT_REJECT,
	.actions = parent_contact_actions,
	.liftable = true,
	.needs_analysis = false,
	.template_vars = parent_contact_vars,
	.reads_text = policy_reads_no_text,
	.evaluate = parent_contact_evaluate,
};
