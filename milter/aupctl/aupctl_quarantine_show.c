/*
 * aupctl_quarantine_show - show, release and delete one held message
 *
 * SYNOPSIS
 *	aq_show(), aq_release(), aq_delete()
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
 *	release re-injects the stored message with sendmail(1) (argument
 *	vector, no shell) to its original envelope recipients, or to the
 *	--to addresses, from its original envelope sender, with an
 *	X-AUP-Release mark in front (release.c).  The index records the
 *	release before the message is handed over (so the milter, which
 *	may see the copy at once, finds it released) and takes it back if
 *	sendmail fails; a message already released, deleted or expired is
 *	refused, so a release happens once.  delete removes the files and
 *	keeps the index row (status deleted) for the record.
 *
 * DIAGNOSTICS
 *	Exit 0 done; 1 refused or failed (why on stderr); 2 bad usage.
 *	Each action writes one audit event: quarantine-show,
 *	quarantine-export, quarantine-release, quarantine-delete.
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
#include "store/qindex.h"
#include "store/quarantine.h"
#include "store/release.h"
#include "store/sendmail.h"
#include "util/xalloc.h"

#define AQ_MAX_HEADER_LINES	300	/* header lines shown by show */

/* aq_lookup - the index row of a valid REF; 1 found, else prints why */
static int
aq_lookup(const struct aq *q, const char *cmd, const char *ref,
    struct qindex_entry *e)
{
	char *err = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!aq_valid_ref(ref)) {
		fprintf(stderr, "aupctl quarantine %s: \"%s\" is not a "
		    "reference (10 letters and digits, as in the notice)\n",
		    cmd, ref);
		return 0;
	}
	rc = qindex_get(q->dir, ref, e, &err);
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

/* aq_json_get - a member as a string for printing ("" if absent) */
static const char *
aq_json_get(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return "";
	return json_object_get_string(v);
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
	aq_show_line("Status:", e->status);
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
	aq_show_line("Header From:", aq_json_get(meta, "header_from"));
	aq_show_line("Client:", aq_json_get(meta, "client_addr"));
	aq_show_line("HELO:", aq_json_get(meta, "helo"));
	aq_show_line("Login:", aq_json_get(meta, "auth")[0] ?
	    aq_json_get(meta, "auth") : "(none)");
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

		line = xasprintf("%s%s%s", aq_json_get(p, "result"),
		    aq_json_get(p, "reason")[0] ? ": " : "",
		    aq_json_get(p, "reason"));
		aq_show_line(aq_json_get(p, "name"), line);
		free(line);
	}
}

/* aq_show_attachment - one analysis record: name, type, size, digest */
static void
aq_show_attachment(json_object *a)
{
	const char *path = aq_json_get(a, "path"), *slash = strrchr(path, '/');
	const char *unins = aq_json_get(a, "uninspectable");
	char *line, *where = slash != NULL ? xstrndup(path, (size_t)(slash -
	    path)) : xstrdup("");

	line = xasprintf("- %s%s%s (%s, %s bytes%s%s%s) sha256 %.16s",
	    aq_json_get(a, "name")[0] ? aq_json_get(a, "name") :
	    "(message text)", where[0] ? " inside " : "", where,
	    aq_json_get(a, "type"), aq_json_get(a, "size"),
	    json_object_get_boolean(json_object_object_get(a, "encrypted")) ?
	    ", encrypted" : "", unins[0] ? ", uninspectable: " : "", unins,
	    aq_json_get(a, "sha256"));
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
	char *path = quarantine_message_path(q->dir, ref), *line = NULL;
	FILE *fp = fopen(path, "r");
	size_t cap = 0, shown = 0;
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
	free(path);
}

