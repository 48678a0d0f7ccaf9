/*
 * conf - load the INI file and its data into an immutable snapshot
 *
 * SYNOPSIS
 *	conf_load(), conf_reload(), conf_acquire(), conf_release(), conf_current(),
 *	conf_replace(), conf_slot(), conf_policy_mode()
 *
 * DESCRIPTION
 *	The INI syntax is inih's (Debian libinih): `[section]`, `key =
 *	value`, `;` and `#` comments, `;` inline comments.  inih does not
 *	tell a handler its line number, so we feed it through our own line
 *	reader that counts lines: every error names file:line.  Unknown
 *	sections and keys are errors; so is a key set twice.
 *
 *	Sections: [milter], [school], [directory] (tables in conf_tables.c)
 *	and one per registered policy, whose keys are `action`, `mode` and
 *	the policy's own table.  After the file: the trusted networks and clients, the
 *	data files (directory.c), the reply templates (template.c) and each
 *	policy's configure() hook.  Any error and the snapshot is thrown
 *	away: a reload keeps the old one.
 *
 *	Snapshots are reference-counted under one mutex.  conf_current()
 *	hands out the daemon's snapshot with a new reference; a reload
 *	calls conf_replace(), and the old snapshot is freed when the last
 *	message using it is done.
 *
 * DIAGNOSTICS
 *	"FILE:LINE: ..." for every problem, through errbuf.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <ini.h>

#include "util/addr.h"
#include "config/cidr.h"
#include "config/connectors.h"
#include "config/conf.h"
#include "config/conf_internal.h"
#include "config/conf_tables.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "config/template.h"
#include "util/xalloc.h"

static pthread_mutex_t conf_lock = PTHREAD_MUTEX_INITIALIZER;
static struct conf *conf_active;	/* the daemon's snapshot */

/* conf_section_of - parameter table and settings struct of a section */
static bool
conf_section_of(struct conf_parse *cp, const char *section,
    const struct conf_param **params, void **settings,
    struct policy_slot **slot)
{
	struct conf *cf = cp->cf;

	*slot = NULL;
	if (strcasecmp(section, "milter") == 0) {
		*params = conf_milter_params;
		*settings = &cf->milter;
	} else if (strcasecmp(section, "school") == 0) {
		*params = conf_school_params;
		*settings = &cf->school;
	} else if (strcasecmp(section, "directory") == 0) {
		*params = conf_directory_params;
		*settings = &cf->dirs;
	} else if (strcasecmp(section, "notify") == 0) {
		*params = conf_notify_params;
		*settings = &cf->notify;
	} else if (strcasecmp(section, "console") == 0) {
		*params = conf_console_params;
		*settings = &cf->console;
	} else if (strcasecmp(section, "store") == 0) {
		*params = conf_store_params;
		*settings = &cf->store;
	} else {
		for (size_t i = 0; i < cf->nslots; i++) {
			if (strcasecmp(cf->slots[i].policy->name, section) == 0) {
				*slot = &cf->slots[i];
				*params = (*slot)->policy->params;
				*settings = (*slot)->settings;
				return true;
			}
		}
		return false;
	}
	return true;
}

/* conf_reader_section - an unknown [section] is reported at its line */
static void
conf_reader_section(struct conf_parse *cp, const char *s)
{
	const struct conf_param *params;
	struct policy_slot *slot;
	void *settings;
	const char *end;
	char *name;

	/* inih's view: leading blanks skipped, the name runs to ']'. */
	s += strspn(s, " \t");
	if (*s != '[' || (end = strchr(s, ']')) == NULL)
		return;
	name = xstrndup(s + 1, (size_t)(end - s - 1));
	if (!conf_section_of(cp, name, &params, &settings, &slot))
		conf_unknown_section(cp, name);
	free(name);
}

/*
 * conf_reader - fgets for inih that counts lines.  inih gets only our
 * lines: a line longer than its buffer (Debian's inih: 200 bytes, no
 * realloc) would come back as two lines and every later line number
 * would be wrong, so it is an error and inih sees a blank line.
 */
