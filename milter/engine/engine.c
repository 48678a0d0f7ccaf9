/*
 * engine - run the policies over one message and combine their results
 *
 * SYNOPSIS
 *	engine_evaluate(), verdict_clear(), engine_mode_name(),
 *	engine_time_zone(), policy_ctx_analysis()
 *	(verdict_subject() is in withhold.c)
 *
 * DESCRIPTION
 *	Policies run in registry order, each once.  A policy whose action
 *	is `off` does not run.  The analysis of attachments and text is
 *	computed on first use and shared, so a message is parsed once
 *	however many policies read it; it extracts text only when an
 *	enabled policy says it reads text for this message (reads_text:
 *	inbound mail to staff has its attachments typed and walked, not
 *	read).
 *
 *	Combination (SPEC 2): the strongest applied result wins, reject >
 *	quarantine > defer > rewrite > flag > pass; the first policy (in registry
 *	order) with that result decides and its template explains a
 *	reject.  A policy in monitor mode is reported but not applied:
 *	its objection becomes an X-AUP-Monitor header.  Header edits of a
 *	delivered message: rewrites, one X-AUP-Flag per flagging policy,
 *	X-AUP-Monitor lines, and annotations (edits a passing policy
 *	returns, such as Received-SPF).  No header the engine adds names
 *	an address.
 *
 *	A message released from the quarantine (a valid X-AUP-Release
 *	mark whose release is not used yet, release.c) skips the policies
 *	that held it; their report says "released REF by USER" and
 *	v->release_ref names it, for the front end to claim once it has
 *	acted (the engine only reads the index).  Every other policy
 *	judges it as usual.  A delivered message leaves without its
 *	X-AUP-Release headers (delete edits), so a delivered copy is no
 *	key to another delivery, and a delivered inbound message leaves
 *	without any X-AUP-* header it arrived with (one from outside could
 *	imitate a flag, a rewrite or a release).  A mark that verifies but cannot be
 *	checked against the index makes the message an internal error
 *	(tempfail by default): it cannot be judged.  A message working-hours
 *	deferred comes back the same way with a mark that lifts
 *	working-hours only; a second copy of one already delivered is not
 *	judged at all: its action is `discard` and the milter drops it.
 *
 *	The policies from the first enabled one that reads content
 *	(needs_analysis) on, and the withholding, are the CPU-bound part:
 *	they run through the CPU gate (cpu_gate.c), in a slot of their
 *	own, in arrival order.  The ones before it run at once.
 *
 *	An internal error (a policy returns -1) stops the evaluation:
 *	on_error = tempfail gives 451 4.3.0 with the reference code;
 *	on_error = accept delivers the message unjudged.
 *
 *	Before the reply is written, reasons, file names and paths that
 *	hold pupil identifiers are withheld and the Subject's are counted
 *	(withhold.c, SPEC 7): nothing the front ends log or show carries
 *	them.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "engine/cpu_gate.h"
#include "engine/engine.h"
#include "engine/engine_reply.h"
#include "engine/withhold.h"
#include "policies/policy.h"
#include "store/release.h"
#include "engine/roles.h"
#include "config/template.h"
#include "util/xalloc.h"

struct engine_run {
	const struct conf *conf;
	const struct msg *msg;
	struct analysis *analysis;
	bool	 analysis_failed;
	bool	 text;			/* a policy reads extracted text */
	bool	 released;		/* release holds a valid mark */
	struct release_info release;
};

/* policy_ctx_analysis - compute the analysis once, on first use */
const struct analysis *
policy_ctx_analysis(const struct policy_ctx *ctx)
{
	struct engine_run *run = ctx->run;
	struct analysis_limits lim;
	GMimeStream *st;

	if (run->analysis != NULL || run->analysis_failed)
		return run->analysis;
	analysis_limits_default(&lim);
	lim.max_depth = (unsigned)run->conf->milter.max_depth;
	lim.max_entries = (unsigned)run->conf->milter.max_entries;
	lim.max_expanded = (uint64_t)run->conf->milter.max_expanded_mb << 20;
	lim.max_ratio = (unsigned)run->conf->milter.max_ratio;
	lim.max_text = (size_t)run->conf->milter.max_text_kb << 10;
	lim.skip_text = !run->text;
	st = msg_stream(run->msg);
	if (st != NULL) {
		run->analysis = analysis_run(st, &lim);
		g_object_unref(st);
	}
	run->analysis_failed = run->analysis == NULL;
	return run->analysis;
}

/* engine_report - record one policy's outcome */
static struct policy_report *
engine_report(struct verdict *v, const struct policy *p,
    struct policy_outcome *out, bool monitored)
{
	struct policy_report *r;

	v->reports = xreallocarray(v->reports, v->nreports + 1,
	    sizeof(*v->reports));
	r = &v->reports[v->nreports++];
	r->name = p->name;
	r->result = out->result;
	r->reason = out->reason != NULL ? out->reason : xstrdup("");
	out->reason = NULL;
	r->monitored = monitored;
	r->tag = out->tag;
	return r;
}

