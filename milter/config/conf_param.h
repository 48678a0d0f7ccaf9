/*
 * conf_param - typed parameter tables: each setting is declared once
 *
 * A section of the INI file is described by a NULL-terminated array of
 * struct conf_param; the loader fills a settings struct through `offset`.
 * The same tables print defaults (`aup-milter -d`) and write the manual,
 * so a key can never be spelled in two places (STYLE 9.7).
 */
#ifndef AUP_CONF_PARAM_H
#define AUP_CONF_PARAM_H

#include <stdbool.h>
#include <stddef.h>

#include "util/errbuf.h"
#include "engine/verdict.h"

/*
 * What each value of a list (or a checked string) must be; the type of
 * a parameter implies its kind (conf_type_item).  A value that is not
 * is an error with file:line, never a silently different setting
 * (conf_item.c).  Every kind refuses ';' inside an item: it is the
 * usual typo for ','.
 */
enum conf_item {
	CONF_ITEM_TEXT = 0,	/* any text without ';' or control characters */
	CONF_ITEM_WORD,		/* one word: letters, digits, . _ - + */
	CONF_ITEM_DOMAIN,	/* a mail domain with a dot */
	CONF_ITEM_ADDRESS,	/* an e-mail address (stored normalised) */
	CONF_ITEM_PATTERN,	/* *@domain or an address */
	CONF_ITEM_CIDR,		/* an IPv4/IPv6 address or network */
	CONF_ITEM_URL		/* http:// or https:// with no space */
};

enum conf_type {
	CONF_STRING,	/* char *; empty value = NULL */
	CONF_PATH,	/* char *; relative paths resolved from the file's folder */
	CONF_INT,	/* long, within [min, max] */
	CONF_BOOL,	/* bool: yes/no, true/false, on/off, 1/0 */
	CONF_LIST,	/* struct conf_list: comma-separated (CONF_ITEM_TEXT) */
	CONF_RESULT,	/* enum result: reject|quarantine|rewrite|flag|off */
	CONF_MODE,	/* enum mode: enforce|monitor; min = 1 also allows inherit */
	CONF_CHOICE,	/* int: index into `choices` */
	/* Lists whose items are checked (struct conf_list): */
	CONF_WORDS,	/* CONF_ITEM_WORD */
	CONF_DOMAINS,	/* CONF_ITEM_DOMAIN */
	CONF_ADDRESSES,	/* CONF_ITEM_ADDRESS, stored normalised */
	CONF_PATTERNS,	/* CONF_ITEM_PATTERN */
	CONF_CIDRS,	/* CONF_ITEM_CIDR */
	/* Strings that are checked (char *; empty value = NULL): */
	CONF_ADDRESS,	/* CONF_ITEM_ADDRESS, as written */
	CONF_URL	/* CONF_ITEM_URL */
};

struct conf_list {
	char	**items;
	size_t	  count;
};

struct conf_param {
	const char	*name;		/* key in the INI section */
	enum conf_type	 type;
	const char	*default_value;	/* parsed like a file value; NULL: unset */
	size_t		 offset;	/* into the section's settings struct */
	long		 min, max;	/* CONF_INT bounds */
	const char *const *choices;	/* CONF_CHOICE / allowed CONF_RESULT
					 * words, NULL-terminated; NULL = all */
	const char	*help;		/* one line for -d and the manual */
};

/*
 * conf_param_set - parse `value` into `settings` per `param`.  `dir` is
 * the folder relative paths are resolved against.  On a bad value adds
 * "file:line: ..." to eb and returns -1.
 */
int	conf_param_set(const struct conf_param *param, void *settings,
	    const char *value, const char *dir, const char *file,
	    unsigned line, struct errbuf *eb);
/*
 * conf_param_append - add comma-separated items to a CONF_LIST value (a
 * list continued on an indented line); errors as conf_param_set().
 */
int	conf_param_append(const struct conf_param *param, void *settings,
	    const char *value, const char *file, unsigned line,
	    struct errbuf *eb);
/* conf_params_defaults - apply every default of a table */
void	conf_params_defaults(const struct conf_param *params, void *settings,
	    const char *dir, struct errbuf *eb);
/* conf_params_find - the parameter named `name`, or NULL */
const struct conf_param *conf_params_find(const struct conf_param *params,
	    const char *name);
/* conf_params_free - free the strings and lists a table filled in */
void	conf_params_free(const struct conf_param *params, void *settings);
/* conf_list_contains - case-insensitive membership */
bool	conf_list_contains(const struct conf_list *list, const char *item);
/* conf_params_names - "a, b, c" of a table, for "unknown key" hints */
char	*conf_params_names(const struct conf_param *params);
/*
 * conf_param_format - the value in force, as it would be written in the
 * file (lists joined with ", ", paths resolved); a new string.
 */
char	*conf_param_format(const struct conf_param *param,
	    const void *settings);
/*
 * conf_item_problem - why `value` is not a `kind` (a phrase to follow
 * the quoted value, e.g. "has no dot"), or NULL when it is one.
 */
const char *conf_item_problem(enum conf_item kind, const char *value);
/* conf_type_is_list - does the type hold a struct conf_list? */
bool	conf_type_is_list(enum conf_type type);
/* conf_type_item - what each value of the type must be */
enum conf_item conf_type_item(enum conf_type type);

/* Every policy's settings struct starts with this. */
struct policy_common {
	enum result action;		/* the policy's main action */
	enum mode mode;			/* inherit | enforce | monitor */
};

#endif
