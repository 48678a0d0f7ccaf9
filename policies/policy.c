/*
 * policy - helpers every policy uses to fill in its outcome
 *
 * SYNOPSIS
 *	policy_outcome_set(), policy_outcome_var(), policy_outcome_clear(),
 *	policy_reads_no_text(), policy_find()
 *
 * DESCRIPTION
 *	Outcomes own their strings; the engine takes them over or frees
 *	them with policy_outcome_clear().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "policies/policy.h"
#include "util/xalloc.h"

/* policy_outcome_set - result and reason */
void
policy_outcome_set(struct policy_outcome *out, enum result r,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(out->reason);
	out->reason = xvasprintf(fmt, ap);
	va_end(ap);
	out->result = r;
}

/* policy_outcome_var - add (or replace) a template variable */
void
policy_outcome_var(struct policy_outcome *out, const char *name,
    const char *fmt, ...)
{
	va_list ap;
	char *value;

	va_start(ap, fmt);
	value = xvasprintf(fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < out->nvars; i++) {
		if (strcmp(out->vars[i].name, name) == 0) {
			free(out->vars[i].value);
			out->vars[i].value = value;
			return;
		}
	}
	out->vars = xreallocarray(out->vars, out->nvars + 1,
	    sizeof(*out->vars));
	out->vars[out->nvars].name = xstrdup(name);
	out->vars[out->nvars++].value = value;
}

/* policy_outcome_clear - free everything an outcome holds */
void
policy_outcome_clear(struct policy_outcome *out)
{
	free(out->reason);
	for (size_t i = 0; i < out->nvars; i++) {
		free(out->vars[i].name);
		free(out->vars[i].value);
	}
	free(out->vars);
	header_edits_clear(&out->edits);
	verdict_alert_clear(&out->alerts);
	free(out->deliver_iso);
	free(out->deliver_text);
	memset(out, 0, sizeof(*out));
}

/* policy_reads_no_text - a policy that never reads extracted text */
bool
policy_reads_no_text(const struct policy_ctx *ctx)
{
	(void)ctx;
	return false;
}

/* policy_find - look a policy up by name */
const struct policy *
policy_find(const struct policy *const *registry, const char *name)
{
	for (size_t i = 0; registry[i] != NULL; i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}
