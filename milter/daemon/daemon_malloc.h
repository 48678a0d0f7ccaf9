/*
 * daemon_malloc - keep the allocator's freed memory for the next message
 */
#ifndef AUP_DAEMON_MALLOC_H
#define AUP_DAEMON_MALLOC_H

#include <stdbool.h>

/* Tunables the daemon sets unless the administrator set malloc's own. */
#define DAEMON_MMAP_THRESHOLD	(4 * 1024 * 1024)
#define DAEMON_TRIM_THRESHOLD	(8 * 1024 * 1024)

/*
 * daemon_malloc_tune - call once before any thread starts; returns true
 * when the daemon's thresholds were set, false when GLIBC_TUNABLES names
 * a glibc.malloc tunable (those are left to rule) or mallopt refused
 */
bool	daemon_malloc_tune(void);

#endif
