/*
 * pupil_rules - build the pupil-data detectors once per configuration
 *
 * SYNOPSIS
 *	pupil_rules_new(), pupil_rules_free(), pupil_findings_carry(),
 *	pupil_kind_name(), pupil_kind_tag()
 *
 * DESCRIPTION
 *	One PCRE2 pattern (compiled at configuration time and JIT-compiled,
 *	byte mode, so invalid UTF-8 in mail cannot stop a match) finds the
 *	shapes of the numeric identifiers in one pass: UPN-shaped tokens
 *	(UK-SCHOOL-DATA.md 1.10), ten-digit numbers plain or 3-3-4 (ULN,
 *	NHS) and dates as UK exports write them (3.2).  Every match is then
 *	checked in C (check letters, check digits, calendar, age).  One
 *	token matcher (ngram.c) holds every phrase: the roster's names, the
 *	keyword lists and the labels that make a number an identifier.
 *	Both are read-only afterwards and shared by all threads.
 *
 * CONFIGURATION
 *	[directory] pupils (the roster), [pupil-data] keywords.
 *
 * DIAGNOSTICS
 *	A pattern that does not compile (a bug) or a bad keyword list:
 *	errors in the errbuf, and no rules.
 *
 * SPDX-License-Identifier: MIT
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <pcre2.h>

#include "policies/pupil_data/pupil_scan.h"
#include "util/xalloc.h"

/* Groups: 1 UPN; 2 ten digits; 3-6 d/m/y; 7-9 ISO y-m-d; 10-12 "5 March
 * 2019".  The boundaries keep parts of longer codes out. */
static const char pupil_pattern[] =
    "(?<![A-Za-z0-9])(?:"
    "([A-HJ-NP-RT-Z][0-9]{11}[0-9A-HJ-NP-RT-Z])"
    "|([0-9]{3}[ -]?[0-9]{3}[ -]?[0-9]{4})"
    "|([0-9]{1,2})([/.-])([0-9]{1,2})\\4((?:19|20)[0-9]{2}|[0-9]{2})"
    "|((?:19|20)[0-9]{2})-([0-9]{2})-([0-9]{2})"
    "|([0-9]{1,2})(?:st|nd|rd|th)?[ -]"
    "((?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*)\\.?[ -]"
    "((?:19|20)[0-9]{2})"
    ")(?![A-Za-z0-9])";

/* The labels that turn a checksum-valid number or a date into an
 * identifier; matched in any case. */
static const struct {
	const char *phrase;
	enum pupil_cue cue;
} pupil_cues[] = {
	{ "upn", PUPIL_CUE_UPN }, { "former upn", PUPIL_CUE_UPN },
	{ "unique pupil number", PUPIL_CUE_UPN },
	{ "uln", PUPIL_CUE_ULN }, { "unique learner number", PUPIL_CUE_ULN },
	{ "nhs", PUPIL_CUE_NHS }, { "nhs number", PUPIL_CUE_NHS },
	{ "nhs no", PUPIL_CUE_NHS },
	{ "dob", PUPIL_CUE_DOB }, { "d o b", PUPIL_CUE_DOB },
	{ "date of birth", PUPIL_CUE_DOB }, { "birth date", PUPIL_CUE_DOB },
	{ "birthdate", PUPIL_CUE_DOB }, { "born", PUPIL_CUE_DOB },
	{ "born on", PUPIL_CUE_DOB },
};

/* pupil_rules_compile - the identifier pattern, JIT-compiled */
static pcre2_code *
pupil_rules_compile(struct errbuf *eb)
{
	int err;
	PCRE2_SIZE off;
	pcre2_code *re = pcre2_compile((PCRE2_SPTR)pupil_pattern,
	    PCRE2_ZERO_TERMINATED, 0, &err, &off, NULL);

	if (re == NULL) {
		PCRE2_UCHAR msg[256];

		(void)pcre2_get_error_message(err, msg, sizeof(msg));
		errbuf_add(eb, NULL, 0, "pupil-data: pattern error at %zu: %s",
		    (size_t)off, (const char *)msg);
		return NULL;
	}
	/* Without JIT pcre2_match() interprets: slower, still correct. */
	(void)pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
	return re;
}

/* pupil_rules_new - everything a scan needs */
struct pupil_rules *
pupil_rules_new(const struct directory *dir, const char *keywords,
    struct errbuf *eb)
{
	struct pupil_rules *r = xcalloc(1, sizeof(*r));
	int rc = 0;

	r->ng = ngram_new();
	for (size_t i = 0; i < sizeof(pupil_cues) / sizeof(pupil_cues[0]); i++)
		(void)ngram_add(r->ng, pupil_cues[i].phrase,
		    strlen(pupil_cues[i].phrase), false, PUPIL_HIT_CUE,
		    pupil_cues[i].cue);
	if (keywords_load(r->ng, PUPIL_HIT_CATEGORY, keywords, &r->cats,
	    eb) < 0)
		rc = -1;
	roster_build(&r->roster, r->ng, PUPIL_HIT_NAME,
	    dir != NULL ? dir->pupils : NULL, dir != NULL ? dir->npupils : 0);
	if ((r->re = pupil_rules_compile(eb)) == NULL)
		rc = -1;
	if (rc < 0)
		r = pupil_rules_free(r);
	return r;
}

/* pupil_rules_free - free everything */
struct pupil_rules *
pupil_rules_free(struct pupil_rules *r)
{
	if (r == NULL)
		return NULL;
	pcre2_code_free(r->re);
	ngram_free(r->ng);
	roster_clear(&r->roster);
	keywords_categories_clear(&r->cats);
	free(r);
	return NULL;
}

/* pupil_findings_carry - the SPEC 2.3 rule */
bool
pupil_findings_carry(const struct pupil_findings *f,
    unsigned min_identifiers)
{
	return f->distinct >= min_identifiers ||
	    (f->distinct >= 1 && f->linked != 0);
}

/* pupil_kind_name - words for the reply */
const char *
pupil_kind_name(enum pupil_kind k, unsigned count)
{
	static const char *const one[PUPIL_KINDS] = { "pupil name", "UPN",
	    "date of birth", "ULN", "NHS number" };
	static const char *const many[PUPIL_KINDS] = { "pupil names", "UPNs",
	    "dates of birth", "ULNs", "NHS numbers" };

	if (k >= PUPIL_KINDS)
		return "identifier";
	return count == 1 ? one[k] : many[k];
}

/* pupil_kind_tag - words for the log */
const char *
pupil_kind_tag(enum pupil_kind k)
{
	static const char *const tag[PUPIL_KINDS] = { "name", "upn", "dob",
	    "uln", "nhs" };

	return k < PUPIL_KINDS ? tag[k] : "id";
}
