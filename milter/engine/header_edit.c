/*
 * header_edit - an ordered list of header changes
 *
 * SYNOPSIS
 *	header_edits_push(), header_edits_append(), header_edits_clear(),
 *	header_op_name()
 *
 * DESCRIPTION
 *	Policies describe their rewrites as a list; the engine appends the
 *	headers of flags and monitor mode; the milter replays the list
 *	through smfi_addheader/insheader/chgheader and `aupctl test`
 *	prints it.  One list, two consumers: what the test prints is what
 *	the milter does.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>

#include "engine/header_edit.h"
#include "util/xalloc.h"

/* header_edits_push - append one edit */
void
header_edits_push(struct header_edits *e, enum header_op op,
    const char *name, unsigned index, const char *value)
{
	struct header_edit *h;

	e->items = xreallocarray(e->items, e->count + 1, sizeof(*e->items));
	h = &e->items[e->count++];
	h->op = op;
	h->name = xstrdup(name);
	h->index = index;
	h->value = value != NULL ? xstrdup(value) : NULL;
}

/* header_edits_append - move the edits of `from` after those of `to` */
void
header_edits_append(struct header_edits *to, struct header_edits *from)
{
	if (from->count == 0)
		return;
	to->items = xreallocarray(to->items, to->count + from->count,
	    sizeof(*to->items));
	for (size_t i = 0; i < from->count; i++)
		to->items[to->count++] = from->items[i];
	free(from->items);
	from->items = NULL;
	from->count = 0;
}

/* header_edits_clear - free every edit */
void
header_edits_clear(struct header_edits *e)
{
	for (size_t i = 0; i < e->count; i++) {
		free(e->items[i].name);
		free(e->items[i].value);
	}
	free(e->items);
	e->items = NULL;
	e->count = 0;
}

/* header_op_name - JSON word of an operation */
const char *
header_op_name(enum header_op op)
{
	switch (op) {
	case HEADER_ADD:
		return "add";
	case HEADER_INSERT:
		return "insert";
	case HEADER_CHANGE:
		return "change";
	case HEADER_DELETE:
		return "delete";
	}
	return "?";
}
