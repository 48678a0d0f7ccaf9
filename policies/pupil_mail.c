/*
 * pupil_mail - pupils write only to approved people and never give away
 * where they live; staff reach pupils through school accounts (SPEC 2.7)
 *
 * SYNOPSIS
 *	policy_pupil_mail
 *
 * DESCRIPTION
 *	AUP: "Pupils may only use approved e-mail accounts"; pupils "must
 *	not reveal details of themselves or others in e-mail
 *	communication, such as address or telephone number, or arrange to
 *	meet anyone"; staff "only contact pupils ... via school-based
 *	computer systems".  Rules, each with its own action:
 *	- a pupil writing outside the school to anyone who is not an
 *	  approved correspondent for them (correspondents.csv) ->
 *	  external_action (reject, with a reply a nine-year-old can read:
 *	  template pupil-mail);
 *	- mail from outside the school to a pupil from anyone who is not
 *	  approved for that pupil (envelope sender and header From) ->
 *	  inbound_action (quarantine, so the DSL sees who tries);
 *	- a pupil's message that reveals contact details (contact.c) ->
 *	  details_action when any recipient is outside the school
 *	  (quarantine), details_internal_action when all are inside (flag,
 *	  and a safeguarding alert of category personal-details for the
 *	  DSL, stored and sent by the daemon's act step); in mail from
 *	  outside to a pupil, an arrangement to meet or a question for
 *	  details -> details_action;
 *	- staff or the office writing to a pupil's personal address
 *	  (pupils.csv email) -> staff_personal_action (reject: template
 *	  pupil-mail-staff-personal);
 *	- staff writing to pupils' school accounts -> staff_action (pass;
 *	  flag, quarantine or reject for schools that want approval),
 *	  lifted per recipient by exemptions.csv rows naming pupil-mail.
 *	The strongest finding decides, no stronger than `action` (a
 *	school can roll the whole policy out as flag only).
 *
 * CONFIGURATION
 *	[pupil-mail] action, mode, external_action, inbound_action,
 *	details_action, details_internal_action, staff_personal_action,
 *	staff_action; [directory] correspondents, pupils (email column);
 *	[school] phone, address.
 *
 * DIAGNOSTICS
 *	Reasons give counts and kinds ("contact details: 1 phone number"),
 *	never an address of a pupil or a value found in the text.
 *	configure() reports correspondents.csv problems at file:line and
 *	expired rows as warnings (aup-milter -t).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "policies/pupil_mail/contact.h"
#include "policies/pupil_mail/correspondents.h"
#include "util/addr.h"
#include "util/xalloc.h"

#define PUPIL_MAIL_LISTED	5	/* approved correspondents in a reply */

struct pupil_mail_settings {
	struct policy_common common;
	enum result external_action;
	enum result inbound_action;
	enum result details_action;
	enum result details_internal_action;
	enum result staff_personal_action;
	enum result staff_action;
	/* built by configure() */
	struct correspondents *approved;
	struct contact_rules *rules;
};

static const char *const pupil_mail_actions[] = { "reject", "quarantine",
    "flag", "off", NULL };
static const char *const pupil_mail_staff_actions[] = { "pass", "flag",
    "quarantine", "reject", NULL };

