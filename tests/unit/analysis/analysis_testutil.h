/*
 * analysis_testutil - fixtures and small messages for the analysis tests
 */
#ifndef AUP_ANALYSIS_TESTUTIL_H
#define AUP_ANALYSIS_TESTUTIL_H

#include <stddef.h>

#include "analysis/analysis.h"

/* at_setup - cmocka group setup: g_mime_init() once */
int	 at_setup(void **state);
/* at_teardown - cmocka group teardown */
int	 at_teardown(void **state);
/*
 * at_fixture - path of a generated fixture (made on first use by
 * tests/fixtures/make-analysis-fixtures.py, under a lock so parallel
 * tests share one run); NULL when the tool that makes it is missing.
 */
char	*at_fixture(const char *name);
/* at_fixture_or_skip - at_fixture(), or skip() the test without it */
char	*at_fixture_or_skip(const char *name);
/* at_read - a whole file (NUL-terminated); fails the test on error */
unsigned char *at_read(const char *path, size_t *len);
/* at_run_bytes - analyse a raw message */
struct analysis *at_run_bytes(const void *msg, size_t len,
	    const struct analysis_limits *lim);
/* at_run_text - analyse a message given as text (LF line ends) */
struct analysis *at_run_text(const char *msg);
/*
 * at_run_attachment - analyse a multipart/mixed message with a short
 * text body and `data` as a base64 attachment named `filename`.
 */
struct analysis *at_run_attachment(const void *data, size_t len,
	    const char *filename, const char *ctype,
	    const struct analysis_limits *lim);
/* at_run_fixture - at_run_attachment() of a fixture file */
struct analysis *at_run_fixture(const char *path, const char *filename,
	    const char *ctype, const struct analysis_limits *lim);
/* at_find - the record with this path, or NULL */
const struct attachment *at_find(const struct analysis *an,
	    const char *path);
/* at_find_name - the first record with this file name, or NULL */
const struct attachment *at_find_name(const struct analysis *an,
	    const char *name);
/* at_text_has - does the record's text contain s? */
int	 at_text_has(const struct attachment *a, const char *s);
/* at_ms_since - milliseconds since a g_get_monotonic_time() value */
double	 at_ms_since(gint64 start);

#endif
