/*
 * quarantine - store a held message durably before it is discarded
 *
 * SYNOPSIS
 *	quarantine_store(), quarantine_entry()
 *
 * DESCRIPTION
 *	Many worker threads may store at once: every entry has its own
 *	reference code, so no lock is needed.  The copy is made durable
 *	first (content.c: files fsync'd and renamed, or a committed row).
 *	Then the entry goes into the index (qindex.c) together
 *	with its notices (notify.c composes them, the notice queue sends
 *	them later): one transaction, so a hold is never indexed without
 *	its notices nor a notice queued for a hold that failed.  If that
 *	transaction fails the copy is removed again and the message is
 *	tempfailed.
 *
 * DIAGNOSTICS
 *	-1 with errno (EIO when the index could not be written; that
 *	reason is logged here): the caller logs "quarantine store failed" and
 *	tempfails the message (451), so the sender's server keeps it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include <json-c/json.h>

#include "config/school_pick.h"
#include "store/content.h"
#include "store/eventlog.h"
#include "util/log.h"
#include "store/notify.h"
#include "store/quarantine.h"
#include "store/store.h"
#include "engine/report_json.h"
#include "engine/spool.h"
#include "util/xalloc.h"

/* quarantine_meta - the metadata object of an entry */
static char *
quarantine_meta(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	json_object *o = eventlog_message_event(cf, m, v);
	char when[64];
	char *text;

	eventlog_time(when);
	json_object_object_add(o, "event", json_object_new_string("quarantine"));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "helo", m->helo ?
	    json_object_new_string(m->helo) : NULL);
	json_object_object_add(o, "decided_by", v->decided_by ?
	    json_object_new_string(v->decided_by) : NULL);
	text = xasprintf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}

/* quarantine_policies - the applied policies that held it, ","-joined */
static char *
quarantine_policies(const struct verdict *v)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; i < v->nreports; i++)
		if (v->reports[i].result == RESULT_QUARANTINE &&
		    !v->reports[i].monitored)
			g_string_append_printf(s, "%s%s", s->len ? "," : "",
			    v->reports[i].name);
	return g_string_free(s, FALSE);
}

/* quarantine_entry - the index row of a held message */
void
quarantine_entry(const struct msg *m, const struct verdict *v,
    struct qindex_entry *e)
{
	GString *rcpts = g_string_new(NULL);
	char *subject = verdict_subject(m, v);

	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < m->nrcpts; i++)
		g_string_append_printf(rcpts, "%s%s", i ? ", " : "",
		    m->rcpts[i].addr);
	e->ref = xstrdup(v->ref);
	e->time = time(NULL);
	e->direction = xstrdup(direction_name(v->facts.direction));
	e->sender = xstrdup(m->sender);
	e->recipients = g_string_free(rcpts, FALSE);
	e->subject = subject == NULL ? NULL : xstrdup(subject);
	g_free(subject);
	e->policy = xstrdup(v->decided_by ? v->decided_by : "");
	e->policies = quarantine_policies(v);
	for (size_t i = 0; i < v->nreports; i++)
		if (v->decided_by != NULL &&
		    strcmp(v->reports[i].name, v->decided_by) == 0)
			e->reason = xstrdup(v->reports[i].reason);
	e->size = (int64_t)msg_size(m);
	e->status = xstrdup("held");
}

/*
 * quarantine_index - the index row and the notices, in one transaction;
 * 0, or -1 (logged) when neither could be written
 */
static int
quarantine_index(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	struct qindex_entry e;
	struct notify_list l;
	char *err = NULL;
	int rc;

	quarantine_entry(m, v, &e);
	e.school = xstrdup(conf_school_name(cf) != NULL ?
	    conf_school_name(cf) : "");
	notify_held(cf, &e, &l);
	if (l.dsl_told)
		e.notified_at = e.time;
	rc = qindex_add_held(store_of(cf), &e, l.items, l.count,
	    e.time, &err);
	if (rc < 0)
		log_warnx("%s: ref=%s cannot be indexed with its %zu notices: "
		    "%s", qid, v->ref, l.count, err);
	free(err);
	notify_list_clear(&l);
	qindex_entry_clear(&e);
	return rc;
}

/* quarantine_store - the whole durable write */
int
quarantine_store(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	struct store *st = store_of(cf);
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	char *text = quarantine_meta(cf, m, v), *err = NULL;
	int rc, saved;

	rc = content_put(st, CONTENT_HELD, v->ref, m->spool, text, &err);
	if (rc < 0)
		log_warnx("%s: ref=%s cannot be stored: %s", qid, v->ref, err);
	if (rc == 0 && quarantine_index(cf, m, v) < 0) {
		(void)content_delete(st, CONTENT_HELD, v->ref, NULL);
		rc = -1;
		errno = EIO;
	}
	saved = errno;
	free(err);
	free(text);
	errno = saved;
	return rc;
}
