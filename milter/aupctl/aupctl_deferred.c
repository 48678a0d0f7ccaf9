/*
 * aupctl_deferred - list, send now or cancel deferred messages
 *
 * SYNOPSIS
 *	aupctl [-c FILE] deferred list [--status S] [--sender TEXT] [--json]
 *	aupctl [-c FILE] deferred send REF
 *	aupctl [-c FILE] deferred cancel REF
 *
 * DESCRIPTION
 *	Messages working-hours keeps until the school opens (SPEC 2.8),
 *	from the store's `deferred` table (store/deferred.h).  `send`
 *	(also `send-now`) re-injects one now, exactly as the daemon does
 *	at its due time, and records who sent it; `cancel` stops a
 *	waiting message from ever being sent (its files stay for the
 *	record).  Whoever runs aupctl acts for the sender, the office or
 *	the DSL; every command is audited in the event log with the
 *	user (and $SUDO_USER), as `aupctl quarantine` is.
 *
 * DIAGNOSTICS
 *	Exit 0 done, 1 refused or failed (why on stderr), 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <json-c/json.h>

#include "aupctl/aupctl.h"
#include "aupctl/aupctl_quarantine.h"
#include "config/school_pick.h"
#include "store/actions.h"
#include "store/deferred.h"
#include "util/xalloc.h"

#define AD_USAGE "usage: aupctl [-c FILE] deferred list [--status S] " \
	"[--sender TEXT] [--json]\n" \
	"       aupctl [-c FILE] deferred send REF | cancel REF\n"

/* ad_when - local "YYYY-MM-DD HH:MM" of a time, "-" for none */
static void
ad_when(time_t t, char buf[32])
{
	struct tm tm;

	if (t == 0) {
		snprintf(buf, 32, "-");
		return;
	}
	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/* ad_json - one row as JSON */
static json_object *
ad_json(const struct deferred_entry *e)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "ref", json_object_new_string(e->ref));
	json_object_object_add(o, "status", json_object_new_string(e->status));
	json_object_object_add(o, "time", json_object_new_int64(e->time));
	json_object_object_add(o, "due", json_object_new_int64(e->due));
	json_object_object_add(o, "due_text", e->due_text ?
	    json_object_new_string(e->due_text) : NULL);
	json_object_object_add(o, "sender", json_object_new_string(
	    e->sender ? e->sender : ""));
	json_object_object_add(o, "recipients", json_object_new_string(
	    e->recipients ? e->recipients : ""));
	json_object_object_add(o, "subject", e->subject ?
	    json_object_new_string(e->subject) : NULL);
	json_object_object_add(o, "sent_by", e->sent_by ?
	    json_object_new_string(e->sent_by) : NULL);
	json_object_object_add(o, "cancelled_by", e->cancelled_by ?
	    json_object_new_string(e->cancelled_by) : NULL);
	json_object_object_add(o, "last_error", e->last_error ?
	    json_object_new_string(e->last_error) : NULL);
	json_object_object_add(o, "school", json_object_new_string(
	    e->school ? e->school : ""));
	return o;
}

/* ad_print - one row for a person */
static void
ad_print(const struct deferred_entry *e)
{
	char due[32], when[32];
	char *sender = aq_clean(e->sender), *subject = aq_clean(e->subject);
	char *rcpts = aq_clean(e->recipients);

	ad_when(e->due, due);
	ad_when(e->time, when);
	printf("%s  %-9s due %s  (deferred %s)\n  from %s to %s\n  %s\n",
	    e->ref, e->status, due, when, sender[0] ? sender : "<>", rcpts,
	    subject);
	if (e->school != NULL && e->school[0] != '\0')
		printf("  school %s\n", e->school);
	free(sender);
	free(subject);
	free(rcpts);
}

/* ad_list - the list command */
static int
ad_list(struct aq *q, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "sender", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct deferred_filter f = { .school = q->actor.scope };
	struct deferred_entry *rows;
	bool json = false;
	char *err = NULL;
	long n;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			f.status = optarg;
		else if (c == 'f')
			f.sender = optarg;
		else if (c == 'j')
			json = true;
		else
			return 2;
	}
	if ((n = deferred_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl deferred list: %s\n", err);
		free(err);
		(void)aq_audit(q, "deferred-list", NULL, "failed", NULL);
		return 1;
	}
	if (json) {
		json_object *arr = json_object_new_array();

		for (long i = 0; i < n; i++)
			json_object_array_add(arr, ad_json(&rows[i]));
		aq_print_json(arr);
	} else {
		for (long i = 0; i < n; i++)
			ad_print(&rows[i]);
		printf("%ld deferred message%s\n", n, n == 1 ? "" : "s");
	}
	deferred_entries_free(rows, n);
	return aq_audit(q, "deferred-list", NULL, "ok", NULL) < 0 ? 1 : 0;
}

