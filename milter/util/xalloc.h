/*
 * xalloc - memory allocation that never returns NULL
 *
 * Running out of memory aborts the process on purpose (Postfix mymalloc,
 * OpenSMTPD xmalloc): it removes untestable error branches from every
 * caller, and Postfix's milter_default_action = tempfail plus the service
 * manager's restart make the failure safe - the message stays with the
 * sender and is retried.
 */
#ifndef AUP_XALLOC_H
#define AUP_XALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t size);
void	*xcalloc(size_t count, size_t size);
void	*xrealloc(void *ptr, size_t size);
/* xreallocarray - realloc with an overflow check on count * size */
void	*xreallocarray(void *ptr, size_t count, size_t size);
char	*xstrdup(const char *s);
/* xstrndup - copy at most n bytes and terminate */
char	*xstrndup(const char *s, size_t n);
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

#endif
