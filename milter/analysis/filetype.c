/*
 * filetype - short kind labels from a libmagic MIME type and signatures
 *
 * SYNOPSIS
 *	const char *filetype_kind(const char *mime, const unsigned char *data,
 *	    size_t len, const char *name)
 *	bool filetype_is_archive_kind(const char *kind)
 *	bool filetype_is_eicar(const unsigned char *data, size_t len)
 *	bool filetype_name_is_script(const char *name)
 *	bool filetype_name_is_container(const char *name)
 *	bool filetype_name_is_office(const char *name)
 *	const char *filetype_container_label(const char *mime)
 *	const char *filetype_ext(const char *name)
 *
 * DESCRIPTION
 *	One table maps MIME types to the kind labels of analysis.h.  The
 *	content decides; the file name is used only where content cannot
 *	tell (TECH-NOTES 9.2): plain text named .js/.vbs/.ps1/.bat/.hta...
 *	is a "script", text named .csv is "csv".  Executable signatures are
 *	checked directly too, so a libmagic database that names PE files
 *	differently (x-dosexec) changes nothing.  OOXML, ODF, OLE and PDF
 *	are refined by their own inspectors (ooxml.c, odf.c, ole.c, pdf.c).
 *	filetype_container_label() names the archive and installer formats
 *	libmagic knows but nothing here opens (ARJ, SZDD, InstallShield...):
 *	they are "cannot be inspected (format)", never passed unread.
 *
 * SPDX-License-Identifier: MIT
 */
#include <string.h>
#include <strings.h>

#include "analysis/analysis_int.h"
#include "util/byteorder.h"

struct filetype_map {
	const char	*mime;		/* a type, or a prefix ending in '*' */
	const char	*kind;
};

static const struct filetype_map filetype_table[] = {
	{ "application/vnd.microsoft.portable-executable", "pe" },
	{ "application/x-dosexec", "pe" },
	{ "application/x-msdownload", "pe" },
	{ "application/x-executable", "elf" },
	{ "application/x-pie-executable", "elf" },
	{ "application/x-sharedlib", "elf" },
	{ "application/x-object", "elf" },
	{ "application/x-mach-binary", "macho" },
	{ "application/x-msi", "msi" },
	{ "application/vnd.ms-msi", "msi" },
	{ "application/x-ms-shortcut", "lnk" },
	{ "application/x-iso9660-image", "iso" },
	{ "application/x-virtualbox-vhd", "iso" },
	{ "application/x-virtualbox-vhdx", "iso" },
	{ "application/x-apple-diskimage", "iso" },
	{ "text/x-shellscript", "script" },
	{ "text/x-msdos-batch", "script" },
	{ "text/x-script.*", "script" },
	{ "text/x-perl", "script" },
	{ "text/x-python", "script" },
	{ "text/x-php", "script" },
	{ "text/x-ruby", "script" },
	{ "text/x-tcl", "script" },
	{ "text/x-lua", "script" },
	{ "text/javascript", "script" },
	{ "application/javascript", "script" },
	{ "application/x-java-applet", "script" },
	{ "application/java-archive", "script" },
	{ "application/vnd.ms-htmlhelp", "script" },
	{ "application/zip", "zip" },
	{ "application/x-7z-compressed", "7z" },
	{ "application/x-rar", "rar" },
	{ "application/vnd.rar", "rar" },
	{ "application/x-rar-compressed", "rar" },
	{ "application/x-tar", "tar" },
	{ "application/x-gtar", "tar" },
	{ "application/x-ustar", "tar" },
	{ "application/x-cpio", "tar" },
	{ "application/gzip", "gzip" },
	{ "application/x-gzip", "gzip" },
	{ "application/x-bzip2", "gzip" },
	{ "application/x-xz", "gzip" },
	{ "application/x-lzma", "gzip" },
	{ "application/x-lzip", "gzip" },
	{ "application/zstd", "gzip" },
	{ "application/x-compress", "gzip" },
	{ "application/vnd.ms-cab-compressed", "cab" },
	{ "application/x-archive", "archive" },
	{ "application/vnd.debian.binary-package", "archive" },
	{ "application/x-debian-package", "archive" },
	{ "application/x-lzh-compressed", "archive" },
	{ "application/x-lha", "archive" },
	{ "application/x-rpm", "archive" },
	{ "application/pdf", "pdf" },
	{ "text/rtf", "rtf" },
	{ "application/rtf", "rtf" },
	{ "text/csv", "csv" },
	{ "text/html", "html" },
	{ "application/msword", "doc" },
	{ "application/vnd.ms-excel", "xls" },
	{ "application/vnd.ms-powerpoint", "ppt" },
	{ "application/vnd.openxmlformats-officedocument.wordprocessingml.*",
	    "docx" },
	{ "application/vnd.openxmlformats-officedocument.spreadsheetml.*",
	    "xlsx" },
	{ "application/vnd.openxmlformats-officedocument.presentationml.*",
	    "pptx" },
	{ "image/*", "image" },
	{ "text/*", "text" },
};

