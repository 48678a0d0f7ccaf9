/*
 * test_spool - where a message waits while it is judged
 *
 * Small messages stay in memory.  A message above the threshold moves to
 * a temporary file in spool_dir that has no name (nothing is left in the
 * folder, even after a crash) and that only the milter's user can read.
 * Either way, the engine and the quarantine get back exactly the bytes
 * that were written; a spool folder that cannot be written is an error
 * the milter can tempfail on, never a lost message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "engine/spool.h"
#include "testutil.h"
#include "util/xalloc.h"

#define THRESHOLD 4096

/* pattern - `len` bytes that are not text, NULs included */
static unsigned char *
pattern(size_t len)
{
	unsigned char *buf = xmalloc(len);

	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)((i * 7 + i / 251) & 0xff);
	return buf;
}

/* fill - write `len` pattern bytes in uneven pieces */
static unsigned char *
fill(struct spool *sp, size_t len)
{
	unsigned char *buf = pattern(len);

	for (size_t off = 0, n = 1; off < len; off += n, n = n * 3 + 1) {
		if (n > len - off)
			n = len - off;
		assert_int_equal(spool_write(sp, buf + off, n), 0);
	}
	return buf;
}

/* entries - names in a folder besides . and .. */
static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0;

	assert_non_null(d);
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 &&
		    strcmp(de->d_name, "..") != 0)
			n++;
	closedir(d);
	return n;
}

/* assert_stream_is - the spool's stream holds exactly want[0..len) */
static void
assert_stream_is(struct spool *sp, const unsigned char *want, size_t len)
{
	GMimeStream *st = spool_stream(sp), *mem = g_mime_stream_mem_new();
	GByteArray *got;

	assert_non_null(st);
	assert_true(g_mime_stream_write_to_stream(st, mem) >= 0);
	got = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	assert_int_equal(got->len, len);
	assert_memory_equal(got->data, want, len);
	g_object_unref(st);
	g_object_unref(mem);
}

/* assert_copy_is - spool_copy_to_fd writes exactly want[0..len) */
static void
assert_copy_is(struct spool *sp, const unsigned char *want, size_t len)
{
	FILE *fp = tmpfile();
	unsigned char *got = xmalloc(len + 1);

	assert_non_null(fp);
	assert_int_equal(spool_copy_to_fd(sp, fileno(fp)), 0);
	rewind(fp);
	assert_int_equal(fread(got, 1, len + 1, fp), len);
	assert_memory_equal(got, want, len);
	fclose(fp);
	free(got);
}

static void
message_below_the_threshold_stays_in_memory(void **state)
{
	char *dir = tu_tempdir();
	struct spool *sp = spool_new(dir, THRESHOLD);
	unsigned char *buf = fill(sp, THRESHOLD);

	(void)state;
	assert_false(spool_in_file(sp));
	assert_int_equal(spool_size(sp), THRESHOLD);
	assert_int_equal(entries(dir), 0);
	assert_stream_is(sp, buf, THRESHOLD);
	assert_copy_is(sp, buf, THRESHOLD);
	free(buf);
	spool_free(sp);
	tu_rmdir(dir);
}

/*
 * spool_file_mode - mode of the open file that lives in `dir` but has
 * no name there, found through /proc; -1 when there is none
 */
static int
spool_file_mode(const char *dir)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int mode = -1;

	assert_non_null(d);
	while (mode < 0 && (de = readdir(d)) != NULL) {
		char link[300], target[4096];
		ssize_t n;
		struct stat st;

		snprintf(link, sizeof(link), "/proc/self/fd/%s", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (strncmp(target, dir, strlen(dir)) == 0 &&
		    target[strlen(dir)] == '/' &&
		    strstr(target, "(deleted)") != NULL &&
		    stat(link, &st) == 0 && S_ISREG(st.st_mode))
			mode = (int)(st.st_mode & 07777);
	}
	closedir(d);
	return mode;
}

