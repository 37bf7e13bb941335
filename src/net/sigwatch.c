// SPDX-License-Identifier: BSD-2-Clause
// Termination signals delivered through a signalfd watched by the poll loop.
#include "natctl/net/sigwatch.h"

#include <errno.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "natctl/base/clock.h"

static void termination_set(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGHUP);
}

int sigwatch_open(struct sigwatch *s, bool *wake)
{
	memset(s, 0, sizeof(*s));
	s->wake = wake;
	sigset_t set;
	termination_set(&set);
	if (sigprocmask(SIG_BLOCK, &set, &s->saved) < 0)
		return -errno;
	s->fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (s->fd < 0) {
		int e = errno;
		sigprocmask(SIG_SETMASK, &s->saved, NULL);
		return -e;
	}
	return 0;
}

bool sigwatch_poll(struct sigwatch *s)
{
	struct signalfd_siginfo si;
	ssize_t n;
	while ((n = read(s->fd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (!s->signo)
			s->signo = (int)si.ssi_signo;
	}
	if (s->signo && s->wake)
		*s->wake = true;
	return s->signo != 0;
}

void sigwatch_close(struct sigwatch *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	sigprocmask(SIG_SETMASK, &s->saved, NULL);
}

static size_t sw_fds(void *self, int *out, size_t max)
{
	struct sigwatch *s = self;
	if (max == 0)
		return 0;
	out[0] = s->fd;
	return 1;
}

static int64_t sw_next(void *self)
{
	(void)self;
	return CLOCK_NEVER;
}

static void sw_readable(void *self, int fd, int64_t now)
{
	(void)fd;
	(void)now;
	sigwatch_poll(self);
}

static void sw_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool sw_done(void *self)
{
	struct sigwatch *s = self;
	return s->wake && *s->wake;
}

struct loop_client sigwatch_loop(struct sigwatch *s)
{
	return (struct loop_client){
		.self = s,
		.fds = sw_fds,
		.next_wakeup = sw_next,
		.on_readable = sw_readable,
		.on_tick = sw_tick,
		.done = sw_done,
	};
}
