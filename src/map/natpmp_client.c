// SPDX-License-Identifier: BSD-2-Clause
// NAT-PMP requests through libnatpmp: it builds, sends and parses; we time, validate and retransmit.
#include "natctl/map/natpmp_client.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/base/clock.h"
#include "natctl/map/natpmp_wire.h"

/*
 * libnatpmp's own timing is not used: getnatpmprequesttimeout() is computed
 * on the wall clock and can come back negative (20150609), and
 * readnatpmpresponseorretry() retransmits on its own schedule. natctl
 * re-sends the request itself on the monotonic clock and calls
 * readnatpmpresponseorretry() only when a checked datagram waits.
 */

int natpmp_client_open(struct natpmp_client *c, const struct endpoint *gateway,
		       const struct trace *trace)
{
	memset(c, 0, sizeof(*c));
	c->trace = trace;
	c->gateway = *gateway;
	c->gateway.port = NATPMP_SERVER_PORT;
	in_addr_t gw;
	memcpy(&gw, gateway->ip, 4);
	int rc = initnatpmp(&c->pmp, 1, gw);
	if (rc < 0) {
		trace_log(trace, "natpmp: initnatpmp failed: %d (%s)", rc, strerror(errno));
		if (c->pmp.s >= 0)
			closenatpmp(&c->pmp);
		return -1;
	}
	c->open = true;
	return 0;
}

void natpmp_client_close(struct natpmp_client *c)
{
	if (c->open)
		closenatpmp(&c->pmp);
	c->open = false;
	c->state = NATPMP_TXN_IDLE;
}

static void start(struct natpmp_client *c)
{
	c->state = NATPMP_TXN_PENDING;
	retransmit_start(&c->retx, NATPMP_RTO_INITIAL_US);
	c->result = c->lib_error = c->sys_error = 0;
	c->dropped = 0;
	c->last_drop = 0;
	memset(&c->resp, 0, sizeof(c->resp));
}

void natpmp_client_address(struct natpmp_client *c)
{
	c->opcode = NATPMP_OP_ADDRESS;
	c->internal_port = c->external_port = 0;
	c->lifetime = 0;
	start(c);
}

void natpmp_client_map(struct natpmp_client *c, int protocol, uint16_t internal_port,
		       uint16_t external_port, uint32_t lifetime)
{
	c->opcode = protocol == IPPROTO_UDP ? NATPMP_OP_MAP_UDP : NATPMP_OP_MAP_TCP;
	c->internal_port = internal_port;
	/* RFC 6886 §3.4: a deletion sets the suggested external port to 0. */
	c->external_port = lifetime ? external_port : 0;
	c->lifetime = lifetime;
	start(c);
}

void natpmp_client_cancel(struct natpmp_client *c)
{
	if (c->state == NATPMP_TXN_PENDING)
		c->state = NATPMP_TXN_IDLE;
}

static void fail(struct natpmp_client *c, int err)
{
	char gw[ENDPOINT_STRLEN];
	c->sys_error = err;
	c->state = NATPMP_TXN_FAILED;
	trace_log(c->trace, "natpmp: %s: %s", endpoint_format(&c->gateway, gw), strerror(-err));
}

static void send_request(struct natpmp_client *c, int64_t now)
{
	char gw[ENDPOINT_STRLEN];
	int rc;
	if (c->opcode == NATPMP_OP_ADDRESS)
		rc = sendpublicaddressrequest(&c->pmp);
	else
		rc = sendnewportmappingrequest(&c->pmp,
					       c->opcode == NATPMP_OP_MAP_UDP ? NATPMP_PROTOCOL_UDP
									: NATPMP_PROTOCOL_TCP,
					       c->internal_port, c->external_port, c->lifetime);
	int e = errno;
	trace_log(c->trace, "natpmp: -> %s %s request (try %u%s)", endpoint_format(&c->gateway, gw),
		  c->opcode == NATPMP_OP_ADDRESS ? "external address"
		  : c->lifetime                  ? "mapping"
						 : "delete mapping",
		  c->retx.sends + 1, rc < 0 ? ", send failed" : "");
	if (rc < 0) {
		fail(c, -(e ? e : EIO));
		return;
	}
	retransmit_sent(&c->retx, now);
}

static void natpmp_tick(void *self, int64_t now)
{
	struct natpmp_client *c = self;
	if (c->state == NATPMP_TXN_PENDING && retransmit_due(&c->retx, now))
		send_request(c, now);
}

/* Hands one checked datagram to libnatpmp; its result code becomes ours. */
static void parse_with_libnatpmp(struct natpmp_client *c, int64_t now)
{
	char gw[ENDPOINT_STRLEN];
	int rc = readnatpmpresponseorretry(&c->pmp, &c->resp);
	if (rc == NATPMP_TRYAGAIN)
		return;
	c->rtt_us = now - c->retx.first_us;
	c->state = NATPMP_TXN_ANSWERED;
	c->result = (int)c->resp.resultcode;
	if (rc < 0 && c->result == 0)
		c->lib_error = rc;
	trace_log(c->trace, "natpmp: <- %s %s, epoch %u, rtt %.3f ms", endpoint_format(&c->gateway, gw),
		  natpmp_result_name((unsigned)c->result), c->resp.epoch,
		  (double)c->rtt_us / USEC_PER_MSEC);
}

static void natpmp_readable(void *self, int fd, int64_t now)
{
	struct natpmp_client *c = self;
	char gw[ENDPOINT_STRLEN];
	for (int i = 0; i < 64 && c->state == NATPMP_TXN_PENDING; i++) {
		uint8_t data[64];
		ssize_t n = recv(fd, data, sizeof(data), MSG_PEEK | MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			fail(c, -errno);
			return;
		}
		size_t seen = (size_t)n < sizeof(data) ? (size_t)n : sizeof(data);
		int check = natpmp_check_response(data, seen, c->opcode, c->internal_port);
		if (check < 0) {
			recv(fd, data, sizeof(data), 0); /* consume it */
			c->dropped++;
			c->last_drop = check;
			trace_log(c->trace, "natpmp: <- %s dropped %zd bytes: %s",
				  endpoint_format(&c->gateway, gw), n, natpmp_check_strerror(check));
			continue;
		}
		parse_with_libnatpmp(c, now);
		return;
	}
}

static size_t natpmp_fds(void *self, int *out, size_t max)
{
	struct natpmp_client *c = self;
	if (max == 0 || !c->open || c->state != NATPMP_TXN_PENDING)
		return 0;
	out[0] = c->pmp.s;
	return 1;
}

static int64_t natpmp_next(void *self)
{
	struct natpmp_client *c = self;
	return c->state == NATPMP_TXN_PENDING ? c->retx.next_us : CLOCK_NEVER;
}

static bool natpmp_done(void *self)
{
	struct natpmp_client *c = self;
	return c->state != NATPMP_TXN_PENDING;
}

struct loop_client natpmp_client_loop(struct natpmp_client *c)
{
	return (struct loop_client){
		.self = c,
		.fds = natpmp_fds,
		.next_wakeup = natpmp_next,
		.on_readable = natpmp_readable,
		.on_tick = natpmp_tick,
		.done = natpmp_done,
	};
}
