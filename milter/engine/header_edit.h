/*
 * header_edit - header changes a verdict asks the MTA to make
 *
 * Exactly the operations libmilter offers at end of message and that
 * `aupctl test` prints (SPEC section 6): add (append), insert (at a
 * position, 0 = top), change (the index-th header of that name, 1-based)
 * and delete (the same, value NULL).  Values are stored without the
 * leading space; the milter adds it when it negotiated HDR_LEADSPC.
 */
#ifndef AUP_HEADER_EDIT_H
#define AUP_HEADER_EDIT_H

#include <stddef.h>

enum header_op {
	HEADER_ADD,
	HEADER_INSERT,
	HEADER_CHANGE,
	HEADER_DELETE
};

struct header_edit {
	enum header_op op;
	char	*name;
	unsigned index;		/* insert: position; change/delete: 1-based */
	char	*value;		/* NULL for delete; may hold "\n\t" folds */
};

struct header_edits {
	struct header_edit *items;
	size_t	count;
};

/* header_edits_push - append an edit (copies name and value) */
void	header_edits_push(struct header_edits *e, enum header_op op,
	    const char *name, unsigned index, const char *value);
/* header_edits_append - move all of `from` to the end of `to` */
void	header_edits_append(struct header_edits *to, struct header_edits *from);
/* header_edits_clear - free all edits */
void	header_edits_clear(struct header_edits *e);
/* header_op_name - "add", "insert", "change", "delete" */
const char *header_op_name(enum header_op op);

#endif