#define S(f) offsetof(struct pupil_mail_settings, f)
static const struct conf_param pupil_mail_params[] = {
	{ "external_action", CONF_RESULT, "reject", S(external_action), 0, 0,
	    pupil_mail_actions, "a pupil writes outside the school to "
	    "someone not approved" },
	{ "inbound_action", CONF_RESULT, "quarantine", S(inbound_action), 0,
	    0, pupil_mail_actions, "someone not approved writes to a pupil "
	    "from outside" },
	{ "details_action", CONF_RESULT, "quarantine", S(details_action), 0,
	    0, pupil_mail_actions, "a pupil gives contact details or "
	    "arranges to meet, a recipient outside the school" },
	{ "details_internal_action", CONF_RESULT, "flag",
	    S(details_internal_action), 0, 0, pupil_mail_actions, "the same "
	    "between school addresses (the DSL is alerted)" },
	{ "staff_personal_action", CONF_RESULT, "reject",
	    S(staff_personal_action), 0, 0, pupil_mail_actions, "staff write "
	    "to a pupil's personal address (pupils.csv email)" },
	{ "staff_action", CONF_RESULT, "pass", S(staff_action), 0, 0,
	    pupil_mail_staff_actions, "staff write to pupils' school "
	    "accounts (exemptions may lift it)" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};
#undef S

static const char *const pupil_mail_vars[] = { "approved", "count",
    "recipients", "details", NULL };

/* One message's findings, strongest kept. */
struct pupil_mail_finding {
	enum result result;
	const char *template;	/* of the strongest finding */
	GString *reason;	/* "; "-joined findings */
	GPtrArray *listed;	/* addresses a reply may name */
	unsigned count;		/* of the strongest finding */
	unsigned alert;		/* details between pupils: the DSL's alert */
};

/* pupil_mail_configure - correspondents and the contact detectors */
static int
pupil_mail_configure(void *settings, const struct school *sc,
    struct errbuf *eb)
{
	struct pupil_mail_settings *s = settings;
	size_t before = eb->nerrors;

	if (sc->dirs->correspondents != NULL)
		s->approved = correspondents_load(sc->dirs->correspondents,
		    time(NULL), eb);
	s->rules = contact_rules_new(sc->info->phone, sc->info->address,
	    sc->info->domains.items, sc->info->domains.count);
	if (eb->nerrors > before) {
		s->approved = correspondents_free(s->approved);
		s->rules = contact_rules_free(s->rules);
		return -1;
	}
	return 0;
}

/* pupil_mail_unconfigure - free what configure() built */
static void
pupil_mail_unconfigure(void *settings)
{
	struct pupil_mail_settings *s = settings;

	s->approved = correspondents_free(s->approved);
	s->rules = contact_rules_free(s->rules);
}

/* pupil_mail_note - one finding: keep the strongest, add its words */
static void
pupil_mail_note(struct pupil_mail_finding *f, enum result r,
    const char *template, unsigned count, const char *what)
{
	if (r == RESULT_OFF || r == RESULT_PASS)
		return;
	g_string_append_printf(f->reason, "%s%s", f->reason->len ? "; " : "",
	    what);
	if (r > f->result) {
		f->result = r;
		f->template = template;
		f->count = count;
	}
}

/* pupil_mail_is_school - an address in the school's domains? */
static bool
pupil_mail_is_school(const struct policy_ctx *ctx, const char *addr)
{
	return addr != NULL && school_has_domain(ctx->school, addr);
}

/* pupil_mail_outgoing - a pupil writing outside to the unapproved */
static void
pupil_mail_outgoing(const struct policy_ctx *ctx,
    struct pupil_mail_finding *f)
{
	const struct pupil_mail_settings *s = ctx->settings;
	const char *pupil = ctx->facts->sender;
	unsigned n = 0;
	char *what;

	for (size_t i = 0; i < ctx->msg->nrcpts; i++) {
		const char *to = ctx->msg->rcpts[i].norm;

		if (pupil_mail_is_school(ctx, to) ||
		    correspondents_find(s->approved, to, pupil, ctx->now))
			continue;
		n++;
	}
	if (n == 0)
		return;
	what = xasprintf("pupil wrote to %u address%s outside the school "
	    "that %s not an approved correspondent", n, n == 1 ? "" : "es",
	    n == 1 ? "is" : "are");
	pupil_mail_note(f, s->external_action, NULL, n, what);
	free(what);
}

/* pupil_mail_list_approved - correspondents this pupil may write to */
static void
pupil_mail_list_approved(const struct policy_ctx *ctx, GPtrArray *out)
{
	const struct pupil_mail_settings *s = ctx->settings;

	for (size_t i = 0; s->approved != NULL && i < s->approved->count &&
	    out->len < PUPIL_MAIL_LISTED; i++) {
		const struct correspondent *c = &s->approved->items[i];

		if (c->expires_end < ctx->now ||
		    !addr_matches(ctx->facts->sender, c->pupils))
			continue;
		g_ptr_array_add(out, strncmp(c->address, "*@", 2) == 0 ?
		    xasprintf("anyone at %s", c->address + 2) :
		    xstrdup(c->address));
	}
}

/* pupil_mail_incoming - someone outside, not approved, to a pupil */
static void
pupil_mail_incoming(const struct policy_ctx *ctx,
    struct pupil_mail_finding *f)
{
	const struct pupil_mail_settings *s = ctx->settings;
	const char *from[2] = { ctx->facts->sender, ctx->facts->header_from };
	unsigned n = 0;
	char *what;

	for (size_t i = 0; i < ctx->msg->nrcpts; i++) {
		const char *pupil = ctx->msg->rcpts[i].norm;
		bool ok = from[0] != NULL || from[1] != NULL;

		if (ctx->facts->rcpt_roles[i] != ROLE_PUPIL)
			continue;
		for (int k = 0; k < 2 && ok; k++)
			if (from[k] != NULL && !pupil_mail_is_school(ctx,
			    from[k]) && correspondents_find(s->approved,
			    from[k], pupil, ctx->now) == NULL)
				ok = false;
		if (!ok)
			n++;
	}
	if (n == 0)
		return;
	what = xasprintf("sender outside the school is not an approved "
	    "correspondent of %u pupil%s", n, n == 1 ? "" : "s");
	pupil_mail_note(f, s->inbound_action, "pupil-mail-inbound", n, what);
	free(what);
}

/* pupil_mail_own - the message's own addresses (NULL-terminated) */
static const char **
pupil_mail_own(const struct policy_ctx *ctx)
{
	const char **own = xcalloc(ctx->msg->nrcpts + 3, sizeof(char *));
	size_t n = 0;

	if (ctx->facts->sender != NULL)
		own[n++] = ctx->facts->sender;
	if (ctx->facts->header_from != NULL)
		own[n++] = ctx->facts->header_from;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++)
		if (ctx->msg->rcpts[i].norm != NULL)
			own[n++] = ctx->msg->rcpts[i].norm;
	return own;
}

