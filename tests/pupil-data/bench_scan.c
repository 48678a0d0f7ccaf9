/*
 * bench_scan - how fast the pupil-data detectors read text
 *
 * SYNOPSIS
 *	bench_scan [CONFIG MESSAGE.eml]
 *
 * DESCRIPTION
 *	Builds the detectors with a generated 2,000-pupil roster and times
 *	pupil_scan() (best of five) over three generated texts: 10 MB of
 *	spreadsheet text as the xlsx extractor produces it (tab-separated
 *	cells: UPN, names, date of birth, SEN), a 5 MB CSV export, and
 *	10 MB of ordinary prose; prints MB/s for each.  With a config and a
 *	message it also times the whole decision (analysis and every policy,
 *	engine_evaluate) for that message, e.g. one carrying a 10 MB xlsx.
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

#include "config/directory.h"
#include "engine/engine.h"
#include "engine/eml.h"
#include "util/errbuf.h"
#include "policies/policy.h"
#include "policies/pupil_data/pupil_scan.h"
#include "util/xalloc.h"

#define BENCH_PUPILS 2000

static const char *const syll[] = { "ar", "be", "cal", "dor", "el", "fen",
    "gar", "hol", "is", "jen", "kel", "lor", "mar", "nor", "ol", "per",
    "quin", "ros", "sel", "tam", "ul", "ver", "wil", "yar", "zan" };

/* bench_word - a made-up capitalised name from a number */
static char *
bench_word(unsigned n)
{
	char *w = xasprintf("%s%s%s", syll[n % 25], syll[(n / 25) % 25],
	    syll[(n / 625) % 25]);

	w[0] = (char)(w[0] - 'a' + 'A');
	return w;
}

/* bench_upn - a UPN with a valid check letter */
static char *
bench_upn(unsigned n)
{
	static const char table[] = "ABCDEFGHJKLMNPQRTUVWXYZ";
	char tail[13];
	int sum = 0;

	snprintf(tail, sizeof(tail), "00190012%04u", n % 10000);
	for (int k = 0; k < 12; k++)
		sum += (k + 2) * (tail[k] - '0');
	return xasprintf("%c%s", table[sum % 23], tail);
}

/* bench_roster - the generated pupils */
static struct directory *
bench_roster(void)
{
	struct directory *d = xcalloc(1, sizeof(*d));

	d->pupils = xcalloc(BENCH_PUPILS, sizeof(struct pupil));
	d->npupils = BENCH_PUPILS;
	for (unsigned i = 0; i < BENCH_PUPILS; i++) {
		d->pupils[i].upn = bench_upn(i);
		d->pupils[i].forename = bench_word(i * 7 + 3);
		d->pupils[i].surname = bench_word(i * 13 + 11);
		d->pupils[i].dob = xasprintf("%04u-%02u-%02u", 2010 + i % 12,
		    1 + i % 12, 1 + i % 28);
	}
	return d;
}

/* bench_table - `mb` MB of rows, cells separated by sep */
static GString *
bench_table(const struct directory *d, size_t mb, char sep)
{
	GString *s = g_string_new(NULL);

	g_string_append_printf(s, "UPN%cSurname%cForename%cDOB%cYear%cSEN\n",
	    sep, sep, sep, sep, sep);
	for (unsigned i = 0; s->len < mb << 20; i++) {
		const struct pupil *p = &d->pupils[i % d->npupils];

		g_string_append_printf(s, "%s%c%s%c%s%c%.2s/%.2s/%.4s%c%u%c%s\n",
		    p->upn, sep, p->surname, sep, p->forename, sep, p->dob + 8,
		    p->dob + 5, p->dob, sep, 1 + i % 6, sep, i % 5 ? "N" : "K");
	}
	return s;
}

/* bench_prose - `mb` MB of ordinary school text */
static GString *
bench_prose(size_t mb)
{
	GString *s = g_string_new(NULL);

	while (s->len < mb << 20)
		g_string_append(s, "Dear parents and carers, the Year 4 trip to "
		    "the museum is on Tuesday 15 December 2026; please return "
		    "the consent form by Friday. Call 01632 960 123 with any "
		    "questions. Invoice K482019300117 was paid on 03/11/2026.\n");
	return s;
}

