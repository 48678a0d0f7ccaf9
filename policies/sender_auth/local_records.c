/*
 * local_records - read the site's local DNS records file
 *
 * SYNOPSIS
 *	local_records_load(), local_records_parse(),
 *	local_records_has_name(), local_record_type_name(),
 *	local_records_free()
 *
 * DESCRIPTION
 *	A school sometimes needs to say what DNS "would" answer: to vouch
 *	for a mailing service whose SPF record is wrong, to pin its own
 *	record while DNS is being changed, and - above all - so that tests
 *	never touch the internet.  The file holds one record a line:
 *
 *		# comment
 *		school.example      TXT  "v=spf1 ip4:192.0.2.0/24 -all"
 *		mail.school.example A    192.0.2.25
 *		mail.school.example AAAA 2001:db8::25
 *		school.example      MX   10 mail.school.example
 *
 *	NAME is a host name (a trailing dot is allowed and dropped; names
 *	compare case-insensitively).  TYPE is TXT, A, AAAA or MX, in any
 *	case.  A TXT value is one or more double-quoted strings, which are
 *	joined as DNS joins the strings of one TXT record; inside quotes
 *	a backslash escapes the next character.  `#` outside quotes starts
 *	a comment.  Several lines may give the same name and type (an
 *	RRset).  A UTF-8 byte-order mark and CRLF line ends are accepted.
 *
 *	How the records are served (a name with any local record is
 *	answered only from the file) is spf.c's job; this module only
 *	parses and validates.
 *
 * DIAGNOSTICS
 *	Each bad line is reported as "FILE:LINE: message" (unknown type,
 *	bad address, bad name, unquoted or unterminated TXT, missing or
 *	extra fields).  Loading fails when any line is bad, so a broken
 *	file is a configuration error, never a silent partial zone.
 *
 * SPDX-License-Identifier: MIT
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policies/sender_auth/local_records.h"
#include "util/xalloc.h"

#define LOCAL_RECORDS_MAX_NAME	253	/* RFC 1035 presentation limit */
#define LOCAL_RECORDS_MAX_LABEL	63
#define LOCAL_RECORDS_MAX_TXT	4096	/* far above any sane SPF record */
#define LOCAL_RECORDS_MAX_FILE	(4 * 1024 * 1024)

static const char *const local_record_types[] = {
	[LOCAL_RECORD_TXT] = "TXT",
	[LOCAL_RECORD_A] = "A",
	[LOCAL_RECORD_AAAA] = "AAAA",
	[LOCAL_RECORD_MX] = "MX",
};

/* Where a line is being parsed, for messages. */
struct local_records_pos {
	const char *file;
	unsigned line;
	struct errbuf *eb;
};

/* local_record_type_name - the record type as written in the file */
const char *
local_record_type_name(enum local_record_type type)
{
	return local_record_types[type];
}

/* local_records_strip_comment - cut the line at a '#' outside quotes */
static void
local_records_strip_comment(char *s)
{
	bool quoted = false;

	for (char *p = s; *p != '\0'; p++) {
		if (quoted && *p == '\\' && p[1] != '\0')
			p++;
		else if (*p == '"')
			quoted = !quoted;
		else if (!quoted && *p == '#') {
			*p = '\0';
			return;
		}
	}
}

/* local_records_token - next white-space separated word, or NULL */
static char *
local_records_token(char **cursor)
{
	char *p = *cursor, *start;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		*cursor = p;
		return NULL;
	}
	start = p;
	while (*p != '\0' && !isspace((unsigned char)*p))
		p++;
	if (*p != '\0')
		*p++ = '\0';
	*cursor = p;
	return start;
}