/* pupil_mail_merge - keep the larger count of each kind (a text part
 * and its HTML twin say the same thing once) */
static void
pupil_mail_merge(struct contact_found *all, const struct contact_found *one)
{
	for (int k = 0; k < CONTACT_KINDS; k++)
		if (one->n[k] > all->n[k])
			all->n[k] = one->n[k];
}

/* pupil_mail_scan - what the subject, text and attachments reveal;
 * -1 when the analysis failed */
static int
pupil_mail_scan(const struct policy_ctx *ctx, bool meet_only,
    struct contact_found *all)
{
	const struct pupil_mail_settings *s = ctx->settings;
	const struct analysis *an = policy_ctx_analysis(ctx);
	const char **own = pupil_mail_own(ctx);
	struct contact_found one;
	char *subject = msg_subject(ctx->msg);

	memset(all, 0, sizeof(*all));
	if (subject != NULL) {
		memset(&one, 0, sizeof(one));
		contact_scan(s->rules, subject, strlen(subject), own,
		    meet_only, &one);
		pupil_mail_merge(all, &one);
		g_free(subject);
	}
	for (size_t i = 0; an != NULL && i < an->count; i++) {
		if (an->items[i].text == NULL)
			continue;
		memset(&one, 0, sizeof(one));
		contact_scan(s->rules, an->items[i].text,
		    an->items[i].text_len, own, meet_only, &one);
		pupil_mail_merge(all, &one);
	}
	free(own);
	return an != NULL ? 0 : -1;
}

