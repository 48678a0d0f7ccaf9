/*
 * term_norm - normalise text into the words of the safeguarding lists
 *
 * SYNOPSIS
 *	term_norm_text(), term_norm_text_sieved(), term_norm_collapse(),
 *	term_norm_sieve_compile(), term_norm_chat_words[]
 *
 * DESCRIPTION
 *	Three stages, all streaming (no copy of the text is made):
 *	the scanner decodes UTF-8 and classifies each character (a letter
 *	after folding, a digit, a symbol that stands for a letter, a joiner
 *	that may sit inside a word, a character to ignore, a separator) and
 *	builds raw words; the joiner glues runs of single letters ("k y s")
 *	into one word; the finisher collapses stretched letters and turns
 *	chat spellings into words.  What each step does is listed in
 *	term_norm.h; the reasons are evasion (pupils and groomers write
 *	"k.i.l.l", "s3x", Cyrillic "і") and false alarms (whole words only,
 *	numbers left alone).  Non-ASCII characters go through GLib's case
 *	folding and compatibility decomposition, then a table of
 *	look-alikes.
 *
 *	With a sieve (the matcher's scans), a word of ASCII letters and
 *	digits takes a fast path: read once, tested against the sieve and
 *	dropped, or handed to the finisher as the general path would hand
 *	it.  Without one (phrases of the lists, and the reference scan the
 *	tests compare the fast path with) every character takes the
 *	general path.
 *
 *	The fast path reads a long text a block of NORM_BLOCK bytes at a
 *	time (norm_sieve_block): masks of the block's letters and digits
 *	and of its word-enders give every word's start, length and gap
 *	without a test a byte, and the sieve's machine takes NORM_STEPS
 *	steps over each word without a branch.  Words of pupil lists are a
 *	few bytes long (82 % of the text the benchmark corpus extracts is
 *	CSV and XLSX cells): a loop that stops at each word's end, or at
 *	the machine's verdict, guesses wrong at most of them, and those
 *	wrong guesses were most of the scan's time.  A block ends early
 *	at a byte the fast path does not take (not ASCII, '@', '$'), and
 *	at a word it hands to norm_fast_word (one that goes on past a
 *	joiner, a single letter that may join others, a long word); the
 *	block's masks serve again after it.  Under 69 bytes from the end a
 *	word at a time is read (norm_machine_word).  SSE2 (every x86-64)
 *	classes 16 bytes in a few instructions; other machines, and the
 *	tests built with TERM_NORM_PORTABLE, class a byte at a time.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include <glib.h>

#include "policies/safeguarding/term_norm.h"

/* SSE2 (every x86-64) classes 16 bytes at once; elsewhere, or built
 * with TERM_NORM_PORTABLE (a test does, to check that path too), the
 * same is done a byte at a time */
#if defined(__SSE2__) && !defined(TERM_NORM_PORTABLE)
#include <emmintrin.h>
#define NORM_SSE2	1
#else
#define NORM_SSE2	0
#endif
#define NORM_BLOCK	64	/* bytes classed at once (a bit each) */
#define NORM_WINDOW_MIN	16	/* bytes of a block worth reading again */
#define NORM_STEPS	5	/* the machine's steps taken without a branch */

enum norm_class {
	NC_SEP = 0,	/* ends a word */
	NC_LETTER,	/* out[] holds one or two of a-z or OTHER */
	NC_DIGIT,	/* out[0] is the digit */
	NC_SUB,		/* @ or $: a letter inside a word */
	NC_JOINER,	/* . _ * and apostrophes: dropped between letters */
	NC_BANG,	/* !: i between letters */
	NC_IGNORE	/* zero-width, soft hyphen, combining mark */
};

struct norm_state {
	const char *text;
	size_t	 len;
	term_norm_fn fn;
	void	*arg;
	const struct term_vocab *sieve;	/* NULL: every word goes out */
	bool	 gap;		/* the last thing out was an empty word */
	/* the raw word being scanned */
	char	 raw[TERM_NORM_WORD_MAX];
	size_t	 rlen;
	bool	 has_letter;
	bool	 has_symbol;	/* a digit, @ or $ */
	size_t	 rstart, rend;
	/* a run of single letters waiting to be joined */
	char	 run[TERM_NORM_WORD_MAX];
	size_t	 run_start[TERM_NORM_WORD_MAX], run_end[TERM_NORM_WORD_MAX];
	size_t	 nrun;
	bool	 run_chat_only;
	/* the last block the fast path classed (norm_block), from
	 * text[block] on; block_len 0: none yet */
	size_t	 block, block_len;
	uint64_t block_alnum, block_digit, block_ends;
	/* its bytes' symbols (norm_sym_number), and NORM_STEPS of 0 */
	uint8_t	 block_sym[NORM_BLOCK + NORM_STEPS];
};

/* Letters of other scripts that imitate a Latin letter (lower case). */
static const struct {
	gunichar c;
	char	 to;
} norm_lookalikes[] = {
	{ 0x0131, 'i' }, { 0x0142, 'l' }, { 0x0111, 'd' }, { 0x00F8, 'o' },
	{ 0x00F0, 'd' }, { 0x017F, 's' }, { 0x0261, 'g' }, { 0x0251, 'a' },
	{ 0x03B1, 'a' }, { 0x03B2, 'b' }, { 0x03B3, 'y' }, { 0x03B5, 'e' },
	{ 0x03B7, 'n' }, { 0x03B9, 'i' }, { 0x03BA, 'k' }, { 0x03BC, 'u' },
	{ 0x03BD, 'v' }, { 0x03BF, 'o' }, { 0x03C1, 'p' }, { 0x03C4, 't' },
	{ 0x03C5, 'u' }, { 0x03C7, 'x' }, { 0x03C9, 'w' },
	{ 0x0430, 'a' }, { 0x0432, 'b' }, { 0x0435, 'e' }, { 0x043A, 'k' },
	{ 0x043C, 'm' }, { 0x043D, 'h' }, { 0x043E, 'o' }, { 0x0440, 'p' },
	{ 0x0441, 'c' }, { 0x0442, 't' }, { 0x0443, 'y' }, { 0x0445, 'x' },
	{ 0x044C, 'b' }, { 0x0451, 'e' }, { 0x0455, 's' }, { 0x0456, 'i' },
	{ 0x0457, 'i' }, { 0x0458, 'j' }, { 0x04BB, 'h' }, { 0x04CF, 'l' },
	{ 0x0501, 'd' }, { 0x051B, 'q' }, { 0x051D, 'w' },
};

