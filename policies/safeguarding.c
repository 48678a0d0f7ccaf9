/*
 * safeguarding - harmful content in pupils' mail reaches the DSL as an
 * alert, and the worst is held
 *
 * SYNOPSIS
 *	policy_safeguarding
 *
 * DESCRIPTION
 *	SPEC 2.6.  In scope: with scope = pupils (default) every message
 *	whose envelope sender or any envelope recipient is a pupil, in
 *	either direction, internal mail included; with scope = all every
 *	message.  The subject, the text parts and the extracted text of
 *	every attachment are read through one automaton of every phrase of
 *	the category lists (policies/safeguarding/), each distinct phrase
 *	counted once per message; a category's score is the sum of the
 *	weights of its phrases found.
 *
 *	A category at alert_score or more raises an alert (flag); one at
 *	hold_score or more that is in hold_categories holds the message
 *	(`action`, default quarantine), and a held message raises its
 *	alerts too.  A category in monitor_categories raises only a would-
 *	be alert (logged, never stored or sent) and an X-AUP-Monitor
 *	header, so a school can watch a category before it alerts on it.
 *	The alert (category, score, severity) goes into the outcome for the
 *	front end to store and send after the decision; the matched phrases
 *	and their context go with it as evidence for the DSL only.
 *
 * CONFIGURATION
 *	[safeguarding] action, lists, categories, scope, alert_score,
 *	hold_score, hold_categories, monitor_categories, notify, mode.
 *
 * DIAGNOSTICS
 *	The reason names categories and scores, never a phrase: "alert:
 *	self-harm 45, bullying 12; held: grooming 60".  When a phrase is
 *	found in the Subject the verdict asks that the Subject be withheld
 *	from logs and notices.  Configuration errors name list:line.  When
 *	`lists` is not set and the folder `safeguarding` beside the
 *	configuration does not exist, loading warns and the policy judges
 *	nothing (reason "no term lists"); a folder named by `lists` that
 *	is missing, or a category's list that is missing, is an error.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "policies/policy.h"
#include "policies/safeguarding/term_list.h"
#include "policies/safeguarding/term_match.h"
#include "util/xalloc.h"

#define SAFEGUARDING_CATEGORIES "bullying, self-harm, sexual, grooming, " \
	"extremism, discrimination, violence, drugs, profanity"

struct safeguarding_settings {
	struct policy_common common;
	char	*lists;
	struct conf_list categories;
	int	 scope;			/* 0 pupils, 1 all */
	long	 alert_score;
	long	 hold_score;
	struct conf_list hold_categories;
	struct conf_list monitor_categories;
	struct conf_list notify;
	/* built by configure() */
	struct term_set *terms;		/* NULL: no lists installed */
	char	*notify_joined;
};

static const char *const safeguarding_actions[] = { "quarantine", "reject", "flag",
    "off", NULL };
static const char *const safeguarding_scopes[] = { "pupils", "all", NULL };

#define S(f) offsetof(struct safeguarding_settings, f)
static const struct conf_param safeguarding_params[] = {
	{ "lists", CONF_PATH, NULL, S(lists), 0, 0, NULL,
	    "folder of the term lists <category>.txt (default: safeguarding "
	    "beside this file)" },
	{ "categories", CONF_LIST, SAFEGUARDING_CATEGORIES, S(categories), 0, 0,
	    NULL, "the categories judged, one list file each" },
	{ "scope", CONF_CHOICE, "pupils", S(scope), 0, 0, safeguarding_scopes,
	    "pupils: mail from or to a pupil; all: staff mail too" },
	{ "alert_score", CONF_INT, "10", S(alert_score), 1, 100000, NULL,
	    "a category's score that raises an alert (flag)" },
	{ "hold_score", CONF_INT, "30", S(hold_score), 1, 100000, NULL,
	    "a score in hold_categories that holds the message (action)" },
	{ "hold_categories", CONF_LIST, "sexual, grooming, extremism",
	    S(hold_categories), 0, 0, NULL,
	    "categories whose hold_score holds the message" },
	{ "monitor_categories", CONF_LIST, NULL, S(monitor_categories), 0, 0,
	    NULL, "categories only logged as would-be alerts (trial)" },
	{ "notify", CONF_LIST, NULL, S(notify), 0, 0, NULL,
	    "addresses told of each alert besides [school] dsl" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};
#undef S

/* One category's findings in one message. */
struct safeguarding_category {
	long	 score;
	bool	 alert, held, monitored;
};

/* safeguarding_load_lists - one term list per category into a new set */
static int
safeguarding_load_lists(struct safeguarding_settings *s, const char *dir,
    struct errbuf *eb)
{
	int rc = 0;

	s->terms = term_set_new();
	for (size_t i = 0; i < s->categories.count; i++) {
		char *path = xasprintf("%s/%s.txt", dir,
		    s->categories.items[i]);

		if (term_list_load(s->terms, (unsigned)i, path, eb) < 0)
			rc = -1;
		free(path);
	}
	if (rc < 0) {
		/* unconfigure() is not called for a policy that failed */
		s->terms = term_set_free(s->terms);
		return rc;
	}
	term_set_compile(s->terms);
	return rc;
}

/* safeguarding_check_names - hold and monitor categories must be judged ones */
static int
safeguarding_check_names(const struct safeguarding_settings *s, const char *file,
    struct errbuf *eb)
{
	const struct conf_list *lists[] = { &s->hold_categories,
	    &s->monitor_categories };
	const char *keys[] = { "hold_categories", "monitor_categories" };
	int rc = 0;

	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < lists[k]->count; i++)
			if (!conf_list_contains(&s->categories,
			    lists[k]->items[i])) {
				errbuf_add(eb, file, 0, "[safeguarding] %s: "
				    "\"%s\" is not one of the categories",
				    keys[k], lists[k]->items[i]);
				rc = -1;
			}
	for (size_t i = 0; i < s->categories.count; i++)
		if (strchr(s->categories.items[i], '/') != NULL ||
		    s->categories.items[i][0] == '.') {
			errbuf_add(eb, file, 0, "[safeguarding] categories: "
			    "\"%s\" is not a list name", s->categories.items[i]);
			rc = -1;
		}
	return rc;
}

