/*
 * access - what each console role may see and do (SPEC 9)
 *
 *	dsl	everything
 *	dpo	pupil-data holds; reports; the audit trail
 *	it	executables and sender-auth holds, deferred mail; may
 *		download an original message
 *	office	its own and its delegates' deferred mail
 *	viewer	reports only (governors, senior leaders)
 *
 * The console asks these functions on every request, for every page
 * and every action; the navigation shows only what they allow.
 */
#ifndef AUP_ACCESS_H
#define AUP_ACCESS_H

#include <stdbool.h>

#include "store/qindex.h"

struct school;

enum access_role {
	ACCESS_NONE = 0,
	ACCESS_DSL,
	ACCESS_DPO,
	ACCESS_IT,
	ACCESS_OFFICE,
	ACCESS_VIEWER
};

/* access_role_parse - "dsl" ... "viewer" (any case); ACCESS_NONE if not */
enum access_role access_role_parse(const char *s);
/* access_role_name - "dsl" ... ("none" for ACCESS_NONE) */
const char *access_role_name(enum access_role r);
/*
 * access_held_filter - narrow a Held list filter to what `r` may see;
 * false when the role sees no held mail at all.
 */
bool	access_held_filter(enum access_role r, struct qindex_filter *f);
/* access_may_see_held - may `r` see (and act on) a message held by
 * `policies` (","-joined)? */
bool	access_may_see_held(enum access_role r, const char *policies);
/* access_may_list_held - does `r` see any held mail? */
bool	access_may_list_held(enum access_role r);
/* access_may_download - may `r` download an original message? */
bool	access_may_download(enum access_role r);
/* access_may_audit - may `r` read the audit trail? */
bool	access_may_audit(enum access_role r);
/* access_may_reports - may `r` read the reports? */
bool	access_may_reports(enum access_role r);
/* access_may_see_names - do the reports name staff for `r`? */
bool	access_may_see_names(enum access_role r);
/* access_may_alerts - may `r` work safeguarding alerts? */
bool	access_may_alerts(enum access_role r);
/* access_may_deferred - may `r` see deferred mail? */
bool	access_may_deferred(enum access_role r);
/*
 * access_may_see_deferred - may `user` (role `r`) see and act on a
 * deferred message whose envelope sender is `sender`?  dsl and it: all;
 * office: mail from its own address (its user name), from the school's
 * office address and from the office's delegates ([school]
 * office_senders), compared as SPEC 3 compares addresses; no one else.
 */
bool	access_may_see_deferred(enum access_role r, const char *user,
	    const struct school *sc, const char *sender);

#endif
