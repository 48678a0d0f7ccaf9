/*
 * actions - release, delete and review of held messages, audited
 *
 * SYNOPSIS
 *	actions_release(), actions_delete(), actions_review(),
 *	actions_record(), actions_valid_ref()
 *
 * DESCRIPTION
 *	release re-injects the stored message with sendmail(1) (argument
 *	vector, no shell) from its original envelope sender to its
 *	original envelope recipients, or to the addresses given, with an
 *	X-AUP-Release mark in front made for that envelope (release.c).  The index records the
 *	release before the message is handed over (the milter, which may
 *	see the copy at once, must find it released) and takes it back
 *	if sendmail fails; a message already released, deleted or expired
 *	is refused, and two reviewers releasing at once cannot both
 *	succeed (qindex_release changes one row or none).  delete removes
 *	the files and keeps the index row (status deleted) for the
 *	record; review marks a held message as looked at, leaving it held.
 *
 *	Every attempt, done, refused or failed, is recorded in the store's
 *	audit table and, when the front end has the event log open, one
 *	event line ("quarantine-release" ...) naming the person, synced
 *	to disk.  A change of the index and the audit row that records it
 *	are one transaction (qindex_*_audited): the release claim with its
 *	row "started" (where it goes; then "ok", or "failed" written with
 *	the undoing), the deletion and the review with their row "ok".
 *	When the row cannot be written the change is not made: the message
 *	stays held and nothing is sent.  delete, which cannot be undone, is
 *	audited before it acts (result "started", then the outcome): when
 *	that record cannot be written (the event log's disk is full)
 *	nothing is deleted.
 *
 *	Nothing here opens, parses or runs an attachment.
 *
 * DIAGNOSTICS
 *	0 done, 1 refused, -1 failed; *msg says what happened.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "engine/ref.h"
#include "store/actions.h"
#include "store/content.h"
#include "store/audit.h"
#include "store/qindex.h"
#include "store/quarantine.h"
#include "store/release.h"
#include "store/sendmail.h"
#include "store/store.h"
#include "util/xalloc.h"
#include "util/json_member.h"

/* actions_valid_ref - REF_LEN characters of the reference alphabet */
bool
actions_valid_ref(const char *ref)
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	size_t n = ref != NULL ? strlen(ref) : 0;

	return n == REF_LEN && strspn(ref, alphabet) == n;
}

/* actions_event_name - the event log's name of an action */
static char *
actions_event_name(const char *action)
{
	static const char *const message_actions[] = { "release", "delete",
	    "review", "show", "export", "list", "expire", "digest", NULL };

	for (size_t i = 0; message_actions[i] != NULL; i++)
		if (strcmp(action, message_actions[i]) == 0)
			return xasprintf("quarantine-%s", action);
	/* an event already named for its area ("alerts-show") keeps it */
	if (strchr(action, '-') != NULL)
		return xstrdup(action);
	return xasprintf("console-%s", action);
}

/* actions_event - the event log line of one action */
static int
actions_event(const struct actor *a, const char *action, const char *ref,
    const char *result, const char *reason, json_object *extra)
{
	json_object *o = json_object_new_object(), *v;
	char *name = actions_event_name(action);
	int rc;

#define ACT_STR(k, s) json_object_object_add(o, k, (s) != NULL ? \
	json_object_new_string(s) : NULL)
	ACT_STR("event", name);
	if (ref != NULL)
		ACT_STR("ref", ref);
	ACT_STR("user", a->unix_user != NULL ? a->unix_user : a->user);
	if (a->unix_user != NULL)
		ACT_STR("sudo_user", a->sudo_user);
	ACT_STR("result", result);
	ACT_STR("via", a->via);
	if (a->unix_user == NULL) {
		ACT_STR("role", a->role);
		ACT_STR("address", a->address);
	}
	if (reason != NULL)
		ACT_STR("reason", reason);
