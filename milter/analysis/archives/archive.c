/*
 * archive - the entries of zip, 7z, rar, tar, gz/bz2/xz, iso, cab, ar
 * (.deb), lha and rpm
 *
 * SYNOPSIS
 *	void archive_walk(struct actx *ctx, size_t rec, const struct blob *b,
 *	    const struct pkg_parts *package)
 *
 * DESCRIPTION
 *	Reads a container with libarchive (an explicit list of formats and
 *	library-backed filters only: no filter that runs an external
 *	program, no mtree; TECH-NOTES 7.4) and adds one record per regular
 *	entry, path "<container path>/<entry path>", one level deeper, then
 *	inspects each entry like a MIME part (recursively).  Every entry of
 *	an Office or OpenDocument package is judged too (`package`): its
 *	own XML parts are typed without libmagic or text extraction (the
 *	document's text is already on the package's record), anything
 *	else in it - embedded objects, a program, a CSV - like any entry.
 *	A part the package's text pass already read to its end (`package`,
 *	pkg_parts.c) is not inflated again: the entry at the same header
 *	position with the same name takes its size, digest and first
 *	bytes, and is charged to the limits as if it had been read (when
 *	that would break a limit, or its first bytes are not XML, it is
 *	read as before).
 *
 *	libarchive has no limits of its own (TECH-NOTES 7.3); they are
 *	enforced here as the data is read: max_depth, max_entries and
 *	max_expanded for the whole message, max_ratio per container (judged
 *	once ANALYSIS_RATIO_FLOOR bytes came out), and the wall-clock
 *	budget.  The record that hits a limit, and the container it is in,
 *	become uninspectable and the rest of the container is not read.
 *	Entries are never decrypted; encrypted ones are reported with the
 *	strength of their method (ZIP central directory, 7z coders).  An
 *	encrypted entry named as an archive or disk image hides what it
 *	holds as surely as hidden names do: it is marked names_hidden.
 *	An entry in a compression method libarchive lacks (deflate64) is
 *	"compression", not "corrupt".  A
 *	compressed single file (x.exe.gz) is read again as "raw".  A big
 *	container (a mapped blob) gives its pages back every few MiB read,
 *	so its resident size stays small while a large entry comes out.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>

#include <archive.h>
#include <archive_entry.h>

#include "analysis/analysis_int.h"
#include "util/xalloc.h"

#define ARCHIVE_CHUNK	65536
#define ARCHIVE_DROP_EVERY (4 * 1024 * 1024)

/* State of one container being read. */
struct archive_walk {
	struct actx	*ctx;
	size_t		 rec;		/* the container's record */
	const unsigned char *data;
	size_t		 len;
	bool		 mapped;	/* data is a mapped temporary file */
	int		 fd;		/* that file, or -1 */
	char		*prefix;	/* path of the entries' parent */
	bool		 package;	/* entries of an Office package */
	const struct pkg_parts *parts;	/* its parts read whole for text */
	uint64_t	 out;		/* bytes expanded from this container */
	unsigned	 nfiles;	/* entries read */
	unsigned	 nheaders;	/* headers read (pkg_part index) */
};

/* archive_open - a reader for a container (raw: a single file) */
static struct archive *
archive_open(const struct archive_walk *w, bool raw, bool *compressed)
{
	int r;

	struct archive *ar = archive_read_new();

	archive_read_support_filter_gzip(ar);
	archive_read_support_filter_bzip2(ar);
	archive_read_support_filter_xz(ar);
	archive_read_support_filter_lzma(ar);
	archive_read_support_filter_lzip(ar);
	archive_read_support_filter_zstd(ar);
	archive_read_support_filter_lz4(ar);
	archive_read_support_filter_compress(ar);
	if (raw)
		archive_read_support_format_raw(ar);
	else {
		archive_read_support_format_zip_seekable(ar);
		archive_read_support_format_7zip(ar);
		archive_read_support_format_rar(ar);
		archive_read_support_format_rar5(ar);
		archive_read_support_format_tar(ar);
		archive_read_support_format_iso9660(ar);
		archive_read_support_format_cab(ar);
		archive_read_support_format_cpio(ar);
		archive_read_support_format_ar(ar);
		archive_read_support_format_lha(ar);
		archive_read_support_filter_rpm(ar);
	}
	/*
	 * A big container is read from its file in blocks: from memory,
	 * libarchive checksums a whole stored entry in one go and so makes
	 * all of it resident at once.
	 */
	if (w->fd >= 0 && lseek(w->fd, 0, SEEK_SET) == 0)
		r = archive_read_open_fd(ar, w->fd, ARCHIVE_CHUNK);
	else
		r = archive_read_open_memory(ar, w->data, w->len);
	if (r != ARCHIVE_OK) {
		/* a compressed file that holds no archive: read it raw */
		*compressed = archive_filter_count(ar) > 1;
		archive_read_free(ar);
		return NULL;
	}
	return ar;
}

