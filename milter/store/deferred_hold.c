/*
 * deferred_hold - keep a deferred message, send it at its time, tell
 * its sender
 *
 * SYNOPSIS
 *	deferred_store(), deferred_send(), deferred_notice()
 *
 * DESCRIPTION
 *	deferred_store() is the milter's act step for `defer` and runs on
 *	a worker thread: the durable copy (content.c: files fsync'd and
 *	renamed, or a committed row) and one transaction (the row and the
 *	sender's notice,
 *	kind "deferred", in the notice queue), no network and no child
 *	process.  The
 *	message is kept exactly as received: it is judged again when it
 *	is sent, so the edits of that judgement (a bulk-bcc rewrite, a
 *	flag) are applied then.
 *
 *	deferred_send() runs sendmail(1): the daemon's deferred thread
 *	(daemon/deferred_thread.c) and aupctl call them, never a libmilter
 *	worker.  The re-injected copy is the stored message with
 *	"X-AUP-Release: REF; h=...; mac=..." in front (the quarantine
 *	release's mark, release.c, made for this envelope), sent with -f
 *	the original sender to the original recipients (argument vector,
 *	never a shell; every address checked by sendmail_address_ok()).
 *	The mark is checked before the bulk-bcc rewrite of that delivery,
 *	on the message as stored.
 *
 * DIAGNOSTICS
 *	deferred_store(): -1 with errno; the milter tempfails the message.
 *	deferred_send(): *err explains.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>
#include <json-c/json.h>

#include "config/school_pick.h"
#include "config/template.h"
#include "store/content.h"
#include "engine/spool.h"
#include "store/deferred.h"
#include "store/eventlog.h"
#include "store/notices.h"
#include "store/notify.h"
#include "store/release.h"
#include "store/sendmail.h"
#include "store/store.h"
#include "util/addr.h"
#include "util/xalloc.h"

#define DEFERRED_RETRY_SECONDS	300	/* a `sending` row is retried after */

