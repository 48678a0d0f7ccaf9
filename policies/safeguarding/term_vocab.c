/*
 * term_vocab - the trie of the safeguarding phrases' words
 *
 * SYNOPSIS
 *	term_vocab_init(), term_vocab_add(), term_vocab_compile_machine(),
 *	term_vocab_clear(),
 *	term_vocab_chars[], term_vocab_matters(), term_vocab_pair(),
 *	term_vocab_sieve_passes() (inline, term_vocab.h)
 *
 * DESCRIPTION
 *	State 0 is the root; a transition to 0 means no phrase word goes
 *	on that way (the root is never a target).  A stem longer than 63
 *	characters counts as a whole word, as the matcher always did
 *	(normalised words are cut at 48 characters, so none is).
 *
 *	The machine has a state for each trie state reached by a word
 *	with letters (digits read as the letters they stand for, a letter
 *	the same as the one before staying put) and one for each reached
 *	by digits alone (digits as digits; a letter after them sends the
 *	word to VOCAB_MAYBE, since it changes what the digits were).
 *	A wildcard stem lets anything after it through: VOCAB_PASS after
 *	letters, VOCAB_MAYBE after digits alone.  The first letter of a
 *	word leads to a state of its own, a maybe (a single letter is the
 *	scanner's to judge), with the transitions of its trie state.  A
 *	word ending in any other state that may pass is one the sieve lets
 *	through: those states are numbered before the maybes.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "policies/safeguarding/term_vocab.h"
#include "util/xalloc.h"

/* the machine's fixed states while it is built; after, the states a
 * word may pass in are numbered last (those it surely passes in, then
 * the maybes), which makes START state 2 (the row TERM_VOCAB_START) */
#define VOCAB_DEAD_NUMBER	1	/* digits no word begins with */
#define VOCAB_MAYBE		2	/* unsure whatever follows */
#define VOCAB_START		3	/* before a word's first byte */
#define VOCAB_PASS		4	/* passes whatever follows */

/* what a word ending in a state is to the sieve */
#define VOCAB_OUT	0	/* ruled out */
#define VOCAB_IN	1	/* let through */
#define VOCAB_UNSURE	2	/* the scanner asks the sieve */

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
	v->machine = NULL;
	v->nmachine = 0;
	v->maybe_from = 0;
	v->unsure_from = 0;
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

/* The machine under construction: which trie state each machine state
 * stands for, and the machine state of each trie state in either mode */
struct vocab_build {
	struct term_vocab *v;
	int32_t	*trie;		/* machine state -> trie state */
	bool	*number;	/* machine state: digits alone so far */
	uint8_t	*maybe;		/* machine state: VOCAB_OUT, _IN or
				 * _UNSURE for a word ending in it */
	int32_t	*id[2];		/* trie state -> machine state (0 none) */
	uint8_t	*label;		/* trie state -> symbol of its edge */
	size_t	 cap;
};

/* vocab_machine_new - a new machine state for trie state s */
static uint32_t
vocab_machine_new(struct vocab_build *b, int32_t s, bool number,
    uint8_t maybe)
{
	struct term_vocab *v = b->v;

	if (v->nmachine == b->cap) {
		b->cap *= 2;
		v->machine = xreallocarray(v->machine, b->cap *
		    TERM_VOCAB_NSYM, sizeof(*v->machine));
		b->maybe = xreallocarray(b->maybe, b->cap, 1);
		b->trie = xreallocarray(b->trie, b->cap, sizeof(*b->trie));
		b->number = xreallocarray(b->number, b->cap,
		    sizeof(*b->number));
	}
	b->trie[v->nmachine] = s;
	b->number[v->nmachine] = number;
	b->maybe[v->nmachine] = maybe;
	return (uint32_t)v->nmachine++;
}

/* vocab_machine_state - the machine state for trie state s reached with
 * letters (number false) or digits alone, made if new */
static uint32_t
vocab_machine_state(struct vocab_build *b, int32_t s, bool number)
{
	struct term_vocab *v = b->v;
	int32_t *id = &b->id[number][s];

	if (s == 0)
		return number ? VOCAB_DEAD_NUMBER : TERM_VOCAB_DEAD;
	if (v->flag[s] & TERM_VOCAB_STEM)
		return number ? VOCAB_MAYBE : VOCAB_PASS;
	if (*id == 0)
		*id = (int32_t)vocab_machine_new(b, s, number,
		    v->flag[s] & TERM_VOCAB_WORD ? VOCAB_IN : VOCAB_OUT);
	return (uint32_t)*id;
}

/* vocab_machine_row - the transitions of machine state m (its trie
 * state and the states it leads to are made first) */
static void
vocab_machine_row(struct vocab_build *b, size_t m,
    const uint8_t leet[TERM_VOCAB_NSYM])
{
	struct term_vocab *v = b->v;
	uint32_t row[TERM_VOCAB_NSYM] = { 0 };
	int32_t s = b->trie[m];
	bool number = b->number[m];

	for (unsigned c = 1; c <= TERM_VOCAB_SYM_DIGIT('9'); c++) {
		unsigned to = number ? c : leet[c];
		bool letter = to <= TERM_VOCAB_SYM_LETTER('z');

		if (s == 0)	/* a first letter no word begins with */
			row[c] = TERM_VOCAB_DEAD;
		else if (number && c <= TERM_VOCAB_SYM_LETTER('z'))
			row[c] = VOCAB_MAYBE;
		else if (!number && letter && s != 0 && b->label[s] == to)
			row[c] = (uint32_t)m;	/* a stretched letter */
		else
			row[c] = vocab_machine_state(b, v->go[(size_t)s *
			    TERM_VOCAB_NSYM + to], number && !letter);
	}
	memcpy(v->machine + m * TERM_VOCAB_NSYM, row, sizeof(row));
}

