/*
 * errbuf - collect every configuration error, each with file:line
 *
 * Loaders (INI, CSV, templates) do not stop at the first problem: an
 * administrator fixing a config wants to see all of them at once.
 * Warnings (an expired exemption) are kept apart from errors.
 */
#ifndef AUP_ERRBUF_H
#define AUP_ERRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct errbuf {
	char	**errors;	/* "file:line: message" */
	size_t	  nerrors;
	char	**warnings;
	size_t	  nwarnings;
};

void	errbuf_init(struct errbuf *eb);
void	errbuf_clear(struct errbuf *eb);
/* errbuf_add - an error at file:line (line 0: no line) */
void	errbuf_add(struct errbuf *eb, const char *file, unsigned line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* errbuf_warn - a warning at file:line (the same text once only) */
void	errbuf_warn(struct errbuf *eb, const char *file, unsigned line,
	    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
bool	errbuf_has_errors(const struct errbuf *eb);
/* errbuf_print - write errors then warnings, one a line */
void	errbuf_print(const struct errbuf *eb, FILE *fp);
/* errbuf_first - the first error, or NULL */
const char *errbuf_first(const struct errbuf *eb);

#endif