/* aq_raw - copy the stored .eml to standard output */
static int
aq_raw(struct aq *q, const struct qindex_entry *e)
{
	char *path = quarantine_message_path(q->dir, e->ref);
	gchar *data = NULL;
	gsize len = 0;
	int rc = 1;

	if (isatty(STDOUT_FILENO))
		fprintf(stderr, "aupctl quarantine show --raw: refusing to "
		    "write a message to a terminal; redirect it, e.g. > %s.eml"
		    "\n", e->ref);
	else if (!aq_has_files(e) || !g_file_get_contents(path, &data, &len,
	    NULL))
		fprintf(stderr, "aupctl quarantine show: %s is %s: the stored "
		    "message is gone\n", e->ref, e->status);
	else if (fwrite(data, 1, len, stdout) != len || fflush(stdout) != 0)
		fprintf(stderr, "aupctl quarantine show: write error\n");
	else
		rc = 0;
	g_free(data);
	free(path);
	if (aq_audit(q, "quarantine-export", e->ref, rc ? "failed" : "ok",
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
		printf("\nTo deliver it once: aupctl quarantine release %s\n"
		    "To remove it:       aupctl quarantine delete %s\n", e.ref,
		    e.ref);
	json_object_put(meta);
	rc = aq_audit(q, "quarantine-show", e.ref, "ok", NULL) < 0 ? 1 : 0;
	qindex_entry_clear(&e);
	return rc;
}

/* aq_release_parse - REF and --to addresses; -1 on bad usage */
static int
aq_release_parse(int argc, char **argv, const char **ref, GPtrArray *to)
{
	static const struct option opts[] = {
		{ "to", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c != 't')
			return -1;
		g_ptr_array_add(to, optarg);
	}
	if (optind != argc - 1)
		return -1;
	*ref = argv[optind];
	return 0;
}

/* aq_release_refused - why a row cannot be released (NULL = it can) */
static char *
aq_release_refused(const struct qindex_entry *e)
{
	char when[32];

	if (strcmp(e->status, "held") == 0 && e->released_at == 0)
		return NULL;
	if (e->released_at != 0) {
		aq_when(e->released_at, when);
		return xasprintf("%s was already released on %s by %s; a "
		    "message is released once", e->ref, when, e->released_by);
	}
	return xasprintf("%s is %s: the stored message is gone", e->ref,
	    e->status);
}

/* aq_release_rcpts - original recipients from REF.json, or --to */
static bool
aq_release_rcpts(const struct aq *q, const char *ref, GPtrArray *to,
    GPtrArray *rcpts, char **sender)
{
	json_object *meta = aq_meta(q, ref), *arr;

	*sender = NULL;
	if (meta == NULL)
		return false;
	*sender = xstrdup(aq_json_get(meta, "sender"));
	for (guint i = 0; i < to->len; i++)
		g_ptr_array_add(rcpts, xstrdup(g_ptr_array_index(to, i)));
	if (to->len == 0 && json_object_object_get_ex(meta, "recipients", &arr))
		for (size_t i = 0; i < json_object_array_length(arr); i++)
			g_ptr_array_add(rcpts, xstrdup(json_object_get_string(
			    json_object_array_get_idx(arr, i))));
	json_object_put(meta);
	for (guint i = 0; i < rcpts->len; i++) {
		const char *r = g_ptr_array_index(rcpts, i);

		if (r[0] == '\0' || !sendmail_address_ok(r))
			return false;
	}
	return rcpts->len > 0 && sendmail_address_ok(*sender);
}

/* aq_release_key - the release secret (made if missing); NULL on error */
static char *
aq_release_key(const struct aq *q)
{
	char *key = NULL, *err = NULL;
	const char *path = q->cf->milter.release_secret;

	if (release_secret_ensure(path, &err) < 0 ||
	    release_secret_load(path, &key, &err) < 0) {
		fprintf(stderr, "aupctl quarantine release: %s\n", err);
		free(err);
		return NULL;
	}
	return key;
}

/* aq_release_send - mark and hand the stored message to sendmail(1) */
static int
aq_release_send(const struct aq *q, const char *ref, const char *key,
    const char *sender, GPtrArray *rcpts)
{
	char *path = quarantine_message_path(q->dir, ref), *err = NULL;
	char body[65], *mark, *copy;
	gchar *data = NULL;
	gsize len = 0;
	int rc = -1;

	if (!g_file_get_contents(path, &data, &len, NULL)) {
		fprintf(stderr, "aupctl quarantine release: cannot read %s\n",
		    path);
		free(path);
		return -1;
	}
	release_body_digest_mem(data, len, body);
	mark = release_mark(key, ref, body);
	copy = xasprintf("%s: %s\r\n", RELEASE_HEADER, mark);
	copy = xrealloc(copy, strlen(copy) + len + 1);
	memcpy(copy + strlen(copy), data, len + 1);
	rc = sendmail_run(q->cf->milter.sendmail_path, sender,
	    (const char *const *)rcpts->pdata, rcpts->len, copy,
	    strlen(mark) + strlen(RELEASE_HEADER) + 4 + len, &err);
	if (rc < 0)
		fprintf(stderr, "aupctl quarantine release: %s\n", err);
	free(err);
	free(copy);
	free(mark);
	g_free(data);
	free(path);
	return rc;
}

/* aq_release_audit - the audit event of a release attempt */
static int
aq_release_audit(struct aq *q, const char *ref, const char *result,
    GPtrArray *rcpts, bool redirected)
{
	json_object *x = json_object_new_object(), *arr;

	arr = json_object_new_array();
	for (guint i = 0; rcpts != NULL && i < rcpts->len; i++)
		json_object_array_add(arr, json_object_new_string(
		    g_ptr_array_index(rcpts, i)));
	json_object_object_add(x, "recipients", arr);
	json_object_object_add(x, "redirected",
	    json_object_new_boolean(redirected));
	return aq_audit(q, "quarantine-release", ref, result, x) < 0 ? -1 : 0;
}

/* aq_join - ", "-joined strings, or NULL for none (free with g_free) */
static char *
aq_join(GPtrArray *a)
{
	GString *s;

	if (a->len == 0)
		return NULL;
	s = g_string_new(NULL);
	for (guint i = 0; i < a->len; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
		    (const char *)g_ptr_array_index(a, i));
	return g_string_free(s, FALSE);
}

/* aq_release_do - record, send, undo on failure; 0 or 1 */
static int
aq_release_do(struct aq *q, const struct qindex_entry *e, GPtrArray *to)
{
	GPtrArray *rcpts = g_ptr_array_new_with_free_func(free);
	const char *by = q->sudo_user != NULL ? q->sudo_user : q->user;
	char *sender = NULL, *key = NULL, *err = NULL, *joined = NULL;
	int rc = 1, marked;

	if (!aq_release_rcpts(q, e->ref, to, rcpts, &sender))
		fprintf(stderr, "aupctl quarantine release: %s: no usable "
		    "sender or recipients\n", e->ref);
	else if ((key = aq_release_key(q)) != NULL) {
		joined = aq_join(to);
		marked = qindex_release(q->dir, e->ref, by, joined, time(NULL),
		    &err);
		if (marked != 1)
			fprintf(stderr, "aupctl quarantine release: %s\n", err ?
			    err : "released by someone else just now");
		else if (aq_release_send(q, e->ref, key, sender, rcpts) < 0)
			(void)qindex_unrelease(q->dir, e->ref, NULL);
		else
			rc = 0;
	}
	if (rc == 0)
		printf("Released %s to %u recipient%s; it is delivered once.\n",
		    e->ref, rcpts->len, rcpts->len == 1 ? "" : "s");
	if (aq_release_audit(q, e->ref, rc ? "failed" : "ok", rcpts,
	    to->len > 0) < 0)
		rc = 1;
	g_ptr_array_free(rcpts, TRUE);
	free(sender);
	free(key);
	free(err);
	g_free(joined);
	return rc;
}

/* aq_release - the release subcommand */
int
aq_release(struct aq *q, int argc, char **argv)
{
	GPtrArray *to = g_ptr_array_new();
	struct qindex_entry e;
	const char *ref = NULL;
	char *why;
	int rc = 1;

	if (aq_release_parse(argc, argv, &ref, to) < 0) {
		g_ptr_array_free(to, TRUE);
		return 2;
	}
	if (aq_lookup(q, "release", ref, &e) == 1) {
		if ((why = aq_release_refused(&e)) != NULL) {
			fprintf(stderr, "aupctl quarantine release: %s\n", why);
			free(why);
			(void)aq_release_audit(q, e.ref, "refused", NULL,
			    false);
		} else
			rc = aq_release_do(q, &e, to);
	}
	qindex_entry_clear(&e);
	g_ptr_array_free(to, TRUE);
	return rc;
}

/* aq_delete - the delete subcommand */
int
aq_delete(struct aq *q, int argc, char **argv)
{
	struct qindex_entry e;
	const char *by = q->sudo_user != NULL ? q->sudo_user : q->user;
	char *err = NULL;
	const char *result = "refused";
	int rc = 1;

	if (argc != 2)
		return 2;
	if (aq_lookup(q, "delete", argv[1], &e) != 1) {
		qindex_entry_clear(&e);
		return 1;
	}
	if (!aq_has_files(&e))
		fprintf(stderr, "aupctl quarantine delete: %s is already %s\n",
		    e.ref, e.status);
	else if (aq_remove_files(q, e.ref) < 0 ||
	    qindex_delete(q->dir, e.ref, by, time(NULL), &err) != 1) {
		fprintf(stderr, "aupctl quarantine delete: %s\n", err ? err :
		    "not deleted");
		result = "failed";
	} else {
		printf("Deleted %s.\n", e.ref);
		result = "ok";
		rc = 0;
	}
	if (aq_audit(q, "quarantine-delete", e.ref, result, NULL) < 0)
		rc = 1;
	free(err);
	qindex_entry_clear(&e);
	return rc;
}
