/*
 * engine - judge one message with every enabled policy (SPEC 2 and 5)
 *
 * One engine, two front ends: the milter (milter.c) and `aupctl test`
 * call engine_evaluate() with the same message model and apply or print
 * the same verdict.  The engine decides; it does not act: the front end
 * sends the reply, edits headers, stores the quarantine copy and logs.
 */
#ifndef AUP_ENGINE_H
#define AUP_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "config/conf.h"
#include "engine/header_edit.h"
#include "engine/msg.h"
#include "engine/ref.h"
#include "engine/verdict.h"
#include "engine/verdict_alert.h"

struct analysis;

struct policy_report {
	const char *name;	/* policy name (static) */
	enum result result;	/* what the policy found */
	char	*reason;	/* short; never pupil data */
	bool	 monitored;	/* in monitor mode: reported, not applied */
	const char *tag;	/* static word for reports ("urgent"), or NULL */
};

struct verdict {
	enum final_action action;	/* what happens to the message */
	enum final_action would_action;	/* what enforce mode would do */
	char	 ref[REF_LEN + 1];
	const char *decided_by;		/* deciding policy, or NULL */
	const char *reply_code;		/* "550", "451", or NULL */
	const char *reply_xcode;	/* "5.7.1", "4.3.0", or NULL */
	char	**reply_lines;		/* NULL-terminated, or NULL */
	struct policy_report *reports;	/* one per policy that ran */
	size_t	 nreports;
	struct header_edits edits;	/* to apply when delivered */
	bool	 quarantine;
	/* defer: the due time (0 otherwise), ISO 8601 in the school's time
	 * zone, and the words a notice uses */
	time_t	 deliver_at;
	char	*deliver_iso;
	char	*deliver_text;
	struct msg_facts facts;		/* direction and roles */
	struct analysis *analysis;	/* if a policy needed it, or NULL */
	char	*error;			/* internal error, or NULL */
	double	 elapsed_ms;
	char	 release_ref[REF_LEN + 1]; /* a valid release mark let it */
					/* past its holders ("" = none); the */
					/* front end claims it (release.h) */
	struct verdict_alerts alerts;	/* safeguarding alerts, and their
					 * evidence for the store only */
	unsigned subject_identifiers;	/* pupil identifiers in the Subject
					 * (withhold.c): verdict_subject() */
};

/*
 * engine_evaluate - judge `m` under `cf` at time `now`.  Never fails: an
 * internal error becomes the on_error action (tempfail 451 4.3.0 by
 * default) with v->error set.  Free with verdict_clear().
 */
void	engine_evaluate(const struct conf *cf, const struct msg *m,
	    time_t now, struct verdict *v);
/* verdict_clear - free a verdict's contents */
void	verdict_clear(struct verdict *v);
/* engine_mode_name - "enforce" or "monitor": the message's effective mode */
const char *engine_mode_name(const struct conf *cf, const struct verdict *v);
/*
 * engine_time_zone - the IANA name of the school's time zone (a policy
 * that keeps time, such as working-hours, names it), or NULL: the
 * process's local time.
 */
const char *engine_time_zone(const struct conf *cf);
/*
 * verdict_subject - m's Subject as it may be logged or shown (event
 * log, quarantine index and REF.json, notices): "[withheld: ...]" when
 * it holds pupil identifiers or safeguarding's matched text, else the
 * Subject; NULL without one.  Free with g_free() (withhold.c).
 */
char	*verdict_subject(const struct msg *m, const struct verdict *v);

#endif