/* Latin letters that decompose to two. */
static const struct {
	gunichar c;
	const char *to;
} norm_ligatures[] = {
	{ 0x00DF, "ss" }, { 0x00E6, "ae" }, { 0x0153, "oe" }, { 0x00FE, "th" },
};

/* ASCII characters that only ever end a word (not letters, digits, or
 * the symbols and joiners of norm_classify) */
#define NORM_SEPARATORS(v) \
	[0 ... 31] = v, [' '] = v, ['"'] = v, ['#'] = v, ['%'] = v, \
	['&'] = v, ['('] = v, [')'] = v, ['+'] = v, [','] = v, ['-'] = v, \
	['/'] = v, [':'] = v, [';'] = v, ['<'] = v, ['='] = v, ['>'] = v, \
	['?'] = v, ['['] = v, ['\\'] = v, [']'] = v, ['^'] = v, ['{'] = v, \
	['|'] = v, ['}'] = v, ['~'] = v, [127] = v
#define NORM_JOINERS(v) \
	['.'] = v, ['_'] = v, ['*'] = v, ['\''] = v, ['`'] = v, ['!'] = v
static const bool norm_ascii_separator[256] = { NORM_SEPARATORS(true) };

/* How a byte ends the ASCII word before it: 1 always (a separator), 2
 * unless a letter follows (the joiners and '!'), 0 never.  With no word
 * open, a byte that is not 0 ends nothing and starts nothing. */
static const uint8_t norm_ascii_end[256] = {
	NORM_SEPARATORS(1), NORM_JOINERS(2)
};

/* What a byte after a word the fast path dropped is: NORM_GAP when it
 * ends nothing and starts nothing (norm_ascii_end is not 0), else 1 an
 * ASCII letter, 2 a digit (norm_ascii_kind), 0 anything else */
#define NORM_GAP	3
static const uint8_t norm_ascii_gap[256] = {
	NORM_SEPARATORS(NORM_GAP), NORM_JOINERS(NORM_GAP),
	['0' ... '9'] = 2, ['a' ... 'z'] = 1, ['A' ... 'Z'] = 1,
};
#undef NORM_JOINERS
#undef NORM_SEPARATORS

/* norm_lookalike - the Latin letter c imitates, or 0 */
static char
norm_lookalike(gunichar c)
{
	if (c < 0x80)
		return (c >= 'a' && c <= 'z') ? (char)c : 0;
	for (size_t i = 0; i < G_N_ELEMENTS(norm_lookalikes); i++)
		if (norm_lookalikes[i].c == c)
			return norm_lookalikes[i].to;
	return 0;
}

/* norm_is_ignored - characters that hide inside words */
static bool
norm_is_ignored(gunichar c)
{
	return (c >= 0x200B && c <= 0x200F) || (c >= 0x2060 && c <= 0x2064) ||
	    c == 0xFEFF || c == 0x00AD || c == 0x034F || c == 0x180E ||
	    g_unichar_ismark(c);
}

/* norm_classify_wide - a character outside ASCII */
static enum norm_class
norm_classify_wide(gunichar c, char out[3])
{
	gunichar d[G_UNICHAR_MAX_DECOMPOSITION_LENGTH];
	gsize n;
	size_t o = 0;

	if (norm_is_ignored(c))
		return NC_IGNORE;
	if (c == 0x2018 || c == 0x2019 || c == 0x02BC)
		return NC_JOINER;
	c = g_unichar_tolower(c);
	for (size_t i = 0; i < G_N_ELEMENTS(norm_ligatures); i++)
		if (norm_ligatures[i].c == c) {
			memcpy(out, norm_ligatures[i].to, 3);
			return NC_LETTER;
		}
	n = g_unichar_fully_decompose(c, TRUE, d, G_N_ELEMENTS(d));
	for (gsize i = 0; i < n && o < 2; i++) {
		char l = norm_lookalike(g_unichar_tolower(d[i]));

		if (l != 0)
			out[o++] = l;
		else if (d[i] < 0x80 && g_ascii_isdigit((char)d[i]) && n == 1) {
			out[0] = (char)d[i];
			return NC_DIGIT;
		} else if (!g_unichar_ismark(d[i]))
			break;
	}
	if (o > 0) {
		out[o] = '\0';
		return NC_LETTER;
	}
	if (g_unichar_isalpha(c)) {
		out[0] = TERM_NORM_OTHER;
		out[1] = '\0';
		return NC_LETTER;
	}
	return NC_SEP;
}

