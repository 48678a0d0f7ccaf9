/*
 * conf_param - parse typed configuration values through parameter tables
 *
 * SYNOPSIS
 *	conf_param_set(), conf_param_append(), conf_params_defaults(),
 *	conf_params_find(), conf_params_free(), conf_list_contains(),
 *	conf_params_names(), conf_param_format()
 *
 * DESCRIPTION
 *	A value's type decides its syntax: booleans are yes/no, true/false,
 *	on/off or 1/0; integers may be written in octal with a leading 0
 *	(socket modes); lists are comma-separated with white space
 *	trimmed; paths are resolved against the configuration file's
 *	folder.  Every list item, and a string with a kind, is checked
 *	against what it must be (conf_item.c); a list with one bad item
 *	is not set at all, so the error cannot leave half a list behind.
 *	Addresses are stored normalised (addr_normalize).
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
#include "util/addr.h"
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

/* conf_path_resolve - absolute path for a value relative to dir */
static char *
conf_path_resolve(const char *value, const char *dir)
{
	if (value[0] == '/' || dir == NULL || dir[0] == '\0')
		return xstrdup(value);
	return xasprintf("%s/%s", dir, value);
}

/*
 * conf_list_check - every item of `list` is of the kind param->type
 * implies; addresses normalised in place.  Errors name each bad item
 * at file:line.
 */
static int
conf_list_check(const struct conf_param *param, struct conf_list *list,
    const char *file, unsigned line, struct errbuf *eb)
{
	int rc = 0;

	for (size_t i = 0; i < list->count; i++) {
		const char *why = conf_item_problem(conf_type_item(param->type),
		    list->items[i]);
		char *norm;

		if (why != NULL) {
			errbuf_add(eb, file, line, "%s: \"%s\" %s",
			    param->name, list->items[i], why);
			rc = -1;
		} else if (conf_type_item(param->type) == CONF_ITEM_ADDRESS &&
		    (norm = addr_normalize(list->items[i])) != NULL) {
			free(list->items[i]);
			list->items[i] = norm;
		}
	}
	return rc;
}

/* conf_set_list - a whole list value, set only when every item is good */
static int
conf_set_list(const struct conf_param *param, struct conf_list *field,
    const char *value, const char *file, unsigned line, struct errbuf *eb)
{
	struct conf_list list = { NULL, 0 };

	conf_list_parse(&list, value);
	if (conf_list_check(param, &list, file, line, eb) < 0) {
		conf_list_free(&list);
		return -1;
	}
	conf_list_free(field);
	*field = list;
	return 0;
}

/* conf_set_string - a string or path, checked when it has a kind */
static int
conf_set_string(const struct conf_param *param, char **field,
    const char *value, const char *dir, const char *file, unsigned line,
    struct errbuf *eb)
{
	const char *why;

	if (value[0] != '\0' && conf_type_item(param->type) != CONF_ITEM_TEXT &&
	    (why = conf_item_problem(conf_type_item(param->type), value)) != NULL) {
		errbuf_add(eb, file, line, "%s: \"%s\" %s", param->name,
		    value, why);
		return -1;
	}
	free(*field);
	*field = NULL;
	if (value[0] != '\0')
		*field = param->type == CONF_PATH ?
		    conf_path_resolve(value, dir) : xstrdup(value);
	return 0;
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
	switch (param->type) {
	case CONF_STRING:
	case CONF_PATH:
	case CONF_ADDRESS:
	case CONF_URL:
		return conf_set_string(param, FIELD(settings, param, char *),
		    value, dir, file, line, eb);
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
	case CONF_WORDS:
	case CONF_DOMAINS:
	case CONF_ADDRESSES:
	case CONF_PATTERNS:
	case CONF_CIDRS:
		return conf_set_list(param, FIELD(settings, param,
		    struct conf_list), value, file, line, eb);
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
int
conf_param_append(const struct conf_param *param, void *settings,
    const char *value, const char *file, unsigned line, struct errbuf *eb)
{
	struct conf_list *list = FIELD(settings, param, struct conf_list);
	struct conf_list more = { NULL, 0 };

	conf_list_parse(&more, value);
	if (conf_list_check(param, &more, file, line, eb) < 0) {
		conf_list_free(&more);
		return -1;
	}
	list->items = xreallocarray(list->items, list->count + more.count + 1,
	    sizeof(char *));
	for (size_t i = 0; i < more.count; i++)
		list->items[list->count++] = more.items[i];
	free(more.items);
	return 0;
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
		if (p->type == CONF_STRING || p->type == CONF_PATH ||
		    p->type == CONF_ADDRESS || p->type == CONF_URL) {
			char **s = FIELD(settings, p, char *);

			free(*s);
			*s = NULL;
		} else if (conf_type_is_list(p->type)) {
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

/* conf_list_join - "a, b, c" */
static char *
conf_list_join(const struct conf_list *list)
{
	char *s = xstrdup("");

	for (size_t i = 0; i < list->count; i++) {
		char *n = xasprintf("%s%s%s", s, i ? ", " : "",
		    list->items[i]);
		free(s);
		s = n;
	}
	return s;
}

/* conf_param_format - the value in force as the file would write it */
char *
conf_param_format(const struct conf_param *param, const void *settings)
{
	const char *p = (const char *)settings + param->offset;
	long n;
	int i;

	if (conf_type_is_list(param->type))
		return conf_list_join((const struct conf_list *)(const void *)p);
	switch (param->type) {
	case CONF_STRING:
	case CONF_PATH:
	case CONF_ADDRESS:
	case CONF_URL:
		return xstrdup(*(char *const *)(const void *)p ?
		    *(char *const *)(const void *)p : "");
	case CONF_INT:
		n = *(const long *)(const void *)p;
		/* A value whose default is octal (a file mode) stays octal. */
		if (param->default_value != NULL &&
		    param->default_value[0] == '0' &&
		    param->default_value[1] != '\0')
			return xasprintf("0%lo", n);
		return xasprintf("%ld", n);
	case CONF_BOOL:
		return xstrdup(*(const bool *)(const void *)p ? "yes" : "no");
	case CONF_RESULT:
		return xstrdup(result_name(*(const enum result *)(const void *)p));
	case CONF_MODE:
		return xstrdup(mode_name(*(const enum mode *)(const void *)p));
	case CONF_CHOICE:
		i = *(const int *)(const void *)p;
		return xstrdup(param->choices != NULL && i >= 0 ?
		    param->choices[i] : "");
	default:
		return xstrdup("");
	}
}

/* conf_type_is_list - the list types */
bool
conf_type_is_list(enum conf_type type)
{
	return type == CONF_LIST || type == CONF_WORDS ||
	    type == CONF_DOMAINS || type == CONF_ADDRESSES ||
	    type == CONF_PATTERNS || type == CONF_CIDRS;
}

/* conf_type_item - the kind of value a type holds */
enum conf_item
conf_type_item(enum conf_type type)
{
	switch (type) {
	case CONF_WORDS:
		return CONF_ITEM_WORD;
	case CONF_DOMAINS:
		return CONF_ITEM_DOMAIN;
	case CONF_ADDRESSES:
	case CONF_ADDRESS:
		return CONF_ITEM_ADDRESS;
	case CONF_PATTERNS:
		return CONF_ITEM_PATTERN;
	case CONF_CIDRS:
		return CONF_ITEM_CIDR;
	case CONF_URL:
		return CONF_ITEM_URL;
	default:
		return CONF_ITEM_TEXT;
	}
}
