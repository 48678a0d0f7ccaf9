/*
 * quarantine - store a held message durably before it is discarded
 *
 * SYNOPSIS
 *	quarantine_store(), quarantine_entry(), quarantine_message_path(),
 *	quarantine_meta_path()
 *
 * DESCRIPTION
 *	Many worker threads may store at once: every entry has its own
 *	reference code and its own temporary names (O_EXCL), so no lock
 *	is needed.  The order is what makes it durable: write + fsync the
 *	message, write + fsync the metadata, rename both, fsync the
 *	folder.  A reviewer (aupctl) only lists entries whose .json exists.
 *	Then the entry goes into the SQLite index (qindex.c) together
 *	with its notices (notify.c composes them, the notice queue sends
 *	them later): one transaction, so a hold is never indexed without
 *	its notices nor a notice queued for a hold that failed.  If that
 *	transaction fails the files are removed again and the message is
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
#include "store/eventlog.h"
#include "util/log.h"
#include "store/notify.h"
#include "store/quarantine.h"
#include "engine/report_json.h"
#include "engine/spool.h"
#include "util/xalloc.h"

/* quarantine_message_path - path of the stored message */
char *
quarantine_message_path(const char *dir, const char *ref)
{
	return xasprintf("%s/messages/%s.eml", dir, ref);
}

/* quarantine_meta_path - path of the stored metadata */
char *
quarantine_meta_path(const char *dir, const char *ref)
{
	return xasprintf("%s/messages/%s.json", dir, ref);
}

/* quarantine_mkdirs - DIR and DIR/messages, mode 0750 */
static int
quarantine_mkdirs(const char *dir, char **msgdir)
{
	*msgdir = xasprintf("%s/messages", dir);
	if (mkdir(dir, 0750) < 0 && errno != EEXIST)
		return -1;
	if (mkdir(*msgdir, 0750) < 0 && errno != EEXIST)
		return -1;
	return 0;
}

/* quarantine_write_file - write via a callback, fsync, close */
static int
quarantine_write_fd(int fd, const char *text, struct spool *sp)
{
	if (sp != NULL) {
		if (spool_copy_to_fd(sp, fd) < 0)
			return -1;
	} else {
		size_t len = strlen(text);

		if (write(fd, text, len) != (ssize_t)len)
			return errno ? -1 : (errno = EIO, -1);
	}
	return fsync(fd);
}

/* quarantine_write_tmp - create TMP exclusively and fill it */
static int
quarantine_write_tmp(const char *tmp, const char *text, struct spool *sp)
{
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	int saved;

	if (fd < 0)
		return -1;
	if (quarantine_write_fd(fd, text, sp) < 0) {
		saved = errno;
		(void)close(fd);
		(void)unlink(tmp);
		errno = saved;
		return -1;
	}
	if (close(fd) < 0) {
		saved = errno;
		(void)unlink(tmp);
		errno = saved;
		return -1;
	}
	return 0;
}

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

/* quarantine_fsync_dir - make the renames durable */
static int
quarantine_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	(void)close(fd);
	return rc;
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
	rc = qindex_add_held(cf->milter.quarantine_dir, &e, l.items, l.count,
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
	const char *dir = cf->milter.quarantine_dir;
	char *msgdir, *eml = quarantine_message_path(dir, v->ref);
	char *meta = quarantine_meta_path(dir, v->ref);
	char *eml_tmp = xasprintf("%s.tmp", eml);
	char *meta_tmp = xasprintf("%s.tmp", meta);
	char *text = quarantine_meta(cf, m, v);
	int rc = -1, saved;

	if (quarantine_mkdirs(dir, &msgdir) == 0 &&
	    quarantine_write_tmp(eml_tmp, NULL, m->spool) == 0) {
		if (quarantine_write_tmp(meta_tmp, text, NULL) == 0) {
			if (rename(eml_tmp, eml) == 0 &&
			    rename(meta_tmp, meta) == 0 &&
			    quarantine_fsync_dir(msgdir) == 0)
				rc = 0;
			saved = errno;
			if (rc < 0) {
				(void)unlink(meta_tmp);
				(void)unlink(meta);
				(void)unlink(eml);
			}
			errno = saved;
		}
		saved = errno;
		(void)unlink(eml_tmp);
		errno = saved;
	}
	if (rc == 0 && quarantine_index(cf, m, v) < 0) {
		(void)unlink(meta);
		(void)unlink(eml);
		(void)quarantine_fsync_dir(msgdir);
		rc = -1;
		errno = EIO;
	}
	saved = errno;
	free(msgdir);
	free(eml);
	free(meta);
	free(eml_tmp);
	free(meta_tmp);
	free(text);
	errno = saved;
	return rc;
}
