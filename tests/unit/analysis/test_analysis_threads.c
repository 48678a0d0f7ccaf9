/*
 * test_analysis_threads - analysis_run on many threads at once gives the
 * same records as on one (libmagic cookies lent from one pool, one thread at a time)
 *
 * SPDX-License-Identifier: MIT
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "analysis_testutil.h"
#include "util/xalloc.h"

#define THREADS		8
#define ROUNDS		10

static const char *const thread_fixtures[] = {
	"sheet.xlsx", "plain.zip", "aes256-owner-only.pdf", "letter.docx",
	"rc4.xls", "nested20.zip", "pe.exe", "plain.odt",
};
#define NFIX (sizeof(thread_fixtures) / sizeof(thread_fixtures[0]))

/* A message and the summary one thread must reproduce. */
struct thread_case {
	unsigned char	*msg;
	size_t		 len;
	char		*want;
};

/* summary - the facts of every record as one string */
static char *
summary(const struct analysis *an)
{
	GString *s = g_string_new("");
	size_t i;

	for (i = 0; i < an->count; i++) {
		const struct attachment *a = &an->items[i];

		g_string_append_printf(s, "%s|%s|%s|%s|%d|%d|%s|%zu\n", a->path,
		    a->detected_type ? a->detected_type : "-", a->kind,
		    a->sha256, a->encrypted, a->has_macros,
		    a->uninspectable ? a->uninspectable : "-", a->text_len);
	}
	return g_string_free(s, FALSE);
}

/* thread_main - run every case ROUNDS times; count mismatches */
static void *
thread_main(void *arg)
{
	struct thread_case *cases = arg;
	uintptr_t bad = 0;
	size_t r, i;

	for (r = 0; r < ROUNDS; r++)
		for (i = 0; i < NFIX; i++) {
			GMimeStream *st = g_mime_stream_mem_new_with_buffer(
			    (const char *)cases[i].msg, cases[i].len);
			struct analysis *an = analysis_run(st, NULL);
			char *got = summary(an);

			bad += strcmp(got, cases[i].want) != 0;
			g_free(got);
			analysis_free(an);
			g_object_unref(st);
		}
	return (void *)bad;
}

/* build_case - a message carrying a fixture, and its summary */
static void
build_case(struct thread_case *c, const char *name)
{
	char *p = at_fixture_or_skip(name);
	size_t len;
	unsigned char *data = at_read(p, &len);
	gchar *b64 = g_base64_encode(data, len);
	struct analysis *an;

	c->msg = (unsigned char *)xasprintf("MIME-Version: 1.0\nContent-Type:"
	    " multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n"
	    "hi\n--b\nContent-Type: application/octet-stream; name=\"%s\"\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--b--\n", name, b64);
	c->len = strlen((char *)c->msg);
	an = at_run_bytes(c->msg, c->len, NULL);
	c->want = summary(an);
	analysis_free(an);
	g_free(b64);
	g_free(data);
	free(p);
}

/* concurrent_runs_give_the_same_records_as_a_single_run */
static void
concurrent_runs_give_the_same_records_as_a_single_run(void **state)
{
	struct thread_case cases[NFIX];
	pthread_t th[THREADS];
	void *bad;
	size_t i;

	for (i = 0; i < NFIX; i++)
		build_case(&cases[i], thread_fixtures[i]);
	for (i = 0; i < THREADS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, thread_main,
		    cases), 0);
	for (i = 0; i < THREADS; i++) {
		assert_int_equal(pthread_join(th[i], &bad), 0);
		assert_int_equal((uintptr_t)bad, 0);
	}
	for (i = 0; i < NFIX; i++) {
		free(cases[i].msg);
		g_free(cases[i].want);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    concurrent_runs_give_the_same_records_as_a_single_run),
	};

	return cmocka_run_group_tests_name("analysis threads", tests, at_setup,
	    at_teardown);
}
