/*
 * template_internal - the parsed template shared by template.c and
 * template_render.c; not for other modules
 */
#ifndef AUP_TEMPLATE_INTERNAL_H
#define AUP_TEMPLATE_INTERNAL_H

#include <stddef.h>

struct template_set;

struct template {
	char	*name;		/* file name without .txt */
	char	*path;
	char	**lines;	/* non-comment lines, as written */
	unsigned *linenos;
	size_t	 nlines;
};

/* The default templates, compiled in from conf/templates. */
struct template_builtin {
	const char *name;
	const char *text;
};
extern const struct template_builtin template_builtin[];

/* template_lookup - a template by name, or NULL */
const struct template *template_lookup(const struct template_set *ts,
	    const char *name);

#endif
