/*
 * conf_check - diagnose the INI file, load its data, free snapshots
 *
 * SYNOPSIS
 *	conf_unknown_section(), conf_unknown_key(), conf_seen_twice(),
 *	conf_parse_done(), conf_check_comment(), conf_set_line(),
 *	conf_check_core(), conf_load_data(),
 *	conf_configure_policies(), conf_destroy(), conf_slot(),
 *	conf_policy_mode(), conf_print_defaults()
 *
 * DESCRIPTION
 *	The second half of the loader (conf.c reads the file): messages
 *	that help an administrator fix a typo ("unknown key 'treshold';
 *	keys of [bulk-bcc] are: ..."), the checks that need the whole file
 *	(required keys), the data files and templates, and each policy's
 *	own validation.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "util/addr.h"
#include "config/cidr.h"
#include "config/connectors.h"
#include "config/conf_internal.h"
#include "config/conf_tables.h"
#include "config/directory.h"
#include "policies/policy.h"
#include "config/template.h"
#include "util/xalloc.h"

/* Template variables every reply may use. */
static const char *const conf_common_template_vars[] = {
	"school", "policy_url", "ref", "office", "dsl", "policy", "reason",
	NULL
};

/* conf_unknown_section - report a section once */
void
conf_unknown_section(struct conf_parse *cp, const char *section)
{
	for (size_t i = 0; i < cp->nbad; i++)
		if (strcasecmp(cp->bad_sections[i], section) == 0)
			return;
	cp->bad_sections = xreallocarray(cp->bad_sections, cp->nbad + 1,
	    sizeof(char *));
	cp->bad_sections[cp->nbad++] = xstrdup(section);
	errbuf_add(cp->eb, cp->path, cp->line, "unknown section [%s]",
	    section);
}

/* conf_unknown_key - report a key with the keys the section has */
void
conf_unknown_key(struct conf_parse *cp, const char *section,
    const char *name, const struct conf_param *params, bool policy)
{
	char *own = params != NULL ? conf_params_names(params) : xstrdup("");

	errbuf_add(cp->eb, cp->path, cp->line, "unknown key \"%s\" in "
	    "[%s] (known keys: %s%s%s)", name, section,
	    policy ? "action, mode" : "", policy && own[0] ? ", " : "", own);
	free(own);
}

