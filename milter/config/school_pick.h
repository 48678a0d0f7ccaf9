/*
 * school_pick - which school a message belongs to, from its envelope
 *
 * With `[milter] schools` one service filters for many schools; each
 * message is judged by one school's snapshot.  The sender decides for
 * outbound mail (a sender in a school's domains); otherwise the first
 * recipient in a school's domains does, and a recipient of another
 * school is refused for now (452 4.5.3) so the client sends it again
 * separately.  Without school files the main snapshot is the school.
 * What the store kept of a message names its school; the front ends
 * find that school's snapshot again by the name (conf_school_named).
 */
#ifndef AUP_SCHOOL_PICK_H
#define AUP_SCHOOL_PICK_H

#include <stdbool.h>

#include "config/conf.h"

struct school_pick {
	const struct conf *school;	/* NULL until known */
	bool	 by_sender;		/* outbound: every recipient is its */
};

/* The text of the 452 4.5.3 a second school's recipient gets. */
#define SCHOOL_PICK_REPLY "Too many schools in one message: send again " \
	"for this school's recipients"

/* conf_school_of - the school of an address or bare domain, or NULL */
const struct conf *conf_school_of(const struct conf *cf, const char *addr);
/* school_pick_sender - start a message: the sender may decide */
void	school_pick_sender(struct school_pick *pk, const struct conf *cf,
	    const char *sender);
/*
 * school_pick_rcpt - one recipient; false when it belongs to another
 * school than the message's (the caller answers 452 4.5.3)
 */
bool	school_pick_rcpt(struct school_pick *pk, const struct conf *cf,
	    const char *rcpt);
/* school_pick_done - the message's school: the first one when unknown */
const struct conf *school_pick_done(const struct school_pick *pk,
	    const struct conf *cf);
/* conf_school_name - what events record: NAME of NAME.conf, or NULL */
const char *conf_school_name(const struct conf *school);
/*
 * conf_school_named - the snapshot of the school NAME (a store row's
 * school): the main snapshot for NULL or "" (one school, or a row from
 * before schools), NULL when no school has that name
 */
const struct conf *conf_school_named(const struct conf *cf,
	    const char *name);
/* conf_school_list - the schools' names, ", "-joined (new string; "" for
 * a single-school service) */
char	*conf_school_list(const struct conf *cf);

#endif
