/*
 * release - the tamper-proof mark of a released message (SPEC 6)
 *
 * `aupctl quarantine release REF` re-injects the held message with
 *	X-AUP-Release: REF; h=from:to:cc:subject:...; mac=HEX
 * where HEX = HMAC-SHA256(secret, REF ":" digest), the secret being the
 * file [milter] release_secret that only the milter and aupctl can read,
 * and the digest (store/release_digest.h) covers the envelope sender and
 * recipients of the re-injection, the headers named by h= and the body,
 * each canonical so the digest survives re-injection through the MTA,
 * which adds trace headers but never changes those.
 *
 * The milter's engine calls release_check(): a mark that verifies, for a
 * reference the index says was released and not yet delivered, lets the
 * message past the policies that held it.  The engine only reads: the
 * daemon's act step calls release_claim() once the message's fate is
 * final, so a replay after that is judged normally (and held again),
 * while a first attempt that was tempfailed can come back and pass.  A
 * forged or replayed mark is logged and ignored.
 *
 * A message working-hours deferred comes back with the same mark
 * (store/deferred.h): its reference is in the `deferred` table, the mark
 * lifts working-hours only, and release_claim() records the delivery
 * there.  A copy of one already delivered (a re-injection repeated
 * after a crash) is a duplicate: release_check() sets out->duplicate and
 * the milter drops it, so the message is delivered once.
 */
#ifndef AUP_RELEASE_H
#define AUP_RELEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include <gmime/gmime.h>

#include "config/conf.h"
#include "engine/msg.h"
#include "engine/ref.h"

#define RELEASE_HEADER	"X-AUP-Release"

/* A valid release found by release_check(). */
struct release_info {
	char	 ref[REF_LEN + 1];
	char	*by;		/* who released it (from the index) */
	char	*policies;	/* the policies that held it, ","-joined */
	bool	 deferred;	/* a deferred message sent at its time */
	/* a second copy of a deferred message already delivered: the
	 * milter drops it (release_check() returns 0) */
	bool	 duplicate;
};

/*
 * release_secret_ensure - create the secret file (0640, 32 random bytes
 * as hex) if it does not exist; never replaces one.  0, or -1 with *err.
 */
int	release_secret_ensure(const char *path, char **err);
/* release_secret_load - the key; 0, or -1 with *err (free *key) */
int	release_secret_load(const char *path, char **key, char **err);
/* release_mac - hex HMAC of ref and a message digest (new string) */
char	*release_mac(const char *key, const char *ref, const char *digest);
/* release_mark - the header value "REF; h=HLIST; mac=HEX" (new string) */
char	*release_mark(const char *key, const char *ref, const char *hlist,
	    const char *digest);
/*
 * release_marked_copy - "X-AUP-Release: MARK\r\n" and the message, the
 * mark made for this message re-injected from `sender` to `rcpts`
 * (new buffer, NUL-terminated; *outlen bytes without the NUL)
 */
char	*release_marked_copy(const char *key, const char *ref,
	    const char *data, size_t len, const char *sender,
	    const char *const *rcpts, size_t nrcpts, size_t *outlen);
/*
 * release_check - is `m` a valid release not yet used?  1 and `out`
 * filled; 0 when there is no mark or it is forged, for an unknown or
 * unreleased reference, or already used (each logged); -1 when the
 * index could not be read (logged: the message cannot be judged).
 * Writes nothing: `aupctl test` and the milter alike.
 */
int	release_check(const struct conf *cf, const struct msg *m,
	    struct release_info *out);
/*
 * release_claim - record that the release of `ref` was used by the
 * message queued as `qid` (NULL: "NOQUEUE"): 1 claimed now, 0 already
 * used (another copy got there first), -1 error with *err.
 */
int	release_claim(const struct conf *cf, const char *ref,
	    const char *qid, time_t now, char **err);
/* release_info_clear - free what release_check() filled in */
void	release_info_clear(struct release_info *ri);

#endif
