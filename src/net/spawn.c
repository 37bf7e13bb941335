// SPDX-License-Identifier: BSD-2-Clause
// A command in a child process of its own group, watched by the poll loop through a pidfd and ended at a bound.
#include "natctl/net/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "natctl/base/clock.h"

/* Without a pidfd (Linux before 5.3) the child is looked at this often. */
#define SPAWN_POLL_US (100 * 1000)

/* In the child: never returns. */
static void child(const char *const argv[], const char *const envp[])
{
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	setpgid(0, 0); /* its own group: the bound ends whatever it started too */
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (null < 0 || dup2(null, STDIN_FILENO) < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0)
		_exit(127);
	if (close_range(3, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX); /* kernels before 5.9 */
		for (int fd = 3; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close(fd);
	}
	execve(argv[0], (char *const *)argv, (char *const *)envp);
	_exit(127);
}

int spawn_start(struct spawn *s, const char *const argv[], const char *const envp[], int64_t bound)
{
	const bool *wake = s->wake;
	memset(s, 0, sizeof(*s));
	s->wake = wake;
	s->pidfd = -1;
	s->bound = bound;
	s->kill_at = CLOCK_NEVER;
	pid_t pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0)
		child(argv, envp);
	setpgid(pid, pid); /* also here: no race with a kill before the child ran */
	s->pid = pid;
	s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (s->pidfd >= 0)
		fcntl(s->pidfd, F_SETFD, FD_CLOEXEC);
	return 0;
}

bool spawn_running(const struct spawn *s)
{
	return s->pid > 0 && !s->finished;
}

static void reap(struct spawn *s, bool block)
{
	pid_t r;
	do
		r = waitpid(s->pid, &s->status, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		return;
	s->finished = true;
	if (s->pidfd >= 0)
		close(s->pidfd);
	s->pidfd = -1;
}

void spawn_check(struct spawn *s, int64_t now)
{
	if (!spawn_running(s))
		return;
	reap(s, false);
	if (s->finished)
		return;
	if (now >= s->kill_at) {
		kill(-s->pid, SIGKILL);
	} else if (now >= s->bound && s->kill_at == CLOCK_NEVER) {
		s->killed = true;
		kill(-s->pid, SIGTERM);
		s->kill_at = now + SPAWN_KILL_GRACE_US;
	}
}

void spawn_stop(struct spawn *s)
{
	if (!spawn_running(s))
		return;
	s->killed = true;
	kill(-s->pid, SIGKILL);
	reap(s, true);
}

void spawn_describe(const struct spawn *s, char *out, size_t cap)
{
	out[0] = '\0';
	if (s->killed)
		snprintf(out, cap, "still running at its bound: killed");
	else if (WIFEXITED(s->status) && WEXITSTATUS(s->status) == 127)
		snprintf(out, cap, "exited with status 127 (command not found, or not run)");
	else if (WIFEXITED(s->status) && WEXITSTATUS(s->status) != 0)
		snprintf(out, cap, "exited with status %d", WEXITSTATUS(s->status));
	else if (WIFSIGNALED(s->status))
		snprintf(out, cap, "killed by signal %d (%s)", WTERMSIG(s->status),
			 strsignal(WTERMSIG(s->status)));
}

static size_t spawn_fds(void *self, int *out, size_t max)
{
	const struct spawn *s = self;
	if (s->pidfd < 0 || max == 0)
		return 0;
	out[0] = s->pidfd;
	return 1;
}

static int64_t spawn_next(void *self)
{
	const struct spawn *s = self;
	int64_t at = s->kill_at != CLOCK_NEVER ? s->kill_at : s->bound;
	if (s->pidfd < 0)
		at = clock_min(at, clock_now_us() + SPAWN_POLL_US);
	return at;
}

static void spawn_readable(void *self, int fd, int64_t now)
{
	(void)fd;
	spawn_check(self, now);
}

static void spawn_tick(void *self, int64_t now)
{
	spawn_check(self, now);
}

static bool spawn_done(void *self)
{
	const struct spawn *s = self;
	return !spawn_running(s) || (s->wake && *s->wake);
}

struct loop_client spawn_loop(struct spawn *s)
{
	return (struct loop_client){
		.self = s,
		.fds = spawn_fds,
		.next_wakeup = spawn_next,
		.on_readable = spawn_readable,
		.on_tick = spawn_tick,
		.done = spawn_done,
	};
}
