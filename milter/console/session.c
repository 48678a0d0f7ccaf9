/*
 * session - sessions, CSRF tokens and the sign-in limiter
 *
 * SYNOPSIS
 *	sessions_new(), sessions_free(), sessions_start(), sessions_find(),
 *	sessions_end(), sessions_end_user(), session_csrf_ok(),
 *	session_view_clear(), sessions_locked(), sessions_failed(),
 *	sessions_succeeded()
 *
 * DESCRIPTION
 *	Identifiers and tokens are 32 bytes from libsodium's
 *	randombytes_buf() (the kernel's random source), written as hex.
 *	Token comparison is sodium_memcmp(), in constant time.  Sessions
 *	live in memory only: a restart signs everyone out, which is the
 *	safe direction.  When SESSION_MAX sessions exist (someone
 *	fetching the sign-in page in a loop), expired ones are dropped
 *	and then the least recently used.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <glib.h>
#include <sodium.h>

#include "console/session.h"
#include "util/xalloc.h"

#define SESSION_ADDRESS_FACTOR	10	/* an address may fail this many
					 * times more than an account */

struct session {
	char	 id[SESSION_ID_LEN + 1];
	char	 csrf[SESSION_ID_LEN + 1];
	char	*user;
	enum access_role role;
	time_t	 last;
};

struct strikes {
	long	 failures;		/* wrong passwords in a row */
	time_t	 locked_until;
};

struct sessions {
	pthread_mutex_t lock;
	GHashTable *by_id;		/* id -> struct session */
	GHashTable *strikes;		/* "u:NAME" / "a:ADDR" -> strikes */
	time_t	 idle;
	long	 attempts;
	time_t	 lockout;
};

/* session_free - a table value */
static void
session_free(void *p)
{
	struct session *s = p;

	free(s->user);
	free(s);
}

/* sessions_new - an empty table */
struct sessions *
sessions_new(time_t idle, long attempts, time_t lockout)
{
	struct sessions *s = xcalloc(1, sizeof(*s));

	if (sodium_init() < 0)
		abort();	/* no random source: nothing here is safe */
	pthread_mutex_init(&s->lock, NULL);
	s->by_id = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
	    session_free);
	s->strikes = g_hash_table_new_full(g_str_hash, g_str_equal, free,
	    free);
	s->idle = idle;
	s->attempts = attempts;
	s->lockout = lockout;
	return s;
}

/* sessions_free - free a table */
struct sessions *
sessions_free(struct sessions *s)
{
	if (s == NULL)
		return NULL;
	g_hash_table_destroy(s->by_id);
	g_hash_table_destroy(s->strikes);
	pthread_mutex_destroy(&s->lock);
	free(s);
	return NULL;
}

/* session_random - 32 random bytes as 64 hex characters */
static void
session_random(char out[SESSION_ID_LEN + 1])
{
	unsigned char b[SESSION_ID_LEN / 2];

	randombytes_buf(b, sizeof(b));
	sodium_bin2hex(out, SESSION_ID_LEN + 1, b, sizeof(b));
}

/* session_copy - a view of a stored session */
static void
session_copy(const struct session *s, struct session_view *out)
{
	memcpy(out->id, s->id, sizeof(out->id));
	memcpy(out->csrf, s->csrf, sizeof(out->csrf));
	out->user = s->user != NULL ? xstrdup(s->user) : NULL;
	out->role = s->role;
}

/* sessions_prune - drop expired sessions, then the oldest if full */
static void
sessions_prune(struct sessions *s, time_t now)
{
	GHashTableIter it;
	struct session *v, *oldest = NULL;

	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, (void **)&v))
		if (now - v->last > s->idle)
			g_hash_table_iter_remove(&it);
	if (g_hash_table_size(s->by_id) < SESSION_MAX)
		return;
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, (void **)&v))
		if (oldest == NULL || v->last < oldest->last)
			oldest = v;
	if (oldest != NULL)
		g_hash_table_remove(s->by_id, oldest->id);
}

/* sessions_start - a new session */
void
sessions_start(struct sessions *s, const char *user, enum access_role role,
    time_t now, struct session_view *out)
{
	struct session *n = xcalloc(1, sizeof(*n));

	session_random(n->id);
	session_random(n->csrf);
	n->user = user != NULL ? xstrdup(user) : NULL;
	n->role = user != NULL ? role : ACCESS_NONE;
	n->last = now;
	pthread_mutex_lock(&s->lock);
	sessions_prune(s, now);
	g_hash_table_replace(s->by_id, n->id, n);
	session_copy(n, out);
	pthread_mutex_unlock(&s->lock);
}