/* norm_classify - what character c is to a word */
static enum norm_class
norm_classify(gunichar c, char out[3])
{
	if (c >= 0x80)
		return norm_classify_wide(c, out);
	if (c >= 'A' && c <= 'Z')
		c += 'a' - 'A';
	if (c >= 'a' && c <= 'z') {
		out[0] = (char)c;
		out[1] = '\0';
		return NC_LETTER;
	}
	if (c >= '0' && c <= '9') {
		out[0] = (char)c;
		return NC_DIGIT;
	}
	switch (c) {
	case '@': case '$':
		out[0] = (char)c;
		return NC_SUB;
	case '.': case '_': case '*': case '\'': case '`':
		return NC_JOINER;
	case '!':
		return NC_BANG;
	default:
		return NC_SEP;
	}
}

/* norm_decode - the character at s (U+FFFD for a bad byte); *n bytes */
static gunichar
norm_decode(const char *s, size_t left, size_t *n)
{
	gunichar c;

	if ((unsigned char)*s < 0x80) {
		*n = 1;
		return (unsigned char)*s;
	}
	c = g_utf8_get_char_validated(s, (gssize)(left < 8 ? left : 8));
	if (c == (gunichar)-1 || c == (gunichar)-2) {
		*n = 1;
		return 0xFFFD;
	}
	*n = (size_t)g_utf8_skip[(unsigned char)*s];
	return c;
}

/* norm_next_is_letter - is the character at text[i] a letter? */
static bool
norm_next_is_letter(const struct norm_state *st, size_t i)
{
	char out[3];
	size_t n;

	while (i < st->len) {
		enum norm_class k = norm_classify(norm_decode(st->text + i,
		    st->len - i, &n), out);

		if (k != NC_IGNORE)
			return k == NC_LETTER;
		i += n;
	}
	return false;
}

/* norm_has_stretch - a letter three or more times in a row? */
static bool
norm_has_stretch(const char *w, size_t len)
{
	for (size_t i = 2; i < len; i++)
		if (w[i] == w[i - 1] && w[i] == w[i - 2] && !g_ascii_isdigit(w[i]))
			return true;
	return false;
}

/* term_norm_collapse - every run of one letter made one letter */
size_t
term_norm_collapse(const char *w, size_t len, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++)
		if (o == 0 || out[o - 1] != w[i] || g_ascii_isdigit(w[i]))
			out[o++] = w[i];
	out[o] = '\0';
	return o;
}

const char *const term_norm_chat_words[] = { "u", "ya", "yu", "ur", "yr",
    "youre", "ure", "r", "im", NULL };

/* norm_out - a word to the callback */
static void
norm_out(struct norm_state *st, const char *w, size_t len, size_t start,
    size_t end)
{
	st->gap = false;
	st->fn(st->arg, w, len, start, end);
}

/* norm_chat - the word(s) a chat spelling stands for: u ya yu -> you,
 * ur yr youre ure -> your, r -> are, im -> i am; NULL for any other
 * (term_norm_chat_words lists the same spellings) */
static const char *
norm_chat(const char *w, size_t len)
{
	switch (len) {
	case 1:
		return w[0] == 'u' ? "you" : w[0] == 'r' ? "are" : NULL;
	case 2:
		if (w[0] == 'y' && (w[1] == 'a' || w[1] == 'u'))
			return "you";
		if ((w[0] == 'u' || w[0] == 'y') && w[1] == 'r')
			return "your";
		return w[0] == 'i' && w[1] == 'm' ? "i am" : NULL;
	case 3:
		return memcmp(w, "ure", 3) == 0 ? "your" : NULL;
	case 5:
		return memcmp(w, "youre", 5) == 0 ? "your" : NULL;
	default:
		return NULL;
	}
}

/* norm_emit - a finished word: stretched letters, chat spellings */
static void
norm_emit(struct norm_state *st, const char *w, size_t len, size_t start,
    size_t end)
{
	char buf[TERM_NORM_WORD_MAX + 1];
	const char *to, *sp;

	if (norm_has_stretch(w, len)) {
		len = term_norm_collapse(w, len, buf);
		w = buf;
	}
	if ((to = norm_chat(w, len)) == NULL) {
		norm_out(st, w, len, start, end);
		return;
	}
	if ((sp = strchr(to, ' ')) != NULL) {
		norm_out(st, to, (size_t)(sp - to), start, end);
		to = sp + 1;
	}
	norm_out(st, to, strlen(to), start, end);
}

/* norm_flush_run - the waiting single letters: one word, or each */
static void
norm_flush_run(struct norm_state *st)
{
	if (st->nrun >= 3 && !st->run_chat_only)
		norm_emit(st, st->run, st->nrun, st->run_start[0],
		    st->run_end[st->nrun - 1]);
	else
		for (size_t i = 0; i < st->nrun; i++)
			norm_emit(st, &st->run[i], 1, st->run_start[i],
			    st->run_end[i]);
	st->nrun = 0;
}

/* norm_gap_joins - do the bytes between two single letters join them? */
static bool
norm_gap_joins(const struct norm_state *st, size_t from, size_t to)
{
	if (to <= from || to - from > 3)
		return false;
	for (size_t i = from; i < to; i++)
		if (strchr(" .-/_", st->text[i]) == NULL)
			return false;
	return true;
}

/* norm_push - a raw word into the joiner */
static void
norm_push(struct norm_state *st, const char *w, size_t len, size_t start,
    size_t end)
{
	bool single = len == 1 && w[0] >= 'a' && w[0] <= 'z';

	if (single && st->nrun > 0 && st->nrun < TERM_NORM_WORD_MAX &&
	    norm_gap_joins(st, st->run_end[st->nrun - 1], start)) {
		st->run[st->nrun] = w[0];
		st->run_start[st->nrun] = start;
		st->run_end[st->nrun++] = end;
		st->run_chat_only &= strchr("urain", w[0]) != NULL;
		return;
	}
	if (st->nrun > 0)
		norm_flush_run(st);
	if (single) {
		st->run[0] = w[0];
		st->run_start[0] = start;
		st->run_end[0] = end;
		st->nrun = 1;
		st->run_chat_only = strchr("urain", w[0]) != NULL;
		return;
	}
	norm_emit(st, w, len, start, end);
}

