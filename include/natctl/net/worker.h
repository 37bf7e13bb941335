/* SPDX-License-Identifier: BSD-2-Clause */
/* One blocking library call run in a child process, so the poll loop can cut it at the deadline. */
#ifndef NATCTL_WORKER_H
#define NATCTL_WORKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "natctl/base/trace.h"

/*
 * A job runs in the child: it writes its results to fd (any size; the
 * parent reads as they come) and returns. Whatever the library prints on
 * stdout or stderr reaches the parent's trace, never the terminal. The
 * child holds no other descriptor of the parent's (no socket of its), and
 * with a data budget it cannot grow by more than that.
 */
typedef void (*worker_fn)(void *arg, int fd);

#define WORKER_MAX_OUTPUT (1024 * 1024)

struct worker {
	const char *label; /* trace prefix, e.g. "upnp" */
	const struct trace *trace;
	pid_t pid;          /* 0 when no child */
	int out_fd, err_fd; /* read ends, -1 once at EOF */
	int64_t deadline;
	uint8_t *data; /* what the job wrote */
	size_t len, cap;
	char line[256]; /* partial stderr line */
	size_t line_len;
	bool finished; /* both pipes closed and the child reaped */
	bool killed;   /* ended by the deadline */
	bool overflow; /* wrote more than WORKER_MAX_OUTPUT: all past it was dropped */
	/* Set by the owner: the most the child's heap and private mappings may
	 * grow (RLIMIT_DATA over what it holds at the fork); 0: no limit. */
	size_t data_budget;
};

void worker_init(struct worker *w, const char *label, const struct trace *trace);

/* Forks and runs fn(arg) in the child; 0 or -errno. Any previous run's data is dropped. */
int worker_start(struct worker *w, worker_fn fn, void *arg, int64_t deadline);

bool worker_running(const struct worker *w);

/* For a loop client that owns the worker. */
size_t worker_fds(const struct worker *w, int *out, size_t max);
void worker_readable(struct worker *w, int fd);
/* Kills the child once the deadline passes. */
void worker_tick(struct worker *w, int64_t now);
int64_t worker_next_wakeup(const struct worker *w);

/* Kills and reaps the child if it still runs; keeps the data read so far. */
void worker_stop(struct worker *w);
/* worker_stop() and frees the data. */
void worker_free(struct worker *w);

/* In the child: writes all of p, retrying short writes; 0 or -1. */
int worker_write(int fd, const void *p, size_t n);

/*
 * Typed records on the pipe, in the manner of OpenBSD's imsg: a header
 * {type, length} and length bytes of payload. The child writes them with
 * worker_put(); the parent walks what arrived with worker_next_record()
 * and checks each type's length before it reads a payload.
 */
struct worker_record_header {
	uint32_t type;
	uint32_t length; /* payload bytes that follow */
};

/* In the child: one record; 0 or -1. */
int worker_put(int fd, uint32_t type, const void *payload, size_t length);

/*
 * In the parent: the record at *offset of what the job wrote. Returns 1
 * with type, payload and length set and *offset moved past it, 0 at the
 * end, -1 if the bytes are not whole records (cut short or overlong).
 */
int worker_next_record(const struct worker *w, size_t *offset, uint32_t *type,
		       const uint8_t **payload, size_t *length);

#endif
