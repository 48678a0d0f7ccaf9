/*
 * reply_short - replies that survive a bounce (SPEC 5)
 *
 * SYNOPSIS
 *	reply_short()
 *
 * DESCRIPTION
 *	A message a member of staff submits with sendmail(1) on the server
 *	(webmail, a script, a multifunction printer's relay) is refused
 *	in a bounce, and a bounce shows a long multi-line reply as one
 *	run of "550-5.7.1" fragments.  So the short reply is two lines:
 *	the template's first sentence (the rule) and the reference, with
 *	a pointer to the notice; the notice carries the whole explanation
 *	as UTF-8 text, which any mail client shows well.
 *
 *	Which reply: [milter] reply = full or short as set; auto (the
 *	default) is short for local submission and full over SMTP, where
 *	the client shows the reply to the person who just pressed Send.
 *	Postfix hands mail from sendmail(1)/pickup to the milter with the
 *	sender without angle brackets; over SMTP it always has them
 *	(milter.c decides `local`).
 *
 * DIAGNOSTICS
 *	"QUEUEID: ref=REF: full reply kept: WHY" when the notice cannot be
 *	queued.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "config/school_pick.h"
#include "config/template.h"
#include "daemon/daemon_notices.h"
#include "daemon/reply_short.h"
#include "store/notices.h"
#include "store/store.h"
#include "util/log.h"
#include "util/xalloc.h"

#define REPLY_SENTENCE_LINES	3	/* wrapped lines the first sentence may take */

/* reply_wanted - is the short reply asked for? */
static bool
reply_wanted(const struct conf *cf, bool local)
{
	return cf->milter.reply == REPLY_SHORT ||
	    (cf->milter.reply == REPLY_AUTO && local);
}

/* reply_sentence - the first sentence of the reply, on one line (new) */
static char *
reply_sentence(char **lines)
{
	GString *s = g_string_new(NULL);

	for (size_t i = 0; lines[i] != NULL && i < REPLY_SENTENCE_LINES; i++) {
		size_t n = strlen(lines[i]);

		g_string_append_printf(s, "%s%s", i ? " " : "", lines[i]);
		if (n > 0 && strchr(".!?:", lines[i][n - 1]) != NULL)
			break;
	}
	return g_string_free(s, FALSE);
}

/* reply_body - the notice's text: what was refused, then the reply */
static char *
reply_body(const struct msg *m, const struct verdict *v)
{
	GString *s = g_string_new(NULL);
	char *subject = verdict_subject(m, v);

	g_string_append_printf(s, "Your message was not sent.\n\n"
	    "Subject:    %s\nTo:         ", subject ? subject : "(no subject)");
	for (size_t i = 0; i < m->nrcpts; i++)
		g_string_append_printf(s, "%s%s", i ? ", " : "",
		    m->rcpts[i].addr);
	g_string_append_printf(s, "\nReference:  %s\n\n", v->ref);
	for (size_t i = 0; v->reply_lines[i] != NULL; i++)
		g_string_append_printf(s, "%s\n", strcmp(v->reply_lines[i],
		    " ") == 0 ? "" : v->reply_lines[i]);
	g_free(subject);
	return g_string_free(s, FALSE);
}

/* reply_short - two lines, and the explanation as a notice */
bool
reply_short(const struct conf *cf, const struct msg *m, struct verdict *v,
    bool local)
{
	const char *qid = m->queue_id ? m->queue_id : "NOQUEUE";
	char *body, *subject, *first, *err = NULL;
	struct notice n;
	int rc;

	if (v->action != ACTION_REJECT || v->reply_lines == NULL ||
	    v->reply_lines[0] == NULL || !reply_wanted(cf, local) ||
	    m->sender == NULL || m->sender[0] == '\0' ||
	    !school_has_domain(&cf->view, m->sender))
		return false;
	body = reply_body(m, v);
	subject = xasprintf("Your message was not sent (ref %s)", v->ref);
	n = (struct notice){ "reply", v->ref, m->sender, subject, body,
	    conf_school_name(cf) };
	rc = notices_enqueue(store_of(cf), &n, time(NULL), &err);
	free(subject);
	free(body);
	if (rc < 0) {
		log_warnx("%s: ref=%s: full reply kept: %s", qid, v->ref, err);
		free(err);
		return false;
	}
	first = reply_sentence(v->reply_lines);
	template_lines_free(v->reply_lines);
	v->reply_lines = xcalloc(3, sizeof(char *));
	v->reply_lines[0] = first;
	v->reply_lines[1] = xasprintf("The full explanation has been emailed "
	    "to you. Ref: %s", v->ref);
	daemon_notices_wake();
	return true;
}
