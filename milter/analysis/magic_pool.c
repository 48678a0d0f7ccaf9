/*
 * magic_pool - libmagic cookies lent to one caller at a time
 *
 * SYNOPSIS
 *	char *magic_pool_type(const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	A magic_t keeps per-call state and must not be shared between
 *	threads at the same time (TECH-NOTES 9.1).  libmilter starts a
 *	thread for each connection, so a cookie kept per thread was opened,
 *	loaded and closed again for nearly every message: the database
 *	(magic.mgc, 8 MB, mapped by magic_load) was mapped afresh, faulted
 *	in page by page on the first lookups and unmapped with a TLB
 *	shootdown on every CPU when the thread ended.  Instead the cookies
 *	live in one process-wide pool: a caller takes a free cookie (or
 *	opens one when none is free), asks it, copies the answer and puts
 *	it back.  The pool therefore holds as many cookies as there were
 *	concurrent lookups at the busiest moment, and keeps them until the
 *	process exits.  Cookies are opened outside the pool's lock, under
 *	a lock of their own, because concurrent magic_load() calls have
 *	been reported to crash.  At most ANALYSIS_MAGIC_PREFIX bytes are
 *	looked at.
 *
 * DIAGNOSTICS
 *	magic_pool_type() returns NULL when libmagic cannot be opened or
 *	answers nothing; the caller then uses its own checks alone.  The
 *	answer is the caller's to free.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <stdlib.h>

#include <magic.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

/*
 * The only process-wide state of the analysis: cookies not in use, and
 * the locks of the pool and of magic_load().  A cookie is used by one
 * thread at a time, between magic_pool_take() and magic_pool_give().
 */
static pthread_mutex_t magic_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t magic_pool_open_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t *magic_pool_free;
static size_t magic_pool_nfree, magic_pool_cap;

/* magic_pool_open - a new cookie on the default database, or NULL */
static magic_t
magic_pool_open(void)
{
	magic_t m;

	(void)pthread_mutex_lock(&magic_pool_open_lock);
	m = magic_open(MAGIC_MIME_TYPE);
	if (m != NULL && magic_load(m, NULL) != 0) {
		magic_close(m);
		m = NULL;
	}
	(void)pthread_mutex_unlock(&magic_pool_open_lock);
	return m;
}

/* magic_pool_take - a free cookie, or a new one */
static magic_t
magic_pool_take(void)
{
	magic_t m = NULL;

	(void)pthread_mutex_lock(&magic_pool_lock);
	if (magic_pool_nfree > 0)
		m = magic_pool_free[--magic_pool_nfree];
	(void)pthread_mutex_unlock(&magic_pool_lock);
	return m != NULL ? m : magic_pool_open();
}

/* magic_pool_give - put a cookie back for the next caller */
static void
magic_pool_give(magic_t m)
{
	(void)pthread_mutex_lock(&magic_pool_lock);
	if (magic_pool_nfree == magic_pool_cap) {
		magic_pool_cap = magic_pool_cap ? magic_pool_cap * 2 : 16;
		magic_pool_free = xreallocarray(magic_pool_free,
		    magic_pool_cap, sizeof(*magic_pool_free));
	}
	magic_pool_free[magic_pool_nfree++] = m;
	(void)pthread_mutex_unlock(&magic_pool_lock);
}

/* magic_pool_type - MIME type of a buffer by libmagic, or NULL */
char *
magic_pool_type(const unsigned char *data, size_t len)
{
	magic_t m = magic_pool_take();
	const char *type;
	char *copy;

	if (m == NULL)
		return NULL;
	if (len > ANALYSIS_MAGIC_PREFIX)
		len = ANALYSIS_MAGIC_PREFIX;
	type = magic_buffer(m, len ? data : (const unsigned char *)"", len);
	copy = type != NULL ? xstrdup(type) : NULL;
	magic_pool_give(m);
	return copy;
}
