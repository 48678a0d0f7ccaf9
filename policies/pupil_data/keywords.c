/*
 * keywords - the sensitive-category word lists (conf/pupil-data)
 *
 * SYNOPSIS
 *	keywords_parse(), keywords_load(), keywords_categories_clear()
 *
 * DESCRIPTION
 *	Reads the lists into the token matcher (ngram.c) as exact-case
 *	phrases: a word written with capitals must match as written, so the
 *	codes schools use (SEND, CP, LAC) do not fire on ordinary words.
 *	Categories are numbered in the order first seen (at most
 *	KEYWORDS_MAX_CATEGORIES); a folder's files are read in name order.
 *
 * CONFIGURATION
 *	[pupil-data] keywords = FILE or FOLDER (default: built-in lists).
 *
 * DIAGNOSTICS
 *	file:line errors: a phrase before any [category], too many words,
 *	too many categories, an unreadable file, a folder without lists.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <glib.h>

#include "policies/pupil_data/keywords.h"
#include "util/xalloc.h"

/* keywords_category - index of a category, added if new; -1 if full */
static int
keywords_category(struct keyword_categories *cats, const char *name,
    size_t len)
{
	for (unsigned i = 0; i < cats->count; i++)
		if (strlen(cats->names[i]) == len &&
		    strncasecmp(cats->names[i], name, len) == 0)
			return (int)i;
	if (cats->count == KEYWORDS_MAX_CATEGORIES)
		return -1;
	cats->names[cats->count] = xstrndup(name, len);
	return (int)cats->count++;
}

/* keywords_trim - strip blanks at both ends of s[0..*len) */
static const char *
keywords_trim(const char *s, size_t *len)
{
	while (*len > 0 && (*s == ' ' || *s == '\t' || *s == '\r')) {
		s++;
		(*len)--;
	}
	while (*len > 0 && (s[*len - 1] == ' ' || s[*len - 1] == '\t' ||
	    s[*len - 1] == '\r'))
		(*len)--;
	return s;
}

/* keywords_line - one line of a list; 0 or -1 */
static int
keywords_line(struct ngram *ng, uint32_t type, const char *s, size_t len,
    int *cat, const char *dflt, const char *file, unsigned line,
    struct keyword_categories *cats, struct errbuf *eb)
{
	s = keywords_trim(s, &len);
	if (len == 0 || s[0] == '#')
		return 0;
	if (s[0] == '[' && s[len - 1] == ']') {
		size_t nlen = len - 2;
		const char *name = keywords_trim(s + 1, &nlen);

		if (nlen == 0 || (*cat = keywords_category(cats, name,
		    nlen)) < 0) {
			errbuf_add(eb, file, line, "empty category name or "
			    "more than %d categories",
			    KEYWORDS_MAX_CATEGORIES);
			return -1;
		}
		return 0;
	}
	if (*cat < 0 && dflt != NULL)
		*cat = keywords_category(cats, dflt, strlen(dflt));
	if (*cat < 0) {
		errbuf_add(eb, file, line, "a phrase before the first "
		    "[category] line, or too many categories");
		return -1;
	}
	if (ngram_add(ng, s, len, true, type, (uint32_t)*cat) < 0) {
		errbuf_add(eb, file, line, "a phrase needs 1 to %d words",
		    NGRAM_MAX_TOKENS);
		return -1;
	}
	return 0;
}

/* keywords_parse - every line of one list */
int
keywords_parse(struct ngram *ng, uint32_t type, const char *text,
    const char *file, const char *dflt, struct keyword_categories *cats,
    struct errbuf *eb)
{
	int cat = -1, rc = 0;
	unsigned line = 0;

	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);

		line++;
		if (keywords_line(ng, type, p, len, &cat, dflt, file, line,
		    cats, eb) < 0)
			rc = -1;
		p += len + (nl != NULL ? 1 : 0);
	}
	return rc;
}

/* keywords_file - read and parse one file; its base name is the default
 * category */
static int
keywords_file(struct ngram *ng, uint32_t type, const char *path,
    struct keyword_categories *cats, struct errbuf *eb)
{
	gchar *text = NULL, *base = g_path_get_basename(path);
	char *dot = strrchr(base, '.');
	int rc;

	if (dot != NULL && dot != base)
		*dot = '\0';
	if (!g_file_get_contents(path, &text, NULL, NULL)) {
		errbuf_add(eb, path, 0, "cannot read the keyword list");
		g_free(base);
		return -1;
	}
	rc = keywords_parse(ng, type, text, path, base, cats, eb);
	g_free(text);
	g_free(base);
	return rc;
}

/* keywords_by_name - qsort order of file names */
static int
keywords_by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* keywords_folder - every *.txt file of a folder, in name order */
static int
keywords_folder(struct ngram *ng, uint32_t type, const char *dir,
    struct keyword_categories *cats, struct errbuf *eb)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;
	int rc = 0;

	if (d == NULL) {
		errbuf_add(eb, dir, 0, "cannot open the keyword folder");
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		size_t l = strlen(de->d_name);

		if (l > 4 && strcmp(de->d_name + l - 4, ".txt") == 0) {
			names = xreallocarray(names, n + 1, sizeof(char *));
			names[n++] = xasprintf("%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	if (n == 0) {
		errbuf_add(eb, dir, 0, "no keyword lists (*.txt) in the "
		    "folder");
		rc = -1;
	}
	qsort(names, n, sizeof(char *), keywords_by_name);
	for (size_t i = 0; i < n; i++) {
		if (keywords_file(ng, type, names[i], cats, eb) < 0)
			rc = -1;
		free(names[i]);
	}
	free(names);
	return rc;
}

/* keywords_load - built-in, one file, or a folder */
int
keywords_load(struct ngram *ng, uint32_t type, const char *path,
    struct keyword_categories *cats, struct errbuf *eb)
{
	struct stat st;

	if (path == NULL)
		return keywords_parse(ng, type, keywords_builtin,
		    "keywords (built-in)", NULL, cats, eb);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return keywords_folder(ng, type, path, cats, eb);
	return keywords_file(ng, type, path, cats, eb);
}

/* keywords_categories_clear - free the names */
void
keywords_categories_clear(struct keyword_categories *cats)
{
	for (unsigned i = 0; i < cats->count; i++)
		free(cats->names[i]);
	cats->count = 0;
}
