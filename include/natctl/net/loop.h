/* SPDX-License-Identifier: BSD-2-Clause */
/* The one poll loop: protocol clients plug in, all share one deadline. */
#ifndef NATCTL_LOOP_H
#define NATCTL_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOOP_MAX_FDS 128 /* a batch: up to 16 lanes per method, two pipes for a worker */

/*
 * A protocol client as the loop sees it. Every callback gets `self`.
 * fds: fill out with the fds to watch for input; return how many.
 * next_wakeup: the absolute time (monotonic us) it next needs on_tick, or CLOCK_NEVER.
 * on_readable: an fd of its own has input.
 * on_tick: called after every wakeup; fires whatever timers are due.
 * done: true once it needs nothing more from the loop.
 * write_fds, on_writable: optional (NULL): fds to watch for output, e.g. a
 * TCP connect in progress.
 */
struct loop_client {
	void *self;
	size_t (*fds)(void *self, int *out, size_t max);
	int64_t (*next_wakeup)(void *self);
	void (*on_readable)(void *self, int fd, int64_t now);
	void (*on_tick)(void *self, int64_t now);
	bool (*done)(void *self);
	size_t (*write_fds)(void *self, int *out, size_t max);
	void (*on_writable)(void *self, int fd, int64_t now);
};

enum loop_result {
	LOOP_DONE = 0,     /* every client finished */
	LOOP_DEADLINE = 1, /* the deadline came first */
	LOOP_ERROR = -1,   /* poll() failed (errno kept) */
};

/* Runs the clients until all are done or `deadline` (monotonic us) passes. */
enum loop_result loop_run(struct loop_client *clients, size_t n, int64_t deadline);

#endif
