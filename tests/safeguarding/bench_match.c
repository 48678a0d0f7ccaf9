/*
 * bench_match - how fast the safeguarding matcher reads text, and what it
 * adds to a decision
 *
 * SYNOPSIS
 *	bench_match LISTS_DIR [CONFIG CORPUS_DIR [CONFIG_OFF]]
 *	bench_match --decide CONFIG CORPUS_DIR
 *	bench_match --on-off CONFIG CORPUS_DIR CONFIG_OFF
 *
 * DESCRIPTION
 *	Loads every list of LISTS_DIR (the nine categories) into one term
 *	set and times term_hits_scan() (best of five) over three generated
 *	texts of 10 MB each: ordinary school prose, pupils' chat with
 *	slang, stretched letters and look-alike letters, and prose with
 *	concerning phrases in every line; prints MB/s for each.
 *
 *	With a configuration and a corpus folder (make-corpus.py's: *.eml
 *	and envelope.tsv), every message is judged with engine_evaluate()
 *	(the whole decision: analysis and every policy) and then its
 *	subject and every extracted text are scanned again by the matcher
 *	alone; the sums give the matcher's share of the decision's CPU time and
 *	its MB/s over the text the analysis extracted.  With CONFIG_OFF
 *	too (the same configuration with [safeguarding] action = off),
 *	every message is judged under both, in BENCH_ROUNDS interleaved
 *	rounds, and the medians give the cost safeguarding adds to the
 *	decision, as a percentage.  Decisions are timed in CPU time of the
 *	thread: their wall clock includes waiting for the DNS answers
 *	sender-auth asks for (one query a message, tens of milliseconds,
 *	different every time), which made "off" look slower than "on".
 *
 *	--on-off measures the added cost alone (no lists, no texts, no
 *	matcher share): for a second configuration beside the first, as
 *	the benchmark does for the scope the lists ship with.
 *
 *	--decide judges every message of the corpus once under CONFIG and
 *	nothing else, for callgrind --toggle-collect=engine_evaluate: the
 *	instructions of the decisions, which other load does not change.
 *	A benchmark, not a test: it asserts nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "analysis/analysis.h"
#include "engine/eml.h"
#include "engine/engine.h"
#include "policies/policy.h"
#include "policies/safeguarding/term_list.h"
#include "policies/safeguarding/term_match.h"
#include "util/errbuf.h"
#include "util/xalloc.h"

#define BENCH_ROUNDS	5	/* interleaved on/off rounds */
#define BENCH_CLOCK_SAMPLES 1001	/* empty intervals timed */

/* what a pass over the corpus adds up */
struct bench_sums {
	double	 clock;		/* an empty interval (bench_clock_cost) */
	double	 matcher;	/* the matcher's CPU seconds, and */
	double	 bytes;		/* the bytes it read (with a term set) */
	double	 wall;		/* the decisions' wall-clock ms */
};

static const char *const bench_categories[] = { "bullying", "self-harm",
    "sexual", "grooming", "extremism", "discrimination", "violence",
    "drugs", "profanity", NULL };

/* bench_now - seconds, monotonic */
static double
bench_now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench_cpu - this thread's CPU seconds (waiting, e.g. for the DNS
 * answers sender-auth asks for, is not counted) */
static double
bench_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench_cmp - doubles in order */
static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_median - the median of n doubles (sorts them) */
static double
bench_median(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), bench_cmp);
	return x[n / 2];
}

/* bench_clock_cost - the CPU seconds an empty interval of bench_cpu()
 * reads: the clock's own cost, the median of BENCH_CLOCK_SAMPLES.  The
 * thread's CPU clock is a system call (not the vDSO's fast path): a few
 * microseconds in a virtual machine, against some 50 microseconds of
 * text a message gives the matcher, so every interval measured has it
 * taken off (bench_cpu_since) */
static double
bench_clock_cost(void)
{
	double d[BENCH_CLOCK_SAMPLES];

	for (int k = 0; k < BENCH_CLOCK_SAMPLES; k++) {
		double a = bench_cpu();

		d[k] = bench_cpu() - a;
	}
	return bench_median(d, BENCH_CLOCK_SAMPLES);
}

/* bench_cpu_since - this thread's CPU seconds since bench_cpu() read
 * `start`, less the clock's own cost (never below 0) */
static double
bench_cpu_since(double start, double clock_cost)
{
	double d = bench_cpu() - start - clock_cost;

	return d > 0 ? d : 0;
}

