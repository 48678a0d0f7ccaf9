/*
 * term_match - the phrase automaton and the per-message hit set
 *
 * SYNOPSIS
 *	term_set_new(), term_set_add(), term_set_compile(), term_set_count(),
 *	term_set_phrase(), term_set_states(), term_set_free(),
 *	term_hits_new(), term_hits_scan(), term_hits_scan_every_word(),
 *	term_hits_count(), term_hits_get(), term_hits_free()
 *
 * DESCRIPTION
 *	Each phrase is normalised into words and inserted as the string
 *	" w1 w2 ... wn " over a 38-symbol alphabet (space, a-z, 0-9, other
 *	letter): the leading space anchors the first word at a word
 *	start, the trailing one the last word at a word end (a wildcard
 *	phrase has none).  Every word is inserted both as written and with
 *	its doubled letters collapsed, in every combination, because the
 *	normaliser collapses a word whose letters are stretched
 *	("killlll" -> "kil").  Compilation makes a complete DFA (goto with
 *	the failure links folded in) and dictionary links, so scanning is
 *	one table lookup per character of the normalised stream.
 *
 *	The phrases' words (and wildcard stems) are kept in a trie
 *	(term_vocab.h) that lets the scan skip a word none of them is: no
 *	phrase can run through it, so the automaton restarts at the root
 *	after it.  Most words of most mail are dismissed this way after a
 *	character or two, without touching the automaton.  Most never get
 *	that far: a sieve (the same words with repeated letters collapsed)
 *	lets the scanner drop them as it reads them, and hand over one
 *	empty word for each run of dropped words instead (term_norm.h),
 *	which the matcher counts as one word that no phrase runs through.
 *	A phrase word read from the automaton's root (after such a word,
 *	with no hit waiting) takes one lookup: where a space and that word
 *	lead from the root is computed with the automaton (root_after),
 *	unless a phrase ends on the way.
 *	Fewer words are then numbered, which changes no hit: a phrase or
 *	a never-count phrase is a run of consecutive words of the
 *	phrases' vocabulary, numbered consecutively as before, and a
 *	pending hit waits for TERM_MAX_WORDS numbered words, so for at
 *	least as many words of the text.
 *
 *	Never-count masks need to see a phrase's surroundings: a hit is
 *	kept pending until TERM_MAX_WORDS more words have been read (no
 *	never-count phrase covering it can end later), then committed
 *	unless a mask covers it.  Word spans are kept in a ring of the last
 *	TERM_RING words to cut the context from the text.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "policies/safeguarding/term_match.h"
#include "policies/safeguarding/term_norm.h"
#include "policies/safeguarding/term_vocab.h"
#include "util/xalloc.h"

#define TERM_NSYM	TERM_VOCAB_NSYM
#define TERM_RING	32	/* > 2 * TERM_MAX_WORDS */
#define TERM_VARIANTS	64	/* spellings of one phrase inserted at most */
#define TERM_HAS_OUT	0x80000000u	/* in go[]: the target has outputs */

struct term_out {
	uint32_t phrase;
	int32_t	 next;		/* next output of the same state, or -1 */
};

struct term_set {
	struct term_phrase *phrases;
	size_t	 nphrases;
	int32_t	*go;		/* nstates * TERM_NSYM */
	int32_t	*out;		/* first output of a state, or -1 */
	int32_t	*dict;		/* next state with outputs on the fail chain */
	size_t	 nstates, cap;
	struct term_out *outs;
	size_t	 nouts;
	bool	 compiled;
	/* the words of the phrases (and the stems of wildcard words): a
	 * word of the text that is none of them cannot be part of a match,
	 * so the scan skips its characters */
	struct term_vocab vocab;
	/* for each state of vocab that ends a phrase word, the automaton's
	 * state after a space and that word read from the root, or -1 when
	 * a phrase ends on the way (term_root_words) */
	int32_t	*root_after;
	/* the same words collapsed, and the chat spellings: the scanner
	 * drops a word this rules out as it reads it (term_norm.h) */
	struct term_vocab sieve;
};