/* local_records_valid_name - a host name of letters, digits, '-', '_' */
static bool
local_records_valid_name(const char *name)
{
	size_t len = strlen(name), label = 0;

	if (len == 0 || len > LOCAL_RECORDS_MAX_NAME)
		return false;
	for (const char *p = name; *p != '\0'; p++) {
		if (*p == '.') {
			if (label == 0)
				return false;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_')
			return false;
		if (++label > LOCAL_RECORDS_MAX_LABEL)
			return false;
	}
	return label > 0;
}

/* local_records_name - validated, lower-cased copy of a name, or NULL */
static char *
local_records_name(const char *word)
{
	char *name = xstrdup(word);
	size_t len = strlen(name);

	if (len > 1 && name[len - 1] == '.')
		name[len - 1] = '\0';
	for (char *p = name; *p != '\0'; p++)
		*p = (char)tolower((unsigned char)*p);
	if (!local_records_valid_name(name)) {
		free(name);
		return NULL;
	}
	return name;
}

/* local_records_type - parse a TYPE word; false if unknown */
static bool
local_records_type(const char *word, enum local_record_type *type)
{
	for (size_t i = 0; i < sizeof(local_record_types) /
	    sizeof(local_record_types[0]); i++) {
		if (strcasecmp(word, local_record_types[i]) == 0) {
			*type = (enum local_record_type)i;
			return true;
		}
	}
	return false;
}

/* local_records_txt - join the quoted strings of a TXT value, or NULL */
static char *
local_records_txt(const char *p, const struct local_records_pos *pos)
{
	char *out = xmalloc(strlen(p) + 1);
	size_t n = 0;
	int strings = 0;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*p != '"') {
			errbuf_add(pos->eb, pos->file, pos->line,
			    "TXT value must be in double quotes");
			goto bad;
		}
		for (p++; *p != '"'; p++) {
			if (*p == '\\' && p[1] != '\0')
				p++;
			if (*p == '\0') {
				errbuf_add(pos->eb, pos->file, pos->line,
				    "unterminated double quote in TXT value");
				goto bad;
			}
			out[n++] = *p;
		}
		p++;
		strings++;
	}
	out[n] = '\0';
	if (strings == 0)
		errbuf_add(pos->eb, pos->file, pos->line, "TXT record "
		    "without a value (write it in double quotes)");
	else if (n > LOCAL_RECORDS_MAX_TXT)
		errbuf_add(pos->eb, pos->file, pos->line, "TXT value longer "
		    "than %d bytes", LOCAL_RECORDS_MAX_TXT);
	else
		return out;
bad:
	free(out);
	return NULL;
}

/* local_records_mx - "PREF HOST" with PREF 0..65535, or NULL */
static char *
local_records_mx(char *rest, const struct local_records_pos *pos)
{
	char *pref = local_records_token(&rest);
	char *host = local_records_token(&rest);
	char *end, *name, *value;
	unsigned long n;

	if (pref == NULL || host == NULL ||
	    local_records_token(&rest) != NULL) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "MX value must be \"PREFERENCE HOST\"");
		return NULL;
	}
	errno = 0;
	n = strtoul(pref, &end, 10);
	if (!isdigit((unsigned char)*pref) || *end != '\0' || errno != 0 ||
	    n > 65535) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "MX preference \"%s\" is not a number from 0 to 65535",
		    pref);
		return NULL;
	}
	if ((name = local_records_name(host)) == NULL) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "MX host \"%s\" is not a valid host name", host);
		return NULL;
	}
	value = xasprintf("%lu %s", n, name);
	free(name);
	return value;
}

/* local_records_address - one A or AAAA address, or NULL */
static char *
local_records_address(char *rest, enum local_record_type type,
    const struct local_records_pos *pos)
{
	char *word = local_records_token(&rest);
	unsigned char buf[sizeof(struct in6_addr)];
	int family = type == LOCAL_RECORD_A ? AF_INET : AF_INET6;

	if (word == NULL || local_records_token(&rest) != NULL) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "%s record needs exactly one address",
		    local_record_type_name(type));
		return NULL;
	}
	if (inet_pton(family, word, buf) != 1) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "\"%s\" is not an %s address", word,
		    type == LOCAL_RECORD_A ? "IPv4" : "IPv6");
		return NULL;
	}
	return xstrdup(word);
}

/* local_records_value - the VALUE of a record of `type`, or NULL */
static char *
local_records_value(char *rest, enum local_record_type type,
    const struct local_records_pos *pos)
{
	switch (type) {
	case LOCAL_RECORD_TXT:
		return local_records_txt(rest, pos);
	case LOCAL_RECORD_MX:
		return local_records_mx(rest, pos);
	case LOCAL_RECORD_A:
	case LOCAL_RECORD_AAAA:
		break;
	}
	return local_records_address(rest, type, pos);
}

