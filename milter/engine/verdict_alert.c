/*
 * verdict_alert - alerts carried from a policy's outcome to the front end
 *
 * SYNOPSIS
 *	verdict_alert_add(), verdict_alert_evidence(), verdict_alert_move(),
 *	verdict_alert_raised(), verdict_alert_clear()
 *
 * DESCRIPTION
 *	Plain owned arrays; see verdict_alert.h for who may read what.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "engine/verdict_alert.h"
#include "util/xalloc.h"

/* verdict_alert_add - one alert */
void
verdict_alert_add(struct verdict_alerts *a, const char *policy,
    const char *category, long score, const char *severity,
    const char *notify, bool monitored)
{
	a->items = xreallocarray(a->items, a->count + 1, sizeof(*a->items));
	a->items[a->count++] = (struct verdict_alert){ .policy = policy,
	    .category = xstrdup(category), .score = score,
	    .severity = xstrdup(severity), .notify = notify != NULL &&
	    *notify != '\0' ? xstrdup(notify) : NULL, .monitored = monitored };
}

/* verdict_alert_evidence - one matched phrase */
void
verdict_alert_evidence(struct verdict_alerts *a, const char *category,
    const char *phrase, const char *context, long weight)
{
	a->evidence = xreallocarray(a->evidence, a->nevidence + 1,
	    sizeof(*a->evidence));
	a->evidence[a->nevidence++] = (struct verdict_evidence){
	    .category = xstrdup(category), .phrase = xstrdup(phrase),
	    .context = xstrdup(context != NULL ? context : ""),
	    .weight = weight };
}

/* verdict_alert_move - take src's alerts over */
void
verdict_alert_move(struct verdict_alerts *dst, struct verdict_alerts *src,
    bool monitored)
{
	dst->items = xreallocarray(dst->items, dst->count + src->count + 1,
	    sizeof(*dst->items));
	for (size_t i = 0; i < src->count; i++) {
		dst->items[dst->count] = src->items[i];
		dst->items[dst->count++].monitored |= monitored;
	}
	dst->evidence = xreallocarray(dst->evidence, dst->nevidence +
	    src->nevidence + 1, sizeof(*dst->evidence));
	if (src->nevidence > 0)
		memcpy(dst->evidence + dst->nevidence, src->evidence,
		    src->nevidence * sizeof(*src->evidence));
	dst->nevidence += src->nevidence;
	dst->withhold_subject |= src->withhold_subject;
	free(src->items);
	free(src->evidence);
	memset(src, 0, sizeof(*src));
}

/* verdict_alert_raised - how many are really raised */
size_t
verdict_alert_raised(const struct verdict_alerts *a)
{
	size_t n = 0;

	for (size_t i = 0; i < a->count; i++)
		n += !a->items[i].monitored;
	return n;
}

/* verdict_alert_clear - free everything */
void
verdict_alert_clear(struct verdict_alerts *a)
{
	for (size_t i = 0; i < a->count; i++) {
		free(a->items[i].category);
		free(a->items[i].severity);
		free(a->items[i].notify);
	}
	free(a->items);
	for (size_t i = 0; i < a->nevidence; i++) {
		free(a->evidence[i].category);
		free(a->evidence[i].phrase);
		free(a->evidence[i].context);
	}
	free(a->evidence);
	memset(a, 0, sizeof(*a));
}
