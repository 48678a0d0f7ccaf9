/*
 * conf_print - print every parameter: defaults (-d) or in force (-n)
 *
 * SYNOPSIS
 *	conf_print_defaults(), conf_print_settings()
 *
 * DESCRIPTION
 *	Walks the same tables the loader uses, so the output is a valid
 *	configuration file documenting every key and can never go stale.
 *	-n (as Postfix's postconf -n) prints the settings a loaded
 *	configuration has, each followed by where it came from: the
 *	file:line that set it, or "default".  Paths are shown resolved,
 *	addresses normalised: what the filter really uses.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>

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
	fprintf(fp, "\n[store]\n");
	conf_print_table(conf_store_params, fp);
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

/* conf_print_value - "key = value   ; where" */
static void
conf_print_value(const struct conf *cf, const char *section,
    const struct conf_param *p, const void *settings, FILE *fp)
{
	char *value = conf_param_format(p, settings);
	const char *file;
	unsigned line = conf_set_where(cf, section, p->name, &file);

	if (line > 0)
		fprintf(fp, "%s = %s\t; %s:%u\n", p->name, value, file,
		    line);
	else
		fprintf(fp, "%s = %s\t; default\n", p->name, value);
	free(value);
}

/* conf_print_section - a [section] with every key of its table */
static void
conf_print_section(const struct conf *cf, const char *section,
    const struct conf_param *params, const void *settings, FILE *fp)
{
	fprintf(fp, "[%s]\n", section);
	for (const struct conf_param *p = params; p != NULL && p->name; p++)
		conf_print_value(cf, section, p, settings, fp);
}

/* conf_print_school - a school's sections: its own and its policies' */
static void
conf_print_school(const struct conf *cf, FILE *fp)
{
	conf_print_section(cf, "school", conf_school_params, &cf->school, fp);
	fputc('\n', fp);
	conf_print_section(cf, "directory", conf_directory_params, &cf->dirs,
	    fp);
	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_slot *s = &cf->slots[i];

		fputc('\n', fp);
		conf_print_section(cf, s->policy->name,
		    conf_policy_common_params, s->settings, fp);
		for (const struct conf_param *p = s->policy->params;
		    p != NULL && p->name != NULL; p++)
			conf_print_value(cf, s->policy->name, p, s->settings,
			    fp);
	}
}

/* conf_print_settings - the configuration in force (-n) */
void
conf_print_settings(const struct conf *cf, FILE *fp)
{
	conf_print_section(cf, "milter", conf_milter_params, &cf->milter, fp);
	if (cf->nschools == 0) {
		fputc('\n', fp);
		conf_print_school(cf, fp);
	}
	for (size_t i = 0; i < cf->nschools; i++) {
		const struct conf *sc = cf->schools[i];

		fprintf(fp, "\n; school %s (%s): mode = %s, templates = %s\n",
		    sc->id, sc->path, mode_name(sc->milter.mode),
		    sc->milter.templates ? sc->milter.templates : "built-in");
		conf_print_school(sc, fp);
	}
}
