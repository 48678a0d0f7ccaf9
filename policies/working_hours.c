/*
 * working_hours - parent and pupil mail waits for the working day
 * (SPEC 2.8)
 *
 * SYNOPSIS
 *	policy_working_hours
 *
 * DESCRIPTION
 *	Staff code: do not "communicate with parents and pupils outside
 *	normal working hours unless absolutely necessary".  Outbound mail
 *	from staff or the office with any envelope recipient whose role is
 *	parent, personal or pupil, judged outside `hours` or on a closed
 *	day (closed-days.csv), gets `action`: `defer` (the default; the
 *	message is stored and delivered at the next opening time, which
 *	the outcome carries as deliver_at) or `flag`.  Internal mail to
 *	pupils counts; mail among staff, or to other organisations, does
 *	not.
 *
 *	A Subject that begins with `urgent_tag` (after white space, any
 *	case, on the decoded Subject) passes at once and is tagged
 *	"urgent" in the event log, so the reports count the override;
 *	with `strip_urgent_tag` the tag is taken out of the Subject.
 *
 *	A deferred message comes back at its due time with a release mark
 *	(store/deferred.c) that lifts this policy only; the engine passes
 *	it here and every other policy judges it again.
 *
 *	Until a school sets its `hours`, the policy does nothing: hours
 *	are the school's to state, and an upgrade must not start holding
 *	evening mail on a guess.
 *
 *	Time zone: `timezone` names a zone of the system tz database,
 *	loaded once per configuration as a GTimeZone (hours.c says why).
 *
 * CONFIGURATION
 *	[working-hours] action (defer | flag | off), mode, hours,
 *	timezone, closed_days, urgent_tag, strip_urgent_tag.
 *
 * DIAGNOSTICS
 *	Reasons name the rule and the opening time, never an address.
 *	configure() reports a bad `hours` value or an unknown zone at the
 *	configuration file, and bad closed-days.csv rows at file:line.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "policies/policy.h"
#include "policies/working_hours/hours.h"
#include "util/xalloc.h"

struct working_hours_settings {
	struct policy_common common;
	char	*hours;
	char	*timezone;
	char	*closed_days;
	char	*urgent_tag;
	bool	 strip_urgent_tag;
	/* built by configure() */
	struct hours_week week;
	GTimeZone *tz;
	struct hours_closed_days *closed;
};

static const char *const working_hours_actions[] = { "defer", "flag",
    "off", NULL };

