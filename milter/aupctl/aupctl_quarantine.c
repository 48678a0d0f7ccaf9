/*
 * aupctl_quarantine - the DSL's review of held messages
 *
 * SYNOPSIS
 *	aupctl -c FILE quarantine list [--policy NAME] [--since YYYY-MM-DD]
 *	    [--sender TEXT] [--recipient TEXT] [--status STATUS | --all]
 *	    [--json]
 *	aupctl -c FILE quarantine show REF [--raw]
 *	aupctl -c FILE quarantine release REF [--to ADDR]... [--reason TEXT]
 *	aupctl -c FILE quarantine delete REF [--reason TEXT]
 *	aupctl -c FILE quarantine review REF [--reason TEXT]
 *	aupctl -c FILE quarantine expire
 *	aupctl -c FILE quarantine digest
 *
 * DESCRIPTION
 *	list shows held messages, oldest first (--all: released, deleted
 *	and expired ones too); --sender and --recipient match any part of
 *	an address.  Entries whose files exist but which the index lacks
 *	(the index could not be written when they were held) are indexed
 *	first.  expire removes the files of messages held longer than
 *	[milter] quarantine_days and marks them expired; run it daily.
 *	digest queues one notice to the DSL of the messages held since
 *	the last one (for notify = digest; run it daily); the daemon's
 *	notice sender (or `aupctl notices send`) delivers it.  show,
 *	release, delete and review are in aupctl_quarantine_show.c; the
 *	actions themselves are store/actions.c, which the console calls
 *	too.
 *
 *	Nothing here opens, runs or parses an attachment.  Every command
 *	first opens the event log and writes one audit record per action
 *	(event log and the store's audit table) with the acting Unix user
 *	(and SUDO_USER when run through sudo);
 *	without an audit trail it refuses to act.
 *
 *	Deployment: reviewers run aupctl as the milter's user through a
 *	sudo rule (sudo -u aup-milter aupctl quarantine ...), so they need
 *	no root and cannot touch the files except through these audited
 *	commands; SUDO_USER names them in the audit events.
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 refused or failed (why on stderr); 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl_quarantine.h"
#include "aupctl/aupctl_school.h"
#include "config/school_pick.h"
#include "store/content.h"
#include "store/store.h"
#include "store/actions.h"
#include "store/notices.h"
#include "store/notify.h"
#include "store/qindex.h"
#include "store/quarantine.h"
#include "engine/ref.h"
#include "util/date.h"
#include "util/xalloc.h"
#include "util/json_member.h"

#define AQ_USAGE \
	"usage: aupctl [-c FILE] quarantine list [--policy NAME] " \
	"[--since YYYY-MM-DD]\n" \
	"           [--sender TEXT] [--recipient TEXT] [--status STATUS | " \
	"--all] [--json]\n" \
	"       aupctl [-c FILE] quarantine show REF [--raw]\n" \
	"       aupctl [-c FILE] quarantine release REF [--to ADDR]... " \
	"[--reason TEXT]\n" \
	"       aupctl [-c FILE] quarantine delete|review REF " \
	"[--reason TEXT]\n" \
	"       aupctl [-c FILE] quarantine expire | digest\n"

/* aq_clean - control characters, C1 and bidi controls made visible */
char *
aq_clean(const char *s)
{
	GString *out = g_string_new(NULL);
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	for (; *p != '\0'; p++) {
		if (*p == '\t')
			g_string_append_c(out, ' ');
		else if (*p < 0x20 || *p == 0x7f)
			g_string_append_c(out, '?');
		else if (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f) {
			g_string_append_printf(out, "\\u%04x", p[1]);
			p++;
		} else if (p[0] == 0xe2 && p[1] == 0x80 && p[2] >= 0xaa &&
		    p[2] <= 0xae) {
			g_string_append_printf(out, "\\u20%02x", p[2] - 0x80);
			p += 2;
		} else if (p[0] == 0xe2 && p[1] == 0x81 && p[2] >= 0xa6 &&
		    p[2] <= 0xa9) {
			g_string_append_printf(out, "\\u20%02x", p[2] - 0x20);
			p += 2;
		} else
			g_string_append_c(out, (char)*p);
	}
	return g_string_free(out, FALSE);
}