/* pupil_mail_details_text - "1 phone number, 1 home address" (new) */
static char *
pupil_mail_details_text(const struct contact_found *c)
{
	GString *s = g_string_new(NULL);

	for (int k = 0; k < CONTACT_KINDS; k++)
		if (c->n[k] > 0)
			g_string_append_printf(s, "%s%u %s", s->len ? ", " : "",
			    c->n[k], contact_kind_name((enum contact_kind)k,
			    c->n[k] > 1));
	return g_string_free(s, FALSE);
}

/* pupil_mail_details - contact details or meeting in a pupil's mail */
static int
pupil_mail_details(const struct policy_ctx *ctx, bool inbound,
    struct pupil_mail_finding *f, char **details)
{
	const struct pupil_mail_settings *s = ctx->settings;
	struct contact_found c;
	enum result r;
	char *what;

	if (pupil_mail_scan(ctx, inbound, &c) < 0)
		return -1;
	if (contact_found_total(&c) == 0)
		return 0;
	*details = pupil_mail_details_text(&c);
	if (inbound)
		r = s->details_action;
	else
		r = ctx->facts->internal ? s->details_internal_action :
		    s->details_action;
	what = xasprintf("%s: %s%s", inbound ? "mail to a pupil asks for "
	    "personal details or to meet" : "pupil's message reveals "
	    "personal details", *details, !inbound && ctx->facts->internal ?
	    " (personal-details alert for the DSL)" : "");
	pupil_mail_note(f, r, "pupil-mail-details", contact_found_total(&c),
	    what);
	if (!inbound && ctx->facts->internal && r != RESULT_OFF)
		f->alert = contact_found_total(&c);
	free(what);
	return 0;
}

/* pupil_mail_staff - staff or office writing to pupils */
static void
pupil_mail_staff(const struct policy_ctx *ctx, struct pupil_mail_finding *f)
{
	const struct pupil_mail_settings *s = ctx->settings;
	const struct directory *d = ctx->school->directory;
	unsigned personal = 0, school = 0;
	char *what;

	for (size_t i = 0; i < ctx->msg->nrcpts; i++) {
		const char *to = ctx->msg->rcpts[i].norm;

		if (to != NULL && directory_is_pupil_personal(d, to)) {
			personal++;
			g_ptr_array_add(f->listed, xstrdup(to));
		} else if (ctx->facts->rcpt_roles[i] == ROLE_PUPIL &&
		    s->staff_action != RESULT_PASS &&
		    directory_exemption_find(d, ctx->facts->sender,
		    "pupil-mail", to, ctx->now) == NULL)
			school++;
	}
	if (personal > 0) {
		what = xasprintf("staff wrote to %u pupil%s personal "
		    "address%s", personal, personal == 1 ? "'s" : "s'",
		    personal == 1 ? "" : "es");
		pupil_mail_note(f, s->staff_personal_action,
		    "pupil-mail-staff-personal", personal, what);
		free(what);
	}
	if (school > 0) {
		what = xasprintf("staff wrote to %u pupil school account%s "
		    "without an exemption", school, school == 1 ? "" : "s");
		pupil_mail_note(f, s->staff_action, "pupil-mail-staff",
		    school, what);
		free(what);
	}
}

/* pupil_mail_has_pupil - is any envelope recipient a pupil? */
static bool
pupil_mail_has_pupil(const struct policy_ctx *ctx)
{
	for (size_t i = 0; i < ctx->msg->nrcpts; i++)
		if (ctx->facts->rcpt_roles[i] == ROLE_PUPIL)
			return true;
	return false;
}

/* pupil_mail_reads_text - a pupil's outbound mail, or mail to a pupil
 * from outside: the mail pupil_mail_details() reads */
