/* SPDX-License-Identifier: BSD-2-Clause */
/* The public address by STUN: Binding requests to one or more servers at once, the first good answer wins. */
#ifndef NATCTL_STUN_PUBLIC_H
#define NATCTL_STUN_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/stun/stun.h"
#include "natctl/base/trace.h"

enum stun_public_outcome {
	STUN_PUBLIC_OK,         /* a server told us our mapped address */
	STUN_PUBLIC_NO_ANSWER,  /* nothing valid came back before the deadline */
	STUN_PUBLIC_REFUSED,    /* only error responses (ERROR-CODE) came back */
	STUN_PUBLIC_REJECTED,   /* only unusable responses (RFC 8489 §6.3.3, no address) */
	STUN_PUBLIC_NETWORK,    /* sending failed: no route, network down */
};

struct stun_public_result {
	enum stun_public_outcome outcome;
	struct endpoint server; /* the server that answered, else the first asked */
	struct endpoint local;  /* our address and port toward it */
	struct endpoint mapped; /* the public address it saw */
	int64_t rtt_us;
	char software[STUN_TEXT_MAX];
	uint16_t error_code; /* STUN_PUBLIC_REFUSED */
	char error_reason[STUN_TEXT_MAX];
	int sys_error;       /* -errno for STUN_PUBLIC_NETWORK */
};

/* Asks every server at once; returns 0 with r filled, or -errno if no socket could be opened. */
int stun_public_query(const struct endpoint *servers, size_t n, int64_t deadline,
		      const struct trace *trace, struct stun_public_result *r);

/* The same over TCP (RFC 8489 §6.2.2), to one server. */
int stun_public_query_tcp(const struct endpoint *server, int64_t deadline,
			  const struct trace *trace, struct stun_public_result *r);

#endif