/* ASCII letters and digits as the finisher gets them, as symbols of
 * term_vocab.h: letters lower-cased, and digits as digits (a number) or,
 * in a word with letters ("l33t"), as the letters they stand for (2, 6,
 * 8 and 9 stand for none) */
#define NORM_SYM(c)	[c] = TERM_VOCAB_SYM_LETTER(c), \
			[c - 'a' + 'A'] = TERM_VOCAB_SYM_LETTER(c)
#define NORM_SYM_LETTERS \
	NORM_SYM('a'), NORM_SYM('b'), NORM_SYM('c'), NORM_SYM('d'), \
	NORM_SYM('e'), NORM_SYM('f'), NORM_SYM('g'), NORM_SYM('h'), \
	NORM_SYM('i'), NORM_SYM('j'), NORM_SYM('k'), NORM_SYM('l'), \
	NORM_SYM('m'), NORM_SYM('n'), NORM_SYM('o'), NORM_SYM('p'), \
	NORM_SYM('q'), NORM_SYM('r'), NORM_SYM('s'), NORM_SYM('t'), \
	NORM_SYM('u'), NORM_SYM('v'), NORM_SYM('w'), NORM_SYM('x'), \
	NORM_SYM('y'), NORM_SYM('z')
#define NORM_DIGIT(c)	[c] = TERM_VOCAB_SYM_DIGIT(c)
static const uint8_t norm_sym_number[256] = {
	NORM_DIGIT('0'), NORM_DIGIT('1'), NORM_DIGIT('2'), NORM_DIGIT('3'),
	NORM_DIGIT('4'), NORM_DIGIT('5'), NORM_DIGIT('6'), NORM_DIGIT('7'),
	NORM_DIGIT('8'), NORM_DIGIT('9'), NORM_SYM_LETTERS,
};
static const uint8_t norm_sym_leet[256] = {
	['0'] = TERM_VOCAB_SYM_LETTER('o'), ['1'] = TERM_VOCAB_SYM_LETTER('i'),
	['3'] = TERM_VOCAB_SYM_LETTER('e'), ['4'] = TERM_VOCAB_SYM_LETTER('a'),
	['5'] = TERM_VOCAB_SYM_LETTER('s'), ['7'] = TERM_VOCAB_SYM_LETTER('t'),
	NORM_DIGIT('2'), NORM_DIGIT('6'), NORM_DIGIT('8'), NORM_DIGIT('9'),
	NORM_SYM_LETTERS,
};
#undef NORM_DIGIT
#undef NORM_SYM_LETTERS
#undef NORM_SYM

/* norm_end_word - the raw word is complete: symbols become letters */
static void
norm_end_word(struct norm_state *st)
{
	char w[TERM_NORM_WORD_MAX];
	size_t n = 0;

	if (st->rlen == 0)
		return;
	if (!st->has_symbol) {
		norm_push(st, st->raw, st->rlen, st->rstart, st->rend);
		st->rlen = 0;
		st->has_letter = false;
		return;
	}
	for (size_t i = 0; i < st->rlen; i++) {
		char c = st->raw[i];

		if (st->has_letter) {
			if (c >= '0' && c <= '9')
				c = term_vocab_chars[norm_sym_leet[(unsigned
				    char)c]];
			else if (c == '@')
				c = 'a';
			else if (c == '$')
				c = 's';
		} else if (c == '@' || c == '$')
			continue;
		w[n++] = c;
	}
	if (n > 0)
		norm_push(st, w, n, st->rstart, st->rend);
	st->rlen = 0;
	st->has_letter = false;
	st->has_symbol = false;
}

/* norm_add - characters to the raw word */
static void
norm_add(struct norm_state *st, const char *chars, size_t at, size_t end,
    bool letter)
{
	if (st->rlen == 0)
		st->rstart = at;
	for (; *chars != '\0'; chars++)
		if (st->rlen < TERM_NORM_WORD_MAX)
			st->raw[st->rlen++] = *chars;
	st->rend = end;
	st->has_letter |= letter;
}

/* norm_last_is_letter - does the raw word end in a letter? */
static bool
norm_last_is_letter(const struct norm_state *st)
{
	char c = st->rlen > 0 ? st->raw[st->rlen - 1] : 0;

	return (c >= 'a' && c <= 'z') || c == TERM_NORM_OTHER;
}

/* The byte classes of the fast path: 1 an ASCII letter, 2 a digit */
static const uint8_t norm_ascii_kind[256] = {
	['0' ... '9'] = 2, ['a' ... 'z'] = 1, ['A' ... 'Z'] = 1,
};

/* norm_ends_word - does t[j] end the fast word before it, as the general
 * path would end it?  A separator does; a joiner or '!' does unless a
 * letter (or a character to ignore, which is never ASCII) follows */
static bool
norm_ends_word(const unsigned char *t, size_t len, size_t j)
{
	unsigned char b;
	unsigned end;

	if (j == len || (end = norm_ascii_end[t[j]]) == 1)
		return true;
	if (end == 0)
		return false;
	if (j + 1 == len)
		return true;
	b = t[j + 1];
	return b < 0x80 && norm_ascii_kind[b] != 1;
}

/* norm_alnum_end - where the ASCII letters and digits from p on end,
 * after a first one of kind `all`; *kinds gets 1 if there are letters,
 * 2 if there are digits (a loop a byte: words are short, eight bytes at
 * a time cost more) */
