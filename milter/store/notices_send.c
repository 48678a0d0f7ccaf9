/*
 * notices_send - the SMTP client of the notice queue
 *
 * SYNOPSIS
 *	notices_send_init(), notices_from(), notices_send_due(),
 *	notices_backoff()
 *
 * DESCRIPTION
 *	One libcurl SMTP transaction per notice: EHLO with the domain of
 *	[notify] from, MAIL FROM:<from>, RCPT TO:<to>, DATA (libcurl
 *	dot-stuffs).  No TLS: the relay is the local MTA (default
 *	127.0.0.1:25).  Connecting may take CONNECT_TIMEOUT seconds and a
 *	transaction SEND_TIMEOUT, both well under NOTICES_CLAIM_TTL, and a
 *	stop request (*stop) aborts a transaction at once: the notice is
 *	queued again, due now.
 *
 *	Outcome: 250 after DATA -> sent.  A 5xx reply (the relay or a
 *	filter behind it refused this notice) -> failed, since sending
 *	the same message again gives the same answer.  Anything else (no
 *	connection, 4xx, a timeout) -> tried again after
 *	notices_backoff(): [notify] retry seconds, doubling with each try,
 *	at most [notify] retry_max, until the notice is NOTICES_LIFETIME
 *	old.
 *
 * DIAGNOSTICS
 *	One log line per try: "notice ID (KIND, ref REF) to ADDR: sent",
 *	"...: not sent: WHY; next try in N s" or "...: given up: WHY".
 *
 * SPDX-License-Identifier: MIT
 */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "store/store.h"
#include "store/notices.h"
#include "store/notices_mime.h"
#include "store/notices_send.h"
#include "util/log.h"
#include "util/xalloc.h"

#define CONNECT_TIMEOUT	30	/* seconds */
#define SEND_TIMEOUT	300	/* seconds for one whole transaction */

/* The message being uploaded. */
struct upload {
	const char *data;
	size_t	 len;
	size_t	 off;
};

/* notices_send_init - libcurl's global state, before threads use it */
int
notices_send_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

/* notices_from - the sender of notices */
char *
notices_from(const struct conf *cf)
{
	if (cf->notify.from != NULL)
		return xstrdup(cf->notify.from);
	return xasprintf("aup-milter@%s", cf->school.domains.count > 0 ?
	    cf->school.domains.items[0] : "localhost");
}

/* notices_backoff - retry, doubled per try, at most retry_max */
long
notices_backoff(const struct conf *cf, long tries)
{
	long d = cf->notify.retry;

	for (long i = 1; i < tries && d < cf->notify.retry_max; i++)
		d *= 2;
	return d < cf->notify.retry_max ? d : cf->notify.retry_max;
}

/* notices_read - libcurl's read callback */
static size_t
notices_read(char *buf, size_t size, size_t nitems, void *arg)
{
	struct upload *u = arg;
	size_t n = size * nitems;

	if (n > u->len - u->off)
		n = u->len - u->off;
	memcpy(buf, u->data + u->off, n);
	u->off += n;
	return n;
}

/* notices_progress - abort the transfer when asked to stop */
static int
notices_progress(void *arg, curl_off_t dt, curl_off_t dn, curl_off_t ut,
    curl_off_t un)
{
	const atomic_bool *stop = arg;

	(void)dt, (void)dn, (void)ut, (void)un;
	return stop != NULL && atomic_load(stop) ? 1 : 0;
}

/* notices_smtp - one transaction; CURLE_OK or the error, *code the reply */
static CURLcode
notices_smtp(const struct conf *cf, const char *from, const char *to,
    struct upload *u, const atomic_bool *stop, long *code,
    char errbuf[CURL_ERROR_SIZE])
{
	CURL *c = curl_easy_init();
	struct curl_slist *rcpt = NULL;
	char *url, *mfrom, *rto;
	const char *at = strrchr(from, '@');
	CURLcode rc;

	*code = 0;
	errbuf[0] = '\0';
	if (c == NULL)
		return CURLE_FAILED_INIT;
	url = xasprintf("smtp://%s/%s", cf->notify.relay, at ? at + 1 : "");
	mfrom = xasprintf("<%s>", from);
	rto = xasprintf("<%s>", to);
	rcpt = curl_slist_append(rcpt, rto);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp");
	curl_easy_setopt(c, CURLOPT_MAIL_FROM, mfrom);
	curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
	curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(c, CURLOPT_READFUNCTION, notices_read);
	curl_easy_setopt(c, CURLOPT_READDATA, u);
	curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, (curl_off_t)u->len);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_TIMEOUT, (long)SEND_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, notices_progress);
	curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)stop);
	rc = curl_easy_perform(c);
	(void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, code);
	curl_slist_free_all(rcpt);
	curl_easy_cleanup(c);
	free(url);
	free(mfrom);
	free(rto);
	return rc;
}

