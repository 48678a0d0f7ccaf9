/*
 * office_crypt - legacy Office and protected OOXML: kind, password, macros
 *
 * SYNOPSIS
 *	bool ole_inspect(struct actx *ctx, size_t rec,
 *	    const unsigned char *data, size_t len)
 *
 * DESCRIPTION
 *	Reads the few streams that tell, without a password (TECH-NOTES 8):
 *	- EncryptedPackage (+ EncryptionInfo version): an OOXML file with a
 *	  password to open; 4.4 is agile ("ooxml-agile", strong), 2.2/3.2/
 *	  4.2 with fAES or 3.3/4.3 standard ("ooxml-standard", strong),
 *	  standard RC4 ("office-rc4", weak).  Its kind follows the file
 *	  name (xlsx, docx...) since the package inside cannot be read.
 *	- WordDocument FIB flags: fEncrypted, fObfuscated (.doc); the text
 *	  of an unencrypted document comes from its piece table (doc_text.c).
 *	- Workbook/Book: a FILEPASS record in the globals substream (.xls);
 *	  XOR obfuscation and RC4 are both weak; unencrypted BoundSheet8
 *	  records of type macro sheet are Excel 4 macros; the cells of an
 *	  unencrypted workbook are its text (xls_text.c).
 *	- Current User headerToken 0xF3D1C4DF (.ppt).
 *	- the root CLSID of Windows Installer packages (msi, msp, mst).
 *	- VBA storages or streams (_VBA_PROJECT_CUR, _VBA_PROJECT, VBA,
 *	  Macros): macros.
 *	Files packaged as OLE objects (Ole10Native streams) are judged as
 *	records of their own (ole_package.c).  A file with the CFB
 *	signature that does not parse is "corrupt".
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "analysis/office/ole.h"
#include "util/byteorder.h"
#include "util/xalloc.h"

#define OFFICE_BIFF_MAX	(64 * 1024 * 1024)

/* office_set - kind and type of a recognised file */
static void
office_set(struct attachment *a, const char *kind, const char *mime)
{
	a->kind = kind;
	free(a->detected_type);
	a->detected_type = xstrdup(mime);
}

/* office_ooxml_encrypted - EncryptionInfo of a protected OOXML file */
static void
office_ooxml_encrypted(const struct ole *o, struct attachment *a)
{
	static const char *const ext[] = {
		"docx", "docm", "xlsx", "xlsm", "xlsb", "pptx", "pptm",
	};
	unsigned char h[8] = { 0 };
	int e = ole_find(o, "EncryptionInfo");
	size_t i;

	if (e >= 0 && ole_read(o, e, h, sizeof(h)) == sizeof(h) &&
	    h[2] == 2 && !(h[4] & 0x20))
		analysis_set_encrypted(a, ENCRYPTION_WEAK, "office-rc4");
	else if (e >= 0 && h[0] == 4 && h[2] == 4)
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "ooxml-agile");
	else
		analysis_set_encrypted(a, ENCRYPTION_STRONG, "ooxml-standard");
	a->kind = "other";
	for (i = 0; i < sizeof(ext) / sizeof(ext[0]); i++)
		if (strcasecmp(filetype_ext(a->name), ext[i]) == 0)
			a->kind = strcmp(ext[i], "xlsb") ? ext[i] : "xlsm";
	free(a->detected_type);
	a->detected_type = xstrdup("application/encrypted");
}

/* office_word - FIB flags and the text of a Word document */
static void
office_word(struct actx *ctx, size_t rec, const struct ole *o, int e)
{
	struct attachment *a = actx_rec(ctx, rec);
	unsigned char fib[16];
	struct textbuf t;
	unsigned flags;

	office_set(a, "doc", "application/msword");
	if (ole_read(o, e, fib, sizeof(fib)) < sizeof(fib) ||
	    le16(fib) != 0xa5ec)
		return;
	flags = le16(fib + 10);
	if (flags & 0x0100) {
		analysis_set_encrypted(a, ENCRYPTION_WEAK,
		    flags & 0x8000 ? "office-xor" : "office-rc4");
		return;
	}
	if (ctx->lim.skip_text)
		return;
	textbuf_init(&t, ctx->lim.max_text);
	doc_text(o, &t);
	textbuf_store(&t, a);
}

