/*
 * clock - the time the milter judges and sends by
 *
 * Normally time(2).  For tests only, [milter] clock_file names a file
 * holding seconds since the epoch, read on every call, so that an
 * end-to-end test can move the daemon's "now" past a working day's
 * opening without waiting for it (working-hours, deferred mail).
 */
#ifndef AUP_CLOCK_H
#define AUP_CLOCK_H

#include <time.h>

/* clock_now - time(2), or the number in `file` when it is not NULL and
 * holds one (an unreadable file falls back to time(2)) */
time_t	clock_now(const char *file);

#endif