/* aq_when - local time for people */
void
aq_when(time_t t, char buf[32])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/* aq_print_json - a --json answer */
void
aq_print_json(json_object *o)
{
	printf("%s\n", json_object_to_json_string_ext(o,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

/* aq_audit - one audit record (event log and the store's table) */
int
aq_audit(struct aq *q, const char *action, const char *ref,
    const char *result, json_object *extra)
{
	return actions_record(q->cf, &q->actor, action, ref, result, NULL,
	    NULL, extra);
}

/* aq_meta - the stored metadata (REF.json) */
json_object *
aq_meta(const struct aq *q, const char *ref)
{
	char *err = NULL, *text = content_meta(q->st, CONTENT_HELD, ref, &err);
	json_object *o = text != NULL ? json_tokener_parse(text) : NULL;

	if (o == NULL)
		fprintf(stderr, "aupctl quarantine: %s\n", err != NULL ? err :
		    "the stored metadata is not JSON");
	free(text);
	free(err);
	return o;
}

/* aq_json_or - a string member, or `def` */
static const char *
aq_json_or(json_object *o, const char *key, const char *def)
{
	const char *v = json_member_string(o, key);

	return v != NULL ? v : def;
}

/* aq_entry_from_meta - an index row from a stored REF.json */
static void
aq_entry_from_meta(json_object *o, const char *ref, time_t mtime,
    struct qindex_entry *e)
{
	GString *rcpts = g_string_new(NULL), *held = g_string_new(NULL);
	json_object *arr, *p;
	const char *decided = json_member_string(o, "decided_by");

	memset(e, 0, sizeof(*e));
	e->ref = xstrdup(ref);
	e->time = mtime;
	e->direction = xstrdup(aq_json_or(o, "direction", "inbound"));
	e->sender = xstrdup(aq_json_or(o, "sender", ""));
	e->subject = json_member_string(o, "subject") ?
	    xstrdup(json_member_string(o, "subject")) : NULL;
	e->policy = xstrdup(decided ? decided : "");
	if (json_object_object_get_ex(o, "recipients", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			g_string_append_printf(rcpts, "%s%s", i ? ", " : "",
			    json_object_get_string(json_object_array_get_idx(
			    arr, i)));
	arr = json_object_object_get_ex(o, "policies", &arr) ? arr : NULL;
	for (size_t i = 0; arr != NULL && i < json_object_array_length(arr);
	    i++) {
		p = json_object_array_get_idx(arr, i);
		if (strcmp(aq_json_or(p, "result", ""), "quarantine") == 0)
			g_string_append_printf(held, "%s%s", held->len ? "," :
			    "", aq_json_or(p, "name", ""));
		if (decided && strcmp(aq_json_or(p, "name", ""), decided) ==
		    0 && e->reason == NULL)
			e->reason = xstrdup(aq_json_or(p, "reason", ""));
	}
	e->recipients = g_string_free(rcpts, FALSE);
	e->policies = g_string_free(held, FALSE);
	e->size = json_object_get_int64(json_object_object_get(o, "size"));
	e->school = xstrdup(json_member_text(o, "school"));
}

/* aq_sync_one - index one stored entry the index lacks */
static void
aq_sync_one(struct aq *q, const char *ref)
{
	char *path = xasprintf("%s/messages/%s.json", q->dir, ref), *err = NULL;
	json_object *o = json_object_from_file(path);
	struct qindex_entry e;
	struct stat st;

	if (o != NULL && stat(path, &st) == 0) {
		aq_entry_from_meta(o, ref, st.st_mtime, &e);
		if (qindex_add(q->st, &e, &err) < 0)
			fprintf(stderr, "aupctl quarantine: %s\n", err);
		qindex_entry_clear(&e);
	}
	json_object_put(o);
	free(path);
	free(err);
}

/* aq_sync - index every REF.json the index lacks (the files of the
 * sqlite backend; PostgreSQL keeps both in one database); 0 or -1 */
static int
aq_sync(struct aq *q)
{
	struct qindex_filter all = { 0 };
	struct qindex_entry *rows = NULL;
	char *msgdir = xasprintf("%s/messages", q->dir), *err = NULL;
	long n = store_shared(q->st) ? 0 : qindex_list(q->st, &all, &rows,
	    &err);
	GHashTable *known = g_hash_table_new(g_str_hash, g_str_equal);
	DIR *d = opendir(msgdir);
	struct dirent *de;

	if (n < 0)
		fprintf(stderr, "aupctl quarantine: %s\n", err);
	for (long i = 0; i < n; i++)
		g_hash_table_add(known, rows[i].ref);
	while (n >= 0 && !store_shared(q->st) && d != NULL &&
	    (de = readdir(d)) != NULL) {
		char ref[REF_LEN + 1];
		size_t len = strlen(de->d_name);

		if (len != REF_LEN + 5 || strcmp(de->d_name + REF_LEN,
		    ".json") != 0)
			continue;
		snprintf(ref, sizeof(ref), "%.*s", REF_LEN, de->d_name);
		if (actions_valid_ref(ref) && !g_hash_table_contains(known, ref))
			aq_sync_one(q, ref);
	}
	if (d != NULL)
		closedir(d);
	g_hash_table_destroy(known);
	qindex_entries_free(rows, n);
	free(msgdir);
	free(err);
	return n < 0 ? -1 : 0;
}

/* aq_entry_json - one row as JSON */
static json_object *
aq_entry_json(const struct qindex_entry *e)
{
	json_object *o = json_object_new_object();
	char when[32];

	aq_when(e->time, when);
#define AQ_STR(k, v) json_object_object_add(o, k, (v) != NULL ? \
	json_object_new_string(v) : NULL)
	AQ_STR("ref", e->ref);
	AQ_STR("time", when);
	json_object_object_add(o, "epoch", json_object_new_int64(e->time));
	AQ_STR("status", e->status);
	AQ_STR("direction", e->direction);
	AQ_STR("sender", e->sender);
	AQ_STR("recipients", e->recipients);
	AQ_STR("subject", e->subject);
	AQ_STR("policy", e->policy);
	AQ_STR("policies", e->policies);
	AQ_STR("reason", e->reason);
	json_object_object_add(o, "size", json_object_new_int64(e->size));
	AQ_STR("released_by", e->released_by);
	AQ_STR("released_to", e->released_to);
	AQ_STR("deleted_by", e->deleted_by);
	AQ_STR("school", e->school);
	json_object_object_add(o, "delivered", json_object_new_boolean(
	    e->delivered_at != 0));
#undef AQ_STR
	return o;
}

/* aq_print_entry - one row for people */
static void
aq_print_entry(const struct qindex_entry *e)
{
	char when[32];
	char *from = aq_clean(e->sender && e->sender[0] ? e->sender : "<>");
	char *to = aq_clean(e->recipients), *subj = aq_clean(e->subject ?
	    e->subject : "(no subject)"), *why = aq_clean(e->reason);

	aq_when(e->time, when);
	printf("%s  %s  %-8s  %-11s  %s\n", e->ref, when, e->direction,
	    e->policy, e->status);
	if (e->school != NULL && e->school[0] != '\0')
		printf("    School:  %s\n", e->school);
	printf("    From:    %s\n    To:      %s\n    Subject: %s\n"
	    "    Why:     %s\n", from, to, subj, why);
	free(from);
	free(to);
	free(subj);
	free(why);
}

/* aq_list_parse - list options into a filter; -1 on bad usage */
static int
aq_list_parse(int argc, char **argv, struct qindex_filter *f, bool *json)
{
	static const struct option opts[] = {
		{ "policy", required_argument, NULL, 'p' },
		{ "since", required_argument, NULL, 's' },
		{ "sender", required_argument, NULL, 'f' },
		{ "recipient", required_argument, NULL, 'r' },
		{ "status", required_argument, NULL, 'S' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	f->status = "held";
	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': f->policy = optarg; break;
		case 'f': f->sender = optarg; break;
		case 'r': f->recipient = optarg; break;
		case 'S': f->status = optarg; break;
		case 'a': f->status = NULL; break;
		case 'j': *json = true; break;
		case 's':
			if ((f->since = date_day_start_of(optarg)) == (time_t)-1) {
				fprintf(stderr, "aupctl quarantine list: "
				    "--since wants YYYY-MM-DD\n");
				return -1;
			}
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* aq_list - the list subcommand */
static int
aq_list(struct aq *q, int argc, char **argv)
{
	struct qindex_filter f = { 0 };
	struct qindex_entry *rows;
	bool json = false;
	char *err = NULL;
	long n;

	if (aq_list_parse(argc, argv, &f, &json) < 0)
		return 2;
	f.school = q->actor.scope;
	if (aq_sync(q) < 0 || (n = qindex_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl quarantine list: %s\n", err ? err :
		    "cannot read the index");
		free(err);
		(void)aq_audit(q, "list", NULL, "failed", NULL);
		return 1;
	}
	if (json) {
		json_object *arr = json_object_new_array();

		for (long i = 0; i < n; i++)
			json_object_array_add(arr, aq_entry_json(&rows[i]));
		aq_print_json(arr);
	} else {
		for (long i = 0; i < n; i++)
			aq_print_entry(&rows[i]);
		printf("%ld message%s%s%s\n", n, n == 1 ? "" : "s",
		    f.status ? " " : "", f.status ? f.status : "");
	}
	qindex_entries_free(rows, n);
	return aq_audit(q, "list", NULL, "ok",
	    json_object_new_object()) < 0 ? 1 : 0;
}

/* aq_expire_one - remove one old entry's files and mark it */
static int
aq_expire_one(struct aq *q, const struct qindex_entry *e)
{
	json_object *x = json_object_new_object();
	char *err = NULL;
	int rc = content_delete(q->st, CONTENT_HELD, e->ref, &err) < 0 ? -1 :
	    qindex_expire(q->st, e->ref, &err);

	if (rc < 0 && err != NULL)
		fprintf(stderr, "aupctl quarantine expire: %s\n", err);
	json_object_object_add(x, "held_at", json_object_new_int64(e->time));
	json_object_object_add(x, "previous_status",
	    json_object_new_string(e->status));
	free(err);
	if (aq_audit(q, "expire", e->ref, rc < 0 ? "failed" : "ok",
	    x) < 0)
		return -1;
	return rc < 0 ? -1 : 0;
}

/* aq_expire - remove what is older than quarantine_days */
static int
aq_expire(struct aq *q, int argc, char **argv)
{
	struct qindex_filter f = { .with_files = true };
	struct qindex_entry *rows;
	char *err = NULL;
	long n, done = 0;
	int rc = 0;

	(void)argv;
	if (argc != 1)
		return 2;
	if (q->cf->milter.quarantine_days == 0) {
		printf("quarantine_days = 0: held messages are kept until "
		    "deleted\n");
		return aq_audit(q, "expire", NULL, "ok", NULL) < 0;
	}
	f.before = time(NULL) - (time_t)q->cf->milter.quarantine_days * 86400;
	f.school = q->actor.scope;
	if (aq_sync(q) < 0 || (n = qindex_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl quarantine expire: %s\n", err ? err :
		    "cannot read the index");
		free(err);
		return 1;
	}
	for (long i = 0; i < n; i++) {
		if (aq_expire_one(q, &rows[i]) < 0)
			rc = 1;
		else
			done++;
	}
	printf("%ld message%s older than %ld days removed\n", done,
	    done == 1 ? "" : "s", q->cf->milter.quarantine_days);
	qindex_entries_free(rows, n);
	return rc;
}

/* aq_digest_school - one school's digest (sc: its snapshot); 0 or 1 */
static int
aq_digest_school(struct aq *q, const struct conf *sc)
{
	struct qindex_filter f = { .status = "held", .unnotified = true,
	    .school = conf_school_name(sc) };
	const char *label = f.school != NULL ? f.school : "digest";
	struct qindex_entry *rows;
	struct notice note = { 0 };
	char *err = NULL;
	long n;
	int rc = 0;

	if (sc->school.dsl == NULL) {
		fprintf(stderr, "aupctl quarantine digest: %s%s[school] dsl "
		    "is not set\n", f.school ? f.school : "", f.school ?
		    ": " : "");
		return 1;
	}
	if ((n = qindex_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl quarantine digest: %s\n", err);
		free(err);
		return 1;
	}
	/* The school's own DSL, templates and wording. */
	if (n > 0) {
		if (notify_compose_digest(sc, rows, n, &note) < 0 ||
		    notices_enqueue(q->st, &note, time(NULL), &err) < 0) {
			fprintf(stderr, "aupctl quarantine digest: %s\n",
			    err ? err : "no notify-digest template");
			rc = 1;
		}
		for (long i = 0; rc == 0 && i < n; i++)
			(void)qindex_notified(q->st, rows[i].ref, time(NULL),
			    NULL);
		notify_notice_clear(&note);
	}
	printf("%s: %ld message%s%s\n", label, n, n == 1 ? "" : "s",
	    rc ? " (not queued)" : n > 0 ? " (queued for the DSL)" : "");
	qindex_entries_free(rows, n);
	free(err);
	return rc;
}

/* aq_digest - one notice to each school's DSL of what was held since
 * the last */
static int
aq_digest(struct aq *q, int argc, char **argv)
{
	const struct conf *cf = q->cf;
	int rc = 0;

	(void)argv;
	if (argc != 1)
		return 2;
	if (aq_sync(q) < 0)
		return 1;
	if (cf->nschools == 0)
		rc = aq_digest_school(q, cf);
	for (size_t i = 0; i < cf->nschools; i++)
		if (actions_in_scope(q->actor.scope, cf->schools[i]->id))
			rc |= aq_digest_school(q, cf->schools[i]);
	if (aq_audit(q, "digest", NULL, rc ? "failed" : "ok",
	    NULL) < 0)
		return 1;
	return rc;
}

/* aq_setup - configuration, audit trail and acting user; -1 on failure */
int
aq_setup(struct aq *q, const char *conf_path,
    const struct policy *const *registry)
{
	struct passwd *pw = getpwuid(getuid());

	q->cf = aupctl_conf_load(conf_path, registry, false);
	if (q->cf == NULL)
		return -1;
	q->dir = q->cf->milter.quarantine_dir;
	q->st = store_of(q->cf);
	q->user = pw != NULL ? xstrdup(pw->pw_name) :
	    xasprintf("uid %ld", (long)getuid());
	q->sudo_user = getenv("SUDO_USER");
	q->actor.user = q->sudo_user != NULL ? q->sudo_user : q->user;
	q->actor.via = "aupctl";
	q->actor.unix_user = q->user;
	q->actor.sudo_user = q->sudo_user;
	q->audit = eventlog_open(q->cf->milter.event_log);
	if (q->audit == NULL) {
		fprintf(stderr, "aupctl quarantine: cannot open the event log "
		    "%s for the audit trail: %s\n", q->cf->milter.event_log,
		    strerror(errno));
		return -1;
	}
	q->actor.events = q->audit;
	if (aupctl_check_school(q->cf, "quarantine", q->school) < 0)
		return -1;
	q->actor.scope = q->school;
	q->actor.school = q->school;
	return 0;
}

/* aq_in_scope - a row of the school asked for (or of any) */
bool
aq_in_scope(struct aq *q, const char *action, const char *ref,
    const char *school)
{
	char *msg = NULL;

	if (actions_in_scope(q->actor.scope, school))
		return true;
	actions_refuse_unseen(q->cf, &q->actor, action, ref, NULL, &msg);
	free(msg);
	return false;
}

/* aq_run - one subcommand with its setup */
int
aq_run(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry,
    int (*run)(struct aq *, int, char **))
{
	struct aq q = { 0 };
	int rc;

	if (aupctl_take_school(&argc, argv, &q.school) < 0) {
		fprintf(stderr, "aupctl: --school wants one school's name\n");
		return 2;
	}
	if (aq_setup(&q, conf_path, registry) < 0)
		rc = 1;
	else
		rc = run(&q, argc, argv);
	aq_teardown(&q);
	return rc;
}

/* aq_teardown - free what aq_setup made */
void
aq_teardown(struct aq *q)
{
	q->audit = eventlog_close(q->audit);
	q->cf = conf_release(q->cf);
	free(q->user);
}

/* aupctl_quarantine - dispatch a subcommand */
int
aupctl_quarantine(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	static const struct {
		const char *name;
		int	(*run)(struct aq *, int, char **);
	} cmds[] = {
		{ "list", aq_list }, { "show", aq_show },
		{ "release", aq_release }, { "delete", aq_delete },
		{ "review", aq_review },
		{ "expire", aq_expire }, { "digest", aq_digest },
	};
	int rc = 2;

	for (size_t i = 0; argc >= 2 && i < sizeof(cmds) / sizeof(cmds[0]);
	    i++) {
		if (strcmp(argv[1], cmds[i].name) != 0)
			continue;
		/* A reference typed in lower case is the same reference. */
		if (argc >= 3 && argv[2][0] != '-' &&
		    (strcmp(argv[1], "show") == 0 ||
		    strcmp(argv[1], "release") == 0 ||
		    strcmp(argv[1], "delete") == 0))
			for (char *p = argv[2]; *p != '\0'; p++)
				*p = g_ascii_toupper(*p);
		rc = aq_run(conf_path, argc - 1, argv + 1, registry,
		    cmds[i].run);
		break;
	}
	if (rc == 2)
		fputs(AQ_USAGE, stderr);
	return rc;
}
