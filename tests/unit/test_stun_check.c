// SPDX-License-Identifier: BSD-2-Clause
// map --check against a scripted RFC 5780 server on loopback (primary 127.0.0.1, alternate 127.0.0.2), and the NAT-layer rules of the path.
#include <errno.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_check.h"
#include "test.h"

enum server_mode {
	RFC5780,      /* answers the check at RESPONSE-PORT from its other address */
	NO_5780,      /* 420 to the check: a plain RFC 5389 server */
	IGNORES_PORT, /* answers the check where it came from */
	SILENT_CHECK, /* answers plain requests only */
	SILENT,       /* answers nothing */
};

struct server {
	int fd, alt_fd;
	struct endpoint addr;
	enum server_mode mode;
	const struct stun_check *check; /* the loop ends when the check does */
};

static void reply(int fd, const struct stun_msg *req, const struct endpoint *to, bool error)
{
	uint8_t out[256];
	struct buf b;
	buf_init(&b, out, sizeof(out));
	stun_begin(&b, STUN_METHOD_BINDING, error ? STUN_CLASS_ERROR : STUN_CLASS_SUCCESS,
		   req->tid);
	if (error) {
		stun_put_error_code(&b, 420, "Unknown Attribute");
	} else {
		stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, to, req->tid);
	}
	int len = stun_finish(&b, true);
	if (len > 0)
		udp_send(fd, to, out, (size_t)len);
}

static void answer(struct server *s, const struct stun_msg *req, const struct endpoint *from)
{
	bool check = req->has & STUN_HAS_RESPONSE_PORT;
	struct endpoint to = *from;
	if (s->mode == SILENT || (check && s->mode == SILENT_CHECK))
		return;
	if (!check || s->mode == IGNORES_PORT) {
		reply(s->fd, req, from, false);
	} else if (s->mode == NO_5780) {
		reply(s->fd, req, from, true);
	} else {
		to.port = req->response_port;
		reply(s->alt_fd, req, &to, false); /* RFC 5780 §6.1: source IP, RESPONSE-PORT */
	}
}

static void server_readable(void *self, int fd, int64_t now)
{
	struct server *s = self;
	uint8_t data[512];
	struct endpoint from;
	struct stun_msg req;
	(void)now;
	ssize_t n = udp_recv(fd, data, sizeof(data), &from);
	if (n > 0 && stun_decode(data, (size_t)n, &req) == 0 && req.cls == STUN_CLASS_REQUEST)
		answer(s, &req, &from);
}

static size_t server_fds(void *self, int *out, size_t max)
{
	struct server *s = self;
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
	const struct server *s = self;
	return s->check->done;
}

static struct endpoint loopback(const char *ip, uint16_t port)
{
	struct endpoint e;
	endpoint_parse_ip(&e, ip);
	e.port = port;
	return e;
}

static bool server_open(struct server *s, enum server_mode mode)
{
	struct endpoint any = loopback("127.0.0.1", 0), alt = loopback("127.0.0.2", 0);
	s->mode = mode;
	s->fd = udp_open(AF_INET, &any);
	s->alt_fd = udp_open(AF_INET, &alt);
	return s->fd >= 0 && s->alt_fd >= 0 && socket_local(s->fd, &s->addr) == 0;
}

static void server_close(struct server *s)
{
	close(s->fd);
	close(s->alt_fd);
}

/* A free loopback port, held by *holder (or released when holder is NULL). */
static uint16_t free_port(int *holder)
{
	struct endpoint e = loopback("127.0.0.1", 0);
	int fd = udp_open(AF_INET, &e);
	socket_local(fd, &e);
	if (holder)
		*holder = fd;
	else
		close(fd);
	return e.port;
}

/* Runs the check and the scripted server in one loop; external_port is where
 * the server is asked to answer (the listening port itself: "mapped"). */
static int run_check(enum server_mode mode, uint16_t listen_port, uint16_t external_port,
		     struct stun_check_result *r)
{
	struct server s;
	struct stun_check c;
	if (!server_open(&s, mode))
		return -1;
	struct stun_check_options o = {
		.server = s.addr,
		.local = loopback("127.0.0.1", listen_port),
		.external_port = external_port,
		.deadline = clock_now_us() + 1500 * 1000,
	};
	int rc = stun_check_start(&c, &o, r);
	s.check = &c;
	if (rc == 0) {
		struct loop_client lc[2] = {
			stun_check_loop(&c),
			{.self = &s,
			 .fds = server_fds,
			 .next_wakeup = server_next,
			 .on_readable = server_readable,
			 .on_tick = server_tick,
			 .done = server_done},
		};
		loop_run(lc, 2, o.deadline);
		stun_check_finish(&c);
	}
	server_close(&s);
	return rc;
}

