/*
 * milter_act - apply the engine's verdict through libmilter
 *
 * SYNOPSIS
 *	milter_act()
 *
 * DESCRIPTION
 *	reject: smfi_setmlreply(550, 5.7.1, the template's lines), '%'
 *	doubled because sendmail reads the reply as a printf format.
 *	tempfail: 451 4.3.0 with the reference code.  quarantine: the
 *	message is stored durably first (quarantine.c), then discarded;
 *	if it cannot be stored it is tempfailed, never lost.  defer: the
 *	same with the deferred store (store/deferred.h), sent at its due
 *	time by the deferred thread; the client hears 250.  discard: a
 *	second copy of a deferred message already delivered is dropped.  Delivered
 *	messages get the verdict's header edits, in order; with
 *	SMFIP_HDR_LEADSPC we supply the space after the colon ourselves.
 *	The reply is set only right before REJECT/TEMPFAIL is returned
 *	(libmilter keeps a stored reply for the whole connection).
 *
 *	A released message (v->release_ref) spends its release here, once
 *	its fate is final: as the very last step before ACCEPT (a release
 *	that cannot be recorded, or that another copy used a moment
 *	before, tempfails the message, so it comes back and is judged
 *	again), or after a refusal or a new hold.  A tempfail spends
 *	nothing: the retry is let through.  Notices of a hold are queued
 *	with it (quarantine.c); this thread only wakes the sender.
 *
 *	Safeguarding alerts (milter_alerts) are stored and the DSL's email
 *	queued after the decision and any hold, never before.
 *
 *	Every message gets one event-log line and one syslog line:
 *	"QUEUEID: ref=REF action=ACTION policy=NAME direction=D ...".
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libmilter/mfapi.h>

#include "engine/engine.h"
#include "util/log.h"
#include "daemon/daemon_notices.h"
#include "store/alert_notice.h"
#include "daemon/milter_act.h"
#include "daemon/reply_short.h"
#include "store/deferred.h"
#include "store/events.h"
#include "store/quarantine.h"
#include "store/release.h"
#include "store/store.h"
#include "util/clock.h"
#include "config/template.h"
#include "util/xalloc.h"

#define MAX_REPLY_LINES 32

/* percent_escape - double every '%' */
static char *
percent_escape(const char *s)
{
	size_t n = 0;
	char *out, *o;

	for (const char *p = s; *p; p++)
		n += *p == '%' ? 2 : 1;
	out = o = xmalloc(n + 1);
	for (const char *p = s; *p; p++) {
		*o++ = *p;
		if (*p == '%')
			*o++ = '%';
	}
	*o = '\0';
	return out;
}

/* milter_reply - set a multi-line reply; 0 or -1 */
static int
milter_reply(SMFICTX *ctx, const struct verdict *v)
{
	char *l[MAX_REPLY_LINES + 1] = { NULL };
	size_t n = 0;
	int rc;

	for (; v->reply_lines != NULL && v->reply_lines[n] != NULL &&
	    n < MAX_REPLY_LINES; n++)
		l[n] = percent_escape(v->reply_lines[n]);
	if (n == 0)
		l[n++] = xstrdup("Refused by the school's email policy");
	rc = smfi_setmlreply(ctx, v->reply_code, v->reply_xcode, l[0], l[1],
	    l[2], l[3], l[4], l[5], l[6], l[7], l[8], l[9], l[10], l[11],
	    l[12], l[13], l[14], l[15], l[16], l[17], l[18], l[19], l[20],
	    l[21], l[22], l[23], l[24], l[25], l[26], l[27], l[28], l[29],
	    l[30], l[31], (char *)NULL);
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	return rc == MI_SUCCESS ? 0 : -1;
}

