// SPDX-License-Identifier: BSD-2-Clause
// PCP transactions: one request in flight, retransmitted, answers validated per RFC 6887 §8.3.
#include "natctl/map/pcp_client.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

static int pcp_send(void *owner, int64_t now);
static int pcp_receive(void *owner, int fd, int64_t now);

static const struct request_ops pcp_request_ops = {
	.label = "pcp",
	.send = pcp_send,
	.receive = pcp_receive,
};

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
	request_init(&c->rq, &pcp_request_ops, c, c->fd, &c->server, PCP_RTO_INITIAL_US, trace);
	return 0;
}

void pcp_client_close(struct pcp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	c->rq.fd = -1;
	c->rq.state = REQUEST_IDLE;
}

int pcp_client_start(struct pcp_client *c, const struct pcp_request *req)
{
	int n = pcp_encode_request(req, c->wire, sizeof(c->wire));
	if (n < 0)
		return n;
	c->req = *req;
	c->wire_len = (size_t)n;
	memset(&c->resp, 0, sizeof(c->resp));
	request_start(&c->rq);
	return 0;
}

void pcp_client_cancel(struct pcp_client *c)
{
	request_cancel(&c->rq);
}

static const char *op_name(uint8_t op)
{
	return op == PCP_OP_MAP ? "MAP" : op == PCP_OP_ANNOUNCE ? "ANNOUNCE" : "?";
}

static int pcp_send(void *owner, int64_t now)
{
	struct pcp_client *c = owner;
	char dst[ENDPOINT_STRLEN];
	(void)now;
	ssize_t n = send(c->fd, c->wire, c->wire_len, 0);
	int e = errno;
	trace_log(c->trace, "pcp: -> %s %s request (%zu bytes, try %u, lifetime %u)",
		  endpoint_format(&c->server, dst), op_name(c->req.opcode), c->wire_len,
		  c->rq.retx.sends + 1, c->req.lifetime);
	return n < 0 ? -e : 0;
}

static void drop(struct pcp_client *c, int why, ssize_t len)
{
	char src[ENDPOINT_STRLEN];
	request_drop(&c->rq, why);
	trace_log(c->trace, "pcp: <- %s dropped %zd bytes: %s", endpoint_format(&c->server, src),
		  len, pcp_strerror(why));
}

static void trace_answer(struct pcp_client *c)
{
	char src[ENDPOINT_STRLEN], ext[ENDPOINT_STRLEN];
	const struct pcp_response *r = &c->resp;
	double rtt_ms = (double)c->rq.rtt_us / USEC_PER_MSEC;
	if (r->natpmp) {
		trace_log(c->trace,
			  "pcp: <- %s NAT-PMP answer: Unsupported Version (no PCP), rtt %.3f ms",
			  endpoint_format(&c->server, src), rtt_ms);
		return;
	}
	struct endpoint e = r->external;
	e.port = r->external_port;
	trace_log(c->trace, "pcp: <- %s %s response %s, lifetime %u, epoch %u%s%s, rtt %.3f ms",
		  endpoint_format(&c->server, src), op_name(r->opcode), pcp_result_name(r->result),
		  r->lifetime, r->epoch, r->has_map ? ", external " : "",
		  r->has_map ? endpoint_format(&e, ext) : "", rtt_ms);
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
	request_answered(&c->rq, now);
	trace_answer(c);
}

static int pcp_receive(void *owner, int fd, int64_t now)
{
	struct pcp_client *c = owner;
	uint8_t data[PCP_MAX_MESSAGE + 4];
	ssize_t n = recv(fd, data, sizeof(data), MSG_TRUNC);
	if (n < 0)
		return -errno;
	if ((size_t)n > sizeof(data))
		drop(c, PCP_ERR_LENGTH, n);
	else
		handle_datagram(c, data, n, now);
	return 0;
}

struct loop_client pcp_client_loop(struct pcp_client *c)
{
	return request_loop(&c->rq);
}
