/*
 * conf_param - parse typed configuration values through parameter tables
 *
 * SYNOPSIS
 *	conf_param_set(), conf_params_defaults(), conf_params_find(),
 *	conf_params_free(), conf_list_contains(), conf_params_names()
 *
 * DESCRIPTION
 *	A value's type decides its syntax: booleans are yes/no, true/false,
 *	on/off or 1/0; integers may be written in octal with a leading 0
 *	(socket modes); lists are comma-separated with white space
 *	trimmed; paths are resolved against the configuration file's
 *	folder.  Setting a key twice replaces the earlier value.
 *
 * DIAGNOSTICS
 *	"FILE:LINE: KEY: ..." for every value that does not parse.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config/conf_param.h"
#include "engine/verdict.h"
#include "util/xalloc.h"

#define FIELD(settings, param, type) \
	((type *)(void *)((char *)(settings) + (param)->offset))

/* conf_list_free - free a list's items */
static void
conf_list_free(struct conf_list *list)
{
	for (size_t i = 0; i < list->count; i++)
		free(list->items[i]);
	free(list->items);
	list->items = NULL;
	list->count = 0;
}

/* conf_list_parse - split "a, b ,c" into trimmed non-empty items */
static void
conf_list_parse(struct conf_list *list, const char *value)
{
	const char *p = value;

	conf_list_free(list);
	while (*p != '\0') {
		const char *start, *end, *comma = strchr(p, ',');

		end = comma != NULL ? comma : p + strlen(p);
		start = p;
		while (start < end && isspace((unsigned char)*start))
			start++;
		while (end > start && isspace((unsigned char)end[-1]))
			end--;
		if (end > start) {
			list->items = xreallocarray(list->items,
			    list->count + 1, sizeof(char *));
			list->items[list->count++] =
			    xstrndup(start, (size_t)(end - start));
		}
		if (comma == NULL)
			break;
		p = comma + 1;
	}
}

/* conf_bool_parse - yes/no words; false when not a boolean */
static bool
conf_bool_parse(const char *value, bool *out)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };

	for (size_t i = 0; yes[i] != NULL; i++) {
		if (strcasecmp(value, yes[i]) == 0)
			return (*out = true);
		if (strcasecmp(value, no[i]) == 0) {
			*out = false;
			return true;
		}
	}
	return false;
}

/* conf_path_resolve - absolute path for a value relative to dir */
static char *
conf_path_resolve(const char *value, const char *dir)
{
	if (value[0] == '/' || dir == NULL || dir[0] == '\0')
		return xstrdup(value);
	return xasprintf("%s/%s", dir, value);
}

/* conf_choice_allowed - is the word one of the choices (NULL = any)? */
static int
conf_choice_index(const char *const *choices, const char *word)
{
	for (int i = 0; choices != NULL && choices[i] != NULL; i++)
		if (strcasecmp(choices[i], word) == 0)
			return i;
	return -1;
}

/* conf_words - "a | b | c" for messages */
static char *
conf_words(const char *const *choices)
{
	char *s = xstrdup("");

	for (size_t i = 0; choices != NULL && choices[i] != NULL; i++) {
		char *n = xasprintf("%s%s%s", s, i ? " | " : "", choices[i]);
		free(s);
		s = n;
	}
	return s;
}

/* conf_set_int - parse an integer within bounds */
static int
conf_set_int(const struct conf_param *param, long *field, const char *value,
    const char *file, unsigned line, struct errbuf *eb)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(value, &end, 0);
	if (errno != 0 || end == value || *end != '\0') {
		errbuf_add(eb, file, line, "%s: \"%s\" is not a whole number",
		    param->name, value);
		return -1;
	}
	if (n < param->min || n > param->max) {
		errbuf_add(eb, file, line, "%s: %ld is outside %ld..%ld",
		    param->name, n, param->min, param->max);
		return -1;
	}
	*field = n;
	return 0;
}

/* conf_set_result - parse an action word */
static int
conf_set_result(const struct conf_param *param, enum result *field,
    const char *value, const char *file, unsigned line, struct errbuf *eb)
{
	static const char *const all[] = { "reject", "quarantine", "rewrite",
	    "flag", "off", NULL };
	const char *const *allowed = param->choices ? param->choices : all;
	enum result r;

	if (conf_choice_index(allowed, value) < 0 || !result_parse(value, &r)) {
		char *words = conf_words(allowed);

		errbuf_add(eb, file, line, "%s: \"%s\" is not one of %s",
		    param->name, value, words);
		free(words);
		return -1;
	}
	*field = r;
	return 0;
}

