/*
 * magic_thread - one libmagic cookie per thread
 *
 * SYNOPSIS
 *	const char *magic_thread_type(const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	A magic_t keeps per-call state and must not be shared between
 *	threads (TECH-NOTES 9.1).  Each thread opens its own cookie on
 *	first use (MAGIC_MIME_TYPE, CDF checks left on) and keeps it behind
 *	a pthread key whose destructor closes it when a libmilter pool
 *	thread exits.  Cookies are opened under a mutex because concurrent
 *	magic_load() calls have been reported to crash.  At most
 *	ANALYSIS_MAGIC_PREFIX bytes are looked at.
 *
 *	The compiled database (magic.mgc, about 8 MB) is read once per
 *	process and every cookie uses it in place (magic_load_buffers):
 *	loading it per thread cost 8 MB of memory per libmilter worker.
 *	The buffer is never written after it is read; if it cannot be read
 *	the cookies fall back to magic_load() of the default database.
 *
 * DIAGNOSTICS
 *	magic_thread_type() returns NULL when libmagic cannot be opened or
 *	answers nothing; the caller then uses its own checks alone.  The
 *	result is valid until the next call on the same thread.
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>

#include <magic.h>

#include "analysis/analysis_int.h"

/*
 * The only process-wide state of the analysis: the key, the opening lock
 * and the database, read once under pthread_once and immutable after.
 */
static pthread_key_t magic_thread_key;
static pthread_once_t magic_thread_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t magic_thread_lock = PTHREAD_MUTEX_INITIALIZER;
static gchar *magic_thread_db;
static gsize magic_thread_db_len;

/* magic_thread_close - key destructor: close an exiting thread's cookie */
static void
magic_thread_close(void *cookie)
{
	magic_close(cookie);
}

/* magic_thread_make_key - create the key and read the database once */
static void
magic_thread_make_key(void)
{
	const char *path = magic_getpath(NULL, 0);
	char *mgc;

	(void)pthread_key_create(&magic_thread_key, magic_thread_close);
	if (path == NULL)
		return;
	mgc = g_strconcat(path, ".mgc", NULL);
	if (!g_file_get_contents(mgc, &magic_thread_db, &magic_thread_db_len,
	    NULL) && !g_file_get_contents(path, &magic_thread_db,
	    &magic_thread_db_len, NULL))
		magic_thread_db = NULL;
	g_free(mgc);
}

/* magic_thread_load - load the shared database, else the default one */
static int
magic_thread_load(magic_t m)
{
	void *buf = magic_thread_db;
	size_t len = magic_thread_db_len;

	if (buf != NULL && magic_load_buffers(m, &buf, &len, 1) == 0)
		return 0;
	return magic_load(m, NULL);
}

/* magic_thread_cookie - this thread's cookie, opened on first use */
static magic_t
magic_thread_cookie(void)
{
	magic_t m;

	(void)pthread_once(&magic_thread_once, magic_thread_make_key);
	m = pthread_getspecific(magic_thread_key);
	if (m != NULL)
		return m;
	(void)pthread_mutex_lock(&magic_thread_lock);
	m = magic_open(MAGIC_MIME_TYPE);
	if (m != NULL && magic_thread_load(m) != 0) {
		magic_close(m);
		m = NULL;
	}
	(void)pthread_mutex_unlock(&magic_thread_lock);
	if (m != NULL && pthread_setspecific(magic_thread_key, m) != 0) {
		magic_close(m);
		m = NULL;
	}
	return m;
}

/* magic_thread_type - MIME type of a buffer by libmagic, or NULL */
const char *
magic_thread_type(const unsigned char *data, size_t len)
{
	magic_t m = magic_thread_cookie();

	if (m == NULL)
		return NULL;
	if (len > ANALYSIS_MAGIC_PREFIX)
		len = ANALYSIS_MAGIC_PREFIX;
	return magic_buffer(m, len ? data : (const unsigned char *)"", len);
}
