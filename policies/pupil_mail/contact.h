/*
 * contact - find contact details and arrangements to meet in a pupil's
 * text (pupil-mail, SPEC 2.7)
 *
 * Kinds: a UK phone number (mobile or landline, spaced or not, with
 * +44), a street address (house number and street, or a postcode with
 * a street; a bare postcode alone does not count), an e-mail address
 * other than the school's and the message's own, a social media handle
 * offered with "add me" / "follow me", an arrangement to meet ("meet me
 * at", "come to my house") or a question for such details ("where do
 * you live", "what school do you go to").  The school's own phone
 * number and address never count, nor do dates, times, prices, order
 * or page numbers.
 *
 * Detectors report kinds and counts, never the values.  Rules are
 * compiled once per configuration (contact_rules_new) and read-only
 * afterwards: safe on many threads.
 */
#ifndef AUP_PM_CONTACT_H
#define AUP_PM_CONTACT_H

#include <stdbool.h>
#include <stddef.h>

enum contact_kind {
	CONTACT_PHONE = 0,
	CONTACT_ADDRESS,
	CONTACT_EMAIL,
	CONTACT_SOCIAL,
	CONTACT_MEET,		/* arrangements to meet, questions for details */
	CONTACT_KINDS
};

struct contact_found {
	unsigned n[CONTACT_KINDS];	/* matches of each kind */
};

struct contact_rules;

/*
 * contact_rules_new - compile the detectors, remembering the school's own
 * phone number and address (either may be NULL) and its `ndomains`
 * mail domains (addresses there are not "other" addresses).
 */
struct contact_rules *contact_rules_new(const char *school_phone,
	    const char *school_address, char *const *school_domains,
	    size_t ndomains);
/* contact_rules_free - accepts NULL, returns NULL */
struct contact_rules *contact_rules_free(struct contact_rules *r);
/*
 * contact_scan - add what `text` (UTF-8, `len` bytes) reveals to `f`.
 * `own` (NULL-terminated normalised addresses, may be NULL) are the
 * message's own sender and recipients, which a pupil may write.  With
 * `meet_only`, only arrangements to meet count (mail from outside to a
 * pupil).
 */
void	contact_scan(const struct contact_rules *r, const char *text,
	    size_t len, const char *const *own, bool meet_only,
	    struct contact_found *f);
/* contact_found_total - matches of every kind */
unsigned contact_found_total(const struct contact_found *f);
/* contact_kind_name - "phone number", "address", ... */
const char *contact_kind_name(enum contact_kind k, bool plural);

#endif
