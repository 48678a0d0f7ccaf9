/*
 * conf_print - print every parameter with its default (aup-milter -d)
 *
 * SYNOPSIS
 *	conf_print_defaults()
 *
 * DESCRIPTION
 *	Walks the same tables the loader uses, so the output is a valid
 *	configuration file documenting every key and can never go stale.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>

#include "config/conf.h"
#include "config/conf_tables.h"
#include "policies/policy.h"

/* conf_print_table - "key = default   ; help" lines */
static void
conf_print_table(const struct conf_param *params, FILE *fp)
{
	for (const struct conf_param *p = params; p != NULL && p->name; p++)
		fprintf(fp, "%s%s = %s\t; %s\n", p->default_value ? "" : ";",
		    p->name, p->default_value ? p->default_value : "",
		    p->help);
}

/* conf_print_defaults - the whole configuration with defaults */
void
conf_print_defaults(const struct policy *const *registry, FILE *fp)
{
	fprintf(fp, "[milter]\n");
	conf_print_table(conf_milter_params, fp);
	fprintf(fp, "\n[school]\n");
	conf_print_table(conf_school_params, fp);
	fprintf(fp, "\n[directory]\n");
	conf_print_table(conf_directory_params, fp);
	fprintf(fp, "\n[notify]\n");
	conf_print_table(conf_notify_params, fp);
	fprintf(fp, "\n[console]\n");
	conf_print_table(conf_console_params, fp);
	for (size_t i = 0; registry[i] != NULL; i++) {
		const struct policy *pol = registry[i];

		fprintf(fp, "\n; %s\n[%s]\n", pol->summary, pol->name);
		fprintf(fp, "action = %s\t; what the policy does when it "
		    "objects\n", result_name(pol->default_action));
		fprintf(fp, "mode = inherit\t; enforce, monitor, or inherit "
		    "[milter] mode\n");
		conf_print_table(pol->params, fp);
	}
}