/* conf_seen_twice - a key set twice in one section is an error */
bool
conf_seen_twice(struct conf_parse *cp, const char *section,
    const char *name)
{
	char *key = xasprintf("%s\n%s", section, name);

	for (char *p = key; *p != '\0'; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
	for (size_t i = 0; i < cp->nseen; i++) {
		if (strcmp(cp->seen[i], key) == 0) {
			errbuf_add(cp->eb, cp->path, cp->line, "\"%s\" is "
			    "set twice in [%s] (first at line %u)", name,
			    section, cp->seen_line[i]);
			free(key);
			return true;
		}
	}
	cp->seen = xreallocarray(cp->seen, cp->nseen + 1, sizeof(char *));
	cp->seen_line = xreallocarray(cp->seen_line, cp->nseen + 1,
	    sizeof(unsigned));
	cp->seen[cp->nseen] = key;
	cp->seen_line[cp->nseen++] = cp->line;
	return false;
}

/*
 * conf_check_comment - inih takes " ;" inside a value as the start of a
 * comment, so "domains = a.example ; b.example" would quietly load one
 * domain.  When the "comment" begins with something the key would
 * accept as an item, that is almost certainly what happened.
 */
void
conf_check_comment(struct conf_parse *cp, const struct conf_param *param)
{
	const char *p = cp->indented ? cp->raw : strchr(cp->raw, '=');
	enum conf_item kind = conf_type_item(param->type);
	char *word;
	size_t len;

	if (p == NULL || kind == CONF_ITEM_TEXT || kind == CONF_ITEM_WORD)
		return;
	for (; *p != '\0'; p++)
		if (*p == ';' && p > cp->raw && (p[-1] == ' ' || p[-1] == '\t'))
			break;
	if (*p == '\0')
		return;
	p += 1 + strspn(p + 1, " \t");
	len = strcspn(p, " \t,;\r\n");
	if (len == 0)
		return;
	word = xstrndup(p, len);
	if (conf_item_problem(kind, word) == NULL)
		errbuf_add(cp->eb, cp->path, cp->line, "%s: \"%s\" comes "
		    "after \" ;\", which starts a comment, so it was not read: "
		    "separate list items with ','", param->name, word);
	free(word);
}

/* conf_parse_done - keep where each key was set (-n), free the rest */
void
conf_parse_done(struct conf_parse *cp)
{
	struct conf *cf = cp->cf;

	/* A school's file comes after the main file: append its keys. */
	cf->set_keys = xreallocarray(cf->set_keys, cf->nset + cp->nseen + 1,
	    sizeof(char *));
	cf->set_lines = xreallocarray(cf->set_lines, cf->nset + cp->nseen + 1,
	    sizeof(unsigned));
	for (size_t i = 0; i < cp->nseen; i++) {
		cf->set_keys[cf->nset + i] = cp->seen[i];
		cf->set_lines[cf->nset + i] = cp->seen_line[i];
	}
	cf->nset += cp->nseen;
	free(cp->seen);
	free(cp->seen_line);
	for (size_t i = 0; i < cp->nbad; i++)
		free(cp->bad_sections[i]);
	free(cp->bad_sections);
}

/*
 * conf_set_where - the line `section` `key` was set on, or 0, and the
 * file: a school's own file wins over the main file it was read after.
 */
unsigned
conf_set_where(const struct conf *cf, const char *section, const char *key,
    const char **file)
{
	size_t slen = strlen(section);

	for (size_t i = cf->nset; i-- > 0; )
		if (strncasecmp(cf->set_keys[i], section, slen) == 0 &&
		    cf->set_keys[i][slen] == '\n' &&
		    strcasecmp(cf->set_keys[i] + slen + 1, key) == 0) {
			*file = i < cf->nset_main ? cf->main_path : cf->path;
			return cf->set_lines[i];
		}
	*file = cf->path;
	return 0;
}

/* conf_set_line - the line `section` `key` was set on, or 0 */
unsigned
conf_set_line(const struct conf *cf, const char *section, const char *key)
{
	const char *file;

	return conf_set_where(cf, section, key, &file);
}

/* conf_relay_ok - "HOST:PORT" or "[HOST]:PORT", port 1-65535 */
static bool
conf_relay_ok(const char *relay)
{
	const char *colon = strrchr(relay, ':');
	char *end;
	long port;

	if (colon == NULL || colon == relay || strpbrk(relay, " \t/@") != NULL)
		return false;
	port = strtol(colon + 1, &end, 10);
	return *end == '\0' && colon[1] != '\0' && port > 0 && port < 65536;
}

/* conf_check_notify - [notify] relay and from */
static void
conf_check_notify(struct conf *cf, struct errbuf *eb)
{
	char *norm = cf->notify.from != NULL ?
	    addr_normalize(cf->notify.from) : NULL;

	if (!conf_relay_ok(cf->notify.relay))
		errbuf_add(eb, cf->path, conf_set_line(cf, "notify", "relay"),
		    "[notify] relay: \"%s\" is not "
		    "HOST:PORT", cf->notify.relay);
	if (cf->notify.from != NULL && (norm == NULL ||
	    strpbrk(cf->notify.from, "<>\",;\\") != NULL))
		errbuf_add(eb, cf->path, conf_set_line(cf, "notify", "from"),
		    "[notify] from: \"%s\" is not an "
		    "address", cf->notify.from);
	free(norm);
}

/* conf_check_store - [store] dsn is needed by backend postgresql */
static void
conf_check_store(struct conf *cf, struct errbuf *eb)
{
	if (cf->store.backend == STORE_BACKEND_POSTGRESQL &&
	    (cf->store.dsn == NULL || *cf->store.dsn == '\0'))
		errbuf_add(eb, cf->path, conf_set_line(cf, "store", "backend"),
		    "[store] backend = postgresql needs [store] dsn (a libpq "
		    "connection string)");
}

/*
 * conf_check_core - required keys.  Each value was checked as it was
 * read; a key that is set but was refused has its error already.
 */
void
conf_check_core(struct conf *cf, struct errbuf *eb)
{
	if (cf->school.domains.count == 0 &&
	    conf_set_line(cf, "school", "domains") == 0)
		errbuf_add(eb, cf->path, 0, "[school] domains is required");
	if (cf->school.office.count == 0 &&
	    conf_set_line(cf, "school", "office") == 0)
		errbuf_add(eb, cf->path, 0, "[school] office is required");
	conf_check_notify(cf, eb);
	conf_check_store(cf, eb);
}

/*
 * conf_check_private - a file of personal data (or the release key)
 * that every local user can read is a warning: make install and the
 * package install them 0640, but an MIS export copied in by hand often
 * arrives 0644.  Not an error: the filter works, the school should fix.
 */
static void
conf_check_private(const char *path, const char *what, struct errbuf *eb)
{
	struct stat st;

	if (path == NULL || stat(path, &st) < 0 || (st.st_mode & S_IROTH) == 0)
		return;
	errbuf_warn(eb, path, 0, "every user of this server can read %s "
	    "(mode %04o): chmod o-r %s", what,
	    (unsigned)(st.st_mode & 07777), path);
}

/* conf_load_data - data files and templates */
void
conf_load_data(struct conf *cf, struct errbuf *eb)
{
	cf->directory = directory_load(&cf->dirs, cf->registry, time(NULL),
	    eb);
	conf_check_private(cf->dirs.parents, "the parents' addresses", eb);
	conf_check_private(cf->dirs.pupils, "the pupil roster", eb);
	conf_check_private(cf->milter.release_secret, "the release key", eb);
	cf->templates = template_set_load(cf->milter.templates, eb);
}

/* conf_template_owner - the policy a template name belongs to */
static const struct policy *
conf_template_owner(const struct conf *cf, const char *name)
{
	const struct policy *best = NULL;

	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy *p = cf->slots[i].policy;
		size_t len = strlen(p->name);

		if (strncmp(name, p->name, len) == 0 &&
		    (name[len] == '\0' || name[len] == '-') &&
		    (best == NULL || len > strlen(best->name)))
			best = p;
	}
	return best;
}