#define S(f) offsetof(struct working_hours_settings, f)
static const struct conf_param working_hours_params[] = {
	{ "hours", CONF_STRING, NULL, S(hours), 0, 0, NULL,
	    "opening hours, e.g. Mon-Fri 07:30-18:00 (DAY[-DAY] HH:MM-HH:MM "
	    "items, comma-separated); unset: the policy does nothing" },
	{ "timezone", CONF_STRING, "Europe/London", S(timezone), 0, 0, NULL,
	    "the school's time zone (tz database name)" },
	{ "closed_days", CONF_PATH, NULL, S(closed_days), 0, 0, NULL,
	    "closed-days.csv: holidays, bank holidays, training days" },
	{ "urgent_tag", CONF_STRING, "[URGENT]", S(urgent_tag), 0, 0, NULL,
	    "a Subject starting with this is sent at once (and logged)" },
	{ "strip_urgent_tag", CONF_BOOL, "no", S(strip_urgent_tag), 0, 0,
	    NULL, "take the urgent tag out of the Subject" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};
#undef S

/* the sender's notice (store/deferred_hold.c) fills these */
static const char *const working_hours_vars[] = { "deliver_at",
    "recipients", "subject", NULL };

/* working_hours_configure - parse hours, zone and closed days */
static int
working_hours_configure(void *settings, const struct school *sc,
    struct errbuf *eb)
{
	struct working_hours_settings *s = settings;
	size_t before = eb->nerrors;
	char *err = NULL;

	if (s->hours != NULL && hours_week_parse(s->hours, &s->week,
	    &err) < 0) {
		errbuf_add(eb, sc->config_path, 0, "[working-hours] hours: %s",
		    err);
		free(err);
	}
	if (s->timezone == NULL ||
	    (s->tz = g_time_zone_new_identifier(s->timezone)) == NULL)
		errbuf_add(eb, sc->config_path, 0, "[working-hours] timezone: "
		    "\"%s\" is not a time zone of the tz database (e.g. "
		    "Europe/London)", s->timezone ? s->timezone : "");
	if (s->closed_days != NULL)
		s->closed = hours_closed_load(s->closed_days, eb);
	if (s->urgent_tag != NULL && s->urgent_tag[0] == '\0') {
		free(s->urgent_tag);
		s->urgent_tag = NULL;
	}
	if (eb->nerrors > before) {
		if (s->tz != NULL)
			g_time_zone_unref(s->tz);
		s->tz = NULL;
		s->closed = hours_closed_free(s->closed);
		return -1;
	}
	return 0;
}

/* working_hours_unconfigure - free the zone and the closed days */
static void
working_hours_unconfigure(void *settings)
{
	struct working_hours_settings *s = settings;

	if (s->tz != NULL)
		g_time_zone_unref(s->tz);
	s->tz = NULL;
	s->closed = hours_closed_free(s->closed);
}

/* working_hours_time_zone - the zone `aupctl test --at` reads times in */
static const char *
working_hours_time_zone(const void *settings)
{
	const struct working_hours_settings *s = settings;

	return s->timezone;
}

/* working_hours_applies - staff or office writing to families or pupils? */
static bool
working_hours_applies(const struct policy_ctx *ctx)
{
	const struct msg_facts *f = ctx->facts;

	if (f->direction != DIRECTION_OUTBOUND ||
	    (f->sender_role != ROLE_STAFF && f->sender_role != ROLE_OFFICE))
		return false;
	for (size_t i = 0; i < ctx->msg->nrcpts; i++)
		if (f->rcpt_roles[i] == ROLE_PARENT ||
		    f->rcpt_roles[i] == ROLE_PERSONAL ||
		    f->rcpt_roles[i] == ROLE_PUPIL)
			return true;
	return false;
}

/* working_hours_urgent - does the Subject start with the tag?  *rest
 * gets what follows it (g_free) */
static bool
working_hours_urgent(const struct working_hours_settings *s,
    const struct msg *m, char **rest)
{
	char *subject, *p;
	size_t n;
	bool hit;

	*rest = NULL;
	if (s->urgent_tag == NULL || (subject = msg_subject(m)) == NULL)
		return false;
	p = subject + strspn(subject, " \t");
	n = strlen(s->urgent_tag);
	hit = g_ascii_strncasecmp(p, s->urgent_tag, n) == 0;
	if (hit)
		*rest = g_strdup(g_strchug(p + n));
	g_free(subject);
	return hit;
}

/* working_hours_strip - replace the Subject with the tag taken out */
static void
working_hours_strip(struct policy_outcome *out, const char *rest)
{
	char *value = g_mime_utils_header_encode_text(NULL, rest, "utf-8");

	/* encode_text folds nothing and leaves ASCII as it is */
	header_edits_push(&out->edits, HEADER_CHANGE, "Subject", 1,
	    value != NULL ? g_strchug(value) : rest);
	g_free(value);
}

/* working_hours_defer - outside hours: defer (or flag) until `next` */
static void
working_hours_defer(const struct working_hours_settings *s,
    struct policy_outcome *out, time_t next)
{
	GDateTime *utc = g_date_time_new_from_unix_utc((gint64)next);
	GDateTime *local = g_date_time_to_timezone(utc, s->tz);
	char *iso = g_date_time_format(local, "%Y-%m-%dT%H:%M:%S%:z");
	char *text = g_date_time_format(local, "%H:%M on %A %-d %B %Y");

	policy_outcome_set(out, s->common.action == RESULT_FLAG ?
	    RESULT_FLAG : RESULT_DEFER, "outside working hours (%s): %s at "
	    "%s", s->hours, s->common.action == RESULT_FLAG ? "the school "
	    "opens" : "to be delivered", text);
	policy_outcome_var(out, "deliver_at", "%s", text);
	if (out->result == RESULT_DEFER) {
		out->deliver_at = next;
		out->deliver_iso = xstrdup(iso);
		out->deliver_text = xstrdup(text);
	}
	g_free(iso);
	g_free(text);
	g_date_time_unref(local);
	g_date_time_unref(utc);
}

/* working_hours_evaluate - judge one message */
static int
working_hours_evaluate(const struct policy_ctx *ctx,
    struct policy_outcome *out)
{
	const struct working_hours_settings *s = ctx->settings;
	char *rest = NULL;
	time_t next;

	if (s->hours == NULL || !working_hours_applies(ctx))
		return 0;
	if (working_hours_urgent(s, ctx->msg, &rest)) {
		policy_outcome_set(out, RESULT_PASS, "urgent: the Subject "
		    "starts with %s, sent at once", s->urgent_tag);
		out->tag = "urgent";
		if (s->strip_urgent_tag)
			working_hours_strip(out, rest);
		g_free(rest);
		return 0;
	}
	if (hours_next_open(&s->week, s->closed, s->tz, ctx->now, &next))
		return 0;
	if (next == 0) {
		policy_outcome_set(out, RESULT_PASS, "no opening time within "
		    "%d days (hours and closed_days)", HOURS_LOOKAHEAD_DAYS);
		return -1;
	}
	working_hours_defer(s, out, next);
	return 0;
}

const struct policy policy_working_hours = {
	.name = "working-hours",
	.summary = "mail to parents and pupils waits for the working day",
	.params = working_hours_params,
	.settings_size = sizeof(struct working_hours_settings),
	.default_action = RESULT_DEFER,
	.actions = working_hours_actions,
	.liftable = false,
	.needs_analysis = false,
	.template_vars = working_hours_vars,
	.configure = working_hours_configure,
	.unconfigure = working_hours_unconfigure,
	.reads_text = policy_reads_no_text,
	.evaluate = working_hours_evaluate,
	.time_zone = working_hours_time_zone,
};
