/* SPDX-License-Identifier: BSD-2-Clause */
/* One UDP request at a time to one server, retransmitted (RFC 6886 §3.1, RFC 6887 §8.1.1) and driven by the poll loop: the core NAT-PMP and PCP share. */
#ifndef NATCTL_REQUEST_H
#define NATCTL_REQUEST_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/trace.h"
#include "natctl/net/loop.h"
#include "natctl/net/retransmit.h"

enum request_state {
	REQUEST_IDLE,
	REQUEST_PENDING,
	REQUEST_ANSWERED, /* the owner accepted an answer (request_answered) */
	REQUEST_FAILED,   /* unreachable (ICMP), or a send or socket error: sys_error */
};

/* What the protocol client does for the core; `owner` is the client. */
struct request_ops {
	const char *label; /* trace prefix, e.g. "pcp" */
	/* Sends the request once (retx.sends is the number of earlier sends); 0 or -errno. */
	int (*send)(void *owner, int64_t now);
	/*
	 * Reads one datagram from fd and either accepts it (request_answered),
	 * drops it (request_drop), or leaves it. Returns 0 to go on reading,
	 * -EAGAIN when nothing is left to read now, or another -errno, which
	 * fails the request.
	 */
	int (*receive)(void *owner, int fd, int64_t now);
};

struct request {
	const struct request_ops *ops;
	void *owner;
	int fd;                 /* the client's socket, -1 if none */
	struct endpoint server; /* for trace lines */
	const struct trace *trace;
	int64_t rto_initial_us;
	enum request_state state;
	struct retransmit retx;
	int64_t rtt_us;   /* first send to the accepted answer */
	int sys_error;    /* -errno for REQUEST_FAILED */
	unsigned dropped; /* datagrams dropped for this request */
	int last_drop;    /* the client's code for why */
};

void request_init(struct request *r, const struct request_ops *ops, void *owner, int fd,
		  const struct endpoint *server, int64_t rto_initial_us, const struct trace *trace);
/* A new request: the loop sends it at its next tick, then on the doubling schedule. */
void request_start(struct request *r);
/* Gives up on the request in flight (the caller's deadline for it passed). */
void request_cancel(struct request *r);

/* For receive(): the datagram answers the request / is dropped with the client's code. */
void request_answered(struct request *r, int64_t now);
void request_drop(struct request *r, int why);

struct loop_client request_loop(struct request *r);

#endif