/* office_excel - FILEPASS, macro sheets and the cells of a workbook */
static void
office_excel(struct actx *ctx, size_t rec, const struct ole *o, int e)
{
	struct attachment *a = actx_rec(ctx, rec);
	size_t n = ole_size(o, e), off = 0;
	unsigned char *b;
	unsigned type, rlen;
	struct textbuf t;

	n = n < OFFICE_BIFF_MAX ? n : OFFICE_BIFF_MAX;
	n = n < o->nsect * o->ssz ? n : o->nsect * o->ssz;
	b = xmalloc(n ? n : 1);
	n = ole_read(o, e, b, n);
	office_set(a, "xls", "application/vnd.ms-excel");
	while (off + 4 <= n) {
		type = le16(b + off);
		rlen = le16(b + off + 2);
		if (off + 4 + rlen > n || (off == 0 && (type & 0xff) != 0x09))
			break;
		if (type == 0x002f && rlen >= 2)
			analysis_set_encrypted(a, ENCRYPTION_WEAK,
			    le16(b + off + 4) == 0 ?
			    "office-xor" : "office-rc4");
		else if (type == 0x0085 && rlen >= 6 && !a->encrypted &&
		    b[off + 4 + 5] == 0x01)
			a->has_macros = true;
		else if (type == 0x000a)
			break;
		off += 4 + rlen;
	}
	if (!a->encrypted && !ctx->lim.skip_text) {
		textbuf_init(&t, ctx->lim.max_text);
		xls_text(b, n, &t);
		textbuf_store(&t, a);
	}
	free(b);
}

/* office_powerpoint - CurrentUserAtom header token */
static void
office_powerpoint(const struct ole *o, struct attachment *a)
{
	unsigned char cu[16];
	int e = ole_find(o, "Current User");

	office_set(a, "ppt", "application/vnd.ms-powerpoint");
	if (e >= 0 && ole_read(o, e, cu, sizeof(cu)) == sizeof(cu) &&
	    cu[12] == 0xdf && cu[13] == 0xc4 && cu[14] == 0xd1 &&
	    cu[15] == 0xf3)
		analysis_set_encrypted(a, ENCRYPTION_WEAK, "office-rc4");
}

/* office_is_msi - Windows Installer database, patch or transform */
static bool
office_is_msi(const struct ole *o)
{
	unsigned char clsid[16] = { 0x84, 0x10, 0x0c, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46 };

	if (ole_root_clsid(o, clsid))
		return true;
	clsid[0] = 0x86;
	if (ole_root_clsid(o, clsid))
		return true;
	clsid[0] = 0x82;
	return ole_root_clsid(o, clsid);
}

/* ole_inspect - handle a compound file; false if it is none we know */
bool
ole_inspect(struct actx *ctx, size_t rec, const unsigned char *data,
    size_t len)
{
	struct attachment *a = actx_rec(ctx, rec);
	bool known = true;
	struct ole o;
	int e;

	if (!ole_open(&o, data, len)) {
		a->uninspectable = "corrupt";
		return false;
	}
	a->has_macros = ole_find(&o, "_VBA_PROJECT_CUR") >= 0 ||
	    ole_find(&o, "_VBA_PROJECT") >= 0 || ole_find(&o, "VBA") >= 0 ||
	    ole_find(&o, "Macros") >= 0;
	if (ole_find(&o, "EncryptedPackage") >= 0)
		office_ooxml_encrypted(&o, a);
	else if ((e = ole_find(&o, "WordDocument")) >= 0)
		office_word(ctx, rec, &o, e);
	else if ((e = ole_find(&o, "Workbook")) >= 0 ||
	    (e = ole_find(&o, "Book")) >= 0)
		office_excel(ctx, rec, &o, e);
	else if (ole_find(&o, "PowerPoint Document") >= 0)
		office_powerpoint(&o, a);
	else if (office_is_msi(&o))
		office_set(a, "msi", "application/x-msi");
	else
		known = false;
	ole_packages(ctx, rec, &o);
	ole_close(&o);
	return known;
}