/* archive_fail - mark the entry (if any) and its container */
static void
archive_fail(struct archive_walk *w, size_t entry, const char *reason)
{
	if (entry != (size_t)-1)
		actx_rec(w->ctx, entry)->uninspectable = reason;
	if (actx_rec(w->ctx, w->rec)->uninspectable == NULL)
		actx_rec(w->ctx, w->rec)->uninspectable = reason;
}

/* archive_limit - the limit that n more expanded bytes break, or NULL */
static const char *
archive_limit(struct archive_walk *w, size_t n)
{
	struct actx *ctx = w->ctx;

	w->out += n;
	if (!actx_expand(ctx, n))
		return "expanded-size";
	if (w->out > ANALYSIS_RATIO_FLOOR &&
	    w->out / (w->len ? w->len : 1) >= ctx->lim.max_ratio)
		return "ratio";
	if (actx_late(ctx))
		return "time";
	return NULL;
}

/* archive_entry_record - a new record for an entry */
static size_t
archive_entry_record(struct archive_walk *w, const char *pathname)
{
	struct actx *ctx = w->ctx;
	const char *base = strrchr(pathname, '/');
	char *safe = analysis_name_safe(pathname);
	char *path = xasprintf("%s/%s", w->prefix, safe);
	size_t rec = actx_add(ctx, path, actx_rec(ctx, w->rec)->depth + 1);
	struct attachment *a = actx_rec(ctx, rec);

	base = base != NULL ? base + 1 : pathname;
	a->name = xstrdup(base);
	a->name_safe = analysis_name_safe(base);
	free(safe);
	free(path);
	return rec;
}

/* archive_encrypted - an entry whose data needs a password */
static void
archive_encrypted(struct archive_walk *w, size_t rec,
    struct archive_entry *e, const char *pathname)
{
	struct attachment *a;
	const char *label = "zipcrypto";
	enum encryption_strength st = ENCRYPTION_WEAK;
	const char *kind = actx_rec(w->ctx, w->rec)->kind;

	if (strcmp(kind, "7z") == 0) {
		st = ENCRYPTION_STRONG;
		label = "7z-aes";
	} else if (strcmp(kind, "rar") == 0) {
		st = ENCRYPTION_STRONG;
		label = "rar-aes";
	} else
		st = zipdir_entry_strength(w->data, w->len, pathname, &label);
	a = actx_rec(w->ctx, rec);
	analysis_set_encrypted(a, st, label);
	a->size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	a->detected_type = xstrdup("application/octet-stream");
	a->kind = "other";
	if (filetype_name_is_container(a->name)) {
		/* inner.zip, disk.iso: its names are as hidden as 7z -mhe */
		a->is_archive = true;
		a->names_hidden = true;
	}
	analysis_set_encrypted(actx_rec(w->ctx, w->rec), st, label);
}

/* archive_drop - give back the container pages read so far (they reload) */
static void
archive_drop(const struct archive_walk *w)
{
	if (w->mapped)
		(void)madvise((void *)w->data, w->len, MADV_DONTNEED);
}

/* archive_read_entry - expand one entry into a blob; limit reason or NULL */
static const char *
archive_read_entry(struct archive_walk *w, struct archive *ar,
    struct blob *b, la_ssize_t *err)
{
	unsigned char buf[ARCHIVE_CHUNK];
	const char *why;
	la_ssize_t n;

	while ((n = archive_read_data(ar, buf, sizeof(buf))) > 0) {
		if ((w->out + (size_t)n) / ARCHIVE_DROP_EVERY !=
		    w->out / ARCHIVE_DROP_EVERY)
			archive_drop(w);
		if ((why = archive_limit(w, (size_t)n)) != NULL)
			return why;
		if (blob_append(b, buf, (size_t)n) < 0) {
			w->ctx->failed = true;
			return "truncated";
		}
	}
	*err = n;
	return NULL;
}

