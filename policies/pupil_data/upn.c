/*
 * upn - Unique Pupil Number check letters (DfE)
 *
 * SYNOPSIS
 *	upn_check_letter(), upn_validity(), upn_is_valid(),
 *	upn_is_temporary()
 *
 * DESCRIPTION
 *	A UPN is 13 characters: a check letter, 11 digits (LA code,
 *	establishment number, year, serial) and a last digit, or for a
 *	temporary UPN a letter.  The check letter is the sum of characters
 *	2-13 weighted by their positions (2..13), modulo 23, mapped onto
 *	ABCDEFGHJKLMNPQRTUVWXYZ (no I, O, S).  A temporary letter counts as
 *	its index in that table (GDSC, census rule 1510); the DfE's own MTC
 *	service counts it as 0, and UK-SCHOOL-DATA.md asks detectors to
 *	accept either reading.  LA codes are not checked: codes change with
 *	reorganisations and a stale list would drop real UPNs.
 *
 * DIAGNOSTICS
 *	None: predicates only.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "policies/pupil_data/ids.h"

static const char upn_table[] = "ABCDEFGHJKLMNPQRTUVWXYZ";

/* upn_letter_value - index of a check-table letter, or -1 */
static int
upn_letter_value(char c)
{
	const char *p;

	if (c == '\0')
		return -1;
	p = strchr(upn_table, c);
	return p == NULL ? -1 : (int)(p - upn_table);
}

/* upn_check_letter - the expected first letter for characters 2..13 */
char
upn_check_letter(const char *tail, bool temp_letter_zero)
{
	int sum = 0;

	for (int k = 0; k < 12; k++) {
		int v, weight = k + 2;
		char c = tail[k];

		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (k == 11 && (v = upn_letter_value(c)) >= 0)
			v = temp_letter_zero ? 0 : v;
		else
			return 0;
		sum += weight * v;
	}
	return upn_table[sum % 23];
}

/* upn_validity - which readings accept this UPN */
unsigned
upn_validity(const char *s, size_t len)
{
	unsigned bits = 0;

	if (len != 13 || upn_letter_value(s[0]) < 0)
		return 0;
	if (upn_check_letter(s + 1, false) == s[0])
		bits |= UPN_VALID_TABLE;
	if (upn_is_temporary(s, len) && upn_check_letter(s + 1, true) == s[0])
		bits |= UPN_VALID_ZERO;
	return bits;
}

/* upn_is_valid - valid under either reading */
bool
upn_is_valid(const char *s, size_t len)
{
	return upn_validity(s, len) != 0;
}

/* upn_is_temporary - last character a check-table letter */
bool
upn_is_temporary(const char *s, size_t len)
{
	return len == 13 && upn_letter_value(s[12]) >= 0;
}
