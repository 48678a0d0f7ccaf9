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
 * notify-digest.  Notices are not sent here: they are queued in the
 * store (notices.h) and a sender delivers them by SMTP.
 */
#ifndef AUP_NOTIFY_H
#define AUP_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "config/conf.h"
#include "store/notices.h"
#include "store/qindex.h"

enum notify_kind {
	NOTIFY_TO_DSL,
	NOTIFY_TO_SENDER,
	NOTIFY_TO_RECIPIENT
};

/* The notices of one held message (strings owned: notify_list_clear). */
struct notify_list {
	struct notice *items;
	size_t	 count;
	bool	 dsl_told;		/* one of them is to the DSL */
};

/*
 * notify_held - every notice one held message calls for under cf's
 * settings (kind "held"), to be queued with the hold (qindex_add_held).
 * A notice whose template is missing is logged and left out.
 */
void	notify_held(const struct conf *cf, const struct qindex_entry *e,
	    struct notify_list *out);
/*
 * notify_compose - subject and body of one notice about `e`; 0, or -1
 * if the template is missing.  Free with notify_notice_clear().
 */
int	notify_compose(const struct conf *cf, enum notify_kind kind,
	    const struct qindex_entry *e, const char *to, struct notice *out);
/* notify_compose_digest - the digest of `n` held messages for the DSL */
int	notify_compose_digest(const struct conf *cf,
	    const struct qindex_entry *e, long n, struct notice *out);
/* notify_notice_clear - free what notify_compose* filled in */
void	notify_notice_clear(struct notice *n);
/* notify_list_clear - free a list from notify_held */
void	notify_list_clear(struct notify_list *l);

#endif
