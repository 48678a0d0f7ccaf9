/*
 * conf_store - the store slot a snapshot shares with its schools and
 * with the next snapshot of the same store
 *
 * SYNOPSIS
 *	conf_store_new(), conf_store_share(), conf_store_release()
 *
 * DESCRIPTION
 *	Every snapshot starts with a slot of its own (conf_new).  A main
 *	snapshot whose [store] settings and quarantine_dir equal those of
 *	the snapshot it replaces takes that one's slot instead, and each
 *	school it loads takes the main snapshot's, so a service of many
 *	schools keeps one store handle (one connection pool, one event
 *	writer) across reloads.  The count is atomic: snapshots are freed
 *	on whichever thread drops the last reference.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "config/conf.h"
#include "config/conf_internal.h"
#include "util/xalloc.h"

/* conf_store_new - an empty slot with one reference */
struct conf_store_slot *
conf_store_new(void)
{
	struct conf_store_slot *s = xcalloc(1, sizeof(*s));

	s->refs = 1;
	return s;
}

/* conf_store_release - drop a reference; the last drops the handle */
void
conf_store_release(struct conf_store_slot *s)
{
	void (*drop)(struct store *);

	if (s == NULL || __atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) > 0)
		return;
	drop = __atomic_load_n(&s->drop, __ATOMIC_ACQUIRE);
	if (drop != NULL)
		drop(__atomic_load_n(&s->handle, __ATOMIC_ACQUIRE));
	free(s);
}

/* conf_store_same - the same [store] and quarantine_dir? */
static bool
conf_store_same(const struct conf *a, const struct conf *b)
{
	const char *da = a->store.dsn, *db = b->store.dsn;

	return a->store.backend == b->store.backend &&
	    a->store.event_queue == b->store.event_queue &&
	    (da == db || (da != NULL && db != NULL && strcmp(da, db) == 0)) &&
	    strcmp(a->milter.quarantine_dir, b->milter.quarantine_dir) == 0;
}

/* conf_store_share - give `to` from's slot when both name one store */
void
conf_store_share(struct conf *to, const struct conf *from)
{
	if (from == NULL || from->store_slot == NULL ||
	    to->store_slot == from->store_slot || !conf_store_same(to, from))
		return;
	conf_store_release(to->store_slot);
	__atomic_add_fetch(&from->store_slot->refs, 1, __ATOMIC_ACQ_REL);
	to->store_slot = from->store_slot;
}
