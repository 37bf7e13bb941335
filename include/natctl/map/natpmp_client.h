/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT-PMP (RFC 6886) through libnatpmp, with the timing owned by the poll loop and the command's deadline. */
#ifndef NATCTL_NATPMP_CLIENT_H
#define NATCTL_NATPMP_CLIENT_H

#include <natpmp.h>
#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"
#include "natctl/net/request.h"
#include "natctl/base/trace.h"

/* RFC 6886 §3.1: "initially 250 ms, ... doubling"; the deadline cuts it
 * long before libnatpmp's own ladder of 9 tries (about 128 s) would. */
#define NATPMP_RTO_INITIAL_US (250 * 1000)

/* What an answer said, read out of libnatpmp's response union. */
struct natpmp_answer {
	int result;               /* RFC 6886 result code (0 = success) */
	uint32_t epoch;           /* seconds since the gateway's epoch began (§3.6) */
	struct endpoint external; /* ADDRESS: the public address (unset on failure) */
	uint16_t mapped_port;     /* MAP: the external port granted */
	uint32_t lifetime;        /* MAP: the lifetime granted */
};

/* One request at a time; rq.state says where it stands (REQUEST_ANSWERED:
 * libnatpmp parsed a response, see answer; rq.last_drop is an enum
 * natpmp_check). */
struct natpmp_client {
	natpmp_t pmp;
	bool open;
	struct endpoint gateway;
	const struct trace *trace;
	struct request rq;
	uint8_t opcode; /* enum natpmp_opcode of the request */
	uint16_t internal_port, external_port;
	uint32_t lifetime;
	struct natpmp_answer answer;
	int lib_error; /* libnatpmp's return for a non-result failure */
};

/* Opens libnatpmp's socket toward gateway:5351; 0 or -1 (trace says why). */
int natpmp_client_open(struct natpmp_client *c, const struct endpoint *gateway,
		       const struct trace *trace);
void natpmp_client_close(struct natpmp_client *c);

/* Starts an external-address request, or a mapping request (lifetime 0 deletes). */
void natpmp_client_address(struct natpmp_client *c);
void natpmp_client_map(struct natpmp_client *c, int protocol, uint16_t internal_port,
		       uint16_t external_port, uint32_t lifetime);
void natpmp_client_cancel(struct natpmp_client *c);

struct loop_client natpmp_client_loop(struct natpmp_client *c);

#endif
