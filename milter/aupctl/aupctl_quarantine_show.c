/*
 * aupctl_quarantine_show - show, release, delete or review one held
 * message
 *
 * SYNOPSIS
 *	aq_show(), aq_release(), aq_delete(), aq_review()
 *
 * DESCRIPTION
 *	show prints what the milter recorded when it held the message
 *	(envelope, client, each policy's result and reason, the attachment
 *	records of the analysis: name, detected type, size, SHA-256,
 *	encryption) and the stored headers, every string made safe for a
 *	terminal.  It never opens, decodes or runs an attachment.  --raw
 *	copies the stored .eml byte for byte to standard output (refused
 *	on a terminal) for analysis elsewhere.
 *
 *	release, delete and review are store/actions.c, the one
 *	implementation the console calls too: release re-injects the
 *	stored message once, to its original envelope recipients or to
 *	the --to addresses, with an X-AUP-Release mark; delete removes
 *	the files and keeps the index row; review marks it looked at and
 *	leaves it held.  --reason is recorded in the audit trail.
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 refused or failed (why on stderr); 2 bad usage.
 *	Each action writes one audit record: quarantine-show,
 *	quarantine-export, quarantine-release, quarantine-delete,
 *	quarantine-review.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "aupctl/aupctl_quarantine.h"
#include "store/content.h"
#include "store/store.h"
#include "store/qindex.h"
#include "store/quarantine.h"
#include "util/xalloc.h"
#include "util/json_member.h"

#define AQ_MAX_HEADER_LINES	300	/* header lines shown by show */

/* aq_lookup - the index row of a valid REF; 1 found, else prints why */
static int
aq_lookup(struct aq *q, const char *cmd, const char *ref,
    struct qindex_entry *e)
{
	char *err = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!actions_valid_ref(ref)) {
		fprintf(stderr, "aupctl quarantine %s: \"%s\" is not a "
		    "reference (10 letters and digits, as in the notice)\n",
		    cmd, ref);
		return 0;
	}
	rc = qindex_get(q->st, ref, e, &err);
	if (rc == 1 && !aq_in_scope(q, cmd, ref, e->school)) {
		qindex_entry_clear(e);
		rc = 0;
	}
	if (rc < 0)
		fprintf(stderr, "aupctl quarantine %s: %s\n", cmd, err);
	else if (rc == 0)
		fprintf(stderr, "aupctl quarantine %s: no held message %s\n",
		    cmd, ref);
	free(err);
	return rc;
}

/* aq_has_files - do the files of a row still exist? */
static bool
aq_has_files(const struct qindex_entry *e)
{
	return strcmp(e->status, "held") == 0 ||
	    strcmp(e->status, "released") == 0;
}

/* aq_show_line - "    Label:  value" with the value made safe */
static void
aq_show_line(const char *label, const char *value)
{
	char *v = aq_clean(value);

	if (label[0] == '\0')
		printf("  %s\n", v);
	else
		printf("  %-12s %s\n", label, v);
	free(v);
}

/* aq_show_state - status and review history */
static void
aq_show_state(const struct qindex_entry *e)
{
	char when[32], *line;

	aq_when(e->time, when);
	aq_show_line("Held:", when);
	if (e->released_at != 0) {
		aq_when(e->released_at, when);
		line = xasprintf("%s by %s to %s%s", when, e->released_by,
		    e->released_to ? e->released_to : "the original recipients",
		    e->delivered_at ? " (delivered)" : "");
		aq_show_line("Released:", line);
		free(line);
	}
	if (e->deleted_at != 0) {
		aq_when(e->deleted_at, when);
		line = xasprintf("%s by %s", when, e->deleted_by);
		aq_show_line("Deleted:", line);
		free(line);
	}
	if (e->reviewed_at != 0) {
		aq_when(e->reviewed_at, when);
		line = xasprintf("%s by %s", when, e->reviewed_by);
		aq_show_line("Reviewed:", line);
		free(line);
	}
	aq_show_line("Status:", e->status);
	if (e->school != NULL && e->school[0] != '\0')
		aq_show_line("School:", e->school);
}

