/*
 * ref - reference codes: one per decision, in reply, header and log
 */
#ifndef AUP_REF_H
#define AUP_REF_H

#include <stddef.h>

#define REF_LEN 10	/* characters, Crockford base32 (no I, L, O, U) */

/* ref_new - write a new random code and a NUL into buf[REF_LEN + 1] */
void	ref_new(char buf[REF_LEN + 1]);

#endif
