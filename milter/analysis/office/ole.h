/*
 * ole - OLE compound file reader for the analysis (see ole.c)
 */
#ifndef AUP_OLE_H
#define AUP_OLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An opened compound file; tables are copies, data is borrowed. */
struct ole {
	const unsigned char *d;		/* the file */
	size_t		 ssz;		/* sector size */
	size_t		 nsect;		/* sectors in the file */
	uint32_t	 cutoff;	/* mini stream cutoff */
	uint32_t	*fat;
	size_t		 nfat;
	unsigned char	*dir;		/* directory stream */
	size_t		 ndir;		/* directory entries */
	unsigned char	*mini;		/* mini stream */
	size_t		 mini_len;
	uint32_t	*minifat;
	size_t		 nminifat;
};

bool	 ole_open(struct ole *o, const unsigned char *data, size_t len);
int	 ole_find(const struct ole *o, const char *name);
int	 ole_find_next(const struct ole *o, const char *name, int after);
size_t	 ole_read(const struct ole *o, int entry, unsigned char *buf,
	    size_t max);
size_t	 ole_size(const struct ole *o, int entry);

/* ole_package.c */
#define OLE_PACKAGE_NAME	260	/* bytes of a packaged file's name */
struct actx;
void	 ole_packages(struct actx *ctx, size_t rec, const struct ole *o);
bool	 ole_package_native(const unsigned char *b, size_t n, char *name,
	    const unsigned char **data, size_t *dlen);
bool	 ole_root_clsid(const struct ole *o, const unsigned char clsid[16]);
void	 ole_close(struct ole *o);

#endif
