/*
 * test_spool_stream - a big message is read from its spool file as GMime
 * reads any file
 *
 * The read-ahead stream over a spooled message must give GMime exactly
 * what its own fd stream gives: the same bytes for any mix of read
 * sizes, seeks, resets and substreams, the same end-of-stream and error
 * answers at the bounds, and the same parts when a message is parsed.
 * A part's stream still reads after the message's stream is gone, and
 * nothing can be written through it.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gmime/gmime.h>

#include "engine/spool_stream.h"
#include "util/xalloc.h"

#define FILE_LEN	(300 * 1024 + 77)

/* data_file - an unlinked file of len pattern bytes; its fd */
static int
data_file(size_t len, unsigned char **data)
{
	FILE *fp = tmpfile();
	unsigned char *buf = xmalloc(len);
	int fd;

	assert_non_null(fp);
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)((i * 31 + i / 509) & 0xff);
	assert_int_equal(fwrite(buf, 1, len, fp), len);
	assert_int_equal(fflush(fp), 0);
	fd = dup(fileno(fp));
	fclose(fp);
	*data = buf;
	return fd;
}

/* same_read - one read of n bytes from both streams agrees */
static void
same_read(GMimeStream *a, GMimeStream *b, size_t n)
{
	char *x = xmalloc(n + 1), *y = xmalloc(n + 1);
	ssize_t ra = g_mime_stream_read(a, x, n);
	ssize_t rb = g_mime_stream_read(b, y, n);

	/* GMime's fs stream reads what it is asked within the bounds; the
	 * read-ahead one may return less from its block: read on to match */
	while (rb > 0 && ra > 0 && rb < ra) {
		ssize_t more = g_mime_stream_read(b, y + rb, (size_t)(ra - rb));

		if (more <= 0)
			break;
		rb += more;
	}
	assert_int_equal(ra, rb);
	if (ra > 0)
		assert_memory_equal(x, y, (size_t)ra);
	assert_int_equal(g_mime_stream_tell(a), g_mime_stream_tell(b));
	assert_int_equal(g_mime_stream_eos(a), g_mime_stream_eos(b));
	free(x);
	free(y);
}

/* same_ops - a seeded mix of reads, seeks and resets on both streams */
static void
same_ops(GMimeStream *a, GMimeStream *b, unsigned seed, int ops)
{
	static const size_t sizes[] = { 1, 7, 100, 4096, 65535, 65536,
	    65537, 262144 };
	gint64 len = g_mime_stream_length(a);

	assert_int_equal(len, g_mime_stream_length(b));
	srand(seed);
	for (int i = 0; i < ops; i++) {
		int op = rand() % 10;
		gint64 off = len > 0 ? rand() % (len + 2) - 1 : 0;

		if (op < 7)
			same_read(a, b, sizes[rand() % 8]);
		else if (op == 7)
			assert_int_equal(g_mime_stream_seek(a, off,
			    GMIME_STREAM_SEEK_CUR) < 0, g_mime_stream_seek(b,
			    off, GMIME_STREAM_SEEK_CUR) < 0);
		else if (op == 8)
			assert_int_equal(g_mime_stream_seek(a, -off % (len + 1),
			    GMIME_STREAM_SEEK_END), g_mime_stream_seek(b,
			    -off % (len + 1), GMIME_STREAM_SEEK_END));
		else
			assert_int_equal(g_mime_stream_reset(a),
			    g_mime_stream_reset(b));
		assert_int_equal(g_mime_stream_tell(a), g_mime_stream_tell(b));
	}
}

static void
reads_seeks_and_substreams_give_what_gmime_fs_stream_gives(void **state)
{
	unsigned char *data;
	int fd = data_file(FILE_LEN, &data);
	GMimeStream *fs = g_mime_stream_fs_new_with_bounds(dup(fd), 0,
	    FILE_LEN);
	GMimeStream *sp = spool_stream_new(dup(fd), 0, FILE_LEN);
	GMimeStream *fsub, *ssub;

	(void)state;
	for (unsigned seed = 1; seed <= 20; seed++)
		same_ops(fs, sp, seed, 200);
	/* a part in the middle, and one that ends with the file */
	fsub = g_mime_stream_substream(fs, 70000, 200001);
	ssub = g_mime_stream_substream(sp, 70000, 200001);
	for (unsigned seed = 21; seed <= 30; seed++)
		same_ops(fsub, ssub, seed, 200);
	g_object_unref(fsub);
	g_object_unref(ssub);
	fsub = g_mime_stream_substream(fs, 1000, FILE_LEN);
	ssub = g_mime_stream_substream(sp, 1000, FILE_LEN);
	same_ops(fsub, ssub, 31, 300);
	g_object_unref(fsub);
	g_object_unref(ssub);
	g_object_unref(fs);
	g_object_unref(sp);
	close(fd);
	free(data);
}

