/*
 * fuzz_util - small helpers shared by the libFuzzer targets that link
 * the whole engine (fuzz_conf, fuzz_csv, fuzz_pipeline)
 */
#ifndef AUP_FUZZ_UTIL_H
#define AUP_FUZZ_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* fuzz_tempdir - a fresh folder under TMPDIR, removed at exit */
const char *fuzz_tempdir(const char *tag);
/* fuzz_path - "dir/name", newly allocated (the caller frees it) */
char	*fuzz_path(const char *dir, const char *name);
/* fuzz_write_file - replace a file's contents; aborts on failure */
void	fuzz_write_file(const char *path, const void *data, size_t len);
/* fuzz_names_special_file - does the input mention /dev/, /proc/ or /sys/? */
bool	fuzz_names_special_file(const void *data, size_t len);

#endif