static char *
conf_reader(char *str, int num, void *stream)
{
	struct conf_parse *cp = stream;
	char *s = fgets(str, num, cp->fp);
	size_t len;
	int c;

	if (s == NULL)
		return NULL;
	cp->line++;
	len = strlen(s);
	if (len > 0 && s[len - 1] != '\n' && (c = getc(cp->fp)) != EOF &&
	    c != '\n') {
		while ((c = getc(cp->fp)) != EOF && c != '\n')
			;
		errbuf_add(cp->eb, cp->path, cp->line, "line is longer "
		    "than %d characters", num - 1);
		return strcpy(s, "\n");
	}
	conf_reader_section(cp, s);
	snprintf(cp->raw, sizeof(cp->raw), "%s", s);
	/* inih reads an indented line as the previous value continued. */
	cp->indented = s[0] == ' ' || s[0] == '\t';
	return s;
}

/* conf_handler - inih callback: one key = value */
static int
conf_handler(void *user, const char *section, const char *name,
    const char *value)
{
	struct conf_parse *cp = user;
	const struct conf_param *params, *param = NULL;
	struct policy_slot *slot;
	void *settings;

	if (!conf_section_of(cp, section, &params, &settings, &slot)) {
		conf_unknown_section(cp, section);
		return 1;
	}
	if (cp->school && conf_school_refuses(cp, section, name))
		return 1;
	if (slot != NULL && (param = conf_params_find(
	    conf_policy_common_params, name)) != NULL)
		settings = slot->settings;
	else if (params != NULL)
		param = conf_params_find(params, name);
	if (param == NULL) {
		conf_unknown_key(cp, section, name, params, slot != NULL);
		return 1;
	}
	conf_check_comment(cp, param);
	if (cp->indented) {
		if (conf_type_is_list(param->type))
			(void)conf_param_append(param, settings, value,
			    cp->path, cp->line, cp->eb);
		else
			errbuf_add(cp->eb, cp->path, cp->line, "only a list "
			    "may go on over several lines (%s)", name);
		return 1;
	}
	if (conf_seen_twice(cp, section, name))
		return 1;
	if (slot != NULL && param->type == CONF_RESULT &&
	    param == &conf_policy_common_params[0]) {
		struct conf_param action = *param;

		action.choices = slot->policy->actions;
		(void)conf_param_set(&action, settings, value, cp->dir,
		    cp->path, cp->line, cp->eb);
		return 1;
	}
	(void)conf_param_set(param, settings, value, cp->dir,
	    cp->path, cp->line, cp->eb);
	return 1;
}

/* conf_school_view - point the policies' view of the school into cf */
static void
conf_school_view(struct conf *cf)
{
	cf->view = (struct school){
		.config_path = cf->path,
		.config_dir = cf->dir,
		.info = &cf->school,
		.dirs = &cf->dirs,
		.trusted = cf->trusted,
		.connectors = cf->connectors,
		.directory = cf->directory,
	};
}

/* conf_new - empty snapshot with defaults and one slot per policy */
struct conf *
conf_new(const char *path, const struct policy *const *registry,
    struct errbuf *eb)
{
	struct conf *cf = xcalloc(1, sizeof(*cf));
	char *copy = xstrdup(path);
	size_t n = 0;

	cf->path = xstrdup(path);
	cf->dir = xstrdup(dirname(copy));
	free(copy);
	cf->refs = 1;
	cf->registry = registry;
	cf->loaded_at = time(NULL);
	cf->store_slot = conf_store_new();
	conf_params_defaults(conf_milter_params, &cf->milter, cf->dir, eb);
	conf_params_defaults(conf_school_params, &cf->school, cf->dir, eb);
	conf_params_defaults(conf_directory_params, &cf->dirs, cf->dir, eb);
	conf_params_defaults(conf_notify_params, &cf->notify, cf->dir, eb);
	conf_params_defaults(conf_console_params, &cf->console, cf->dir, eb);
	conf_params_defaults(conf_store_params, &cf->store, cf->dir, eb);
	while (registry[n] != NULL)
		n++;
	cf->slots = xcalloc(n + 1, sizeof(*cf->slots));
	cf->nslots = n;
	for (size_t i = 0; i < n; i++) {
		struct policy_common *pc;

		cf->slots[i].policy = registry[i];
		cf->slots[i].settings = xcalloc(1, registry[i]->settings_size);
		pc = cf->slots[i].settings;
		pc->action = registry[i]->default_action;
		pc->mode = MODE_INHERIT;
		if (registry[i]->params != NULL)
			conf_params_defaults(registry[i]->params,
			    cf->slots[i].settings, cf->dir, eb);
		/* Whether a policy reads extracted text is declared, never
		 * assumed: a policy that forgot would judge attachments
		 * without their text. */
		if (registry[i]->reads_text == NULL)
			errbuf_add(eb, path, 0, "policy %s does not declare "
			    "whether it reads text (reads_text; "
			    "policy_reads_no_text if it never does)",
			    registry[i]->name);
	}
	return cf;
}