/* aq_show_envelope - who sent it to whom, from where */
static void
aq_show_envelope(const struct qindex_entry *e, json_object *meta)
{
	char *size = xasprintf("%lld bytes", (long long)e->size);

	aq_show_line("Direction:", e->direction);
	aq_show_line("From:", e->sender[0] ? e->sender : "<>");
	aq_show_line("To:", e->recipients);
	aq_show_line("Subject:", e->subject ? e->subject : "(no subject)");
	aq_show_line("Header From:", json_member_text(meta, "header_from"));
	aq_show_line("Client:", json_member_text(meta, "client_addr"));
	aq_show_line("HELO:", json_member_text(meta, "helo"));
	aq_show_line("Login:", json_member_text(meta, "auth")[0] ?
	    json_member_text(meta, "auth") : "(none)");
	aq_show_line("Size:", size);
	free(size);
}

/* aq_show_policies - each policy's result and reason */
static void
aq_show_policies(const struct qindex_entry *e, json_object *meta)
{
	json_object *arr;
	char *line;

	printf("\nWhy it was held (%s):\n", e->policy);
	if (meta == NULL || !json_object_object_get_ex(meta, "policies", &arr))
		return;
	for (size_t i = 0; i < json_object_array_length(arr); i++) {
		json_object *p = json_object_array_get_idx(arr, i);

		line = xasprintf("%s%s%s", json_member_text(p, "result"),
		    json_member_text(p, "reason")[0] ? ": " : "",
		    json_member_text(p, "reason"));
		aq_show_line(json_member_text(p, "name"), line);
		free(line);
	}
}

/* aq_show_attachment - one analysis record: name, type, size, digest */
static void
aq_show_attachment(json_object *a)
{
	const char *path = json_member_text(a, "path"), *slash = strrchr(path, '/');
	const char *unins = json_member_text(a, "uninspectable");
	char *line, *where = slash != NULL ? xstrndup(path, (size_t)(slash -
	    path)) : xstrdup("");

	line = xasprintf("- %s%s%s (%s, %s bytes%s%s%s) sha256 %.16s",
	    json_member_text(a, "name")[0] ? json_member_text(a, "name") :
	    "(message text)", where[0] ? " inside " : "", where,
	    json_member_text(a, "type"), json_member_text(a, "size"),
	    json_object_get_boolean(json_object_object_get(a, "encrypted")) ?
	    ", encrypted" : "", unins[0] ? ", uninspectable: " : "", unins,
	    json_member_text(a, "sha256"));
	aq_show_line("", line);
	free(line);
	free(where);
}

/* aq_show_attachments - the analysis records (never the content) */
static void
aq_show_attachments(json_object *meta)
{
	json_object *arr;

	printf("\nParts and attachments (not opened):\n");
	if (meta == NULL || !json_object_object_get_ex(meta, "attachments",
	    &arr) || json_object_array_length(arr) == 0) {
		printf("  (none recorded)\n");
		return;
	}
	for (size_t i = 0; i < json_object_array_length(arr); i++)
		aq_show_attachment(json_object_array_get_idx(arr, i));
}

/* aq_show_headers - the stored header lines, made safe */
static void
aq_show_headers(const struct aq *q, const char *ref)
{
	size_t len = 0, cap = 0, shown = 0;
	char *data = content_eml(q->st, CONTENT_HELD, ref, &len, NULL);
	FILE *fp = data != NULL ? fmemopen(data, len, "r") : NULL;
	char *line = NULL;
	ssize_t n;

	printf("\nHeaders:\n");
	while (fp != NULL && (n = getline(&line, &cap, fp)) > 0 &&
	    shown < AQ_MAX_HEADER_LINES) {
		char *safe;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0)
			break;
		safe = aq_clean(line);
		printf("  %s\n", safe);
		free(safe);
		shown++;
	}
	if (fp == NULL)
		printf("  (the stored message is gone)\n");
	else
		fclose(fp);
	free(line);
	free(data);
}

/* aq_raw - copy the stored .eml to standard output */
static int
aq_raw(struct aq *q, const struct qindex_entry *e)
{
	char *data = NULL;
	size_t len = 0;
	int rc = 1;

	if (isatty(STDOUT_FILENO))
		fprintf(stderr, "aupctl quarantine show --raw: refusing to "
		    "write a message to a terminal; redirect it, e.g. > %s.eml"
		    "\n", e->ref);
	else if (!aq_has_files(e) || (data = content_eml(q->st, CONTENT_HELD,
	    e->ref, &len, NULL)) == NULL)
		fprintf(stderr, "aupctl quarantine show: %s is %s: the stored "
		    "message is gone\n", e->ref, e->status);
	else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
		fprintf(stderr, "aupctl quarantine show: write error\n");
	else
		rc = 0;
	free(data);
	if (aq_audit(q, "export", e->ref, rc ? "failed" : "ok",
	    NULL) < 0)
		return 1;
	return rc;
}