struct term_pending {
	uint32_t phrase;
	size_t	 first, last;	/* word numbers */
};

struct term_hits {
	const struct term_set *ts;
	uint8_t	*found;		/* per phrase */
	struct term_hit *hits;
	size_t	 nhits;
	/* the text being scanned */
	const char *text;
	size_t	 len;
	int32_t	 state;
	size_t	 word;		/* number of the current word, from 1 */
	size_t	 span[TERM_RING][2];
	struct term_pending *pending, *masks;
	size_t	 npending, nmasks;
};

/* term_set_new - an empty set with the root state */
struct term_set *
term_set_new(void)
{
	struct term_set *ts = xcalloc(1, sizeof(*ts));

	ts->cap = 256;
	ts->go = xcalloc(ts->cap * TERM_NSYM, sizeof(*ts->go));
	ts->out = xmalloc(ts->cap * sizeof(*ts->out));
	ts->out[0] = -1;
	ts->nstates = 1;
	term_vocab_init(&ts->vocab);
	term_vocab_init(&ts->sieve);
	for (size_t i = 0; term_norm_chat_words[i] != NULL; i++)
		term_vocab_add(&ts->sieve, term_norm_chat_words[i],
		    strlen(term_norm_chat_words[i]), false);
	return ts;
}

/* term_state_new - a fresh state */
static int32_t
term_state_new(struct term_set *ts)
{
	if (ts->nstates == ts->cap) {
		ts->cap *= 2;
		ts->go = xreallocarray(ts->go, ts->cap * TERM_NSYM,
		    sizeof(*ts->go));
		memset(ts->go + ts->nstates * TERM_NSYM, 0,
		    (ts->cap - ts->nstates) * TERM_NSYM * sizeof(*ts->go));
		ts->out = xreallocarray(ts->out, ts->cap, sizeof(*ts->out));
	}
	ts->out[ts->nstates] = -1;
	return (int32_t)ts->nstates++;
}

/* term_insert - one spelling of a phrase */
static void
term_insert(struct term_set *ts, const char *s, size_t len, uint32_t phrase)
{
	int32_t st = 0;

	for (size_t i = 0; i < len; i++) {
		int32_t *slot = &ts->go[(size_t)st * TERM_NSYM + term_vocab_sym(s[i])];

		if (*slot == 0) {
			int32_t n = term_state_new(ts);

			/* the table may have moved */
			slot = &ts->go[(size_t)st * TERM_NSYM + term_vocab_sym(s[i])];
			*slot = n;
		}
		st = *slot;
	}
	for (int32_t o = ts->out[st]; o >= 0; o = ts->outs[o].next)
		if (ts->outs[o].phrase == phrase)
			return;		/* two spellings that are the same */
	ts->outs = xreallocarray(ts->outs, ts->nouts + 1, sizeof(*ts->outs));
	ts->outs[ts->nouts] = (struct term_out){ phrase, ts->out[st] };
	ts->out[st] = (int32_t)ts->nouts++;
}

struct term_words {
	char	 w[TERM_MAX_WORDS + 1][TERM_NORM_WORD_MAX + 1];
	size_t	 n;
	bool	 other;		/* a letter outside the Latin alphabet */
};

/* term_collect - the normaliser's words of a phrase */
static void
term_collect(void *arg, const char *word, size_t len, size_t start,
    size_t end)
{
	struct term_words *tw = arg;

	(void)start;
	(void)end;
	if (memchr(word, TERM_NORM_OTHER, len) != NULL)
		tw->other = true;
	if (tw->n <= TERM_MAX_WORDS) {
		memcpy(tw->w[tw->n], word, len);
		tw->w[tw->n][len] = '\0';
	}
	tw->n++;
}

