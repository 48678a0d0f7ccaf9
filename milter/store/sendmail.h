/*
 * sendmail - hand a message to the MTA through sendmail(1)
 *
 * Notices and released messages are submitted by running sendmail(1)
 * with an argument vector (execv, never a shell):
 *	PATH -i -f SENDER -- RCPT...
 * with the message on its standard input.  Addresses come from mail, so
 * each is checked first (sendmail_address_ok): no white space, control
 * characters, angle brackets or leading '-'.
 */
#ifndef AUP_SENDMAIL_H
#define AUP_SENDMAIL_H

#include <stdbool.h>
#include <stddef.h>

#define SENDMAIL_TIMEOUT	60	/* seconds before the child is killed */

/* sendmail_address_ok - safe to pass as one argument? ("" = <>, allowed) */
bool	sendmail_address_ok(const char *addr);
/*
 * sendmail_run - run `path` for sender `from` ("" for the null sender)
 * and `nrcpts` recipients, writing `len` bytes of `data` with CRLF turned
 * into LF.  0 when it exited 0, else -1 with a message in *err.
 */
int	sendmail_run(const char *path, const char *from,
	    const char *const *rcpts, size_t nrcpts, const char *data,
	    size_t len, char **err);

#endif
