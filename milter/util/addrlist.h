/*
 * addrlist - split an address-list header (To, Cc) into its items while
 * remembering where each one is, so a rewrite can drop some addresses
 * and keep every other byte as it was
 *
 * RFC 5322 address lists: items are separated by commas outside quoted
 * strings, comments and angle brackets; a group is "name: a, b;".  Each
 * mailbox item is decoded with GMime (RFC 2047 display names, quoted
 * commas) to find its address.
 */
#ifndef AUP_ADDRLIST_H
#define AUP_ADDRLIST_H

#include <stdbool.h>
#include <stddef.h>

enum addrlist_kind {
	ADDRLIST_MAILBOX,	/* one address (with its display name) */
	ADDRLIST_GROUP_OPEN,	/* "Class 5 parents:" */
	ADDRLIST_GROUP_CLOSE	/* ";" */
};

struct addrlist_item {
	enum addrlist_kind kind;
	size_t	 start, end;	/* byte span in the raw value */
	char	*addr;		/* normalised address (mailbox), or NULL */
	bool	 in_group;
};

struct addrlist {
	char	*raw;		/* copy of the value */
	struct addrlist_item *items;
	size_t	 count;
};

/* addrlist_parse - split a raw header value (never fails) */
struct addrlist *addrlist_parse(const char *raw);
/* addrlist_free - accepts NULL, returns NULL */
struct addrlist *addrlist_free(struct addrlist *l);
/*
 * addrlist_without - the value with the mailbox items whose `drop` flag
 * is set removed (drop has one flag per item); separators, folds and
 * every kept byte stay.  Returns a new string, "" when nothing remains
 * (an emptied group keeps "name:;").  No leading space.
 */
char	*addrlist_without(const struct addrlist *l, const bool *drop);

#endif
