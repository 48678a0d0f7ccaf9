/*
 * notify - compose the notices about held messages
 *
 * SYNOPSIS
 *	notify_held(), notify_compose(), notify_compose_digest(),
 *	notify_notice_clear(), notify_list_clear()
 *
 * DESCRIPTION
 *	A notice is a subject and a plain-text body (the rendered
 *	template); notices_mime.c gives it its headers when it is sent.
 *	The subject holds only fixed words and the reference code;
 *	message data (sender, subject, reason) appears only in the body,
 *	with control characters removed.
 *
 *	Notices come back through the milter like any submitted mail.
 *	They carry no attachment and come from a school address on the
 *	local machine, so every shipped policy passes them (a test checks
 *	it); X-AUP-Notification is a label for people and filters, not a
 *	bypass, since anyone could write it.
 *
 * CONFIGURATION
 *	[milter] notify, notify_sender, notify_recipients; [school] name,
 *	dsl, office, policy_url.
 *
 * DIAGNOSTICS
 *	notify_held() logs "REF: no notice for ADDR: no template"; a
 *	notice that cannot be made never affects the held message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "config/school_pick.h"
#include "util/log.h"
#include "store/actions.h"
#include "store/notify.h"
#include "config/template.h"
#include "util/xalloc.h"

#define NOTIFY_MAX_LISTED	10	/* recipients named in a notice */
#define NOTIFY_MAX_RCPT_NOTICES	20	/* inbound recipients told */
#define NOTIFY_LIST_MARK	"@@AUP-DIGEST-LIST@@"

#define NOTIFY_VARS	14

