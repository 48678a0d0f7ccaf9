/*
 * uln - Unique Learner Number check digit (HESA, DfE census 1575)
 *
 * SYNOPSIS
 *	uln_is_valid()
 *
 * DESCRIPTION
 *	Ten digits, the first not 0.  Digits 1-9 weighted 10..2 are summed;
 *	r = sum mod 11; r = 0 is invalid, otherwise the check digit is
 *	10 - r.  Worked examples: 9276308686 and 1000000043 are valid,
 *	1000000063 (remainder 0) and 9276308685 are not.
 *
 * DIAGNOSTICS
 *	None: a predicate.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>

#include "policies/pupil_data/ids.h"

/* uln_is_valid - ten digits with a valid check digit */
bool
uln_is_valid(const char *s, size_t len)
{
	int sum = 0, r;

	if (len != 10 || s[0] < '1' || s[0] > '9')
		return false;
	for (size_t k = 0; k < 10; k++)
		if (s[k] < '0' || s[k] > '9')
			return false;
	for (size_t k = 0; k < 9; k++)
		sum += (s[k] - '0') * (int)(10 - k);
	r = sum % 11;
	return r != 0 && s[9] - '0' == 10 - r;
}
