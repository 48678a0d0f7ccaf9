/*
 * aupctl - the administrator's and the DSL's command (SPEC section 6)
 */
#ifndef AUP_AUPCTL_H
#define AUP_AUPCTL_H

#include "policies/policy.h"

#define AUPCTL_DEFAULT_CONF SYSCONFDIR "/aup-milter/aup-milter.conf"

/* aupctl_main - the whole program over a policy registry */
int	aupctl_main(int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_test - `aupctl -c FILE test ...`; argv[0] is "test" */
int	aupctl_test(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_console - `aupctl console passwd USER`; argv[0] is "console" */
int	aupctl_console(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_report - `aupctl report ...`; argv[0] is "report" */
int	aupctl_report(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_deferred - `aupctl deferred list|send|cancel`; argv[0] is theirs */
int	aupctl_deferred(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);

/* aupctl_alerts - `aupctl -c FILE alerts ...`; argv[0] is "alerts" */
int	aupctl_alerts(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_audit - `aupctl -c FILE audit ...`; argv[0] is "audit" */
int	aupctl_audit(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_store - `aupctl -c FILE store migrate`; argv[0] is "store" */
int	aupctl_store(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);
/* aupctl_notices - `aupctl -c FILE notices ...`; argv[0] is "notices" */
int	aupctl_notices(const char *conf_path, int argc, char **argv,
	    const struct policy *const *registry);

#endif