/* bench_text - `mb` MB of one repeated paragraph */
static GString *
bench_text(size_t mb, const char *para)
{
	GString *s = g_string_new(NULL);

	while (s->len < mb << 20)
		g_string_append(s, para);
	return s;
}

/* bench_mbs - best of five scans, in MB/s; *hits the phrases found */
static double
bench_mbs(const struct term_set *ts, const GString *text, size_t *hits)
{
	double best = 1e9;

	for (int run = 0; run < 5; run++) {
		struct term_hits *h = term_hits_new(ts);
		double a = bench_now(), s;

		term_hits_scan(h, text->str, text->len);
		s = bench_now() - a;
		best = s < best ? s : best;
		*hits = term_hits_count(h);
		term_hits_free(h);
	}
	return (double)text->len / (1 << 20) / best;
}

/* bench_envelope - from and recipients of a corpus file (envelope.tsv) */
static gchar **
bench_envelope(const char *dir, const char *file)
{
	char *path = g_build_filename(dir, "envelope.tsv", NULL);
	gchar *text = NULL, **lines, **out = NULL;

	if (g_file_get_contents(path, &text, NULL, NULL)) {
		lines = g_strsplit(text, "\n", -1);
		for (size_t i = 0; lines[i] != NULL && out == NULL; i++) {
			gchar **f = g_strsplit(lines[i], "\t", 3);

			if (f[0] && f[1] && f[2] && strcmp(f[0], file) == 0)
				out = g_strdupv(f);
			g_strfreev(f);
		}
		g_strfreev(lines);
	}
	g_free(text);
	g_free(path);
	return out;
}

/* bench_msg - one corpus message with its envelope, or NULL */
static struct msg *
bench_msg(const char *dir, const char *file)
{
	char *path = g_build_filename(dir, file, NULL);
	gchar *text = NULL, **env = bench_envelope(dir, file), **rcpts;
	gsize len = 0;
	struct msg *m = NULL;

	if (env != NULL && g_file_get_contents(path, &text, &len, NULL)) {
		m = msg_new("/tmp", (size_t)64 << 20);
		msg_set_connection(m, "10.0.0.5", NULL, "pc.example", NULL);
		msg_set_sender(m, env[1]);
		rcpts = g_strsplit(env[2], ",", -1);
		for (size_t i = 0; rcpts[i] != NULL; i++)
			msg_add_rcpt(m, rcpts[i]);
		g_strfreev(rcpts);
		if (eml_feed(m, text, len) != 0)
			m = msg_free(m);
	}
	g_strfreev(env);
	g_free(text);
	g_free(path);
	return m;
}

/* bench_rescan - the matcher alone over what the decision extracted:
 * its CPU seconds and bytes into *sums */
static void
bench_rescan(const struct term_set *ts, const struct msg *m,
    const struct analysis *an, struct bench_sums *sums)
{
	struct term_hits *h = term_hits_new(ts);
	char *subject = msg_subject(m);
	double a = bench_cpu();

	if (subject != NULL)
		term_hits_scan(h, subject, strlen(subject));
	for (size_t i = 0; i < an->count; i++) {
		const struct attachment *at = &an->items[i];

		if (at->text != NULL && !at->encrypted) {
			term_hits_scan(h, at->text, at->text_len);
			sums->bytes += (double)at->text_len;
		}
	}
	sums->matcher += bench_cpu_since(a, sums->clock);
	term_hits_free(h);
	g_free(subject);
}

/* bench_decide - the decision's CPU milliseconds for corpus file `name`
 * under cf, from a fresh parse (a message keeps its analysis); adds its
 * wall-clock milliseconds to sums, and with ts the matcher's own
 * seconds and bytes */
static double
bench_decide(const struct conf *cf, const struct term_set *ts,
    const char *dir, const char *name, struct bench_sums *sums)
{
	struct msg *m = bench_msg(dir, name);
	struct verdict v;
	double cpu;

	if (m == NULL)
		return 0;
	cpu = bench_cpu();
	engine_evaluate(cf, m, time(NULL), &v);
	cpu = bench_cpu_since(cpu, sums->clock) * 1e3;
	sums->wall += v.elapsed_ms;
	if (ts != NULL && v.analysis != NULL)
		bench_rescan(ts, m, v.analysis, sums);
	verdict_clear(&v);
	msg_free(m);
	return cpu;
}

/* bench_load - a configuration, or NULL with its errors printed */
static struct conf *
bench_load(const char *config)
{
	struct errbuf eb;
	struct conf *cf;

	errbuf_init(&eb);
	cf = conf_load(config, policy_registry, &eb);
	if (cf == NULL) {
		errbuf_print(&eb, stderr);
		fprintf(stderr, "bench_match: cannot load %s\n", config);
	}
	errbuf_clear(&eb);
	return cf;
}