static void
message_above_the_threshold_moves_to_a_nameless_private_file(void **state)
{
	char *dir = tu_tempdir();
	struct spool *sp = spool_new(dir, THRESHOLD);
	unsigned char *buf = fill(sp, 3 * THRESHOLD + 17);
	int mode;

	(void)state;
	assert_true(spool_in_file(sp));
	assert_int_equal(spool_size(sp), 3 * THRESHOLD + 17);
	assert_int_equal(entries(dir), 0);
	mode = spool_file_mode(dir);
	assert_int_not_equal(mode, -1);
	assert_int_equal(mode & 077, 0);	/* no group or other access */
	assert_int_equal(mode & 0600, 0600);
	free(buf);
	spool_free(sp);
	assert_int_equal(spool_file_mode(dir), -1);	/* closed */
	tu_rmdir(dir);
}

static void
spooled_file_gives_back_exactly_the_bytes_written(void **state)
{
	char *dir = tu_tempdir();
	struct spool *sp = spool_new(dir, THRESHOLD);
	size_t len = 200000;
	unsigned char *buf = fill(sp, len);

	(void)state;
	assert_true(spool_in_file(sp));
	assert_stream_is(sp, buf, len);
	assert_stream_is(sp, buf, len);	/* a second reader starts over */
	assert_copy_is(sp, buf, len);
	free(buf);
	spool_free(sp);
	tu_rmdir(dir);
}

static void
first_write_larger_than_the_threshold_goes_straight_to_the_file(
    void **state)
{
	char *dir = tu_tempdir();
	struct spool *sp = spool_new(dir, THRESHOLD);
	unsigned char *buf = pattern(THRESHOLD + 1);

	(void)state;
	assert_int_equal(spool_write(sp, buf, THRESHOLD + 1), 0);
	assert_true(spool_in_file(sp));
	assert_stream_is(sp, buf, THRESHOLD + 1);
	free(buf);
	spool_free(sp);
	tu_rmdir(dir);
}

static void
empty_spool_gives_an_empty_stream(void **state)
{
	struct spool *sp = spool_new("/tmp", THRESHOLD);

	(void)state;
	assert_int_equal(spool_size(sp), 0);
	assert_stream_is(sp, (const unsigned char *)"", 0);
	spool_free(sp);
}

static void
missing_spool_folder_is_an_error_not_a_lost_message(void **state)
{
	char *dir = tu_tempdir();
	char *gone = xasprintf("%s/missing", dir);
	struct spool *sp = spool_new(gone, 16);
	unsigned char *buf = pattern(100);

	(void)state;
	assert_int_equal(spool_write(sp, buf, 10), 0);
	errno = 0;
	assert_int_equal(spool_write(sp, buf, 100), -1);
	assert_int_not_equal(errno, 0);
	free(buf);
	free(gone);
	spool_free(sp);
	tu_rmdir(dir);
}

static void
memory_spool_is_lent_to_gmime_and_refuses_later_writes(void **state)
{
	char *dir = tu_tempdir();
	struct spool *sp = spool_new(dir, THRESHOLD);
	unsigned char *buf = fill(sp, 1000);
	GMimeStream *held = spool_stream(sp);

	(void)state;
	/* Two streams read the same lent buffer, a copy still works, and
	 * the spool cannot change under them. */
	assert_non_null(held);
	assert_stream_is(sp, buf, 1000);
	assert_copy_is(sp, buf, 1000);
	errno = 0;
	assert_int_equal(spool_write(sp, buf, 10), -1);
	assert_int_equal(errno, EBUSY);
	assert_int_equal(spool_size(sp), 1000);
	g_object_unref(held);
	free(buf);
	spool_free(sp);
	tu_rmdir(dir);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(message_below_the_threshold_stays_in_memory),
		cmocka_unit_test(
		    message_above_the_threshold_moves_to_a_nameless_private_file),
		cmocka_unit_test(
		    spooled_file_gives_back_exactly_the_bytes_written),
		cmocka_unit_test(
		    first_write_larger_than_the_threshold_goes_straight_to_the_file),
		cmocka_unit_test(empty_spool_gives_an_empty_stream),
		cmocka_unit_test(
		    missing_spool_folder_is_an_error_not_a_lost_message),
		cmocka_unit_test(
		    memory_spool_is_lent_to_gmime_and_refuses_later_writes),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("spool", tests, NULL, NULL);
}
