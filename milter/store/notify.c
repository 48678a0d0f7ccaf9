/*
 * notify - compose and send notices about held messages
 *
 * SYNOPSIS
 *	notify_quarantine(), notify_compose(), notify_compose_digest(),
 *	notify_from(), notify_send()
 *
 * DESCRIPTION
 *	A notice is plain ASCII text (the templates render non-ASCII as
 *	'?') with fixed headers: From the notify_from address (default
 *	the DSL), To one address, a Subject holding only fixed words and
 *	the reference code, Auto-Submitted: auto-generated (RFC 3834, so
 *	auto-responders stay quiet) and X-AUP-Notification.  Message data
 *	(sender, subject, reason) appears only in the body, with control
 *	characters removed, so nothing a sender writes can add a header.
 *	Addresses given to sendmail(1) are checked by
 *	sendmail_address_ok().
 *
 *	Notices come back through the milter like any submitted mail.
 *	They carry no attachment and come from a school address on the
 *	local machine, so every shipped policy passes them (a test checks
 *	it); X-AUP-Notification is a label for people and filters, not a
 *	bypass, since anyone could write it.
 *
 * CONFIGURATION
 *	[milter] notify, notify_sender, notify_recipients, notify_from,
 *	sendmail_path; [school] name, dsl, office, policy_url.
 *
 * DIAGNOSTICS
 *	notify_quarantine() logs "REF: cannot notify ADDR: why" and counts
 *	the failure; a notice that cannot be sent never affects the held
 *	message, which is already stored.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>

#include "util/addr.h"
#include "util/log.h"
#include "store/notify.h"
#include "store/sendmail.h"
#include "config/template.h"
#include "util/xalloc.h"

#define NOTIFY_MAX_LISTED	10	/* recipients named in a notice */
#define NOTIFY_MAX_RCPT_NOTICES	20	/* inbound recipients told */
#define NOTIFY_LIST_MARK	"@@AUP-DIGEST-LIST@@"

#define NOTIFY_VARS	13

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

