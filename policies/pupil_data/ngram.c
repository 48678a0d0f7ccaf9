/*
 * ngram - a multi-pattern matcher over normalised word tokens
 *
 * SYNOPSIS
 *	ngram_new(), ngram_free(), ngram_add(), ngram_has(), ngram_count(),
 *	ngram_scan()
 *
 * DESCRIPTION
 *	Every token of the text is folded (ASCII lower case; other letters
 *	decomposed by GLib and the base letter kept; apostrophes inside a
 *	word dropped, a possessive "'s" dropped) and hashed with FNV-1a.
 *	A phrase is stored under the hash of its token sequence.  While
 *	scanning, a token that begins some phrase (a bit filter, then one
 *	lookup in the table of first words) opens a candidate; each
 *	following token extends the open candidates, each extension is one
 *	lookup in the phrase table, and a candidate that is no longer the
 *	beginning of any phrase (table of prefixes) is dropped at once.
 *	Ordinary text costs one hash and one bit test per word.  Hits are
 *	checked for the exact-case words of their phrase before they are
 *	reported.
 *
 * DIAGNOSTICS
 *	ngram_add() returns -1 for a phrase with no word or too many words.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "policies/pupil_data/ngram.h"
#include "policies/pupil_data/u64map.h"
#include "util/xalloc.h"

#define NGRAM_FNV_OFFSET	0xcbf29ce484222325ULL
#define NGRAM_FNV_PRIME		0x100000001b3ULL
#define NGRAM_SEED		0x9e3779b97f4a7c15ULL
#define NGRAM_NONE		UINT32_MAX
#define NGRAM_FILTER_WORDS	1024	/* 65,536 bits */

struct ngram_token {
	size_t	 start, end;	/* raw bytes of the word */
	uint64_t hash;		/* of the folded word */
};

struct ngram_pattern {
	uint64_t key;		/* hash of the token sequence */
	uint32_t type, value;
	uint32_t next;		/* next pattern with the same key */
	uint8_t	 ntok;
	uint8_t	 exact;		/* bit k: word k must match as written */
	char	*raw;		/* the exact words, NUL-separated, or NULL */
};

struct ngram {
	struct ngram_pattern *pats;
	size_t	 npats;
	struct u64map by_key;	/* sequence hash -> first pattern */
	struct u64map first;	/* first-word hash -> 1 */
	struct u64map prefix;	/* hash of every proper prefix -> 1 */
	uint64_t filter[NGRAM_FILTER_WORDS];	/* bit per first-word hash,
						 * to skip most map probes */
	unsigned maxlen;	/* longest phrase in words */
};

/* ngram_filter_bit - the filter bit of a first-word hash */
static inline uint64_t
ngram_filter_bit(uint64_t key, size_t *word)
{
	unsigned b = (unsigned)(key >> 40) & (NGRAM_FILTER_WORDS * 64 - 1);

	*word = b / 64;
	return 1ULL << (b % 64);
}

