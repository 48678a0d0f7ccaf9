/*
 * alert_notice - raise a verdict's safeguarding alerts after the
 * decision: the alert records and the DSL's email (SPEC 2.6, 12)
 *
 * Called by the front end that acts (the daemon's act step) once the
 * verdict is final and any hold is stored.  Each alert that is raised
 * (not monitored) becomes one record of the alert store (alerts.h), with
 * its evidence; then one email per message goes through the notice
 * queue (notices.h) to [school] dsl and to each alert's extra addresses
 * ([safeguarding] notify).  The email names the categories, severity,
 * the people's roles and addresses, the time, the reference and where to
 * open the alerts; it never carries a matched phrase, the Subject or any
 * other part of the message.
 */
#ifndef AUP_ALERT_NOTICE_H
#define AUP_ALERT_NOTICE_H

#include <stdint.h>
#include <time.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"
#include "store/notices.h"

/*
 * alert_notice_raise - store the raised alerts of v and queue the email:
 * 0 (also when v raises none), or -1 when an alert could not be stored
 * (*err says why; the caller tempfails the message so nothing is lost).
 * A notice that cannot be queued is logged, not an error: the alert is
 * in the store, where the console shows it.
 */
int	alert_notice_raise(const struct conf *cf, const struct msg *m,
	    const struct verdict *v, time_t now, char **err);
/*
 * alert_notice_compose - the email about v's raised alerts (ids[i] the
 * store's number of the i-th raised alert) for `to`: 0, or -1 when the
 * template notify-alert is missing.  Free with notify_notice_clear().
 */
int	alert_notice_compose(const struct conf *cf, const struct msg *m,
	    const struct verdict *v, const int64_t *ids, time_t now,
	    const char *to, struct notice *out);

#endif
