/*
 * local_records - site DNS records read from a file, consulted before DNS
 *
 * SPEC section 2.5: `[sender-auth] local_records = FILE` holds one record
 * a line, `NAME TYPE VALUE`, TYPE one of TXT, A, AAAA, MX (VALUE "PREF
 * HOST"), a TXT value in double quotes; `#` starts a comment.  A name
 * with a local record is answered only from the file.  Loading reports
 * every bad line as "file:line: message".  A loaded set is immutable.
 */
#ifndef AUP_LOCAL_RECORDS_H
#define AUP_LOCAL_RECORDS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/errbuf.h"

enum local_record_type {
	LOCAL_RECORD_TXT,
	LOCAL_RECORD_A,
	LOCAL_RECORD_AAAA,
	LOCAL_RECORD_MX
};

struct local_record {
	char	*name;		/* lower case, no trailing dot */
	enum local_record_type type;
	char	*value;		/* TXT text unquoted; A/AAAA address text;
				 * MX "PREF HOST" with the host lower-cased */
	unsigned line;		/* where it was read */
};

struct local_records {
	char	*path;		/* file name used in messages */
	struct local_record *items; /* in file order */
	size_t	 count;
};

/*
 * local_records_load - read FILE.  Every bad line is added to eb with
 * file:line; returns NULL when the file cannot be read or any line is
 * bad, else the records (possibly none).
 */
struct local_records *local_records_load(const char *path,
	    struct errbuf *eb);
/* local_records_parse - the same from memory; `name` is used in messages */
struct local_records *local_records_parse(const char *data, size_t len,
	    const char *name, struct errbuf *eb);
/* local_records_has_name - does any record have this name (any type)? */
bool	local_records_has_name(const struct local_records *lr,
	    const char *name);
/* local_record_type_name - "TXT", "A", "AAAA", "MX" */
const char *local_record_type_name(enum local_record_type type);
/* local_records_free - accepts NULL, returns NULL */
struct local_records *local_records_free(struct local_records *lr);

#endif
