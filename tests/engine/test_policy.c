/*
 * test_policy - "test-verdict": obey the X-Test-Verdict header
 *
 * SYNOPSIS
 *	policy_test_verdict, test_registry()
 *
 * DESCRIPTION
 *	Lets the engine, protocol and Postfix tests ask for any outcome
 *	without depending on a real policy's rules.  The header's words:
 *	"object" (the configured action), "reject", "quarantine",
 *	"rewrite" (Subject gets a "[checked] " prefix), "flag", "error"
 *	(an internal error: on_error applies), "analysis" (flag when the
 *	analysis found an attachment).  Anything else, or no header:
 *	pass.  "test-second" does the same for X-Test-Second, so tests can
 *	combine two objections.  Linked into the test programs only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/analysis.h"
#include "test_policy.h"
#include "util/xalloc.h"

struct test_verdict_settings {
	struct policy_common common;
	char	*header;
};

static const struct conf_param test_verdict_params[] = {
	{ "header", CONF_STRING, "X-Test-Verdict",
	    offsetof(struct test_verdict_settings, header), 0, 0, NULL,
	    "the header that says what to do" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

static const struct conf_param test_second_params[] = {
	{ "header", CONF_STRING, "X-Test-Second",
	    offsetof(struct test_verdict_settings, header), 0, 0, NULL,
	    "the header that says what to do" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

static const char *const test_verdict_vars[] = { "word", NULL };

/* test_verdict_rewrite - prefix the Subject */
static void
test_verdict_rewrite(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct msg_header *h = msg_header(ctx->msg, "Subject", 0);
	char *value = xasprintf("[checked] %s", h ? h->value : "");

	header_edits_push(&out->edits, h ? HEADER_CHANGE : HEADER_ADD,
	    "Subject", 1, value);
	free(value);
	policy_outcome_set(out, RESULT_REWRITE, "subject marked");
}

/* test_verdict_analysis - flag messages with attachments */
static int
test_verdict_analysis(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct analysis *an = policy_ctx_analysis(ctx);
	size_t files = 0;

	if (an == NULL)
		return -1;
	for (size_t i = 0; i < an->count; i++)
		if (!an->items[i].is_body)
			files++;
	if (files > 0)
		policy_outcome_set(out, RESULT_FLAG, "%zu attachments", files);
	return 0;
}

/* test_verdict_evaluate - do what the header says */
static int
test_verdict_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct test_verdict_settings *s = ctx->settings;
	const struct msg_header *h = msg_header(ctx->msg, s->header, 0);
	enum result r;

	if (h == NULL)
		return 0;
	policy_outcome_var(out, "word", "%s", h->value);
	if (strcasecmp(h->value, "error") == 0) {
		policy_outcome_set(out, RESULT_PASS, "asked to fail");
		return -1;
	}
	if (strcasecmp(h->value, "analysis") == 0)
		return test_verdict_analysis(ctx, out);
	if (strcasecmp(h->value, "rewrite") == 0) {
		test_verdict_rewrite(ctx, out);
		return 0;
	}
	if (strcasecmp(h->value, "object") == 0)
		r = s->common.action;
	else if (!result_parse(h->value, &r) || r == RESULT_OFF)
		return 0;
	policy_outcome_set(out, r, "asked for %s", result_name(r));
	return 0;
}

const struct policy policy_test_verdict = {
	.name = "test-verdict",
	.summary = "tests only: do what the X-Test-Verdict header says",
	.params = test_verdict_params,
	.settings_size = sizeof(struct test_verdict_settings),
	.default_action = RESULT_REJECT,
	.liftable = true,
	.needs_analysis = false,
	.template_vars = test_verdict_vars,
	.reads_text = policy_reads_no_text,
	.evaluate = test_verdict_evaluate,
};

/* A second instance, so tests can combine two objections. */
const struct policy policy_test_second = {
	.name = "test-second",
	.summary = "tests only: do what the X-Test-Second header says",
	.params = test_second_params,
	.settings_size = sizeof(struct test_verdict_settings),
	.default_action = RESULT_REJECT,
	.liftable = false,
	.template_vars = test_verdict_vars,
	.reads_text = policy_reads_no_text,
	.evaluate = test_verdict_evaluate,
};

/* test_registry - test-verdict, test-second, every shipped policy */
const struct policy *const *
test_registry(void)
{
	static const struct policy *all[64];

	if (all[0] == NULL) {
		size_t n = 0;

		all[n++] = &policy_test_verdict;
		all[n++] = &policy_test_second;
		for (size_t i = 0; policy_registry[i] != NULL && n < 63; i++)
			all[n++] = policy_registry[i];
		all[n] = NULL;
	}
	return all;
}
