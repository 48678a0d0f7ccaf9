/*
 * registry - the policies aup-milter ships, in evaluation order
 *
 * SYNOPSIS
 *	policy_registry[]
 *
 * DESCRIPTION
 *	Adding a policy is one file under policies/ and one line here.
 *	Cheap envelope checks come first, content scanning last; the order
 *	also decides which policy explains a reject when two object
 *	equally.
 *
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>

#include "policies/policy.h"
#include "policies/registry.h"

const struct policy *const policy_registry[] = {
	&policy_sender_auth,
	&policy_parent_contact,
	&policy_bulk_bcc,
	&policy_executables,
	&policy_pupil_data,
	&policy_safeguarding,
	&policy_pupil_mail,
	&policy_working_hours,
	NULL
};
