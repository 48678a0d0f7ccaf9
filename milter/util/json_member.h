/*
 * json_member - read a string member of a json-c object
 *
 * SPDX-License-Identifier: MIT
 */
#ifndef AUP_UTIL_JSON_MEMBER_H
#define AUP_UTIL_JSON_MEMBER_H

#include <json-c/json.h>

/* json_member_string - o's member `key` as a string; NULL when o is NULL
 * or the member is absent or null (owned by o) */
const char *json_member_string(json_object *o, const char *key);
/* json_member_text - the same, with "" instead of NULL (for printing) */
const char *json_member_text(json_object *o, const char *key);

#endif
