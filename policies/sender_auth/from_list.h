/*
 * from_list - every mailbox a message's From headers name
 *
 * Mail clients show different things for a From that names more than
 * one mailbox, a group ("Staff: head@school;"), a second From header or
 * an address hidden in RFC 2047 encoded words; sender-auth judges them
 * all.
 */
#ifndef AUP_FROM_LIST_H
#define AUP_FROM_LIST_H

#include <stddef.h>

#include "engine/msg.h"

struct from_list {
	char	**addrs;	/* normalised, distinct; NULL-terminated */
	size_t	 count;
	size_t	 headers;	/* how many From headers */
};

/* from_list_get - the mailboxes of every From header */
void	from_list_get(const struct msg *m, struct from_list *fl);
/* from_list_clear - free the addresses */
void	from_list_clear(struct from_list *fl);

#endif
