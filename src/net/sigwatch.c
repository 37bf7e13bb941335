// SPDX-License-Identifier: BSD-2-Clause
// Termination signals delivered through a signalfd watched by the poll loop, and a pipe reader that left.
#include "natctl/net/sigwatch.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "natctl/base/clock.h"

/* signal(7): the signals whose default action is to terminate (Term) or
 * to dump core (Core) that a process can catch, less those only a fault
 * raises (SEGV, BUS, FPE, ILL, TRAP, SYS) and abort()'s ABRT. */
static const int terminating[] = {
	SIGINT,    SIGTERM, SIGHUP, SIGQUIT, SIGUSR1,   SIGUSR2, SIGALRM, SIGPIPE,
	SIGVTALRM, SIGPROF, SIGIO,  SIGPWR,  SIGSTKFLT, SIGXCPU, SIGXFSZ,
};

void sigwatch_set(sigset_t *set)
{
	sigemptyset(set);
	for (size_t i = 0; i < sizeof(terminating) / sizeof(terminating[0]); i++)
		sigaddset(set, terminating[i]);
	/* The real-time signals also terminate by default; glibc keeps those
	 * below SIGRTMIN for itself. */
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaddset(set, sig);
}

int sigwatch_open(struct sigwatch *s, bool *wake)
{
	memset(s, 0, sizeof(*s));
	s->wake = wake;
	s->hangup_fd = -1;
	sigset_t set;
	sigwatch_set(&set);
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

void sigwatch_hangup(struct sigwatch *s, int fd)
{
	struct stat st;
	/* A socket's peer may come and go (a journal restarting); a file or a
	 * terminal is always ready. Only a pipe's write end says POLLERR
	 * exactly when its last reader is gone. */
	if (fstat(fd, &st) == 0 && S_ISFIFO(st.st_mode))
		s->hangup_fd = fd;
}

/* The reader of the watched pipe left: as good as the SIGPIPE the next
 * write would raise. */
static void check_hangup(struct sigwatch *s)
{
	struct pollfd p = {.fd = s->hangup_fd, .events = 0};
	if (s->hangup_fd < 0 || poll(&p, 1, 0) != 1 || !(p.revents & (POLLERR | POLLHUP)))
		return;
	s->hangup_fd = -1;
	if (!s->signo)
		s->signo = SIGPIPE;
}

bool sigwatch_poll(struct sigwatch *s)
{
	struct signalfd_siginfo si;
	ssize_t n;
	while ((n = read(s->fd, &si, sizeof(si))) == (ssize_t)sizeof(si)) {
		if (!s->signo)
			s->signo = (int)si.ssi_signo;
	}
	check_hangup(s);
	if (s->signo && s->wake)
		*s->wake = true;
	return s->signo != 0;
}

void sigwatch_close(struct sigwatch *s)
{
	/* Signals still pending (a second TERM, or the SIGPIPE of writing the
	 * last event to a pipe whose reader left) were answered already: the
	 * mappings are deleted; unblocked, they would kill natctl before it
	 * gives its exit status. */
	if (s->fd >= 0)
		sigwatch_poll(s);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	sigprocmask(SIG_SETMASK, &s->saved, NULL);
}

static size_t sw_fds(void *self, int *out, size_t max)
{
	struct sigwatch *s = self;
	size_t n = 0;
	if (n < max)
		out[n++] = s->fd;
	if (s->hangup_fd >= 0 && n < max)
		out[n++] = s->hangup_fd; /* polled for input, it reports POLLERR only */
	return n;
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