/* bench_names - the corpus's message files (NULL-terminated) */
static char **
bench_names(const char *dir, unsigned *n)
{
	GDir *d = g_dir_open(dir, 0, NULL);
	char **names = xcalloc(1, sizeof(*names));
	const char *name;

	*n = 0;
	while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
		if (!g_str_has_suffix(name, ".eml"))
			continue;
		names = xreallocarray(names, *n + 2, sizeof(*names));
		names[(*n)++] = xstrdup(name);
		names[*n] = NULL;
	}
	if (d != NULL)
		g_dir_close(d);
	return names;
}

/* bench_names_free - what bench_names() returned */
static void
bench_names_free(char **names, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* bench_onoff - decision time with safeguarding on and off, BENCH_ROUNDS
 * interleaved rounds (each message judged on then off, or off then on
 * in alternate rounds); prints the medians of CPU time, the added cost,
 * and the wall-clock medians beside them.  The wall clock includes the
 * waits for sender-auth's DNS answers (tens of milliseconds a message,
 * varying from one query to the next), so only the CPU figure compares
 * the two configurations. */
static void
bench_onoff(const struct conf *on, const struct conf *off, const char *dir,
    char *const *ms, unsigned n, double clock_cost)
{
	double ton[BENCH_ROUNDS], toff[BENCH_ROUNDS], won[BENCH_ROUNDS],
	    woff[BENCH_ROUNDS], x, y;

	for (int r = 0; r < BENCH_ROUNDS; r++) {
		struct bench_sums son = { .clock = clock_cost },
		    soff = { .clock = clock_cost };

		ton[r] = toff[r] = 0;
		for (unsigned i = 0; i < n; i++) {
			if (r % 2 == 0)
				ton[r] += bench_decide(on, NULL, dir, ms[i],
				    &son);
			toff[r] += bench_decide(off, NULL, dir, ms[i], &soff);
			if (r % 2 == 1)
				ton[r] += bench_decide(on, NULL, dir, ms[i],
				    &son);
		}
		won[r] = son.wall;
		woff[r] = soff.wall;
	}
	x = bench_median(ton, BENCH_ROUNDS);
	y = bench_median(toff, BENCH_ROUNDS);
	printf("on/off: %u messages, medians of %d interleaved rounds, CPU "
	    "time of the decision: safeguarding on %.3f ms, off %.3f ms per "
	    "message; added cost %.2f%% (target < 5%%)\n", n, BENCH_ROUNDS,
	    x / n, y / n, y > 0 ? 100 * (x - y) / y : 0);
	printf("on/off wall clock (with sender-auth's DNS waits, not a "
	    "comparison): on %.2f ms, off %.2f ms per message\n",
	    bench_median(won, BENCH_ROUNDS) / n,
	    bench_median(woff, BENCH_ROUNDS) / n);
}

/* bench_corpus_report - the corpus line: the decisions' CPU time and
 * the matcher's share of it */
static void
bench_corpus_report(unsigned n, double decision, const struct bench_sums *sums)
{
	double mb = sums->bytes / (1 << 20);

	printf("clock: an empty interval of the thread's CPU clock reads "
	    "%.2f us, taken off each interval below\n", sums->clock * 1e6);
	printf("corpus: %u messages, decision %.1f ms of CPU in all (%.2f ms "
	    "each), matcher %.2f ms in all over %.1f MB of text (%.1f MB/s): "
	    "%.2f%% of the decision's CPU time\n", n, decision * 1e3,
	    n ? decision * 1e3 / n : 0, sums->matcher * 1e3, mb,
	    sums->matcher > 0 ? mb / sums->matcher : 0,
	    decision > 0 ? 100 * sums->matcher / decision : 0);
}

/* bench_corpus - the matcher's share of the decision on a corpus, and
 * with a second configuration (safeguarding off) the added cost */
static int
bench_corpus(const struct term_set *ts, const char *config, const char *dir,
    const char *config_off)
{
	struct bench_sums sums = { .clock = bench_clock_cost() };
	struct conf *cf = bench_load(config), *off = NULL;
	double decision = 0;
	unsigned n = 0;
	char **ms;

	if (cf == NULL || (config_off != NULL &&
	    (off = bench_load(config_off)) == NULL)) {
		if (cf != NULL)
			conf_release(cf);
		return 1;
	}
	ms = bench_names(dir, &n);
	for (unsigned i = 0; i < n; i++)
		decision += bench_decide(cf, ts, dir, ms[i], &sums) / 1e3;
	bench_corpus_report(n, decision, &sums);
	if (off != NULL)
		bench_onoff(cf, off, dir, ms, n, sums.clock);
	bench_names_free(ms, n);
	conf_release(cf);
	if (off != NULL)
		conf_release(off);
	return 0;
}

