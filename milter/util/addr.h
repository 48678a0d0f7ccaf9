/*
 * addr - e-mail address normalisation and comparison
 *
 * SPEC section 3: comparison is case-insensitive on the domain and, by
 * default, the local part; a `+tag` subaddress matches its base address.
 * Every lookup key in the directory is the output of addr_normalize(), so
 * lookups are O(1) hash probes.
 */
#ifndef AUP_ADDR_H
#define AUP_ADDR_H

#include <stdbool.h>
#include <stddef.h>

/*
 * addr_normalize - "<Ann.Lee+school@Gmail.COM>" -> "ann.lee@gmail.com".
 * Strips surrounding white space and angle brackets, lower-cases, drops a
 * +tag from the local part.  Returns a new string, or NULL when the input
 * is not an address (empty, no '@', empty local part or domain, or white
 * space/control characters inside).
 */
char	*addr_normalize(const char *in);
/* addr_strip_brackets - copy without surrounding space and <>; "<>" -> "" */
char	*addr_strip_brackets(const char *in);
/* addr_domain - pointer to the domain of an address (after the last '@'),
 * or "" when there is none; borrowed from `addr` */
const char *addr_domain(const char *addr);
/* addr_domain_is - case-insensitive domain equality */
bool	addr_domain_is(const char *addr, const char *domain);
/*
 * addr_matches - does a normalised address match a pattern?  Patterns:
 * "*" (anything), "*@domain" (any address at domain), or an address
 * (compared after normalisation).
 */
bool	addr_matches(const char *addr, const char *pattern);
/* addr_is_valid_pattern - is the text a pattern addr_matches accepts? */
bool	addr_is_valid_pattern(const char *pattern);
/*
 * addr_domain_problem - why `domain` is not a mail domain, or NULL when
 * it is one: dot-separated labels of letters, digits and '-' (UTF-8
 * letters of an international name too), at least two labels, none
 * empty, starting or ending with '-', or longer than 63; at most 253
 * bytes.  The reason is a static phrase ("has no dot").
 */
const char *addr_domain_problem(const char *domain);
/*
 * addr_problem - why `addr` is not an address mail can be sent to, or
 * NULL: "local@domain" (angle brackets allowed), no white space,
 * control characters or list separators (, ; ") outside quotes, and a
 * domain addr_domain_problem() accepts.  Static phrase.
 */
const char *addr_problem(const char *addr);
/* addr_pattern_problem - the same for "*", "*@domain" or an address */
const char *addr_pattern_problem(const char *pattern);

#endif