/* vocab_machine_renumber - the states a word is ruled out in first, in
 * the order they were made (DEAD, DEAD_NUMBER, START first), then those
 * it passes in, then the maybes */
static void
vocab_machine_renumber(struct term_vocab *v, const uint8_t *maybe)
{
	uint32_t *id = xmalloc(v->nmachine * sizeof(*id));
	uint32_t *old = v->machine, n = 0, sink[VOCAB_UNSURE + 1];

	for (uint8_t pass = VOCAB_OUT; pass <= VOCAB_UNSURE; pass++) {
		if (pass == VOCAB_IN)
			v->maybe_from = n;
		if (pass == VOCAB_UNSURE)
			v->unsure_from = n;
		for (size_t m = 0; m < v->nmachine; m++)
			if (maybe[m] == pass)
				id[m] = n++;
	}
	/* symbol 0 ends the word: to the state that stays put whatever
	 * follows and says what this one says (DEAD, PASS or MAYBE) */
	sink[VOCAB_OUT] = id[TERM_VOCAB_DEAD];
	sink[VOCAB_IN] = id[VOCAB_PASS];
	sink[VOCAB_UNSURE] = id[VOCAB_MAYBE];
	v->machine = xmalloc(v->nmachine * TERM_VOCAB_NSYM *
	    sizeof(*v->machine));
	for (size_t m = 0; m < v->nmachine; m++)
		for (size_t c = 0; c < TERM_VOCAB_NSYM; c++)
			v->machine[id[m] * TERM_VOCAB_NSYM + c] = (c == 0 ?
			    sink[maybe[m]] : id[old[m * TERM_VOCAB_NSYM + c]]) *
			    TERM_VOCAB_NSYM;
	v->maybe_from *= TERM_VOCAB_NSYM;
	v->unsure_from *= TERM_VOCAB_NSYM;
	free(old);
	free(id);
}

/* term_vocab_compile_machine - every state reachable from the start */
void
term_vocab_compile_machine(struct term_vocab *v,
    const uint8_t leet[TERM_VOCAB_NSYM])
{
	struct vocab_build b = { .v = v, .cap = 64 };

	b.id[0] = xcalloc(v->nstates, sizeof(*b.id[0]));
	b.id[1] = xcalloc(v->nstates, sizeof(*b.id[1]));
	b.label = xcalloc(v->nstates, 1);
	for (size_t i = 0; i < v->nstates * TERM_VOCAB_NSYM; i++)
		if (v->go[i] != 0)
			b.label[v->go[i]] = (uint8_t)(i % TERM_VOCAB_NSYM);
	free(v->machine);
	v->machine = xcalloc(b.cap * TERM_VOCAB_NSYM, sizeof(*v->machine));
	b.maybe = xcalloc(b.cap, 1);
	b.trie = xcalloc(b.cap, sizeof(*b.trie));
	b.number = xcalloc(b.cap, sizeof(*b.number));
	/* the four fixed states; START stands for the root in both modes */
	v->nmachine = VOCAB_PASS + 1;
	b.maybe[VOCAB_MAYBE] = VOCAB_UNSURE;
	b.maybe[VOCAB_PASS] = VOCAB_IN;
	for (unsigned c = 1; c <= TERM_VOCAB_SYM_DIGIT('9'); c++) {
		bool letter = c <= TERM_VOCAB_SYM_LETTER('z');

		v->machine[VOCAB_DEAD_NUMBER * TERM_VOCAB_NSYM + c] =
		    letter ? VOCAB_MAYBE : VOCAB_DEAD_NUMBER;
		v->machine[VOCAB_MAYBE * TERM_VOCAB_NSYM + c] =
		    VOCAB_MAYBE;
		v->machine[VOCAB_PASS * TERM_VOCAB_NSYM + c] = VOCAB_PASS;
		/* a single letter is a maybe (the scanner may join it to
		 * others): after the first letter, a state of its own */
		v->machine[VOCAB_START * TERM_VOCAB_NSYM + c] = letter &&
		    !(v->flag[v->go[c]] & TERM_VOCAB_STEM) ?
		    vocab_machine_new(&b, v->go[c], false, VOCAB_UNSURE) :
		    vocab_machine_state(&b, v->go[c], !letter);
	}
	for (size_t m = VOCAB_PASS + 1; m < v->nmachine; m++)
		vocab_machine_row(&b, m, leet);
	vocab_machine_renumber(v, b.maybe);
	free(b.maybe);
	free(b.id[0]);
	free(b.id[1]);
	free(b.label);
	free(b.trie);
	free(b.number);
}

/* term_vocab_clear - free the tables */
void
term_vocab_clear(struct term_vocab *v)
{
	free(v->go);
	free(v->flag);
	free(v->machine);
	memset(v, 0, sizeof(*v));
}