/* conf_set_choice - parse one of a fixed set of words */
static int
conf_set_choice(const struct conf_param *param, int *field,
    const char *value, const char *file, unsigned line, struct errbuf *eb)
{
	int i = conf_choice_index(param->choices, value);

	if (i < 0) {
		char *words = conf_words(param->choices);

		errbuf_add(eb, file, line, "%s: \"%s\" is not one of %s",
		    param->name, value, words);
		free(words);
		return -1;
	}
	*field = i;
	return 0;
}

/* conf_param_set - parse one value into its field */
int
conf_param_set(const struct conf_param *param, void *settings,
    const char *value, const char *dir, const char *file, unsigned line,
    struct errbuf *eb)
{
	char **str;

	switch (param->type) {
	case CONF_STRING:
	case CONF_PATH:
		str = FIELD(settings, param, char *);
		free(*str);
		*str = NULL;
		if (value[0] != '\0')
			*str = param->type == CONF_PATH ?
			    conf_path_resolve(value, dir) : xstrdup(value);
		return 0;
	case CONF_INT:
		return conf_set_int(param, FIELD(settings, param, long), value,
		    file, line, eb);
	case CONF_BOOL:
		if (conf_bool_parse(value, FIELD(settings, param, bool)))
			return 0;
		errbuf_add(eb, file, line, "%s: \"%s\" is not yes or no",
		    param->name, value);
		return -1;
	case CONF_LIST:
		conf_list_parse(FIELD(settings, param, struct conf_list), value);
		return 0;
	case CONF_RESULT:
		return conf_set_result(param, FIELD(settings, param,
		    enum result), value, file, line, eb);
	case CONF_MODE:
		if (mode_parse(value, param->min != 0,
		    FIELD(settings, param, enum mode)))
			return 0;
		errbuf_add(eb, file, line, "%s: \"%s\" is not enforce or "
		    "monitor", param->name, value);
		return -1;
	case CONF_CHOICE:
		return conf_set_choice(param, FIELD(settings, param, int),
		    value, file, line, eb);
	}
	return -1;
}

/* conf_param_append - a list value continued on another line */
void
conf_param_append(const struct conf_param *param, void *settings,
    const char *value)
{
	struct conf_list *list = FIELD(settings, param, struct conf_list);
	struct conf_list more = { NULL, 0 };

	conf_list_parse(&more, value);
	list->items = xreallocarray(list->items, list->count + more.count + 1,
	    sizeof(char *));
	for (size_t i = 0; i < more.count; i++)
		list->items[list->count++] = more.items[i];
	free(more.items);
}

/* conf_params_defaults - apply the default of every parameter */
void
conf_params_defaults(const struct conf_param *params, void *settings,
    const char *dir, struct errbuf *eb)
{
	for (const struct conf_param *p = params; p->name != NULL; p++)
		if (p->default_value != NULL)
			(void)conf_param_set(p, settings, p->default_value, dir,
			    "(built-in default)", 0, eb);
}

/* conf_params_find - parameter by key name */
const struct conf_param *
conf_params_find(const struct conf_param *params, const char *name)
{
	for (const struct conf_param *p = params; p->name != NULL; p++)
		if (strcasecmp(p->name, name) == 0)
			return p;
	return NULL;
}

/* conf_params_free - free strings and lists held by a settings struct */
void
conf_params_free(const struct conf_param *params, void *settings)
{
	for (const struct conf_param *p = params; p->name != NULL; p++) {
		if (p->type == CONF_STRING || p->type == CONF_PATH) {
			char **s = FIELD(settings, p, char *);

			free(*s);
			*s = NULL;
		} else if (p->type == CONF_LIST) {
			conf_list_free(FIELD(settings, p, struct conf_list));
		}
	}
}

/* conf_list_contains - case-insensitive membership test */
bool
conf_list_contains(const struct conf_list *list, const char *item)
{
	for (size_t i = 0; i < list->count; i++)
		if (strcasecmp(list->items[i], item) == 0)
			return true;
	return false;
}

/* conf_params_names - the keys of a table, comma-separated */
char *
conf_params_names(const struct conf_param *params)
{
	char *s = xstrdup("");

	for (const struct conf_param *p = params; p->name != NULL; p++) {
		char *n = xasprintf("%s%s%s", s, s[0] ? ", " : "", p->name);
		free(s);
		s = n;
	}
	return s;
}