/* aq_show - the show subcommand */
int
aq_show(struct aq *q, int argc, char **argv)
{
	struct qindex_entry e;
	json_object *meta = NULL;
	bool raw = argc == 3 && strcmp(argv[2], "--raw") == 0;
	int rc;

	if (argc != 2 && !raw)
		return 2;
	if (aq_lookup(q, "show", argv[1], &e) != 1) {
		qindex_entry_clear(&e);
		return 1;
	}
	if (raw) {
		rc = aq_raw(q, &e);
		qindex_entry_clear(&e);
		return rc;
	}
	if (aq_has_files(&e))
		meta = aq_meta(q, e.ref);
	printf("Held message %s\n", e.ref);
	aq_show_state(&e);
	aq_show_envelope(&e, meta);
	aq_show_policies(&e, meta);
	aq_show_attachments(meta);
	if (aq_has_files(&e))
		aq_show_headers(q, e.ref);
	if (strcmp(e.status, "held") == 0)
		printf("\nTo deliver it once: aupctl quarantine release %s "
		    "--reason TEXT\nTo remove it:       aupctl quarantine "
		    "delete %s --reason TEXT\n", e.ref, e.ref);
	json_object_put(meta);
	rc = aq_audit(q, "show", e.ref, "ok", NULL) < 0 ? 1 : 0;
	qindex_entry_clear(&e);
	return rc;
}

/* aq_action_parse - REF, --to addresses (when `to` is not NULL) and
 * --reason; -1 on bad usage */
static int
aq_action_parse(int argc, char **argv, const char **ref, GPtrArray *to,
    const char **reason)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;	/* a fresh scan that permutes: REF --reason X */
	*reason = NULL;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 't' && to != NULL)
			g_ptr_array_add(to, optarg);
		else if (c == 'r')
			*reason = optarg;
		else
			return -1;
	}
	if (optind != argc - 1)
		return -1;
	*ref = argv[optind];
	return 0;
}

/* aq_report - print an action's outcome; the exit status */
static int
aq_report(const char *cmd, int rc, char *msg)
{
	if (rc == 0)
		printf("%s\n", msg);
	else
		fprintf(stderr, "aupctl quarantine %s: %s\n", cmd, msg ? msg :
		    "failed");
	free(msg);
	return rc == 0 ? 0 : 1;
}

/* aq_release - the release subcommand (store/actions.c) */
int
aq_release(struct aq *q, int argc, char **argv)
{
	GPtrArray *to = g_ptr_array_new();
	const char *ref = NULL, *reason;
	char *msg = NULL;
	int rc;

	if (aq_action_parse(argc, argv, &ref, to, &reason) < 0) {
		g_ptr_array_free(to, TRUE);
		return 2;
	}
	rc = actions_release(q->cf, &q->actor, ref,
	    (const char *const *)to->pdata, to->len, reason, &msg);
	g_ptr_array_free(to, TRUE);
	return aq_report("release", rc, msg);
}

/* aq_delete - the delete subcommand (store/actions.c) */
int
aq_delete(struct aq *q, int argc, char **argv)
{
	const char *ref = NULL, *reason;
	char *msg = NULL;
	int rc;

	if (aq_action_parse(argc, argv, &ref, NULL, &reason) < 0)
		return 2;
	rc = actions_delete(q->cf, &q->actor, ref, reason, &msg);
	return aq_report("delete", rc, msg);
}

/* aq_review - the review subcommand (store/actions.c) */
int
aq_review(struct aq *q, int argc, char **argv)
{
	const char *ref = NULL, *reason;
	char *msg = NULL;
	int rc;

	if (aq_action_parse(argc, argv, &ref, NULL, &reason) < 0)
		return 2;
	rc = actions_review(q->cf, &q->actor, ref, reason, &msg);
	return aq_report("review", rc, msg);
}
