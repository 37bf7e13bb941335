// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the signal watcher: every terminating signal it blocks arrives as an event, and a pipe's reader leaving counts as SIGPIPE.
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/sigwatch.h"
#include "test.h"

/* Each listed signal, raised at this process, is read from the signalfd
 * (not acted on: the process is still here to check). */
static void sigwatch_catches_every_terminating_signal(void)
{
	const int listed[] = {SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGUSR1,
			      SIGUSR2, SIGALRM, SIGPIPE, SIGXCPU, SIGRTMIN + 3};
	for (size_t i = 0; i < sizeof(listed) / sizeof(listed[0]); i++) {
		struct sigwatch sw;
		bool wake = false;
		CHECK_EQ_INT(sigwatch_open(&sw, &wake), 0);
		CHECK(!sigwatch_poll(&sw));
		kill(getpid(), listed[i]);
		CHECK(sigwatch_poll(&sw));
		CHECK_EQ_INT(sw.signo, listed[i]);
		CHECK(wake);
		sigwatch_close(&sw);
	}
}

/* A write to a pipe without a reader fails with EPIPE and its SIGPIPE is an
 * event; with the pipe watched, the reader leaving is one before any write. */
static void sigwatch_pipe_reader_leaves(void)
{
	struct sigwatch sw;
	bool wake = false;
	int p[2];
	CHECK_EQ_INT(pipe(p), 0);
	CHECK_EQ_INT(sigwatch_open(&sw, &wake), 0);
	sigwatch_hangup(&sw, p[1]);
	CHECK(!sigwatch_poll(&sw));
	close(p[0]);
	struct loop_client c = sigwatch_loop(&sw);
	CHECK_EQ_INT(loop_run(&c, 1, clock_now_us() + 1000 * 1000), LOOP_DONE);
	CHECK_EQ_INT(sw.signo, SIGPIPE);
	errno = 0;
	CHECK(write(p[1], "x", 1) < 0 && errno == EPIPE);
	sigwatch_poll(&sw); /* the write's own SIGPIPE is read, never delivered */
	sigwatch_close(&sw);
	close(p[1]);
}

/* A signal still pending at the close (the SIGPIPE of the last event written
 * to a pipe whose reader left, a second SIGTERM) was answered already: it is
 * taken, not delivered when the mask is restored (this process would die). */
static void sigwatch_close_takes_pending(void)
{
	const int late[] = {SIGPIPE, SIGTERM};
	for (size_t i = 0; i < sizeof(late) / sizeof(late[0]); i++) {
		struct sigwatch sw;
		bool wake = false;
		CHECK_EQ_INT(sigwatch_open(&sw, &wake), 0);
		kill(getpid(), late[i]);
		sigwatch_close(&sw);
		CHECK_EQ_INT(sw.signo, late[i]);
	}
}

/* A file or a socket on stdout is not watched for a hangup (a socket's
 * peer may come back; a file is always ready). */
static void sigwatch_hangup_only_for_pipes(void)
{
	struct sigwatch sw;
	bool wake = false;
	int sv[2];
	FILE *f = tmpfile();
	CHECK(f != NULL);
	CHECK_EQ_INT(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	CHECK_EQ_INT(sigwatch_open(&sw, &wake), 0);
	sigwatch_hangup(&sw, fileno(f));
	CHECK_EQ_INT(sw.hangup_fd, -1);
	sigwatch_hangup(&sw, sv[0]);
	CHECK_EQ_INT(sw.hangup_fd, -1);
	sigwatch_close(&sw);
	fclose(f);
	close(sv[0]);
	close(sv[1]);
}

const struct test_case sigwatch_cases[] = {
	T(sigwatch_catches_every_terminating_signal),
	T(sigwatch_pipe_reader_leaves),
	T(sigwatch_hangup_only_for_pipes),
	T(sigwatch_close_takes_pending),
	{NULL, NULL},
};
