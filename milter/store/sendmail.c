/*
 * sendmail - run sendmail(1) with an argument vector
 *
 * SYNOPSIS
 *	sendmail_address_ok(), sendmail_run()
 *
 * DESCRIPTION
 *	The milter runs this on its worker threads, so the child does only
 *	async-signal-safe things between fork() and execv(): dup2, close,
 *	_exit.  The message goes through a socket pair written with
 *	MSG_NOSIGNAL, so a sendmail that exits early cannot kill the
 *	milter with SIGPIPE.  Descriptors other than 0-2 are closed in the
 *	child (libmilter's sockets are not close-on-exec).  A child that
 *	does not finish within SENDMAIL_TIMEOUT seconds is killed.
 *
 * DIAGNOSTICS
 *	-1 with "sendmail: ..." in *err: the program could not be run,
 *	did not read the message, exited non-zero or was killed.
 *
 * SPDX-License-Identifier: MIT
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "store/sendmail.h"
#include "util/xalloc.h"

/* sendmail_address_ok - one safe argument */
bool
sendmail_address_ok(const char *addr)
{
	if (addr == NULL || addr[0] == '-')
		return false;
	for (const unsigned char *p = (const unsigned char *)addr; *p; p++)
		if (*p <= ' ' || *p == 0x7f || *p == '<' || *p == '>' ||
		    *p == ',' || *p == ';' || *p == '"' || *p == '\\')
			return false;
	return true;
}

/* sendmail_argv - the argument vector (new array of borrowed strings) */
static char **
sendmail_argv(const char *path, const char *from, const char *const *rcpts,
    size_t nrcpts)
{
	char **argv = xcalloc(nrcpts + 7, sizeof(char *));
	size_t n = 0;

	argv[n++] = (char *)path;
	argv[n++] = (char *)"-i";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)(from[0] != '\0' ? from : "<>");
	argv[n++] = (char *)"--";
	for (size_t i = 0; i < nrcpts; i++)
		argv[n++] = (char *)rcpts[i];
	argv[n] = NULL;
	return argv;
}

/* sendmail_write - the message with CRLF as LF; 0 or -1 */
static int
sendmail_write(int fd, const char *data, size_t len)
{
	size_t start = 0;

	while (start < len) {
		size_t end = start;
		ssize_t n;

		while (end < len && !(data[end] == '\r' && end + 1 < len &&
		    data[end + 1] == '\n'))
			end++;
		while (start < end) {
			n = send(fd, data + start, end - start, MSG_NOSIGNAL);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				return -1;
			start += (size_t)n;
		}
		start = end + (end < len ? 1 : 0);	/* skip the CR */
	}
	return 0;
}

/* sendmail_wait - wait for the child, killing it after the timeout */
static int
sendmail_wait(pid_t pid, int *status)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int i = 0; i < SENDMAIL_TIMEOUT * 100; i++) {
		pid_t r = waitpid(pid, status, WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0 && errno != EINTR)
			return -1;
		nanosleep(&tick, NULL);
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, status, 0);
	errno = ETIMEDOUT;
	return -1;
}

/* sendmail_child - in the child: stdin from the socket, exec */
static void __attribute__((noreturn))
sendmail_child(int in, char **argv)
{
	if (dup2(in, 0) < 0 || dup2(2, 1) < 0)
		_exit(126);
	(void)close_range(3, ~0U, 0);
	execv(argv[0], argv);
	_exit(127);
}

/* sendmail_run - submit one message */
int
sendmail_run(const char *path, const char *from, const char *const *rcpts,
    size_t nrcpts, const char *data, size_t len, char **err)
{
	char **argv = sendmail_argv(path, from, rcpts, nrcpts);
	int sv[2], status = 0, wrc, saved;
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		*err = xasprintf("sendmail: socketpair: %s", strerror(errno));
		free(argv);
		return -1;
	}
	if ((pid = fork()) == 0)
		sendmail_child(sv[1], argv);
	saved = errno;
	free(argv);
	(void)close(sv[1]);
	if (pid < 0) {
		(void)close(sv[0]);
		*err = xasprintf("sendmail: fork: %s", strerror(saved));
		return -1;
	}
	wrc = sendmail_write(sv[0], data, len);
	saved = errno;
	(void)shutdown(sv[0], SHUT_WR);
	(void)close(sv[0]);
	if (sendmail_wait(pid, &status) < 0)
		*err = xasprintf("sendmail: %s: %s", path, strerror(errno));
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		*err = xasprintf("sendmail: cannot run %s", path);
	else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		*err = xasprintf("sendmail: %s exited with status %d", path,
		    WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	else if (wrc < 0)
		*err = xasprintf("sendmail: writing the message: %s",
		    strerror(saved));
	else
		return 0;
	return -1;
}