/* conf_parse_file - run inih over `path`: the main file or a school's */
int
conf_parse_file(struct conf *cf, const char *path, bool school,
    struct errbuf *eb)
{
	struct conf_parse cp = { .cf = cf, .path = path, .school = school,
	    .eb = eb };
	char *copy = xstrdup(path);
	int rc;

	cp.dir = dirname(copy);
	cp.fp = fopen(path, "r");
	if (cp.fp == NULL) {
		errbuf_add(eb, path, 0, "cannot read: %s", strerror(errno));
		free(copy);
		return -1;
	}
	rc = ini_parse_stream(conf_reader, &cp, conf_handler, &cp);
	fclose(cp.fp);
	if (rc > 0)
		errbuf_add(eb, path, (unsigned)rc, "not a [section] or a "
		    "key = value line");
	conf_parse_done(&cp);
	free(copy);
	return 0;
}

/*
 * conf_finish - everything after the file(s): required keys, trusted
 * networks and clients, data files, templates, the policies.  The main
 * file of a service with school files names no school of its own.
 */
void
conf_finish(struct conf *cf, struct errbuf *eb)
{
	if (cf->milter.schools == NULL || cf->id != NULL)
		conf_check_core(cf, eb);
	cf->trusted = cidr_list_parse(&cf->milter.trusted_networks,
	    cf->path, 0, eb);
	cf->connectors = connectors_parse(&cf->milter.trusted_clients,
	    cf->path, 0, eb);
	conf_load_data(cf, eb);
	conf_school_view(cf);
	conf_configure_policies(cf, eb);
}

/* conf_load - the whole configuration, or NULL with errors */
struct conf *
conf_load(const char *path, const struct policy *const *registry,
    struct errbuf *eb)
{
	return conf_reload(path, registry, NULL, eb);
}

/* conf_reload - the same, reusing prev's unchanged schools */
struct conf *
conf_reload(const char *path, const struct policy *const *registry,
    const struct conf *prev, struct errbuf *eb)
{
	size_t before = eb->nerrors;
	struct conf *cf = conf_new(path, registry, eb);

	/* Go on after errors in the INI file, so that one run of -t shows
	 * the problems of the data files and templates too. */
	if (conf_parse_file(cf, cf->path, false, eb) == 0) {
		conf_finish(cf, eb);
		conf_store_share(cf, prev);
		/* Each school reads the main file again: only a sound one. */
		if (cf->milter.schools != NULL && eb->nerrors == before)
			conf_schools_load(cf, prev, eb);
	}
	if (eb->nerrors > before) {
		cf->refs = 1;
		conf_release(cf);
		return NULL;
	}
	return cf;
}

/* conf_acquire - take a reference */
struct conf *
conf_acquire(struct conf *cf)
{
	pthread_mutex_lock(&conf_lock);
	cf->refs++;
	pthread_mutex_unlock(&conf_lock);
	return cf;
}

/* conf_release - drop a reference; free on the last */
struct conf *
conf_release(struct conf *cf)
{
	bool last;

	if (cf == NULL)
		return NULL;
	pthread_mutex_lock(&conf_lock);
	last = --cf->refs == 0;
	pthread_mutex_unlock(&conf_lock);
	if (last)
		conf_destroy(cf);
	return NULL;
}

/* conf_current - the daemon's snapshot, with a new reference */
struct conf *
conf_current(void)
{
	struct conf *cf;

	pthread_mutex_lock(&conf_lock);
	cf = conf_active;
	if (cf != NULL)
		cf->refs++;
	pthread_mutex_unlock(&conf_lock);
	return cf;
}

/* conf_replace - install a new snapshot (takes over its reference) */
void
conf_replace(struct conf *cf)
{
	struct conf *old;

	pthread_mutex_lock(&conf_lock);
	old = conf_active;
	conf_active = cf;
	pthread_mutex_unlock(&conf_lock);
	conf_release(old);
}
