/*
 * bench_decide - the decision's CPU time on a corpus, by kind of message,
 * for messages sent as the yardstick sends them
 *
 * SYNOPSIS
 *	bench_decide CONFIG CORPUS_DIR SCHOOL_DOMAIN [ROUNDS]
 *
 * DESCRIPTION
 *	Judges every message of a make-corpus.py folder (*.eml and
 *	envelope.tsv) with engine_evaluate(), ROUNDS times (default 1),
 *	the way ../shared/bench/milterload presents it to the daemon:
 *	client 127.0.0.1, and mail from SCHOOL_DOMAIN logged in as its
 *	sender (a staff mail client), so outbound mail gets the outbound
 *	policies' work.  Prints, per kind of message (the file name less
 *	its number: "xlsx-pupils", "csv-pupils", ...), the count, the
 *	median and total CPU milliseconds of its decisions and its share
 *	of the total, then the total.
 *
 *	The instructions of the decisions, which the machine's other load
 *	does not change, come from running it under
 *	valgrind --tool=callgrind --toggle-collect=engine_evaluate.
 *	A benchmark, not a test: it asserts nothing.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <glib.h>
#include <gmime/gmime.h>

#include "engine/eml.h"
#include "engine/engine.h"
#include "policies/policy.h"
#include "util/errbuf.h"

/* One kind of message and the CPU milliseconds of its decisions. */
struct bench_kind {
	char	*name;
	GArray	*ms;		/* double */
};

