/*
 * term_vocab - the words the safeguarding phrases are made of: could a
 * word of the text be part of a phrase? (SPEC 2.6)
 *
 * The matcher adds every normalised word of every phrase (and the stem
 * of each wildcard word, "bitch*" -> "bitch") and asks, for each word
 * of a message, whether it is one of them or begins with a stem.  A
 * word that is neither cannot be part of any match, so the matcher
 * skips it without walking the automaton.  The answer is a walk down a
 * trie, one table lookup per character, and it stops at the first
 * character no phrase word continues with: most words of ordinary mail
 * are dismissed after one or two characters.
 *
 * A sieve is a vocabulary of the same words with their repeated letters
 * collapsed ("kill" -> "kil"), walked over a word of the text collapsed
 * the same way as it is read: it answers "could the finisher make a
 * phrase word of this?" before the finisher runs (term_norm.h), so the
 * scanner can drop the word without handing it over.  It says yes to
 * every word term_vocab_matters() says yes to after stretched letters
 * are collapsed, and to a few more.
 *
 * A sieve compiled with term_vocab_compile_machine() is also a machine
 * over the ASCII letters and digits of a word as they are read (a
 * symbol each, digits as digits): one table lookup a byte answers
 * "ruled out", "let through" or "ask the sieve" for the whole word,
 * digits standing for letters in a word with letters and stretched
 * letters skipped, as term_vocab_sieve_passes() reads it.
 *
 * A vocabulary is read-only once built and may be shared by threads.
 */
#ifndef AUP_TERM_VOCAB_H
#define AUP_TERM_VOCAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TERM_VOCAB_NSYM	38	/* space, a-z, 0-9, another letter */
#define TERM_VOCAB_SYM_LETTER(c)	((c) - 'a' + 1)	/* 'a'..'z': 1..26 */
#define TERM_VOCAB_SYM_DIGIT(c)		((c) - '0' + 27) /* '0'..'9': 27..36 */
#define TERM_VOCAB_PAIRS	((TERM_VOCAB_NSYM * TERM_VOCAB_NSYM + 63) / 64)

/* states of the machine (term_vocab_compile_machine), as the offsets
 * of their rows: state * TERM_VOCAB_NSYM */
#define TERM_VOCAB_DEAD		0	/* ruled out whatever follows */
#define TERM_VOCAB_START	(2 * TERM_VOCAB_NSYM)	/* before a word's
				 * first byte */

#define TERM_VOCAB_WORD	1	/* vflag: a phrase word ends here */
#define TERM_VOCAB_STEM	2	/* vflag: a wildcard stem ends here */

struct term_vocab {
	int32_t	*go;		/* nstates * TERM_VOCAB_NSYM, 0 = no word */
	uint8_t	*flag;		/* TERM_VOCAB_WORD | TERM_VOCAB_STEM */
	size_t	 nstates, cap;
	/* a bit for each pair of symbols a word can begin with (every
	 * pair after a stem of one symbol) */
	uint64_t pairs[TERM_VOCAB_PAIRS];
	/* the machine: next state by symbol (1..36; symbol 0, which no
	 * letter or digit is, ends the word: it leads to a state that
	 * says what the one it left says and stays put whatever comes
	 * after), nmachine *
	 * TERM_VOCAB_NSYM; a state is the offset of its row (state *
	 * TERM_VOCAB_NSYM), so a step is one load; a word ending in a
	 * state before maybe_from is ruled out, in one before unsure_from
	 * let through, in one from unsure_from on it is for
	 * term_vocab_sieve_passes() to say; NULL until compiled */
	uint32_t *machine;
	size_t	 nmachine;
	uint32_t maybe_from, unsure_from;
};

/* the symbol of each byte XOR 37 (term_vocab.c) */
extern const uint8_t term_vocab_symbols[256];

/* each symbol's character: " a-z 0-9 #" (term_vocab.c) */
extern const char term_vocab_chars[TERM_VOCAB_NSYM + 1];

/* term_vocab_sym - the symbol of a normalised character */
static inline int
term_vocab_sym(char c)
{
	return term_vocab_symbols[(unsigned char)c] ^ 37;
}

/* term_vocab_init - an empty vocabulary */
void	term_vocab_init(struct term_vocab *v);
/* term_vocab_add - word w[0..len), a stem when `stem` */
void	term_vocab_add(struct term_vocab *v, const char *w, size_t len,
	    bool stem);
/* term_vocab_compile_machine - the machine of a sieve; leet[c] is the
 * symbol that symbol c stands for in a word with letters (a letter for
 * some digits, c itself otherwise) */
void	term_vocab_compile_machine(struct term_vocab *v,
	    const uint8_t leet[TERM_VOCAB_NSYM]);
/* term_vocab_clear - free the tables */
void	term_vocab_clear(struct term_vocab *v);

/* term_vocab_find - the state of word[0..len) when it is a phrase word
 * (above 0); 0 when it is neither a phrase word nor begins with a stem;
 * -1 when it begins with a stem */
static inline int32_t
term_vocab_find(const struct term_vocab *v, const char *word, size_t len)
{
	int32_t s = 0;

	for (size_t i = 0; i < len; i++) {
		s = v->go[(size_t)s * TERM_VOCAB_NSYM + term_vocab_sym(word[i])];
		if (s == 0)
			return 0;
		if (v->flag[s] & TERM_VOCAB_STEM)
			return -1;
	}
	return len > 0 && (v->flag[s] & TERM_VOCAB_WORD) ? s : 0;
}

/* term_vocab_matters - is word[0..len) a phrase word, or does it begin
 * with a stem? */
static inline bool
term_vocab_matters(const struct term_vocab *v, const char *word, size_t len)
{
	return term_vocab_find(v, word, len) != 0;
}

/* term_vocab_pair - can a word begin with symbols a then b? */
static inline bool
term_vocab_pair(const struct term_vocab *v, unsigned a, unsigned b)
{
	unsigned bit = a * TERM_VOCAB_NSYM + b;

	return (v->pairs[bit / 64] >> (bit % 64)) & 1;
}

/* term_vocab_sieve_passes - could the word whose symbols are
 * syms[bytes[i]], i < len, be a word of sieve v once stretched letters
 * are collapsed and chat spellings spelt out?  (v holds collapsed
 * words: a repeated letter, not a digit, is skipped.)  Most words are
 * ruled out by their first two symbols. */
static inline bool
term_vocab_sieve_passes(const struct term_vocab *v,
    const unsigned char *bytes, size_t len, const uint8_t syms[256])
{
	unsigned prev = syms[bytes[0]], c;
	int32_t s;

	if (len > 1 && ((c = syms[bytes[1]]) != prev ||
	    prev > TERM_VOCAB_SYM_LETTER('z')) &&
	    !term_vocab_pair(v, prev, c))
		return false;
	if ((s = v->go[prev]) == 0)
		return false;
	for (size_t i = 1; i < len && !(v->flag[s] & TERM_VOCAB_STEM); i++) {
		if ((c = syms[bytes[i]]) == prev &&
		    c <= TERM_VOCAB_SYM_LETTER('z'))
			continue;
		prev = c;
		s = v->go[(size_t)s * TERM_VOCAB_NSYM + c];
		if (s == 0)
			return false;
	}
	return (v->flag[s] & (TERM_VOCAB_WORD | TERM_VOCAB_STEM)) != 0;
}

#endif