static const unsigned char *
norm_alnum_end(const unsigned char *p, const unsigned char *e,
    unsigned all, unsigned *kinds)
{
	unsigned k;

	while (p < e && (k = norm_ascii_kind[*p]) != 0) {
		all |= k;
		p++;
	}
	*kinds = all;
	return p;
}

/* norm_single_alone - a single letter ends at t[j] with no run of
 * single letters open: is it sure that no single letter joins it (the
 * joiner would flush it alone)?  No when unsure */
static bool
norm_single_alone(const unsigned char *t, size_t len, size_t j)
{
	size_t g = j;

	while (g < len && norm_ascii_end[t[g]] != 0)
		g++;
	if (g == len || (t[g] < 0x80 && norm_ascii_kind[t[g]] != 1))
		return true;	/* no letter next */
	if (t[g] >= 0x80)
		return false;
	if (g - j <= 3) {
		for (size_t k = j; k < g; k++)
			if (strchr(" .-/_", t[k]) == NULL)
				return true;	/* a gap that never joins */
		/* a letter and another: a word, not a single letter */
		return g + 1 < len && norm_ascii_kind[t[g + 1]] != 0;
	}
	return true;
}

/* norm_fast_emit - a fast word the sieve lets through, to the finisher
 * (straight out when the finisher would pass it on unchanged) */
static void
norm_fast_emit(struct norm_state *st, const unsigned char *t, size_t i,
    size_t j, unsigned kinds)
{
	const uint8_t *sym = kinds == 3 ? norm_sym_leet : norm_sym_number;
	size_t n = j - i < TERM_NORM_WORD_MAX ? j - i : TERM_NORM_WORD_MAX;
	char w[TERM_NORM_WORD_MAX];

	for (size_t c = 0; c < n; c++)
		w[c] = term_vocab_chars[sym[t[i + c]]];
	if (kinds == 2 || (kinds == 1 && (n > 5 || (w[0] != 'u' &&
	    w[0] != 'y' && w[0] != 'r' && w[0] != 'i')) &&
	    !norm_has_stretch(w, n)))
		norm_out(st, w, n, i, j);
	else
		norm_emit(st, w, n, i, j);
}

/* norm_drop - the sieve rules out the word at text[i..j): no phrase
 * word, so one empty word stands for the run it is part of */
static inline void
norm_drop(struct norm_state *st, size_t i, size_t j)
{
	if (!st->gap) {
		norm_out(st, "", 0, i, j);
		st->gap = true;
	}
}

/* norm_fast_word - a word of ASCII letters and digits at t[i] (of kind
 * `first`), with no raw word open, ended as the general path would end
 * it: dropped when the sieve rules it out, else straight to the
 * finisher (as norm_end_word and norm_push would send it); returns
 * where the gap after it ends, or 0 when the word needs the general
 * path (a joiner inside it, non-ASCII after it, a single letter that
 * may join others as in "k y s"); `passes`: the sieve's machine has
 * said the sieve lets it through */
static size_t
norm_fast_word(struct norm_state *st, const unsigned char *t, size_t len,
    size_t i, unsigned first, bool passes)
{
	unsigned kinds;
	size_t j, n;

	j = (size_t)(norm_alnum_end(t + i + 1, t + len, first, &kinds) - t);
	if (!norm_ends_word(t, len, j) || (kinds == 1 && j - i == 1 &&
	    (st->nrun > 0 || !norm_single_alone(t, len, j))))
		return 0;
	if (st->nrun > 0)
		norm_flush_run(st);
	n = j - i < TERM_NORM_WORD_MAX ? j - i : TERM_NORM_WORD_MAX;
	if (passes || term_vocab_sieve_passes(st->sieve, t + i, n, kinds ==
	    3 ? norm_sym_leet : norm_sym_number))
		norm_fast_emit(st, t, i, j, kinds);
	else
		norm_drop(st, i, j);
	/* what follows ends no word and starts none: nothing is open (the
	 * byte that ended the word is one of those) */
	if (j < len)
		j++;
	while (j < len && norm_ascii_end[t[j]] != 0)
		j++;
	return j;
}

/* norm_machine_word - the sieve's machine over the ASCII letters and
 * digits from t[i] (one at least): returns where they end, and in *s
 * the state they end in: below the machine's maybe_from the sieve rules
 * the word out, read whole as norm_fast_word reads a word no longer than
 * TERM_NORM_WORD_MAX (a single letter is a maybe) */
static inline size_t
norm_machine_word(const struct term_vocab *v, const unsigned char *t,
    size_t len, size_t i, uint32_t *s)
{
	const unsigned char *p = t + i + 1, *e = t + len;
	const uint32_t *m = v->machine;
	uint32_t q = m[TERM_VOCAB_START + norm_sym_number[t[i]]];
	unsigned c;

	while (q != TERM_VOCAB_DEAD && p < e &&
	    (c = norm_sym_number[*p]) != 0) {
		q = m[q + c];
		p++;
	}
	if (q == TERM_VOCAB_DEAD)
		while (p < e && norm_ascii_kind[*p] != 0)
			p++;
	*s = q;
	return (size_t)(p - t);
}

/* A block's masks: bit k for the byte at k */
struct norm_masks {
	uint64_t alnum;	/* an ASCII letter or digit */
	uint64_t digit;	/* an ASCII digit */
	uint64_t ends;	/* a byte that ends words (norm_ascii_end not 0) */
	const uint8_t *sym;	/* each byte's symbol (norm_sym_number) */
};

#if NORM_SSE2
/* norm_class16 - the 16 bytes from t: a bit each in *alnum for an ASCII
 * letter or digit, in *digit for a digit, in *ends for a byte that ends
 * words (ASCII, not a letter, a digit, '@' or '$'), and their symbols
 * (norm_sym_number) into sym[0..16); no branch a byte */