/* term_insert_variants - every combination of exact and collapsed words */
static void
term_insert_variants(struct term_set *ts, const struct term_words *tw,
    bool wild, uint32_t phrase)
{
	char buf[(TERM_NORM_WORD_MAX + 1) * (TERM_MAX_WORDS + 1) + 2];
	char col[TERM_NORM_WORD_MAX + 1];

	for (size_t i = 0; i < tw->n; i++)
		term_vocab_add(&ts->sieve, col, term_norm_collapse(tw->w[i],
		    strlen(tw->w[i]), col), wild && i + 1 == tw->n);
	for (unsigned mask = 0; mask < TERM_VARIANTS && mask < (1u << tw->n);
	    mask++) {
		size_t o = 0;
		bool same = false;

		for (size_t i = 0; i < tw->n; i++) {
			const char *w = tw->w[i];
			size_t l = strlen(w);

			if (mask & (1u << i)) {
				size_t c = term_norm_collapse(w, l, col);

				same |= c == l;
				w = col;
				l = c;
			}
			buf[o++] = ' ';
			memcpy(buf + o, w, l);
			o += l;
			term_vocab_add(&ts->vocab, w, l, wild && i + 1 == tw->n);
		}
		if (same)
			continue;	/* that word had nothing to collapse */
		if (!wild)
			buf[o++] = ' ';
		term_insert(ts, buf, o, phrase);
	}
}

/* term_set_add - normalise and insert one phrase */
int
term_set_add(struct term_set *ts, unsigned category, const char *phrase,
    int weight, bool never, const char **why)
{
	struct term_words tw = { .n = 0 };
	size_t len = strlen(phrase);
	bool wild = len > 0 && phrase[len - 1] == '*';
	struct term_phrase *p;

	if (wild)
		len--;
	if (memchr(phrase, '*', len) != NULL) {
		*why = "'*' may only end a phrase";
		return -1;
	}
	term_norm_text(phrase, len, term_collect, &tw);
	if (tw.n == 0) {
		*why = "the phrase has no letters or digits";
		return -1;
	}
	if (tw.n > TERM_MAX_WORDS) {
		*why = "a phrase has at most 12 words";
		return -1;
	}
	if (tw.other) {
		*why = "letters outside the Latin alphabet never match (look-"
		    "alikes are read as the Latin letter)";
		return -1;
	}
	ts->phrases = xreallocarray(ts->phrases, ts->nphrases + 1,
	    sizeof(*ts->phrases));
	p = &ts->phrases[ts->nphrases];
	*p = (struct term_phrase){ .text = xstrdup(phrase), .category =
	    category, .weight = never ? 0 : weight, .never = never,
	    .nwords = (unsigned)tw.n };
	term_insert_variants(ts, &tw, wild, (uint32_t)ts->nphrases++);
	return 0;
}

/* term_renumber - number the states in breadth-first order (the root,
 * then `order`): the shallow states every word passes through then sit
 * together in the table and stay in the cache */
static void
term_renumber(struct term_set *ts, const int32_t *order, size_t n)
{
	int32_t *newid = xmalloc(ts->nstates * sizeof(*newid));
	int32_t *go = xmalloc(ts->nstates * TERM_NSYM * sizeof(*go));
	int32_t *out = xmalloc(ts->nstates * sizeof(*out));
	int32_t *dict = xmalloc(ts->nstates * sizeof(*dict));

	newid[0] = 0;
	for (size_t i = 0; i < n; i++)
		newid[order[i]] = (int32_t)(i + 1);
	for (size_t s = 0; s < ts->nstates; s++) {
		int32_t t = newid[s];

		for (int c = 0; c < TERM_NSYM; c++) {
			uint32_t v = (uint32_t)ts->go[s * TERM_NSYM + c];

			go[(size_t)t * TERM_NSYM + c] = (int32_t)((v &
			    TERM_HAS_OUT) | (uint32_t)newid[v & ~TERM_HAS_OUT]);
		}
		out[t] = ts->out[s];
		dict[t] = ts->dict[s] > 0 ? newid[ts->dict[s]] : 0;
	}
	free(ts->go);
	free(ts->out);
	free(ts->dict);
	ts->go = go;
	ts->out = out;
	ts->dict = dict;
	free(newid);
}