/* engine_add_edits - edits a delivered message gets from one policy */
static void
engine_add_edits(struct verdict *v, const struct policy *p,
    struct policy_outcome *out, bool monitored, struct header_edits *acc)
{
	char *value;

	if (monitored && out->result > RESULT_PASS) {
		value = xasprintf("%s; would=%s; ref=%s", p->name,
		    result_name(out->result), v->ref);
		header_edits_push(acc, HEADER_ADD, "X-AUP-Monitor", 0, value);
		free(value);
		return;		/* nothing else of a monitored objection */
	}
	if (out->result == RESULT_FLAG) {
		value = xasprintf("%s; ref=%s", p->name, v->ref);
		header_edits_push(acc, HEADER_ADD, "X-AUP-Flag", 0, value);
		free(value);
	}
	header_edits_append(acc, &out->edits);
}

/* engine_released - does a release let this policy's hold go? */
static bool
engine_released(const struct engine_run *run, const struct policy *p,
    struct policy_outcome *out)
{
	char *list, *needle;
	bool hit;

	if (!run->released)
		return false;
	list = xasprintf(",%s,", run->release.policies);
	needle = xasprintf(",%s,", p->name);
	hit = strstr(list, needle) != NULL;
	if (hit)
		policy_outcome_set(out, RESULT_PASS, "released %s by %s",
		    run->release.ref, run->release.by);
	free(list);
	free(needle);
	return hit;
}

/* engine_reads_text - does an enabled policy read text for this message? */
static bool
engine_reads_text(const struct conf *cf, const struct policy_ctx *base)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_slot *s = &cf->slots[i];
		const struct policy_common *pc = s->settings;
		struct policy_ctx ctx = *base;

		if (pc->action == RESULT_OFF || !s->configured)
			continue;
		/* conf_load() refuses a policy without reads_text; were
		 * one to get here, it would get the text. */
		if (s->policy->reads_text == NULL)
			return true;
		ctx.settings = s->settings;
		if (s->policy->reads_text(&ctx))
			return true;
	}
	return false;
}

/* engine_run_slot - evaluate policy slot i if enabled; -1 on error */
static int
engine_run_slot(struct engine_run *run, const struct policy_ctx *base,
    struct verdict *v, struct engine_pending *pending, size_t i)
{
	const struct policy_slot *s = &run->conf->slots[i];
	const struct policy_common *pc = s->settings;
	struct policy_ctx ctx = *base;
	struct policy_outcome out;
	bool monitored;

	if (pc->action == RESULT_OFF || !s->configured)
		return 0;
	memset(&out, 0, sizeof(out));
	ctx.settings = s->settings;
	if (!engine_released(run, s->policy, &out) &&
	    s->policy->evaluate(&ctx, &out) < 0) {
		v->error = xasprintf("%s: %s", s->policy->name,
		    out.reason ? out.reason : "internal error");
		policy_outcome_clear(&out);
		return -1;
	}
	monitored = conf_policy_mode(run->conf, s) == MODE_MONITOR;
	engine_report(v, s->policy, &out, monitored);
	engine_pending_note(pending, v, s->policy, &out, monitored);
	engine_add_edits(v, s->policy, &out, monitored, &pending->edits);
	verdict_alert_move(&v->alerts, &out.alerts, monitored);
	policy_outcome_clear(&out);
	return 0;
}

/* The policies from `from` on, and the withholding: the CPU-bound part. */
struct engine_content {
	struct engine_run *run;
	const struct policy_ctx *base;
	struct verdict *v;
	struct engine_pending *pending;
	size_t	 from;
	int	 rc;			/* in: so far; out: -1 on error */
};

/* engine_content_run - run the content part (in a cpu_gate slot) */
static void
engine_content_run(void *arg)
{
	struct engine_content *c = arg;
	const struct conf *cf = c->run->conf;

	for (size_t i = c->from; i < cf->nslots && c->rc == 0; i++)
		c->rc = engine_run_slot(c->run, c->base, c->v, c->pending, i);
	engine_withhold(cf, c->run->msg, c->run->analysis, c->v,
	    c->base->now);
}

/* engine_first_content - the first enabled policy that reads the
 * message's content (cf->nslots if none) */
static size_t
engine_first_content(const struct conf *cf)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_slot *s = &cf->slots[i];
		const struct policy_common *pc = s->settings;

		if (pc->action != RESULT_OFF && s->configured &&
		    s->policy->needs_analysis)
			return i;
	}
	return cf->nslots;
}

/*
 * engine_run_policies - evaluate every enabled policy, then withhold;
 * -1 on error.  The policies before the first that reads content run
 * here; that one and the rest run through the CPU gate.
 */
static int
engine_run_policies(struct engine_run *run, const struct policy_ctx *base,
    struct verdict *v, struct engine_pending *pending, bool judge)
{
	struct engine_content c = { .run = run, .base = base, .v = v,
	    .pending = pending, .from = engine_first_content(run->conf) };

	for (size_t i = 0; judge && i < c.from && c.rc == 0; i++)
		c.rc = engine_run_slot(run, base, v, pending, i);
	if (judge && c.rc == 0 && c.from < run->conf->nslots)
		cpu_gate_run(engine_content_run, &c);
	else			/* nothing more to judge */
		engine_withhold(run->conf, run->msg, run->analysis, v,
		    base->now);
	return c.rc;
}

