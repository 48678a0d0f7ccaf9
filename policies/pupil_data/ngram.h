/*
 * ngram - a multi-pattern matcher over normalised word tokens
 *
 * Pupil names from the roster, sensitive-category keywords and the
 * labels the detectors need ("UPN", "date of birth") are all phrases of
 * a few words.  Text is cut into tokens (letters and digits; case,
 * accents and apostrophes folded: "O'Connor" = "oconnor", "Zoë" = "zoe",
 * "Ava's" = "ava"; hyphens, commas, tabs and all other punctuation
 * separate tokens), each token is hashed once, and every phrase is one
 * lookup of the hash of its token sequence: hashed token n-grams, one
 * pass, cost independent of the number of phrases.
 *
 * Matching is on whole tokens, so "SEN" never matches inside "SENT".  A
 * phrase added with exact_case keeps the case of every word written with
 * a capital letter ("SEND" matches "SEND" but not "send"); other words
 * match in any case.
 *
 * A built matcher is read-only: any number of threads may scan with it.
 */
#ifndef AUP_PUPIL_NGRAM_H
#define AUP_PUPIL_NGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NGRAM_MAX_TOKENS 8	/* longest phrase, in words */

struct ngram;

/* One match: the phrase's type and value, and the text range it covers. */
typedef void (*ngram_hit_fn)(void *arg, uint32_t type, uint32_t value,
    size_t start, size_t end);

/* ngram_new - an empty matcher */
struct ngram *ngram_new(void);
/* ngram_free - accepts NULL, returns NULL */
struct ngram *ngram_free(struct ngram *ng);
/*
 * ngram_add - add a phrase; 0, or -1 when it has no word or more than
 * NGRAM_MAX_TOKENS words.  The same phrase may be added with several
 * types; each match reports every one.
 */
int	ngram_add(struct ngram *ng, const char *phrase, size_t len,
	    bool exact_case, uint32_t type, uint32_t value);
/* ngram_has - is this phrase (same words, same type) already there? */
bool	ngram_has(const struct ngram *ng, const char *phrase, size_t len,
	    uint32_t type);
/* ngram_count - number of phrases */
size_t	ngram_count(const struct ngram *ng);
/* ngram_scan - report every phrase found in text[0..len) in text order
 * of the phrases' last words */
void	ngram_scan(const struct ngram *ng, const char *text, size_t len,
	    ngram_hit_fn fn, void *arg);

#endif
