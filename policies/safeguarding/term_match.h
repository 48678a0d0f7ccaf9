/*
 * term_match - find the phrases of the safeguarding lists in text, fast
 * (SPEC 2.6)
 *
 * A term set is every phrase of every list, normalised (term_norm.h)
 * and compiled into one Aho-Corasick automaton over the normalised word
 * stream, so a message is read once whatever the number of phrases.
 * Whole words only: a phrase matches from the start of a word to the
 * end of a word ("essex" never holds "sex"), except that a phrase
 * written with a trailing '*' matches any ending of its last word.
 * Phrases run across line breaks and punctuation.  A never-count
 * phrase ('!' in a list) masks every phrase found inside it, whichever
 * list that phrase belongs to ("relationships and sex education").
 *
 * A hit set records, for one message scanned text by text (subject,
 * parts, attachments), each distinct phrase once: its first occurrence
 * outside any never-count phrase, with about TERM_CONTEXT characters of
 * the text around it (for the DSL only).
 *
 * A term set is read-only once compiled and shared by every thread; a
 * hit set belongs to one evaluation.
 */
#ifndef AUP_TERM_MATCH_H
#define AUP_TERM_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#define TERM_MAX_WORDS	12	/* words in one phrase */
#define TERM_CONTEXT	120	/* bytes of context kept around a hit */

struct term_phrase {
	char	*text;		/* as written in its list */
	unsigned category;	/* the caller's category number */
	int	 weight;	/* 0 for a never-count phrase */
	bool	 never;		/* a '!' phrase */
	unsigned nwords;	/* normalised words */
};

struct term_hit {
	size_t	 phrase;	/* index into the term set */
	char	*context;	/* ~TERM_CONTEXT bytes of text around it */
};

struct term_set;
struct term_hits;

/* term_set_new - an empty set */
struct term_set *term_set_new(void);
/*
 * term_set_add - add a phrase (a trailing '*' is the ending wildcard);
 * 0, or -1 with *why set to a static explanation (nothing left after
 * normalising, too many words, '*' not at the end of the phrase,
 * letters outside the Latin alphabet).  Not after term_set_compile().
 */
int	term_set_add(struct term_set *ts, unsigned category, const char *phrase,
	    int weight, bool never, const char **why);
/* term_set_compile - build the automaton; the set is read-only after */
void	term_set_compile(struct term_set *ts);
/* term_set_count - number of phrases */
size_t	term_set_count(const struct term_set *ts);
/* term_set_phrase - phrase i (borrowed) */
const struct term_phrase *term_set_phrase(const struct term_set *ts,
	    size_t i);
/* term_set_states - states of the automaton (for the benchmark) */
size_t	term_set_states(const struct term_set *ts);
/* term_set_free - accepts NULL, returns NULL */
struct term_set *term_set_free(struct term_set *ts);

/* term_hits_new - an empty hit set for one message over ts */
struct term_hits *term_hits_new(const struct term_set *ts);
/* term_hits_scan - look for the phrases in text[0..len) */
void	term_hits_scan(struct term_hits *h, const char *text, size_t len);
/* term_hits_scan_every_word - the same without the sieve: every word
 * reaches the matcher's own vocabulary test (the reference the sieve
 * is tested against; the same hits, more slowly) */
void	term_hits_scan_every_word(struct term_hits *h, const char *text,
	    size_t len);
/* term_hits_count - distinct phrases found so far */
size_t	term_hits_count(const struct term_hits *h);
/* term_hits_get - hit i, in the order found (borrowed) */
const struct term_hit *term_hits_get(const struct term_hits *h, size_t i);
/* term_hits_free - accepts NULL, returns NULL */
struct term_hits *term_hits_free(struct term_hits *h);

#endif
