// SPDX-License-Identifier: BSD-2-Clause
// PCP transactions: one request in flight, retransmitted, answers validated per RFC 6887 §8.3.
#include "natctl/map/pcp_client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

int pcp_client_open(struct pcp_client *c, const struct endpoint *server,
		    const struct endpoint *local, const struct trace *trace)
{
	memset(c, 0, sizeof(*c));
	c->trace = trace;
	c->server = *server;
	c->server.port = PCP_SERVER_PORT;
	struct endpoint bind_to = *local;
	bind_to.port = 0;
	c->fd = udp_open(server->family, &bind_to);
	if (c->fd < 0)
		return c->fd;
	/* Connected: the kernel drops datagrams from anyone else (§8.3 wants
	 * the source checked) and reports ICMP port unreachable as
	 * ECONNREFUSED, a quick and certain "no PCP server here". */
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(&c->server, &ss);
	if (connect(c->fd, (struct sockaddr *)&ss, sl) < 0) {
		int e = errno;
		close(c->fd);
		c->fd = -1;
		return -e;
	}
	return 0;
}

void pcp_client_close(struct pcp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->state = PCP_TXN_IDLE;
}

int pcp_client_start(struct pcp_client *c, const struct pcp_request *req)
{
	int n = pcp_encode_request(req, c->wire, sizeof(c->wire));
	if (n < 0)
		return n;
	c->req = *req;
	c->wire_len = (size_t)n;
	c->state = PCP_TXN_PENDING;
	retransmit_start(&c->retx, PCP_RTO_INITIAL_US);
	c->sys_error = 0;
	c->dropped = 0;
	c->last_drop = 0;
	memset(&c->resp, 0, sizeof(c->resp));
	return 0;
}

void pcp_client_cancel(struct pcp_client *c)
{
	if (c->state == PCP_TXN_PENDING)
		c->state = PCP_TXN_IDLE;
}

static const char *op_name(uint8_t op)
{
	return op == PCP_OP_MAP ? "MAP" : op == PCP_OP_ANNOUNCE ? "ANNOUNCE" : "?";
}

static void fail(struct pcp_client *c, int err)
{
	char dst[ENDPOINT_STRLEN];
	c->sys_error = err;
	c->state = PCP_TXN_FAILED;
	trace_log(c->trace, "pcp: %s: %s", endpoint_format(&c->server, dst), strerror(-err));
}

static void send_request(struct pcp_client *c, int64_t now)
{
	char dst[ENDPOINT_STRLEN];
	ssize_t n = send(c->fd, c->wire, c->wire_len, 0);
	trace_log(c->trace, "pcp: -> %s %s request (%zu bytes, try %u, lifetime %u)",
		  endpoint_format(&c->server, dst), op_name(c->req.opcode), c->wire_len, c->retx.sends + 1,
		  c->req.lifetime);
	if (n < 0) {
		fail(c, -errno);
		return;
	}
	retransmit_sent(&c->retx, now);
}

static void pcp_tick(void *self, int64_t now)
{
	struct pcp_client *c = self;
	if (c->state == PCP_TXN_PENDING && retransmit_due(&c->retx, now))
		send_request(c, now);
}

static void drop(struct pcp_client *c, int why, ssize_t len)
{
	char src[ENDPOINT_STRLEN];
	c->dropped++;
	c->last_drop = why;
	trace_log(c->trace, "pcp: <- %s dropped %zd bytes: %s", endpoint_format(&c->server, src),
		  len, pcp_strerror(why));
}

static void trace_answer(struct pcp_client *c)
{
	char src[ENDPOINT_STRLEN], ext[ENDPOINT_STRLEN];
	const struct pcp_response *r = &c->resp;
	if (r->natpmp) {
		trace_log(c->trace, "pcp: <- %s NAT-PMP answer: Unsupported Version (no PCP), rtt %.3f ms",
			  endpoint_format(&c->server, src), (double)c->rtt_us / USEC_PER_MSEC);
		return;
	}
	struct endpoint e = r->external;
	e.port = r->external_port;
	trace_log(c->trace, "pcp: <- %s %s response %s, lifetime %u, epoch %u%s%s, rtt %.3f ms",
		  endpoint_format(&c->server, src), op_name(r->opcode), pcp_result_name(r->result),
		  r->lifetime, r->epoch, r->has_map ? ", external " : "",
		  r->has_map ? endpoint_format(&e, ext) : "", (double)c->rtt_us / USEC_PER_MSEC);
}

static void handle_datagram(struct pcp_client *c, const uint8_t *data, ssize_t n, int64_t now)
{
	struct pcp_response r;
	int rc = pcp_decode_response(data, (size_t)n, &r);
	if (rc == 0)
		rc = pcp_response_matches(&c->req, &r);
	if (rc < 0) {
		drop(c, rc, n);
		return;
	}
	c->resp = r;
	c->rtt_us = now - c->retx.first_us;
	c->state = PCP_TXN_ANSWERED;
	trace_answer(c);
}

static void pcp_readable(void *self, int fd, int64_t now)
{
	struct pcp_client *c = self;
	uint8_t data[PCP_MAX_MESSAGE + 4];
	for (int i = 0; i < 64 && c->state == PCP_TXN_PENDING; i++) {
		ssize_t n = recv(fd, data, sizeof(data), MSG_TRUNC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n < 0) {
			fail(c, -errno);
			return;
		}
		if ((size_t)n > sizeof(data)) {
			drop(c, PCP_ERR_LENGTH, n);
			continue;
		}
		handle_datagram(c, data, n, now);
	}
}

static size_t pcp_fds(void *self, int *out, size_t max)
{
	struct pcp_client *c = self;
	if (max == 0 || c->fd < 0 || c->state != PCP_TXN_PENDING)
		return 0;
	out[0] = c->fd;
	return 1;
}

static int64_t pcp_next(void *self)
{
	struct pcp_client *c = self;
	return c->state == PCP_TXN_PENDING ? c->retx.next_us : CLOCK_NEVER;
}

static bool pcp_done(void *self)
{
	struct pcp_client *c = self;
	return c->state != PCP_TXN_PENDING;
}

struct loop_client pcp_client_loop(struct pcp_client *c)
{
	return (struct loop_client){
		.self = c,
		.fds = pcp_fds,
		.next_wakeup = pcp_next,
		.on_readable = pcp_readable,
		.on_tick = pcp_tick,
		.done = pcp_done,
	};
}