/* text files that run when opened on Windows (or a shell) */
static const char *const filetype_script_ext[] = {
	"js", "jse", "vbs", "vbe", "vb", "wsf", "wsh", "wsc", "ws", "ps1",
	"psm1", "psd1", "bat", "cmd", "hta", "sct", "reg", "scf", "url",
	"inf", "msc", "sh", "py", "pl", "application", "appref-ms",
	"settingcontent-ms", "jar", "lnk", "chm", "scr", "cpl", "pif",
};

/* names of containers: an encrypted entry named so hides what it holds */
static const char *const filetype_container_ext[] = {
	"zip", "zipx", "7z", "rar", "tar", "tgz", "gz", "bz2", "xz", "lz",
	"lzma", "zst", "cab", "arj", "lzh", "lha", "ace", "iso", "img",
	"vhd", "vhdx", "dmg", "wim", "cpio", "rpm", "deb", "jar", "msi",
	"apk", "war", "ear", "xar", "pkg", "z", "001",
};

/* names Office and LibreOffice open as packages */
static const char *const filetype_office_ext[] = {
	"docx", "docm", "dotx", "dotm", "xlsx", "xlsm", "xltx", "xltm",
	"xlsb", "xlam", "pptx", "pptm", "potx", "potm", "ppsx", "ppsm",
	"ppam", "sldx", "sldm", "thmx", "vsdx", "vsdm", "odt", "ods", "odp",
	"odg", "odf", "ott", "ots", "otp", "otg", "fodt",
};

/* archive and installer types libmagic knows and nothing here opens */
static const struct filetype_map filetype_unopened[] = {
	{ "application/x-arj", "ARJ archive" },
	{ "application/x-ms-compress-szdd", "MS-DOS compressed file (SZDD)" },
	{ "application/x-ms-compress-kwaj", "MS-DOS compressed file (KWAJ)" },
	{ "application/x-installshield", "InstallShield cabinet" },
	{ "application/x-ace-compressed", "ACE archive" },
	{ "application/x-arc", "ARC archive" },
	{ "application/x-zoo", "ZOO archive" },
	{ "application/x-stuffit", "StuffIt archive" },
	{ "application/x-ms-wim", "Windows image (WIM)" },
	{ "application/x-qemu-disk", "virtual disk image" },
	{ "application/x-vhd", "virtual disk image" },
};

/* filetype_ext_in - is the name's extension in a list? */
static bool
filetype_ext_in(const char *name, const char *const *list, size_t n)
{
	const char *ext = filetype_ext(name);

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(ext, list[i]) == 0)
			return true;
	return false;
}

/* filetype_name_is_container - a name archives and disk images use? */
bool
filetype_name_is_container(const char *name)
{
	return filetype_ext_in(name, filetype_container_ext,
	    sizeof(filetype_container_ext) / sizeof(filetype_container_ext[0]));
}

/* filetype_name_is_office - a name Office opens as a package? */
bool
filetype_name_is_office(const char *name)
{
	return filetype_ext_in(name, filetype_office_ext,
	    sizeof(filetype_office_ext) / sizeof(filetype_office_ext[0]));
}

/*
 * filetype_container_label - a container format nothing here opens:
 * its name, or NULL.  Types libmagic calls an archive, compressed or an
 * installer and the table does not name are containers too.
 */
const char *
filetype_container_label(const char *mime)
{
	if (mime == NULL)
		return NULL;
	for (size_t i = 0; i < sizeof(filetype_unopened) /
	    sizeof(filetype_unopened[0]); i++)
		if (strcasecmp(mime, filetype_unopened[i].mime) == 0)
			return filetype_unopened[i].kind;
	if (strncasecmp(mime, "application/", 12) == 0 &&
	    (strcasestr(mime, "archive") != NULL ||
	    strcasestr(mime, "compress") != NULL ||
	    strcasestr(mime, "installer") != NULL))
		return mime;
	return NULL;
}

