/*
 * aupctl_audit - `aupctl audit`: read the store's audit trail
 *
 * SYNOPSIS
 *	aupctl -c FILE audit [--since YYYY-MM-DD] [--user USER]
 *	    [--action ACTION] [--ref REF] [--limit N] [--json]
 *	    [--school NAME]
 *
 * DESCRIPTION
 *	Lists who did what to which message, newest first: the same rows
 *	as the console's Audit page (releases, deletions, reviews, views,
 *	sign-ins, refused attempts).  With --school only the rows of that
 *	school (its messages and its people); without it every school.
 *	Reading the trail is itself recorded ("audit-list").
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 the store cannot be read; 2 bad usage.
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
#include "store/audit.h"
#include "util/date.h"
#include "util/xalloc.h"

#define AU_USAGE "usage: aupctl [-c FILE] audit [--since YYYY-MM-DD] " \
	"[--user USER] [--action ACTION]\n" \
	"           [--ref REF] [--limit N] [--json] [--school NAME]\n"

/* au_json - one row as JSON */
static json_object *
au_json(const struct audit_row *r)
{
	json_object *o = json_object_new_object();

#define AU_STR(k, v) json_object_object_add(o, k, (v) != NULL ? \
	json_object_new_string(v) : NULL)
	json_object_object_add(o, "time", json_object_new_int64(r->time));
	AU_STR("user", r->user);
	AU_STR("role", r->role);
	AU_STR("via", r->via);
	AU_STR("address", r->address);
	AU_STR("action", r->action);
	AU_STR("ref", r->ref);
	AU_STR("result", r->result);
	AU_STR("reason", r->reason);
	AU_STR("detail", r->detail);
	AU_STR("school", r->school);
#undef AU_STR
	return o;
}

/* au_print - one row for people (every value made safe to print) */
static void
au_print(const struct audit_row *r)
{
	char when[32];
	char *v[6] = { aq_clean(r->user), aq_clean(r->action),
	    aq_clean(r->ref), aq_clean(r->school), aq_clean(r->reason),
	    aq_clean(r->detail) };

	aq_when(r->time, when);
	printf("%s  %-12s %-8s %-16s %-10s %-8s %s\n", when, v[0],
	    r->via ? r->via : "", v[1], v[2][0] ? v[2] : "-",
	    r->result ? r->result : "", v[3][0] ? v[3] : "-");
	if (v[4][0] != '\0' || v[5][0] != '\0')
		printf("    %s%s%s\n", v[4], v[4][0] && v[5][0] ? "; " : "",
		    v[5]);
	for (size_t i = 0; i < 6; i++)
		free(v[i]);
}

/* au_parse - options into a filter; -1 on bad usage */
static int
au_parse(int argc, char **argv, struct audit_filter *f, bool *json)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "user", required_argument, NULL, 'u' },
		{ "action", required_argument, NULL, 'a' },
		{ "ref", required_argument, NULL, 'r' },
		{ "limit", required_argument, NULL, 'l' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	char *end;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if ((f->since = date_day_start_of(optarg)) ==
			    (time_t)-1)
				return -1;
			break;
		case 'u': f->user = optarg; break;
		case 'a': f->action = optarg; break;
		case 'r': f->ref = optarg; break;
		case 'j': *json = true; break;
		case 'l':
			f->limit = strtol(optarg, &end, 10);
			if (*end != '\0' || f->limit <= 0)
				return -1;
			break;
		default:
			return -1;
		}
	}
	return optind == argc ? 0 : -1;
}

/* au_list - the rows of the filter */
static int
au_list(struct aq *q, int argc, char **argv)
{
	struct audit_filter f = { 0 };
	struct audit_row *rows;
	bool json = false;
	char *err = NULL;
	long n;

	if (au_parse(argc, argv, &f, &json) < 0)
		return 2;
	f.school = q->actor.scope;
	if ((n = audit_list(q->st, &f, &rows, &err)) < 0) {
		fprintf(stderr, "aupctl audit: %s\n", err);
		free(err);
		(void)aq_audit(q, "audit-list", NULL, "failed", NULL);
		return 1;
	}
	if (json) {
		json_object *arr = json_object_new_array();

		for (long i = 0; i < n; i++)
			json_object_array_add(arr, au_json(&rows[i]));
		aq_print_json(arr);
	} else {
		for (long i = 0; i < n; i++)
			au_print(&rows[i]);
		printf("%ld record%s\n", n, n == 1 ? "" : "s");
	}
	audit_rows_free(rows, n);
	return aq_audit(q, "audit-list", NULL, "ok", NULL) < 0 ? 1 : 0;
}

/* aupctl_audit - the audit command */
int
aupctl_audit(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	int rc = aq_run(conf_path, argc, argv, registry, au_list);

	if (rc == 2)
		fputs(AU_USAGE, stderr);
	return rc;
}
