/*
 * aup-milter-test - the daemon with the test-verdict policy added
 *
 * SPDX-License-Identifier: MIT
 */
#include "daemon/daemon.h"
#include "test_policy.h"

int
main(int argc, char **argv)
{
	return daemon_main(argc, argv, test_registry());
}
