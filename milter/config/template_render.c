/*
 * template_render - turn a template into SMTP-safe reply lines
 *
 * SYNOPSIS
 *	template_render(), template_render_text(), template_wrap_text(),
 *	template_lines_free()
 *
 * DESCRIPTION
 *	Substitutes {variables}, then makes each line safe for an SMTP
 *	reply: UTF-8 transliterated to ASCII (translit(3): "Zoë" -> "Zoe",
 *	curly quotes and dashes to ' " -), anything else not printable
 *	becomes '?', no CR or LF, at
 *	most TEMPLATE_WRAP columns (wrapped at spaces; a longer word is
 *	cut), at most TEMPLATE_MAX_LINES lines (the last says the text was
 *	cut).  '%' is kept here: escaping for sendmail's printf is the
 *	milter's job, so `aupctl test` shows the text a person reads.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/template.h"
#include "config/template_internal.h"
#include "util/translit.h"
#include "util/xalloc.h"

struct lines {
	char	**items;
	size_t	 count;
};

/* lines_push - append a copy of text[0..len) */
static void
lines_push(struct lines *l, const char *text, size_t len)
{
	l->items = xreallocarray(l->items, l->count + 2, sizeof(char *));
	l->items[l->count++] = xstrndup(text, len);
	l->items[l->count] = NULL;
}

/* ascii_safe - transliterated copy, non-printables as '?', tabs as spaces */
static char *
ascii_safe(const char *s)
{
	char *out = translit_ascii(s);

	for (char *p = out; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\t')
			*p = ' ';
		else if (c < 0x20 || c > 0x7e)
			*p = '?';
	}
	return out;
}

/* wrap_into - wrap one logical line into reply lines */
static void
wrap_into(struct lines *l, const char *text)
{
	char *safe = ascii_safe(text);
	const char *p = safe;
	size_t len = strlen(safe);

	if (len == 0)
		lines_push(l, " ", 1);
	while (len > 0) {
		size_t cut = len;

		if (len > TEMPLATE_WRAP) {
			cut = TEMPLATE_WRAP;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = TEMPLATE_WRAP;
		}
		lines_push(l, p, cut);
		p += cut;
		len -= cut;
		while (len > 0 && *p == ' ') {
			p++;
			len--;
		}
	}
	free(safe);
}

/* lines_limit - keep at most TEMPLATE_MAX_LINES lines */
static char **
lines_limit(struct lines *l)
{
	if (l->count > TEMPLATE_MAX_LINES) {
		for (size_t i = TEMPLATE_MAX_LINES - 1; i < l->count; i++)
			free(l->items[i]);
		l->items[TEMPLATE_MAX_LINES - 1] =
		    xstrdup("(the rest of this explanation was cut)");
		l->count = TEMPLATE_MAX_LINES;
		l->items[l->count] = NULL;
	}
	if (l->items == NULL)
		l->items = xcalloc(1, sizeof(char *));
	return l->items;
}

/* var_lookup - value of a variable, or "" */
static const char *
var_lookup(const struct template_var *vars, size_t nvars, const char *name,
    size_t len)
{
	for (size_t i = nvars; i-- > 0;)
		if (strlen(vars[i].name) == len &&
		    strncmp(vars[i].name, name, len) == 0)
			return vars[i].value != NULL ? vars[i].value : "";
	return "";
}

/* vowel_sound - does a word start with a vowel sound ("an Oakfield")? */
static bool
vowel_sound(const char *w)
{
	static const char *const consonant[] = { "uni", "use", "usu", "eu",
	    "one", "once", NULL };
	static const char *const silent_h[] = { "hour", "honest", "honour",
	    "heir", NULL };

	for (size_t i = 0; consonant[i] != NULL; i++)
		if (strncasecmp(w, consonant[i], strlen(consonant[i])) == 0)
			return false;
	for (size_t i = 0; silent_h[i] != NULL; i++)
		if (strncasecmp(w, silent_h[i], strlen(silent_h[i])) == 0)
			return true;
	return *w != '\0' && strchr("aeiouAEIOU", *w) != NULL;
}

/* article_before - out[0..len) ends in the word "a " or "A " */
static bool
article_before(const char *out, size_t len)
{
	return len >= 2 && out[len - 1] == ' ' &&
	    (out[len - 2] == 'a' || out[len - 2] == 'A') &&
	    (len == 2 || out[len - 3] == ' ' || out[len - 3] == '(' ||
	    out[len - 3] == '"');
}

/* substitute - one template line with {variables} replaced; "a {x}"
 * becomes "an {x}" when the value starts with a vowel sound */
static char *
substitute(const char *line, const struct template_var *vars, size_t nvars)
{
	size_t cap = strlen(line) + 64, len = 0;
	char *out = xmalloc(cap);
	const char *p = line;

	while (*p != '\0') {
		const char *piece = p, *close;
		size_t plen = 1;

		bool an = false;

		if (*p == '{' && (close = strchr(p, '}')) != NULL) {
			piece = var_lookup(vars, nvars, p + 1,
			    (size_t)(close - p - 1));
			plen = strlen(piece);
			p = close + 1;
			an = article_before(out, len) && vowel_sound(piece);
		} else
			p++;
		if (len + plen + 2 > cap) {
			cap = (len + plen + 2) * 2;
			out = xrealloc(out, cap);
		}
		if (an) {
			out[len - 1] = 'n';
			out[len++] = ' ';
		}
		memcpy(out + len, piece, plen);
		len += plen;
	}
	out[len] = '\0';
	return out;
}

/* template_render - render a named template */
char **
template_render(const struct template_set *ts, const char *name,
    const struct template_var *vars, size_t nvars)
{
	const struct template *t = template_lookup(ts, name);
	struct lines l = { NULL, 0 };

	if (t == NULL)
		return NULL;
	for (size_t i = 0; i < t->nlines; i++) {
		char *line = substitute(t->lines[i], vars, nvars);

		wrap_into(&l, line);
		free(line);
	}
	/* Blank lines at the end carry nothing. */
	while (l.count > 0 && strcmp(l.items[l.count - 1], " ") == 0) {
		free(l.items[--l.count]);
		l.items[l.count] = NULL;
	}
	return lines_limit(&l);
}

/* template_render_text - the UTF-8 text of a template, unwrapped */
char *
template_render_text(const struct template_set *ts, const char *name,
    const struct template_var *vars, size_t nvars)
{
	const struct template *t = template_lookup(ts, name);
	size_t len = 0;
	char *text;

	if (t == NULL)
		return NULL;
	text = xstrdup("");
	for (size_t i = 0; i < t->nlines; i++) {
		char *line = substitute(t->lines[i], vars, nvars);
		size_t n = strlen(line);

		text = xrealloc(text, len + n + 2);
		memcpy(text + len, line, n);
		len += n;
		text[len++] = '\n';
		text[len] = '\0';
		free(line);
	}
	/* Blank lines at the end carry nothing. */
	while (len >= 2 && text[len - 1] == '\n' && text[len - 2] == '\n')
		text[--len] = '\0';
	return text;
}

/* template_wrap_text - wrap a single text into reply lines */
char **
template_wrap_text(const char *text)
{
	struct lines l = { NULL, 0 };

	wrap_into(&l, text);
	return lines_limit(&l);
}

/* template_lines_free - free rendered lines */
char **
template_lines_free(char **lines)
{
	for (size_t i = 0; lines != NULL && lines[i] != NULL; i++)
		free(lines[i]);
	free(lines);
	return NULL;
}
