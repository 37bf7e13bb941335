// SPDX-License-Identifier: BSD-2-Clause
// One request in flight: sent at once, re-sent on a doubling schedule, answered, failed or cancelled.
#include "natctl/net/request.h"

#include <errno.h>
#include <string.h>

#include "natctl/base/clock.h"

void request_init(struct request *r, const struct request_ops *ops, void *owner, int fd,
		  const struct endpoint *server, int64_t rto_initial_us, const struct trace *trace)
{
	memset(r, 0, sizeof(*r));
	r->ops = ops;
	r->owner = owner;
	r->fd = fd;
	r->server = *server;
	r->rto_initial_us = rto_initial_us;
	r->trace = trace;
}

void request_start(struct request *r)
{
	r->state = REQUEST_PENDING;
	retransmit_start(&r->retx, r->rto_initial_us);
	r->sys_error = 0;
	r->dropped = 0;
	r->last_drop = 0;
	r->rtt_us = 0;
}

void request_cancel(struct request *r)
{
	if (r->state == REQUEST_PENDING)
		r->state = REQUEST_IDLE;
}

static void fail(struct request *r, int err)
{
	char dst[ENDPOINT_STRLEN];
	r->sys_error = err;
	r->state = REQUEST_FAILED;
	trace_log(r->trace, "%s: %s: %s", r->ops->label, endpoint_format(&r->server, dst),
		  strerror(-err));
}

void request_answered(struct request *r, int64_t now)
{
	r->rtt_us = now - r->retx.first_us;
	r->state = REQUEST_ANSWERED;
}

void request_drop(struct request *r, int why)
{
	r->dropped++;
	r->last_drop = why;
}

static void request_tick(void *self, int64_t now)
{
	struct request *r = self;
	if (r->state != REQUEST_PENDING || !retransmit_due(&r->retx, now))
		return;
	int rc = r->ops->send(r->owner, now);
	if (rc < 0)
		fail(r, rc);
	else
		retransmit_sent(&r->retx, now);
}

static void request_readable(void *self, int fd, int64_t now)
{
	struct request *r = self;
	/* Bounded, so a flood cannot hold the loop; the rest waits for the next poll. */
	for (int i = 0; i < 64 && r->state == REQUEST_PENDING; i++) {
		int rc = r->ops->receive(r->owner, fd, now);
		if (rc == -EINTR || rc == 0)
			continue;
		if (rc != -EAGAIN && rc != -EWOULDBLOCK)
			fail(r, rc);
		return;
	}
}

static size_t request_fds(void *self, int *out, size_t max)
{
	struct request *r = self;
	if (max == 0 || r->fd < 0 || r->state != REQUEST_PENDING)
		return 0;
	out[0] = r->fd;
	return 1;
}

static int64_t request_next(void *self)
{
	struct request *r = self;
	return r->state == REQUEST_PENDING ? r->retx.next_us : CLOCK_NEVER;
}

static bool request_done(void *self)
{
	struct request *r = self;
	return r->state != REQUEST_PENDING;
}

struct loop_client request_loop(struct request *r)
{
	return (struct loop_client){
		.self = r,
		.fds = request_fds,
		.next_wakeup = request_next,
		.on_readable = request_readable,
		.on_tick = request_tick,
		.done = request_done,
	};
}
