/*
 * eventlog - the monitoring log: one JSON object per line (SPEC 7)
 *
 * The DSL's record of every message and every quarantine action.  The
 * file is opened with O_APPEND and each line is written with a single
 * write(2) under a lock, so lines from many threads (and from aupctl
 * appending audit events) never interleave.
 */
#ifndef AUP_EVENTLOG_H
#define AUP_EVENTLOG_H

#include <json-c/json.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"

struct eventlog;

/* eventlog_open - open (create 0640) for appending; NULL with errno */
struct eventlog *eventlog_open(const char *path);
/* eventlog_path - the file it writes */
const char *eventlog_path(const struct eventlog *el);
/* eventlog_reopen - reopen the same path (after logrotate); 0 or -1 */
int	eventlog_reopen(struct eventlog *el);
/* eventlog_write - append one event (adds "time"); 0 or -1 with errno */
int	eventlog_write(struct eventlog *el, json_object *event);
/* eventlog_sync - what was written is on disk (an audit record before
 * its action); 0 or -1 with errno */
int	eventlog_sync(struct eventlog *el);
/* eventlog_close - accepts NULL, returns NULL */
struct eventlog *eventlog_close(struct eventlog *el);
/*
 * eventlog_message_event - the event of one judged message (the caller
 * writes and puts it); `qref` is the quarantine reference or NULL.
 */
json_object *eventlog_message_event(const struct conf *cf,
	    const struct msg *m, const struct verdict *v);
/* eventlog_time - "2026-11-22T23:52:25.123Z" into buf[64] */
void	eventlog_time(char buf[64]);

#endif