/* safeguarding_configure - read the lists for this snapshot */
static int
safeguarding_configure(void *settings, const struct school *sc, struct errbuf *eb)
{
	struct safeguarding_settings *s = settings;
	char *dir = s->lists != NULL ? xstrdup(s->lists) :
	    xasprintf("%s/safeguarding", sc->config_dir);
	struct stat st;
	int rc;

	s->notify_joined = NULL;
	s->terms = NULL;
	if (safeguarding_check_names(s, sc->config_path, eb) < 0) {
		free(dir);
		return -1;
	}
	if (s->notify.count > 0) {
		GString *j = g_string_new(NULL);

		for (size_t i = 0; i < s->notify.count; i++)
			g_string_append_printf(j, "%s%s", i ? ", " : "",
			    s->notify.items[i]);
		s->notify_joined = g_string_free(j, FALSE);
	}
	if (s->lists == NULL && stat(dir, &st) < 0) {
		errbuf_warn(eb, dir, 0, "no safeguarding term lists: the "
		    "safeguarding policy judges nothing until they are "
		    "installed there (or [safeguarding] lists names them)");
		free(dir);
		return 0;
	}
	rc = safeguarding_load_lists(s, dir, eb);
	free(dir);
	return rc;
}

/* safeguarding_unconfigure - free the automaton */
static void
safeguarding_unconfigure(void *settings)
{
	struct safeguarding_settings *s = settings;

	s->terms = term_set_free(s->terms);
	g_free(s->notify_joined);
	s->notify_joined = NULL;
}

/* safeguarding_in_scope - a pupil's message (or scope = all)? */
static bool
safeguarding_in_scope(const struct policy_ctx *ctx)
{
	const struct safeguarding_settings *s = ctx->settings;

	if (s->scope == 1 || ctx->facts->sender_role == ROLE_PUPIL)
		return true;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++)
		if (ctx->facts->rcpt_roles != NULL &&
		    ctx->facts->rcpt_roles[i] == ROLE_PUPIL)
			return true;
	return false;
}

/* safeguarding_scan - the subject and every readable text; *subject_hit says
 * whether the subject held a phrase */
static void
safeguarding_scan(const struct policy_ctx *ctx, const struct analysis *an,
    struct term_hits *h, bool *subject_hit)
{
	char *subject = msg_subject(ctx->msg);

	if (subject != NULL) {
		term_hits_scan(h, subject, strlen(subject));
		g_free(subject);
	}
	*subject_hit = term_hits_count(h) > 0;
	for (size_t i = 0; i < an->count; i++) {
		const struct attachment *a = &an->items[i];

		if (!a->encrypted && a->text != NULL && a->text_len > 0)
			term_hits_scan(h, a->text, a->text_len);
	}
}

/* safeguarding_severity - how grave a score is */
static const char *
safeguarding_severity(const struct safeguarding_settings *s, long score)
{
	if (score >= s->hold_score)
		return "high";
	if (score >= 2 * s->alert_score)
		return "medium";
	return "low";
}

/* safeguarding_judge - each category's score and what it raises */
static void
safeguarding_judge(const struct safeguarding_settings *s, const struct term_hits *h,
    struct safeguarding_category *cats)
{
	for (size_t i = 0; i < term_hits_count(h); i++) {
		const struct term_phrase *p = term_set_phrase(s->terms,
		    term_hits_get(h, i)->phrase);

		cats[p->category].score += p->weight;
	}
	for (size_t c = 0; c < s->categories.count; c++) {
		const char *name = s->categories.items[c];
		struct safeguarding_category *k = &cats[c];

		if (k->score < s->alert_score)
			continue;
		k->monitored = conf_list_contains(&s->monitor_categories, name);
		k->alert = !k->monitored;
		k->held = k->alert && k->score >= s->hold_score &&
		    conf_list_contains(&s->hold_categories, name);
	}
}

