// SPDX-License-Identifier: BSD-2-Clause
// map --check: ask the server to answer at the mapping's external port, from an address that never saw us, and listen on the internal port.
#include "natctl/stun/stun_check.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

/* RFC 8489 §6.2.1: RTO 500 ms, doubling, Rc = 7 sends. Once the plain
 * request has answered, the check uses 3 x its round trip (20 ms at least,
 * never more than the RFC's), and its silence is decided as nat_behavior
 * decides it: 3 sends and one RTO with no answer, and, because silence here
 * means exit 5, never before 250 ms from the first send: on a fast path a
 * server busy for 80 ms must not make a working mapping look closed. */
#define CHECK_RTO_INITIAL_US (500 * 1000)
#define CHECK_RTO_FLOOR_US   (20 * 1000)
#define CHECK_RC             7
#define CHECK_SILENT_SENDS   3
#define CHECK_SILENT_MIN_US  (250 * 1000)

static int build(struct check_request *q, uint32_t change, uint16_t response_port)
{
	memset(q, 0, sizeof(*q));
	int rc = random_bytes(q->tid, sizeof(q->tid));
	if (rc < 0)
		return rc;
	rc = stun_build_binding_request_to(q->wire, sizeof(q->wire), q->tid, change, response_port,
					   NULL);
	if (rc < 0)
		return -EMSGSIZE;
	q->len = (size_t)rc;
	q->interval_us = CHECK_RTO_INITIAL_US;
	return 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int stun_check_start(struct stun_check *c, const struct stun_check_options *o,
		     struct stun_check_result *r)
{
	memset(c, 0, sizeof(*c));
	memset(r, 0, sizeof(*r));
	c->opt = o;
	c->r = r;
	c->rto_us = CHECK_RTO_INITIAL_US;
	r->reachable = NAT_TRI_UNKNOWN;
	r->server = o->server;
	c->listen_fd = udp_open(o->local.family, &o->local);
	if (c->listen_fd < 0)
		return c->listen_fd; /* -EADDRINUSE: the application holds the port */
	struct endpoint any = o->local;
	any.port = 0;
	c->send_fd = udp_open(o->local.family, &any);
	int rc = c->send_fd < 0 ? c->send_fd : build(&c->plain, 0, 0);
	if (rc == 0)
		rc = build(&c->probe, o->change ? o->change : STUN_CHANGE_IP | STUN_CHANGE_PORT,
			   o->external_port);
	if (rc < 0) {
		close_fd(&c->listen_fd);
		close_fd(&c->send_fd);
	}
	return rc;
}

static bool pending(const struct check_request *q)
{
	return !q->answered && q->sends < CHECK_RC;
}

static void send_request(struct stun_check *c, struct check_request *q, const char *what,
			 int64_t now)
{
	char dst[ENDPOINT_STRLEN];
	int rc = udp_send(c->send_fd, &c->opt->server, q->wire, q->len);
	trace_log(c->opt->trace, "check: -> %s %s (try %u)%s%s",
		  endpoint_format(&c->opt->server, dst), what, q->sends + 1, rc < 0 ? ": " : "",
		  rc < 0 ? strerror(-rc) : "");
	if (q->sends++ == 0)
		q->first_us = now;
	q->last_us = now;
	q->next_us = now + q->interval_us;
	q->interval_us *= 2;
}

/* The plain answer measured the path: later sends of the check come sooner. */
static void adopt_rto(struct stun_check *c, int64_t rtt_us)
{
	int64_t rto = 3 * rtt_us;
	rto = rto < CHECK_RTO_FLOOR_US ? CHECK_RTO_FLOOR_US : rto;
	c->rto_us = rto > CHECK_RTO_INITIAL_US ? CHECK_RTO_INITIAL_US : rto;
	struct check_request *q = &c->probe;
	if (q->sends == 0 || q->answered)
		return;
	q->interval_us = c->rto_us << (q->sends - 1);
	q->next_us = clock_min(q->next_us, q->last_us + q->interval_us);
	q->interval_us *= 2;
}

/* When the check's silence may be decided, once it has been sent. */
static int64_t silence_from(const struct stun_check *c)
{
	const struct check_request *q = &c->probe;
	int64_t at = q->last_us + c->rto_us;
	int64_t floor = q->first_us + CHECK_SILENT_MIN_US;
	return at > floor ? at : floor;
}

static bool silence_over(const struct stun_check *c, int64_t now)
{
	return c->probe.sends >= CHECK_SILENT_SENDS && now >= silence_from(c);
}

static bool probe_silent(const struct stun_check *c, int64_t now)
{
	return c->plain.answered && !c->probe.answered && silence_over(c, now);
}

static void check_tick(void *self, int64_t now)
{
	struct stun_check *c = self;
	if (c->done)
		return;
	if (pending(&c->plain) && now >= c->plain.next_us)
		send_request(c, &c->plain, "plain request", now);
	if (pending(&c->probe) && now >= c->probe.next_us)
		send_request(c, &c->probe, "check request", now);
	if (probe_silent(c, now) ||
	    (!pending(&c->plain) && !pending(&c->probe) && now - c->probe.last_us >= c->rto_us))
		c->done = true;
}

static void set_reason(struct stun_check *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void set_reason(struct stun_check *c, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(c->r->reason, sizeof(c->r->reason), fmt, ap);
	va_end(ap);
	trace_log(c->opt->trace, "check: %s", c->r->reason);
}

/* An answer on the sending port: the plain one, or the check refused or
 * answered where it was not asked to be. */
static void on_send_port(struct stun_check *c, const struct stun_msg *m, int64_t now)
{
	char srv[ENDPOINT_STRLEN];
	endpoint_format(&c->opt->server, srv);
	if (memcmp(m->tid, c->plain.tid, STUN_TID_LEN) == 0 && m->cls == STUN_CLASS_SUCCESS &&
	    !c->plain.answered) {
		c->plain.answered = true;
		if (stun_msg_mapped(m))
			c->r->checked = *stun_msg_mapped(m);
		adopt_rto(c, now - c->plain.first_us);
		return;
	}
	if (memcmp(m->tid, c->probe.tid, STUN_TID_LEN) != 0)
		return;
	c->done = c->probe.answered = true;
	if (m->cls == STUN_CLASS_ERROR) {
		c->r->error_code = m->error_code;
		set_reason(c,
			   "%s refused the check with %u %s: it supports no RESPONSE-PORT or CHANGE-REQUEST (RFC 5780)",
			   srv, m->error_code, m->error_reason[0] ? m->error_reason : "");
	} else {
		set_reason(c,
			   "%s answered the check at the port it came from: it ignores RESPONSE-PORT",
			   srv);
	}
}

/* An answer on the internal port: it came in through the mapping. */
static void on_listen_port(struct stun_check *c, const struct stun_msg *m,
			   const struct endpoint *from)
{
	if (memcmp(m->tid, c->probe.tid, STUN_TID_LEN) != 0 || m->cls != STUN_CLASS_SUCCESS)
		return;
	c->done = c->probe.answered = true;
	c->r->reachable = NAT_TRI_YES;
	c->r->from = *from;
	if (!endpoint_is_set(&c->r->checked) && stun_msg_mapped(m))
		c->r->checked = *stun_msg_mapped(m);
}

static void check_readable(void *self, int fd, int64_t now)
{
	struct stun_check *c = self;
	uint8_t data[STUN_MAX_MESSAGE];
	char src[ENDPOINT_STRLEN];
	for (int i = 0; i < 16 && !c->done; i++) {
		struct endpoint from;
		struct stun_msg m;
		ssize_t n = udp_recv(fd, data, sizeof(data), &from);
		if (n < 0)
			return;
		if (stun_decode(data, (size_t)n, &m) < 0 || m.method != STUN_METHOD_BINDING) {
			trace_log(c->opt->trace, "check: <- %s dropped %zd bytes",
				  endpoint_format(&from, src), n);
			continue;
		}
		trace_log(c->opt->trace, "check: <- %s %s on the %s port",
			  endpoint_format(&from, src),
			  m.cls == STUN_CLASS_SUCCESS ? "success" : "answer",
			  fd == c->listen_fd ? "internal" : "sending");
		if (fd == c->listen_fd)
			on_listen_port(c, &m, &from);
		else if (endpoint_equal(&from, &c->opt->server) ||
			 memcmp(m.tid, c->probe.tid, STUN_TID_LEN) == 0)
			on_send_port(c, &m, now);
	}
}

static size_t check_fds(void *self, int *out, size_t max)
{
	struct stun_check *c = self;
	size_t n = 0;
	if (c->send_fd >= 0 && n < max)
		out[n++] = c->send_fd;
	if (c->listen_fd >= 0 && n < max)
		out[n++] = c->listen_fd;
	return n;
}

static int64_t check_next(void *self)
{
	struct stun_check *c = self;
	int64_t at = CLOCK_NEVER;
	if (pending(&c->plain))
		at = c->plain.next_us;
	if (pending(&c->probe))
		at = clock_min(at, c->probe.next_us);
	if (c->probe.sends)
		at = clock_min(at, silence_from(c));
	return at;
}

static bool check_done(void *self)
{
	return ((struct stun_check *)self)->done;
}

struct loop_client stun_check_loop(struct stun_check *c)
{
	return (struct loop_client){
		.self = c,
		.fds = check_fds,
		.next_wakeup = check_next,
		.on_readable = check_readable,
		.on_tick = check_tick,
		.done = check_done,
	};
}

/* Silence is an answer only once the server showed it is there. */
static void decide_silence(struct stun_check *c)
{
	char srv[ENDPOINT_STRLEN];
	const struct check_request *q = &c->probe;
	endpoint_format(&c->opt->server, srv);
	if (!c->plain.answered) {
		set_reason(c, "no response from %s: the check could not be made", srv);
	} else if (silence_over(c, clock_now_us())) {
		c->r->reachable = NAT_TRI_NO;
		set_reason(c,
			   "the answer %s sent to external port %u never came in (asked %u times)",
			   srv, c->opt->external_port, q->sends);
	} else {
		set_reason(c, "the deadline came before the check could decide");
	}
}

void stun_check_finish(struct stun_check *c)
{
	char from[ENDPOINT_STRLEN];
	c->r->sends = c->probe.sends;
	c->r->checked.port = c->opt->external_port;
	if (c->r->reachable == NAT_TRI_YES && !endpoint_equal(&c->r->from, &c->opt->server))
		set_reason(c,
			   "the answer to external port %u came in from %s, which had not seen this host",
			   c->opt->external_port, endpoint_format(&c->r->from, from));
	else if (c->r->reachable == NAT_TRI_YES)
		set_reason(c,
			   "the answer to external port %u came in from %s (the server ignored CHANGE-REQUEST)",
			   c->opt->external_port, endpoint_format(&c->r->from, from));
	else if (!c->probe.answered)
		decide_silence(c);
	close_fd(&c->send_fd);
	close_fd(&c->listen_fd);
}

int stun_check_run(const struct stun_check_options *o, struct stun_check_result *r)
{
	struct stun_check c;
	int rc = stun_check_start(&c, o, r);
	if (rc < 0)
		return rc;
	struct loop_client lc = stun_check_loop(&c);
	loop_run(&lc, 1, o->deadline);
	stun_check_finish(&c);
	return 0;
}
