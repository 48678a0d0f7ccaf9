/*
 * term_vocab - the trie of the safeguarding phrases' words
 *
 * SYNOPSIS
 *	term_vocab_init(), term_vocab_add(), term_vocab_clear(),
 *	term_vocab_chars[], term_vocab_matters(), term_vocab_pair(),
 *	term_vocab_sieve_passes() (inline, term_vocab.h)
 *
 * DESCRIPTION
 *	State 0 is the root; a transition to 0 means no phrase word goes
 *	on that way (the root is never a target).  A stem longer than 63
 *	characters counts as a whole word, as the matcher always did
 *	(normalised words are cut at 48 characters, so none is).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include "policies/safeguarding/term_vocab.h"
#include "util/xalloc.h"

/* Each byte's symbol XOR 37: space 0, a-z 1-26, 0-9 27-36, and 37 for
 * anything else (another letter), which is the table's default 0 */
const uint8_t term_vocab_symbols[256] = {
	[' '] = 0 ^ 37, ['a'] = 1 ^ 37, ['b'] = 2 ^ 37, ['c'] = 3 ^ 37,
	['d'] = 4 ^ 37, ['e'] = 5 ^ 37, ['f'] = 6 ^ 37, ['g'] = 7 ^ 37,
	['h'] = 8 ^ 37, ['i'] = 9 ^ 37, ['j'] = 10 ^ 37,
	['k'] = 11 ^ 37, ['l'] = 12 ^ 37, ['m'] = 13 ^ 37,
	['n'] = 14 ^ 37, ['o'] = 15 ^ 37, ['p'] = 16 ^ 37,
	['q'] = 17 ^ 37, ['r'] = 18 ^ 37, ['s'] = 19 ^ 37,
	['t'] = 20 ^ 37, ['u'] = 21 ^ 37, ['v'] = 22 ^ 37,
	['w'] = 23 ^ 37, ['x'] = 24 ^ 37, ['y'] = 25 ^ 37,
	['z'] = 26 ^ 37, ['0'] = 27 ^ 37, ['1'] = 28 ^ 37,
	['2'] = 29 ^ 37, ['3'] = 30 ^ 37, ['4'] = 31 ^ 37,
	['5'] = 32 ^ 37, ['6'] = 33 ^ 37, ['7'] = 34 ^ 37,
	['8'] = 35 ^ 37, ['9'] = 36 ^ 37,
};

const char term_vocab_chars[TERM_VOCAB_NSYM + 1] =
    " abcdefghijklmnopqrstuvwxyz0123456789#";

/* term_vocab_init - the root alone */
void
term_vocab_init(struct term_vocab *v)
{
	v->cap = 64;
	v->go = xcalloc(v->cap * TERM_VOCAB_NSYM, sizeof(*v->go));
	v->flag = xcalloc(v->cap, sizeof(*v->flag));
	v->nstates = 1;
	memset(v->pairs, 0, sizeof(v->pairs));
}

/* term_vocab_add_pairs - the pairs of symbols word w[0..len) may begin
 * with: its first two, or any after a stem of one */
static void
term_vocab_add_pairs(struct term_vocab *v, const char *w, size_t len,
    bool stem)
{
	unsigned a = (unsigned)term_vocab_sym(w[0]);

	for (unsigned b = 0; b < TERM_VOCAB_NSYM; b++) {
		unsigned bit = a * TERM_VOCAB_NSYM + b;

		if ((len == 1 && stem) || (len > 1 &&
		    b == (unsigned)term_vocab_sym(w[1])))
			v->pairs[bit / 64] |= (uint64_t)1 << (bit % 64);
	}
}

/* term_vocab_state - a fresh state (the tables grow by doubling) */
static int32_t
term_vocab_state(struct term_vocab *v)
{
	if (v->nstates == v->cap) {
		v->go = xreallocarray(v->go, 2 * v->cap * TERM_VOCAB_NSYM,
		    sizeof(*v->go));
		memset(v->go + v->cap * TERM_VOCAB_NSYM, 0,
		    v->cap * TERM_VOCAB_NSYM * sizeof(*v->go));
		v->flag = xreallocarray(v->flag, 2 * v->cap, sizeof(*v->flag));
		memset(v->flag + v->cap, 0, v->cap);
		v->cap *= 2;
	}
	return (int32_t)v->nstates++;
}

/* term_vocab_add - insert one word or stem */
void
term_vocab_add(struct term_vocab *v, const char *w, size_t len, bool stem)
{
	int32_t s = 0;

	if (len == 0)
		return;
	for (size_t i = 0; i < len; i++) {
		size_t slot = (size_t)s * TERM_VOCAB_NSYM + term_vocab_sym(w[i]);

		if (v->go[slot] == 0) {
			int32_t n = term_vocab_state(v);

			v->go[slot] = n;	/* v->go may have moved */
		}
		s = v->go[slot];
	}
	v->flag[s] |= stem && len < 64 ? TERM_VOCAB_STEM : TERM_VOCAB_WORD;
	term_vocab_add_pairs(v, w, len, stem && len < 64);
}

/* term_vocab_clear - free the tables */
void
term_vocab_clear(struct term_vocab *v)
{
	free(v->go);
	free(v->flag);
	memset(v, 0, sizeof(*v));
}
