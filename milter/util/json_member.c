/*
 * json_member - read a string member of a json-c object
 *
 * SYNOPSIS
 *	json_member_string(), json_member_text()
 *
 * DESCRIPTION
 *	The one way the store, aupctl and the console read a text field
 *	of a quarantine record or an event: a member that is absent or
 *	JSON null is NULL (json_member_string) or "" (json_member_text);
 *	any other value is its json-c string form.  The string belongs
 *	to the object.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "util/json_member.h"

/* json_member_string - a member as a string, or NULL */
const char *
json_member_string(json_object *o, const char *key)
{
	json_object *v;

	if (o == NULL || !json_object_object_get_ex(o, key, &v) || v == NULL)
		return NULL;
	return json_object_get_string(v);
}

/* json_member_text - a member as a string, or "" */
const char *
json_member_text(json_object *o, const char *key)
{
	const char *s = json_member_string(o, key);

	return s != NULL ? s : "";
}