/* Folded value of each ASCII byte that belongs to a word (0: none). */
static const unsigned char ngram_ascii[128] = {
	['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
	['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
	['a'] = 'a', ['b'] = 'b', ['c'] = 'c', ['d'] = 'd', ['e'] = 'e',
	['f'] = 'f', ['g'] = 'g', ['h'] = 'h', ['i'] = 'i', ['j'] = 'j',
	['k'] = 'k', ['l'] = 'l', ['m'] = 'm', ['n'] = 'n', ['o'] = 'o',
	['p'] = 'p', ['q'] = 'q', ['r'] = 'r', ['s'] = 's', ['t'] = 't',
	['u'] = 'u', ['v'] = 'v', ['w'] = 'w', ['x'] = 'x', ['y'] = 'y',
	['z'] = 'z',
	['A'] = 'a', ['B'] = 'b', ['C'] = 'c', ['D'] = 'd', ['E'] = 'e',
	['F'] = 'f', ['G'] = 'g', ['H'] = 'h', ['I'] = 'i', ['J'] = 'j',
	['K'] = 'k', ['L'] = 'l', ['M'] = 'm', ['N'] = 'n', ['O'] = 'o',
	['P'] = 'p', ['Q'] = 'q', ['R'] = 'r', ['S'] = 's', ['T'] = 't',
	['U'] = 'u', ['V'] = 'v', ['W'] = 'w', ['X'] = 'x', ['Y'] = 'y',
	['Z'] = 'z',
};

/* ngram_combine - extend a sequence hash by one token hash */
static inline uint64_t
ngram_combine(uint64_t h, uint64_t tok)
{
	h = (h ^ tok) * NGRAM_SEED;
	return h ^ (h >> 29);
}

/* ngram_is_alnum - ASCII letter or digit */
static inline bool
ngram_is_alnum(unsigned char c)
{
	return c < 0x80 && ngram_ascii[c] != 0;
}

/* ngram_decode - one UTF-8 character at s (0 bytes if invalid) */
static size_t
ngram_decode(const char *s, size_t len, gunichar *u)
{
	size_t n = len < 4 ? len : 4;
	gunichar c = g_utf8_get_char_validated(s, (gssize)n);

	if (c == (gunichar)-1 || c == (gunichar)-2)
		return 0;
	*u = c;
	return (size_t)(g_utf8_next_char(s) - s);
}

/* ngram_fold - the base lower-case letter of a non-ASCII letter */
static gunichar
ngram_fold(gunichar u)
{
	gunichar d[4];

	if (g_unichar_fully_decompose(u, FALSE, d, 4) > 0)
		u = d[0];
	return g_unichar_tolower(u);
}

/* ngram_at_word - width of the letter or digit at i, or 0 */
static size_t
ngram_at_word(const char *s, size_t len, size_t i)
{
	gunichar u = 0;
	size_t n;

	if ((unsigned char)s[i] < 0x80)
		return ngram_is_alnum((unsigned char)s[i]) ? 1 : 0;
	n = ngram_decode(s + i, len - i, &u);
	return n > 0 && g_unichar_isalnum(u) ? n : 0;
}

/* ngram_apostrophe - width of an apostrophe at i (', `, U+2018/9), or 0 */
static size_t
ngram_apostrophe(const char *s, size_t len, size_t i)
{
	if (s[i] == '\'' || s[i] == '`')
		return 1;
	if (i + 3 <= len && (unsigned char)s[i] == 0xe2 &&
	    (unsigned char)s[i + 1] == 0x80 &&
	    ((unsigned char)s[i + 2] == 0x98 ||
	    (unsigned char)s[i + 2] == 0x99))
		return 3;
	return 0;
}

/* ngram_hash_char - add one folded character of s[i..i+n) to h */
static uint64_t
ngram_hash_char(uint64_t h, const char *s, size_t len, size_t i, size_t n)
{
	unsigned char c = (unsigned char)s[i];
	gunichar u = 0;

	if (n == 1) {
		if (c >= 'A' && c <= 'Z')
			c = (unsigned char)(c - 'A' + 'a');
		return (h ^ c) * NGRAM_FNV_PRIME;
	}
	(void)ngram_decode(s + i, len - i, &u);
	u = ngram_fold(u);
	for (int k = 0; k < 4 && (k == 0 || (u >> (8 * k)) != 0); k++)
		h = (h ^ ((u >> (8 * k)) & 0xff)) * NGRAM_FNV_PRIME;
	return h;
}

/* ngram_token - the next word at or after *pos; false at the end */
static bool
ngram_token(const char *s, size_t len, size_t *pos, struct ngram_token *t)
{
	size_t i = *pos, n, a;
	uint64_t h = NGRAM_FNV_OFFSET;

	/* ASCII separators and letters take the fast paths. */
	while (i < len && (((unsigned char)s[i] < 0x80 &&
	    ngram_ascii[(unsigned char)s[i]] == 0) ||
	    ((unsigned char)s[i] >= 0x80 && ngram_at_word(s, len, i) == 0)))
		i++;
	if (i >= len)
		return false;
	t->start = i;
	for (;;) {
		unsigned char c;

		while (i < len && (c = (unsigned char)s[i]) < 0x80 &&
		    ngram_ascii[c] != 0) {
			h = (h ^ ngram_ascii[c]) * NGRAM_FNV_PRIME;
			i++;
		}
		/* the ASCII run ended at an ASCII separator or at a byte
		 * from 0x80, the only place a letter may still be */
		if (i < len && (unsigned char)s[i] >= 0x80 &&
		    (n = ngram_at_word(s, len, i)) > 0) {
			h = ngram_hash_char(h, s, len, i, n);
			i += n;
			continue;
		}
		if (i >= len || (a = ngram_apostrophe(s, len, i)) == 0 ||
		    i + a >= len || ngram_at_word(s, len, i + a) == 0)
			break;
		/* "Ava's" is Ava; "O'Connor" is one word. */
		if ((s[i + a] == 's' || s[i + a] == 'S') && (i + a + 1 >= len ||
		    ngram_at_word(s, len, i + a + 1) == 0)) {
			t->end = i;
			t->hash = h;
			*pos = i + a + 1;
			return true;
		}
		i += a;
	}
	t->end = i;
	t->hash = h;
	*pos = i;
	return true;
}

/* ngram_new - an empty matcher */
struct ngram *
ngram_new(void)
{
	struct ngram *ng = xcalloc(1, sizeof(*ng));

	u64map_init(&ng->by_key, 64);
	u64map_init(&ng->first, 64);
	u64map_init(&ng->prefix, 64);
	return ng;
}

/* ngram_free - free a matcher */
struct ngram *
ngram_free(struct ngram *ng)
{
	if (ng == NULL)
		return NULL;
	for (size_t i = 0; i < ng->npats; i++)
		free(ng->pats[i].raw);
	free(ng->pats);
	u64map_clear(&ng->by_key);
	u64map_clear(&ng->first);
	u64map_clear(&ng->prefix);
	free(ng);
	return NULL;
}

/* ngram_has_upper - does the raw word contain an ASCII capital? */
static bool
ngram_has_upper(const char *s, size_t start, size_t end)
{
	for (size_t i = start; i < end; i++)
		if (s[i] >= 'A' && s[i] <= 'Z')
			return true;
	return false;
}

/* ngram_parse - tokens of a phrase into p (key, ntok, exact, raw) */
static int
ngram_parse(const char *phrase, size_t len, bool exact_case,
    struct ngram_pattern *p, uint64_t *first,
    uint64_t prefix[NGRAM_MAX_TOKENS])
{
	struct ngram_token t;
	size_t pos = 0;
	GString *raw = g_string_new(NULL);

	memset(p, 0, sizeof(*p));
	p->key = NGRAM_SEED;
	while (ngram_token(phrase, len, &pos, &t)) {
		if (p->ntok == NGRAM_MAX_TOKENS) {
			g_string_free(raw, TRUE);
			return -1;
		}
		if (p->ntok == 0)
			*first = u64map_key(t.hash);
		if (exact_case && ngram_has_upper(phrase, t.start, t.end))
			p->exact |= (uint8_t)(1u << p->ntok);
		g_string_append_len(raw, phrase + t.start,
		    (gssize)(t.end - t.start));
		g_string_append_c(raw, '\0');
		p->key = ngram_combine(p->key, t.hash);
		prefix[p->ntok++] = u64map_key(p->key);
	}
	p->key = u64map_key(p->key);
	if (p->exact != 0) {
		p->raw = xmalloc(raw->len + 1);
		memcpy(p->raw, raw->str, raw->len + 1);
	}
	g_string_free(raw, TRUE);
	return p->ntok == 0 ? -1 : 0;
}

/* ngram_add - store a phrase under its sequence hash */
int
ngram_add(struct ngram *ng, const char *phrase, size_t len, bool exact_case,
    uint32_t type, uint32_t value)
{
	struct ngram_pattern p;
	uint64_t first = 0, bit, prefix[NGRAM_MAX_TOKENS];
	uint32_t head;
	size_t w;

	if (ngram_parse(phrase, len, exact_case, &p, &first, prefix) < 0) {
		free(p.raw);
		return -1;
	}
	p.type = type;
	p.value = value;
	p.next = u64map_get(&ng->by_key, p.key, &head) ? head : NGRAM_NONE;
	ng->pats = xreallocarray(ng->pats, ng->npats + 1, sizeof(p));
	ng->pats[ng->npats] = p;
	(void)u64map_put(&ng->by_key, p.key, (uint32_t)ng->npats);
	(void)u64map_put(&ng->first, first, 1);
	for (unsigned k = 0; k + 1 < p.ntok; k++)
		(void)u64map_put(&ng->prefix, prefix[k], 1);
	bit = ngram_filter_bit(first, &w);
	ng->filter[w] |= bit;
	ng->npats++;
	if (p.ntok > ng->maxlen)
		ng->maxlen = p.ntok;
	return 0;
}

/* ngram_has - a phrase with the same words and type */
bool
ngram_has(const struct ngram *ng, const char *phrase, size_t len,
    uint32_t type)
{
	struct ngram_pattern p;
	uint64_t first, prefix[NGRAM_MAX_TOKENS];
	uint32_t i;
	bool found = false;

	if (ngram_parse(phrase, len, false, &p, &first, prefix) < 0)
		return false;
	if (u64map_get(&ng->by_key, p.key, &i))
		for (; i != NGRAM_NONE && !found; i = ng->pats[i].next)
			found = ng->pats[i].type == type &&
			    ng->pats[i].ntok == p.ntok;
	free(p.raw);
	return found;
}

/* ngram_count - number of phrases */
size_t
ngram_count(const struct ngram *ng)
{
	return ng->npats;
}

struct ngram_open {
	uint64_t key;		/* sequence hash so far */
	size_t	 first;		/* index of its first word (all words) */
	unsigned n;		/* words so far */
};

/* ngram_exact_ok - do the exact-case words of p match the text? */
static bool
ngram_exact_ok(const struct ngram_pattern *p, const char *text,
    const struct ngram_token *ring, size_t first)
{
	const char *w = p->raw;

	for (unsigned k = 0; k < p->ntok; k++) {
		const struct ngram_token *t =
		    &ring[(first + k) % NGRAM_MAX_TOKENS];
		size_t wl = strlen(w);

		if ((p->exact & (1u << k)) != 0 && (t->end - t->start != wl ||
		    memcmp(text + t->start, w, wl) != 0))
			return false;
		w += wl + 1;
	}
	return true;
}

/* ngram_report - every pattern stored under an open candidate's hash */
static void
ngram_report(const struct ngram *ng, const char *text,
    const struct ngram_token *ring, const struct ngram_open *o, size_t end,
    ngram_hit_fn fn, void *arg)
{
	uint32_t i;

	if (!u64map_get(&ng->by_key, u64map_key(o->key), &i))
		return;
	for (; i != NGRAM_NONE; i = ng->pats[i].next) {
		const struct ngram_pattern *p = &ng->pats[i];

		if (p->ntok == o->n && (p->exact == 0 ||
		    ngram_exact_ok(p, text, ring, o->first)))
			fn(arg, p->type, p->value,
			    ring[o->first % NGRAM_MAX_TOKENS].start, end);
	}
}

/* ngram_scan - one pass over the text */
void
ngram_scan(const struct ngram *ng, const char *text, size_t len,
    ngram_hit_fn fn, void *arg)
{
	struct ngram_token ring[NGRAM_MAX_TOKENS], t;
	struct ngram_open open[NGRAM_MAX_TOKENS];
	size_t pos = 0, ntok = 0, w;
	uint64_t key, bit;
	unsigned nopen = 0;

	if (ng->npats == 0)
		return;
	while (ngram_token(text, len, &pos, &t)) {
		unsigned keep = 0;

		ring[ntok % NGRAM_MAX_TOKENS] = t;
		for (unsigned k = 0; k < nopen; k++) {
			struct ngram_open o = open[k];

			if (++o.n > ng->maxlen)
				continue;
			o.key = ngram_combine(o.key, t.hash);
			ngram_report(ng, text, ring, &o, t.end, fn, arg);
			if (u64map_get(&ng->prefix, u64map_key(o.key), NULL))
				open[keep++] = o;
		}
		nopen = keep;
		key = u64map_key(t.hash);
		bit = ngram_filter_bit(key, &w);
		if ((ng->filter[w] & bit) != 0 &&
		    u64map_get(&ng->first, key, NULL) &&
		    nopen < NGRAM_MAX_TOKENS) {
			open[nopen] = (struct ngram_open){
			    .key = ngram_combine(NGRAM_SEED, t.hash),
			    .first = ntok, .n = 1 };
			ngram_report(ng, text, ring, &open[nopen], t.end, fn,
			    arg);
			if (u64map_get(&ng->prefix, u64map_key(open[nopen].key),
			    NULL))
				nopen++;
		}
		ntok++;
	}
}
