/*
 * eml - present a message file to the message model as an MTA would
 *
 * `aupctl test` must run exactly the milter's code path, so a file is
 * split into the same events libmilter delivers under Postfix: one
 * header at a time (value after the colon, leading space kept, folded
 * lines joined with LF), then the body with CRLF line ends, in chunks.
 * Like Postfix (message_drop_headers), Bcc, Resent-Bcc, Content-Length
 * and Return-Path never reach the filter.
 */
#ifndef AUP_EML_H
#define AUP_EML_H

#include <stddef.h>

#include "engine/msg.h"

/* eml_feed - feed `len` bytes of a message file; 0, or -1 (spool error) */
int	eml_feed(struct msg *m, const char *data, size_t len);
/*
 * eml_header_addresses - every mailbox address in the named headers of a
 * message file (To, Cc, Bcc for default recipients; From for the default
 * sender), group members included; NULL-terminated, free with
 * eml_addresses_free().
 */
char	**eml_header_addresses(const char *data, size_t len,
	    const char *const *names);
/* eml_addresses_free - free a list; returns NULL */
char	**eml_addresses_free(char **list);

#endif
