/*
 * eventlog - write the JSON-lines monitoring log
 *
 * SYNOPSIS
 *	eventlog_open(), eventlog_path(), eventlog_reopen(),
 *	eventlog_write(), eventlog_close(), eventlog_message_event(),
 *	eventlog_time()
 *
 * DESCRIPTION
 *	A message event holds: time, ref, queue_id, direction, client
 *	address, login, envelope sender and recipients, header From,
 *	subject, size, attachments (path, name, detected type, size,
 *	sha256, encrypted), each policy's result and reason, the final
 *	action, what enforce mode would have done, the mode, whether it
 *	was quarantined, and the evaluation time.  Reasons, the subject,
 *	file names and paths never hold pupil data values: the engine
 *	withheld them (engine/withhold.c; tests check it).
 *
 * DIAGNOSTICS
 *	eventlog_write() returns -1 with errno; the caller logs a warning
 *	and goes on (a full log disk must not stop mail).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "analysis/analysis.h"
#include "store/eventlog.h"
#include "engine/report_json.h"
#include "util/xalloc.h"

struct eventlog {
	pthread_mutex_t lock;
	char	*path;
	int	 fd;
};

/* eventlog_open - open for appending */
struct eventlog *
eventlog_open(const char *path)
{
	struct eventlog *el;
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0)
		return NULL;
	el = xcalloc(1, sizeof(*el));
	pthread_mutex_init(&el->lock, NULL);
	el->path = xstrdup(path);
	el->fd = fd;
	return el;
}

/* eventlog_path - where it writes */
const char *
eventlog_path(const struct eventlog *el)
{
	return el->path;
}

/* eventlog_reopen - a new descriptor for the same path */
int
eventlog_reopen(struct eventlog *el)
{
	int fd = open(el->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
	    0640);

	if (fd < 0)
		return -1;
	pthread_mutex_lock(&el->lock);
	(void)close(el->fd);
	el->fd = fd;
	pthread_mutex_unlock(&el->lock);
	return 0;
}

/* eventlog_time - UTC time with milliseconds */
void
eventlog_time(char buf[64])
{
	struct timeval tv;
	struct tm tm;

	gettimeofday(&tv, NULL);
	gmtime_r(&tv.tv_sec, &tm);
	snprintf(buf, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, (int)(tv.tv_usec / 1000));
}

/* eventlog_write - one line, one write */
int
eventlog_write(struct eventlog *el, json_object *event)
{
	char when[64];
	const char *text;
	char *line;
	ssize_t n;
	int saved;

	if (json_object_object_get_ex(event, "time", NULL) == 0) {
		eventlog_time(when);
		json_object_object_add(event, "time",
		    json_object_new_string(when));
	}
	text = json_object_to_json_string_ext(event,
	    JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
	line = xasprintf("%s\n", text);
	pthread_mutex_lock(&el->lock);
	n = write(el->fd, line, strlen(line));
	saved = errno;
	pthread_mutex_unlock(&el->lock);
	errno = saved;
	free(line);
	return n == (ssize_t)strlen(text) + 1 ? 0 : -1;
}

/* eventlog_sync - flush the file to disk */
int
eventlog_sync(struct eventlog *el)
{
	int rc;

	pthread_mutex_lock(&el->lock);
	rc = fdatasync(el->fd);
	pthread_mutex_unlock(&el->lock);
	return rc;
}

/* eventlog_close - close and free */
struct eventlog *
eventlog_close(struct eventlog *el)
{
	if (el == NULL)
		return NULL;
	(void)close(el->fd);
	pthread_mutex_destroy(&el->lock);
	free(el->path);
	free(el);
	return NULL;
}

/* str_or_null - a JSON string, or null */
static json_object *
str_or_null(const char *s)
{
	return s != NULL ? json_object_new_string(s) : NULL;
}

/* eventlog_attachments - the attachment list of an analysis */
static json_object *
eventlog_attachments(const struct analysis *an)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; an != NULL && i < an->count; i++) {
		const struct attachment *a = &an->items[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "path", str_or_null(a->path));
		json_object_object_add(o, "name", str_or_null(a->name_safe));
		json_object_object_add(o, "type", str_or_null(a->detected_type));
		json_object_object_add(o, "size",
		    json_object_new_int64((int64_t)a->size));
		json_object_object_add(o, "sha256", str_or_null(a->sha256));
		json_object_object_add(o, "encrypted",
		    json_object_new_boolean(a->encrypted));
		if (a->uninspectable != NULL)
			json_object_object_add(o, "uninspectable",
			    json_object_new_string(a->uninspectable));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* eventlog_envelope - sender, recipients, login, client */
static void
eventlog_envelope(json_object *o, const struct msg *m,
    const struct verdict *v)
{
	json_object *rcpts = json_object_new_array();

	json_object_object_add(o, "queue_id", str_or_null(m->queue_id));
	json_object_object_add(o, "client_addr", str_or_null(m->client_addr));
	json_object_object_add(o, "auth", str_or_null(m->auth));
	json_object_object_add(o, "sender", json_object_new_string(m->sender));
	for (size_t i = 0; i < m->nrcpts; i++)
		json_object_array_add(rcpts,
		    json_object_new_string(m->rcpts[i].addr));
	json_object_object_add(o, "recipients", rcpts);
	json_object_object_add(o, "header_from",
	    str_or_null(v->facts.header_from));
}

/* eventlog_message_event - the event of one message */
json_object *
eventlog_message_event(const struct conf *cf, const struct msg *m,
    const struct verdict *v)
{
	json_object *o = json_object_new_object();
	char *subject = verdict_subject(m, v);

	json_object_object_add(o, "event", json_object_new_string("message"));
	report_json_verdict_into(o, cf, v, REPORT_JSON_WOULD);
	eventlog_envelope(o, m, v);
	json_object_object_add(o, "subject", str_or_null(subject));
	g_free(subject);
	json_object_object_add(o, "size",
	    json_object_new_int64((int64_t)msg_size(m)));
	json_object_object_add(o, "attachments",
	    eventlog_attachments(v->analysis));
	return o;
}
