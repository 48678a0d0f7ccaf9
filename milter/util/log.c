/*
 * log - the logging API of the daemon
 *
 * SYNOPSIS
 *	log_init(), log_set_verbose(), log_debug(), log_info(), log_warn(),
 *	log_warnx(), fatal(), fatalx()
 *
 * DESCRIPTION
 *	syslog(3) is thread-safe, and so is one fprintf(3) per line, so no
 *	lock is needed.  The two settings (stderr copy, verbosity) are set
 *	once before threads start and on reload; they are atomics so a
 *	reload never races a worker.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "util/log.h"
#include "util/xalloc.h"

static atomic_bool log_to_stderr;
static atomic_bool log_verbose;

/* log_facility - facility name to syslog constant */
static int
log_facility(const char *name)
{
	static const struct { const char *name; int value; } table[] = {
		{ "mail", LOG_MAIL }, { "daemon", LOG_DAEMON },
		{ "user", LOG_USER }, { "local0", LOG_LOCAL0 },
		{ "local1", LOG_LOCAL1 }, { "local2", LOG_LOCAL2 },
		{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },
		{ "local5", LOG_LOCAL5 }, { "local6", LOG_LOCAL6 },
		{ "local7", LOG_LOCAL7 },
	};

	for (size_t i = 0; name != NULL && i < sizeof(table) / sizeof(*table);
	    i++)
		if (strcasecmp(table[i].name, name) == 0)
			return table[i].value;
	return LOG_MAIL;
}

/* log_init - open the log */
void
log_init(const char *ident, const char *facility, bool to_stderr)
{
	openlog(ident, LOG_PID | LOG_NDELAY, log_facility(facility));
	/* Under systemd stderr goes to the journal, which has syslog too. */
	if (getenv("JOURNAL_STREAM") != NULL)
		to_stderr = false;
	atomic_store(&log_to_stderr, to_stderr);
}

/* log_set_verbose - debug lines on or off */
void
log_set_verbose(bool verbose)
{
	atomic_store(&log_verbose, verbose);
}

/* log_vemit - one line to syslog and maybe stderr */
static void
log_vemit(int prio, const char *suffix, const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap);

	syslog(prio, "%s%s", text, suffix ? suffix : "");
	if (atomic_load(&log_to_stderr))
		fprintf(stderr, "aup-milter: %s%s\n", text, suffix ? suffix : "");
	free(text);
}

#define LOG_BODY(prio, suffix) do {		\
	va_list ap;				\
	va_start(ap, fmt);			\
	log_vemit((prio), (suffix), fmt, ap);	\
	va_end(ap);				\
} while (0)

/* log_debug - detail, only with verbose */
void
log_debug(const char *fmt, ...)
{
	if (atomic_load(&log_verbose))
		LOG_BODY(LOG_DEBUG, NULL);
}

/* log_info - one line per decision, startup, reload */
void
log_info(const char *fmt, ...)
{
	LOG_BODY(LOG_INFO, NULL);
}

/* log_warn - something an operator should look at, with errno */
void
log_warn(const char *fmt, ...)
{
	char *suffix = xasprintf(": %s", strerror(errno));

	LOG_BODY(LOG_WARNING, suffix);
	free(suffix);
}

/* log_warnx - something an operator should look at */
void
log_warnx(const char *fmt, ...)
{
	LOG_BODY(LOG_WARNING, NULL);
}

/* fatal - cannot start, with errno */
void
fatal(const char *fmt, ...)
{
	char *suffix = xasprintf(": %s", strerror(errno));

	LOG_BODY(LOG_ERR, suffix);
	free(suffix);
	exit(1);
}

/* fatalx - cannot start */
void
fatalx(const char *fmt, ...)
{
	LOG_BODY(LOG_ERR, NULL);
	exit(1);
}
