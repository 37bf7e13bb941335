/* SPDX-License-Identifier: BSD-2-Clause */
/* The public address by STUN: Binding requests to one or more servers at once, the first good answer wins. */
#ifndef NATCTL_STUN_PUBLIC_H
#define NATCTL_STUN_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/stun/nat_types.h"

struct stun_public_options {
	const struct endpoint *servers; /* over TCP, only the first is asked */
	size_t n_servers;
	int64_t start_us; /* when the command started: the error says how long it waited */
	int64_t deadline;
	uint16_t local_port; /* bind the UDP socket to it; 0: any */
	const struct trace *trace;
};

/* Asks every server at once; returns 0 with r filled (r->error too), or
 * -errno if no socket could be opened. */
int stun_public_query(const struct stun_public_options *opt, struct stun_public_result *r);

/* The same over TCP (RFC 8489 §6.2.2), to the first server. */
int stun_public_query_tcp(const struct stun_public_options *opt, struct stun_public_result *r);

/* Sets r->error and r->failure from r->outcome: "" for STUN_PUBLIC_OK, else
 * why not, saying it waited waited_us. The queries call it when they end. */
void stun_public_set_error(struct stun_public_result *r, int64_t waited_us);

#endif