/*
 * archive_kept_fits - would charging n more expanded bytes pass every
 * limit archive_limit() checks?  (It checks after each chunk; all of
 * them only grow, so passing at the end is passing all along.)
 */
static bool
archive_kept_fits(const struct archive_walk *w, size_t n)
{
	const struct actx *ctx = w->ctx;
	uint64_t out = w->out + n;

	if (ctx->expanded + n > ctx->lim.max_expanded)
		return false;
	return !(out > ANALYSIS_RATIO_FLOOR &&
	    out / (w->len ? w->len : 1) >= ctx->lim.max_ratio);
}

/* archive_entry_kept - an entry the package's text pass read whole
 * (pkg_parts.c), judged without inflating it again: 1; 0: read it;
 * -1: a limit broke (stop) */
static int
archive_entry_kept(struct archive_walk *w, size_t rec, struct archive *ar,
    const char *pathname)
{
	const struct pkg_part *p;
	const char *why;

	if (!w->package || w->parts == NULL ||
	    (archive_format(ar) & ARCHIVE_FORMAT_BASE_MASK) !=
	    ARCHIVE_FORMAT_ZIP ||
	    (p = pkg_parts_find(w->parts, w->nheaders - 1, pathname)) ==
	    NULL || !archive_kept_fits(w, p->size) || actx_late(w->ctx) ||
	    !inspect_package_kept(w->ctx, rec, p))
		return 0;
	if ((why = archive_limit(w, p->size)) != NULL) {
		archive_fail(w, rec, why);
		return -1;
	}
	return 1;
}

/* archive_entry_data - read and inspect a plain entry; false: stop */
static bool
archive_entry_data(struct archive_walk *w, size_t rec, struct archive *ar,
    struct archive_entry *e, const char *pathname)
{
	const char *why, *msg;
	la_ssize_t err = 0;
	struct blob b;

	switch (archive_entry_kept(w, rec, ar, pathname)) {
	case 1:
		return !w->ctx->failed;
	case -1:
		return false;
	}
	blob_init_digest(&b);
	why = archive_read_entry(w, ar, &b, &err);
	if (why == NULL && err < 0) {
		msg = archive_error_string(ar);
		if (archive_entry_is_encrypted(e) || (msg != NULL &&
		    (strcasestr(msg, "encrypt") != NULL ||
		    strcasestr(msg, "passphrase") != NULL)))
			archive_encrypted(w, rec, e, pathname);
		else if (msg != NULL &&
		    strcasestr(msg, "compression method") != NULL) {
			archive_fail(w, rec, "compression");
			actx_rec(w->ctx, rec)->detail = strstr(msg, "64") ?
			    "deflate64" : "an unknown method";
			if (actx_rec(w->ctx, w->rec)->detail == NULL)
				actx_rec(w->ctx, w->rec)->detail =
				    actx_rec(w->ctx, rec)->detail;
		} else
			archive_fail(w, rec, "corrupt");
		blob_free(&b);
		return err != ARCHIVE_FATAL;
	}
	if (why == NULL && blob_finish(&b) < 0) {
		w->ctx->failed = true;
		why = "truncated";
	}
	if (why != NULL) {
		actx_rec(w->ctx, rec)->size = b.len;
		actx_rec(w->ctx, rec)->kind = "other";
		actx_rec(w->ctx, rec)->detected_type =
		    xstrdup("application/octet-stream");
		archive_fail(w, rec, why);
		blob_free(&b);
		return false;
	}
	if (!w->package || !inspect_package_part(w->ctx, rec, &b))
		inspect_content(w->ctx, rec, &b, NULL);
	blob_free(&b);
	return !w->ctx->failed;
}

/* archive_entry - one header read: count, record, read; false: stop */
static bool
archive_entry(struct archive_walk *w, struct archive *ar,
    struct archive_entry *e)
{
	struct actx *ctx = w->ctx;
	const char *name = archive_entry_pathname_utf8(e);
	size_t rec;

	if (name == NULL)
		name = archive_entry_pathname(e);
	if (name == NULL)
		name = "";
	if (++ctx->entries > ctx->lim.max_entries) {
		archive_fail(w, (size_t)-1, "entries");
		return false;
	}
	if (actx_late(ctx)) {
		archive_fail(w, (size_t)-1, "time");
		return false;
	}
	if (archive_entry_filetype(e) != AE_IFREG && archive_entry_filetype(e))
		return true;
	w->nfiles++;
	rec = archive_entry_record(w, name);
	if (archive_entry_is_data_encrypted(e)) {
		archive_encrypted(w, rec, e, name);
		return true;
	}
	return archive_entry_data(w, rec, ar, e, name);
}

