/*
 * template - load, check and render the reply templates
 *
 * SYNOPSIS
 *	template_set_load(), template_set_free(), template_set_has(),
 *	template_set_check_vars(), template_set_names(), template_render(),
 *	template_lines_free(), template_wrap_text()
 *
 * DESCRIPTION
 *	The school edits these texts, so a mistake must show up when the
 *	configuration is checked (`aup-milter -t`, reload), never as a
 *	garbled refusal: an unclosed `{`, a stray `}`, a variable name that
 *	is not lower-case letters, digits and underscores, or a variable
 *	the policy does not provide is an error with file:line.  So is a
 *	line that is not UTF-8 (a byte-order mark at the start is fine).
 *
 *	Rendering substitutes variables, drops comment lines, replaces
 *	non-ASCII bytes with '?', wraps at TEMPLATE_WRAP columns and stops
 *	at TEMPLATE_MAX_LINES.  A blank template line becomes a reply line
 *	holding one space, which every MTA passes on.
 *
 * DIAGNOSTICS
 *	"FILE:LINE: template: ..." through errbuf.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config/template.h"
#include "config/template_internal.h"
#include "util/xalloc.h"

struct template_set {
	struct template *items;
	size_t	 count;
	const char **names;	/* NULL-terminated view of the names */
};

/* template_clear_lines - forget a template's text */
static void
template_clear_lines(struct template *t)
{
	for (size_t j = 0; j < t->nlines; j++)
		free(t->lines[j]);
	free(t->lines);
	free(t->linenos);
	t->lines = NULL;
	t->linenos = NULL;
	t->nlines = 0;
}

/* template_read - read a template's text from fp (which it closes) */
static int
template_read(struct template *t, FILE *fp, struct errbuf *eb)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	unsigned lineno = 0;

	if (fp == NULL) {
		errbuf_add(eb, t->path, 0, "cannot read template: %m");
		return -1;
	}
	template_clear_lines(t);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		char *text = line;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* Notepad may start a UTF-8 file with a byte-order mark. */
		if (lineno == 1 && strncmp(text, "\xef\xbb\xbf", 3) == 0)
			text += 3;
		if (!g_utf8_validate(text, -1, NULL) ||
		    strlen(text) != (size_t)(len - (text - line))) {
			errbuf_add(eb, t->path, lineno, "template: the line is "
			    "not UTF-8 text (save the file as UTF-8)");
			continue;
		}
		if (text[0] == '#')
			continue;
		t->lines = xreallocarray(t->lines, t->nlines + 1, sizeof(char *));
		t->linenos = xreallocarray(t->linenos, t->nlines + 1,
		    sizeof(unsigned));
		t->lines[t->nlines] = xstrdup(text);
		t->linenos[t->nlines++] = lineno;
	}
	free(line);
	fclose(fp);
	return 0;
}

/* template_var_name_ok - lower-case letters, digits, underscore */
static bool
template_var_name_ok(const char *start, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!islower((unsigned char)start[i]) &&
		    !isdigit((unsigned char)start[i]) && start[i] != '_')
			return false;
	return true;
}

/* template_check_syntax - braces and variable names of every line */
static void
template_check_syntax(const struct template *t, struct errbuf *eb)
{
	for (size_t i = 0; i < t->nlines; i++) {
		const char *p = t->lines[i];

		while (*p != '\0') {
			const char *close;

			if (*p == '}') {
				errbuf_add(eb, t->path, t->linenos[i],
				    "template: '}' without '{'");
				break;
			}
			if (*p++ != '{')
				continue;
			close = strchr(p, '}');
			if (close == NULL) {
				errbuf_add(eb, t->path, t->linenos[i],
				    "template: '{' is never closed");
				break;
			}
			if (!template_var_name_ok(p, (size_t)(close - p)))
				errbuf_add(eb, t->path, t->linenos[i],
				    "template: \"{%.*s}\" is not a variable name",
				    (int)(close - p), p);
			p = close + 1;
		}
	}
}

/* template_name_of - "parent-contact.txt" -> "parent-contact", or NULL */
static char *
template_name_of(const char *file)
{
	size_t len = strlen(file);

	if (len <= 4 || strcmp(file + len - 4, ".txt") != 0 || file[0] == '.')
		return NULL;
	return xstrndup(file, len - 4);
}

/* template_compare - order templates by name */
static int
template_compare(const void *a, const void *b)
{
	return strcmp(((const struct template *)a)->name,
	    ((const struct template *)b)->name);
}