/* bench_onoff_only - the added cost of safeguarding alone: config
 * against config_off on the corpus */
static int
bench_onoff_only(const char *config, const char *dir, const char *config_off)
{
	struct conf *cf = bench_load(config), *off;
	unsigned n = 0;
	char **ms;

	if (cf == NULL)
		return 1;
	if ((off = bench_load(config_off)) == NULL) {
		conf_release(cf);
		return 1;
	}
	ms = bench_names(dir, &n);
	bench_onoff(cf, off, dir, ms, n, bench_clock_cost());
	bench_names_free(ms, n);
	conf_release(cf);
	conf_release(off);
	return 0;
}

/* bench_decide_all - judge every corpus message once under config (for
 * callgrind --toggle-collect=engine_evaluate: instructions of the
 * decisions alone) */
static int
bench_decide_all(const char *config, const char *dir)
{
	struct bench_sums sums = { .clock = bench_clock_cost() };
	struct conf *cf = bench_load(config);
	double cpu = 0;
	unsigned n = 0;
	char **ms;

	if (cf == NULL)
		return 1;
	ms = bench_names(dir, &n);
	for (unsigned i = 0; i < n; i++)
		cpu += bench_decide(cf, NULL, dir, ms[i], &sums);
	bench_names_free(ms, n);
	printf("decided %u messages, %.1f ms of CPU\n", n, cpu);
	conf_release(cf);
	return 0;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = { "prose", "chat", "concerning" };
	static const char *const paras[] = {
	    "Dear parents and carers, the Year 4 trip to the museum is on "
	    "Tuesday; please return the consent form by Friday. Our netball "
	    "team won 12-4 and the PTA thanks everyone who baked. In history "
	    "we study the Romans and in science the water cycle.\n",
	    "omg did u see that lol, its sooooo funny \xd1\x96 cant even. "
	    "r u coming 2 the park l8r? bring ur ball n we can play footy "
	    "w1th everyone, its gonna be gr8!!! xxx\n",
	    "nobody likes you, go and k.i.l.l yourself. send nudes or i'll "
	    "tell everyone. how old are you? dont tell your mum, its our "
	    "little secret. my brother sells weed. fuuuuck this.\n" };
	struct term_set *ts;
	struct errbuf eb;
	int rc = 0;

	if (argc == 4 && strcmp(argv[1], "--decide") == 0) {
		g_mime_init();
		return bench_decide_all(argv[2], argv[3]);
	}
	if (argc == 5 && strcmp(argv[1], "--on-off") == 0) {
		g_mime_init();
		return bench_onoff_only(argv[2], argv[3], argv[4]);
	}
	if (argc < 2 || argc == 3 || argc > 5) {
		fprintf(stderr, "usage: bench_match LISTS_DIR [CONFIG "
		    "CORPUS_DIR [CONFIG_OFF]]\n"
		    "       bench_match --decide CONFIG CORPUS_DIR\n"
		    "       bench_match --on-off CONFIG CORPUS_DIR "
		    "CONFIG_OFF\n");
		return 2;
	}
	g_mime_init();
	errbuf_init(&eb);
	ts = term_set_new();
	for (unsigned c = 0; bench_categories[c] != NULL; c++) {
		char *path = g_strdup_printf("%s/%s.txt", argv[1],
		    bench_categories[c]);

		if (term_list_load(ts, c, path, &eb) < 0)
			rc = 1;
		g_free(path);
	}
	if (rc != 0) {
		errbuf_print(&eb, stderr);
		return 1;
	}
	term_set_compile(ts);
	printf("lists: %zu phrases, %zu automaton states\n",
	    term_set_count(ts), term_set_states(ts));
	for (size_t i = 0; i < 3; i++) {
		GString *text = bench_text(10, paras[i]);
		size_t hits = 0;
		double mbs = bench_mbs(ts, text, &hits);

		printf("%-11s %5.1f MB: %7.1f MB/s (%zu phrases found)\n",
		    names[i], (double)text->len / (1 << 20), mbs, hits);
		g_string_free(text, TRUE);
	}
	if (argc >= 4)
		rc = bench_corpus(ts, argv[2], argv[3], argc == 5 ? argv[4] :
		    NULL);
	term_set_free(ts);
	errbuf_clear(&eb);
	return rc;
}
