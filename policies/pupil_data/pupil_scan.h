/*
 * pupil_scan - find pupil identifiers and sensitive categories in text
 *
 * The detectors of the pupil-data policy (SPEC 2.3 and 4), built once
 * per configuration (pupil_rules_new: PCRE2 compiled and JIT-compiled,
 * the roster and keyword phrases in one token matcher) and then used by
 * any number of threads at once (pupil_scan: per-thread PCRE2 match
 * data behind a pthread key).  A scan reports kinds and counts of
 * distinct identifiers and the categories found next to them: never a
 * value.
 */
#ifndef AUP_PUPIL_SCAN_H
#define AUP_PUPIL_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "config/directory.h"
#include "util/errbuf.h"
#include "policies/pupil_data/keywords.h"
#include "policies/pupil_data/ngram.h"
#include "policies/pupil_data/roster.h"

enum pupil_kind {
	PUPIL_NAME = 0,		/* a roster pupil's name */
	PUPIL_UPN,		/* valid check letter, or a roster UPN */
	PUPIL_DOB,		/* a date of birth in the pupil age range */
	PUPIL_ULN,		/* valid ULN next to a ULN label */
	PUPIL_NHS,		/* valid NHS number next to an NHS label */
	PUPIL_KINDS
};

/* What the token matcher reports (ngram types). */
enum pupil_hit {
	PUPIL_HIT_NAME = 1,	/* value: pupil index */
	PUPIL_HIT_CATEGORY,	/* value: category index */
	PUPIL_HIT_CUE		/* value: enum pupil_cue */
};

enum pupil_cue {
	PUPIL_CUE_UPN = 0,	/* "UPN", "unique pupil number" */
	PUPIL_CUE_ULN,		/* "ULN", "unique learner number" */
	PUPIL_CUE_NHS,		/* "NHS", "NHS number" */
	PUPIL_CUE_DOB,		/* "DOB", "date of birth", "born" */
	PUPIL_CUES
};

struct pupil_rules {
	void	*re;		/* pcre2_code: UPN, ten digits, dates */
	struct ngram *ng;	/* names, keywords, labels */
	struct roster roster;
	struct keyword_categories cats;
};

struct pupil_findings {
	unsigned kinds[PUPIL_KINDS];	/* distinct values of each kind */
	unsigned distinct;		/* their sum */
	uint32_t linked;	/* categories within 300 characters of an
				 * identifier or heading its table */
	uint32_t seen;		/* categories anywhere in the text */
};

/*
 * pupil_rules_new - compile the patterns, the roster of `dir` and the
 * keyword lists (`keywords`: file or folder, NULL = built-in).  NULL
 * with the problems in eb.
 */
struct pupil_rules *pupil_rules_new(const struct directory *dir,
	    const char *keywords, struct errbuf *eb);
/* pupil_rules_free - accepts NULL, returns NULL */
struct pupil_rules *pupil_rules_free(struct pupil_rules *r);

/*
 * pupil_scan - scan text[0..len) (a CSV file when `csv`: commas separate
 * cells) as of time `now` (the pupil age range of dates) into f.
 * 0, or -1 when the pattern engine failed (out of memory).
 */
int	pupil_scan(const struct pupil_rules *r, const char *text, size_t len,
	    bool csv, time_t now, struct pupil_findings *f);
/* pupil_findings_carry - does a part with these findings carry pupil
 * data: min_identifiers distinct identifiers, or one plus a category? */
bool	pupil_findings_carry(const struct pupil_findings *f,
	    unsigned min_identifiers);
/* pupil_kind_name - "pupil name"/"pupil names", "UPN"/"UPNs", ... */
const char *pupil_kind_name(enum pupil_kind k, unsigned count);
/* pupil_kind_tag - short log word: "name", "upn", "dob", "uln", "nhs" */
const char *pupil_kind_tag(enum pupil_kind k);

#endif
