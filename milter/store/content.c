/*
 * content - held and deferred messages by reference: files or rows
 *
 * SYNOPSIS
 *	content_put(), content_eml(), content_meta(), content_delete()
 *
 * DESCRIPTION
 *	SQLite: each file is written to REF.ext.tmp (created exclusively,
 *	0640), fsync'd, renamed, and the folder fsync'd after both, so a
 *	crash leaves either the whole copy or none.  PostgreSQL: the spool
 *	is read into memory (a held message is at most the MTA's size
 *	limit) and written with its metadata in one INSERT, committed
 *	(synchronous_commit is the server's: on by default).  Keeping the
 *	same reference again replaces the copy.
 *
 * DIAGNOSTICS
 *	-1 or NULL with *err: the path and errno's text, or the driver's
 *	message.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib.h>

#include "engine/spool.h"
#include "store/content.h"
#include "store/db.h"
#include "util/xalloc.h"

static const char *const content_folder[] = { "messages", "deferred" };
static const char *const content_kind_name[] = { "held", "deferred" };

/* content_fail - *err from errno; returns -1 (errno kept) */
static int
content_fail(const char *what, char **err)
{
	int saved = errno;

	if (err != NULL && *err == NULL)
		*err = xasprintf("%s: %s", what, strerror(saved));
	errno = saved;
	return -1;
}

/* content_path - DIR/FOLDER/REF.EXT (new string) */
static char *
content_path(struct store *st, enum content_kind kind, const char *ref,
    const char *ext)
{
	return xasprintf("%s/%s/%s.%s", store_dir(st), content_folder[kind],
	    ref, ext);
}

/* content_write - a new file, durably (spool or text); 0 or -1 */
static int
content_write(const char *path, struct spool *sp, const char *text)
{
	char *tmp = xasprintf("%s.tmp", path);
	int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
	int rc = -1, saved;
	size_t len = text != NULL ? strlen(text) : 0;

	if (fd >= 0) {
		if (sp != NULL)
			rc = spool_copy_to_fd(sp, fd);
		else
			rc = write(fd, text, len) == (ssize_t)len ? 0 :
			    (errno = errno ? errno : EIO, -1);
		if (rc == 0)
			rc = fsync(fd);
		if (close(fd) < 0)
			rc = -1;
		if (rc == 0)
			rc = rename(tmp, path);
	}
	saved = errno;
	if (rc < 0)
		(void)unlink(tmp);
	free(tmp);
	errno = saved;
	return rc;
}

/* content_fsync_dir - make the renames durable */
static int
content_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	(void)close(fd);
	return rc;
}

/* content_put_files - REF.eml then REF.json, durably */
static int
content_put_files(struct store *st, enum content_kind kind, const char *ref,
    struct spool *sp, const char *meta, char **err)
{
	char *sub = xasprintf("%s/%s", store_dir(st), content_folder[kind]);
	char *eml = content_path(st, kind, ref, "eml");
	char *json = content_path(st, kind, ref, "json");
	int rc = -1, saved;

	if ((mkdir(store_dir(st), 0750) == 0 || errno == EEXIST) &&
	    (mkdir(sub, 0750) == 0 || errno == EEXIST) &&
	    content_write(eml, sp, NULL) == 0) {
		if (content_write(json, NULL, meta) == 0 &&
		    content_fsync_dir(sub) == 0)
			rc = 0;
		saved = errno;
		if (rc < 0) {
			(void)unlink(json);
			(void)unlink(eml);
		}
		errno = saved;
	}
	if (rc < 0)
		content_fail(sub, err);
	saved = errno;
	free(sub);
	free(eml);
	free(json);
	errno = saved;
	return rc;
}

/* content_spool_bytes - the spool's bytes in memory (new buffer) */
static char *
content_spool_bytes(struct spool *sp, size_t *len, char **err)
{
	int fd = memfd_create("aup-content", MFD_CLOEXEC);
	struct stat sb;
	char *buf = NULL;
	ssize_t got;
	size_t off = 0;

	if (fd < 0 || spool_copy_to_fd(sp, fd) < 0 || fstat(fd, &sb) < 0 ||
	    lseek(fd, 0, SEEK_SET) < 0) {
		content_fail("spool", err);
		goto out;
	}
	buf = xmalloc((size_t)sb.st_size + 1);
	while (off < (size_t)sb.st_size &&
	    (got = read(fd, buf + off, (size_t)sb.st_size - off)) > 0)
		off += (size_t)got;
	buf[off] = '\0';
	*len = off;
out:
	if (fd >= 0)
		(void)close(fd);
	return buf;
}