/* term_root_words - for each phrase word of the vocabulary, where the
 * automaton goes from the root over a space and that word: a word of
 * the text read there (the last word ended no phrase, nothing waits to
 * be settled) takes one lookup, not a step a character; -1 where a
 * phrase ends on the way (the scan takes those steps).  A state of the
 * vocabulary is numbered after its parent, so one pass in order sees
 * each parent first. */
static void
term_root_words(struct term_set *ts)
{
	const struct term_vocab *v = &ts->vocab;
	int32_t *after = xmalloc(v->nstates * sizeof(*after));

	after[0] = ts->go[0];	/* the space: no phrase ends there */
	for (size_t s = 0; s < v->nstates; s++)
		for (int c = 1; c < TERM_NSYM; c++) {
			int32_t t = v->go[s * TERM_NSYM + c], next;

			if (t == 0)
				continue;
			/* a target with outputs has the sign bit */
			next = after[s] < 0 ? -1 :
			    ts->go[(size_t)after[s] * TERM_NSYM + c];
			after[t] = next < 0 ? -1 : next;
		}
	ts->root_after = after;
}

/* term_set_compile - failure links folded into a complete DFA */
void
term_set_compile(struct term_set *ts)
{
	int32_t *fail = xcalloc(ts->nstates, sizeof(*fail));
	int32_t *queue = xmalloc(ts->nstates * sizeof(*queue));
	size_t head = 0, tail = 0;

	ts->dict = xcalloc(ts->nstates, sizeof(*ts->dict));
	for (int c = 0; c < TERM_NSYM; c++)
		if (ts->go[c] != 0)
			queue[tail++] = ts->go[c];
	while (head < tail) {
		int32_t s = queue[head++];

		for (int c = 0; c < TERM_NSYM; c++) {
			int32_t *t = &ts->go[(size_t)s * TERM_NSYM + c];
			int32_t f = ts->go[(size_t)fail[s] * TERM_NSYM + c];

			if (*t == 0) {
				*t = f;
				continue;
			}
			fail[*t] = f;
			ts->dict[*t] = ts->out[f] >= 0 ? f : ts->dict[f];
			queue[tail++] = *t;
		}
	}
	/* Mark each transition into a state with outputs (own or on its
	 * dictionary chain) by the sign bit: the scan tests one value. */
	for (size_t i = 0; i < ts->nstates * TERM_NSYM; i++) {
		int32_t t = ts->go[i];

		if (ts->out[t] >= 0 || ts->dict[t] > 0)
			ts->go[i] = (int32_t)((uint32_t)t | TERM_HAS_OUT);
	}
	term_renumber(ts, queue, tail);
	term_root_words(ts);
	term_norm_sieve_compile(&ts->sieve);
	free(queue);
	free(fail);
	ts->compiled = true;
}

size_t
term_set_count(const struct term_set *ts)
{
	return ts->nphrases;
}

const struct term_phrase *
term_set_phrase(const struct term_set *ts, size_t i)
{
	return &ts->phrases[i];
}

size_t
term_set_states(const struct term_set *ts)
{
	return ts->nstates;
}

/* term_set_free - the set and its phrases */
struct term_set *
term_set_free(struct term_set *ts)
{
	if (ts == NULL)
		return NULL;
	for (size_t i = 0; i < ts->nphrases; i++)
		free(ts->phrases[i].text);
	free(ts->phrases);
	free(ts->go);
	free(ts->out);
	free(ts->dict);
	free(ts->outs);
	free(ts->root_after);
	term_vocab_clear(&ts->vocab);
	term_vocab_clear(&ts->sieve);
	free(ts);
	return NULL;
}

