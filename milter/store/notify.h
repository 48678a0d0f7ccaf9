/*
 * notify - short notices about held messages (SPEC 2.4 and 5)
 *
 * For each held message: the DSL is told (notify = each), an outbound
 * sender is told their message is held and why (notify_sender), school
 * recipients of an inbound message optionally (notify_recipients).  With
 * notify = digest the DSL gets one notice a day from `aupctl quarantine
 * digest`.  A notice names the reference, sender, recipients, subject and
 * reason; it never carries the message or its attachments.  Texts are
 * the templates notify-dsl, notify-sender, notify-recipient and
 * notify-digest; they are sent through sendmail(1) (sendmail.c).
 */
#ifndef AUP_NOTIFY_H
#define AUP_NOTIFY_H

#include <stddef.h>

#include "config/conf.h"
#include "store/qindex.h"

enum notify_kind {
	NOTIFY_TO_DSL,
	NOTIFY_TO_SENDER,
	NOTIFY_TO_RECIPIENT
};

/*
 * notify_quarantine - every notice one held message calls for under
 * cf's settings; failures are logged.  Returns how many notices could
 * not be sent (0 = all sent); *dsl_told says whether the DSL got one.
 */
int	notify_quarantine(const struct conf *cf, const struct qindex_entry *e,
	    int *dsl_told);
/*
 * notify_compose - the full text (headers and body) of one notice about
 * `e` for `to`; NULL if the template is missing.  No message data goes
 * into a header.
 */
char	*notify_compose(const struct conf *cf, enum notify_kind kind,
	    const struct qindex_entry *e, const char *to);
/* notify_compose_digest - the digest of `n` held messages for the DSL */
char	*notify_compose_digest(const struct conf *cf,
	    const struct qindex_entry *e, long n);
/* notify_from - the envelope sender of notices (never NULL) */
const char *notify_from(const struct conf *cf);
/* notify_send - submit a composed notice to one address; 0 or -1 */
int	notify_send(const struct conf *cf, const char *to, const char *text,
	    char **err);

#endif