static inline void
norm_class16(const unsigned char *t, uint8_t *sym, unsigned *alnum,
    unsigned *digits, unsigned *ends)
{
	__m128i b = _mm_loadu_si128((const __m128i *)(const void *)t);
	__m128i lower = _mm_or_si128(b, _mm_set1_epi8(0x20));
	/* a range [lo, lo + n) is what lands below -128 + n once lo is
	 * moved to -128 (signed bytes) */
	__m128i letter = _mm_cmplt_epi8(_mm_add_epi8(lower,
	    _mm_set1_epi8((char)(0x80 - 'a'))), _mm_set1_epi8((char)(0x80 +
	    26)));
	__m128i digit = _mm_cmplt_epi8(_mm_add_epi8(b,
	    _mm_set1_epi8((char)(0x80 - '0'))), _mm_set1_epi8((char)(0x80 +
	    10)));
	__m128i sub = _mm_or_si128(_mm_cmpeq_epi8(b, _mm_set1_epi8('@')),
	    _mm_cmpeq_epi8(b, _mm_set1_epi8('$')));
	/* the symbols: 'a' 1 .. 'z' 26, '0' 27 .. '9' 36, else 0 */
	__m128i syms = _mm_or_si128(_mm_and_si128(letter, _mm_sub_epi8(lower,
	    _mm_set1_epi8('a' - 1))), _mm_and_si128(digit, _mm_sub_epi8(b,
	    _mm_set1_epi8('0' - 27))));
	/* the high bit: not ASCII */
	unsigned other = (unsigned)_mm_movemask_epi8(_mm_or_si128(b, sub));

	_mm_storeu_si128((__m128i *)(void *)sym, syms);
	*digits = (unsigned)_mm_movemask_epi8(digit);
	*alnum = (unsigned)_mm_movemask_epi8(letter) | *digits;
	*ends = ~(*alnum | other) & 0xFFFF;
}
#else
/* norm_class16 - the same a byte at a time (no SSE2) */
static inline void
norm_class16(const unsigned char *t, uint8_t *sym, unsigned *alnum,
    unsigned *digits, unsigned *ends)
{
	*alnum = *digits = *ends = 0;
	for (unsigned k = 0; k < 16; k++) {
		sym[k] = norm_sym_number[t[k]];
		*alnum |= (unsigned)(norm_ascii_kind[t[k]] != 0) << k;
		*digits |= (unsigned)(norm_ascii_kind[t[k]] == 2) << k;
		*ends |= (unsigned)(norm_ascii_end[t[k]] != 0) << k;
	}
}
#endif

/* norm_block - the masks and symbols of the bytes t[0..NORM_BLOCK),
 * the symbols into sym */
static inline void
norm_block(const unsigned char *t, struct norm_masks *mk, uint8_t *sym)
{
	unsigned a, d, e;

	mk->alnum = mk->digit = mk->ends = 0;
	for (unsigned k = 0; k < NORM_BLOCK; k += 16) {
		norm_class16(t + k, sym + k, &a, &d, &e);
		mk->alnum |= (uint64_t)a << k;
		mk->digit |= (uint64_t)d << k;
		mk->ends |= (uint64_t)e << k;
	}
	mk->sym = sym;
}

/* norm_measured_state - the machine over a word of n ASCII letters and
 * digits whose symbols (norm_sym_number) are at w, NORM_STEPS of them
 * readable: NORM_STEPS steps without a branch (symbol 0, the byte that
 * ends the word, leads to a state that says what the word's last one
 * says and that the bytes after it do not move), then on while it is
 * alive.  The symbols come from the block's classing, so a step waits
 * for one load, not two */
static inline uint32_t
norm_measured_state(const uint32_t *m, const uint8_t *w, unsigned n)
{
	uint32_t q;

	q = m[TERM_VOCAB_START + w[0]];
	q = m[q + w[1]];
	q = m[q + w[2]];
	q = m[q + w[3]];
	q = m[q + w[4]];
	/* most words are dead by now (a test of the length first would
	 * guess wrong at many) */
	if (q != TERM_VOCAB_DEAD && n > NORM_STEPS)
		for (unsigned k = NORM_STEPS; k < n; k++)
			q = m[q + w[k]];
	return q;
}

/* norm_machine_drops - does the word t[i..j) that ends in machine state
 * s go, as norm_fast_word would drop it: ruled out, not cut, and ended
 * as norm_ends_word says? */
static inline bool
norm_machine_drops(uint32_t s, uint32_t maybe_from, const unsigned char *t,
    size_t len, size_t i, size_t j)
{
	unsigned end;

	if (s >= maybe_from || j - i > TERM_NORM_WORD_MAX)
		return false;
	return j == len || (end = norm_ascii_end[t[j]]) == 1 ||
	    (end == 2 && norm_ends_word(t, len, j));
}

/* norm_block_alone - is the single letter at t[i] (t[i + 1] ends it as
 * norm_ends_word says; the next word, if any, starts at t[next] after
 * bytes that end words) sure to be joined to no other, as
 * norm_single_alone says?  A digit next is enough to know */
static inline bool
norm_block_alone(const unsigned char *t, size_t len, size_t i, size_t next)
{
	return (next != 0 && norm_ascii_kind[t[next]] == 2) ||
	    norm_single_alone(t, len, i + 1);
}

/* how norm_sieve_block stopped */
#define NORM_STOP	0	/* at a word it leaves or a byte no word has */
#define NORM_ON		1	/* at a word the next block begins with */
#define NORM_LONG	2	/* at a word as long as the block */

