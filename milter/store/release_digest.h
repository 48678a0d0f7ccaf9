/*
 * release_digest - what a release mark covers (release_digest.c): the
 * envelope the message is re-injected with, the headers that decide
 * what it is (named by the mark's h= list) and its body, each in a
 * canonical form that survives re-injection through the MTA.
 *
 * The milter streams the message through a release_canon; aupctl and
 * the deferred sender, which hold the stored message in memory, call
 * release_digest_mem().
 */
#ifndef AUP_RELEASE_DIGEST_H
#define AUP_RELEASE_DIGEST_H

#include <stddef.h>

struct release_canon;

/* release_canon_new - an empty state (release_canon_free it) */
struct release_canon *release_canon_new(void);
/* release_canon_free - accepts NULL */
void	release_canon_free(struct release_canon *c);
/* release_canon_feed - the next bytes of the whole message */
void	release_canon_feed(struct release_canon *c, const void *data,
	    size_t n);
/* release_canon_end - the message is complete; call once, then digest */
void	release_canon_end(struct release_canon *c);
/* release_canon_hlist - the h= list a new mark binds (new string) */
char	*release_canon_hlist(const struct release_canon *c);
/*
 * release_canon_digest - hex SHA-256 over envelope, the headers `hlist`
 * names ("from:cc:subject:..."), and body; 0, or -1 when hlist names an
 * unknown header or leaves out Cc, Subject or Content-Type
 */
int	release_canon_digest(const struct release_canon *c,
	    const char *sender, const char *const *rcpts, size_t nrcpts,
	    const char *hlist, char hex[65]);
/*
 * release_digest_mem - the same for a message in memory; *hlist NULL on
 * entry: chosen from the message (a new string the caller frees)
 */
int	release_digest_mem(const char *data, size_t len, const char *sender,
	    const char *const *rcpts, size_t nrcpts, char **hlist,
	    char hex[65]);

#endif
