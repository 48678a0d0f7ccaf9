/*
 * u64map - open-addressing map from 64-bit hashes to 32-bit values
 *
 * The multi-pattern matcher and the scanner look up millions of token
 * hashes per megabyte of text; a flat table without per-entry
 * allocation keeps that cheap.  Key 0 is reserved (callers never see it:
 * u64map_key() turns a 0 hash into 1).  Not thread-safe for writes;
 * read-only use from many threads is fine.
 */
#ifndef AUP_PUPIL_U64MAP_H
#define AUP_PUPIL_U64MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u64map {
	uint64_t *keys;		/* 0 = empty slot */
	uint32_t *values;
	size_t	 count;
	size_t	 mask;		/* capacity - 1 (a power of two) */
};

/* u64map_key - a usable key for a hash (never 0) */
static inline uint64_t
u64map_key(uint64_t h)
{
	return h == 0 ? 1 : h;
}

/* u64map_init - an empty map with room for about `hint` keys */
void	u64map_init(struct u64map *m, size_t hint);
/* u64map_clear - free the table (the struct may be reused after init) */
void	u64map_clear(struct u64map *m);
/* u64map_put - set key -> value; true if the key was new */
bool	u64map_put(struct u64map *m, uint64_t key, uint32_t value);
/* u64map_get - the value of key, or false */
bool	u64map_get(const struct u64map *m, uint64_t key, uint32_t *value);

#endif
