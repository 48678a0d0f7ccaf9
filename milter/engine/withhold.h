/*
 * withhold - pupil identifiers kept out of what is logged or shown
 *
 * SPEC 7: subject and file names are logged fields, and pupil data is
 * never logged; the second rule wins.  After the policies ran, the
 * engine asks the policy that knows pupil identifiers (policy.h
 * identifiers: pupil-data's detectors) about every value that reaches a
 * log, a header, a reason or a notice, and withholds what holds one.
 */
#ifndef AUP_WITHHOLD_H
#define AUP_WITHHOLD_H

#include <time.h>

#include "config/conf.h"
#include "engine/engine.h"
#include "engine/msg.h"

struct analysis;

/*
 * engine_withhold - in place, as of `now`: each report reason, and each
 * file name and path component of `an` (may be NULL) that holds a pupil
 * identifier becomes "[withheld: N identifiers]"; v->subject_identifiers
 * counts those of m's Subject (verdict_subject() reads it)
 */
void	engine_withhold(const struct conf *cf, const struct msg *m,
	    struct analysis *an, struct verdict *v, time_t now);

#endif