#undef ACT_STR
	if (extra != NULL) {
		json_object_object_foreach(extra, k, val) {
			v = val != NULL ? json_object_get(val) : NULL;
			json_object_object_add(o, k, v);
		}
	}
	rc = eventlog_write(a->events, o);
	if (rc == 0)
		rc = eventlog_sync(a->events);
	json_object_put(o);
	free(name);
	return rc;
}

/* actions_audit_row - the audit row of one action (borrows strings) */
static struct audit_row
actions_audit_row(const struct actor *a, const char *action,
    const char *ref, const char *result, const char *reason,
    const char *detail)
{
	struct audit_row r = {
		.user = (char *)a->user, .role = (char *)a->role,
		.via = (char *)a->via, .address = (char *)a->address,
		.action = (char *)action, .ref = (char *)ref,
		.result = (char *)result, .reason = (char *)reason,
		.detail = (char *)detail, .school = (char *)a->school
	};

	return r;
}

/* actions_record_event - the event log's line only (the audit row was
 * written with the change it records) */
static int
actions_record_event(const struct actor *a, const char *action,
    const char *ref, const char *result, const char *reason,
    json_object *extra)
{
	int rc = 0;

	if (a->events != NULL && actions_event(a, action, ref, result, reason,
	    extra) < 0) {
		fprintf(stderr, "cannot write the audit event to %s: %s\n",
		    eventlog_path(a->events), strerror(errno));
		rc = -1;
	}
	json_object_put(extra);
	return rc;
}

/* actions_record - both trails */
int
actions_record(const struct conf *cf, const struct actor *a,
    const char *action, const char *ref, const char *result,
    const char *reason, const char *detail, json_object *extra)
{
	struct audit_row r = actions_audit_row(a, action, ref, result, reason,
	    detail);
	char *err = NULL;
	int rc = 0;

	if (audit_add(store_of(cf), &r, &err) < 0) {
		fprintf(stderr, "%s\n", err);
		rc = -1;
	}
	free(err);
	if (actions_record_event(a, action, ref, result, reason, extra) < 0)
		rc = -1;
	return rc;
}

/* actions_in_scope - one school's person sees only its rows */
bool
actions_in_scope(const char *scope, const char *school)
{
	return scope == NULL || (school != NULL && strcmp(scope, school) == 0);
}

/* actions_refuse_unseen - the audit record of an out-of-scope attempt */
void
actions_refuse_unseen(const struct conf *cf, const struct actor *a,
    const char *action, const char *ref, const char *reason, char **msg)
{
	struct actor who = *a;

	who.school = a->scope;
	(void)actions_record(cf, &who, action, ref, "refused", reason,
	    "no such message in this school", NULL);
	free(*msg);
	*msg = xasprintf("no held message %s", ref != NULL ? ref : "");
}

/* actions_lookup - the index row of a valid reference in the person's
 * scope; 1, or 0/-1 with *msg (0 out of scope: audited) */
static int
actions_lookup(const struct conf *cf, const struct actor *a,
    const char *action, const char *ref, const char *reason,
    struct qindex_entry *e, char **msg)
{
	char *err = NULL;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!actions_valid_ref(ref)) {
		*msg = xasprintf("\"%s\" is not a reference (10 letters and "
		    "digits, as in the notice)", ref != NULL ? ref : "");
		return 0;
	}
	rc = qindex_get(store_of(cf), ref, e, &err);
	if (rc < 0)
		*msg = xstrdup(err);
	else if (rc == 0)
		*msg = xasprintf("no held message %s", ref);
	free(err);
	if (a->scope != NULL && (rc == 0 || (rc == 1 &&
	    !actions_in_scope(a->scope, e->school)))) {
		qindex_entry_clear(e);
		actions_refuse_unseen(cf, a, action, ref, reason, msg);
		rc = 0;
	}
	return rc;
}

