/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP transactions (RFC 6887) over UDP to one server, driven by the poll loop and cut at a deadline. */
#ifndef NATCTL_PCP_CLIENT_H
#define NATCTL_PCP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"
#include "natctl/net/retransmit.h"
#include "natctl/map/pcp.h"
#include "natctl/base/trace.h"

/*
 * RFC 6887 §8.1.1 starts retransmissions at 3 s, made for a server many hops
 * away; the PCP server natctl talks to is the first-hop gateway, and the
 * command's deadline is a few seconds. natctl uses NAT-PMP's schedule
 * (RFC 6886 §3.1: 250 ms, doubling) instead, cut at the deadline.
 */
#define PCP_RTO_INITIAL_US (250 * 1000)

enum pcp_txn_state {
	PCP_TXN_IDLE,
	PCP_TXN_PENDING,
	PCP_TXN_ANSWERED, /* a matching response (success or error) arrived */
	PCP_TXN_FAILED,   /* the server is unreachable (ICMP) or sending failed */
};

struct pcp_client {
	int fd;                  /* connected to server, so ICMP errors come back */
	struct endpoint server;
	const struct trace *trace;
	enum pcp_txn_state state;
	struct pcp_request req;
	uint8_t wire[PCP_MAX_MESSAGE];
	size_t wire_len;
	struct retransmit retx;
	struct pcp_response resp;
	int64_t rtt_us;
	int sys_error;           /* -errno for PCP_TXN_FAILED */
	unsigned dropped;        /* malformed or unmatched datagrams */
	int last_drop;           /* why the last one was dropped (enum pcp_error) */
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