/* norm_window - the masks (norm_block) of the bytes from t[i] on (an
 * ASCII letter or digit, NORM_BLOCK + NORM_STEPS bytes readable): of the
 * last block classed, when t[i] is in it with NORM_WINDOW_MIN bytes of
 * it or more left (a word the fast path hands on is often followed by
 * more of the same block), else of a new block from t[i]; returns how
 * many bytes they cover */
static inline unsigned
norm_window(struct norm_state *st, const unsigned char *t, size_t i,
    struct norm_masks *mk)
{
	size_t d = i - st->block;

	if (st->block_len == 0 || i < st->block || d + NORM_WINDOW_MIN >
	    NORM_BLOCK) {
		norm_block(t + i, mk, st->block_sym);
		st->block = i;
		st->block_len = NORM_BLOCK;
		st->block_alnum = mk->alnum;
		st->block_digit = mk->digit;
		st->block_ends = mk->ends;
		return NORM_BLOCK;
	}
	mk->sym = st->block_sym + d;
	mk->alnum = st->block_alnum >> d;
	mk->digit = st->block_digit >> d;
	mk->ends = st->block_ends >> d;
	return NORM_BLOCK - (unsigned)d;
}

/* norm_block_word - the word t[i..i + n) that the sieve's machine has
 * not ruled out (state q), n <= TERM_NORM_WORD_MAX, that ends as
 * norm_ends_word says and is no single letter a run may take, as
 * norm_fast_word does it: to the finisher when the sieve lets it
 * through, else dropped; `digits` has a bit for each digit in it */
static void
norm_block_word(struct norm_state *st, const unsigned char *t, size_t i,
    unsigned n, uint32_t q, uint64_t word, uint64_t digits)
{
	const struct term_vocab *v = st->sieve;
	unsigned kinds = (digits != word) | (digits != 0) << 1;

	if ((q >= v->maybe_from && q < v->unsure_from) ||
	    term_vocab_sieve_passes(v, t + i, n, kinds == 3 ? norm_sym_leet :
	    norm_sym_number))
		norm_fast_emit(st, t, i, i + n, kinds);
	else
		norm_drop(st, i, i + n);
}

/* norm_sieve_block - the words from t[*i] on (an ASCII letter or digit,
 * NORM_BLOCK + NORM_STEPS bytes readable) that start in one window of
 * at most NORM_BLOCK bytes (norm_window) before any byte that is not an
 * ASCII letter, digit or word-ender, and end in it: each is found from
 * the window's masks, with no branch on its bytes, and dropped as
 * norm_sieve_words would drop it, or handed on as norm_fast_word would;
 * returns how it stopped, with *i where, and *passes for a word left
 * for norm_fast_word or the general path (one that runs on past a
 * joiner, a letter that may join single letters, a long word) */
static inline int
norm_sieve_block(struct norm_state *st, const unsigned char *t, size_t len,
    size_t *i, bool *passes)
{
	const struct term_vocab *v = st->sieve;
	const uint32_t *m = v->machine, maybe_from = v->maybe_from;
	const unsigned char *b = t + *i;
	struct norm_masks mk;
	uint64_t other, starts, todo, in, word;
	unsigned win, limit, s, n, j;
	bool ended;
	uint32_t q;

	win = norm_window(st, t, *i, &mk);
	in = win < 64 ? ((uint64_t)1 << win) - 1 : ~(uint64_t)0;
	other = ~(mk.alnum | mk.ends) & in;
	starts = mk.alnum & ~(mk.alnum << 1);
	limit = other != 0 ? (unsigned)__builtin_ctzll(other) : win;
	todo = limit < 64 ? starts & (((uint64_t)1 << limit) - 1) : starts;
	if (mk.alnum >> (win - 1))	/* the last word runs on */
		todo &= ~((uint64_t)1 << (63 - __builtin_clzll(starts)));
	if (todo == 0)
		return NORM_LONG;	/* the word at t[*i] */
	while (todo != 0) {
		s = (unsigned)__builtin_ctzll(todo);
		todo &= todo - 1;
		n = (unsigned)__builtin_ctzll(~mk.alnum >> s);
		j = s + n;
		q = norm_measured_state(m, mk.sym + s, n);
		ended = norm_ascii_end[b[j]] == 1 || norm_ends_word(t, len,
		    *i + j);
		if (q < maybe_from && ended && n <= TERM_NORM_WORD_MAX) {
			norm_drop(st, *i + s, *i + j);	/* most words */
			continue;
		}
		word = (~(uint64_t)0 >> (64 - n)) << s;
		if (!ended || n > TERM_NORM_WORD_MAX || (n == 1 &&
		    !(mk.digit & word) && !norm_block_alone(t, len, *i + s,
		    todo != 0 ? *i + (unsigned)__builtin_ctzll(todo) : 0))) {
			*passes = q >= maybe_from && q < v->unsure_from &&
			    n <= TERM_NORM_WORD_MAX;
			*i += s;
			return NORM_STOP;
		}
		norm_block_word(st, t, *i + s, n, q, word, mk.digit & word);
	}
	/* the gap after the last word runs to a byte that is no letter,
	 * digit or word-ender, to the next word, or on */
	if (limit < win) {
		*i += limit;
		return NORM_STOP;
	}
	if (mk.alnum >> (win - 1)) {
		*i += 63 - (unsigned)__builtin_clzll(starts);
		return NORM_ON;
	}
	for (*i += win; *i < len && norm_ascii_end[t[*i]] != 0; ++*i)
		continue;
	return *i < len && norm_ascii_kind[t[*i]] != 0 ? NORM_ON : NORM_STOP;
}

