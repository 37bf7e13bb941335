/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP transactions (RFC 6887) over UDP to one server, driven by the poll loop and cut at a deadline. */
#ifndef NATCTL_PCP_CLIENT_H
#define NATCTL_PCP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/pcp.h"
#include "natctl/net/loop.h"
#include "natctl/net/request.h"
#include "natctl/base/trace.h"

/*
 * RFC 6887 §8.1.1 starts retransmissions at 3 s, made for a server many hops
 * away; the PCP server natctl talks to is the first-hop gateway, and the
 * command's deadline is a few seconds. natctl uses NAT-PMP's schedule
 * (RFC 6886 §3.1: 250 ms, doubling) instead, cut at the deadline.
 */
#define PCP_RTO_INITIAL_US (250 * 1000)

/* One transaction at a time; rq.state says where it stands (REQUEST_ANSWERED:
 * a matching response, success or error, is in resp; rq.last_drop is an
 * enum pcp_error). */
struct pcp_client {
	int fd; /* connected to server, so ICMP errors come back */
	struct endpoint server;
	const struct trace *trace;
	struct request rq;
	struct pcp_request req;
	uint8_t wire[PCP_MAX_MESSAGE];
	size_t wire_len;
	struct pcp_response resp;
};

/* Opens a UDP socket connected to server:5351 from local (port 0); 0 or -errno. */
int pcp_client_open(struct pcp_client *c, const struct endpoint *server,
		    const struct endpoint *local, const struct trace *trace);
void pcp_client_close(struct pcp_client *c);

/* Starts a transaction; the loop sends it at its next tick. 0 or a PCP_ERR_*. */
int pcp_client_start(struct pcp_client *c, const struct pcp_request *req);
/* Gives up on the current transaction (the caller's deadline for it passed). */
void pcp_client_cancel(struct pcp_client *c);

struct loop_client pcp_client_loop(struct pcp_client *c);

#endif
