/* SPDX-License-Identifier: BSD-2-Clause */
/* The public address by STUN: Binding requests to one or more servers at once, the first good answer wins. */
#ifndef NATCTL_STUN_PUBLIC_H
#define NATCTL_STUN_PUBLIC_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/stun/nat_types.h"

/* Asks every server at once; returns 0 with r filled, or -errno if no socket could be opened. */
int stun_public_query(const struct endpoint *servers, size_t n, int64_t deadline,
		      const struct trace *trace, struct stun_public_result *r);

/* The same over TCP (RFC 8489 §6.2.2), to one server. */
int stun_public_query_tcp(const struct endpoint *server, int64_t deadline,
			  const struct trace *trace, struct stun_public_result *r);

#endif
