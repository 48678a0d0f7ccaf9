/*
 * log - syslog (facility mail by default) and, in the foreground, stderr
 *
 * Message-scoped lines start with the Postfix queue id so they join the
 * MTA's log.  Never log pupil data values; log counts and kinds.
 */
#ifndef AUP_LOG_H
#define AUP_LOG_H

#include <stdbool.h>

/* log_init - open syslog; also write to stderr when `to_stderr` */
void	log_init(const char *ident, const char *facility, bool to_stderr);
/* log_set_verbose - enable or disable debug lines */
void	log_set_verbose(bool verbose);
void	log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* log_warn - a warning with ": strerror(errno)" appended */
void	log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* fatal/fatalx - log and exit(1); only before smfi_main */
void	fatal(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *fmt, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

#endif