/* filetype_ext - extension of a file name after the last dot, or "" */
const char *
filetype_ext(const char *name)
{
	const char *dot, *slash;

	if (name == NULL)
		return "";
	dot = strrchr(name, '.');
	slash = strrchr(name, '/');
	if (dot == NULL || (slash != NULL && slash > dot))
		return "";
	return dot + 1;
}

/* filetype_name_is_script - does the name end in a script extension? */
bool
filetype_name_is_script(const char *name)
{
	const char *ext = filetype_ext(name);
	size_t i;

	for (i = 0; i < sizeof(filetype_script_ext) /
	    sizeof(filetype_script_ext[0]); i++)
		if (strcasecmp(ext, filetype_script_ext[i]) == 0)
			return true;
	return false;
}

/* filetype_lookup - kind of a MIME type by the table, or "other" */
static const char *
filetype_lookup(const char *mime)
{
	size_t i, n;

	if (mime == NULL)
		return "other";
	for (i = 0; i < sizeof(filetype_table) / sizeof(filetype_table[0]);
	    i++) {
		n = strlen(filetype_table[i].mime);
		if (filetype_table[i].mime[n - 1] == '*') {
			if (strncasecmp(mime, filetype_table[i].mime,
			    n - 1) == 0)
				return filetype_table[i].kind;
		} else if (strcasecmp(mime, filetype_table[i].mime) == 0)
			return filetype_table[i].kind;
	}
	return "other";
}

/* filetype_signature - executable kinds recognised by their header */
static const char *
filetype_signature(const unsigned char *d, size_t len)
{
	uint32_t pe;

	if (len >= 4 && memcmp(d, "\177ELF", 4) == 0)
		return "elf";
	if (len >= 0x40 && d[0] == 'M' && d[1] == 'Z') {
		pe = le32(d + 0x3c);
		if (pe < len && len - pe >= 4 &&
		    memcmp(d + pe, "PE\0\0", 4) == 0)
			return "pe";
	}
	if (len >= 4 && (memcmp(d, "\xcf\xfa\xed\xfe", 4) == 0 ||
	    memcmp(d, "\xce\xfa\xed\xfe", 4) == 0 ||
	    memcmp(d, "\xfe\xed\xfa\xcf", 4) == 0 ||
	    memcmp(d, "\xfe\xed\xfa\xce", 4) == 0))
		return "macho";
	if (len >= 20 && memcmp(d, "L\0\0\0\x01\x14\x02\0", 8) == 0)
		return "lnk";
	return NULL;
}

/* filetype_kind - the kind label of content */
const char *
filetype_kind(const char *mime, const unsigned char *data, size_t len,
    const char *name)
{
	const char *kind = filetype_signature(data, len);
	const char *ext = filetype_ext(name);

	if (kind != NULL)
		return kind;
	kind = filetype_lookup(mime);
	if (strcmp(kind, "text") == 0 || strcmp(kind, "html") == 0 ||
	    strcmp(kind, "csv") == 0) {
		if (filetype_name_is_script(name))
			return "script";
		if (strcasecmp(ext, "csv") == 0)
			return "csv";
		if (strcasecmp(ext, "htm") == 0 || strcasecmp(ext, "html") == 0)
			return "html";
	}
	return kind;
}

/* filetype_is_archive_kind - is this kind a container libarchive reads? */
bool
filetype_is_archive_kind(const char *kind)
{
	return analysis_kind_is(kind, KIND_CONTAINER) &&
	    strcmp(kind, "tnef") != 0;
}

/* filetype_is_eicar - the EICAR test file (68 bytes, optional blanks) */
bool
filetype_is_eicar(const unsigned char *data, size_t len)
{
	static const char eicar[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$"
	    "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";
	size_t n = sizeof(eicar) - 1, i;

	if (len < n || len > 128 || memcmp(data, eicar, n) != 0)
		return false;
	for (i = n; i < len; i++)
		if (data[i] != ' ' && data[i] != '\t' && data[i] != '\r' &&
		    data[i] != '\n' && data[i] != 0x1a)
			return false;
	return true;
}
