/*
 * test_policy - a policy that does what the message asks, for engine,
 * protocol and end-to-end tests only (never shipped)
 */
#ifndef AUP_TEST_POLICY_H
#define AUP_TEST_POLICY_H

#include "policies/policy.h"

extern const struct policy policy_test_verdict;
extern const struct policy policy_test_second;

/* test_registry - the shipped policies with test-verdict in front;
 * a static array, built on first call */
const struct policy *const *test_registry(void);

#endif