/* term_hits_new - nothing found yet */
struct term_hits *
term_hits_new(const struct term_set *ts)
{
	struct term_hits *h = xcalloc(1, sizeof(*h));

	h->ts = ts;
	h->found = xcalloc(ts->nphrases > 0 ? ts->nphrases : 1, 1);
	return h;
}

/* term_context - about TERM_CONTEXT bytes around text[s..e), on
 * character boundaries, control characters as spaces */
static char *
term_context(const struct term_hits *h, size_t s, size_t e)
{
	size_t pad = e - s < TERM_CONTEXT - 40 ? (TERM_CONTEXT - (e - s)) / 2 :
	    20;
	size_t a = s > pad ? s - pad : 0, b = e + pad < h->len ? e + pad :
	    h->len;
	GString *out = g_string_new(a > 0 ? "..." : "");

	while (a > 0 && a < s && ((unsigned char)h->text[a] & 0xC0) == 0x80)
		a++;
	while (b < h->len && b > e && ((unsigned char)h->text[b] & 0xC0) ==
	    0x80)
		b--;
	for (size_t i = a; i < b; i++) {
		unsigned char c = (unsigned char)h->text[i];

		if (c < 0x20 || c == 0x7f)
			c = ' ';
		if (c == ' ' && out->len > 0 && out->str[out->len - 1] == ' ')
			continue;
		g_string_append_c(out, (char)c);
	}
	if (b < h->len)
		g_string_append(out, "...");
	return g_string_free(out, FALSE);
}

/* term_masked - is the pending hit inside a never-count phrase? */
static bool
term_masked(const struct term_hits *h, const struct term_pending *p)
{
	for (size_t i = 0; i < h->nmasks; i++)
		if (h->masks[i].first <= p->first && h->masks[i].last >= p->last)
			return true;
	return false;
}

/* term_commit - settle pending hits that ended before word `upto` */
static G_GNUC_NO_INLINE void
term_commit(struct term_hits *h, size_t upto)
{
	size_t keep = 0;

	for (size_t i = 0; i < h->npending; i++) {
		struct term_pending *p = &h->pending[i];
		char *ctx;

		if (p->last >= upto) {
			h->pending[keep++] = *p;
			continue;
		}
		if (h->found[p->phrase] || term_masked(h, p))
			continue;
		h->found[p->phrase] = 1;
		ctx = term_context(h, h->span[p->first % TERM_RING][0],
		    h->span[p->last % TERM_RING][1]);
		h->hits = xreallocarray(h->hits, h->nhits + 1,
		    sizeof(*h->hits));
		h->hits[h->nhits++] = (struct term_hit){ p->phrase, ctx };
	}
	h->npending = keep;
	keep = 0;
	for (size_t i = 0; i < h->nmasks; i++)
		if (h->masks[i].last + TERM_MAX_WORDS >= upto)
			h->masks[keep++] = h->masks[i];
	h->nmasks = keep;
}

/* term_report - the outputs of the state just entered */
static G_GNUC_NO_INLINE void
term_report(struct term_hits *h, int32_t s, size_t last)
{
	const struct term_set *ts = h->ts;

	if (ts->out[s] < 0)
		s = ts->dict[s];
	for (; s > 0; s = ts->dict[s]) {
		for (int32_t o = ts->out[s]; o >= 0; o = ts->outs[o].next) {
			const struct term_phrase *ph = &ts->phrases[
			    ts->outs[o].phrase];
			struct term_pending p = { ts->outs[o].phrase,
			    last + 1 - ph->nwords, last };

			if (ph->never) {
				h->masks = xreallocarray(h->masks, h->nmasks +
				    1, sizeof(*h->masks));
				h->masks[h->nmasks++] = p;
			} else if (!h->found[p.phrase]) {
				h->pending = xreallocarray(h->pending,
				    h->npending + 1, sizeof(*h->pending));
				h->pending[h->npending++] = p;
			}
		}
	}
}

