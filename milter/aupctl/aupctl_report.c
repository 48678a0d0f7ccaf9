/*
 * aupctl_report - `aupctl report`: the monitoring report (SPEC 10)
 *
 * SYNOPSIS
 *	aupctl -c FILE report [--since YYYY-MM-DD] [--until YYYY-MM-DD]
 *	    [--month] [--format text|html|csv|json]
 *
 * DESCRIPTION
 *	Prints the report store/report.c sums from the event log and the
 *	quarantine index, for events on or after --since and on or before
 *	--until (local days), per ISO week or (--month) per month.  The
 *	html format is a whole page with SVG charts that prints well.
 *	aupctl runs as an administrator, so the reviewers are named.
 *
 * DIAGNOSTICS
 *	Exit 0 printed, 1 the log or index cannot be read, 2 bad usage.
 *
 * SPDX-License-Identifier: MIT
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl.h"
#include "aupctl/aupctl_school.h"
#include "config/conf.h"
#include "config/school_pick.h"
#include "store/report.h"
#include "util/date.h"
#include "util/xalloc.h"

#define AR_USAGE "usage: aupctl [-c FILE] report [--since YYYY-MM-DD] " \
	"[--until YYYY-MM-DD] [--month]\n" \
	"           [--format text|html|csv|json] [--school NAME]\n"

/* ar_parse - options; -1 on bad usage */
static int
ar_parse(int argc, char **argv, struct report_options *o,
    const char **format)
{
	static const struct option opts[] = {
		{ "since", required_argument, NULL, 's' },
		{ "until", required_argument, NULL, 'u' },
		{ "month", no_argument, NULL, 'm' },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 0;	/* a fresh scan (aupctl_main's was "+") */
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's' && (o->since = date_day_start_of(optarg)) == (time_t)-1)
			return -1;
		if (c == 'u' && (o->until = date_day_start_of(optarg)) == (time_t)-1)
			return -1;
		if (c == 'u')
			o->until += 86400;
		if (c == 'm')
			o->monthly = true;
		if (c == 'f')
			*format = optarg;
		if (c == '?')
			return -1;
	}
	if (strcmp(*format, "text") != 0 && strcmp(*format, "html") != 0 &&
	    strcmp(*format, "csv") != 0 && strcmp(*format, "json") != 0)
		return -1;
	return optind == argc ? 0 : -1;
}

/* aupctl_report - the report command */
int
aupctl_report(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	struct report_options o = { .names = true };
	const char *format = "text";
	struct report *r;
	const struct conf *sc;
	struct conf *cf;
	char *err = NULL, *out;

	if (aupctl_take_school(&argc, argv, &o.school) < 0 ||
	    ar_parse(argc, argv, &o, &format) < 0)
		return fputs(AR_USAGE, stderr), 2;
	cf = aupctl_conf_load(conf_path, registry, true);
	if (cf == NULL)
		return 1;
	if (aupctl_check_school(cf, "report", o.school) < 0) {
		conf_release(cf);
		return 1;
	}
	/* One school's report, or the service's with counts per school. */
	o.by_school = o.school == NULL && cf->nschools > 0;
	sc = conf_school_named(cf, o.school);
	if ((r = report_build(cf, &o, &err)) == NULL) {
		fprintf(stderr, "aupctl report: %s\n", err);
		free(err);
		conf_release(cf);
		return 1;
	}
	out = strcmp(format, "html") == 0 ? report_html(r, sc->school.name) :
	    strcmp(format, "csv") == 0 ? report_csv(r) :
	    strcmp(format, "json") == 0 ? report_json(r) : report_text(r);
	fputs(out, stdout);
	if (format[0] == 'j')
		fputc('\n', stdout);
	free(out);
	report_free(r);
	conf_release(cf);
	return 0;
}
