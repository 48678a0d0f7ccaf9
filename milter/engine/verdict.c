/*
 * verdict - names of results, final actions and modes
 *
 * SYNOPSIS
 *	result_name(), result_parse(), final_action_name(), mode_name(),
 *	mode_parse()
 *
 * DESCRIPTION
 *	One table each, so that configuration words, log words and the
 *	JSON of `aupctl test` can never drift apart.
 *
 * SPDX-License-Identifier: MIT
 */
#include <strings.h>

#include "engine/verdict.h"

static const char *const result_names[] = {
	[RESULT_PASS] = "pass",
	[RESULT_FLAG] = "flag",
	[RESULT_REWRITE] = "rewrite",
	[RESULT_DEFER] = "defer",
	[RESULT_QUARANTINE] = "quarantine",
	[RESULT_REJECT] = "reject",
	[RESULT_OFF] = "off",
};

static const char *const action_names[] = {
	[ACTION_ACCEPT] = "accept",
	[ACTION_FLAG] = "flag",
	[ACTION_REWRITE] = "rewrite",
	[ACTION_DEFER] = "defer",
	[ACTION_QUARANTINE] = "quarantine",
	[ACTION_REJECT] = "reject",
	[ACTION_TEMPFAIL] = "tempfail",
	[ACTION_DISCARD] = "discard",
};

static const char *const mode_names[] = {
	[MODE_INHERIT] = "inherit",
	[MODE_ENFORCE] = "enforce",
	[MODE_MONITOR] = "monitor",
};

/* result_name - word for a policy result */
const char *
result_name(enum result r)
{
	if ((unsigned)r >= sizeof(result_names) / sizeof(result_names[0]))
		return "?";
	return result_names[r];
}

/*
 * result_parse - configuration word to result.  "pass" parses too, but
 * only a setting whose choices name it accepts it (conf_param.c).
 */
bool
result_parse(const char *word, enum result *out)
{
	for (unsigned i = RESULT_PASS; i <= RESULT_OFF; i++) {
		if (strcasecmp(word, result_names[i]) == 0) {
			*out = (enum result)i;
			return true;
		}
	}
	return false;
}

/* final_action_name - word for the message's final action */
const char *
final_action_name(enum final_action a)
{
	if ((unsigned)a >= sizeof(action_names) / sizeof(action_names[0]))
		return "?";
	return action_names[a];
}

/* mode_name - word for a mode */
const char *
mode_name(enum mode m)
{
	if ((unsigned)m >= sizeof(mode_names) / sizeof(mode_names[0]))
		return "?";
	return mode_names[m];
}

/* mode_parse - enforce | monitor (| inherit) */
bool
mode_parse(const char *word, bool allow_inherit, enum mode *out)
{
	for (unsigned i = allow_inherit ? MODE_INHERIT : MODE_ENFORCE;
	    i <= MODE_MONITOR; i++) {
		if (strcasecmp(word, mode_names[i]) == 0) {
			*out = (enum mode)i;
			return true;
		}
	}
	return false;
}
