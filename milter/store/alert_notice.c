/*
 * alert_notice - store a verdict's alerts and queue the DSL's email
 *
 * SYNOPSIS
 *	alert_notice_raise(), alert_notice_compose()
 *
 * DESCRIPTION
 *	One alert record per raised alert (alerts_add), each with the
 *	evidence of its category; then the template notify-alert rendered
 *	for each recipient: [school] dsl first, then the alerts' extra
 *	addresses, each once.  The email's variables are built from the
 *	envelope, the roles and the alert items only (category, score,
 *	severity): nothing of the evidence, the Subject or the body is
 *	within reach of this code's output.  The notice's subject line
 *	holds fixed words and the reference.
 *
 * DIAGNOSTICS
 *	-1 with *err when an alert cannot be stored; a notice that cannot
 *	be queued is logged ("REF: alert notice to ADDR not queued: why").
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "config/school.h"
#include "config/school_pick.h"
#include "config/template.h"
#include "store/alert_notice.h"
#include "store/alerts.h"
#include "store/notify.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xalloc.h"

#define ALERT_NOTICE_VARS	14

/* alert_notice_clean - a copy with control characters as spaces */
static char *
alert_notice_clean(const char *s)
{
	char *out = xstrdup(s != NULL ? s : "");

	for (unsigned char *p = (unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* alert_notice_people - "addr (role), addr (role)" of the recipients */
static char *
alert_notice_people(const struct msg *m, const struct verdict *v)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < m->nrcpts; i++)
		g_string_append_printf(s, "%s%s (%s)", i ? ", " : "",
		    m->rcpts[i].addr, v->facts.rcpt_roles != NULL ?
		    role_name(v->facts.rcpt_roles[i]) : "?");
	return g_string_free(s, FALSE);
}

/* alert_notice_entry - the store record of one alert (strings borrowed
 * from v and m, except recipients and matches, which the caller frees) */
static void
alert_notice_entry(const struct msg *m, const struct verdict *v,
    const struct verdict_alert *a, time_t now, struct alert_entry *e)
{
	memset(e, 0, sizeof(*e));
	e->ref = (char *)v->ref;
	e->time = now;
	e->policy = (char *)a->policy;
	e->category = a->category;
	e->score = a->score;
	e->severity = a->severity;
	e->held = v->action == ACTION_QUARANTINE;
	e->direction = (char *)direction_name(v->facts.direction);
	e->sender = (char *)(m->sender != NULL ? m->sender : "");
	e->sender_role = (char *)role_name(v->facts.sender_role);
	e->recipients = alert_notice_people(m, v);
	for (size_t i = 0; i < v->alerts.nevidence; i++) {
		const struct verdict_evidence *x = &v->alerts.evidence[i];

		if (strcmp(x->category, a->category) != 0)
			continue;
		e->matches = xreallocarray(e->matches, e->nmatches + 1,
		    sizeof(*e->matches));
		e->matches[e->nmatches++] = (struct alert_match){ x->phrase,
		    x->context, x->weight };
	}
}

/* alert_notice_store - one record per raised alert; ids[] filled */
static int
alert_notice_store(const struct conf *cf, const struct msg *m,
    const struct verdict *v, time_t now, int64_t *ids, char **err)
{
	size_t n = 0;

	for (size_t i = 0; i < v->alerts.count; i++) {
		const struct verdict_alert *a = &v->alerts.items[i];
		struct alert_entry e;
		int rc;

		if (a->monitored)
			continue;
		alert_notice_entry(m, v, a, now, &e);
		e.school = (char *)conf_school_name(cf);
		rc = alerts_add(store_of(cf), &e, &ids[n++], err);
		free(e.recipients);
		free(e.matches);
		if (rc < 0)
			return -1;
	}
	return 0;
}

/* alert_notice_outcome - what happened to the message, in words */
static const char *
alert_notice_outcome(const struct verdict *v)
{
	switch (v->action) {
	case ACTION_QUARANTINE:
		return "held for your review (not delivered)";
	case ACTION_REJECT:
		return "refused (not delivered)";
	default:
		return "delivered, marked with X-AUP-Flag";
	}
}

/* alert_notice_list - "self-harm (high, score 45, alert 12); ..." and
 * where to open them */
static void
alert_notice_list(const struct verdict *v, const int64_t *ids,
    char **list, char **open)
{
	GString *l = g_string_new(NULL), *o = g_string_new(NULL);
	size_t n = 0;

	for (size_t i = 0; i < v->alerts.count; i++) {
		const struct verdict_alert *a = &v->alerts.items[i];

		if (a->monitored)
			continue;
		g_string_append_printf(l, "%s%s (%s, score %ld, alert %lld)",
		    n ? "; " : "", a->category, a->severity, a->score,
		    (long long)ids[n]);
		g_string_append_printf(o, "%s%lld", n ? " " : "",
		    (long long)ids[n]);
		n++;
	}
	*list = g_string_free(l, FALSE);
	*open = xasprintf("Open the alerts in the DSL console (Alerts), or "
	    "on the mail server run: aupctl alerts show %s", o->str);
	g_string_free(o, TRUE);
}

/*
 * alert_notice_link - "Open it in the console: BASE/alerts/ID ..." for
 * each alert raised when [console] base_url is set, else "".  IDs are
 * the store's numbers, never a value from the message.
 */
static char *
alert_notice_link(const struct conf *cf, const struct verdict *v,
    const int64_t *ids)
{
	const char *base = cf->console.base_url;
	size_t len = base != NULL ? strlen(base) : 0;
	GString *s;
	size_t n = 0;

	while (len > 0 && base[len - 1] == '/')
		len--;
	if (len == 0)
		return xstrdup("");
	s = g_string_new("Open it in the console:");
	for (size_t i = 0; i < v->alerts.count; i++) {
		if (v->alerts.items[i].monitored)
			continue;
		g_string_append_printf(s, " %.*s/alerts/%lld", (int)len, base,
		    (long long)ids[n++]);
	}
	return g_string_free(s, FALSE);
}

/* alert_notice_compose - one email */
int
alert_notice_compose(const struct conf *cf, const struct msg *m,
    const struct verdict *v, const int64_t *ids, time_t now, const char *to,
    struct notice *out)
{
	static const char *const names[ALERT_NOTICE_VARS] = { "ref", "time",
	    "direction", "sender", "sender_role", "recipients", "alerts",
	    "outcome", "open", "school", "dsl", "office", "policy_url",
	    "console_link" };
	char *values[ALERT_NOTICE_VARS], when[32], *list, *open, **lines;
	struct template_var vars[ALERT_NOTICE_VARS];
	struct tm tm;
	GString *body;

	memset(out, 0, sizeof(*out));
	localtime_r(&now, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M", &tm);
	alert_notice_list(v, ids, &list, &open);
	values[0] = alert_notice_clean(v->ref);
	values[1] = xstrdup(when);
	values[2] = xstrdup(direction_name(v->facts.direction));
	values[3] = alert_notice_clean(m->sender != NULL && *m->sender ?
	    m->sender : "<>");
	values[4] = xstrdup(role_name(v->facts.sender_role));
	values[5] = alert_notice_people(m, v);
	values[6] = list;
	values[7] = xstrdup(alert_notice_outcome(v));
	values[8] = open;
	values[9] = alert_notice_clean(cf->school.name ? cf->school.name :
	    "the school");
	values[10] = alert_notice_clean(cf->school.dsl);
	values[11] = alert_notice_clean(school_office_address(&cf->view));
	values[12] = alert_notice_clean(cf->school.policy_url);
	values[13] = alert_notice_link(cf, v, ids);
	for (size_t i = 0; i < ALERT_NOTICE_VARS; i++)
		vars[i] = (struct template_var){ names[i], values[i] };
	lines = template_render(cf->templates, "notify-alert", vars,
	    ALERT_NOTICE_VARS);
	for (size_t i = 0; i < ALERT_NOTICE_VARS; i++)
		free(values[i]);
	if (lines == NULL)
		return -1;
	body = g_string_new(NULL);
	for (size_t i = 0; lines[i] != NULL; i++)
		g_string_append_printf(body, "%s\n", strcmp(lines[i], " ") ==
		    0 ? "" : lines[i]);
	template_lines_free(lines);
	out->kind = "alert";
	out->school = conf_school_name(cf);
	out->ref = xstrdup(v->ref);
	out->to = xstrdup(to);
	out->subject = xasprintf("Safeguarding alert (ref %s)", v->ref);
	out->body = g_string_free(body, FALSE);
	return 0;
}

/* alert_notice_recipients - the DSL, then each extra address, once */
static char **
alert_notice_recipients(const struct conf *cf, const struct verdict *v)
{
	GPtrArray *to = g_ptr_array_new();

	if (cf->school.dsl != NULL && *cf->school.dsl != '\0')
		g_ptr_array_add(to, g_strdup(cf->school.dsl));
	for (size_t i = 0; i < v->alerts.count; i++) {
		gchar **extra;

		if (v->alerts.items[i].monitored ||
		    v->alerts.items[i].notify == NULL)
			continue;
		extra = g_strsplit(v->alerts.items[i].notify, ", ", -1);
		for (size_t j = 0; extra[j] != NULL; j++) {
			bool seen = false;

			for (guint k = 0; k < to->len; k++)
				seen |= g_ascii_strcasecmp(to->pdata[k],
				    extra[j]) == 0;
			if (!seen && *extra[j] != '\0')
				g_ptr_array_add(to, g_strdup(extra[j]));
		}
		g_strfreev(extra);
	}
	g_ptr_array_add(to, NULL);
	return (char **)g_ptr_array_free(to, FALSE);
}

/* alert_notice_send - queue the email to every recipient */
static void
alert_notice_send(const struct conf *cf, const struct msg *m,
    const struct verdict *v, const int64_t *ids, time_t now)
{
	char **to = alert_notice_recipients(cf, v);

	for (size_t i = 0; to[i] != NULL; i++) {
		struct notice n;
		char *err = NULL;

		if (alert_notice_compose(cf, m, v, ids, now, to[i], &n) < 0)
			err = xstrdup("the template notify-alert is missing");
		else if (notices_enqueue(store_of(cf), &n, now,
		    &err) < 0 && err == NULL)
			err = xstrdup("the notice queue refused it");
		if (err != NULL)
			log_warnx("%s: alert notice to %s not queued: %s",
			    v->ref, to[i], err);
		notify_notice_clear(&n);
		free(err);
	}
	g_strfreev(to);
}

/* alert_notice_raise - records first, then the email */
int
alert_notice_raise(const struct conf *cf, const struct msg *m,
    const struct verdict *v, time_t now, char **err)
{
	size_t raised = verdict_alert_raised(&v->alerts);
	int64_t *ids;

	if (raised == 0 || v->action == ACTION_TEMPFAIL)
		return 0;
	ids = xcalloc(raised, sizeof(*ids));
	if (alert_notice_store(cf, m, v, now, ids, err) < 0) {
		free(ids);
		return -1;
	}
	alert_notice_send(cf, m, v, ids, now);
	free(ids);
	return 0;
}
