/*
 * release - make and check the mark of a released message
 *
 * SYNOPSIS
 *	release_secret_ensure(), release_secret_load(), release_mac(),
 *	release_mark(), release_marked_copy(), release_check(),
 *	release_claim(), release_info_clear()
 *
 * DESCRIPTION
 *	The mark
 *		X-AUP-Release: REF; h=from:to:cc:subject:...; mac=HEX
 *	binds a reference code to one message with a key only the milter
 *	and aupctl can read: HEX = HMAC-SHA256(key, REF ":" digest), where
 *	the digest (release_digest.c) covers the envelope sender, the
 *	recipients the message is re-injected to (a release to another
 *	address is marked for that address), the headers that decide what
 *	the message is (From, To, Cc, Subject, Date, Message-ID,
 *	Content-Type, as the h= list names them) and the body.  So nobody
 *	can write a mark for another message, nor move a valid one onto a
 *	message with another Subject, From, body, sender or recipient:
 *	that is judged normally.  The canonical forms survive the trip
 *	through the MTA (line ends, folding, the Received headers it adds).
 *
 *	The index binds the mark to one delivery, so a copy of a released
 *	message sent again is held again.  Checking only reads the index
 *	(the engine decides and writes nothing); the daemon's act step
 *	claims the release once the message's fate is final
 *	(release_claim, by reference; "NOQUEUE" when the MTA gave no queue
 *	id), so a released message whose first attempt is tempfailed is
 *	let through when it comes back.  MACs are compared in constant
 *	time.  HMAC and SHA-256 are GLib's (GHmac, GChecksum).
 *
 * CONFIGURATION
 *	[milter] release_secret, the store (the index).
 *
 * DIAGNOSTICS
 *	release_check() logs, with the queue id: "release mark for REF
 *	does not verify (forged, or another body, headers or envelope);
 *	judged normally", "malformed X-AUP-Release header ignored", "release
 *	mark for REF used again (already delivered ...); judged
 *	normally", "release mark for REF: not released", "release mark
 *	for REF cannot be checked: WHY" (the message is then tempfailed).
 *	A deferred message's copy whose mark was spent since the daemon
 *	started is dropped ("already delivered as QID: this copy is
 *	dropped"); one spent before the start is judged normally ("let
 *	through as QID before the milter restarted"): the old process may
 *	have died between spending the mark and answering the MTA, which
 *	then kept its copy, and dropping it would lose the message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <glib.h>

#include "util/log.h"
#include "store/deferred.h"
#include "store/qindex.h"
#include "store/release.h"
#include "store/release_digest.h"
#include "store/store.h"
#include "util/xalloc.h"

#define RELEASE_KEY_BYTES	32
#define RELEASE_MAX_MARKS	4	/* X-AUP-Release headers looked at */
#define RELEASE_HLIST_MAX	96	/* the h= list: 47 characters at most */

/* release_mac - HMAC-SHA256(key, REF ":" digest) in hex */
char *
release_mac(const char *key, const char *ref, const char *digest)
{
	GHmac *h = g_hmac_new(G_CHECKSUM_SHA256, (const guchar *)key,
	    strlen(key));
	char *mac;

	g_hmac_update(h, (const guchar *)ref, (gssize)strlen(ref));
	g_hmac_update(h, (const guchar *)":", 1);
	g_hmac_update(h, (const guchar *)digest, (gssize)strlen(digest));
	mac = xstrdup(g_hmac_get_string(h));
	g_hmac_unref(h);
	return mac;
}

/* release_mark - the header value "REF; h=HLIST; mac=HEX" */
char *
release_mark(const char *key, const char *ref, const char *hlist,
    const char *digest)
{
	char *mac = release_mac(key, ref, digest);
	char *v = xasprintf("%s; h=%s; mac=%s", ref, hlist, mac);

	free(mac);
	return v;
}

/* release_marked_copy - the message with its mark in front, for the
 * envelope it is re-injected with (new buffer of *outlen bytes + NUL) */