static void check_reachable_through_mapping(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	int64_t start = clock_now_us();
	CHECK_EQ_INT(run_check(RFC5780, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_YES);
	CHECK_EQ_INT(r.checked.port, port);
	char ip[IP_STRLEN];
	CHECK_EQ_STR(endpoint_format_ip(&r.from, ip), "127.0.0.2");
	CHECK(strstr(r.reason, "which had not seen this host") != NULL);
	CHECK(clock_now_us() - start < 500 * 1000); /* decided by the answer, not a timer */
}

/* The answer goes to a port where nothing forwards it to us: unreachable. */
static void check_unreachable_when_answer_lost(void)
{
	struct stun_check_result r;
	int elsewhere;
	uint16_t port = free_port(NULL), other = free_port(&elsewhere);
	CHECK_EQ_INT(run_check(RFC5780, port, other, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_NO);
	CHECK(r.sends >= 2);
	CHECK(strstr(r.reason, "never came in") != NULL);
	close(elsewhere);
}

static void check_unknown_without_rfc5780(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	CHECK_EQ_INT(run_check(NO_5780, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(r.error_code, 420);
	CHECK(strstr(r.reason, "420") != NULL);
	CHECK_EQ_INT(run_check(IGNORES_PORT, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK(strstr(r.reason, "ignores RESPONSE-PORT") != NULL);
}

/* Silence proves nothing unless the server showed it is there. */
static void check_silent_server_is_unknown(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	CHECK_EQ_INT(run_check(SILENT, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK(strstr(r.reason, "no response from 127.0.0.1:") != NULL);
	CHECK_EQ_INT(run_check(SILENT_CHECK, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_NO); /* plain answered: the check's answer was lost */
}

static void check_port_in_use(void)
{
	struct stun_check_result r;
	int holder;
	uint16_t port = free_port(&holder);
	CHECK_EQ_INT(run_check(RFC5780, port, port, &r), -EADDRINUSE);
	close(holder);
}

static struct path_result path_of(const char *local, const char *mapped, const char *const *hops,
				  size_t n)
{
	struct path_result p;
	memset(&p, 0, sizeof(p));
	p.reached = true;
	p.local = loopback(local, 0);
	p.mapped = loopback(mapped, 40000);
	for (size_t i = 0; i < n; i++) {
		p.hops[i].ttl = (unsigned)i + 1;
		p.hops[i].answered = hops[i] != NULL;
		if (hops[i]) {
			p.hops[i].address = loopback(hops[i], 0);
			p.hops[i].class = addr_classify(&p.hops[i].address);
		}
	}
	p.n_hops = n;
	return p;
}

static void path_nat_layers_rules(void)
{
	static const char *const one[] = {"192.168.77.1", "203.0.113.9", "198.51.100.1"};
	static const char *const cgnat[] = {"192.168.77.1", "100.64.0.1", "203.0.113.9"};
	static const char *const two[] = {"192.168.77.1", "192.168.1.1", "100.64.8.1", "8.8.8.8"};
	static const char *const silent[] = {"192.168.77.1", NULL, "203.0.113.9"};
	char why[128];
	bool cg;
	struct path_result p = path_of("192.168.77.10", "203.0.113.2", one, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 1);
	CHECK(!cg);
	p = path_of("192.168.77.10", "203.0.113.2", cgnat, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 2);
	CHECK(cg);
	CHECK_EQ_STR(why, "2 NAT layers: the gateway, a hop in 100.64.0.0/10 (carrier-grade NAT)");
	p = path_of("192.168.77.10", "203.0.113.2", two, 4);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 3);
	p = path_of("192.168.77.10", "203.0.113.2", silent, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), -1);
	CHECK_EQ_STR(why, "hop 2 stayed silent before any public hop");
	p = path_of("203.0.113.2", "203.0.113.2", one, 0);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 0);
	p.reached = false;
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), -1);
}

const struct test_case stun_check_cases[] = {
	T(check_reachable_through_mapping),
	T(check_unreachable_when_answer_lost),
	T(check_unknown_without_rfc5780),
	T(check_silent_server_is_unknown),
	T(check_port_in_use),
	T(path_nat_layers_rules),
	{NULL, NULL},
};
