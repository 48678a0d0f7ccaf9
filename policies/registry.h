/*
 * registry - the shipped policies (each is defined in its own file)
 */
#ifndef AUP_REGISTRY_H
#define AUP_REGISTRY_H

#include "policies/policy.h"

extern const struct policy policy_sender_auth;
extern const struct policy policy_parent_contact;
extern const struct policy policy_bulk_bcc;
extern const struct policy policy_pupil_data;
extern const struct policy policy_safeguarding;
extern const struct policy policy_executables;
extern const struct policy policy_pupil_mail;
extern const struct policy policy_working_hours;

#endif
