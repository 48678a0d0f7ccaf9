/*
 * nhs - NHS number check digit (NHS Data Dictionary)
 *
 * SYNOPSIS
 *	nhs_digits(), nhs_is_valid()
 *
 * DESCRIPTION
 *	Ten digits, usually shown 3-3-4 ("943 476 5919").  Digits 1-9
 *	weighted 10..2 are summed; c = 11 - (sum mod 11); 11 becomes 0 and
 *	10 means the number is never issued.  Worked examples: 943 476 5919
 *	and 943 476 5870 are valid; 987 654 4321, often quoted, is not.
 *
 * DIAGNOSTICS
 *	None: predicates only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>

#include "policies/pupil_data/ids.h"

/* nhs_digits - the digits of a plain or 3-3-4 grouped number */
bool
nhs_digits(const char *s, size_t len, char out[11])
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9') {
			if (n == 10)
				return false;
			out[n++] = s[i];
		} else if ((s[i] == ' ' || s[i] == '-') && (n == 3 || n == 6) &&
		    i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9') {
			continue;
		} else {
			return false;
		}
	}
	out[n] = '\0';
	return n == 10;
}

/* nhs_is_valid - a valid NHS number in any of the usual shapes */
bool
nhs_is_valid(const char *s, size_t len)
{
	char d[11];
	int sum = 0, c;

	if (!nhs_digits(s, len, d))
		return false;
	for (int k = 0; k < 9; k++)
		sum += (d[k] - '0') * (10 - k);
	c = 11 - sum % 11;
	if (c == 11)
		c = 0;
	return c != 10 && d[9] - '0' == c;
}