/* actions_of - the actor whose records carry the message's school */
static struct actor
actions_of(const struct actor *a, const struct qindex_entry *e)
{
	struct actor who = *a;

	who.school = e->school;
	return who;
}

/* actions_when - local "YYYY-MM-DD HH:MM" */
static void
actions_when(time_t t, char buf[32])
{
	struct tm tm;

	localtime_r(&t, &tm);
	strftime(buf, 32, "%Y-%m-%d %H:%M", &tm);
}

/* actions_release_refused - why a row cannot be released (NULL: it can) */
static char *
actions_release_refused(const struct qindex_entry *e)
{
	char when[32];

	if (strcmp(e->status, "held") == 0 && e->released_at == 0)
		return NULL;
	if (e->released_at != 0) {
		actions_when(e->released_at, when);
		return xasprintf("%s was already released on %s by %s; a "
		    "message is released once", e->ref, when, e->released_by);
	}
	return xasprintf("%s is %s: the stored message is gone", e->ref,
	    e->status);
}

/* actions_rcpts - sender and recipients (original, or `to`); false if
 * any is unusable */
static bool
actions_rcpts(struct store *st, const char *ref, const char *const *to,
    size_t nto, GPtrArray *rcpts, char **sender)
{
	char *text = content_meta(st, CONTENT_HELD, ref, NULL);
	json_object *meta = text != NULL ? json_tokener_parse(text) : NULL;
	json_object *arr;

	free(text);
	*sender = NULL;
	if (meta == NULL)
		return false;
	*sender = xstrdup(json_member_text(meta, "sender"));
	for (size_t i = 0; i < nto; i++)
		g_ptr_array_add(rcpts, xstrdup(to[i]));
	if (nto == 0 && json_object_object_get_ex(meta, "recipients", &arr))
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

/* actions_send - mark and hand the stored message to sendmail(1) */
static int
actions_send(const struct conf *cf, const char *ref, const char *key,
    const char *sender, GPtrArray *rcpts, char **msg)
{
	char *copy, *err = NULL, *data;
	size_t clen, len = 0;
	int rc;

	if ((data = content_eml(store_of(cf), CONTENT_HELD, ref, &len,
	    msg)) == NULL)
		return -1;
	/* The mark is made for the envelope used: a release to another
	 * address is good for that address only. */
	copy = release_marked_copy(key, ref, data, len, sender,
	    (const char *const *)rcpts->pdata, rcpts->len, &clen);
	rc = sendmail_run(cf->milter.sendmail_path, sender,
	    (const char *const *)rcpts->pdata, rcpts->len, copy, clen, &err);
	if (rc < 0)
		*msg = err;
	else
		free(err);
	free(copy);
	free(data);
	return rc;
}

/* actions_join - ", "-joined strings, or NULL for none */
static char *
actions_join(const char *const *a, size_t n)
{
	GString *s;

	if (n == 0)
		return NULL;
	s = g_string_new(NULL);
	for (size_t i = 0; i < n; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "", a[i]);
	return g_string_free(s, FALSE);
}

/*
 * actions_release_claim - held -> released with the audit row "started"
 * (where it goes) in one transaction: 1, or 0/-1 with *msg
 */
static int
actions_release_claim(struct store *st, const struct actor *a,
    const struct qindex_entry *e, const char *joined, GPtrArray *rcpts,
    const char *reason, char **msg)
{
	char *where, *err = NULL;
	struct audit_row r;
	int marked;

	g_ptr_array_add(rcpts, NULL);
	where = g_strjoinv(", ", (char **)rcpts->pdata);
	g_ptr_array_remove_index(rcpts, rcpts->len - 1);
	r = actions_audit_row(a, "release", e->ref, "started", reason, where);
	marked = qindex_release_audited(st, e->ref, a->user, joined,
	    time(NULL), &r, &err);
	if (marked < 0)
		*msg = xasprintf("%s not released: %s", e->ref, err);
	else if (marked == 0)
		*msg = xstrdup("released by someone else just now");
	g_free(where);
	free(err);
	return marked;
}

/*
 * actions_release_do - claim (audited), send, undo on failure (the
 * undo and its "failed" row together: *audited); 0 or -1
 */
static int
actions_release_do(const struct conf *cf, const struct actor *a,
    const struct qindex_entry *e, const char *const *to, size_t nto,
    GPtrArray *rcpts, const char *reason, char **msg, bool *audited)
{
	struct store *dir = store_of(cf);
	char *sender = NULL, *key = NULL, *err = NULL, *joined = NULL;
	struct audit_row r;
	int rc = -1;

	if (!actions_rcpts(dir, e->ref, to, nto, rcpts, &sender))
		*msg = xasprintf("%s: no usable sender or recipients", e->ref);
	else if (release_secret_ensure(cf->milter.release_secret, &err) < 0 ||
	    release_secret_load(cf->milter.release_secret, &key, &err) < 0) {
		*msg = err;
		err = NULL;
	} else {
		joined = actions_join(to, nto);
		rc = actions_release_claim(dir, a, e, joined, rcpts, reason,
		    msg) == 1 ? 0 : -1;
		if (rc == 0 && actions_send(cf, e->ref, key, sender, rcpts,
		    msg) < 0) {
			r = actions_audit_row(a, "release", e->ref, "failed",
			    reason, NULL);
			*audited = qindex_unrelease_audited(dir, e->ref, &r,
			    NULL) == 1;
			rc = -1;
		}
	}
	if (rc == 0)
		*msg = xasprintf("Released %s to %u recipient%s; it is "
		    "delivered once.", e->ref, rcpts->len, rcpts->len == 1 ?
		    "" : "s");
	free(sender);
	free(key);
	free(err);
	free(joined);
	return rc;
}

/* actions_release_extra - the event log's members of a release */
static json_object *
actions_release_extra(GPtrArray *rcpts, bool redirected)
{
	json_object *x = json_object_new_object(), *arr;

	arr = json_object_new_array();
	for (guint i = 0; rcpts != NULL && i < rcpts->len; i++)
		json_object_array_add(arr, json_object_new_string(
		    g_ptr_array_index(rcpts, i)));
	json_object_object_add(x, "recipients", arr);
	json_object_object_add(x, "redirected",
	    json_object_new_boolean(redirected));
	return x;
}

/* actions_release - release one held message */
int
actions_release(const struct conf *cf, const struct actor *a,
    const char *ref, const char *const *to, size_t nto, const char *reason,
    char **msg)
{
	GPtrArray *rcpts = g_ptr_array_new_with_free_func(free);
	struct qindex_entry e;
	struct actor who;
	const char *result = "refused";
	json_object *extra;
	bool audited = false;
	char *detail;
	int rc = 1;

	*msg = NULL;
	if ((rc = actions_lookup(cf, a, "release", ref, reason, &e, msg)) !=
	    1) {
		qindex_entry_clear(&e);
		g_ptr_array_free(rcpts, TRUE);
		return rc == 0 ? 1 : -1;
	}
	who = actions_of(a, &e);
	if ((*msg = actions_release_refused(&e)) == NULL) {
		rc = actions_release_do(cf, &who, &e, to, nto, rcpts, reason,
		    msg, &audited);
		result = rc == 0 ? "ok" : "failed";
	}
	g_ptr_array_add(rcpts, NULL);
	detail = rc == 0 ? g_strjoinv(", ", (char **)rcpts->pdata) : NULL;
	g_ptr_array_remove_index(rcpts, rcpts->len - 1);
	extra = actions_release_extra(rc == 1 ? NULL : rcpts, nto > 0);
	if ((audited ? actions_record_event(&who, "release", e.ref, result,
	    reason, extra) : actions_record(cf, &who, "release", e.ref, result,
	    reason, detail, extra)) < 0)
		rc = -1;
	g_free(detail);
	qindex_entry_clear(&e);
	g_ptr_array_free(rcpts, TRUE);
	return rc;
}

/* actions_delete - delete one held or released message */
int
actions_delete(const struct conf *cf, const struct actor *a,
    const char *ref, const char *reason, char **msg)
{
	struct store *dir = store_of(cf);
	const char *result = "refused";
	struct qindex_entry e;
	struct audit_row done;
	struct actor who;
	char *err = NULL;
	int rc = 1;

	*msg = NULL;
	if ((rc = actions_lookup(cf, a, "delete", ref, reason, &e, msg)) !=
	    1) {
		qindex_entry_clear(&e);
		return rc == 0 ? 1 : -1;
	}
	who = actions_of(a, &e);
	a = &who;
	rc = 1;
	done = actions_audit_row(a, "delete", e.ref, "ok", reason, NULL);
	if (strcmp(e.status, "held") != 0 && strcmp(e.status, "released") != 0)
		*msg = xasprintf("%s is already %s", e.ref, e.status);
	else if (actions_record(cf, a, "delete", e.ref, "started", reason,
	    NULL, NULL) < 0) {
		*msg = xasprintf("%s not deleted: the audit record could not "
		    "be written", e.ref);
		result = "failed";
		rc = -1;
	} else if (content_delete(dir, CONTENT_HELD, e.ref, &err) < 0 ||
	    qindex_delete_audited(dir, e.ref, a->user, time(NULL), &done,
	    &err) != 1) {
		*msg = xasprintf("%s not deleted: %s", e.ref, err ? err :
		    strerror(errno));
		result = "failed";
		rc = -1;
	} else {
		*msg = xasprintf("Deleted %s.", e.ref);
		result = "ok";
		rc = 0;
	}
	/* done: its audit row went with the index change */
	if ((rc == 0 ? actions_record_event(a, "delete", e.ref, result, reason,
	    NULL) : actions_record(cf, a, "delete", e.ref, result, reason,
	    NULL, NULL)) < 0)
		rc = -1;
	free(err);
	qindex_entry_clear(&e);
	return rc;
}

/* actions_review - mark one held message reviewed */
int
actions_review(const struct conf *cf, const struct actor *a,
    const char *ref, const char *reason, char **msg)
{
	const char *result = "refused";
	struct qindex_entry e;
	struct audit_row done;
	struct actor who;
	char *err = NULL;
	int rc = 1, marked;

	*msg = NULL;
	if ((rc = actions_lookup(cf, a, "review", ref, reason, &e, msg)) !=
	    1) {
		qindex_entry_clear(&e);
		return rc == 0 ? 1 : -1;
	}
	who = actions_of(a, &e);
	a = &who;
	rc = 1;
	done = actions_audit_row(a, "review", e.ref, "ok", reason, NULL);
	if (strcmp(e.status, "held") != 0)
		*msg = xasprintf("%s is %s, not held", e.ref, e.status);
	else if (e.reviewed_at != 0)
		*msg = xasprintf("%s was already marked reviewed by %s",
		    e.ref, e.reviewed_by);
	else if ((marked = qindex_review_audited(store_of(cf), e.ref,
	    a->user, time(NULL), &done, &err)) != 1) {
		*msg = xasprintf("%s not marked: %s", e.ref, err ? err :
		    "reviewed by someone else just now");
		result = marked < 0 ? "failed" : "refused";
		rc = marked < 0 ? -1 : 1;
	} else {
		*msg = xasprintf("Marked %s reviewed; it stays held.", e.ref);
		result = "ok";
		rc = 0;
	}
	/* done: its audit row went with the index change */
	if ((rc == 0 ? actions_record_event(a, "review", e.ref, result, reason,
	    NULL) : actions_record(cf, a, "review", e.ref, result, reason,
	    NULL, NULL)) < 0)
		rc = -1;
	free(err);
	qindex_entry_clear(&e);
	return rc;
}