/* milter_edit - one header edit */
static int
milter_edit(SMFICTX *ctx, const struct header_edit *e, bool leadspc)
{
	char *value = NULL;
	int rc = MI_FAILURE;

	if (e->value != NULL)
		value = leadspc ? xasprintf(" %s", e->value) : xstrdup(e->value);
	switch (e->op) {
	case HEADER_ADD:
		rc = smfi_addheader(ctx, e->name, value);
		break;
	case HEADER_INSERT:
		rc = smfi_insheader(ctx, (int)e->index, e->name, value);
		break;
	case HEADER_CHANGE:
	case HEADER_DELETE:
		rc = smfi_chgheader(ctx, e->name, (int)e->index,
		    e->op == HEADER_DELETE ? NULL : value);
		break;
	}
	free(value);
	return rc == MI_SUCCESS ? 0 : -1;
}

/* milter_tempfail - turn the verdict into the on_error tempfail */
static void
milter_tempfail(struct verdict *v, const char *why)
{
	char *text = xasprintf("We could not finish checking your message, "
	    "so it has not been sent yet; your mail program will try again. "
	    "Ref: %s", v->ref);

	template_lines_free(v->reply_lines);
	v->reply_lines = template_wrap_text(text);
	free(text);
	free(v->error);
	v->error = xstrdup(why);
	v->action = ACTION_TEMPFAIL;
	v->quarantine = false;
	v->reply_code = "451";
	v->reply_xcode = "4.3.0";
}

/* milter_deliver - apply edits of a delivered message; -1 on failure */
static int
milter_deliver(SMFICTX *ctx, const struct verdict *v, bool leadspc)
{
	for (size_t i = 0; i < v->edits.count; i++)
		if (milter_edit(ctx, &v->edits.items[i], leadspc) < 0)
			return -1;
	return 0;
}

/* milter_log - syslog line and event-log line */
static void
milter_log(const struct conf *cf, const struct msg *m,
    const struct verdict *v, struct eventlog *el)
{
	json_object *event;

	log_info("%s: ref=%s action=%s%s%s policy=%s direction=%s from=<%s> "
	    "nrcpt=%zu size=%llu ms=%.1f%s%s",
	    m->queue_id ? m->queue_id : "NOQUEUE", v->ref,
	    final_action_name(v->action),
	    v->would_action != v->action ? " would=" : "",
	    v->would_action != v->action ?
	    final_action_name(v->would_action) : "",
	    v->decided_by ? v->decided_by : "-",
	    direction_name(v->facts.direction), m->sender, m->nrcpts,
	    (unsigned long long)msg_size(m), v->elapsed_ms,
	    v->error ? " error=" : "", v->error ? v->error : "");
	if (el == NULL)
		return;
	event = eventlog_message_event(cf, m, v);
	if (eventlog_write(el, event) < 0)
		log_warn("%s: cannot write the event log %s",
		    m->queue_id ? m->queue_id : "NOQUEUE", eventlog_path(el));
	/* queued for the shared store's writer (a full queue is counted
	 * and logged there): no worker waits on the database for it */
	(void)events_add(store_of(cf), event, v->ref, time(NULL));
	json_object_put(event);
}

/*
 * milter_claim - spend the release mark of a message whose fate is now
 * final (it was let through, refused or held); 0, or -1 when it could
 * not be recorded or another copy used it first (logged)
 */
static int
milter_claim(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	char *err = NULL;
	int rc;

	if (v->release_ref[0] == '\0')
		return 0;
	rc = release_claim(cf, v->release_ref, m->queue_id, time(NULL), &err);
	if (rc == 1)
		log_info("%s: release %s used", qid, v->release_ref);
	else if (rc == 0)
		log_warnx("%s: release %s was used by another copy at the same "
		    "time", qid, v->release_ref);
	else
		log_warnx("%s: release %s cannot be recorded: %s", qid,
		    v->release_ref, err);
	free(err);
	return rc == 1 ? 0 : -1;
}