/* bench_scan_mbs - best of five scans, in MB/s */
static double
bench_scan_mbs(const struct pupil_rules *r, const GString *text, bool csv,
    unsigned *ids)
{
	double best = 1e9;
	struct pupil_findings f;

	for (int run = 0; run < 5; run++) {
		struct timespec a, b;
		double s;

		clock_gettime(CLOCK_MONOTONIC, &a);
		(void)pupil_scan(r, text->str, text->len, csv, time(NULL), &f);
		clock_gettime(CLOCK_MONOTONIC, &b);
		s = (double)(b.tv_sec - a.tv_sec) + (b.tv_nsec - a.tv_nsec) / 1e9;
		if (s < best)
			best = s;
	}
	*ids = f.distinct;
	return (double)text->len / (1 << 20) / best;
}

/* bench_decision - time engine_evaluate on one message (best of 3) */
static int
bench_decision(const char *config, const char *file)
{
	struct errbuf eb;
	struct conf *cf;
	gchar *text = NULL;
	gsize len = 0;
	double best = 1e9;
	struct verdict v;

	errbuf_init(&eb);
	cf = conf_load(config, policy_registry, &eb);
	if (cf == NULL || !g_file_get_contents(file, &text, &len, NULL)) {
		errbuf_print(&eb, stderr);
		fprintf(stderr, "bench_scan: cannot load %s or %s\n", config,
		    file);
		return 1;
	}
	for (int run = 0; run < 3; run++) {
		struct msg *m = msg_new("/tmp", (size_t)64 << 20);

		msg_set_connection(m, "10.0.0.5", NULL, "pc.example", NULL);
		msg_set_auth(m, "bench@oakfield-primary.example");
		msg_set_sender(m, "bench@oakfield-primary.example");
		msg_add_rcpt(m, "someone@outside.example");
		if (eml_feed(m, text, len) == 0) {
			engine_evaluate(cf, m, time(NULL), &v);
			if (v.elapsed_ms < best)
				best = v.elapsed_ms;
			if (run == 2)
				printf("decision: %s (%s) in %.1f ms (best of 3) "
				    "for %s (%.1f MB)\n", final_action_name(
				    v.action), v.decided_by ? v.decided_by : "-",
				    best, file, (double)len / (1 << 20));
			verdict_clear(&v);
		}
		msg_free(m);
	}
	g_free(text);
	errbuf_clear(&eb);
	conf_release(cf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct directory *d = bench_roster();
	struct errbuf eb;
	struct pupil_rules *r;
	GString *xlsx, *csv, *prose;
	unsigned ids;

	g_mime_init();
	errbuf_init(&eb);
	if ((r = pupil_rules_new(d, NULL, &eb)) == NULL) {
		errbuf_print(&eb, stderr);
		return 1;
	}
	xlsx = bench_table(d, 10, '\t');
	csv = bench_table(d, 5, ',');
	prose = bench_prose(10);
	printf("roster %u pupils, %zu phrases\n", BENCH_PUPILS,
	    ngram_count(r->ng));
	printf("xlsx text 10 MB: %.0f MB/s", bench_scan_mbs(r, xlsx, false,
	    &ids));
	printf(" (%u distinct identifiers)\n", ids);
	printf("csv 5 MB: %.0f MB/s", bench_scan_mbs(r, csv, true, &ids));
	printf(" (%u distinct identifiers)\n", ids);
	printf("prose 10 MB: %.0f MB/s", bench_scan_mbs(r, prose, false,
	    &ids));
	printf(" (%u distinct identifiers)\n", ids);
	g_string_free(xlsx, TRUE);
	g_string_free(csv, TRUE);
	g_string_free(prose, TRUE);
	pupil_rules_free(r);
	errbuf_clear(&eb);
	return argc == 3 ? bench_decision(argv[1], argv[2]) : 0;
}