/* norm_sieve_words - the words from t[i] on (an ASCII letter or digit),
 * with no run of single letters open: those the sieve's machine rules
 * out and that end as norm_ends_word says are dropped, as norm_fast_word
 * would drop them, and where NORM_BLOCK bytes are left (read a block at
 * a time, norm_sieve_block) the others it would hand on are handed on
 * too; returns where the first word left for norm_fast_word starts (or
 * the byte after the last gap that is not an ASCII letter or digit),
 * *passes when the machine says that the sieve lets that word through */
static size_t
norm_sieve_words(struct norm_state *st, const unsigned char *t, size_t len,
    size_t i, bool *passes)
{
	const struct term_vocab *v = st->sieve;
	uint32_t q;
	size_t j;

	for (;;) {
		if (len - i >= NORM_BLOCK + NORM_STEPS) {
			int how = norm_sieve_block(st, t, len, &i, passes);

			if (how == NORM_STOP)
				return i;
			if (how == NORM_ON)
				continue;
		}
		j = norm_machine_word(v, t, len, i, &q);
		if (!norm_machine_drops(q, v->maybe_from, t, len, i, j)) {
			*passes = q >= v->maybe_from && q < v->unsure_from &&
			    j - i <= TERM_NORM_WORD_MAX;
			return i;
		}
		norm_drop(st, i, j);
		if (j == len)
			return len;
		/* the byte that ended it, what ends nothing */
		while (++j < len && norm_ascii_gap[t[j]] == NORM_GAP)
			continue;
		if (j == len || norm_ascii_kind[t[j]] == 0)
			return j;
		i = j;
	}
}

/* norm_fast_run - the fast words from t[i] on (an ASCII letter or
 * digit), one after the other; returns where the first that needs the
 * general path starts.  The words norm_sieve_words drops go there; any
 * other goes to norm_fast_word */
static size_t
norm_fast_run(struct norm_state *st, const unsigned char *t, size_t len,
    size_t i)
{
	bool passes = false;
	size_t j;

	for (;;) {
		/* (only norm_fast_word opens a run of single letters) */
		if (st->nrun == 0) {
			i = norm_sieve_words(st, t, len, i, &passes);
			if (i == len || norm_ascii_kind[t[i]] == 0)
				return i;
		}
		if ((j = norm_fast_word(st, t, len, i, norm_ascii_kind[t[i]],
		    passes)) == 0)
			return i;
		passes = false;
		if ((i = j) == len || norm_ascii_kind[t[i]] == 0)
			return i;
	}
}

/* term_norm_sieve_compile - the machine reads digits as norm_fast_word
 * does in a word with letters */
void
term_norm_sieve_compile(struct term_vocab *sieve)
{
	uint8_t leet[TERM_VOCAB_NSYM];

	for (unsigned c = 0; c < TERM_VOCAB_NSYM; c++)
		leet[c] = (uint8_t)c;
	for (unsigned d = '0'; d <= '9'; d++)
		leet[TERM_VOCAB_SYM_DIGIT(d)] = norm_sym_leet[d];
	term_vocab_compile_machine(sieve, leet);
}

/* term_norm_text - the whole pipeline over one text */
void
term_norm_text(const char *text, size_t len, term_norm_fn fn, void *arg)
{
	term_norm_text_sieved(text, len, NULL, fn, arg);
}

/* term_norm_text_sieved - the pipeline, dismissing what sieve rules out */
void
term_norm_text_sieved(const char *text, size_t len,
    const struct term_vocab *sieve, term_norm_fn fn, void *arg)
{
	struct norm_state st = { .text = text, .len = len, .fn = fn,
	    .arg = arg, .sieve = sieve };
	const unsigned char *t = (const unsigned char *)text;
	char out[3] = { 0 };
	size_t i = 0, n;

	while (i < len) {
		unsigned char b = t[i];
		gunichar c;

		if (sieve != NULL && st.rlen == 0 && norm_ascii_kind[b] != 0 &&
		    (n = norm_fast_run(&st, t, len, i)) > i) {
			i = n;
			continue;
		}

		/* the common case: an ASCII letter inside a word */
		if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') {
			if (st.rlen == 0)
				st.rstart = i;
			if (st.rlen < TERM_NORM_WORD_MAX)
				st.raw[st.rlen++] = (char)(b | 0x20);
			st.rend = ++i;
			st.has_letter = true;
			continue;
		}
		if (b >= '0' && b <= '9') {
			if (st.rlen == 0)
				st.rstart = i;
			if (st.rlen < TERM_NORM_WORD_MAX)
				st.raw[st.rlen++] = (char)b;
			st.rend = ++i;
			st.has_symbol = true;
			continue;
		}
		if (norm_ascii_separator[b]) {
			if (st.rlen > 0)
				norm_end_word(&st);
			i++;
			continue;
		}
		c = norm_decode(text + i, len - i, &n);
		switch (norm_classify(c, out)) {
		case NC_LETTER:
			norm_add(&st, out, i, i + n, true);
			break;
		case NC_DIGIT:
		case NC_SUB:
			out[1] = '\0';
			norm_add(&st, out, i, i + n, false);
			st.has_symbol = true;
			break;
		case NC_IGNORE:
			break;
		case NC_BANG:
			if (norm_last_is_letter(&st) &&
			    norm_next_is_letter(&st, i + n)) {
				norm_add(&st, "i", i, i + n, true);
				break;
			}
			norm_end_word(&st);
			break;
		case NC_JOINER:
			if (norm_last_is_letter(&st) &&
			    norm_next_is_letter(&st, i + n))
				break;
			norm_end_word(&st);
			break;
		default:
			norm_end_word(&st);
		}
		i += n;
	}
	norm_end_word(&st);
	norm_flush_run(&st);
}
