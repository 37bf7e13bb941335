// SPDX-License-Identifier: BSD-2-Clause
// NAT behaviour discovery against a scripted server on loopback that never answers usably.
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/nat_behavior.h"
#include "test.h"

enum refuse_mode {
	REFUSE_420,          /* an error response 420 Unknown Attribute to every request */
	REFUSE_UNKNOWN_ATTR, /* a success that carries an unknown required attribute */
};

struct refusing_server {
	int fd;
	struct endpoint addr;
	enum refuse_mode mode;
	unsigned requests;
	struct loop_client *client; /* the discovery, to know when to stop */
};

static void refuse(struct refusing_server *s, const struct stun_msg *req, const struct endpoint *to)
{
	uint8_t out[256];
	struct buf b;
	buf_init(&b, out, sizeof(out));
	if (s->mode == REFUSE_420) {
		stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_ERROR, req->tid);
		stun_put_error_code(&b, 420, "Unknown Attribute");
	} else {
		stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, req->tid);
		stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, to, req->tid);
		stun_put_u32_attr(&b, 0x7f01, 0);
	}
	int len = stun_finish(&b, true);
	if (len > 0)
		udp_send(s->fd, to, out, (size_t)len);
}

static void server_readable(void *self, int fd, int64_t now)
{
	struct refusing_server *s = self;
	uint8_t data[512];
	struct endpoint from;
	struct stun_msg req;
	(void)now;
	ssize_t n = udp_recv(fd, data, sizeof(data), &from);
	if (n <= 0 || stun_decode(data, (size_t)n, &req) != 0 || req.cls != STUN_CLASS_REQUEST)
		return;
	s->requests++;
	refuse(s, &req, &from);
}

static size_t server_fds(void *self, int *out, size_t max)
{
	struct refusing_server *s = self;
	if (max < 1)
		return 0;
	out[0] = s->fd;
	return 1;
}

static int64_t server_next(void *self)
{
	(void)self;
	return CLOCK_NEVER;
}

static void server_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool server_done(void *self)
{
	struct refusing_server *s = self;
	return s->client->done(s->client->self);
}

/* Runs a whole discovery against the server; returns how the loop ended. */
static enum loop_result discover_against(enum refuse_mode mode, struct nat_report *r,
					 unsigned *requests)
{
	struct refusing_server s = {.mode = mode};
	struct endpoint lo;
	endpoint_parse_ip(&lo, "127.0.0.1");
	s.fd = udp_open(AF_INET, &lo);
	CHECK(s.fd >= 0);
	socket_local(s.fd, &s.addr);
	int64_t now = clock_now_us();
	struct nat_options opt = {.servers = &s.addr, .n_servers = 1, .deadline = now + 5000000};
	struct nat_discovery d;
	CHECK_EQ_INT(nat_discovery_start(&d, &opt, r), 0);
	struct loop_client loops[3];
	nat_discovery_loops(&d, loops);
	s.client = &loops[0];
	loops[2] = (struct loop_client){.self = &s,
					.fds = server_fds,
					.next_wakeup = server_next,
					.on_readable = server_readable,
					.on_tick = server_tick,
					.done = server_done};
	enum loop_result lr = loop_run(loops, 3, opt.deadline);
	nat_discovery_finish(&d);
	close(s.fd);
	*requests = s.requests;
	return lr;
}

/* Issue 9: a server that answers everything with 420 is named with its
 * error, and the discovery ends once every server has answered. */
static void nat_discovery_reports_error_response(void)
{
	struct nat_report r;
	unsigned requests;
	char want[160], srv[ENDPOINT_STRLEN];
	CHECK_EQ_INT(discover_against(REFUSE_420, &r, &requests), LOOP_DONE);
	CHECK_EQ_INT(requests, 1);
	CHECK(!r.decided);
	CHECK_EQ_INT(r.refused_code, 420);
	snprintf(want, sizeof(want), "%s answered with error 420 Unknown Attribute",
		 endpoint_format(&r.refused_by, srv));
	CHECK_EQ_STR(r.error, want);
	CHECK_EQ_INT(r.n_tests, 1);
	CHECK_EQ_INT(r.tests[0].error_code, 420);
}

static void nat_discovery_reports_unusable_response(void)
{
	struct nat_report r;
	unsigned requests;
	char want[160], srv[ENDPOINT_STRLEN];
	CHECK_EQ_INT(discover_against(REFUSE_UNKNOWN_ATTR, &r, &requests), LOOP_DONE);
	CHECK_EQ_INT(r.refused_code, 0);
	snprintf(want, sizeof(want),
		 "%s sent an unusable response (no address, or an unknown required attribute)",
		 endpoint_format(&r.refused_by, srv));
	CHECK_EQ_STR(r.error, want);
}

const struct test_case nat_discovery_cases[] = {
	T(nat_discovery_reports_error_response),
	T(nat_discovery_reports_unusable_response),
	{NULL, NULL},
};
