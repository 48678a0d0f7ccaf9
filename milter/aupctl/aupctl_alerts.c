/*
 * aupctl_alerts - the DSL's safeguarding alerts on the shell (SPEC 2.6, 9)
 *
 * SYNOPSIS
 *	aupctl -c FILE alerts list [--status STATUS | --all] [--category NAME]
 *	    [--since YYYY-MM-DD] [--json]
 *	aupctl -c FILE alerts show ID [--json]
 *	aupctl -c FILE alerts set ID [--status STATUS] [--assign USER |
 *	    --unassign] [--note TEXT]
 *	aupctl -c FILE alerts close ID [--note TEXT]
 *
 * DESCRIPTION
 *	list shows alerts newest first, open and in progress ones unless
 *	--status or --all says otherwise: number, time, status, category,
 *	severity and score, whether the message was held, its reference,
 *	the sender and their role.  show adds the recipients, the assignee,
 *	the notes and the matched phrases with their context: the only
 *	place on the shell where they appear.  set changes the status
 *	(open, "in progress", closed) or the assignee and appends a note;
 *	close is set --status closed.  The console works on the same store
 *	functions (store/alerts.h).
 *
 *	Every command writes one audit event to the event log with the
 *	acting user (and SUDO_USER), like the quarantine commands; the
 *	event names the alert and the change, never a note's text or a
 *	matched phrase.  Without an audit trail nothing is done.
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 no such alert or a store error; 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "aupctl/aupctl.h"
#include "aupctl/aupctl_quarantine.h"
#include "store/alerts.h"
#include "util/date.h"
#include "util/xalloc.h"

#define AA_USAGE \
	"usage: aupctl [-c FILE] alerts list [--status STATUS | --all] " \
	"[--category NAME]\n" \
	"           [--since YYYY-MM-DD] [--json]\n" \
	"       aupctl [-c FILE] alerts show ID [--json]\n" \
	"       aupctl [-c FILE] alerts set ID [--status open|'in progress'|" \
	"closed]\n" \
	"           [--assign USER | --unassign] [--note TEXT]\n" \
	"       aupctl [-c FILE] alerts close ID [--note TEXT]\n"

/* aa_audit - one audit event about an alert (or the list) */
static int
aa_audit(struct aq *q, const char *event, int64_t id, const char *ref,
    const char *result, json_object *extra)
{
	json_object *o = extra != NULL ? extra : json_object_new_object();

	if (id > 0)
		json_object_object_add(o, "alert", json_object_new_int64(id));
	return aq_audit(q, event, ref, result, o);
}

/* aa_id - parse an alert number; 0 when not one */
static int64_t
aa_id(const char *s)
{
	char *end;
	long long n = strtoll(s, &end, 10);

	return *s != '\0' && *end == '\0' && n > 0 ? (int64_t)n : 0;
}

/* aa_json - one alert as JSON (with its matches and notes when full) */
static json_object *
aa_json(const struct alert_entry *e, bool full)
{
	json_object *o = json_object_new_object(), *a;

#define STR(k, v) json_object_object_add(o, k, (v) != NULL ? \
	json_object_new_string(v) : NULL)
	json_object_object_add(o, "id", json_object_new_int64(e->id));
	STR("ref", e->ref);
	json_object_object_add(o, "time", json_object_new_int64(e->time));
	STR("policy", e->policy);
	STR("category", e->category);
	json_object_object_add(o, "score", json_object_new_int64(e->score));
	STR("severity", e->severity);
	json_object_object_add(o, "held", json_object_new_boolean(e->held));
	STR("direction", e->direction);
	STR("sender", e->sender);
	STR("sender_role", e->sender_role);
	STR("recipients", e->recipients);
	STR("school", e->school);
	STR("status", e->status);
	STR("assignee", e->assignee);
	STR("updated_by", e->updated_by);
	if (!full)
		return o;
	a = json_object_new_array();
	for (size_t i = 0; i < e->nmatches; i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "phrase",
		    json_object_new_string(e->matches[i].phrase));
		json_object_object_add(m, "context",
		    json_object_new_string(e->matches[i].context));
		json_object_object_add(m, "weight",
		    json_object_new_int64(e->matches[i].weight));
		json_object_array_add(a, m);
	}
	json_object_object_add(o, "matches", a);
	a = json_object_new_array();
	for (size_t i = 0; i < e->nnotes; i++) {
		json_object *n = json_object_new_object();

		json_object_object_add(n, "time",
		    json_object_new_int64(e->notes[i].time));
		json_object_object_add(n, "by", e->notes[i].by ?
		    json_object_new_string(e->notes[i].by) : NULL);
		json_object_object_add(n, "text",
		    json_object_new_string(e->notes[i].text));
		json_object_array_add(a, n);
	}
	json_object_object_add(o, "notes", a);