/* notify_clean - a copy with control characters as spaces ("" for NULL) */
static char *
notify_clean(const char *s)
{
	char *out = xstrdup(s != NULL ? s : "");

	for (unsigned char *p = (unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* notify_rcpt_text - at most NOTIFY_MAX_LISTED of ", "-joined addresses */
static char *
notify_rcpt_text(const char *joined)
{
	gchar **v = g_strsplit(joined != NULL ? joined : "", ", ", -1);
	guint n = g_strv_length(v);
	GString *s = g_string_new(NULL);

	for (guint i = 0; i < n && i < NOTIFY_MAX_LISTED; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", v[i]);
	if (n > NOTIFY_MAX_LISTED)
		g_string_append_printf(s, " and %u more",
		    n - NOTIFY_MAX_LISTED);
	g_strfreev(v);
	return g_string_free(s, FALSE);
}

/* notify_time - local "YYYY-MM-DD HH:MM" into buf[32] */
static void
notify_time(time_t t, char buf[32])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/*
 * notify_console_link - "Review it in the console: BASE/held/REF" (or
 * the Held list for the digest) when [console] base_url is set, else
 * "".  REF is the milter's own code, never a value from the message.
 */
static char *
notify_console_link(const struct conf *cf, const char *ref)
{
	const char *base = cf->console.base_url;
	size_t n = base != NULL ? strlen(base) : 0;

	while (n > 0 && base[n - 1] == '/')
		n--;
	if (n == 0)
		return xstrdup("");
	if (ref != NULL && actions_valid_ref(ref))
		return xasprintf("Review it in the console: %.*s/held/%s",
		    (int)n, base, ref);
	return xasprintf("Review them in the console: %.*s/held", (int)n,
	    base);
}

/* notify_vars - the template variables of an entry (values are new) */
static void
notify_vars(const struct conf *cf, const struct qindex_entry *e,
    struct template_var v[NOTIFY_VARS])
{
	char when[32];
	char *rcpts = notify_rcpt_text(e->recipients);
	const char *names[NOTIFY_VARS] = { "ref", "time", "direction",
	    "sender", "recipients", "subject", "policy", "reason", "size",
	    "school", "dsl", "office", "policy_url", "console_link" };
	char *values[NOTIFY_VARS];

	notify_time(e->time, when);
	values[0] = notify_clean(e->ref);
	values[1] = xstrdup(when);
	values[2] = notify_clean(e->direction);
	values[3] = notify_clean(e->sender != NULL && e->sender[0] != '\0' ?
	    e->sender : "<>");
	values[4] = notify_clean(rcpts);
	values[5] = notify_clean(e->subject != NULL ? e->subject :
	    "(no subject)");
	values[6] = notify_clean(e->policy);
	values[7] = notify_clean(e->reason);
	values[8] = xasprintf("%lld bytes", (long long)e->size);
	values[9] = notify_clean(cf->school.name ? cf->school.name :
	    "the school");
	values[10] = notify_clean(cf->school.dsl);
	values[11] = notify_clean(school_office_address(&cf->view));
	values[12] = notify_clean(cf->school.policy_url);
	values[13] = notify_console_link(cf, e->ref);
	for (size_t i = 0; i < NOTIFY_VARS; i++) {
		v[i].name = names[i];
		v[i].value = values[i];
	}
	free(rcpts);
}

/* notify_vars_free - free the values notify_vars() made */
static void
notify_vars_free(struct template_var v[NOTIFY_VARS])
{
	for (size_t i = 0; i < NOTIFY_VARS; i++)
		free((char *)v[i].value);
}

/* notify_append_lines - rendered lines as the body */
static void
notify_append_lines(GString *s, char **lines)
{
	for (size_t i = 0; lines[i] != NULL; i++)
		g_string_append_printf(s, "%s\n", strcmp(lines[i], " ") == 0 ?
		    "" : lines[i]);
}

/* notify_compose - one notice */
int
notify_compose(const struct conf *cf, enum notify_kind kind,
    const struct qindex_entry *e, const char *to, struct notice *out)
{
	static const char *const tmpl[] = { "notify-dsl", "notify-sender",
	    "notify-recipient" };
	static const char *const subj[] = { "Message held for your review",
	    "Your message has been held for review",
	    "A message to you has been held for review" };
	struct template_var v[NOTIFY_VARS];
	char *text, *ref = notify_clean(e->ref);

	memset(out, 0, sizeof(*out));
	notify_vars(cf, e, v);
	/* A notice is UTF-8 MIME (notices_mime.c): the school's wording,
	 * curly quotes and accented names stay as written. */
	text = template_render_text(cf->templates, tmpl[kind], v,
	    NOTIFY_VARS);
	notify_vars_free(v);
	if (text == NULL) {
		free(ref);
		return -1;
	}
	out->kind = "held";
	out->school = conf_school_name(cf);
	out->ref = xstrdup(e->ref);
	out->to = xstrdup(to);
	out->subject = xasprintf("%s (ref %s)", subj[kind], ref);
	out->body = text;
	free(ref);
	return 0;
}

/* notify_line - UTF-8 text on one line, at most `max` bytes (whole characters) */
static void
notify_line(GString *s, const char *text, size_t max)
{
	gchar *valid = g_utf8_make_valid(text, -1);
	char *clean = notify_clean(valid);
	size_t n = strlen(clean);

	if (n > max) {
		const char *end = g_utf8_find_prev_char(clean, clean + max + 1);

		n = end != NULL ? (size_t)(end - clean) : 0;
	}
	g_string_append_len(s, clean, (gssize)n);
	free(clean);
	g_free(valid);
}

/* notify_digest_line - one held message in the digest */
static void
notify_digest_line(GString *s, const struct qindex_entry *e)
{
	char when[32], *line;

	notify_time(e->time, when);
	line = xasprintf("%s  %s  %s from %s: %s (%s)", e->ref, when,
	    e->direction ? e->direction : "?", e->sender && e->sender[0] ?
	    e->sender : "<>", e->subject ? e->subject : "(no subject)",
	    e->reason ? e->reason : "");
	g_string_append(s, "  ");
	notify_line(s, line, 200);
	g_string_append_c(s, '\n');
	free(line);
}

/* notify_compose_digest - the digest notice */
int
notify_compose_digest(const struct conf *cf, const struct qindex_entry *e,
    long n, struct notice *out)
{
	struct qindex_entry none = { .ref = (char *)"digest", .time = 0 };
	struct template_var v[NOTIFY_VARS + 2];
	char count[32], **lines;
	GString *s;

	memset(out, 0, sizeof(*out));
	notify_vars(cf, &none, v);
	snprintf(count, sizeof(count), "%ld", n);
	v[NOTIFY_VARS] = (struct template_var){ "count", count };
	v[NOTIFY_VARS + 1] = (struct template_var){ "list", NOTIFY_LIST_MARK };
	lines = template_render(cf->templates, "notify-digest", v,
	    NOTIFY_VARS + 2);
	notify_vars_free(v);
	if (lines == NULL)
		return -1;
	s = g_string_new(NULL);
	for (size_t i = 0; lines[i] != NULL; i++) {
		if (strcmp(lines[i], NOTIFY_LIST_MARK) != 0) {
			notify_append_lines(s, (char *[]){ lines[i], NULL });
			continue;
		}
		for (long j = 0; j < n; j++)
			notify_digest_line(s, &e[j]);
	}
	template_lines_free(lines);
	out->kind = "digest";
	out->school = conf_school_name(cf);
	out->ref = NULL;
	out->to = xstrdup(cf->school.dsl);
	out->subject = xasprintf("Held messages for your review: %ld", n);
	out->body = g_string_free(s, FALSE);
	return 0;
}

/* notify_notice_clear - free a composed notice */
void
notify_notice_clear(struct notice *n)
{
	free((char *)n->ref);
	free((char *)n->to);
	free((char *)n->subject);
	free((char *)n->body);
	memset(n, 0, sizeof(*n));
}

/* notify_list_clear - free a list of notices */
void
notify_list_clear(struct notify_list *l)
{
	for (size_t i = 0; i < l->count; i++)
		notify_notice_clear(&l->items[i]);
	free(l->items);
	memset(l, 0, sizeof(*l));
}

/* notify_one - compose one notice into the list; false if it could not */
static bool
notify_one(const struct conf *cf, enum notify_kind kind,
    const struct qindex_entry *e, const char *to, struct notify_list *l)
{
	struct notice n;

	if (notify_compose(cf, kind, e, to, &n) < 0) {
		log_warnx("%s: no notice for %s: no template", e->ref, to);
		return false;
	}
	l->items = xreallocarray(l->items, l->count + 1, sizeof(*l->items));
	l->items[l->count++] = n;
	return true;
}

/* notify_recipients - school recipients of an inbound message */
static void
notify_recipients(const struct conf *cf, const struct qindex_entry *e,
    struct notify_list *l)
{
	gchar **v = g_strsplit(e->recipients ? e->recipients : "", ", ", -1);
	int told = 0;

	for (size_t i = 0; v[i] != NULL && told < NOTIFY_MAX_RCPT_NOTICES;
	    i++) {
		if (v[i][0] == '\0' || !school_has_domain(&cf->view, v[i]))
			continue;
		(void)notify_one(cf, NOTIFY_TO_RECIPIENT, e, v[i], l);
		told++;
	}
	g_strfreev(v);
}

/* notify_held - all notices for one held message */
void
notify_held(const struct conf *cf, const struct qindex_entry *e,
    struct notify_list *out)
{
	bool outbound = e->direction != NULL &&
	    strcmp(e->direction, "outbound") == 0;

	memset(out, 0, sizeof(*out));
	if (cf->milter.notify == NOTIFY_OFF)
		return;
	if (cf->milter.notify == NOTIFY_EACH && cf->school.dsl != NULL)
		out->dsl_told = notify_one(cf, NOTIFY_TO_DSL, e,
		    cf->school.dsl, out);
	if (outbound && cf->milter.notify_sender && e->sender != NULL &&
	    e->sender[0] != '\0' && school_has_domain(&cf->view, e->sender))
		(void)notify_one(cf, NOTIFY_TO_SENDER, e, e->sender, out);
	if (!outbound && cf->milter.notify_recipients)
		notify_recipients(cf, e, out);
}
