/*
 * aupctl_test - evaluate one message file offline, print the JSON verdict
 *
 * SYNOPSIS
 *	aupctl -c FILE test [--from ADDR] [--rcpt ADDR]... [--auth USER]
 *	    [--client-ip IP] [--helo NAME] [--cert-subject TEXT]
 *	    [--at YYYY-MM-DDTHH:MM] MESSAGE.eml
 *
 * DESCRIPTION
 *	Builds the message model from the file exactly as the milter
 *	builds it from libmilter (eml.c), runs engine_evaluate() and prints
 *	report_json_verdict().  Nothing is stored, sent or logged: it is a
 *	dry run, safe on a live system.  Without --from the sender is the
 *	header From; without --rcpt the recipients are To, Cc and Bcc.
 *	`--from '<>'` is the null sender.  `--cert-subject` is the subject
 *	of a verified client certificate, as Postfix passes {cert_subject}
 *	(trusted_clients).  `--at` evaluates as if at that moment in the
 *	school's time zone (engine_time_zone(): working-hours' `timezone`,
 *	else the local time zone), for working hours and the expiry of
 *	exemptions and correspondents; without it, now.  With school
 *	files, the school is picked from the envelope as the daemon picks
 *	it (school_pick.h); a recipient of a second school is left out and
 *	named on stderr with the 452 the daemon would answer.
 *
 * DIAGNOSTICS
 *	Exit 0 whenever the evaluation ran, whatever the verdict; 2 for a
 *	bad command line, an unreadable message or a broken configuration
 *	(its errors on stderr with file:line).
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glib.h>
#include <json-c/json.h>

#include "aupctl/aupctl_conf.h"
#include "aupctl/aupctl.h"
#include "config/conf.h"
#include "config/school_pick.h"
#include "engine/eml.h"
#include "engine/engine.h"
#include "engine/report_json.h"
#include "util/xalloc.h"

struct test_opts {
	const char *from;
	const char **rcpts;
	size_t	 nrcpts;
	const char *auth;
	const char *client_ip;
	const char *helo;
	const char *cert_subject;
	const char *at;
	const char *file;
};

/* test_parse - command-line options; -1 on a bad command line */
static int
test_parse(int argc, char **argv, struct test_opts *o)
{
	static const struct option longopts[] = {
		{ "from", required_argument, NULL, 'f' },
		{ "rcpt", required_argument, NULL, 'r' },
		{ "auth", required_argument, NULL, 'a' },
		{ "client-ip", required_argument, NULL, 'i' },
		{ "helo", required_argument, NULL, 'h' },
		{ "cert-subject", required_argument, NULL, 's' },
		{ "at", required_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->from = optarg; break;
		case 'a': o->auth = optarg; break;
		case 'i': o->client_ip = optarg; break;
		case 'h': o->helo = optarg; break;
		case 's': o->cert_subject = optarg; break;
		case 't': o->at = optarg; break;
		case 'r':
			o->rcpts = xreallocarray(o->rcpts, o->nrcpts + 1,
			    sizeof(char *));
			o->rcpts[o->nrcpts++] = optarg;
			break;
		default:
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "aupctl test: name one message file\n");
		return -1;
	}
	o->file = argv[optind];
	return 0;
}

/* test_read_file - the whole file; NULL with a message on failure */
static char *
test_read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *data = NULL;
	size_t cap = 0, n;

	*len = 0;
	if (fp == NULL) {
		fprintf(stderr, "aupctl test: %s: %s\n", path, strerror(errno));
		return NULL;
	}
	do {
		if (*len + 65536 > cap) {
			cap = cap * 2 + 65536;
			data = xrealloc(data, cap);
		}
		n = fread(data + *len, 1, cap - *len, fp);
		*len += n;
	} while (n > 0);
	if (ferror(fp)) {
		fprintf(stderr, "aupctl test: %s: read error\n", path);
		free(data);
		data = NULL;
	}
	fclose(fp);
	return data;
}

/*
 * test_rcpt - a recipient the daemon would accept; one of a second
 * school is left out with the daemon's answer on stderr
 */
static void
test_rcpt(const struct conf *cf, struct school_pick *pk, struct msg *m,
    const char *rcpt)
{
	if (school_pick_rcpt(pk, cf, rcpt))
		msg_add_rcpt(m, rcpt);
	else
		fprintf(stderr, "aupctl test: %s: 452 4.5.3 %s\n", rcpt,
		    SCHOOL_PICK_REPLY);
}

