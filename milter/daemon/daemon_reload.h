/*
 * daemon_reload - the signal thread: reload (SIGUSR1), reopen (SIGUSR2)
 */
#ifndef AUP_DAEMON_RELOAD_H
#define AUP_DAEMON_RELOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "policies/policy.h"

/*
 * daemon_reload_start - install `cf` as the current snapshot, open its
 * event log, block the daemon's signals in this and every later thread,
 * and start the thread that handles SIGUSR1 and SIGUSR2.
 */
void	daemon_reload_start(const char *conf_path,
	    const struct policy *const *registry, struct conf *cf,
	    bool verbose);
/* daemon_reload_stop - stop the thread, drop the snapshot and the log */
void	daemon_reload_stop(void);
/* counts for `aup-milter -t` */
unsigned daemon_parent_count(const struct conf *cf);
size_t	daemon_pupil_count(const struct conf *cf);
size_t	daemon_exemption_count(const struct conf *cf);

#endif
