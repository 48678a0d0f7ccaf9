/*
 * session - the console's sessions, CSRF tokens and sign-in limits
 *
 * A session is a random 256-bit identifier (the cookie) with its own
 * random CSRF token that every form carries back.  A session starts
 * anonymous (the sign-in form needs a token too) and is replaced by a
 * new one when someone signs in, so an identifier planted before the
 * sign-in is worthless after it.  Sessions end after [console]
 * session_minutes without a request, or at sign-out.
 *
 * The limiter counts wrong passwords per account and per client
 * address: `attempts` in a row lock an account for `lockout` seconds,
 * ten times as many lock an address.
 *
 * The table is shared by the console's threads and guarded by its own
 * lock; callers get copies, never pointers into it.
 */
#ifndef AUP_SESSION_H
#define AUP_SESSION_H

#include <stdbool.h>
#include <time.h>

#include "console/access.h"

#define SESSION_ID_LEN	64		/* hex characters */
#define SESSION_MAX	10000		/* sessions kept; the oldest go first */

/* What a request learns of its session (a copy). */
struct session_view {
	char	 id[SESSION_ID_LEN + 1];
	char	 csrf[SESSION_ID_LEN + 1];
	char	*user;			/* NULL: not signed in */
	enum access_role role;
};

struct sessions;

/* sessions_new - an empty table; idle = seconds before a session ends */
struct sessions *sessions_new(time_t idle, long attempts, time_t lockout);
/* sessions_free - accepts NULL, returns NULL */
struct sessions *sessions_free(struct sessions *s);
/*
 * sessions_start - a new session (anonymous when user is NULL); fills
 * `out` (clear it with session_view_clear).
 */
void	sessions_start(struct sessions *s, const char *user, enum access_role role,
	    time_t now, struct session_view *out);
/*
 * sessions_find - the live session of cookie value `id`, touched (its
 * idle time starts again); false when there is none or it expired.
 */
bool	sessions_find(struct sessions *s, const char *id, time_t now,
	    struct session_view *out);
/* sessions_end - forget a session (sign-out) */
void	sessions_end(struct sessions *s, const char *id);
/* sessions_end_user - forget every session of a user */
void	sessions_end_user(struct sessions *s, const char *user);
/* session_csrf_ok - does a submitted token match the session's? */
bool	session_csrf_ok(const struct session_view *v, const char *token);
/* session_view_clear - free a copy */
void	session_view_clear(struct session_view *v);

/*
 * sessions_locked - is the account or the address locked now?  Sets
 * *until to when the lock ends.
 */
bool	sessions_locked(struct sessions *s, const char *user,
	    const char *address, time_t now, time_t *until);
/* sessions_failed - count a wrong password (may start a lock) */
void	sessions_failed(struct sessions *s, const char *user,
	    const char *address, time_t now);
/* sessions_succeeded - a right password: the account's count restarts */
void	sessions_succeeded(struct sessions *s, const char *user);

#endif