/* safeguarding_reason_part - "; held: grooming 60, sexual 35" */
static void
safeguarding_reason_part(GString *r, const struct safeguarding_settings *s,
    const struct safeguarding_category *cats, const char *label, int which)
{
	bool first = true;

	for (size_t c = 0; c < s->categories.count; c++) {
		const struct safeguarding_category *k = &cats[c];
		bool pick = which == 0 ? k->held : which == 1 ? k->alert &&
		    !k->held : which == 2 ? k->monitored : k->score > 0 &&
		    k->score < s->alert_score;

		if (!pick)
			continue;
		g_string_append_printf(r, "%s%s%s %ld", first ? (r->len ?
		    "; " : "") : ", ", first ? label : "",
		    s->categories.items[c], k->score);
		first = false;
	}
}

/* safeguarding_outcome - result, reason, alerts and evidence */
static void
safeguarding_outcome(const struct policy_ctx *ctx, const struct term_hits *h,
    const struct safeguarding_category *cats, bool subject_hit,
    struct policy_outcome *out)
{
	const struct safeguarding_settings *s = ctx->settings;
	enum result r = RESULT_PASS;
	GString *reason = g_string_new(NULL);
	bool monitored = false;

	safeguarding_reason_part(reason, s, cats, "held: ", 0);
	safeguarding_reason_part(reason, s, cats, "alert: ", 1);
	safeguarding_reason_part(reason, s, cats, "monitored, would alert: ", 2);
	safeguarding_reason_part(reason, s, cats, "below alert_score: ", 3);
	for (size_t c = 0; c < s->categories.count; c++) {
		const struct safeguarding_category *k = &cats[c];
		const char *name = s->categories.items[c];

		if (!k->alert && !k->monitored)
			continue;
		if (k->held)
			r = s->common.action;
		else if (k->alert && r == RESULT_PASS)
			r = RESULT_FLAG;
		monitored |= k->monitored;
		verdict_alert_add(&out->alerts, "safeguarding", name, k->score,
		    safeguarding_severity(s, k->score), s->notify_joined, k->monitored);
		for (size_t i = 0; i < term_hits_count(h); i++) {
			const struct term_hit *t = term_hits_get(h, i);
			const struct term_phrase *p = term_set_phrase(s->terms,
			    t->phrase);

			if (p->category == c)
				verdict_alert_evidence(&out->alerts, name,
				    p->text, t->context, p->weight);
		}
	}
	out->alerts.withhold_subject = subject_hit;
	if (monitored && r == RESULT_PASS) {
		char *v = xasprintf("safeguarding; would=flag; ref=%s", ctx->ref);

		header_edits_push(&out->edits, HEADER_ADD, "X-AUP-Monitor", 0, v);
		free(v);
	}
	if (reason->len > 0)
		policy_outcome_set(out, r, "%s", reason->str);
	out->result = r;
	g_string_free(reason, TRUE);
}

/* safeguarding_reads_text - term lists and a message in scope */
static bool
safeguarding_reads_text(const struct policy_ctx *ctx)
{
	const struct safeguarding_settings *s = ctx->settings;

	return s->terms != NULL && safeguarding_in_scope(ctx);
}

/* safeguarding_evaluate - judge one message */
static int
safeguarding_evaluate(const struct policy_ctx *ctx, struct policy_outcome *out)
{
	const struct safeguarding_settings *s = ctx->settings;
	const struct analysis *an;
	struct safeguarding_category *cats;
	struct term_hits *h;
	bool subject_hit;

	if (s->terms == NULL) {
		policy_outcome_set(out, RESULT_PASS, "no term lists");
		return 0;
	}
	if (!safeguarding_in_scope(ctx))
		return 0;
	if ((an = policy_ctx_analysis(ctx)) == NULL)
		return -1;
	h = term_hits_new(s->terms);
	safeguarding_scan(ctx, an, h, &subject_hit);
	cats = xcalloc(s->categories.count + 1, sizeof(*cats));
	safeguarding_judge(s, h, cats);
	safeguarding_outcome(ctx, h, cats, subject_hit, out);
	free(cats);
	term_hits_free(h);
	return 0;
}

const struct policy policy_safeguarding = {
	.name = "safeguarding",
	.summary = "harmful content in pupils' mail reaches the DSL as an "
	    "alert, and the worst is held",
	.params = safeguarding_params,
	.settings_size = sizeof(struct safeguarding_settings),
	.default_action = RESULT_QUARANTINE,
	.actions = safeguarding_actions,
	.liftable = false,
	.needs_analysis = true,
	.template_vars = NULL,
	.configure = safeguarding_configure,
	.unconfigure = safeguarding_unconfigure,
	.reads_text = safeguarding_reads_text,
	.evaluate = safeguarding_evaluate,
};
