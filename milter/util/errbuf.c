/*
 * errbuf - a list of file:line errors and warnings
 *
 * SYNOPSIS
 *	errbuf_init(), errbuf_clear(), errbuf_add(), errbuf_warn(),
 *	errbuf_has_errors(), errbuf_print(), errbuf_first()
 *
 * DESCRIPTION
 *	Every loader reports through one of these, so `aup-milter -t`,
 *	a reload and `aupctl` print problems the same way:
 *	"FILE:LINE: message".
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "util/errbuf.h"
#include "util/xalloc.h"

/* errbuf_init - empty list */
void
errbuf_init(struct errbuf *eb)
{
	eb->errors = eb->warnings = NULL;
	eb->nerrors = eb->nwarnings = 0;
}

/* errbuf_free_list - free one list */
static void
errbuf_free_list(char **list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(list[i]);
	free(list);
}

/* errbuf_clear - free everything and start again */
void
errbuf_clear(struct errbuf *eb)
{
	errbuf_free_list(eb->errors, eb->nerrors);
	errbuf_free_list(eb->warnings, eb->nwarnings);
	errbuf_init(eb);
}

/* errbuf_format - "file:line: text" */
static char *
errbuf_format(const char *file, unsigned line, const char *fmt, va_list ap)
{
	char *text = xvasprintf(fmt, ap);
	char *full;

	if (file != NULL && line > 0)
		full = xasprintf("%s:%u: %s", file, line, text);
	else if (file != NULL)
		full = xasprintf("%s: %s", file, text);
	else
		full = xstrdup(text);
	free(text);
	return full;
}

/* errbuf_add - append an error */
void
errbuf_add(struct errbuf *eb, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	eb->errors = xreallocarray(eb->errors, eb->nerrors + 1, sizeof(char *));
	eb->errors[eb->nerrors++] = errbuf_format(file, line, fmt, ap);
	va_end(ap);
}

/* errbuf_warn - append a warning, unless it was given already */
void
errbuf_warn(struct errbuf *eb, const char *file, unsigned line,
    const char *fmt, ...)
{
	va_list ap;

	char *text;

	va_start(ap, fmt);
	text = errbuf_format(file, line, fmt, ap);
	va_end(ap);
	/* Many school files share a folder: say the same thing once. */
	for (size_t i = 0; i < eb->nwarnings; i++)
		if (strcmp(eb->warnings[i], text) == 0) {
			free(text);
			return;
		}
	eb->warnings = xreallocarray(eb->warnings, eb->nwarnings + 1,
	    sizeof(char *));
	eb->warnings[eb->nwarnings++] = text;
}

/* errbuf_has_errors - any error recorded? */
bool
errbuf_has_errors(const struct errbuf *eb)
{
	return eb->nerrors > 0;
}

/* errbuf_print - errors, then warnings prefixed "warning: " */
void
errbuf_print(const struct errbuf *eb, FILE *fp)
{
	for (size_t i = 0; i < eb->nerrors; i++)
		fprintf(fp, "%s\n", eb->errors[i]);
	for (size_t i = 0; i < eb->nwarnings; i++)
		fprintf(fp, "warning: %s\n", eb->warnings[i]);
}

/* errbuf_first - first error text or NULL */
const char *
errbuf_first(const struct errbuf *eb)
{
	return eb->nerrors > 0 ? eb->errors[0] : NULL;
}