/* notify_from - sender of notices */
const char *
notify_from(const struct conf *cf)
{
	if (cf->milter.notify_from != NULL)
		return cf->milter.notify_from;
	if (cf->school.dsl != NULL)
		return cf->school.dsl;
	return school_office_address(&cf->view);
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

/* notify_vars - the template variables of an entry (values are new) */
static void
notify_vars(const struct conf *cf, const struct qindex_entry *e,
    struct template_var v[NOTIFY_VARS])
{
	char when[32];
	char *rcpts = notify_rcpt_text(e->recipients);
	const char *names[NOTIFY_VARS] = { "ref", "time", "direction",
	    "sender", "recipients", "subject", "policy", "reason", "size",
	    "school", "dsl", "office", "policy_url" };
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

/* notify_headers - the fixed header block of a notice */
static void
notify_headers(GString *s, const struct conf *cf, const char *to,
    const char *subject, const char *ref)
{
	char date[64], *school = notify_clean(cf->school.name ?
	    cf->school.name : "School");
	time_t now = time(NULL);
	struct tm tm;

	localtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S %z", &tm);
	g_strdelimit(school, "\"\\", ' ');
	g_string_append_printf(s, "From: \"%s email filter\" <%s>\n"
	    "To: <%s>\nSubject: %s\nDate: %s\n"
	    "Message-ID: <aup-notify.%s.%lld.%08x@%s>\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: text/plain; charset=us-ascii\n"
	    "Content-Transfer-Encoding: 7bit\n"
	    "Auto-Submitted: auto-generated\n"
	    "X-AUP-Notification: quarantine; ref=%s\n\n", school,
	    notify_from(cf), to, subject, date, ref, (long long)now,
	    g_random_int(), addr_domain(notify_from(cf)), ref);
	free(school);
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
char *
notify_compose(const struct conf *cf, enum notify_kind kind,
    const struct qindex_entry *e, const char *to)
{
	static const char *const tmpl[] = { "notify-dsl", "notify-sender",
	    "notify-recipient" };
	static const char *const subj[] = { "Message held for your review",
	    "Your message has been held for review",
	    "A message to you has been held for review" };
	struct template_var v[NOTIFY_VARS];
	char **lines, *subject, *ref = notify_clean(e->ref);
	GString *s;

	notify_vars(cf, e, v);
	lines = template_render(cf->templates, tmpl[kind], v, NOTIFY_VARS);
	notify_vars_free(v);
	if (lines == NULL) {
		free(ref);
		return NULL;
	}
	s = g_string_new(NULL);
	subject = xasprintf("%s (ref %s)", subj[kind], ref);
	notify_headers(s, cf, to, subject, ref);
	notify_append_lines(s, lines);
	template_lines_free(lines);
	free(subject);
	free(ref);
	return g_string_free(s, FALSE);
}

/* notify_ascii - fold a line to printable ASCII, at most `max` bytes */
static void
notify_ascii(GString *s, const char *text, size_t max)
{
	size_t n = 0;

	for (const unsigned char *p = (const unsigned char *)text;
	    *p != '\0' && n < max; p++, n++)
		g_string_append_c(s, *p >= 0x20 && *p < 0x7f ? (char)*p : '?');
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
	notify_ascii(s, line, 200);
	g_string_append_c(s, '\n');
	free(line);
}

/* notify_compose_digest - the digest notice */
char *
notify_compose_digest(const struct conf *cf, const struct qindex_entry *e,
    long n)
{
	struct qindex_entry none = { .ref = (char *)"digest", .time = 0 };
	struct template_var v[NOTIFY_VARS + 2];
	char count[32], **lines, *subject;
	GString *s;

	notify_vars(cf, &none, v);
	snprintf(count, sizeof(count), "%ld", n);
	v[NOTIFY_VARS] = (struct template_var){ "count", count };
	v[NOTIFY_VARS + 1] = (struct template_var){ "list", NOTIFY_LIST_MARK };
	lines = template_render(cf->templates, "notify-digest", v,
	    NOTIFY_VARS + 2);
	notify_vars_free(v);
	if (lines == NULL)
		return NULL;
	s = g_string_new(NULL);
	subject = xasprintf("Held messages for your review: %ld", n);
	notify_headers(s, cf, cf->school.dsl, subject, "digest");
	for (size_t i = 0; lines[i] != NULL; i++) {
		if (strcmp(lines[i], NOTIFY_LIST_MARK) != 0) {
			notify_append_lines(s, (char *[]){ lines[i], NULL });
			continue;
		}
		for (long j = 0; j < n; j++)
			notify_digest_line(s, &e[j]);
	}
	template_lines_free(lines);
	free(subject);
	return g_string_free(s, FALSE);
}

/* notify_send - one notice through sendmail(1) */
int
notify_send(const struct conf *cf, const char *to, const char *text,
    char **err)
{
	const char *rcpt[1] = { to };

	if (!sendmail_address_ok(to) || to[0] == '\0' ||
	    !sendmail_address_ok(notify_from(cf))) {
		*err = xstrdup("not a usable address");
		return -1;
	}
	return sendmail_run(cf->milter.sendmail_path, notify_from(cf), rcpt,
	    1, text, strlen(text), err);
}

/* notify_one - compose and send one notice; 0 or 1 (failed) */
static int
notify_one(const struct conf *cf, enum notify_kind kind,
    const struct qindex_entry *e, const char *to)
{
	char *text = notify_compose(cf, kind, e, to), *err = NULL;
	int failed = 0;

	if (text == NULL)
		err = xstrdup("no notice template");
	if (text == NULL || notify_send(cf, to, text, &err) < 0) {
		log_warnx("%s: cannot notify %s: %s", e->ref, to, err);
		failed = 1;
	}
	free(err);
	free(text);
	return failed;
}

/* notify_recipients - school recipients of an inbound message */
static int
notify_recipients(const struct conf *cf, const struct qindex_entry *e)
{
	gchar **v = g_strsplit(e->recipients ? e->recipients : "", ", ", -1);
	int failed = 0, told = 0;

	for (size_t i = 0; v[i] != NULL && told < NOTIFY_MAX_RCPT_NOTICES;
	    i++) {
		if (v[i][0] == '\0' || !school_has_domain(&cf->view, v[i]))
			continue;
		failed += notify_one(cf, NOTIFY_TO_RECIPIENT, e, v[i]);
		told++;
	}
	g_strfreev(v);
	return failed;
}

/* notify_quarantine - all notices for one held message */
int
notify_quarantine(const struct conf *cf, const struct qindex_entry *e,
    int *dsl_told)
{
	bool outbound = e->direction != NULL &&
	    strcmp(e->direction, "outbound") == 0;
	int failed = 0, f;

	*dsl_told = 0;
	if (cf->milter.notify == NOTIFY_OFF)
		return 0;
	if (cf->milter.notify == NOTIFY_EACH && cf->school.dsl != NULL) {
		f = notify_one(cf, NOTIFY_TO_DSL, e, cf->school.dsl);
		*dsl_told = f == 0;
		failed += f;
	}
	if (outbound && cf->milter.notify_sender && e->sender != NULL &&
	    e->sender[0] != '\0' && school_has_domain(&cf->view, e->sender))
		failed += notify_one(cf, NOTIFY_TO_SENDER, e, e->sender);
	if (!outbound && cf->milter.notify_recipients)
		failed += notify_recipients(cf, e);
	return failed;
}
