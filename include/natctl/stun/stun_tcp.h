/* SPDX-License-Identifier: BSD-2-Clause */
/* One STUN Binding over TCP (RFC 8489 §6.2.2): non-blocking connect, one request, one framed response. */
#ifndef NATCTL_STUN_TCP_H
#define NATCTL_STUN_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"
#include "natctl/stun/stun.h"
#include "natctl/base/trace.h"

enum stun_tcp_state {
	STUN_TCP_IDLE,
	STUN_TCP_CONNECTING,
	STUN_TCP_WAITING, /* request written, reading the response */
	STUN_TCP_ANSWERED,
	STUN_TCP_FAILED,
};

struct stun_tcp {
	struct endpoint dst;
	const struct trace *trace;
	enum stun_tcp_state state;
	int fd;
	uint8_t tid[STUN_TID_LEN];
	uint8_t request[128];
	size_t request_len, written;
	uint8_t rbuf[STUN_MAX_MESSAGE];
	size_t rlen;
	int64_t start_us;

	struct stun_msg response;
	struct endpoint local; /* our address and port on the connection */
	int64_t rtt_us;        /* connect + request + response */
	int sys_error;         /* -errno when connecting, sending or receiving failed */
	int reject;            /* STUN_ERR_* when the response was unusable */
};

/* Starts the connect; returns 0 or -errno (then state is FAILED). */
int stun_tcp_start(struct stun_tcp *t, const struct endpoint *dst, const struct trace *trace,
		   int64_t now);

/* Closes the socket if still open; the result stays. */
void stun_tcp_close(struct stun_tcp *t);

struct loop_client stun_tcp_loop(struct stun_tcp *t);

#endif
