/*
 * test_analysis_zip - archives: entries, paths, encryption, limits
 *
 * SPDX-License-Identifier: MIT
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include <cmocka.h>

#include "analysis/analysis.h"
#include "analysis_testutil.h"

/* zip_entries_get_paths_below_the_part_and_its_name */
static void
zip_entries_get_paths_below_the_part_and_its_name(void **state)
{
	char *p = at_fixture_or_skip("plain.zip");
	struct analysis *an = at_run_fixture(p, "pupils.zip",
	    "application/zip", NULL);
	const struct attachment *zip = at_find(an, "2");
	const struct attachment *csv = at_find(an,
	    "2/pupils.zip/Year 6/list.csv");

	assert_non_null(zip);
	assert_string_equal(zip->kind, "zip");
	assert_true(zip->is_archive);
	assert_false(zip->encrypted);
	assert_non_null(csv);
	assert_string_equal(csv->name, "list.csv");
	assert_int_equal(csv->depth, 1);
	assert_string_equal(csv->kind, "csv");
	assert_true(at_text_has(csv, "Reggie"));
	assert_null(at_find(an, "2/pupils.zip/Year 6/"));
	analysis_free(an);
	free(p);
}

/* zipcrypto_zip_is_encrypted_and_weak */
static void
zipcrypto_zip_is_encrypted_and_weak(void **state)
{
	char *p = at_fixture_or_skip("zipcrypto.zip");
	struct analysis *an = at_run_fixture(p, "z.zip", "application/zip",
	    NULL);
	const struct attachment *e = at_find(an, "2/z.zip/Year 6/list.csv");

	assert_non_null(e);
	assert_true(e->encrypted);
	assert_int_equal(e->strength, ENCRYPTION_WEAK);
	assert_string_equal(e->encryption, "zipcrypto");
	assert_null(e->text);
	assert_true(at_find(an, "2")->encrypted);
	assert_int_equal(at_find(an, "2")->strength, ENCRYPTION_WEAK);
	assert_null(at_find(an, "2")->uninspectable);
	analysis_free(an);
	free(p);
}

/* aes_zip_is_encrypted_and_strong */
static void
aes_zip_is_encrypted_and_strong(void **state)
{
	char *p = at_fixture_or_skip("aes.zip");
	struct analysis *an = at_run_fixture(p, "a.zip", "application/zip",
	    NULL);
	const struct attachment *e = at_find(an, "2/a.zip/Year 6/list.csv");

	assert_non_null(e);
	assert_true(e->encrypted);
	assert_int_equal(e->strength, ENCRYPTION_STRONG);
	assert_string_equal(e->encryption, "zip-aes");
	assert_false(e->names_hidden);
	assert_string_equal(at_find(an, "2")->encryption, "zip-aes");
	analysis_free(an);
	free(p);
}

/* seven_zip_with_encrypted_data_shows_names */
static void
seven_zip_with_encrypted_data_shows_names(void **state)
{
	char *p = at_fixture_or_skip("data.7z");
	struct analysis *an = at_run_fixture(p, "d.7z",
	    "application/x-7z-compressed", NULL);
	const struct attachment *e = at_find(an, "2/d.7z/Year 6/list.csv");

	assert_string_equal(at_find(an, "2")->kind, "7z");
	assert_non_null(e);
	assert_true(e->encrypted);
	assert_string_equal(e->encryption, "7z-aes");
	assert_false(at_find(an, "2")->names_hidden);
	analysis_free(an);
	free(p);
}

/* seven_zip_with_encrypted_headers_hides_names */
static void
seven_zip_with_encrypted_headers_hides_names(void **state)
{
	char *p = at_fixture_or_skip("hidden.7z");
	struct analysis *an = at_run_fixture(p, "h.7z",
	    "application/octet-stream", NULL);
	const struct attachment *a = at_find(an, "2");

	assert_true(a->encrypted);
	assert_true(a->names_hidden);
	assert_int_equal(a->strength, ENCRYPTION_STRONG);
	assert_null(a->uninspectable);
	assert_int_equal(an->count, 2);
	analysis_free(an);
	free(p);
}

