/*
 * fuzz_util - temporary folders and files for the libFuzzer targets
 *
 * SYNOPSIS
 *	fuzz_tempdir(), fuzz_path(), fuzz_write_file(),
 *	fuzz_names_special_file()
 *
 * DESCRIPTION
 *	The loaders under test read files, so each target keeps one
 *	private folder for the life of the process (removed by an atexit
 *	handler) and rewrites its files for every input.  Helpers abort
 *	on failure: a fuzz target that cannot write its own files has
 *	nothing meaningful to report.
 *
 *	fuzz_names_special_file() lets the configuration targets skip
 *	inputs naming /dev, /proc or /sys: the loaders read whatever file
 *	the operator names, and a configuration pointing at /dev/zero is
 *	an operator's mistake, not hostile input.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz_util.h"
#include "util/xalloc.h"

static char *fuzz_dir;

/* fuzz_rmtree - remove a shallow tree */
static void
fuzz_rmtree(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL) {
		char *p;
		struct stat st;

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		p = xasprintf("%s/%s", dir, de->d_name);
		if (lstat(p, &st) == 0 && S_ISDIR(st.st_mode))
			fuzz_rmtree(p);
		else
			(void)unlink(p);
		free(p);
	}
	if (d != NULL)
		closedir(d);
	(void)rmdir(dir);
}

/* fuzz_cleanup - atexit: remove the folder */
static void
fuzz_cleanup(void)
{
	if (fuzz_dir != NULL)
		fuzz_rmtree(fuzz_dir);
}

/* fuzz_tempdir - the process's folder, made on first call */
const char *
fuzz_tempdir(const char *tag)
{
	const char *tmp = getenv("TMPDIR");

	if (fuzz_dir != NULL)
		return fuzz_dir;
	fuzz_dir = xasprintf("%s/aup-fuzz-%s.XXXXXX", tmp ? tmp : "/tmp", tag);
	if (mkdtemp(fuzz_dir) == NULL) {
		perror(fuzz_dir);
		abort();
	}
	atexit(fuzz_cleanup);
	return fuzz_dir;
}

/* fuzz_path - a path in the folder (caller frees) */
char *
fuzz_path(const char *dir, const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

/* fuzz_write_file - write a whole file */
void
fuzz_write_file(const char *path, const void *data, size_t len)
{
	FILE *fp = fopen(path, "wb");

	if (fp == NULL || (len > 0 && fwrite(data, 1, len, fp) != len) ||
	    fclose(fp) != 0) {
		perror(path);
		abort();
	}
}

/* fuzz_names_special_file - input mentions a special file system */
bool
fuzz_names_special_file(const void *data, size_t len)
{
	static const char *const names[] = { "/dev", "/proc", "/sys", NULL };

	for (size_t i = 0; names[i] != NULL; i++)
		if (memmem(data, len, names[i], strlen(names[i])) != NULL)
			return true;
	return false;
}