/* archive_headers_failed - a header could not be read: why */
static void
archive_headers_failed(struct archive_walk *w, struct archive *ar)
{
	struct attachment *a = actx_rec(w->ctx, w->rec);
	const char *msg = archive_error_string(ar);

	if (msg != NULL && strcasestr(msg, "encrypt") != NULL) {
		analysis_set_encrypted(a, ENCRYPTION_STRONG,
		    strcmp(a->kind, "rar") == 0 ? "rar-aes" : "7z-aes");
		a->names_hidden = true;
	} else
		archive_fail(w, (size_t)-1, "corrupt");
}

/* archive_raw_name - name a decompressed single file after its container */
static void
archive_raw_name(struct archive_walk *w, struct archive_entry *e)
{
	static const char *const ext[] = {
		"gz", "bz2", "xz", "lzma", "lz", "zst", "z", "lz4",
	};
	const char *name = archive_entry_pathname(e);
	const char *cname = actx_rec(w->ctx, w->rec)->name;
	char *copy, *dot;
	size_t i;

	if (name != NULL && *name != '\0' && strcmp(name, "data") != 0)
		return;
	if (cname == NULL || *cname == '\0')
		return;
	copy = xstrdup(cname);
	if ((dot = strrchr(copy, '.')) != NULL) {
		for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
			if (strcasecmp(dot + 1, ext[i]) == 0)
				*dot = '\0';
		if (strcasecmp(dot + 1, "tgz") == 0)
			strcpy(dot, ".tar");
	}
	archive_entry_set_pathname(e, copy);
	free(copy);
}

/* archive_loop - read every header; 1 if nothing recognised (try raw) */
static int
archive_loop(struct archive_walk *w, struct archive *ar, bool raw)
{
	struct archive_entry *e;
	int r;

	for (;;) {
		r = archive_read_next_header(ar, &e);
		archive_drop(w);	/* format probes may read it all */
		if (r == ARCHIVE_EOF)
			return 0;
		if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
			if (!raw && w->nfiles == 0 &&
			    archive_filter_count(ar) > 1 &&
			    archive_format(ar) == 0)
				return 1;
			archive_headers_failed(w, ar);
			return 0;
		}
		w->nheaders++;
		if (raw)
			archive_raw_name(w, e);
		if (!archive_entry(w, ar, e))
			return 0;
	}
}

/* archive_read_all - read as an archive, else as one compressed file */
static void
archive_read_all(struct archive_walk *w)
{
	struct archive *ar;
	bool compressed = false;

	ar = archive_open(w, false, &compressed);
	if (ar != NULL) {
		compressed = archive_loop(w, ar, false) == 1;
		archive_read_free(ar);
		if (!compressed)
			return;
	}
	if (compressed &&
	    (ar = archive_open(w, true, &compressed)) != NULL) {
		(void)archive_loop(w, ar, true);
		archive_read_free(ar);
		return;
	}
	archive_fail(w, (size_t)-1, "corrupt");
}

/* archive_walk - records for the entries of a container */
void
archive_walk(struct actx *ctx, size_t rec, const struct blob *b,
    const struct pkg_parts *package)
{
	const unsigned char *data = b->data;
	size_t len = b->len;
	struct attachment *a = actx_rec(ctx, rec);
	struct archive_walk w;

	if (a->depth + 1 > ctx->lim.max_depth) {
		a->uninspectable = "depth";
		return;
	}
	if (strcmp(a->kind, "7z") == 0 && !sevenzip_is_whole(data, len)) {
		a->uninspectable = "corrupt";
		a->detail = "data before or after the archive";
	}
	if (strcmp(a->kind, "7z") == 0 &&
	    sevenzip_headers_encrypted(data, len)) {
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "7z-aes");
		a->names_hidden = true;
		return;
	}
	memset(&w, 0, sizeof(w));
	w.ctx = ctx;
	w.rec = rec;
	w.data = data;
	w.len = len;
	w.mapped = b->mapped;
	w.fd = b->mapped ? b->fd : -1;
	w.package = package != NULL;
	w.parts = package;
	w.prefix = strchr(a->path, '/') != NULL ? xstrdup(a->path) :
	    xasprintf("%s/%s", a->path, a->name_safe ? a->name_safe : "-");
	archive_read_all(&w);
	free(w.prefix);
}
