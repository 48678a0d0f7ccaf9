/*
 * aupctl_main - the aupctl program: the shipped policies
 *
 * SPDX-License-Identifier: MIT
 */
#include "aupctl/aupctl.h"

int
main(int argc, char **argv)
{
	return aupctl_main(argc, argv, policy_registry);
}