/* notices_label - "ID (KIND, ref REF) to ADDR" for the log (new) */
static char *
notices_label(const struct notice_row *r)
{
	return xasprintf("notice %lld (%s%s%s) to %s", (long long)r->id,
	    r->kind, r->ref ? ", ref " : "", r->ref ? r->ref : "", r->to);
}

/* notices_record - store the outcome of one try; log it */
static void
notices_record(const struct conf *cf, const struct notice_row *r,
    CURLcode rc, long code, const char *errbuf, struct notices_tally *t)
{
	struct store *dir = store_of(cf);
	char *label = notices_label(r), *err = NULL, *why;
	long delay = rc == CURLE_ABORTED_BY_CALLBACK ? 0 :
	    notices_backoff(cf, r->tries + 1);
	bool permanent = code >= 500 && code < 600;
	int q;

	if (rc == CURLE_OK) {
		if (notices_mark_sent(dir, r->id, time(NULL), &err) < 0)
			log_warnx("%s: sent, but not recorded: %s", label, err);
		else
			log_info("%s: sent to the relay %s", label,
			    cf->notify.relay);
		t->sent++;
		goto out;
	}
	why = xasprintf("relay %s: %s%s%s", cf->notify.relay,
	    curl_easy_strerror(rc), errbuf[0] ? ": " : "", errbuf);
	q = notices_mark_deferred(dir, r->id, time(NULL), delay, permanent,
	    why, &err);
	if (q < 0)
		log_warnx("%s: not sent (%s), and not recorded: %s", label,
		    why, err);
	else if (q == 1)
		log_warnx("%s: not sent: %s; next try in %ld s", label, why,
		    delay);
	else
		log_warnx("%s: given up: %s", label, why);
	if (q == 0)
		t->failed++;
	else
		t->deferred++;
	free(why);
out:
	free(err);
	free(label);
}

/* notices_send_one - compose, send, record; -1 when no relay answered */
static int
notices_send_one(const struct conf *cf, const char *from,
    const struct notice_row *r, const atomic_bool *stop,
    struct notices_tally *t)
{
	char errbuf[CURL_ERROR_SIZE];
	char *text = notices_mime(r, from, cf->school.name);
	struct upload u = { text, strlen(text), 0 };
	long code;
	CURLcode rc;

	rc = notices_smtp(cf, from, r->to, &u, stop, &code, errbuf);
	notices_record(cf, r, rc, code, errbuf, t);
	free(text);
	return rc != CURLE_OK && code == 0 ? -1 : 0;
}

/* notices_send_due - every due notice, one at a time */
int
notices_send_due(const struct conf *cf, const char *who,
    const atomic_bool *stop, struct notices_tally *t, char **err)
{
	struct store *dir = store_of(cf);
	char *from = notices_from(cf);
	struct notice_row r;
	int rc = 0, got;

	memset(t, 0, sizeof(*t));
	while (stop == NULL || !atomic_load(stop)) {
		got = notices_claim(dir, who, time(NULL), &r, err);
		if (got <= 0) {
			rc = got;
			break;
		}
		/* A relay that cannot be reached will not take the next
		 * one either: the rest wait for the next pass. */
		if (notices_send_one(cf, from, &r, stop, t) < 0) {
			notice_row_clear(&r);
			break;
		}
		notice_row_clear(&r);
	}
	if (rc == 0 && notices_next_due(dir, &t->next_due, err) < 0)
		rc = -1;
	free(from);
	return rc;
}