/* seven_zip_entries_are_typed_by_content */
static void
seven_zip_entries_are_typed_by_content(void **state)
{
	char *p = at_fixture_or_skip("plain.7z");
	struct analysis *an = at_run_fixture(p, "p.7z",
	    "application/x-7z-compressed", NULL);
	const struct attachment *e = at_find(an, "2/p.7z/invoice.exe");

	assert_non_null(e);
	assert_string_equal(e->kind, "pe");
	analysis_free(an);
	free(p);
}

/* tar_gz_entries_are_listed */
static void
tar_gz_entries_are_listed(void **state)
{
	char *p = at_fixture_or_skip("bundle.tar.gz");
	struct analysis *an = at_run_fixture(p, "b.tar.gz",
	    "application/gzip", NULL);

	assert_string_equal(at_find(an, "2")->kind, "gzip");
	assert_non_null(at_find(an, "2/b.tar.gz/Year 6/list.csv"));
	assert_string_equal(at_find(an, "2/b.tar.gz/invoice.exe")->kind, "pe");
	analysis_free(an);
	free(p);
}

/* gzip_of_a_single_file_is_read_raw_and_named_after_it */
static void
gzip_of_a_single_file_is_read_raw_and_named_after_it(void **state)
{
	char *p = at_fixture_or_skip("tool.exe.gz");
	struct analysis *an = at_run_fixture(p, "tool.exe.gz",
	    "application/gzip", NULL);
	const struct attachment *e = at_find(an, "2/tool.exe.gz/tool.exe");

	assert_non_null(e);
	assert_string_equal(e->kind, "pe");
	assert_null(at_find(an, "2")->uninspectable);
	analysis_free(an);
	free(p);
}

/* iso_image_is_a_container_of_its_files */
static void
iso_image_is_a_container_of_its_files(void **state)
{
	char *p = at_fixture_or_skip("disc.iso");
	struct analysis *an = at_run_fixture(p, "d.iso",
	    "application/octet-stream", NULL);
	const struct attachment *e = at_find(an, "2/d.iso/invoice.exe");

	assert_string_equal(at_find(an, "2")->kind, "iso");
	assert_non_null(e);
	assert_string_equal(e->kind, "pe");
	analysis_free(an);
	free(p);
}

/* big_container_is_read_from_its_temporary_file */
static void
big_container_is_read_from_its_temporary_file(void **state)
{
	char *p = at_fixture_or_skip("big-stored.zip");
	struct analysis *an = at_run_fixture(p, "big.zip", "application/zip",
	    NULL);
	const struct attachment *noise = at_find(an, "2/big.zip/noise.bin");
	const struct attachment *exe = at_find(an,
	    "2/big.zip/tools/setup.exe");

	assert_null(at_find(an, "2")->uninspectable);
	assert_non_null(noise);
	assert_int_equal(noise->size, 3 << 20);
	assert_non_null(exe);
	assert_string_equal(exe->kind, "pe");
	analysis_free(an);
	free(p);
}

/* peak_rss_kib - the process's peak resident set size */
static long
peak_rss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* zip_nested_20_deep_stops_at_max_depth */
static void
zip_nested_20_deep_stops_at_max_depth(void **state)
{
	char *p = at_fixture_or_skip("nested20.zip");
	gint64 t0 = g_get_monotonic_time();
	struct analysis *an = at_run_fixture(p, "n.zip", "application/zip",
	    NULL);
	double ms = at_ms_since(t0);
	size_t i, depth_hits = 0;

	print_message("nested20.zip: %.1f ms, peak RSS %ld KiB (speed: "
	    "contrib/bench/run-bench.sh, part analysis)\n", ms, peak_rss_kib());
	for (i = 0; i < an->count; i++) {
		assert_true(an->items[i].depth <= 5);
		if (an->items[i].uninspectable != NULL &&
		    strcmp(an->items[i].uninspectable, "depth") == 0)
			depth_hits++;
	}
	assert_int_equal(depth_hits, 1);
	assert_int_equal(an->count, 1 + 6);
	analysis_free(an);
	free(p);
}

