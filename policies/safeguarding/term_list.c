/*
 * term_list - the safeguarding term list file format
 *
 * SYNOPSIS
 *	term_list_parse(), term_list_load()
 *
 * DESCRIPTION
 *	See term_list.h for the format.  A line is trimmed of blanks (and a
 *	CR); a UTF-8 byte order mark at the start of the file is skipped.
 *
 * DIAGNOSTICS
 *	"file:line: ..." for a missing or bad weight, a weight out of range,
 *	an empty phrase, and whatever term_set_add() refuses; "file: cannot
 *	read the term list" for a missing or unreadable file.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "policies/safeguarding/term_list.h"
#include "util/xalloc.h"

/* term_list_blank - a blank character of a line */
static bool
term_list_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* term_list_line - one trimmed, NUL-terminated line; 0 or -1 */
static int
term_list_line(struct term_set *ts, unsigned category, char *s,
    const char *file, unsigned line, struct errbuf *eb)
{
	const char *why = NULL;
	bool never = false;
	long weight = 0;
	char *end;

	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '!') {
		never = true;
		s++;
	} else {
		errno = 0;
		weight = strtol(s, &end, 10);
		if (end == s || !term_list_blank(*end)) {
			errbuf_add(eb, file, line, "expected \"WEIGHT PHRASE\" "
			    "or \"! PHRASE\"");
			return -1;
		}
		if (errno != 0 || weight < 1 || weight > TERM_WEIGHT_MAX) {
			errbuf_add(eb, file, line, "weight must be 1 to %d",
			    TERM_WEIGHT_MAX);
			return -1;
		}
		s = end;
	}
	while (term_list_blank(*s))
		s++;
	if (*s == '\0') {
		errbuf_add(eb, file, line, "the phrase is missing");
		return -1;
	}
	if (term_set_add(ts, category, s, (int)weight, never, &why) < 0) {
		errbuf_add(eb, file, line, "%s", why);
		return -1;
	}
	return 0;
}

/* term_list_parse - every line */
int
term_list_parse(struct term_set *ts, unsigned category, const char *text,
    const char *file, struct errbuf *eb)
{
	unsigned line = 0;
	int rc = 0;

	if (strncmp(text, "\xEF\xBB\xBF", 3) == 0)
		text += 3;
	for (const char *p = text; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		char *s = xstrndup(p, len), *t = s;
		size_t l = len;

		line++;
		while (term_list_blank(*t))
			t++, l--;
		while (l > 0 && term_list_blank(t[l - 1]))
			t[--l] = '\0';
		if (term_list_line(ts, category, t, file, line, eb) < 0)
			rc = -1;
		free(s);
		p += len + (nl != NULL ? 1 : 0);
	}
	return rc;
}

/* term_list_load - one file */
int
term_list_load(struct term_set *ts, unsigned category, const char *path,
    struct errbuf *eb)
{
	gchar *text = NULL;
	GError *ge = NULL;
	int rc;

	if (!g_file_get_contents(path, &text, NULL, &ge)) {
		errbuf_add(eb, path, 0, "cannot read the term list: %s",
		    ge->message);
		g_error_free(ge);
		return -1;
	}
	rc = term_list_parse(ts, category, text, path, eb);
	g_free(text);
	return rc;
}