/* term_step - feed one symbol; matches end at word `last` */
static inline void
term_step(struct term_hits *h, int sym, size_t last)
{
	int32_t s = h->ts->go[(size_t)h->state * TERM_NSYM + sym];

	if (s < 0) {
		s = (int32_t)((uint32_t)s & ~TERM_HAS_OUT);
		term_report(h, s, last);
	}
	h->state = s;
}

/* term_word_slow - a word after which the automaton has work: a phrase
 * ends at the space before it, hits wait to be settled, or the word is
 * one of the phrases' (word w, its span already recorded); `matters`:
 * term_vocab_matters() has said yes already */
static G_GNUC_NO_INLINE void
term_word_slow(struct term_hits *h, const char *word, size_t len, size_t w,
    bool matters)
{
	term_step(h, 0, w - 1);		/* ends the previous word */
	if (w > TERM_MAX_WORDS && h->npending + h->nmasks > 0)
		term_commit(h, w - TERM_MAX_WORDS);
	if (!matters && !term_vocab_matters(&h->ts->vocab, word, len)) {
		h->state = 0;	/* no phrase runs through this word */
		return;
	}
	for (size_t i = 0; i < len; i++)
		term_step(h, term_vocab_sym(word[i]), w);
}

/* term_word - one normalised word of the text (empty: words no phrase
 * uses); most words end nothing, wait for nothing and are no phrase's,
 * and only restart the automaton */
static void
term_word(void *arg, const char *word, size_t len, size_t start, size_t end)
{
	struct term_hits *h = arg;
	size_t w = ++h->word;

	h->span[w % TERM_RING][0] = start;
	h->span[w % TERM_RING][1] = end;
	if (h->ts->go[(size_t)h->state * TERM_NSYM] >= 0 &&
	    h->npending + h->nmasks == 0) {
		int32_t node = term_vocab_find(&h->ts->vocab, word, len);

		if (node == 0) {
			h->state = 0;
			return;
		}
		if (node > 0 && h->state == 0 && h->ts->root_after[node] >= 0) {
			h->state = h->ts->root_after[node];
			return;
		}
		term_word_slow(h, word, len, w, true);
		return;
	}
	term_word_slow(h, word, len, w, false);
}

/* term_hits_run - one text, with the scanner's sieve or without */
static void
term_hits_run(struct term_hits *h, const char *text, size_t len,
    const struct term_vocab *sieve)
{
	if (!h->ts->compiled || h->ts->nphrases == 0)
		return;
	h->text = text;
	h->len = len;
	h->state = 0;
	h->word = 0;
	term_norm_text_sieved(text, len, sieve, term_word, h);
	term_step(h, 0, h->word);	/* ends the last word */
	term_commit(h, SIZE_MAX);
	h->nmasks = 0;
	h->text = NULL;
}

/* term_hits_scan - one text of the message */
void
term_hits_scan(struct term_hits *h, const char *text, size_t len)
{
	term_hits_run(h, text, len, &h->ts->sieve);
}

/* term_hits_scan_every_word - one text, every word to term_word */
void
term_hits_scan_every_word(struct term_hits *h, const char *text, size_t len)
{
	term_hits_run(h, text, len, NULL);
}

size_t
term_hits_count(const struct term_hits *h)
{
	return h->nhits;
}

const struct term_hit *
term_hits_get(const struct term_hits *h, size_t i)
{
	return &h->hits[i];
}

/* term_hits_free - the hits and their contexts */
struct term_hits *
term_hits_free(struct term_hits *h)
{
	if (h == NULL)
		return NULL;
	for (size_t i = 0; i < h->nhits; i++)
		free(h->hits[i].context);
	free(h->hits);
	free(h->found);
	free(h->pending);
	free(h->masks);
	free(h);
	return NULL;
}
