/*
 * aupctl_notices - `aupctl notices`: what waits in the notice queue, and why
 *
 * SYNOPSIS
 *	aupctl -c FILE notices list [--all] [--school NAME]
 *	aupctl -c FILE notices retry [ID]
 *	aupctl -c FILE notices send
 *
 * DESCRIPTION
 *	list shows the notices not yet sent (--all: sent ones too), oldest
 *	first: id, state, kind, reference, recipient, tries, when it is
 *	tried next (or was sent) and the last error; on a service of many
 *	schools also the school each is about, and --school keeps to one.  retry makes one
 *	notice (or every queued and failed one) due now; the daemon's
 *	sender takes it within seconds.  send delivers every due notice
 *	from this process, for a host where the daemon does not run
 *	(tests, or cron on a review host); a notice the daemon is sending
 *	at the same moment is never sent twice (each is claimed first).
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 the store could not be read or a notice was not
 *	sent; 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl.h"
#include "aupctl/aupctl_school.h"
#include "store/notices.h"
#include "store/notices_send.h"
#include "store/store.h"
#include "util/xalloc.h"

#define AN_USAGE \
	"usage: aupctl [-c FILE] notices list [--all] [--school NAME]\n" \
	"       aupctl [-c FILE] notices retry [ID]\n" \
	"       aupctl [-c FILE] notices send\n"

/* an_when - local "YYYY-MM-DD HH:MM:SS", or "-" for 0 */
static void
an_when(time_t t, char buf[32])
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, 32, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M:%S", &tm);
}

/* an_print - one row of the list (its school when there are several) */
static void
an_print(const struct notice_row *r, bool schools)
{
	char when[32];

	an_when(strcmp(r->state, "sent") == 0 ? r->sent_at :
	    strcmp(r->state, "failed") == 0 ? 0 : r->next_try, when);
	printf("%-6lld %-8s %-9s %-10s ", (long long)r->id, r->state, r->kind,
	    r->ref ? r->ref : "-");
	if (schools)
		printf("%-16s ", r->school && r->school[0] ? r->school : "-");
	printf("%-32s %5ld  %s\n", r->to, r->tries, when);
	if (r->last_error != NULL)
		printf("       last error: %s\n", r->last_error);
}

/* an_list - the queue */
static int
an_list(const struct conf *cf, int argc, char **argv)
{
	struct notice_row *rows;
	const char *school = NULL;
	bool all, schools = cf->nschools > 1;
	char *err = NULL;
	long n, shown = 0;

	if (aupctl_take_school(&argc, argv, &school) < 0)
		return 2;
	all = argc == 2 && strcmp(argv[1], "--all") == 0;
	if (argc > 2 || (argc == 2 && !all))
		return 2;
	if (aupctl_check_school(cf, "notices list", school) < 0)
		return 1;
	if ((n = notices_list(store_of(cf), all, &rows,
	    &err)) < 0) {
		fprintf(stderr, "aupctl notices list: %s\n", err);
		free(err);
		return 1;
	}
	printf("%-6s %-8s %-9s %-10s ", "ID", "STATE", "KIND", "REF");
	if (schools)
		printf("%-16s ", "SCHOOL");
	printf("%-32s %5s  %s\n", "TO", "TRIES", "NEXT TRY / SENT");
	for (long i = 0; i < n; i++) {
		if (school != NULL && (rows[i].school == NULL ||
		    strcmp(rows[i].school, school) != 0))
			continue;
		an_print(&rows[i], schools);
		shown++;
	}
	printf("%ld notice%s%s\n", shown, shown == 1 ? "" : "s", all ? "" :
	    " not sent");
	notice_rows_free(rows, n);
	return 0;
}

/* an_retry - make notices due now */
static int
an_retry(const struct conf *cf, int argc, char **argv)
{
	long long id = 0;
	char *end = NULL, *err = NULL;
	long n;

	if (argc > 2)
		return 2;
	if (argc == 2) {
		errno = 0;
		id = strtoll(argv[1], &end, 10);
		if (errno != 0 || *end != '\0' || id <= 0)
			return 2;
	}
	n = notices_retry(store_of(cf), id, time(NULL), &err);
	if (n < 0) {
		fprintf(stderr, "aupctl notices retry: %s\n", err);
		free(err);
		return 1;
	}
	if (id > 0 && n == 0) {
		fprintf(stderr, "aupctl notices retry: no queued or failed "
		    "notice %lld\n", id);
		return 1;
	}
	printf("%ld notice%s due now\n", n, n == 1 ? "" : "s");
	return 0;
}

/* an_send - one sending pass from this process */
static int
an_send(const struct conf *cf, int argc, char **argv)
{
	struct notices_tally t;
	char *who = xasprintf("aupctl pid %ld", (long)getpid());
	char *err = NULL;
	int rc;

	(void)argv;
	if (argc != 1) {
		free(who);
		return 2;
	}
	rc = notices_send_due(cf, who, NULL, &t, &err);
	free(who);
	if (rc < 0) {
		fprintf(stderr, "aupctl notices send: %s\n", err);
		free(err);
		return 1;
	}
	printf("%u sent, %u to be tried again, %u given up\n", t.sent,
	    t.deferred, t.failed);
	return t.deferred + t.failed > 0 ? 1 : 0;
}

/* aupctl_notices - dispatch */
int
aupctl_notices(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	static const struct {
		const char *name;
		int	(*run)(const struct conf *, int, char **);
	} cmds[] = {
		{ "list", an_list }, { "retry", an_retry }, { "send", an_send },
	};
	struct conf *cf;
	int rc = 2;

	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]);
	    i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		cf = aupctl_conf_load(conf_path, registry, true);
		if (cf == NULL)
			return 2;
		rc = cmds[i].run(cf, argc - 1, argv + 1);
		conf_release(cf);
		break;
	}
	if (rc == 2)
		fputs(AN_USAGE, stderr);
	return rc;
}
