/*
 * u64map - open-addressing map from 64-bit hashes to 32-bit values
 *
 * SYNOPSIS
 *	u64map_init(), u64map_clear(), u64map_put(), u64map_get()
 *
 * DESCRIPTION
 *	Linear probing over a power-of-two table kept at most half full.
 *	Keys are already well-mixed hashes, so the low bits index directly.
 *	Used by the token matcher (pattern and first-token tables) and by
 *	the scanner (distinct identifiers of a part).
 *
 * DIAGNOSTICS
 *	None; memory comes from the xmalloc family (aborts when exhausted).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "policies/pupil_data/u64map.h"
#include "util/xalloc.h"

/* u64map_init - allocate an empty table */
void
u64map_init(struct u64map *m, size_t hint)
{
	size_t cap = 16;

	while (cap < hint * 2)
		cap <<= 1;
	m->keys = xcalloc(cap, sizeof(uint64_t));
	m->values = xcalloc(cap, sizeof(uint32_t));
	m->count = 0;
	m->mask = cap - 1;
}

/* u64map_clear - free the table */
void
u64map_clear(struct u64map *m)
{
	free(m->keys);
	free(m->values);
	m->keys = NULL;
	m->values = NULL;
	m->count = 0;
	m->mask = 0;
}

/* u64map_grow - double the table and re-insert every key */
static void
u64map_grow(struct u64map *m)
{
	struct u64map bigger;

	u64map_init(&bigger, (m->mask + 1));
	for (size_t i = 0; i <= m->mask; i++)
		if (m->keys[i] != 0)
			(void)u64map_put(&bigger, m->keys[i], m->values[i]);
	u64map_clear(m);
	*m = bigger;
}

/* u64map_put - insert or overwrite */
bool
u64map_put(struct u64map *m, uint64_t key, uint32_t value)
{
	size_t i;

	if ((m->count + 1) * 2 > m->mask + 1)
		u64map_grow(m);
	for (i = key & m->mask; m->keys[i] != 0; i = (i + 1) & m->mask) {
		if (m->keys[i] == key) {
			m->values[i] = value;
			return false;
		}
	}
	m->keys[i] = key;
	m->values[i] = value;
	m->count++;
	return true;
}

/* u64map_get - look a key up */
bool
u64map_get(const struct u64map *m, uint64_t key, uint32_t *value)
{
	if (m->keys == NULL)
		return false;
	for (size_t i = key & m->mask; m->keys[i] != 0;
	    i = (i + 1) & m->mask) {
		if (m->keys[i] == key) {
			if (value != NULL)
				*value = m->values[i];
			return true;
		}
	}
	return false;
}