/* milter_status - the callback status of the final action */
static sfsistat
milter_status(SMFICTX *ctx, const struct conf *cf, struct verdict *v,
    const struct msg *m, bool leadspc)
{
	switch (v->action) {
	case ACTION_REJECT:
		(void)milter_claim(cf, m, v);
		return milter_reply(ctx, v) == 0 ? SMFIS_REJECT : SMFIS_TEMPFAIL;
	case ACTION_TEMPFAIL:
		return milter_reply(ctx, v) == 0 ? SMFIS_TEMPFAIL :
		    SMFIS_TEMPFAIL;
	case ACTION_QUARANTINE:
	case ACTION_DEFER:	/* stored: the client hears 250 */
		(void)milter_claim(cf, m, v);
		return SMFIS_DISCARD;
	case ACTION_DISCARD:	/* a deferred message's second copy */
		return SMFIS_DISCARD;
	default:
		if (milter_deliver(ctx, v, leadspc) < 0) {
			log_warnx("%s: the MTA refused a header change",
			    m->queue_id ? m->queue_id : "NOQUEUE");
			milter_tempfail(v, "header change refused by the MTA");
			(void)milter_reply(ctx, v);
			return SMFIS_TEMPFAIL;
		}
		/* Last: only a message on its way spends its release. */
		if (milter_claim(cf, m, v) < 0) {
			milter_tempfail(v, "the release could not be recorded");
			(void)milter_reply(ctx, v);
			return SMFIS_TEMPFAIL;
		}
		return SMFIS_ACCEPT;
	}
}

/* milter_alerts - the verdict's safeguarding alerts, after the decision
 * and the hold: stored and the DSL's email queued (alert_notice.c); an
 * alert that cannot be stored tempfails the message, never loses it */
static void
milter_alerts(const struct conf *cf, const struct msg *m, struct verdict *v)
{
	char *err = NULL;

	if (v->action == ACTION_TEMPFAIL ||
	    verdict_alert_raised(&v->alerts) == 0)
		return;
	if (alert_notice_raise(cf, m, v, time(NULL), &err) < 0) {
		log_warnx("%s: safeguarding alert not stored: %s",
		    m->queue_id ? m->queue_id : "NOQUEUE", err ? err : "?");
		milter_tempfail(v, "the safeguarding alert could not be stored");
	} else
		daemon_notices_wake();
	free(err);
}

/*
 * milter_defer - store a deferred message (files and one transaction:
 * no network, no child process on this worker thread); the deferred
 * thread sends it at its time.  Not stored: tempfailed, never lost.
 */
static void
milter_defer(const struct conf *cf, const struct msg *m, struct verdict *v)
{
	char *why;

	if (v->action != ACTION_DEFER)
		return;
	if (deferred_store(cf, m, v, m->auth) == 0) {
		daemon_notices_wake();	/* the sender's notice is queued */
		return;
	}
	why = xasprintf("deferred store failed: %s", strerror(errno));
	log_warnx("%s: %s (%s)", m->queue_id ? m->queue_id : "NOQUEUE", why,
	    cf->milter.quarantine_dir);
	milter_tempfail(v, why);
	free(why);
}

/* milter_act - evaluate, store if held, apply, log */
sfsistat
milter_act(SMFICTX *ctx, const struct conf *cf, struct msg *m, bool failed,
    bool leadspc, bool local, struct eventlog *el)
{
	struct verdict v;
	sfsistat rc;

	engine_evaluate(cf, m, clock_now(cf->milter.clock_file), &v);
	if (failed)
		milter_tempfail(&v, "the message could not be spooled");
	milter_defer(cf, m, &v);
	if (v.action == ACTION_QUARANTINE && quarantine_store(cf, m, &v) < 0) {
		char *why = xasprintf("quarantine store failed: %s",
		    strerror(errno));

		log_warnx("%s: %s (%s)", m->queue_id ? m->queue_id : "NOQUEUE",
		    why, cf->milter.quarantine_dir);
		milter_tempfail(&v, why);
		free(why);
	} else if (v.action == ACTION_QUARANTINE)
		daemon_notices_wake();
	milter_alerts(cf, m, &v);
	(void)reply_short(cf, m, &v, local);
	rc = milter_status(ctx, cf, &v, m, leadspc);
	milter_log(cf, m, &v, el);
	verdict_clear(&v);
	return rc;
}
