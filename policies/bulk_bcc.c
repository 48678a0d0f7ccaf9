/*
 * bulk_bcc - parents never see each other's addresses (SPEC 2.2)
 *
 * SYNOPSIS
 *	policy_bulk_bcc
 *
 * DESCRIPTION
 *	Outbound mail that shows `threshold` (default 2) or more distinct
 *	parent or personal addresses in To and Cc (and other external
 *	addresses when count_external = yes) gets `action`:
 *	- rewrite (default): those addresses are removed from To/Cc, every
 *	  other byte of the headers stays, To becomes
 *	  "undisclosed-recipients:;" when nothing is left, an emptied Cc is
 *	  deleted, and "X-AUP-Rewritten: bulk-bcc; moved=N; ref=REF" is
 *	  added.  The envelope is never touched, so everyone still gets
 *	  the message once: they have simply become Bcc recipients.
 *	- reject: the sender is told to put parents in Bcc.
 *	The headers are split by addrlist.c and each address is decoded by
 *	GMime: display names with commas, RFC 2047 words, groups,
 *	duplicates and case are all handled.  Postfix removes Bcc before
 *	milters, so only To and Cc are visible to anyone.
 *	Each header is read once (a message with many To headers costs
 *	time in proportion to them), and at most BULK_MAX_HEADERS To and
 *	Cc headers are read: a message with more is not judged further
 *	and gets `action` whatever it showed (reject instead of rewrite:
 *	that many headers are not rewritten), never a pass; its reply
 *	(template bulk-bcc-too-many) says so and what to do instead.
 *
 * CONFIGURATION
 *	[bulk-bcc] action (rewrite | reject | flag | off), threshold,
 *	count_external, mode.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "util/addrlist.h"
#include "policies/policy.h"
#include "policies/recipient_list.h"
#include "engine/roles.h"
#include "util/xalloc.h"

struct bulk_bcc_settings {
	struct policy_common common;
	long	 threshold;
	bool	 count_external;
};

static const char *const bulk_bcc_actions[] = { "rewrite", "reject",
    "flag", "quarantine", "off", NULL };

static const struct conf_param bulk_bcc_params[] = {
	{ "threshold", CONF_INT, "2",
	    offsetof(struct bulk_bcc_settings, threshold), 1, 100000, NULL,
	    "visible parent/personal addresses that trigger the rule" },
	{ "count_external", CONF_BOOL, "no",
	    offsetof(struct bulk_bcc_settings, count_external), 0, 0, NULL,
	    "also count other organisations' addresses" },
	{ NULL, 0, NULL, 0, 0, 0, NULL, NULL }
};

static const char *const bulk_bcc_vars[] = { "count", "addresses",
    "threshold", "limit", NULL };

#define BULK_HEADERS 2
#define BULK_MAX_HEADERS 1000	/* To and Cc headers read at most */
static const char *const bulk_bcc_headers[BULK_HEADERS] = { "To", "Cc" };

struct visible {
	const struct policy_ctx *ctx;
	const struct bulk_bcc_settings *s;
	GHashTable *counted;		/* normalised address -> itself */
	GPtrArray *order;		/* first-seen order, for the reply */
	size_t	 nread;			/* To and Cc headers read */
	bool	 capped;		/* more than BULK_MAX_HEADERS */
};

/* bulk_bcc_counts - is this visible address one the rule counts? */
static bool
bulk_bcc_counts(const struct visible *v, const char *addr)
{
	enum role r;

	if (addr == NULL)
		return false;
	r = roles_of(v->ctx->school, addr);
	return r == ROLE_PARENT || r == ROLE_PERSONAL ||
	    (r == ROLE_EXTERNAL && v->s->count_external);
}

/* bulk_bcc_scan - count the addresses of every To and Cc header */
static void
bulk_bcc_scan(struct visible *v)
{
	const struct msg *m = v->ctx->msg;

	for (size_t i = 0; i < m->nheaders; i++) {
		struct addrlist *l;

		if (strcasecmp(m->headers[i].name, "To") != 0 &&
		    strcasecmp(m->headers[i].name, "Cc") != 0)
			continue;
		if (v->nread++ == BULK_MAX_HEADERS) {
			v->capped = true;
			return;
		}
		l = addrlist_parse(m->headers[i].raw);
		for (size_t j = 0; j < l->count; j++) {
			char *a = l->items[j].addr;

			if (l->items[j].kind != ADDRLIST_MAILBOX ||
			    !bulk_bcc_counts(v, a) ||
			    g_hash_table_contains(v->counted, a))
				continue;
			a = xstrdup(a);
			g_hash_table_add(v->counted, a);
			g_ptr_array_add(v->order, a);
		}
		addrlist_free(l);
	}
}

/* bulk_bcc_new_value - one header without the counted addresses */
static char *
bulk_bcc_new_value(const struct visible *v, const char *raw, bool *changed)
{
	struct addrlist *l = addrlist_parse(raw);
	bool *drop = xcalloc(l->count + 1, sizeof(bool));
	char *value;

	*changed = false;
	for (size_t j = 0; j < l->count; j++) {
		drop[j] = l->items[j].kind == ADDRLIST_MAILBOX &&
		    l->items[j].addr != NULL &&
		    g_hash_table_contains(v->counted, l->items[j].addr);
		*changed = *changed || drop[j];
	}
	value = addrlist_without(l, drop);
	free(drop);
	addrlist_free(l);
	return value;
}

