/*
 * xalloc - allocation wrappers that abort instead of returning NULL
 *
 * SYNOPSIS
 *	xmalloc(), xcalloc(), xrealloc(), xreallocarray(), xstrdup(),
 *	xstrndup(), xasprintf(), xvasprintf()
 *
 * DESCRIPTION
 *	Out of memory is not a per-message condition we can handle well:
 *	we log and abort.  Postfix is configured with
 *	milter_default_action = tempfail, so the message in flight is
 *	tempfailed and retried after the service manager restarts us.
 *
 * DIAGNOSTICS
 *	"out of memory" on stderr and syslog, then abort().
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "util/xalloc.h"

/* xalloc_fail - report and abort */
static void __attribute__((noreturn))
xalloc_fail(size_t size)
{
	syslog(LOG_CRIT, "out of memory (%zu bytes)", size);
	fprintf(stderr, "aup-milter: out of memory (%zu bytes)\n", size);
	abort();
}

/* xmalloc - malloc or abort */
void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (p == NULL)
		xalloc_fail(size);
	return p;
}

/* xcalloc - zeroed allocation or abort */
void *
xcalloc(size_t count, size_t size)
{
	void *p = calloc(count ? count : 1, size ? size : 1);

	if (p == NULL)
		xalloc_fail(count * size);
	return p;
}

/* xrealloc - realloc or abort */
void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (p == NULL)
		xalloc_fail(size);
	return p;
}

/* xreallocarray - realloc of count elements, overflow-checked */
void *
xreallocarray(void *ptr, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		xalloc_fail(SIZE_MAX);
	return xrealloc(ptr, count * size);
}

/* xstrdup - copy a string */
char *
xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

/* xstrndup - copy at most n bytes of a string */
char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* xvasprintf - formatted allocation */
char *
xvasprintf(const char *fmt, va_list ap)
{
	char *p = NULL;

	if (vasprintf(&p, fmt, ap) < 0)
		xalloc_fail(strlen(fmt));
	return p;
}

/* xasprintf - formatted allocation */
char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}