/* engine_release - check a release mark (reads only); -1 = cannot judge */
static int
engine_release(struct engine_run *run, struct verdict *v)
{
	int rc = release_check(run->conf, run->msg, &run->release);

	if (rc < 0) {
		v->error = xstrdup("the release mark could not be checked "
		    "against the quarantine index");
		return -1;
	}
	run->released = rc == 1;
	if (run->released)
		snprintf(v->release_ref, sizeof(v->release_ref), "%s",
		    run->release.ref);
	return 0;
}

/* engine_strip_foreign - delete every X-AUP-* header but the marks */
static void
engine_strip_foreign(const struct msg *m, struct verdict *v)
{
	GHashTable *count = g_hash_table_new_full(g_str_hash, g_str_equal,
	    g_free, NULL);
	GHashTableIter it;
	gpointer name, n;

	for (size_t i = 0; i < m->nheaders; i++) {
		const char *h = m->headers[i].name;
		char *key;

		if (strncasecmp(h, "X-AUP-", 6) != 0 ||
		    strcasecmp(h, RELEASE_HEADER) == 0)
			continue;
		key = g_ascii_strdown(h, -1);
		n = g_hash_table_lookup(count, key);
		g_hash_table_insert(count, key, GSIZE_TO_POINTER(
		    GPOINTER_TO_SIZE(n) + 1));
	}
	g_hash_table_iter_init(&it, count);
	while (g_hash_table_iter_next(&it, &name, &n))
		for (size_t k = GPOINTER_TO_SIZE(n); k > 0; k--)
			header_edits_push(&v->edits, HEADER_DELETE, name,
			    (unsigned)k, NULL);
	g_hash_table_destroy(count);
}

/*
 * engine_strip_marks - a delivered message leaves without release marks,
 * and inbound mail without the X-AUP-* headers it arrived with (from
 * outside they could imitate a flag or a rewrite)
 */
static void
engine_strip_marks(const struct msg *m, struct verdict *v)
{
	size_t n = msg_header_count(m, RELEASE_HEADER);

	if (v->action == ACTION_REJECT || v->action == ACTION_TEMPFAIL ||
	    v->action == ACTION_QUARANTINE || v->action == ACTION_DEFER ||
	    v->action == ACTION_DISCARD)
		return;
	for (size_t k = n; k > 0; k--)
		header_edits_push(&v->edits, HEADER_DELETE, RELEASE_HEADER,
		    (unsigned)k, NULL);
	if (v->facts.direction == DIRECTION_INBOUND)
		engine_strip_foreign(m, v);
}

/* engine_evaluate - judge one message */
void
engine_evaluate(const struct conf *cf, const struct msg *m, time_t now,
    struct verdict *v)
{
	struct engine_run run = { .conf = cf, .msg = m };
	struct engine_pending pending;
	struct policy_ctx base;
	struct timespec t0, t1;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	memset(v, 0, sizeof(*v));
	memset(&pending, 0, sizeof(pending));
	ref_new(v->ref);
	roles_derive(&cf->view, m, &v->facts);
	base = (struct policy_ctx){ .school = &cf->view, .msg = m, .facts = &v->facts,
	    .now = now, .ref = v->ref, .run = &run };
	run.text = engine_reads_text(cf, &base);
	rc = engine_release(&run, v);
	if (engine_run_policies(&run, &base, v, &pending,
	    rc == 0 && !run.release.duplicate) < 0)
		rc = -1;
	if (rc < 0)
		engine_on_error(cf, v);
	else if (run.release.duplicate)
		v->action = v->would_action = ACTION_DISCARD;
	else
		engine_decide(cf, v, &pending);
	engine_strip_marks(m, v);
	engine_pending_clear(&pending);
	release_info_clear(&run.release);
	v->analysis = run.analysis;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	v->elapsed_ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

/* verdict_clear - free a verdict */
void
verdict_clear(struct verdict *v)
{
	for (size_t i = 0; i < v->nreports; i++)
		free(v->reports[i].reason);
	free(v->reports);
	template_lines_free(v->reply_lines);
	header_edits_clear(&v->edits);
	free(v->deliver_iso);
	free(v->deliver_text);
	roles_facts_clear(&v->facts);
	analysis_free(v->analysis);
	verdict_alert_clear(&v->alerts);
	free(v->error);
	memset(v, 0, sizeof(*v));
}

/* engine_time_zone - the school's time zone, or NULL for local time */
const char *
engine_time_zone(const struct conf *cf)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_slot *s = &cf->slots[i];
		const char *tz;

		if (s->configured && s->policy->time_zone != NULL &&
		    (tz = s->policy->time_zone(s->settings)) != NULL)
			return tz;
	}
	return NULL;
}

/* engine_mode_name - the message's effective mode */
const char *
engine_mode_name(const struct conf *cf, const struct verdict *v)
{
	for (size_t i = 0; i < v->nreports; i++)
		if (v->reports[i].monitored)
			return "monitor";
	return mode_name(cf->milter.mode);
}