static void
whole_stream_reads_back_every_byte_then_reports_its_end(void **state)
{
	unsigned char *data, *got = xmalloc(FILE_LEN);
	int fd = data_file(FILE_LEN, &data);
	GMimeStream *sp = spool_stream_new(fd, 0, FILE_LEN);
	size_t n = 0;
	ssize_t r;
	char one;

	(void)state;
	/* GMime's parser reads 4 KiB at a time */
	while (!g_mime_stream_eos(sp) &&
	    (r = g_mime_stream_read(sp, (char *)got + n, 4096)) > 0)
		n += (size_t)r;
	assert_int_equal(n, FILE_LEN);
	assert_memory_equal(got, data, FILE_LEN);
	assert_true(g_mime_stream_eos(sp));
	assert_int_equal(g_mime_stream_read(sp, &one, 1), -1);
	g_object_unref(sp);
	free(got);
	free(data);
}

static void
part_stream_outlives_the_message_stream_and_refuses_writes(void **state)
{
	unsigned char *data;
	int fd = data_file(FILE_LEN, &data);
	GMimeStream *sp = spool_stream_new(fd, 0, FILE_LEN);
	GMimeStream *sub = g_mime_stream_substream(sp, 5, 105);
	char buf[200];

	(void)state;
	g_object_unref(sp);		/* the part keeps the file open */
	assert_int_equal(g_mime_stream_read(sub, buf, sizeof(buf)), 100);
	assert_memory_equal(buf, data + 5, 100);
	assert_int_equal(g_mime_stream_reset(sub), 0);
	errno = 0;
	assert_int_equal(g_mime_stream_write(sub, "x", 1), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(g_mime_stream_read(sub, buf, 10), 10);
	assert_memory_equal(buf, data + 5, 10);
	g_object_unref(sub);
	free(data);
}

/* parse_parts - the decoded content of every leaf part, concatenated */
static GByteArray *
parse_parts(GMimeStream *st)
{
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *msg = g_mime_parser_construct_message(p, NULL);
	GMimePartIter *it;
	GMimeStream *out = g_mime_stream_mem_new();
	GByteArray *arr = g_byte_array_new();

	assert_non_null(msg);
	it = g_mime_part_iter_new(GMIME_OBJECT(msg));
	do {
		GMimeObject *o = g_mime_part_iter_get_current(it);

		if (o != NULL && GMIME_IS_PART(o))
			g_mime_data_wrapper_write_to_stream(
			    g_mime_part_get_content(GMIME_PART(o)), out);
	} while (g_mime_part_iter_next(it));
	g_byte_array_append(arr, g_mime_stream_mem_get_byte_array(
	    GMIME_STREAM_MEM(out))->data, g_mime_stream_mem_get_byte_array(
	    GMIME_STREAM_MEM(out))->len);
	g_mime_part_iter_free(it);
	g_object_unref(out);
	g_object_unref(msg);
	g_object_unref(p);
	return arr;
}

static void
parsed_message_has_the_same_parts_as_through_gmime_fs_stream(void **state)
{
	GString *m = g_string_new("From: a@b.example\r\nTo: c@d.example\r\n"
	    "Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: "
	    "multipart/mixed; boundary=\"BB\"\r\n\r\n--BB\r\nContent-Type: "
	    "text/plain\r\n\r\nhello\r\n");
	FILE *fp = tmpfile();
	GMimeStream *fs, *sp;
	GByteArray *a, *b;
	int fd;

	(void)state;
	for (int part = 0; part < 3; part++) {
		g_string_append(m, "--BB\r\nContent-Type: application/"
		    "octet-stream\r\nContent-Transfer-Encoding: base64\r\n\r\n");
		for (int line = 0; line < 3000 * (part + 1); line++)
			g_string_append_printf(m, "%076d\r\n", line * (part + 3));
	}
	g_string_append(m, "--BB--\r\n");
	assert_non_null(fp);
	assert_int_equal(fwrite(m->str, 1, m->len, fp), m->len);
	assert_int_equal(fflush(fp), 0);
	fd = fileno(fp);
	fs = g_mime_stream_fs_new_with_bounds(dup(fd), 0, (gint64)m->len);
	sp = spool_stream_new(dup(fd), 0, (gint64)m->len);
	a = parse_parts(fs);
	b = parse_parts(sp);
	assert_true(a->len > 500000);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(a->data, b->data, a->len);
	g_byte_array_unref(a);
	g_byte_array_unref(b);
	g_object_unref(fs);
	g_object_unref(sp);
	fclose(fp);
	g_string_free(m, TRUE);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    reads_seeks_and_substreams_give_what_gmime_fs_stream_gives),
		cmocka_unit_test(
		    whole_stream_reads_back_every_byte_then_reports_its_end),
		cmocka_unit_test(
		    part_stream_outlives_the_message_stream_and_refuses_writes),
		cmocka_unit_test(
		    parsed_message_has_the_same_parts_as_through_gmime_fs_stream),
	};

	g_mime_init();
	return cmocka_run_group_tests_name("spool_stream", tests, NULL, NULL);
}
