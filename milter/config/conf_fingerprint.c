/*
 * conf_fingerprint - has anything a school was built from changed?
 *
 * SYNOPSIS
 *	conf_fingerprint_shared(), conf_fingerprint_school()
 *
 * DESCRIPTION
 *	A reload rebuilds only the schools whose inputs changed and shares
 *	the others' snapshots (conf_schools.c).  An input is a file's path,
 *	inode, size and modification time (nanoseconds), or that it is
 *	missing; a folder is its entries, four levels deep.
 *
 *	The shared fingerprint covers what every school reads: the main
 *	file and everything under its folder except the schools folder
 *	(the default data folders of policies, such as the safeguarding
 *	lists, are there).  A school's covers its own file and every path
 *	setting in force for it (its [directory] files, its templates,
 *	each policy's files), wherever they are.  What the filter writes
 *	(event log, quarantine, spool, pid file, release key) is no input.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <glib.h>

#include "config/conf_internal.h"
#include "config/conf_tables.h"
#include "policies/policy.h"
#include "util/xalloc.h"

#define FP_DEPTH	4

/* fp_skipped - is path one of skip (NULL-terminated, NULLs allowed)? */
static bool
fp_skipped(const char *path, const char *const *skip, size_t nskip)
{
	for (size_t i = 0; i < nskip; i++)
		if (skip[i] != NULL && strcmp(path, skip[i]) == 0)
			return true;
	return false;
}

/*
 * fp_line - one input's line: a file's identity and age; a folder's name
 * only (its own time changes with files that are no input)
 */
static char *
fp_line(const char *path, const struct stat *st, bool found)
{
	if (!found)
		return xasprintf("%s missing\n", path);
	if (S_ISDIR(st->st_mode))
		return xasprintf("%s folder\n", path);
	return xasprintf("%s %lu %lld %lld.%09ld\n", path,
	    (unsigned long)st->st_ino, (long long)st->st_size,
	    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec);
}

/* fp_path - one file, or a folder and what is in it, into ck */
static void
fp_path(GChecksum *ck, const char *path, const char *const *skip,
    size_t nskip, int depth)
{
	struct stat st;
	struct dirent **names;
	bool found = stat(path, &st) == 0;
	char *line;
	int n;

	/* the milter's own socket is no input */
	if (found && (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)))
		return;
	line = fp_line(path, &st, found);
	g_checksum_update(ck, (const guchar *)line, -1);
	free(line);
	if (!found || !S_ISDIR(st.st_mode) || depth == 0 ||
	    (n = scandir(path, &names, NULL, alphasort)) < 0)
		return;
	for (int i = 0; i < n; i++) {
		char *sub = xasprintf("%s/%s", path, names[i]->d_name);

		if (names[i]->d_name[0] != '.' &&
		    !fp_skipped(sub, skip, nskip))
			fp_path(ck, sub, skip, nskip, depth - 1);
		free(sub);
		free(names[i]);
	}
	free(names);
}

/* fp_table - every path setting of one table */
static void
fp_table(GChecksum *ck, const struct conf_param *params,
    const void *settings)
{
	for (const struct conf_param *p = params; p != NULL && p->name; p++) {
		const char *value;

		if (p->type != CONF_PATH)
			continue;
		value = *(char *const *)(const void *)((const char *)settings +
		    p->offset);
		if (value != NULL)
			fp_path(ck, value, NULL, 0, FP_DEPTH);
	}
}

/* fp_done - the checksum as a new string */
static char *
fp_done(GChecksum *ck)
{
	char *out = xstrdup(g_checksum_get_string(ck));

	g_checksum_free(ck);
	return out;
}

/* conf_fingerprint_shared - the main file and its folder */
char *
conf_fingerprint_shared(const struct conf *cf)
{
	/* Not inputs: what the filter writes, and the schools' own files. */
	const char *const skip[] = { cf->milter.schools, cf->milter.event_log,
	    cf->milter.quarantine_dir, cf->milter.spool_dir,
	    cf->milter.pidfile, cf->milter.release_secret,
	    cf->milter.clock_file, cf->console.users };
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	fp_path(ck, cf->path, NULL, 0, 0);
	fp_path(ck, cf->dir, skip, sizeof(skip) / sizeof(skip[0]), FP_DEPTH);
	return fp_done(ck);
}

/* conf_fingerprint_school - a school's file and its path settings */
char *
conf_fingerprint_school(const struct conf *sc)
{
	GChecksum *ck = g_checksum_new(G_CHECKSUM_SHA256);

	fp_path(ck, sc->path, NULL, 0, 0);
	if (sc->milter.templates != NULL)
		fp_path(ck, sc->milter.templates, NULL, 0, FP_DEPTH);
	fp_table(ck, conf_directory_params, &sc->dirs);
	for (size_t i = 0; i < sc->nslots; i++)
		fp_table(ck, sc->slots[i].policy->params,
		    sc->slots[i].settings);
	return fp_done(ck);
}
