/*
 * withhold - pupil identifiers kept out of what is logged or shown
 *
 * SYNOPSIS
 *	engine_withhold(), verdict_subject()
 *
 * DESCRIPTION
 *	The engine does not know pupil identifiers: a policy does
 *	(policy.h identifiers, pupil-data's detectors, configured whether
 *	or not pupil-data's action is off).  engine_withhold() asks it
 *	about each policy's reason, each attachment's names and each
 *	component of its path, and replaces a value holding N distinct
 *	identifiers by "[withheld: N identifiers]"; the Subject is counted
 *	once, and verdict_subject() gives the text the event log, the
 *	quarantine index, REF.json and every notice use instead of it.
 *	The store never sees a value the detectors recognise, so the
 *	store needs no policy (tests/layout/check-layers.py).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "analysis/analysis.h"
#include "engine/withhold.h"
#include "policies/policy.h"
#include "util/xalloc.h"

struct withhold {
	const struct policy *policy;	/* the one that counts, or NULL */
	const void *settings;
	time_t	 now;
};

/* withhold_count - distinct identifiers in text (0 without a counter) */
static unsigned
withhold_count(const struct withhold *w, const char *text)
{
	if (w->policy == NULL || text == NULL)
		return 0;
	return w->policy->identifiers(w->settings, text, strlen(text), w->now);
}

/* withhold_words - "[withheld: N identifier(s)]" */
static char *
withhold_words(unsigned n)
{
	return xasprintf("[withheld: %u identifier%s]", n, n == 1 ? "" : "s");
}

/* withhold_value - replace *p (malloc'd) when it holds identifiers */
static void
withhold_value(const struct withhold *w, char **p)
{
	unsigned n = withhold_count(w, *p);

	if (n == 0)
		return;
	free(*p);
	*p = withhold_words(n);
}

/* withhold_path - withhold each '/'-separated component of *p */
static void
withhold_path(const struct withhold *w, char **p)
{
	GString *out;
	char **parts;
	bool changed = false;

	if (*p == NULL || withhold_count(w, *p) == 0)
		return;
	parts = g_strsplit(*p, "/", -1);
	out = g_string_new(NULL);
	for (size_t i = 0; parts[i] != NULL; i++) {
		unsigned n = withhold_count(w, parts[i]);
		char *words = n > 0 ? withhold_words(n) : NULL;

		g_string_append_printf(out, "%s%s", i ? "/" : "",
		    words != NULL ? words : parts[i]);
		changed |= words != NULL;
		free(words);
	}
	g_strfreev(parts);
	free(*p);
	/* identifiers across a '/' (a name split over folders) */
	*p = changed ? xstrdup(out->str) : withhold_words(withhold_count(w,
	    out->str));
	g_string_free(out, TRUE);
}

/* withhold_counter - the configured policy that counts identifiers */
static void
withhold_counter(const struct conf *cf, struct withhold *w)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_slot *s = &cf->slots[i];

		if (s->configured && s->policy->identifiers != NULL) {
			w->policy = s->policy;
			w->settings = s->settings;
			return;
		}
	}
}

/* engine_withhold - withhold identifiers in reasons, names and paths */
void
engine_withhold(const struct conf *cf, const struct msg *m,
    struct analysis *an, struct verdict *v, time_t now)
{
	struct withhold w = { .now = now };
	char *subject;

	withhold_counter(cf, &w);
	if (w.policy == NULL)
		return;
	subject = msg_subject(m);
	v->subject_identifiers = withhold_count(&w, subject);
	g_free(subject);
	for (size_t i = 0; i < v->nreports; i++)
		withhold_value(&w, &v->reports[i].reason);
	for (size_t i = 0; an != NULL && i < an->count; i++) {
		struct attachment *a = &an->items[i];

		withhold_value(&w, &a->name);
		withhold_value(&w, &a->name_safe);
		withhold_value(&w, &a->other_name);
		withhold_value(&w, &a->other_name_safe);
		withhold_path(&w, &a->path);
	}
}

/* verdict_subject - the Subject as it may be logged or shown */
char *
verdict_subject(const struct msg *m, const struct verdict *v)
{
	char *subject = msg_subject(m), *out;

	if (subject == NULL)
		return NULL;
	if (v->alerts.withhold_subject)
		out = g_strdup(VERDICT_SUBJECT_WITHHELD);
	else if (v->subject_identifiers > 0)
		out = g_strdup_printf("[withheld: %u identifier%s]",
		    v->subject_identifiers,
		    v->subject_identifiers == 1 ? "" : "s");
	else
		return subject;
	g_free(subject);
	return out;
}
