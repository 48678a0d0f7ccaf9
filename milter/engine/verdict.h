/*
 * verdict - the results a policy can return and the actions the milter takes
 *
 * SPEC section 2: every policy yields pass, flag, rewrite, defer,
 * quarantine or reject; the strongest wins (reject > quarantine > defer >
 * rewrite > flag > pass).
 * The final action adds accept (nothing objected) and tempfail (internal
 * error, on_error = tempfail).  The enum order is the strength order, so
 * combining results is a max().
 */
#ifndef AUP_VERDICT_H
#define AUP_VERDICT_H

#include <stdbool.h>

enum result {
	RESULT_PASS = 0,	/* no objection */
	RESULT_FLAG,		/* deliver with an X-AUP-Flag header */
	RESULT_REWRITE,		/* deliver with header changes */
	RESULT_DEFER,		/* store durably, deliver at a due time */
	RESULT_QUARANTINE,	/* store durably, then discard from the flow */
	RESULT_REJECT,		/* 550 5.7.1 with an explanation */
	RESULT_OFF		/* as a configured action: the rule is off */
};

enum final_action {
	ACTION_ACCEPT = 0,
	ACTION_FLAG,
	ACTION_REWRITE,
	ACTION_DEFER,
	ACTION_QUARANTINE,
	ACTION_REJECT,
	ACTION_TEMPFAIL,
	ACTION_DISCARD		/* a second copy of a deferred message that
				 * was delivered already: dropped, not judged */
};

enum mode {
	MODE_INHERIT = 0,	/* a policy follows [milter] mode */
	MODE_ENFORCE,
	MODE_MONITOR
};

/* result_name - "pass", "flag", ... (never NULL) */
const char *result_name(enum result r);
/* result_parse - parse an action word; false if unknown */
bool	result_parse(const char *word, enum result *out);
/* final_action_name - "accept", "flag", ..., "tempfail" */
const char *final_action_name(enum final_action a);
/* mode_name - "enforce", "monitor", "inherit" */
const char *mode_name(enum mode m);
/* mode_parse - parse enforce|monitor (and inherit when allowed) */
bool	mode_parse(const char *word, bool allow_inherit, enum mode *out);

#endif
