/*
 * verdict_alert - the alerts a verdict raises (SPEC 2.6, 6)
 *
 * A policy that finds a safeguarding concern (safeguarding's categories,
 * pupil-mail's "personal-details") adds an alert to its outcome; the
 * engine moves it into the verdict; the front end acts on it after the
 * decision (the daemon's act step stores it and queues the DSL's email;
 * `aupctl test` only prints it).  The engine writes nothing.
 *
 * Two halves, kept apart on purpose:
 *   - items: category, score, severity, who else to tell.  These may be
 *     printed (aupctl test's "alerts"), logged (the event log) and put
 *     in a notice;
 *   - evidence: the matched phrases and ~120 characters of context, for
 *     the alert store alone.  Nothing that prints, logs, replies or
 *     notifies reads it.
 * An item of a policy or category in monitor mode is kept with
 * `monitored` set: logged as a would-be alert, never stored or sent.
 */
#ifndef AUP_VERDICT_ALERT_H
#define AUP_VERDICT_ALERT_H

#include <stdbool.h>
#include <stddef.h>

struct verdict_alert {
	const char *policy;	/* static policy name */
	char	*category;
	long	 score;
	char	*severity;	/* "low", "medium", "high" */
	char	*notify;	/* addresses to tell besides the DSL
				 * (", "-joined), or NULL */
	bool	 monitored;	/* would be raised: log it only */
};

struct verdict_evidence {
	char	*category;	/* the alert it belongs to */
	char	*phrase;	/* as written in the term list */
	char	*context;
	long	 weight;
};

struct verdict_alerts {
	struct verdict_alert *items;
	size_t	 count;
	struct verdict_evidence *evidence;	/* for the alert store only */
	size_t	 nevidence;
	bool	 withhold_subject;	/* the Subject holds matched text:
					 * never log or send it */
};

/* What logs, indexes and notices say instead of a Subject that holds
 * matched safeguarding text. */
#define VERDICT_SUBJECT_WITHHELD "[withheld: safeguarding]"

/* verdict_alert_add - an alert (strings copied; notify may be NULL) */
void	verdict_alert_add(struct verdict_alerts *a, const char *policy,
	    const char *category, long score, const char *severity,
	    const char *notify, bool monitored);
/* verdict_alert_evidence - a matched phrase for the store (copied) */
void	verdict_alert_evidence(struct verdict_alerts *a, const char *category,
	    const char *phrase, const char *context, long weight);
/* verdict_alert_move - append src's alerts to dst (all monitored when
 * `monitored`) and empty src */
void	verdict_alert_move(struct verdict_alerts *dst,
	    struct verdict_alerts *src, bool monitored);
/* verdict_alert_raised - alerts that are not monitored */
size_t	verdict_alert_raised(const struct verdict_alerts *a);
/* verdict_alert_clear - free and empty */
void	verdict_alert_clear(struct verdict_alerts *a);

#endif
