/*
 * from_list - every mailbox a message's From headers name
 *
 * SYNOPSIS
 *	void from_list_get(const struct msg *m, struct from_list *fl)
 *	void from_list_clear(struct from_list *fl)
 *
 * DESCRIPTION
 *	Each From header is parsed with GMime twice: as received and after
 *	RFC 2047 decoding of the whole value (a From written entirely in
 *	encoded words shows an address to the reader that the first parse
 *	does not see).  Every mailbox is kept, group members included,
 *	normalised (addr_normalize) and without repeats.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "policies/sender_auth/from_list.h"
#include "util/addr.h"
#include "util/xalloc.h"

#define FROM_LIST_MAX	256	/* mailboxes judged at most */

/* from_list_add - keep one normalised address once */
static void
from_list_add(struct from_list *fl, const char *addr)
{
	char *n = addr != NULL ? addr_normalize(addr) : NULL;

	if (n == NULL)
		return;
	for (size_t i = 0; i < fl->count; i++)
		if (strcmp(fl->addrs[i], n) == 0) {
			free(n);
			return;
		}
	if (fl->count >= FROM_LIST_MAX) {
		free(n);
		return;
	}
	fl->addrs = xreallocarray(fl->addrs, fl->count + 2,
	    sizeof(*fl->addrs));
	fl->addrs[fl->count++] = n;
	fl->addrs[fl->count] = NULL;
}

/* from_list_walk - mailboxes of a parsed list, into groups */
static void
from_list_walk(struct from_list *fl, InternetAddressList *list)
{
	int n = list != NULL ? internet_address_list_length(list) : 0;

	for (int i = 0; i < n; i++) {
		InternetAddress *ia = internet_address_list_get_address(list,
		    i);

		if (INTERNET_ADDRESS_IS_MAILBOX(ia))
			from_list_add(fl, internet_address_mailbox_get_addr(
			    INTERNET_ADDRESS_MAILBOX(ia)));
		else if (INTERNET_ADDRESS_IS_GROUP(ia))
			from_list_walk(fl, internet_address_group_get_members(
			    INTERNET_ADDRESS_GROUP(ia)));
	}
}

/* from_list_parse - one header value */
static void
from_list_parse(struct from_list *fl, const char *value)
{
	InternetAddressList *list = internet_address_list_parse(NULL, value);

	from_list_walk(fl, list);
	if (list != NULL)
		g_object_unref(list);
}

/* from_list_get - the mailboxes of every From header */
void
from_list_get(const struct msg *m, struct from_list *fl)
{
	const struct msg_header *h;
	char *decoded;

	memset(fl, 0, sizeof(*fl));
	for (size_t k = 0; (h = msg_header(m, "From", k)) != NULL; k++) {
		fl->headers++;
		from_list_parse(fl, h->value);
		decoded = g_mime_utils_header_decode_text(NULL, h->value);
		if (decoded != NULL && strcmp(decoded, h->value) != 0)
			from_list_parse(fl, decoded);
		g_free(decoded);
	}
}

/* from_list_clear - free the addresses */
void
from_list_clear(struct from_list *fl)
{
	for (size_t i = 0; i < fl->count; i++)
		free(fl->addrs[i]);
	free(fl->addrs);
	memset(fl, 0, sizeof(*fl));
}
