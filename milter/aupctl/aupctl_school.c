/*
 * aupctl_school - the --school option of aupctl's store commands
 *
 * SYNOPSIS
 *	aupctl_take_school(), aupctl_check_school()
 *
 * DESCRIPTION
 *	The option is taken out of the command line before the command
 *	parses its own options, so every store command (quarantine,
 *	deferred, alerts, report, audit) accepts it in any position.  The
 *	name is a school file's name without ".conf", as the store's rows
 *	and the event log record it.
 *
 * DIAGNOSTICS
 *	"aupctl quarantine: no school NAME (the schools: a, b)" and -1.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aupctl/aupctl_school.h"
#include "config/school_pick.h"

/* aupctl_take_school - the option out of argv */
int
aupctl_take_school(int *argc, char **argv, const char **name)
{
	int i = 1;

	*name = NULL;
	while (i < *argc) {
		int take = 0;

		if (strcmp(argv[i], "--school") == 0) {
			if (i + 1 >= *argc || *name != NULL)
				return -1;
			*name = argv[i + 1];
			take = 2;
		} else if (strncmp(argv[i], "--school=", 9) == 0) {
			if (*name != NULL)
				return -1;
			*name = argv[i] + 9;
			take = 1;
		} else if (strcmp(argv[i], "--") == 0)
			break;
		if (take == 0) {
			i++;
			continue;
		}
		memmove(&argv[i], &argv[i + take], (size_t)(*argc - i - take +
		    1) * sizeof(*argv));
		*argc -= take;
	}
	return *name != NULL && (*name)[0] == '\0' ? -1 : 0;
}

/* aupctl_check_school - a known school, or a message naming them */
int
aupctl_check_school(const struct conf *cf, const char *cmd,
    const char *name)
{
	char *known;

	if (name == NULL || (cf->nschools > 0 && conf_school_named(cf, name)
	    != NULL))
		return 0;
	if (cf->nschools == 0) {
		fprintf(stderr, "aupctl %s: no school %s: this service has "
		    "one school ([milter] schools is not set)\n", cmd, name);
		return -1;
	}
	known = conf_school_list(cf);
	fprintf(stderr, "aupctl %s: no school %s (the schools: %s)\n", cmd,
	    name, known);
	free(known);
	return -1;
}