/* bulk_bcc_rewrite_header - edits for every occurrence of one name */
static bool
bulk_bcc_rewrite_header(const struct visible *v, const char *name,
    struct header_edits *edits, bool keep_one)
{
	const struct msg *m = v->ctx->msg;
	GPtrArray *all = g_ptr_array_new();
	bool any_left = false;

	for (size_t i = 0; i < m->nheaders; i++)
		if (strcasecmp(m->headers[i].name, name) == 0)
			g_ptr_array_add(all, &m->headers[i]);
	/* Highest index first: right whether or not the MTA renumbers. */
	for (size_t k = all->len; k-- > 0;) {
		const struct msg_header *h = g_ptr_array_index(all, k);
		bool changed;
		char *value = bulk_bcc_new_value(v, h->raw, &changed);
		bool empty = value[0] == '\0';

		if (changed && !empty)
			header_edits_push(edits, HEADER_CHANGE, name,
			    (unsigned)k + 1, value);
		else if (changed && keep_one && k == 0 && !any_left)
			header_edits_push(edits, HEADER_CHANGE, name, 1,
			    "undisclosed-recipients:;");
		else if (changed)
			header_edits_push(edits, HEADER_DELETE, name,
			    (unsigned)k + 1, NULL);
		any_left = any_left || !empty;
		free(value);
	}
	g_ptr_array_free(all, TRUE);
	return any_left;
}

/* bulk_bcc_rewrite - all edits of a rewrite */
static void
bulk_bcc_rewrite(const struct visible *v, struct policy_outcome *out)
{
	char *mark = xasprintf("bulk-bcc; moved=%u; ref=%s",
	    g_hash_table_size(v->counted), v->ctx->ref);

	for (size_t i = 0; i < BULK_HEADERS; i++)
		(void)bulk_bcc_rewrite_header(v, bulk_bcc_headers[i],
		    &out->edits, strcmp(bulk_bcc_headers[i], "To") == 0);
	/* Only Cc held addresses and it is gone: say where they went. */
	if (msg_header_count(v->ctx->msg, "To") == 0)
		header_edits_push(&out->edits, HEADER_ADD, "To", 0,
		    "undisclosed-recipients:;");
	header_edits_push(&out->edits, HEADER_ADD, "X-AUP-Rewritten", 0, mark);
	free(mark);
}

/* bulk_bcc_tell - the reply's count, addresses and threshold */
static void
bulk_bcc_tell(const struct visible *v, struct policy_outcome *out)
{
	char *list = recipient_list_text((const char *const *)v->order->pdata,
	    v->order->len);

	policy_outcome_var(out, "count", "%u", g_hash_table_size(v->counted));
	policy_outcome_var(out, "addresses", "%s", list);
	policy_outcome_var(out, "threshold", "%ld", v->s->threshold);
	free(list);
}

/* bulk_bcc_evaluate - judge one message */
static int
bulk_bcc_evaluate(const struct policy_ctx *ctx, struct policy_outcome *out)
{
	const struct bulk_bcc_settings *s = ctx->settings;
	struct visible v = { .ctx = ctx, .s = s };
	unsigned count;

	if (ctx->facts->direction != DIRECTION_OUTBOUND)
		return 0;
	v.counted = g_hash_table_new_full(g_str_hash, g_str_equal, free, NULL);
	v.order = g_ptr_array_new();
	bulk_bcc_scan(&v);
	count = g_hash_table_size(v.counted);
	if (v.capped) {
		policy_outcome_set(out, s->common.action == RESULT_REWRITE ?
		    RESULT_REJECT : s->common.action, "more than %d To/Cc "
		    "headers: too many to judge (%u parent or personal "
		    "addresses in the first %d)", BULK_MAX_HEADERS, count,
		    BULK_MAX_HEADERS);
		out->template = "bulk-bcc-too-many";
		policy_outcome_var(out, "limit", "%d", BULK_MAX_HEADERS);
		bulk_bcc_tell(&v, out);
	} else if (count >= (unsigned long)s->threshold) {
		policy_outcome_set(out, s->common.action, "%u parent or personal "
		    "addresses visible in To/Cc (threshold %ld)", count,
		    s->threshold);
		bulk_bcc_tell(&v, out);
		if (s->common.action == RESULT_REWRITE)
			bulk_bcc_rewrite(&v, out);
	}
	g_ptr_array_free(v.order, TRUE);
	g_hash_table_destroy(v.counted);
	return 0;
}

const struct policy policy_bulk_bcc = {
	.name = "bulk-bcc",
	.summary = "parents' addresses are never visible to each other",
	.params = bulk_bcc_params,
	.settings_size = sizeof(struct bulk_bcc_settings),
	.default_action = RESULT_REWRITE,
	.actions = bulk_bcc_actions,
	.liftable = true,
	.needs_analysis = false,
	.template_vars = bulk_bcc_vars,
	.reads_text = policy_reads_no_text,
	.evaluate = bulk_bcc_evaluate,
};
