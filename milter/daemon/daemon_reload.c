/*
 * daemon_reload - handle SIGUSR1 (reload) and SIGUSR2 (reopen logs)
 *
 * SYNOPSIS
 *	daemon_reload_start(), daemon_reload_stop(), daemon_parent_count(),
 *	daemon_pupil_count(), daemon_exemption_count()
 *
 * DESCRIPTION
 *	A dedicated thread sigwait()s for SIGUSR1 and SIGUSR2, which are
 *	blocked in every thread (they are blocked here, before smfi_main
 *	creates libmilter's threads, which inherit the mask); otherwise
 *	their default action would kill the filter.  A reload builds a
 *	complete new snapshot first and swaps it in only if it has no
 *	errors: messages in flight keep the snapshot they started with.
 *	The event log's path is read at startup; a changed path takes
 *	effect at the next restart (we say so in the log).
 *
 * DIAGNOSTICS
 *	"reload: ..." lines, one per configuration error, then "reload
 *	failed: keeping the previous configuration"; an event-log line
 *	{"event":"reload","ok":...} either way.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "daemon/daemon_reload.h"
#include "config/directory.h"
#include "store/eventlog.h"
#include "util/log.h"
#include "daemon/milter.h"

struct reload_state {
	const char *conf_path;
	const struct policy *const *registry;
	struct eventlog *eventlog;
	pthread_t thread;
	bool	 running;
	bool	 verbose;
	time_t	 started_at;	/* given to every snapshot */
};

/* Written once before smfi_main; read by the signal thread only. */
static struct reload_state reload_state;

/* daemon_parent_count - parent addresses loaded (every school's) */
unsigned
daemon_parent_count(const struct conf *cf)
{
	unsigned n = cf->directory && cf->directory->parents ?
	    g_hash_table_size(cf->directory->parents) : 0;

	for (size_t i = 0; i < cf->nschools; i++)
		n += daemon_parent_count(cf->schools[i]);
	return n;
}

/* daemon_pupil_count - pupils loaded */
size_t
daemon_pupil_count(const struct conf *cf)
{
	size_t n = cf->directory ? cf->directory->npupils : 0;

	for (size_t i = 0; i < cf->nschools; i++)
		n += daemon_pupil_count(cf->schools[i]);
	return n;
}

/* daemon_exemption_count - exemption rows loaded */
size_t
daemon_exemption_count(const struct conf *cf)
{
	size_t n = cf->directory ? cf->directory->nexemptions : 0;

	for (size_t i = 0; i < cf->nschools; i++)
		n += daemon_exemption_count(cf->schools[i]);
	return n;
}

/* daemon_set_started - when the daemon started, in cf and its schools */
static void
daemon_set_started(struct conf *cf, time_t when)
{
	cf->started_at = when;
	/* A school shared with the running snapshot has it already: no
	 * write where messages in flight may be reading. */
	for (size_t i = 0; i < cf->nschools; i++)
		if (cf->schools[i]->started_at != when)
			cf->schools[i]->started_at = when;
}

/* reload_event_named - an event-log line about startup or a reload */
static void
reload_event_named(const char *event, bool ok, const char *detail)
{
	json_object *o;

	if (reload_state.eventlog == NULL)
		return;
	o = json_object_new_object();
	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "ok", json_object_new_boolean(ok));
	json_object_object_add(o, "detail", json_object_new_string(detail));
	(void)eventlog_write(reload_state.eventlog, o);
	json_object_put(o);
}

/* reload_event - an event-log line about a reload */
static void
reload_event(bool ok, const char *detail)
{
	reload_event_named("reload", ok, detail);
}

/* reload_config - SIGUSR1: load, check, swap */
static void
reload_config(void)
{
	struct errbuf eb;
	struct conf *cf, *prev = conf_current();

	errbuf_init(&eb);
	/* unchanged schools are shared with the running snapshot */
	cf = conf_reload(reload_state.conf_path, reload_state.registry, prev,
	    &eb);
	conf_release(prev);
	for (size_t i = 0; i < eb.nerrors; i++)
		log_warnx("reload: %s", eb.errors[i]);
	for (size_t i = 0; i < eb.nwarnings; i++)
		log_warnx("reload: warning: %s", eb.warnings[i]);
	if (cf == NULL) {
		log_warnx("reload failed: keeping the previous configuration");
		reload_event(false, errbuf_first(&eb) ? errbuf_first(&eb) :
		    "configuration has errors");
	} else {
		if (reload_state.eventlog != NULL && cf->milter.event_log &&
		    strcmp(cf->milter.event_log,
		    eventlog_path(reload_state.eventlog)) != 0)
			log_warnx("reload: event_log changed; the new path is "
			    "used after a restart");
		log_set_verbose(reload_state.verbose || cf->milter.verbose);
		daemon_set_started(cf, reload_state.started_at);
		conf_replace(cf);
		log_info("reloaded %s: mode %s, %u parent addresses",
		    reload_state.conf_path, mode_name(cf->milter.mode),
		    daemon_parent_count(cf));
		if (cf->nschools > 0)
			log_info("reloaded %zu schools: %zu rebuilt, %zu "
			    "unchanged", cf->nschools,
			    cf->nschools - cf->nreused, cf->nreused);
		reload_event(true, reload_state.conf_path);
	}
	errbuf_clear(&eb);
}

/* reload_thread - wait for our signals */
static void *
reload_thread(void *arg)
{
	sigset_t *set = arg;
	int sig;

	for (;;) {
		if (sigwait(set, &sig) != 0)
			continue;
		if (sig == SIGUSR1)
			reload_config();
		else if (sig == SIGUSR2 && reload_state.eventlog != NULL) {
			if (eventlog_reopen(reload_state.eventlog) < 0)
				log_warn("cannot reopen %s",
				    eventlog_path(reload_state.eventlog));
			else
				log_info("reopened %s",
				    eventlog_path(reload_state.eventlog));
		}
	}
	return NULL;
}

/* daemon_reload_start - snapshot, event log, signal thread */
void
daemon_reload_start(const char *conf_path,
    const struct policy *const *registry, struct conf *cf, bool verbose)
{
	static sigset_t set;

	reload_state.conf_path = conf_path;
	reload_state.registry = registry;
	reload_state.verbose = verbose;
	reload_state.started_at = time(NULL);
	daemon_set_started(cf, reload_state.started_at);
	if (cf->milter.event_log != NULL) {
		reload_state.eventlog = eventlog_open(cf->milter.event_log);
		if (reload_state.eventlog == NULL)
			log_warn("cannot open the event log %s (messages are "
			    "still judged and logged to syslog)",
			    cf->milter.event_log);
	}
	milter_set_eventlog(reload_state.eventlog);
	conf_replace(cf);
	reload_event_named("start", true, conf_path);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	sigdelset(&set, SIGHUP);
	sigdelset(&set, SIGTERM);
	sigdelset(&set, SIGINT);
	if (pthread_create(&reload_state.thread, NULL, reload_thread, &set) != 0)
		fatalx("cannot start the signal thread");
	reload_state.running = true;
}

/* daemon_reload_stop - end of service */
void
daemon_reload_stop(void)
{
	if (reload_state.running) {
		pthread_cancel(reload_state.thread);
		pthread_join(reload_state.thread, NULL);
		reload_state.running = false;
	}
	conf_replace(NULL);
	milter_set_eventlog(NULL);
	reload_state.eventlog = eventlog_close(reload_state.eventlog);
}
