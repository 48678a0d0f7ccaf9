/*
 * template - reply texts the school can edit (conf/templates/NAME.txt)
 *
 * A template is plain text: `#` lines are comments, `{name}` is replaced
 * by a variable, every other character is kept.  Rendering wraps long
 * lines at word boundaries so every reply line fits the SMTP limits
 * (SPEC section 5; libmilter: at most 32 lines of at most 980 bytes).
 * Templates are UTF-8 (a file that is not is an error at file:line);
 * replies are ASCII, transliterated ("Zoë" -> "Zoe", curly quotes and
 * dashes to ' " -), and template_render_text() keeps the UTF-8 for
 * notices, which are MIME.
 */
#ifndef AUP_TEMPLATE_H
#define AUP_TEMPLATE_H

#include <stdbool.h>
#include <stddef.h>

#include "util/errbuf.h"

#define TEMPLATE_MAX_LINES	30	/* libmilter allows 32 */
#define TEMPLATE_WRAP		76	/* columns of a reply line */

struct template_set;

struct template_var {
	const char *name;
	const char *value;
};

/*
 * template_set_load - the built-in texts (compiled in from conf/templates),
 * overridden by every NAME.txt in `dir` when dir is not NULL; syntax
 * errors to eb with file:line.
 */
struct template_set *template_set_load(const char *dir, struct errbuf *eb);
/* template_set_free - accepts NULL, returns NULL */
struct template_set *template_set_free(struct template_set *ts);
/* template_set_has - is there a template called `name`? */
bool	template_set_has(const struct template_set *ts, const char *name);
/*
 * template_set_check_vars - report (file:line) every {variable} of
 * template `name` that is not in `allowed` (NULL-terminated lists, any
 * number of them, the last argument NULL).
 */
void	template_set_check_vars(const struct template_set *ts,
	    const char *name, struct errbuf *eb, ...);
/* template_set_names - NULL-terminated borrowed list of template names */
const char *const *template_set_names(const struct template_set *ts);
/*
 * template_render - the reply lines of template `name` with `vars`
 * substituted (a missing variable renders as "") and wrapped; returns a
 * NULL-terminated array of new strings (free with template_lines_free),
 * or NULL when there is no such template.
 */
char	**template_render(const struct template_set *ts, const char *name,
	    const struct template_var *vars, size_t nvars);
/*
 * template_render_text - the text of template `name` with `vars`
 * substituted, comment lines dropped, still UTF-8 and not wrapped: one
 * new string, lines ending in '\n' (for a MIME notice body).  NULL when
 * there is no such template.
 */
char	*template_render_text(const struct template_set *ts,
	    const char *name, const struct template_var *vars, size_t nvars);
/* template_lines_free - free a rendered array; returns NULL */
char	**template_lines_free(char **lines);
/* template_wrap_text - wrap one text into reply lines (as above) */
char	**template_wrap_text(const char *text);

#endif
