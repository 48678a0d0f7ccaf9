/*
 * main - the aup-milter program: the shipped policies
 *
 * SPDX-License-Identifier: MIT
 */
#include "daemon/daemon.h"

int
main(int argc, char **argv)
{
	return daemon_main(argc, argv, policy_registry);
}
