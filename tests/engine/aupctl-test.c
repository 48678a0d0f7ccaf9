/*
 * aupctl-test - aupctl with the test-verdict policy added
 *
 * SPDX-License-Identifier: MIT
 */
#include "aupctl/aupctl.h"
#include "test_policy.h"

int
main(int argc, char **argv)
{
	return aupctl_main(argc, argv, test_registry());
}
