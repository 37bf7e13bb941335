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

static int natpmp_send(void *owner, int64_t now);
static int natpmp_receive(void *owner, int fd, int64_t now);

static const struct request_ops natpmp_request_ops = {
	.label = "natpmp",
	.send = natpmp_send,
	.receive = natpmp_receive,
};

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
	request_init(&c->rq, &natpmp_request_ops, c, c->pmp.s, &c->gateway, NATPMP_RTO_INITIAL_US,
		     trace);
	return 0;
}

void natpmp_client_close(struct natpmp_client *c)
{
	if (c->open)
		closenatpmp(&c->pmp);
	c->open = false;
	c->rq.fd = -1;
	c->rq.state = REQUEST_IDLE;
}

static void start(struct natpmp_client *c)
{
	c->lib_error = 0;
	memset(&c->answer, 0, sizeof(c->answer));
	request_start(&c->rq);
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
	request_cancel(&c->rq);
}

static int natpmp_send(void *owner, int64_t now)
{
	struct natpmp_client *c = owner;
	char gw[ENDPOINT_STRLEN];
	int rc;
	(void)now;
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
		  c->rq.retx.sends + 1, rc < 0 ? ", send failed" : "");
	return rc < 0 ? -(e ? e : EIO) : 0;
}

/* libnatpmp's response union, read once into plain fields. */
static void take_answer(struct natpmp_client *c, const natpmpresp_t *resp)
{
	struct natpmp_answer *a = &c->answer;
	a->result = (int)resp->resultcode;
	a->epoch = resp->epoch;
	if (a->result != NATPMP_RESULT_SUCCESS)
		return;
	if (c->opcode == NATPMP_OP_ADDRESS) {
		a->external.family = AF_INET;
		memcpy(a->external.ip, &resp->pnu.publicaddress.addr, 4);
	} else {
		a->mapped_port = resp->pnu.newportmapping.mappedpublicport;
		a->lifetime = resp->pnu.newportmapping.lifetime;
	}
}

/* Hands one checked datagram to libnatpmp; its result code becomes ours. */
static int parse_with_libnatpmp(struct natpmp_client *c, int64_t now)
{
	char gw[ENDPOINT_STRLEN];
	natpmpresp_t resp;
	memset(&resp, 0, sizeof(resp));
	int rc = readnatpmpresponseorretry(&c->pmp, &resp);
	if (rc == NATPMP_TRYAGAIN)
		return -EAGAIN;
	take_answer(c, &resp);
	if (rc < 0 && c->answer.result == 0)
		c->lib_error = rc;
	request_answered(&c->rq, now);
	trace_log(c->trace, "natpmp: <- %s %s, epoch %u, rtt %.3f ms",
		  endpoint_format(&c->gateway, gw), natpmp_result_name((unsigned)c->answer.result),
		  c->answer.epoch, (double)c->rq.rtt_us / USEC_PER_MSEC);
	return 0;
}

static int natpmp_receive(void *owner, int fd, int64_t now)
{
	struct natpmp_client *c = owner;
	char gw[ENDPOINT_STRLEN];
	uint8_t data[64];
	ssize_t n = recv(fd, data, sizeof(data), MSG_PEEK | MSG_TRUNC);
	if (n < 0)
		return -errno;
	size_t seen = (size_t)n < sizeof(data) ? (size_t)n : sizeof(data);
	int check = natpmp_check_response(data, seen, c->opcode, c->internal_port);
	if (check == 0)
		return parse_with_libnatpmp(c, now);
	recv(fd, data, sizeof(data), 0); /* consume it */
	request_drop(&c->rq, check);
	trace_log(c->trace, "natpmp: <- %s dropped %zd bytes: %s", endpoint_format(&c->gateway, gw),
		  n, natpmp_check_strerror(check));
	return 0;
}

struct loop_client natpmp_client_loop(struct natpmp_client *c)
{
	return request_loop(&c->rq);
}
