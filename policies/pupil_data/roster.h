/*
 * roster - the pupils of pupils.csv as phrases of the token matcher
 *
 * Names become phrases "forename surname" and "surname forename" for the
 * legal and the preferred forename (so "Surname, Forename", adjacent
 * Forename | Surname cells and either order all match, with case,
 * accents, apostrophes and hyphens folded by ngram.c).  UPNs go into a
 * hash set and dates of birth into an array, for exact matches.  The
 * roster lives in memory only and is never logged.
 */
#ifndef AUP_PUPIL_ROSTER_H
#define AUP_PUPIL_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config/directory.h"
#include "policies/pupil_data/ngram.h"
#include "policies/pupil_data/u64map.h"

struct roster {
	long	*dob;		/* yyyymmdd per pupil, 0 when unknown */
	size_t	 count;		/* pupils */
	struct u64map upns;	/* hash of the UPN -> pupil index */
	size_t	 names;		/* name phrases added */
};

/* roster_build - add the pupils' names to ng (type `type`, value = pupil
 * index) and fill r; pupils may be NULL when count is 0 */
void	roster_build(struct roster *r, struct ngram *ng, uint32_t type,
	    const struct pupil *pupils, size_t count);
/* roster_clear - free what roster_build made */
void	roster_clear(struct roster *r);
/* roster_upn_hash - the hash roster_build keys a UPN by */
uint64_t roster_upn_hash(const char *s, size_t len);
/* roster_has_upn - is this 13-character string a roster UPN? */
bool	roster_has_upn(const struct roster *r, const char *s, size_t len);

#endif
