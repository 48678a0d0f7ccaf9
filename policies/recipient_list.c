/*
 * recipient_list - name a few recipients, count the rest
 *
 * SYNOPSIS
 *	recipient_list_text()
 *
 * DESCRIPTION
 *	A refusal names up to RECIPIENT_LIST_SHOWN addresses so the sender
 *	recognises the message, without turning the reply into a wall of
 *	addresses (SPEC 2.1: "naming up to five of the parent recipients").
 *
 * SPDX-License-Identifier: MIT
 */
#include <glib.h>

#include "policies/recipient_list.h"
#include "util/xalloc.h"

/* recipient_list_text - "a, b and 2 more" */
char *
recipient_list_text(const char *const *items, size_t count)
{
	GString *s = g_string_new(NULL);
	size_t shown = count < RECIPIENT_LIST_SHOWN ? count :
	    RECIPIENT_LIST_SHOWN;
	char *text;

	for (size_t i = 0; i < shown; i++) {
		if (i > 0)
			g_string_append(s, i + 1 == count ? " and " : ", ");
		g_string_append(s, items[i]);
	}
	if (count > shown)
		g_string_append_printf(s, " and %zu more", count - shown);
	text = xstrdup(s->str);
	g_string_free(s, TRUE);
	return text;
}