/* deferred_meta - the metadata of a deferred message (new string) */
static char *
deferred_meta(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	json_object *o = eventlog_message_event(cf, m, v);
	char when[64], *text;

	eventlog_time(when);
	json_object_object_add(o, "event", json_object_new_string("defer"));
	json_object_object_add(o, "time", json_object_new_string(when));
	text = xasprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* deferred_reason - working-hours' reason in the verdict */
static const char *
deferred_reason(const struct verdict *v)
{
	for (size_t i = 0; i < v->nreports; i++)
		if (v->reports[i].result == RESULT_DEFER &&
		    !v->reports[i].monitored)
			return v->reports[i].reason;
	return "";
}

/* deferred_store - files, then the row */
int
deferred_store(const struct conf *cf, const struct msg *m,
    const struct verdict *v, const char *login)
{
	struct deferred_entry e = { 0 };
	struct notice notice;
	GString *rcpts = g_string_new(NULL);
	char *subject = verdict_subject(m, v), *err = NULL;
	char *meta = deferred_meta(cf, m, v);
	bool told;
	int rc = -1;

	if (content_put(store_of(cf), CONTENT_DEFERRED, v->ref, m->spool, meta,
	    &err) == 0) {
		for (size_t i = 0; i < m->nrcpts; i++)
			g_string_append_printf(rcpts, "%s%s", i ? ", " : "",
			    m->rcpts[i].addr);
		e.ref = (char *)v->ref;
		e.time = time(NULL);
		e.due = v->deliver_at;
		e.due_text = v->deliver_text;
		e.sender = m->sender;
		e.recipients = rcpts->str;
		e.subject = subject;
		e.login = (char *)login;
		e.reason = (char *)deferred_reason(v);
		e.size = (int64_t)msg_size(m);
		e.school = (char *)conf_school_name(cf);
		told = deferred_notice(cf, &e, &notice);
		e.notified_at = told ? e.time : 0;
		/* Without the row nothing would send it: not stored. */
		if (deferred_add_with_notice(store_of(cf), &e,
		    told ? &notice : NULL, e.time, &err) == 0)
			rc = 0;
		else {
			(void)content_delete(store_of(cf), CONTENT_DEFERRED,
			    v->ref, NULL);
			errno = EIO;
		}
		if (told)
			notify_notice_clear(&notice);
	}
	free(meta);
	free(err);
	g_free(subject);
	g_string_free(rcpts, TRUE);
	return rc;
}

/* deferred_rcpts - the row's recipients, each checked; false if none */
static bool
deferred_rcpts(const struct deferred_entry *e, GPtrArray *out)
{
	gchar **v = g_strsplit(e->recipients != NULL ? e->recipients : "",
	    ", ", -1);
	bool ok = true;

	for (size_t i = 0; v[i] != NULL; i++) {
		if (v[i][0] == '\0')
			continue;
		if (!sendmail_address_ok(v[i]))
			ok = false;
		g_ptr_array_add(out, xstrdup(v[i]));
	}
	g_strfreev(v);
	return ok && out->len > 0 && e->sender != NULL &&
	    sendmail_address_ok(e->sender);
}

/* deferred_reinject - the stored message, marked, to sendmail(1) */
static int
deferred_reinject(const struct conf *cf, const struct deferred_entry *e,
    char **err)
{
	GPtrArray *rcpts = g_ptr_array_new_with_free_func(free);
	char *key = NULL, *copy, *data = NULL;
	size_t clen, len = 0;
	int rc = -1;

	if (!deferred_rcpts(e, rcpts))
		*err = xasprintf("%s: no usable sender or recipients", e->ref);
	else if ((data = content_eml(store_of(cf), CONTENT_DEFERRED, e->ref,
	    &len, err)) == NULL)
		;
	else if (release_secret_ensure(cf->milter.release_secret, err) == 0 &&
	    release_secret_load(cf->milter.release_secret, &key, err) == 0) {
		copy = release_marked_copy(key, e->ref, data, len, e->sender,
		    (const char *const *)rcpts->pdata, rcpts->len, &clen);
		rc = sendmail_run(cf->milter.sendmail_path, e->sender,
		    (const char *const *)rcpts->pdata, rcpts->len, copy, clen,
		    err);
		free(copy);
	}
	free(key);
	free(data);
	g_ptr_array_free(rcpts, TRUE);
	return rc;
}

/* deferred_send - claim, re-inject, record */
int
deferred_send(const struct conf *cf, const char *ref, const char *by,
    time_t now, char **err)
{
	struct store *dir = store_of(cf);
	struct deferred_entry e;
	int rc;

	*err = NULL;
	if ((rc = deferred_claim(dir, ref, now, now - DEFERRED_RETRY_SECONDS,
	    err)) <= 0) {
		if (rc == 0 && deferred_get(dir, ref, &e, err) >= 0) {
			*err = e.ref == NULL ? xasprintf("%s: no such deferred "
			    "message", ref) : xasprintf("%s is %s, not "
			    "waiting", ref, e.status);
			deferred_entry_clear(&e);
		}
		return rc;
	}
	if ((rc = deferred_get(dir, ref, &e, err)) <= 0)
		return -1;
	/* Sent before a crash and already through the milter: record it. */
	if (e.delivered_at != 0)
		rc = 0;
	else
		rc = deferred_reinject(cf, &e, err);
	if (rc < 0) {
		char *why = *err, *err2 = NULL;

		(void)deferred_unclaim(dir, ref, why, &err2);
		free(err2);
		deferred_entry_clear(&e);
		return -1;
	}
	deferred_entry_clear(&e);
	return deferred_mark_sent(dir, ref, by, now, err) < 0 ? -1 : 1;
}

/* deferred_clean - a value for the notice body: no control characters */
static char *
deferred_clean(const char *s)
{
	char *out = xstrdup(s != NULL ? s : "");

	for (unsigned char *p = (unsigned char *)out; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = ' ';
	return out;
}

/* deferred_notice - the sender's notice about a deferred message */
bool
deferred_notice(const struct conf *cf, const struct deferred_entry *e,
    struct notice *out)
{
	char *vals[6] = { deferred_clean(e->due_text),
	    deferred_clean(e->recipients), deferred_clean(e->subject),
	    deferred_clean(e->reason), deferred_clean(e->ref),
	    deferred_clean(cf->school.name ? cf->school.name : "the school") };
	struct template_var v[] = { { "deliver_at", vals[0] },
	    { "recipients", vals[1] }, { "subject", vals[2] },
	    { "reason", vals[3] }, { "ref", vals[4] }, { "school", vals[5] },
	    { "office", school_office_address(&cf->view) },
	    { "dsl", cf->school.dsl ? cf->school.dsl : "" },
	    { "policy_url", cf->school.policy_url ? cf->school.policy_url :
	    "" }, { "policy", DEFERRED_POLICY } };
	char **lines = NULL;
	GString *body;

	memset(out, 0, sizeof(*out));
	if (e->sender != NULL && e->sender[0] != '\0' &&
	    school_has_domain(&cf->view, e->sender))
		lines = template_render(cf->templates, DEFERRED_POLICY, v,
		    sizeof(v) / sizeof(v[0]));
	for (size_t i = 0; i < 6; i++)
		free(vals[i]);
	if (lines == NULL)
		return false;
	body = g_string_new(NULL);
	for (size_t i = 0; lines[i] != NULL; i++)
		g_string_append_printf(body, "%s\n", strcmp(lines[i], " ") ==
		    0 ? "" : lines[i]);
	template_lines_free(lines);
	out->kind = "deferred";
	out->school = conf_school_name(cf);
	out->ref = xstrdup(e->ref);
	out->to = xstrdup(e->sender);
	/* fixed words, our own time text and the reference only */
	out->subject = xasprintf("Your message will be sent at %s (ref %s)",
	    e->due_text ? e->due_text : "the next opening time", e->ref);
	out->body = g_string_free(body, FALSE);
	return true;
}