/* zip_bomb_is_uninspectable_by_ratio_with_bounded_memory */
static void
zip_bomb_is_uninspectable_by_ratio_with_bounded_memory(void **state)
{
	char *p = at_fixture_or_skip("bomb.zip");
	long rss0 = peak_rss_kib();
	gint64 t0 = g_get_monotonic_time();
	struct analysis *an = at_run_fixture(p, "bomb.zip", "application/zip",
	    NULL);
	double ms = at_ms_since(t0);
	const struct attachment *zip = at_find(an, "2");

	print_message("bomb.zip: %.1f ms, peak RSS %ld KiB (before %ld)\n",
	    ms, peak_rss_kib(), rss0);
	assert_true(peak_rss_kib() - rss0 < 64 * 1024);
	assert_string_equal(zip->uninspectable, "ratio");
	assert_string_equal(at_find(an, "2/bomb.zip/zeros.txt")->uninspectable,
	    "ratio");
	analysis_free(an);
	free(p);
}

/* expanded_size_limit_makes_the_archive_uninspectable */
static void
expanded_size_limit_makes_the_archive_uninspectable(void **state)
{
	char *p = at_fixture_or_skip("bomb.zip");
	struct analysis_limits lim;
	struct analysis *an;

	analysis_limits_default(&lim);
	lim.max_ratio = 100000;
	lim.max_expanded = 2 * 1024 * 1024;
	an = at_run_fixture(p, "bomb.zip", "application/zip", &lim);
	assert_string_equal(at_find(an, "2")->uninspectable, "expanded-size");
	analysis_free(an);
	free(p);
}

/* entry_limit_makes_the_archive_uninspectable */
static void
entry_limit_makes_the_archive_uninspectable(void **state)
{
	char *p = at_fixture_or_skip("many.zip");
	struct analysis_limits lim;
	struct analysis *an;

	analysis_limits_default(&lim);
	lim.max_entries = 10;
	an = at_run_fixture(p, "many.zip", "application/zip", &lim);
	assert_string_equal(at_find(an, "2")->uninspectable, "entries");
	assert_int_equal(an->count, 2 + 10);
	analysis_free(an);
	analysis_limits_default(&lim);
	an = at_run_fixture(p, "many.zip", "application/zip", &lim);
	assert_null(at_find(an, "2")->uninspectable);
	assert_int_equal(an->count, 2 + 50);
	analysis_free(an);
	free(p);
}

/* corrupt_zip_is_uninspectable */
static void
corrupt_zip_is_uninspectable(void **state)
{
	char *p = at_fixture_or_skip("corrupt.zip");
	struct analysis *an = at_run_fixture(p, "c.zip", "application/zip",
	    NULL);

	assert_string_equal(at_find(an, "2")->uninspectable, "corrupt");
	analysis_free(an);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
		    zip_entries_get_paths_below_the_part_and_its_name),
		cmocka_unit_test(zipcrypto_zip_is_encrypted_and_weak),
		cmocka_unit_test(aes_zip_is_encrypted_and_strong),
		cmocka_unit_test(seven_zip_with_encrypted_data_shows_names),
		cmocka_unit_test(seven_zip_with_encrypted_headers_hides_names),
		cmocka_unit_test(seven_zip_entries_are_typed_by_content),
		cmocka_unit_test(tar_gz_entries_are_listed),
		cmocka_unit_test(
		    gzip_of_a_single_file_is_read_raw_and_named_after_it),
		cmocka_unit_test(iso_image_is_a_container_of_its_files),
		cmocka_unit_test(big_container_is_read_from_its_temporary_file),
		cmocka_unit_test(zip_nested_20_deep_stops_at_max_depth),
		cmocka_unit_test(
		    zip_bomb_is_uninspectable_by_ratio_with_bounded_memory),
		cmocka_unit_test(
		    expanded_size_limit_makes_the_archive_uninspectable),
		cmocka_unit_test(entry_limit_makes_the_archive_uninspectable),
		cmocka_unit_test(corrupt_zip_is_uninspectable),
	};

	return cmocka_run_group_tests_name("analysis zip", tests, at_setup,
	    at_teardown);
}