/* local_records_line - parse one line into lr; 0, or -1 if it is bad */
static int
local_records_line(struct local_records *lr, char *text,
    const struct local_records_pos *pos)
{
	char *cursor = text, *word, *name, *value;
	enum local_record_type type;

	local_records_strip_comment(text);
	if ((word = local_records_token(&cursor)) == NULL)
		return 0;
	if ((name = local_records_name(word)) == NULL) {
		errbuf_add(pos->eb, pos->file, pos->line,
		    "\"%s\" is not a valid host name", word);
		return -1;
	}
	if ((word = local_records_token(&cursor)) == NULL ||
	    !local_records_type(word, &type)) {
		errbuf_add(pos->eb, pos->file, pos->line, word == NULL ?
		    "missing record type (TXT, A, AAAA or MX)" :
		    "unknown record type \"%s\" (use TXT, A, AAAA or MX)",
		    word);
		free(name);
		return -1;
	}
	if ((value = local_records_value(cursor, type, pos)) == NULL) {
		free(name);
		return -1;
	}
	lr->items = xreallocarray(lr->items, lr->count + 1,
	    sizeof(*lr->items));
	lr->items[lr->count++] = (struct local_record){ .name = name,
	    .type = type, .value = value, .line = pos->line };
	return 0;
}

/* local_records_parse - parse a whole file held in memory */
struct local_records *
local_records_parse(const char *data, size_t len, const char *name,
    struct errbuf *eb)
{
	struct local_records *lr = xcalloc(1, sizeof(*lr));
	struct local_records_pos pos = { .file = name, .line = 0, .eb = eb };
	const char *p = data, *end = data + len;
	int bad = 0;

	lr->path = xstrdup(name);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl != NULL ? nl : end) - p);
		char *text;

		pos.line++;
		if (memchr(p, '\0', n) != NULL) {
			errbuf_add(eb, name, pos.line, "NUL byte in line");
			bad = -1;
		} else {
			text = xstrndup(p, n);
			if (n > 0 && text[n - 1] == '\r')
				text[n - 1] = '\0';
			if (local_records_line(lr, text, &pos) != 0)
				bad = -1;
			free(text);
		}
		p += n + 1;
	}
	if (bad != 0)
		return local_records_free(lr);
	return lr;
}

/* local_records_load - read and parse a file */
struct local_records *
local_records_load(const char *path, struct errbuf *eb)
{
	FILE *fp = fopen(path, "rb");
	struct local_records *lr;
	char *buf;
	size_t n;

	if (fp == NULL) {
		errbuf_add(eb, path, 0, "cannot open: %s", strerror(errno));
		return NULL;
	}
	buf = xmalloc(LOCAL_RECORDS_MAX_FILE + 1);
	n = fread(buf, 1, LOCAL_RECORDS_MAX_FILE + 1, fp);
	if (ferror(fp) || n > LOCAL_RECORDS_MAX_FILE) {
		errbuf_add(eb, path, 0, ferror(fp) ? "read error" :
		    "larger than %d bytes", LOCAL_RECORDS_MAX_FILE);
		lr = NULL;
	} else
		lr = local_records_parse(buf, n, path, eb);
	free(buf);
	(void)fclose(fp);
	return lr;
}

/* local_records_has_name - is there a record of any type for name? */
bool
local_records_has_name(const struct local_records *lr, const char *name)
{
	size_t len = strlen(name);

	if (len > 0 && name[len - 1] == '.')
		len--;
	for (size_t i = 0; i < lr->count; i++) {
		if (strlen(lr->items[i].name) == len &&
		    strncasecmp(lr->items[i].name, name, len) == 0)
			return true;
	}
	return false;
}

/* local_records_free - free every record */
struct local_records *
local_records_free(struct local_records *lr)
{
	if (lr == NULL)
		return NULL;
	for (size_t i = 0; i < lr->count; i++) {
		free(lr->items[i].name);
		free(lr->items[i].value);
	}
	free(lr->items);
	free(lr->path);
	free(lr);
	return NULL;
}
