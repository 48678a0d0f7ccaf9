/*
 * conf_schools - one snapshot per school file of `[milter] schools`
 *
 * SYNOPSIS
 *	conf_schools_load(), conf_schools_free(), conf_school_refuses()
 *
 * DESCRIPTION
 *	A service for many schools names a folder of school files, NAME.conf
 *	each.  A school's snapshot is the main file read first (its policy
 *	settings are every school's defaults; [milter], [notify] and
 *	[console] are shared) and then the school's file: its [school],
 *	[directory] and policy sections, and of [milter] only the keys a
 *	school may have its own (mode, templates).  Relative paths in a
 *	school file resolve against the folder of that file; those of the
 *	main file, and the defaults of data folders shared by every school
 *	(the safeguarding lists), against the main file's folder.
 *
 *	The snapshots are sorted by NAME and reference-counted like the
 *	main one, which holds a reference to each and a table from each
 *	school domain to its school.  A domain claimed by two schools is
 *	an error naming both files.  A reload shares with the previous
 *	main snapshot every school whose inputs (conf_fingerprint.c) have
 *	not changed: immutable, so messages in flight under either see the
 *	same school.
 *
 * DIAGNOSTICS
 *	"SCHOOL-FILE:LINE: ..." for a problem of a school file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>

#include "config/conf.h"
#include "config/conf_internal.h"
#include "util/xalloc.h"

/* Keys of [milter] a school file may set for itself. */
static const char *const conf_school_milter_keys[] = {
	"mode", "templates", NULL
};

/*
 * conf_school_refuses - a shared setting in a school file is an error
 * that says where it belongs; true when refused.
 */
bool
conf_school_refuses(struct conf_parse *cp, const char *section,
    const char *name)
{
	bool shared = strcasecmp(section, "notify") == 0 ||
	    strcasecmp(section, "console") == 0 ||
	    strcasecmp(section, "store") == 0;

	if (strcasecmp(section, "milter") == 0) {
		shared = true;
		for (size_t i = 0; conf_school_milter_keys[i] != NULL; i++)
			if (strcasecmp(name, conf_school_milter_keys[i]) == 0)
				shared = false;
	}
	if (shared)
		errbuf_add(cp->eb, cp->path, cp->line, "[%s] %s is shared by "
		    "every school: set it in the main file, not in a school "
		    "file", section, name);
	return shared;
}

/* conf_school_id - "NAME" of DIR/NAME.conf */
static char *
conf_school_id(const char *path)
{
	const char *base = strrchr(path, '/');
	size_t len;

	base = base != NULL ? base + 1 : path;
	len = strlen(base);
	return xstrndup(base, len > 5 ? len - 5 : len);
}

/* conf_school_load - the main file, then the school's; NULL on errors */
static struct conf *
conf_school_load(const struct conf *main, const char *path,
    struct errbuf *eb)
{
	size_t before = eb->nerrors;
	struct conf *sc = conf_new(main->path, main->registry, eb);

	/* sc->dir stays the main file's folder: shared defaults (the
	 * safeguarding lists) are found there, not beside each school. */
	(void)conf_parse_file(sc, main->path, false, eb);
	sc->nset_main = sc->nset;
	sc->main_path = sc->path;
	sc->path = xstrdup(path);
	sc->id = conf_school_id(path);
	sc->started_at = main->started_at;
	if (conf_parse_file(sc, path, true, eb) == 0)
		conf_finish(sc, eb);
	if (eb->nerrors > before)
		return conf_release(sc);
	sc->fingerprint = conf_fingerprint_school(sc);
	return sc;
}

/* conf_school_claim - enter the school's domains in the table */
static void
conf_school_claim(struct conf *cf, struct conf *sc, struct errbuf *eb)
{
	const struct conf_list *d = &sc->school.domains;

	for (size_t i = 0; i < d->count; i++) {
		char *key = g_ascii_strdown(d->items[i], -1);
		const struct conf *other = g_hash_table_lookup(
		    cf->by_domain, key);

		if (other != NULL) {
			errbuf_add(eb, sc->path, conf_set_line(sc, "school",
			    "domains"), "domain %s is claimed by two schools: "
			    "%s and %s", d->items[i], other->path, sc->path);
			g_free(key);
			continue;
		}
		g_hash_table_insert(cf->by_domain, key, sc);
	}
}

/*
 * conf_school_reuse - prev's snapshot of the school at `path` when
 * nothing it was built from has changed, with a new reference
 */
static struct conf *
conf_school_reuse(const struct conf *prev, bool shared_same,
    const char *path)
{
	char *fp;
	bool same;

	if (prev == NULL || !shared_same)
		return NULL;
	for (size_t i = 0; i < prev->nschools; i++) {
		struct conf *old = prev->schools[i];

		if (strcmp(old->path, path) != 0)
			continue;
		fp = conf_fingerprint_school(old);
		same = strcmp(fp, old->fingerprint) == 0;
		free(fp);
		return same ? conf_acquire(old) : NULL;
	}
	return NULL;
}

/* conf_schools_load - every DIR/ *.conf, in name order */
void
conf_schools_load(struct conf *cf, const struct conf *prev,
    struct errbuf *eb)
{
	char *pattern = xasprintf("%s/*.conf", cf->milter.schools);
	glob_t g;
	int rc = glob(pattern, 0, NULL, &g);
	bool shared_same;

	free(pattern);
	if (cf->school.domains.count > 0)
		errbuf_add(eb, cf->path, conf_set_line(cf, "school",
		    "domains"), "[school] domains: with [milter] schools, each "
		    "school file names its own domains, the main file none");
	cf->by_domain = g_hash_table_new_full(
	    g_str_hash, g_str_equal, g_free, NULL);
	cf->fingerprint = conf_fingerprint_shared(cf);
	shared_same = prev != NULL && prev->fingerprint != NULL &&
	    strcmp(prev->fingerprint, cf->fingerprint) == 0;
	if (rc != 0) {
		errbuf_add(eb, cf->path, conf_set_line(cf, "milter",
		    "schools"), "[milter] schools: no school file (*.conf) in "
		    "%s", cf->milter.schools);
		if (rc != GLOB_NOMATCH)
			globfree(&g);
		return;
	}
	cf->schools = xcalloc(g.gl_pathc, sizeof(*cf->schools));
	for (size_t i = 0; i < g.gl_pathc; i++) {
		struct conf *sc = conf_school_reuse(prev, shared_same,
		    g.gl_pathv[i]);

		if (sc != NULL)
			cf->nreused++;
		else if ((sc = conf_school_load(cf, g.gl_pathv[i], eb)) == NULL)
			continue;
		else
			conf_store_share(sc, cf);
		cf->schools[cf->nschools++] = sc;
		conf_school_claim(cf, sc, eb);
	}
	globfree(&g);
}

/* conf_schools_free - drop the main snapshot's hold on its schools */
void
conf_schools_free(struct conf *cf)
{
	for (size_t i = 0; i < cf->nschools; i++)
		conf_release(cf->schools[i]);
	free(cf->schools);
	if (cf->by_domain != NULL)
		g_hash_table_destroy(cf->by_domain);
}