char *
release_marked_copy(const char *key, const char *ref, const char *data,
    size_t len, const char *sender, const char *const *rcpts,
    size_t nrcpts, size_t *outlen)
{
	char digest[65], *hlist = NULL, *mark, *copy;
	size_t head;

	/* A list the message chose is always acceptable: cannot fail. */
	(void)release_digest_mem(data, len, sender, rcpts, nrcpts, &hlist,
	    digest);
	mark = release_mark(key, ref, hlist, digest);
	copy = xasprintf("%s: %s\r\n", RELEASE_HEADER, mark);
	head = strlen(copy);
	copy = xrealloc(copy, head + len + 1);
	memcpy(copy + head, data, len);
	copy[head + len] = '\0';
	*outlen = head + len;
	free(mark);
	free(hlist);
	return copy;
}

/* release_secret_write - fill a new key file; 0 or -1 */
static int
release_secret_write(int fd)
{
	unsigned char raw[RELEASE_KEY_BYTES];
	char hex[2 * RELEASE_KEY_BYTES + 2];

	if (getrandom(raw, sizeof(raw), 0) != (ssize_t)sizeof(raw))
		return -1;
	for (size_t i = 0; i < sizeof(raw); i++)
		snprintf(hex + 2 * i, 3, "%02x", raw[i]);
	hex[2 * RELEASE_KEY_BYTES] = '\n';
	if (fchmod(fd, 0640) < 0 ||
	    write(fd, hex, sizeof(hex) - 1) != (ssize_t)sizeof(hex) - 1)
		return -1;
	return fsync(fd);
}

/* release_secret_ensure - make the key file once */
int
release_secret_ensure(const char *path, char **err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);

	if (fd < 0 && errno == EEXIST)
		return 0;
	if (fd < 0 || release_secret_write(fd) < 0) {
		*err = xasprintf("cannot create the release secret %s: %s",
		    path, strerror(errno));
		if (fd >= 0) {
			(void)close(fd);
			(void)unlink(path);
		}
		return -1;
	}
	return close(fd);
}

/* release_secret_load - read the key (white space trimmed) */
int
release_secret_load(const char *path, char **key, char **err)
{
	gchar *text = NULL;
	GError *ge = NULL;

	*key = NULL;
	if (!g_file_get_contents(path, &text, NULL, &ge)) {
		*err = xasprintf("cannot read the release secret: %s",
		    ge->message);
		g_error_free(ge);
		return -1;
	}
	g_strstrip(text);
	if (strlen(text) < RELEASE_KEY_BYTES) {
		*err = xasprintf("the release secret %s is too short", path);
		g_free(text);
		return -1;
	}
	*key = xstrdup(text);
	g_free(text);
	return 0;
}

/* A mark taken apart. */
struct release_parsed {
	char	 ref[REF_LEN + 1];
	char	 hlist[RELEASE_HLIST_MAX + 1];
	char	 mac[65];
};

/* release_skip - past "; " separators */
static const char *
release_skip(const char *p)
{
	while (*p == ';' || *p == ' ' || *p == '\t')
		p++;
	return p;
}

/* release_parse - "REF; h=LIST; mac=HEX" taken apart; false if malformed */
static bool
release_parse(const char *value, struct release_parsed *out)
{
	const char *p = value;
	size_t n;

	for (n = 0; isalnum((unsigned char)p[n]); n++)
		;
	if (n != REF_LEN)
		return false;
	memcpy(out->ref, p, REF_LEN);
	out->ref[REF_LEN] = '\0';
	p = release_skip(p + n);
	if (strncasecmp(p, "h=", 2) != 0)
		return false;
	for (p += 2, n = 0; (isalpha((unsigned char)p[n]) || p[n] == '-' ||
	    p[n] == ':') && n < RELEASE_HLIST_MAX; n++)
		out->hlist[n] = (char)tolower((unsigned char)p[n]);
	out->hlist[n] = '\0';
	p = release_skip(p + n);
	if (strncasecmp(p, "mac=", 4) != 0)
		return false;
	for (p += 4, n = 0; isxdigit((unsigned char)p[n]) && n < 64; n++)
		out->mac[n] = (char)tolower((unsigned char)p[n]);
	out->mac[n] = '\0';
	return n == 64 && (p[n] == '\0' || isspace((unsigned char)p[n]));
}

