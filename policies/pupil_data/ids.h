/*
 * ids - check digits and dates of the UK pupil identifiers
 *
 * Small pure functions, one file each (upn.c, uln.c, nhs.c, dob.c), so
 * every algorithm can be tested against the worked examples of
 * UK-SCHOOL-DATA.md on its own.  None of them keeps or logs the value it
 * is given.
 */
#ifndef AUP_PUPIL_IDS_H
#define AUP_PUPIL_IDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

/* UPN validity, as a bit mask (a temporary UPN may pass either reading) */
#define UPN_VALID_TABLE	0x1	/* DfE/GDSC: the letter counts as its index */
#define UPN_VALID_ZERO	0x2	/* DfE MTC: a temporary letter counts as 0 */

/* upn_check_letter - the check letter of the 12 characters after it, or 0 */
char	upn_check_letter(const char *tail, bool temp_letter_zero);
/* upn_validity - UPN_VALID_* bits of a 13-character string (0: invalid) */
unsigned upn_validity(const char *s, size_t len);
/* upn_is_valid - does this 13-character string carry a valid check letter? */
bool	upn_is_valid(const char *s, size_t len);
/* upn_is_temporary - a UPN whose last character is a letter */
bool	upn_is_temporary(const char *s, size_t len);

/* uln_is_valid - ten digits, first not 0, mod-11 check digit (HESA) */
bool	uln_is_valid(const char *s, size_t len);

/* nhs_digits - the ten digits of "943 476 5919" / "943-476-5919" / plain;
 * false unless exactly ten digits in one of those shapes */
bool	nhs_digits(const char *s, size_t len, char out[11]);
/* nhs_is_valid - NHS number check digit (NHS Data Dictionary) */
bool	nhs_is_valid(const char *s, size_t len);

/* A calendar date as one number: yyyymmdd. */
/* dob_ymd - yyyymmdd of a real calendar date, or 0 */
long	dob_ymd(int year, int month, int day);
/* dob_month - 1..12 for an English month name or abbreviation, or 0 */
int	dob_month(const char *s, size_t len);
/* dob_year - a four-digit year from a 2- or 4-digit field (UK exports:
 * 00-39 -> 20xx, 40-99 -> 19xx) */
int	dob_year(int y, size_t digits);
/* dob_today - yyyymmdd of the local day of now (0 on error) */
long	dob_today(time_t now);
/* dob_age_ok - would a child born on ymd be 2 to 20 years old on today? */
bool	dob_age_ok(long ymd, long today);
/* dob_is_pupil_age - would a child born on ymd be 2 to 20 years old at now? */
bool	dob_is_pupil_age(long ymd, time_t now);

#endif