/* test_envelope - sender and recipients, from options or headers */
static void
test_envelope(const struct conf *cf, struct school_pick *pk, struct msg *m,
    const struct test_opts *o, const char *data, size_t len)
{
	static const char *const from_hdr[] = { "From", NULL };
	static const char *const rcpt_hdrs[] = { "To", "Cc", "Bcc", NULL };
	char **list;

	if (o->from != NULL)
		msg_set_sender(m, o->from);
	else {
		list = eml_header_addresses(data, len, from_hdr);
		msg_set_sender(m, list[0] != NULL ? list[0] : "");
		eml_addresses_free(list);
	}
	school_pick_sender(pk, cf, m->sender);
	for (size_t i = 0; i < o->nrcpts; i++)
		test_rcpt(cf, pk, m, o->rcpts[i]);
	if (o->nrcpts == 0) {
		list = eml_header_addresses(data, len, rcpt_hdrs);
		for (size_t i = 0; list[i] != NULL; i++)
			test_rcpt(cf, pk, m, list[i]);
		eml_addresses_free(list);
	}
}

/*
 * test_at - "YYYY-MM-DDTHH:MM[:SS]" in the school's time zone as an
 * instant; -1 (with a message) when it is not such a time
 */
static int
test_at(const struct conf *cf, const char *text, time_t *out)
{
	const char *name = engine_time_zone(cf);
	int y, mo, d, h, mi, sec = 0, end = 0;
	GTimeZone *tz;
	GDateTime *dt = NULL;

	if ((sscanf(text, "%4d-%2d-%2dT%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &end) == 5 && text[end] == '\0') ||
	    (sscanf(text, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
	    &sec, &end) == 6 && text[end] == '\0')) {
		tz = name != NULL ? g_time_zone_new_identifier(name) :
		    g_time_zone_new_local();
		if (tz != NULL) {
			dt = g_date_time_new(tz, y, mo, d, h, mi, sec);
			g_time_zone_unref(tz);
		}
	}
	if (dt == NULL) {
		fprintf(stderr, "aupctl test: --at %s is not a time "
		    "(YYYY-MM-DDTHH:MM)\n", text);
		return -1;
	}
	*out = (time_t)g_date_time_to_unix(dt);
	g_date_time_unref(dt);
	return 0;
}

/* test_run - build the model, evaluate, print */
static int
test_run(const struct conf *cf, const struct test_opts *o)
{
	struct school_pick pk;
	struct verdict v;
	struct msg *m;
	json_object *j;
	size_t len;
	time_t now = time(NULL);
	char *data;

	if (o->at != NULL && test_at(cf, o->at, &now) < 0)
		return 2;
	if ((data = test_read_file(o->file, &len)) == NULL)
		return 2;
	m = msg_new(cf->milter.spool_dir, (size_t)cf->milter.spool_threshold);
	msg_set_connection(m, o->client_ip, NULL, o->helo, NULL);
	msg_set_auth(m, o->auth);
	msg_set_client_cert(m, o->cert_subject);
	test_envelope(cf, &pk, m, o, data, len);
	if (eml_feed(m, data, len) < 0) {
		fprintf(stderr, "aupctl test: cannot spool the message in %s: "
		    "%s\n", cf->milter.spool_dir, strerror(errno));
		free(data);
		msg_free(m);
		return 2;
	}
	free(data);
	/* the school the daemon would pick from this envelope */
	engine_evaluate(school_pick_done(&pk, cf), m, now, &v);
	j = report_json_verdict(school_pick_done(&pk, cf), &v);
	printf("%s\n", json_object_to_json_string_ext(j,
	    JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	verdict_clear(&v);
	msg_free(m);
	return 0;
}

/* aupctl_test - the test command */
int
aupctl_test(const char *conf_path, int argc, char **argv,
    const struct policy *const *registry)
{
	struct test_opts o = { 0 };
	struct conf *cf;
	int rc;

	if (test_parse(argc, argv, &o) < 0) {
		free(o.rcpts);
		fprintf(stderr, "usage: aupctl [-c FILE] test [--from ADDR] "
		    "[--rcpt ADDR]... [--auth USER] [--client-ip IP] "
		    "[--helo NAME] [--cert-subject TEXT] [--at YYYY-MM-DDTHH:MM] "
		    "MESSAGE.eml\n");
		return 2;
	}
	cf = aupctl_conf_load(conf_path, registry, false);
	if (cf == NULL) {
		free(o.rcpts);
		return 2;
	}
	rc = test_run(cf, &o);
	conf_release(cf);
	free(o.rcpts);
	return rc;
}