static bool
pupil_mail_reads_text(const struct policy_ctx *ctx)
{
	const struct msg_facts *fa = ctx->facts;

	return (fa->direction == DIRECTION_OUTBOUND &&
	    fa->sender_role == ROLE_PUPIL) ||
	    (fa->direction == DIRECTION_INBOUND && pupil_mail_has_pupil(ctx));
}

/* pupil_mail_judge - run the rules that apply; -1 on internal error */
static int
pupil_mail_judge(const struct policy_ctx *ctx, struct pupil_mail_finding *f,
    char **details)
{
	const struct msg_facts *fa = ctx->facts;

	if (fa->direction == DIRECTION_OUTBOUND && fa->sender_role ==
	    ROLE_PUPIL) {
		pupil_mail_outgoing(ctx, f);
		return pupil_mail_details(ctx, false, f, details);
	}
	if (fa->direction == DIRECTION_INBOUND && pupil_mail_has_pupil(ctx)) {
		pupil_mail_incoming(ctx, f);
		return pupil_mail_details(ctx, true, f, details);
	}
	if (fa->direction == DIRECTION_OUTBOUND &&
	    (fa->sender_role == ROLE_STAFF || fa->sender_role == ROLE_OFFICE))
		pupil_mail_staff(ctx, f);
	return 0;
}

/* pupil_mail_outcome - the strongest finding as the outcome */
static void
pupil_mail_outcome(const struct policy_ctx *ctx,
    struct pupil_mail_finding *f, const char *details,
    struct policy_outcome *out)
{
	const struct pupil_mail_settings *s = ctx->settings;
	enum result r = f->result;
	char *listed;

	if (s->common.action != RESULT_OFF && r > s->common.action)
		r = s->common.action;
	policy_outcome_set(out, r, "%s", f->reason->str);
	out->template = f->template;
	policy_outcome_var(out, "count", "%u", f->count);
	policy_outcome_var(out, "details", "%s", details ? details : "");
	if (f->template == NULL)
		pupil_mail_list_approved(ctx, f->listed);
	g_ptr_array_add(f->listed, NULL);
	listed = g_strjoinv(", ", (char **)f->listed->pdata);
	policy_outcome_var(out, f->template == NULL ? "approved" :
	    "recipients", "%s", listed[0] != '\0' ? listed : "nobody yet");
	g_free(listed);
}

/* pupil_mail_evaluate - judge one message */
static int
pupil_mail_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	struct pupil_mail_finding f = { .result = RESULT_PASS };
	char *details = NULL;
	int rc;

	f.reason = g_string_new(NULL);
	f.listed = g_ptr_array_new_with_free_func(free);
	rc = pupil_mail_judge(ctx, &f, &details);
	if (rc < 0)
		policy_outcome_set(out, RESULT_PASS, "the message could not "
		    "be read for contact details");
	else if (f.result > RESULT_PASS)
		pupil_mail_outcome(ctx, &f, details, out);
	/* Kinds and counts only: the values never leave the message. */
	if (rc == 0 && f.alert > 0)
		verdict_alert_add(&out->alerts, "pupil-mail",
		    "personal-details", (long)f.alert, "medium", NULL, false);
	g_string_free(f.reason, TRUE);
	g_ptr_array_free(f.listed, TRUE);
	free(details);
	return rc;
}

const struct policy policy_pupil_mail = {
	.name = "pupil-mail",
	.summary = "pupils write only to approved people and keep their "
	    "details to themselves",
	.params = pupil_mail_params,
	.settings_size = sizeof(struct pupil_mail_settings),
	.default_action = RESULT_REJECT,
	.actions = pupil_mail_actions,
	.liftable = true,
	.needs_analysis = true,
	.template_vars = pupil_mail_vars,
	.configure = pupil_mail_configure,
	.unconfigure = pupil_mail_unconfigure,
	.reads_text = pupil_mail_reads_text,
	.evaluate = pupil_mail_evaluate,
};