/* release_equal - constant-time comparison of two 64-char strings */
static bool
release_equal(const char *a, const char *b)
{
	unsigned char d = 0;

	for (size_t i = 0; i < 64; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

/*
 * release_deferred_ok - a deferred message sent at its time (or sent
 * now) and not yet delivered?  1 yes, 0 no (a delivered one is marked
 * a duplicate), -1 the store could not be read; all logged
 */
static int
release_deferred_ok(const struct conf *cf, const struct msg *m,
    const char *ref, struct release_info *out)
{
	const char *qid = m->queue_id != NULL ? m->queue_id : "NOQUEUE";
	struct deferred_entry e;
	char *err = NULL;
	int rc = deferred_get(store_of(cf), ref, &e, &err), ok = 0;

	if (rc < 0) {
		log_warnx("%s: release mark for %s cannot be checked: %s", qid,
		    ref, err);
		ok = -1;
	} else if (rc == 0 || (strcmp(e.status, "sending") != 0 &&
	    strcmp(e.status, "sent") != 0))
		log_warnx("%s: release mark for %s: not released; judged "
		    "normally", qid, ref);
	else if (e.delivered_at != 0 && e.delivered_at < cf->started_at)
		/* That copy may have died with the old process unqueued. */
		log_warnx("%s: deferred message %s was let through as %s "
		    "before the milter restarted; this copy is judged "
		    "normally", qid, ref, e.delivered_qid ?
		    e.delivered_qid : "?");
	else if (e.delivered_at != 0) {
		log_warnx("%s: deferred message %s already delivered as %s: "
		    "this copy is dropped", qid, ref, e.delivered_qid ?
		    e.delivered_qid : "?");
		out->duplicate = true;
	} else {
		log_info("%s: deferred message %s verified (sent by %s)", qid,
		    ref, e.sent_by ? e.sent_by : DEFERRED_RELEASE_BY);
		snprintf(out->ref, sizeof(out->ref), "%s", ref);
		out->by = xstrdup(e.sent_by ? e.sent_by : DEFERRED_RELEASE_BY);
		out->policies = xstrdup(DEFERRED_POLICY);
		out->deferred = true;
		ok = 1;
	}
	free(err);
	deferred_entry_clear(&e);
	return ok;
}

/*
 * release_index_ok - released and not yet delivered?  1 yes, 0 no
 * (logged), -1 the index could not be read (logged)
 */
static int
release_index_ok(const struct conf *cf, const struct msg *m,
    const char *ref, struct release_info *out)
{
	const char *qid = m->queue_id != NULL ? m->queue_id : "NOQUEUE";
	struct qindex_entry e;
	char *err = NULL;
	int rc = qindex_get(store_of(cf), ref, &e, &err);
	int ok = 0;

	if (rc == 0) {		/* not held: perhaps deferred */
		qindex_entry_clear(&e);
		return release_deferred_ok(cf, m, ref, out);
	}
	if (rc < 0) {
		log_warnx("%s: release mark for %s cannot be checked: %s", qid,
		    ref, err);
		ok = -1;
	} else if (e.released_at == 0)
		log_warnx("%s: release mark for %s: not released; judged "
		    "normally", qid, ref);
	else if (e.delivered_at != 0)
		log_warnx("%s: release mark for %s used again (already "
		    "delivered as %s); judged normally", qid, ref,
		    e.delivered_qid ? e.delivered_qid : "?");
	else {
		log_info("%s: release mark for %s verified (released by %s)",
		    qid, ref, e.released_by ? e.released_by : "?");
		snprintf(out->ref, sizeof(out->ref), "%s", ref);
		out->by = xstrdup(e.released_by ? e.released_by : "?");
		out->policies = xstrdup(e.policies ? e.policies : "");
		ok = 1;
	}
	free(err);
	qindex_entry_clear(&e);
	return ok;
}

/* The message a mark is checked against. */
struct release_subject {
	struct release_canon *canon;
	const char *sender;
	const char **rcpts;
	size_t	 nrcpts;
};

/* release_verify - one mark: parse it, check its MAC for this message */
static bool
release_verify(const char *qid, const char *key, const char *value,
    const struct release_subject *subj, struct release_parsed *p)
{
	char digest[65], *want;
	bool ok;

	if (!release_parse(value, p) || release_canon_digest(subj->canon,
	    subj->sender, subj->rcpts, subj->nrcpts, p->hlist, digest) < 0) {
		log_warnx("%s: malformed %s header ignored", qid,
		    RELEASE_HEADER);
		return false;
	}
	want = release_mac(key, p->ref, digest);
	ok = release_equal(want, p->mac);
	free(want);
	if (!ok)
		log_warnx("%s: release mark for %s does not verify (forged, or "
		    "another body, headers or envelope); judged normally", qid,
		    p->ref);
	return ok;
}

/* release_subject_of - the message model read for checking; 0 or -1 */
static int
release_subject_of(const struct msg *m, struct release_subject *subj)
{
	GMimeStream *st = msg_stream(m);
	char buf[65536];
	gssize n = -1;

	subj->canon = release_canon_new();
	subj->sender = m->sender;
	subj->rcpts = xcalloc(m->nrcpts + 1, sizeof(char *));
	for (size_t i = 0; i < m->nrcpts; i++)
		subj->rcpts[i] = m->rcpts[i].addr;
	subj->nrcpts = m->nrcpts;
	if (st == NULL)
		return -1;
	/* A bounded stream (a message spooled to a file) answers -1, not
	 * 0, at its end bound: the end is eos, an error is -1 before it. */
	if (g_mime_stream_reset(st) == 0)
		while ((n = g_mime_stream_read(st, buf, sizeof(buf))) > 0)
			release_canon_feed(subj->canon, buf, (size_t)n);
	if (n < 0 && g_mime_stream_eos(st))
		n = 0;
	g_object_unref(st);
	release_canon_end(subj->canon);
	return n < 0 ? -1 : 0;
}

/* release_check - a valid release not yet used? */
int
release_check(const struct conf *cf, const struct msg *m,
    struct release_info *out)
{
	const char *qid = m->queue_id != NULL ? m->queue_id : "NOQUEUE";
	size_t n = msg_header_count(m, RELEASE_HEADER);
	struct release_subject subj = { 0 };
	struct release_parsed p;
	char *key = NULL, *err = NULL;
	int ok = 0;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return 0;
	if (release_secret_load(cf->milter.release_secret, &key, &err) < 0 ||
	    release_subject_of(m, &subj) < 0)
		log_warnx("%s: %s header not checked: %s; judged normally",
		    qid, RELEASE_HEADER, err ? err : "cannot read the message");
	else
		for (size_t i = 0; i < n && i < RELEASE_MAX_MARKS && ok == 0 &&
		    !out->duplicate; i++)
			if (release_verify(qid, key, msg_header(m,
			    RELEASE_HEADER, i)->value, &subj, &p))
				ok = release_index_ok(cf, m, p.ref, out);
	release_canon_free(subj.canon);
	free(subj.rcpts);
	free(err);
	free(key);
	return ok;
}

/* release_claim - the release is used: no other copy gets through */
int
release_claim(const struct conf *cf, const char *ref, const char *qid,
    time_t now, char **err)
{
	struct store *dir = store_of(cf);
	int held = qindex_has(dir, ref, err);

	if (held < 0)
		return -1;
	if (held == 0)		/* a deferred message's reference */
		return deferred_claim_delivery(dir, ref, qid != NULL ? qid :
		    "NOQUEUE", now, err);
	return qindex_claim_delivery(dir, ref, qid != NULL ? qid : "NOQUEUE",
	    now, err);
}

/* release_info_clear - free a release_info */
void
release_info_clear(struct release_info *ri)
{
	free(ri->by);
	free(ri->policies);
	memset(ri, 0, sizeof(*ri));
}