/* ad_ref - the REF argument (any case); NULL on bad usage */
static const char *
ad_ref(int argc, char **argv)
{
	for (char *p = argc == 2 ? argv[1] : (char *)""; *p != '\0'; p++)
		*p = g_ascii_toupper(*p);
	if (argc != 2 || !actions_valid_ref(argv[1])) {
		fprintf(stderr, "aupctl deferred %s: give one reference code\n",
		    argv[0]);
		return NULL;
	}
	return argv[1];
}

/*
 * ad_school - the snapshot of the school of deferred message `ref`, when
 * this command may act on it; NULL (audited) when the school asked for
 * is another, or when no school of that name is configured now
 */
static const struct conf *
ad_school(struct aq *q, const char *action, const char *ref)
{
	struct deferred_entry e;
	const struct conf *sc = q->cf;

	if (deferred_get(q->st, ref, &e, NULL) != 1)
		return q->actor.scope == NULL ? q->cf : (aq_in_scope(q, action,
		    ref, NULL), NULL);
	if (!aq_in_scope(q, action, ref, e.school))
		sc = NULL;
	else if ((sc = conf_school_named(q->cf, e.school)) == NULL)
		fprintf(stderr, "aupctl %s: %s belongs to school %s, which "
		    "is not configured now\n", action, ref, e.school);
	q->actor.school = e.school != NULL && sc != NULL ? sc->id : NULL;
	deferred_entry_clear(&e);
	return sc;
}

/* ad_send - send one now */
static int
ad_send(struct aq *q, int argc, char **argv)
{
	const char *ref = ad_ref(argc, argv);
	const char *by = q->sudo_user != NULL ? q->sudo_user : q->user;
	const struct conf *sc;
	char *err = NULL;
	int rc;

	if (ref == NULL)
		return 2;
	if ((sc = ad_school(q, "deferred-send", ref)) == NULL) {
		fprintf(stderr, "aupctl deferred send: no deferred message "
		    "%s\n", ref);
		return 1;
	}
	/* The message's own school's settings. */
	rc = deferred_send(sc, ref, by, time(NULL), &err);
	if (rc > 0)
		printf("%s sent now\n", ref);
	else
		fprintf(stderr, "aupctl deferred send: %s\n", err ? err : "?");
	free(err);
	if (aq_audit(q, "deferred-send", ref, rc > 0 ? "ok" : rc == 0 ?
	    "refused" : "failed", NULL) < 0)
		return 1;
	return rc > 0 ? 0 : 1;
}

/* ad_cancel - cancel one */
static int
ad_cancel(struct aq *q, int argc, char **argv)
{
	const char *ref = ad_ref(argc, argv);
	const char *by = q->sudo_user != NULL ? q->sudo_user : q->user;
	char *err = NULL;
	int rc;

	if (ref == NULL)
		return 2;
	if (ad_school(q, "deferred-cancel", ref) == NULL) {
		fprintf(stderr, "aupctl deferred cancel: no deferred message "
		    "%s\n", ref);
		return 1;
	}
	rc = deferred_cancel(q->st, ref, by, time(NULL), &err);
	if (rc > 0)
		printf("%s cancelled: it will not be sent\n", ref);
	else if (rc == 0)
		fprintf(stderr, "aupctl deferred cancel: %s is not waiting "
		    "(sent, cancelled or unknown)\n", ref);
	else
		fprintf(stderr, "aupctl deferred cancel: %s\n", err);
	free(err);
	if (aq_audit(q, "deferred-cancel", ref, rc > 0 ? "ok" : rc == 0 ?
	    "refused" : "failed", NULL) < 0)
		return 1;
	return rc > 0 ? 0 : 1;
}

/* aupctl_deferred - dispatch a subcommand */
int
aupctl_deferred(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	static const struct {
		const char *name;
		int	(*run)(struct aq *, int, char **);
	} cmds[] = {
		{ "list", ad_list }, { "send", ad_send },
		{ "send-now", ad_send }, { "cancel", ad_cancel },
	};
	int rc = 2;

	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]);
	    i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		rc = aq_run(conf_path, argc - 1, argv + 1, registry,
		    cmds[i].run);
		break;
	}
	if (rc == 2)
		fputs(AD_USAGE, stderr);
	return rc;
}
