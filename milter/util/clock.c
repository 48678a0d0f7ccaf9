/*
 * clock - the current time, injectable for tests
 *
 * SYNOPSIS
 *	clock_now()
 *
 * DESCRIPTION
 *	See clock.h.  The file is read with one read(2), so a test that
 *	rewrites it (write to a temporary name, rename) is seen whole.
 *
 * SPDX-License-Identifier: MIT
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "util/clock.h"

/* clock_now - now */
time_t
clock_now(const char *file)
{
	char buf[32], *end;
	long long v;
	ssize_t n;
	int fd;

	if (file == NULL || (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return time(NULL);
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return time(NULL);
	buf[n] = '\0';
	v = strtoll(buf, &end, 10);
	if (end == buf || v <= 0)
		return time(NULL);
	return (time_t)v;
}