/* template_slot - the template called `name`, added if new */
static struct template *
template_slot(struct template_set *ts, const char *name)
{
	struct template *t;

	for (size_t i = 0; i < ts->count; i++)
		if (strcmp(ts->items[i].name, name) == 0)
			return &ts->items[i];
	ts->items = xreallocarray(ts->items, ts->count + 1,
	    sizeof(*ts->items));
	t = memset(&ts->items[ts->count++], 0, sizeof(*t));
	t->name = xstrdup(name);
	return t;
}

/* template_load_builtin - the compiled-in defaults */
static void
template_load_builtin(struct template_set *ts, struct errbuf *eb)
{
	for (size_t i = 0; template_builtin[i].name != NULL; i++) {
		struct template *t = template_slot(ts, template_builtin[i].name);
		const char *text = template_builtin[i].text;

		free(t->path);
		t->path = xasprintf("(built-in)/%s.txt", t->name);
		if (template_read(t, fmemopen((void *)text, strlen(text), "r"),
		    eb) == 0)
			template_check_syntax(t, eb);
	}
}

/* template_load_dir - the school's own texts override the defaults */
static void
template_load_dir(struct template_set *ts, const char *dir,
    struct errbuf *eb)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL) {
		errbuf_add(eb, dir, 0, "cannot open the templates folder: %m");
		return;
	}
	while ((de = readdir(d)) != NULL) {
		char *name = template_name_of(de->d_name);
		struct template *t;

		if (name == NULL)
			continue;
		t = template_slot(ts, name);
		free(name);
		free(t->path);
		t->path = xasprintf("%s/%s", dir, de->d_name);
		if (template_read(t, fopen(t->path, "r"), eb) == 0)
			template_check_syntax(t, eb);
	}
	closedir(d);
}

/* template_set_load - built-in texts, then the folder's (dir may be NULL) */
struct template_set *
template_set_load(const char *dir, struct errbuf *eb)
{
	struct template_set *ts = xcalloc(1, sizeof(*ts));

	template_load_builtin(ts, eb);
	if (dir != NULL)
		template_load_dir(ts, dir, eb);
	qsort(ts->items, ts->count, sizeof(*ts->items), template_compare);
	ts->names = xcalloc(ts->count + 1, sizeof(char *));
	for (size_t i = 0; i < ts->count; i++)
		ts->names[i] = ts->items[i].name;
	return ts;
}

/* template_set_free - free all templates */
struct template_set *
template_set_free(struct template_set *ts)
{
	if (ts == NULL)
		return NULL;
	for (size_t i = 0; i < ts->count; i++) {
		struct template *t = &ts->items[i];

		template_clear_lines(t);
		free(t->name);
		free(t->path);
	}
	free(ts->items);
	free(ts->names);
	free(ts);
	return NULL;
}

/* template_lookup - a template by name, or NULL */
const struct template *
template_lookup(const struct template_set *ts, const char *name)
{
	for (size_t i = 0; ts != NULL && i < ts->count; i++)
		if (strcmp(ts->items[i].name, name) == 0)
			return &ts->items[i];
	return NULL;
}

/* template_set_has - is a template of that name loaded? */
bool
template_set_has(const struct template_set *ts, const char *name)
{
	return template_lookup(ts, name) != NULL;
}

/* template_set_names - names of all templates */
const char *const *
template_set_names(const struct template_set *ts)
{
	return ts->names;
}

/* template_var_allowed - is `name` in one of the NULL-terminated lists? */
static bool
template_var_allowed(const char *name, size_t len, va_list ap)
{
	const char *const *list;

	while ((list = va_arg(ap, const char *const *)) != NULL)
		for (size_t i = 0; list[i] != NULL; i++)
			if (strlen(list[i]) == len &&
			    strncmp(list[i], name, len) == 0)
				return true;
	return false;
}

/* template_set_check_vars - unknown variables of one template */
void
template_set_check_vars(const struct template_set *ts, const char *name,
    struct errbuf *eb, ...)
{
	const struct template *t = template_lookup(ts, name);

	for (size_t i = 0; t != NULL && i < t->nlines; i++) {
		const char *p = t->lines[i], *open, *close;

		while ((open = strchr(p, '{')) != NULL &&
		    (close = strchr(open, '}')) != NULL) {
			va_list ap;
			size_t len = (size_t)(close - open - 1);

			va_start(ap, eb);
			if (!template_var_allowed(open + 1, len, ap))
				errbuf_add(eb, t->path, t->linenos[i],
				    "template: {%.*s} is not a variable this "
				    "reply has", (int)len, open + 1);
			va_end(ap);
			p = close + 1;
		}
	}
}
