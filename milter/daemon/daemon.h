/*
 * daemon - the aup-milter program: options, startup, signals, shutdown
 */
#ifndef AUP_DAEMON_H
#define AUP_DAEMON_H

#include "policies/policy.h"

#define DAEMON_DEFAULT_CONF SYSCONFDIR "/aup-milter/aup-milter.conf"

/* daemon_main - the whole program over a policy registry */
int	daemon_main(int argc, char **argv,
	    const struct policy *const *registry);

#endif
