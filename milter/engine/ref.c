/*
 * ref - make reference codes a person can read out on the phone
 *
 * SYNOPSIS
 *	ref_new()
 *
 * DESCRIPTION
 *	Ten characters of Crockford's base32 (50 random bits from
 *	getrandom(2)): no I, L, O or U, so "the code on the refusal" can
 *	be read to the office or the DSL without ambiguity, and codes do
 *	not collide in practice (2^50).
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdint.h>
#include <sys/random.h>
#include <time.h>

#include "engine/ref.h"

/* ref_new - a fresh reference code */
void
ref_new(char buf[REF_LEN + 1])
{
	static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	uint64_t bits = 0;

	if (getrandom(&bits, sizeof(bits), 0) != (ssize_t)sizeof(bits)) {
		struct timespec ts;

		/* XXX only if the kernel has no entropy yet: time + address */
		clock_gettime(CLOCK_REALTIME, &ts);
		bits = (uint64_t)ts.tv_nsec * 6364136223846793005ULL ^
		    (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)buf;
	}
	for (int i = 0; i < REF_LEN; i++) {
		buf[i] = alphabet[bits & 31];
		bits >>= 5;
	}
	buf[REF_LEN] = '\0';
}
