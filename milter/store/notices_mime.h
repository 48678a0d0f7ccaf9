/*
 * notices_mime - one queued notice as an Internet message (RFC 5322, MIME)
 *
 * From "SCHOOL email filter" <from>, To the one recipient, Subject as
 * an RFC 2047 encoded word when it is not ASCII, Date of when it was
 * queued, a Message-ID that is the same at every try (so a notice that
 * goes out twice is one message to a mail client), MIME-Version,
 * text/plain; charset=utf-8 (7bit when the body is ASCII, else
 * quoted-printable), Auto-Submitted: auto-generated (RFC 3834) and
 * X-AUP-Notification: KIND; ref=REF.  Lines end in CRLF.
 */
#ifndef AUP_NOTICES_MIME_H
#define AUP_NOTICES_MIME_H

#include "store/notices.h"

/*
 * notices_mime - the message text of row `r` sent from `from` for a
 * school called `school` (NULL: "School"); a new string.  Needs
 * g_mime_init().
 */
char	*notices_mime(const struct notice_row *r, const char *from,
	    const char *school);

#endif
