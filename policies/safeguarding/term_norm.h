/*
 * term_norm - text to the words the safeguarding lists are written in
 * (SPEC 2.6)
 *
 * One function turns any UTF-8 text (a message, or a phrase of a term
 * list, so both sides are normalised alike) into a stream of words over
 * a small alphabet: 'a'..'z', '0'..'9' and TERM_NORM_OTHER for a letter
 * of another alphabet.  Along the way:
 *   - case is folded and accents dropped (é -> e, ß -> ss, æ -> ae);
 *   - look-alike letters of other scripts become the Latin letter they
 *     imitate (Cyrillic і а е о р с у х, Greek ο α ε ι ...), fullwidth
 *     forms become ASCII;
 *   - in a word with letters, digits and symbols stand for letters:
 *     0 o, 1 i, 3 e, 4 a, 5 s, 7 t, @ a, $ s, and '!' between letters
 *     is i ("k!ll"); a number alone stays a number;
 *   - '.', '_', '*' and apostrophes between two letters are dropped
 *     ("k.i.l.l", "don't"), zero-width characters, soft hyphens and
 *     combining marks are ignored; '-' separates words ("self-harm" is
 *     "self harm");
 *   - three or more single letters separated by spaces, dots, hyphens or
 *     slashes make one word ("k y s", "k - y - s"), except runs made only
 *     of the chat letters u r a i n ("u r a" stays three words);
 *   - a word with a letter repeated three or more times has every
 *     repeated letter collapsed ("fuuuuck" -> "fuck", "killlll" -> "kil":
 *     the matcher also indexes each list word collapsed);
 *   - chat spellings become words: u ya yu -> you, ur yr youre ure ->
 *     your, r -> are, im -> i am.
 * Each word comes with the byte span of the text it came from.
 *
 * With a sieve (term_vocab.h), a word of ASCII letters and digits that
 * the sieve rules out is not handed over: the scanner dismisses it as
 * it reads it, before the finisher.  In its place the callback gets an
 * empty word (len 0) once for each run of such words, so that no
 * phrase is matched across them.  The sieve's machine reads the word
 * as the scanner does (term_norm_sieve_compile()).  A long text is
 * read a block of 64 bytes at a time: where its words start and end is
 * found for the whole block at once (with SSE2 where the compiler has
 * it, else in plain C; the same words either way), and most words are
 * dismissed after a few steps of the machine, with no test a byte.
 */
#ifndef AUP_TERM_NORM_H
#define AUP_TERM_NORM_H

#include <stdbool.h>
#include <stddef.h>

#include "policies/safeguarding/term_vocab.h"

#define TERM_NORM_WORD_MAX	48	/* longer words are cut */
#define TERM_NORM_OTHER		'#'	/* a letter of another alphabet */

/* Receives each word: word[0..len) (not NUL-terminated), and the span
 * text[start..end) it came from. */
typedef void (*term_norm_fn)(void *arg, const char *word, size_t len,
	    size_t start, size_t end);

/* term_norm_text - normalise text[0..len) and call fn for each word */
void	term_norm_text(const char *text, size_t len, term_norm_fn fn,
	    void *arg);
/* term_norm_text_sieved - the same, with the words that sieve rules
 * out replaced by one empty word a run (sieve may be NULL) */
void	term_norm_text_sieved(const char *text, size_t len,
	    const struct term_vocab *sieve, term_norm_fn fn, void *arg);
/* term_norm_sieve_compile - a sieve's machine (term_vocab.h) with the
 * letters this scanner reads digits as; before the sieve is used */
void	term_norm_sieve_compile(struct term_vocab *sieve);
/* the spellings the finisher turns into other words ("u" -> "you");
 * NULL-terminated: a sieve must let them through */
extern const char *const term_norm_chat_words[];
/* term_norm_collapse - w with every run of one letter made one letter,
 * into out (at least len + 1 bytes); returns the new length */
size_t	term_norm_collapse(const char *w, size_t len, char *out);

#endif
