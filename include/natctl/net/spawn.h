/* SPDX-License-Identifier: BSD-2-Clause */
/* A command run in a child process beside the poll loop: watched through a pidfd, ended at a bound, never waited for. */
#ifndef NATCTL_SPAWN_H
#define NATCTL_SPAWN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "natctl/net/loop.h"

/* After SIGTERM at the bound, the command's process group has this long before SIGKILL. */
#define SPAWN_KILL_GRACE_US (1000 * 1000)

struct spawn {
	pid_t pid;        /* 0: none running */
	int pidfd;        /* readable once the child ends; -1: polled instead (kernel before 5.3) */
	int64_t bound;    /* monotonic us: SIGTERM to its group then */
	int64_t kill_at;  /* SIGKILL then, once SIGTERM was sent; CLOCK_NEVER before */
	bool finished;    /* reaped: status is how it ended */
	bool killed;      /* ended by the bound */
	int status;       /* waitpid()'s */
	const bool *wake; /* the loop client is also done once this is set; NULL: never */
};

/*
 * Runs argv[0] (a path) with argv and envp in a child of its own process
 * group, stdin on /dev/null and stdout on our stderr (it must never
 * write into natctl's own output), the signal mask and SIGPIPE reset,
 * no descriptor of ours but 0 to 2. The bound is absolute (monotonic us).
 * 0 or -errno.
 */
int spawn_start(struct spawn *s, const char *const argv[], const char *const envp[], int64_t bound);
bool spawn_running(const struct spawn *s);
/* Reaps the child if it ended; kills its group at the bound. */
void spawn_check(struct spawn *s, int64_t now);
/* Kills what still runs (SIGKILL to the group) and reaps it. */
void spawn_stop(struct spawn *s);
/* "exited with status 3", "killed by signal 9", "still running at the bound: killed", "" for 0. */
void spawn_describe(const struct spawn *s, char *out, size_t cap);

struct loop_client spawn_loop(struct spawn *s);

#endif