/* bench_cpu - this thread's CPU seconds */
static double
bench_cpu(void)
{
	struct timespec t;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* bench_is_local - is addr in domain (a staff sender)? */
static bool
bench_is_local(const char *addr, const char *domain)
{
	const char *at = strrchr(addr, '@');

	return at != NULL && strcasecmp(at + 1, domain) == 0;
}

/* bench_judge - CPU ms of one decision on the envelope fields env
 * (file, from, recipients), or a negative number when unreadable */
static double
bench_judge(const struct conf *cf, const char *dir, char **env,
    const char *domain)
{
	char *path = g_build_filename(dir, env[0], NULL);
	char *client = g_strdup_printf("client.%s", domain);
	gchar *text = NULL, **rcpts;
	gsize len = 0;
	struct msg *m;
	struct verdict v;
	double cpu = -1;

	if (!g_file_get_contents(path, &text, &len, NULL))
		goto out;
	m = msg_new("/tmp", (size_t)64 << 20);
	msg_set_connection(m, "127.0.0.1", client, client, "bench-mta");
	if (bench_is_local(env[1], domain))
		msg_set_auth(m, env[1]);
	msg_set_sender(m, env[1]);
	rcpts = g_strsplit(env[2], ",", -1);
	for (size_t i = 0; rcpts[i] != NULL; i++)
		msg_add_rcpt(m, rcpts[i]);
	g_strfreev(rcpts);
	if (eml_feed(m, text, len) == 0) {
		cpu = bench_cpu();
		engine_evaluate(cf, m, time(NULL), &v);
		cpu = (bench_cpu() - cpu) * 1e3;
		verdict_clear(&v);
	}
	msg_free(m);
out:
	g_free(client);
	g_free(text);
	g_free(path);
	return cpu;
}

/* bench_kind_of - the kind of a corpus file: its name less the number
 * and the extension */
static char *
bench_kind_of(const char *file)
{
	const char *p = strchr(file, '-'), *dot = strrchr(file, '.');

	p = p != NULL ? p + 1 : file;
	return g_strndup(p, dot != NULL && dot > p ? (size_t)(dot - p) :
	    strlen(p));
}

/* bench_cmp - doubles in order */
static int
bench_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* bench_report - one line a kind, then the total */
static void
bench_report(GPtrArray *kinds)
{
	double all = 0;
	unsigned n = 0;

	for (guint k = 0; k < kinds->len; k++) {
		struct bench_kind *bk = g_ptr_array_index(kinds, k);

		for (guint i = 0; i < bk->ms->len; i++)
			all += g_array_index(bk->ms, double, i);
	}
	printf("%-20s %6s %10s %10s %7s\n", "kind", "n", "median_ms",
	    "total_ms", "share");
	for (guint k = 0; k < kinds->len; k++) {
		struct bench_kind *bk = g_ptr_array_index(kinds, k);
		double sum = 0;

		g_array_sort(bk->ms, bench_cmp);
		for (guint i = 0; i < bk->ms->len; i++)
			sum += g_array_index(bk->ms, double, i);
		n += bk->ms->len;
		printf("%-20s %6u %10.3f %10.1f %6.1f%%\n", bk->name,
		    bk->ms->len, g_array_index(bk->ms, double,
		    bk->ms->len / 2), sum, all > 0 ? 100 * sum / all : 0);
	}
	printf("decided %u messages, %.1f ms of CPU\n", n, all);
}

/* bench_kind_get - the record of kind name in kinds, added if new */
static struct bench_kind *
bench_kind_get(GPtrArray *kinds, char *name)
{
	struct bench_kind *bk;

	for (guint k = 0; k < kinds->len; k++) {
		bk = g_ptr_array_index(kinds, k);
		if (strcmp(bk->name, name) == 0) {
			g_free(name);
			return bk;
		}
	}
	bk = g_new0(struct bench_kind, 1);
	bk->name = name;
	bk->ms = g_array_new(FALSE, FALSE, sizeof(double));
	g_ptr_array_add(kinds, bk);
	return bk;
}

/* bench_kind_free - GDestroyNotify for the kinds array */
static void
bench_kind_free(void *p)
{
	struct bench_kind *bk = p;

	g_array_free(bk->ms, TRUE);
	g_free(bk->name);
	g_free(bk);
}

/* bench_run - every envelope line of the corpus, rounds times */
static int
bench_run(const struct conf *cf, const char *dir, const char *domain,
    unsigned rounds)
{
	char *path = g_build_filename(dir, "envelope.tsv", NULL);
	gchar *text = NULL, **lines;
	GPtrArray *kinds = g_ptr_array_new_with_free_func(bench_kind_free);
	int rc = 0;

	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		fprintf(stderr, "bench_decide: cannot read %s\n", path);
		g_free(path);
		return 1;
	}
	lines = g_strsplit(text, "\n", -1);
	for (unsigned r = 0; r < rounds && rc == 0; r++)
		for (size_t i = 0; lines[i] != NULL && rc == 0; i++) {
			gchar **f = g_strsplit(lines[i], "\t", 3);
			double ms;

			if (f[0] != NULL && f[1] != NULL && f[2] != NULL) {
				ms = bench_judge(cf, dir, f, domain);
				if (ms < 0) {
					fprintf(stderr, "bench_decide: cannot "
					    "judge %s\n", f[0]);
					rc = 1;
				} else
					g_array_append_val(bench_kind_get(
					    kinds, bench_kind_of(f[0]))->ms,
					    ms);
			}
			g_strfreev(f);
		}
	if (rc == 0)
		bench_report(kinds);
	g_ptr_array_free(kinds, TRUE);
	g_strfreev(lines);
	g_free(text);
	g_free(path);
	return rc;
}

int
main(int argc, char **argv)
{
	struct errbuf eb;
	struct conf *cf;
	unsigned rounds = argc == 5 ? (unsigned)atoi(argv[4]) : 1;
	int rc;

	if (argc < 4 || argc > 5 || rounds == 0) {
		fprintf(stderr, "usage: bench_decide CONFIG CORPUS_DIR "
		    "SCHOOL_DOMAIN [ROUNDS]\n");
		return 2;
	}
	g_mime_init();
	errbuf_init(&eb);
	cf = conf_load(argv[1], policy_registry, &eb);
	if (cf == NULL) {
		errbuf_print(&eb, stderr);
		fprintf(stderr, "bench_decide: cannot load %s\n", argv[1]);
		errbuf_clear(&eb);
		return 1;
	}
	errbuf_clear(&eb);
	rc = bench_run(cf, argv[2], argv[3], rounds);
	conf_release(cf);
	return rc;
}