/* sessions_find - a live session by cookie value */
bool
sessions_find(struct sessions *s, const char *id, time_t now,
    struct session_view *out)
{
	struct session *v;
	bool found = false;

	memset(out, 0, sizeof(*out));
	if (id == NULL || strlen(id) != SESSION_ID_LEN)
		return false;
	pthread_mutex_lock(&s->lock);
	v = g_hash_table_lookup(s->by_id, id);
	if (v != NULL && now - v->last > s->idle)
		g_hash_table_remove(s->by_id, id);
	else if (v != NULL) {
		v->last = now;
		session_copy(v, out);
		found = true;
	}
	pthread_mutex_unlock(&s->lock);
	return found;
}

/* sessions_end - sign-out */
void
sessions_end(struct sessions *s, const char *id)
{
	if (id == NULL)
		return;
	pthread_mutex_lock(&s->lock);
	g_hash_table_remove(s->by_id, id);
	pthread_mutex_unlock(&s->lock);
}

/* sessions_end_user - every session of a user */
void
sessions_end_user(struct sessions *s, const char *user)
{
	GHashTableIter it;
	struct session *v;

	pthread_mutex_lock(&s->lock);
	g_hash_table_iter_init(&it, s->by_id);
	while (g_hash_table_iter_next(&it, NULL, (void **)&v))
		if (v->user != NULL && strcasecmp(v->user, user) == 0)
			g_hash_table_iter_remove(&it);
	pthread_mutex_unlock(&s->lock);
}

/* session_csrf_ok - constant-time comparison */
bool
session_csrf_ok(const struct session_view *v, const char *token)
{
	if (token == NULL || strlen(token) != SESSION_ID_LEN ||
	    v->csrf[0] == '\0')
		return false;
	return sodium_memcmp(v->csrf, token, SESSION_ID_LEN) == 0;
}

/* session_view_clear - free a copy */
void
session_view_clear(struct session_view *v)
{
	free(v->user);
	sodium_memzero(v, sizeof(*v));
}

/* strikes_key - "u:name" (lower case) or "a:address" */
static char *
strikes_key(char kind, const char *what)
{
	char *k = xasprintf("%c:%s", kind, what);

	for (char *p = k; *p != '\0'; p++)
		*p = g_ascii_tolower(*p);
	return k;
}

/* strikes_locked - is one key locked? */
static bool
strikes_locked(struct sessions *s, char kind, const char *what, time_t now,
    time_t *until)
{
	char *k = strikes_key(kind, what);
	struct strikes *st = g_hash_table_lookup(s->strikes, k);
	bool locked = st != NULL && st->locked_until > now;

	if (locked && st->locked_until > *until)
		*until = st->locked_until;
	free(k);
	return locked;
}

/* sessions_locked - account or address locked */
bool
sessions_locked(struct sessions *s, const char *user, const char *address,
    time_t now, time_t *until)
{
	bool locked;

	*until = 0;
	pthread_mutex_lock(&s->lock);
	locked = strikes_locked(s, 'u', user != NULL ? user : "", now, until);
	locked |= strikes_locked(s, 'a', address != NULL ? address : "", now,
	    until);
	pthread_mutex_unlock(&s->lock);
	return locked;
}

/* strikes_add - one failure against a key */
static void
strikes_add(struct sessions *s, char kind, const char *what, long limit,
    time_t now)
{
	char *k = strikes_key(kind, what);
	struct strikes *st = g_hash_table_lookup(s->strikes, k);

	if (st == NULL) {
		st = xcalloc(1, sizeof(*st));
		g_hash_table_replace(s->strikes, k, st);
	} else
		free(k);
	if (st->locked_until != 0 && st->locked_until <= now) {
		st->failures = 0;	/* the lock has ended: a fresh count */
		st->locked_until = 0;
	}
	if (++st->failures >= limit)
		st->locked_until = now + s->lockout;
}

/* sessions_failed - a wrong password */
void
sessions_failed(struct sessions *s, const char *user, const char *address,
    time_t now)
{
	pthread_mutex_lock(&s->lock);
	strikes_add(s, 'u', user != NULL ? user : "", s->attempts, now);
	strikes_add(s, 'a', address != NULL ? address : "",
	    s->attempts * SESSION_ADDRESS_FACTOR, now);
	pthread_mutex_unlock(&s->lock);
}

/* sessions_succeeded - the account's count restarts */
void
sessions_succeeded(struct sessions *s, const char *user)
{
	char *k = strikes_key('u', user);

	pthread_mutex_lock(&s->lock);
	g_hash_table_remove(s->strikes, k);
	pthread_mutex_unlock(&s->lock);
	free(k);
}