#undef STR
	return o;
}

/* aa_print_row - one line of the list */
static void
aa_print_row(const struct alert_entry *e)
{
	char when[32], *sender = aq_clean(e->sender);

	aq_when(e->time, when);
	printf("%-5lld %s  %-11s %-15s %-6s %4ld  %-4s %s  %s (%s)\n",
	    (long long)e->id, when, e->status, e->category, e->severity,
	    e->score, e->held ? "held" : "-", e->ref, *sender ? sender : "<>",
	    e->sender_role ? e->sender_role : "?");
	free(sender);
}

/* aa_list_filter - options of list; -1 on a bad command line */
static int
aa_list_filter(int argc, char **argv, struct alert_filter *f, bool *json)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "all", no_argument, NULL, 'a' },
		{ "category", required_argument, NULL, 'c' },
		{ "since", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	bool all = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': f->status = optarg; break;
		case 'a': all = true; break;
		case 'c': f->category = optarg; break;
		case 'j': *json = true; break;
		case 'd':
			if ((f->since = date_day_start_of(optarg)) == (time_t)-1)
				return -1;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc || (f->status != NULL &&
	    !alerts_status_valid(f->status)))
		return -1;
	f->not_closed = f->status == NULL && !all;
	return 0;
}

/* aa_list - the list */
static int
aa_list(struct aq *q, int argc, char **argv)
{
	struct alert_filter f = { .school = q->actor.scope };
	struct alert_entry *rows;
	bool json = false;
	char *err = NULL;
	long n;

	if (aa_list_filter(argc, argv, &f, &json) < 0) {
		fputs(AA_USAGE, stderr);
		return 2;
	}
	if ((n = alerts_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl alerts: %s\n", err);
		free(err);
		(void)aa_audit(q, "alerts-list", 0, NULL, "failed", NULL);
		return 1;
	}
	if (json) {
		json_object *arr = json_object_new_array();

		for (long i = 0; i < n; i++)
			json_object_array_add(arr, aa_json(&rows[i], false));
		aq_print_json(arr);
	} else
		for (long i = 0; i < n; i++)
			aa_print_row(&rows[i]);
	alerts_entries_free(rows, n);
	return aa_audit(q, "alerts-list", 0, NULL, "ok", NULL) < 0 ? 1 : 0;
}

/* aa_print_full - show's text form */
static void
aa_print_full(const struct alert_entry *e)
{
	char when[32];

	aa_print_row(e);
	printf("To:        %s\nDirection: %s\nAssignee:  %s\nMessage:   "
	    "%s (aupctl quarantine show %s when held)\n", e->recipients,
	    e->direction, e->assignee ? e->assignee : "-", e->ref, e->ref);
	printf("Matched (for the DSL only):\n");
	for (size_t i = 0; i < e->nmatches; i++) {
		char *p = aq_clean(e->matches[i].phrase),
		    *c = aq_clean(e->matches[i].context);

		printf("  [%ld] %s\n      %s\n", e->matches[i].weight, p, c);
		free(p);
		free(c);
	}
	printf("Notes:\n");
	for (size_t i = 0; i < e->nnotes; i++) {
		char *t = aq_clean(e->notes[i].text);

		aq_when(e->notes[i].time, when);
		printf("  %s %s: %s\n", when, e->notes[i].by ?
		    e->notes[i].by : "?", t);
		free(t);
	}
}

/* aa_show - one alert with its evidence */
static int
aa_show(struct aq *q, int argc, char **argv)
{
	bool json = argc == 3 && strcmp(argv[2], "--json") == 0;
	int64_t id = argc >= 2 ? aa_id(argv[1]) : 0;
	struct alert_entry e;
	char *err = NULL;
	int rc;

	if (id == 0 || (argc != 2 && !json)) {
		fputs(AA_USAGE, stderr);
		return 2;
	}
	rc = alerts_get(q->st, id, &e, &err);
	if (rc == 1 && !aq_in_scope(q, "alerts-show", NULL, e.school)) {
		alerts_entry_clear(&e);
		return fprintf(stderr, "aupctl alerts: no such alert\n"), 1;
	}
	if (rc <= 0) {
		fprintf(stderr, "aupctl alerts: %s\n", rc < 0 ? err :
		    "no such alert");
		free(err);
		(void)aa_audit(q, "alerts-show", id, NULL, rc < 0 ? "failed" :
		    "not found", NULL);
		return 1;
	}
	if (json)
		aq_print_json(aa_json(&e, true));
	else
		aa_print_full(&e);
	rc = aa_audit(q, "alerts-show", id, e.ref, "ok", NULL) < 0 ? 1 : 0;
	alerts_entry_clear(&e);
	return rc;
}

/* aa_set_options - set's (and close's) options; -1 on a bad line */
static int
aa_set_options(int argc, char **argv, struct alert_update *u)
{
	static const struct option longopts[] = {
		{ "status", required_argument, NULL, 's' },
		{ "assign", required_argument, NULL, 'a' },
		{ "unassign", no_argument, NULL, 'u' },
		{ "note", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 2;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 's': u->status = optarg; break;
		case 'a': u->assignee = optarg; break;
		case 'u': u->assignee = ""; break;
		case 'n': u->note = optarg; break;
		default: return -1;
		}
	}
	if (optind != argc || (u->status != NULL &&
	    !alerts_status_valid(u->status)) ||
	    (u->note != NULL && *u->note == '\0'))
		return -1;
	return u->status || u->assignee || u->note ? 0 : -1;
}

/* aa_in_scope - is alert `id` of the school asked for? (audited if not) */
static bool
aa_in_scope(struct aq *q, int64_t id)
{
	struct alert_entry e;
	bool in;

	if (alerts_get(q->st, id, &e, NULL) != 1)
		return aq_in_scope(q, "alerts-set", NULL, NULL);
	in = aq_in_scope(q, "alerts-set", NULL, e.school);
	alerts_entry_clear(&e);
	return in;
}

/* aa_set - change an alert (close is set --status closed) */
static int
aa_set(struct aq *q, int argc, char **argv)
{
	bool close = strcmp(argv[0], "close") == 0;
	struct alert_update u = { .status = close ? "closed" : NULL };
	int64_t id = argc >= 2 ? aa_id(argv[1]) : 0;
	json_object *x;
	char *err = NULL;
	int rc;

	if (id == 0 || aa_set_options(argc, argv, &u) < 0 ||
	    (close && strcmp(u.status, "closed") != 0)) {
		fputs(AA_USAGE, stderr);
		return 2;
	}
	if (q->actor.scope != NULL && !aa_in_scope(q, id)) {
		fprintf(stderr, "aupctl alerts: no such alert\n");
		return 1;
	}
	rc = alerts_update(q->st, id, &u, q->sudo_user ? q->sudo_user :
	    q->user, time(NULL), &err);
	if (rc <= 0)
		fprintf(stderr, "aupctl alerts: %s\n", rc < 0 ? err :
		    "no such alert");
	free(err);
	x = json_object_new_object();
	if (u.status != NULL)
		json_object_object_add(x, "status",
		    json_object_new_string(u.status));
	if (u.assignee != NULL)
		json_object_object_add(x, "assignee",
		    json_object_new_string(u.assignee));
	json_object_object_add(x, "note", json_object_new_boolean(u.note !=
	    NULL));
	if (aa_audit(q, "alerts-set", id, NULL, rc < 0 ? "failed" : rc == 0 ?
	    "not found" : "ok", x) < 0)
		return 1;
	return rc == 1 ? 0 : 1;
}

/* aupctl_alerts - dispatch a subcommand */
int
aupctl_alerts(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	static const struct {
		const char *name;
		int	(*run)(struct aq *, int, char **);
	} cmds[] = {
		{ "list", aa_list }, { "show", aa_show }, { "set", aa_set },
		{ "close", aa_set },
	};
	int rc = 2;

	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]);
	    i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		return aq_run(conf_path, argc - 1, argv + 1, registry,
		    cmds[i].run);
	}
	fputs(AA_USAGE, stderr);
	return rc;
}
