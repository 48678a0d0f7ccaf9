/*
 * aupctl - command dispatcher: test, quarantine, notices, report, console
 *
 * SYNOPSIS
 *	aupctl [-c FILE] test [options] MESSAGE.eml
 *	aupctl [-c FILE] quarantine list|show|release|delete|review|expire|
 *	    digest
 *	aupctl [-c FILE] notices list|retry|send
 *	aupctl [-c FILE] report [options]
 *	aupctl [-c FILE] console passwd USER [--role ROLE] [--name NAME]
 *	aupctl [-c FILE] alerts list|show|set|close
 *	aupctl [-c FILE] deferred list|send|cancel
 *	aupctl [-c FILE] audit [options]
 *	aupctl [-c FILE] store migrate
 *	aupctl --help | --version
 *
 * DESCRIPTION
 *	`test` evaluates a message offline with the very engine the milter
 *	runs and prints the verdict as JSON (aupctl_test.c).  `quarantine`
 *	is the DSL's review of held messages (aupctl_quarantine.c),
 *	`notices` the notice queue (aupctl_notices.c), `report` the
 *	monitoring report (aupctl_report.c) and `console passwd` sets a
 *	console account's password (aupctl_console.c); `deferred` lists,
 *	sends now or cancels the messages working-hours keeps until the
 *	school opens (aupctl_deferred.c); `audit` reads the audit trail
 *	(aupctl_audit.c).  With school files, quarantine, deferred, alerts,
 *	report and audit take --school NAME to keep to one school's rows
 *	(aupctl_school.c).
 *
 * DIAGNOSTICS
 *	Exit 0 when the command ran, 2 for a bad command line, an
 *	unreadable file or a configuration with errors.
 *
 * SPDX-License-Identifier: MIT
 */
#include <config.h>

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <gmime/gmime.h>

#include "aupctl/aupctl.h"
#include "aupctl/aupctl_quarantine.h"
#include "store/notices_send.h"

#define AUPCTL_USAGE \
	"usage: aupctl [-c FILE] test [--from ADDR] [--rcpt ADDR]... " \
	"[--auth USER]\n" \
	"              [--client-ip IP] [--helo NAME] [--cert-subject TEXT]\n" \
	"              [--at YYYY-MM-DDTHH:MM] MESSAGE.eml\n" \
	"       aupctl [-c FILE] quarantine list|show REF|release REF|" \
	"delete REF|review REF|expire|digest\n" \
	"       aupctl [-c FILE] notices list [--all]|retry [ID]|send\n" \
	"       aupctl [-c FILE] report [--since DAY] [--until DAY] " \
	"[--month] [--format text|html|csv|json]\n" \
	"       aupctl [-c FILE] console passwd USER [--role ROLE] " \
	"[--name NAME]\n" \
	"       aupctl [-c FILE] alerts list|show ID|set ID|close ID\n" \
	"       aupctl [-c FILE] deferred list|send REF|cancel REF\n" \
	"       aupctl [-c FILE] audit [--since DAY] [--user USER] [--json]\n" \
	"       (quarantine, deferred, alerts, report and audit take " \
	"--school NAME)\n" \
	"       aupctl [-c FILE] store migrate\n" \
	"       aupctl --help | --version\n"

/* aupctl_usage - the synopsis on stderr; returns 2 */
static int
aupctl_usage(void)
{
	fputs(AUPCTL_USAGE, stderr);
	return 2;
}

/* aupctl_help - --help on stdout; returns 0 */
static int
aupctl_help(void)
{
	printf(AUPCTL_USAGE "\n"
	    "  -c FILE      the configuration (default %s)\n"
	    "  test         evaluate a message offline with the milter's "
	    "engine;\n"
	    "               prints the verdict as JSON\n"
	    "  quarantine   review held messages: list, show, release, "
	    "delete;\n"
	    "               expire old ones, send the daily digest\n"
	    "  notices      the notices waiting to be sent: list, retry, "
	    "send\n"
	    "  report       what the filter did over a period\n"
	    "  console      the web console's accounts (passwd)\n"
	    "  audit        who did what to which message\n\n"
	    "  store        make or upgrade the store's tables (migrate)\n\n"
	    "See aupctl(8).\n", AUPCTL_DEFAULT_CONF);
	return 0;
}

/* aupctl_main - parse -c, dispatch the subcommand */
int
aupctl_main(int argc, char **argv, const struct policy *const *registry)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *conf_path = AUPCTL_DEFAULT_CONF;
	int c, rc;

	while ((c = getopt_long(argc, argv, "+c:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			conf_path = optarg;
			break;
		case 'h':
			return aupctl_help();
		case 'V':
			printf("aupctl (aup-milter) %s\n", PACKAGE_VERSION);
			return 0;
		default:
			return aupctl_usage();
		}
	}
	if (optind >= argc)
		return aupctl_usage();
	g_mime_init();
	if (notices_send_init() < 0) {
		fprintf(stderr, "aupctl: cannot initialise libcurl\n");
		return 1;
	}
	if (strcmp(argv[optind], "test") == 0)
		rc = aupctl_test(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "quarantine") == 0)
		rc = aupctl_quarantine(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "alerts") == 0)
		rc = aupctl_alerts(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "notices") == 0)
		rc = aupctl_notices(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "report") == 0)
		rc = aupctl_report(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "console") == 0)
		rc = aupctl_console(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "deferred") == 0)
		rc = aupctl_deferred(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "audit") == 0)
		rc = aupctl_audit(conf_path, argc - optind, argv + optind,
		    registry);
	else if (strcmp(argv[optind], "store") == 0)
		rc = aupctl_store(conf_path, argc - optind, argv + optind,
		    registry);
	else {
		fprintf(stderr, "aupctl: unknown command \"%s\"\n",
		    argv[optind]);
		rc = aupctl_usage();
	}
	g_mime_shutdown();
	return rc;
}