/* content_put - durably stored, or -1 */
int
content_put(struct store *st, enum content_kind kind, const char *ref,
    struct spool *sp, const char *meta, char **err)
{
	const char *args[] = { content_kind_name[kind], ref, NULL, meta };
	struct db *db;
	size_t len = 0;
	char *data;
	long rc = -1;

	if (!store_shared(st))
		return content_put_files(st, kind, ref, sp, meta, err);
	if ((data = content_spool_bytes(sp, &len, err)) == NULL)
		return -1;
	if ((db = db_open(st, err)) != NULL)
		rc = db_exec_blob(db, "INSERT INTO content (kind, ref, eml, meta) "
		    "VALUES ($1, $2, $3, $4) ON CONFLICT (kind, ref) DO UPDATE "
		    "SET eml = excluded.eml, meta = excluded.meta", 4, args, 2,
		    data, len, err);
	db_close(db);
	free(data);
	if (rc < 0)
		errno = EIO;
	return rc < 0 ? -1 : 0;
}

/* content_read_file - a whole file (new buffer), or NULL */
static char *
content_read_file(char *path, size_t *len, char **err)
{
	gchar *data = NULL;
	gsize n = 0;
	char *out = NULL;

	if (g_file_get_contents(path, &data, &n, NULL)) {
		out = xmalloc(n + 1);
		memcpy(out, data, n);
		out[n] = '\0';
		*len = n;
	} else if (err != NULL && *err == NULL)
		*err = xasprintf("cannot read %s", path);
	g_free(data);
	free(path);
	return out;
}

/* content_row - the eml or meta column of a row (new buffer), or NULL */
static char *
content_row(struct store *st, enum content_kind kind, const char *ref,
    bool eml, size_t *len, char **err)
{
	const char *args[] = { content_kind_name[kind], ref };
	struct db *db = db_open(st, err);
	struct db_rows *r = NULL;
	char *out = NULL;
	int rc = -1;

	if (db != NULL && (r = db_query(db, eml ? "SELECT eml FROM content "
	    "WHERE kind = $1 AND ref = $2" : "SELECT meta FROM content WHERE "
	    "kind = $1 AND ref = $2", 2, args, err)) != NULL &&
	    (rc = db_next(r, err)) == 1)
		out = db_blob(r, 0, len);
	if (rc == 0 && err != NULL && *err == NULL)
		*err = xasprintf("%s: no stored message", ref);
	db_rows_free(r);
	db_close(db);
	return out;
}

/* content_eml - the message */
char *
content_eml(struct store *st, enum content_kind kind, const char *ref,
    size_t *len, char **err)
{
	*len = 0;
	if (store_shared(st))
		return content_row(st, kind, ref, true, len, err);
	return content_read_file(content_path(st, kind, ref, "eml"), len, err);
}

/* content_meta - the metadata */
char *
content_meta(struct store *st, enum content_kind kind, const char *ref,
    char **err)
{
	size_t len = 0;

	if (store_shared(st))
		return content_row(st, kind, ref, false, &len, err);
	return content_read_file(content_path(st, kind, ref, "json"), &len,
	    err);
}

/* content_delete - both parts, metadata first */
int
content_delete(struct store *st, enum content_kind kind, const char *ref,
    char **err)
{
	const char *args[] = { content_kind_name[kind], ref };
	char *eml, *json;
	int rc = 0;

	if (store_shared(st))
		return db_store_exec(st, "DELETE FROM content WHERE kind = $1 "
		    "AND ref = $2", 2, args, err) < 0 ? -1 : 0;
	eml = content_path(st, kind, ref, "eml");
	json = content_path(st, kind, ref, "json");
	/* The .json first: without it the entry is not listed as stored. */
	if (unlink(json) < 0 && errno != ENOENT)
		rc = content_fail(json, err);
	if (unlink(eml) < 0 && errno != ENOENT)
		rc = content_fail(eml, err);
	free(eml);
	free(json);
	return rc;
}