/* conf_check_templates - each policy has its template; variables exist */
static void
conf_check_templates(struct conf *cf, struct errbuf *eb)
{
	static const char *const none[] = { NULL };
	const char *const *names = template_set_names(cf->templates);

	for (size_t i = 0; i < cf->nslots; i++) {
		const struct policy_common *pc = cf->slots[i].settings;

		if (pc->action != RESULT_OFF && !template_set_has(cf->templates,
		    cf->slots[i].policy->name))
			errbuf_add(eb, cf->milter.templates, 0, "no reply "
			    "template %s.txt for policy %s",
			    cf->slots[i].policy->name,
			    cf->slots[i].policy->name);
	}
	for (size_t i = 0; names[i] != NULL; i++) {
		const struct policy *p = conf_template_owner(cf, names[i]);

		/* A text for a policy this build does not have is unused. */
		if (p == NULL)
			continue;
		template_set_check_vars(cf->templates, names[i], eb,
		    conf_common_template_vars,
		    p->template_vars ? p->template_vars : none,
		    (const char *const *)NULL);
	}
}

/* conf_configure_policies - each policy validates its settings */
void
conf_configure_policies(struct conf *cf, struct errbuf *eb)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		struct policy_slot *s = &cf->slots[i];

		if (s->policy->configure == NULL ||
		    s->policy->configure(s->settings, &cf->view, eb) == 0)
			s->configured = true;
	}
	conf_check_templates(cf, eb);
}

/* conf_destroy - free a snapshot */
void
conf_destroy(struct conf *cf)
{
	for (size_t i = 0; i < cf->nslots; i++) {
		struct policy_slot *s = &cf->slots[i];

		if (s->configured && s->policy->unconfigure != NULL)
			s->policy->unconfigure(s->settings);
		if (s->policy->params != NULL)
			conf_params_free(s->policy->params, s->settings);
		free(s->settings);
	}
	free(cf->slots);
	for (size_t i = 0; i < cf->nset; i++)
		free(cf->set_keys[i]);
	free(cf->set_keys);
	free(cf->set_lines);
	conf_params_free(conf_milter_params, &cf->milter);
	conf_params_free(conf_school_params, &cf->school);
	conf_params_free(conf_directory_params, &cf->dirs);
	conf_params_free(conf_notify_params, &cf->notify);
	conf_params_free(conf_console_params, &cf->console);
	conf_params_free(conf_store_params, &cf->store);
	conf_store_release(cf->store_slot);
	cidr_list_free(cf->trusted);
	connectors_free(cf->connectors);
	directory_free(cf->directory);
	template_set_free(cf->templates);
	conf_schools_free(cf);
	free(cf->path);
	free(cf->dir);
	free(cf->main_path);
	free(cf->id);
	free(cf->fingerprint);
	free(cf);
}

/* conf_slot - a policy's slot by name */
const struct policy_slot *
conf_slot(const struct conf *cf, const char *name)
{
	for (size_t i = 0; i < cf->nslots; i++)
		if (strcmp(cf->slots[i].policy->name, name) == 0)
			return &cf->slots[i];
	return NULL;
}

/* conf_policy_mode - the policy's own mode, or [milter] mode */
enum mode
conf_policy_mode(const struct conf *cf, const struct policy_slot *s)
{
	const struct policy_common *pc = s->settings;

	/* An explicit policy mode wins, so a school in monitor mode can
	 * already enforce one policy, and the other way round. */
	return pc->mode == MODE_INHERIT ? cf->milter.mode : pc->mode;
}

