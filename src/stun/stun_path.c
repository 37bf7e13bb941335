// SPDX-License-Identifier: BSD-2-Clause
// Who answers at each TTL on the way to a STUN server: one socket per TTL, ICMP errors from its error queue, the server's answer from its data.
#include "natctl/stun/stun_path.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <netinet/ip_icmp.h>
#include <netinet/icmp6.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

/* A hop that stays silent after three tries and one RTO more counts as
 * silent: routers rate-limit ICMP errors. The RTO starts at a quarter second
 * and doubles; once the server has answered, the nearer hops' errors are
 * due sooner than its answer was, so the RTO becomes three times its round
 * trip (20 ms at least), as for the behaviour tests' silence. */
#define PATH_TRIES        3
#define PATH_RTO_US       (250 * 1000)
#define PATH_RTO_FLOOR_US (20 * 1000)
/* Linux routers allow a burst of six ICMP errors per destination, then one a
 * second (net.ipv4.icmp_ratelimit, 1000 ms): a hop's last try waits for one
 * refill, so a bucket emptied by other traffic does not make it look silent. */
#define PATH_REFILL_US (1050 * 1000)

static int open_probe(struct path_probe *q, const struct endpoint *server, unsigned ttl)
{
	int one = 1, hops = (int)ttl;
	bool v6 = server->family == AF_INET6;
	q->fd = udp_open(server->family, NULL);
	if (q->fd < 0)
		return q->fd;
	q->ttl = ttl;
	if (setsockopt(q->fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_UNICAST_HOPS : IP_TTL,
		       &hops, sizeof(hops)) < 0 ||
	    setsockopt(q->fd, v6 ? IPPROTO_IPV6 : IPPROTO_IP, v6 ? IPV6_RECVERR : IP_RECVERR, &one,
		       sizeof(one)) < 0)
		return -errno;
	int rc = random_bytes(q->tid, sizeof(q->tid));
	if (rc < 0)
		return rc;
	rc = stun_build_binding_request(q->wire, sizeof(q->wire), q->tid, 0, NULL);
	if (rc < 0)
		return -EMSGSIZE;
	q->len = (size_t)rc;
	return 0;
}

static void close_all(struct stun_path *p)
{
	for (unsigned i = 0; i < p->n; i++) {
		if (p->probes[i].fd >= 0)
			close(p->probes[i].fd);
		p->probes[i].fd = -1;
	}
}

int stun_path_start(struct stun_path *p, const struct stun_path_options *o, struct path_result *r)
{
	memset(p, 0, sizeof(*p));
	memset(r, 0, sizeof(*r));
	p->opt = o;
	p->r = r;
	p->rto_us = PATH_RTO_US;
	r->server = o->server;
	unsigned max = o->max_ttl && o->max_ttl < PATH_MAX_HOPS ? o->max_ttl : PATH_MAX_HOPS;
	for (unsigned i = 0; i < max; i++) {
		struct path_probe *q = &p->probes[p->n++];
		int rc = open_probe(q, &o->server, i + 1);
		if (rc < 0) {
			close_all(p);
			return rc;
		}
	}
	return 0;
}

/* When probe q next needs the clock: its next send, or (after the last)
 * when its silence is decided. */
static int64_t next_time(const struct stun_path *p, const struct path_probe *q)
{
	if (q->sends >= PATH_TRIES)
		return q->last_us + p->rto_us;
	int64_t at = q->last_us + (p->rto_us << (q->sends - 1));
	if (q->sends == PATH_TRIES - 1 && at < q->first_us + PATH_REFILL_US)
		at = q->first_us + PATH_REFILL_US;
	return at;
}

static void send_probe(struct stun_path *p, struct path_probe *q, int64_t now)
{
	char dst[ENDPOINT_STRLEN];
	int rc = udp_send(q->fd, &p->opt->server, q->wire, q->len);
	trace_log(p->opt->trace, "path: -> %s TTL %u (try %u)%s%s",
		  endpoint_format(&p->opt->server, dst), q->ttl, q->sends + 1, rc < 0 ? ": " : "",
		  rc < 0 ? strerror(-rc) : "");
	if (q->sends++ == 0)
		q->first_us = now;
	q->last_us = now;
	q->next_us = next_time(p, q);
}

/* The server answered after rtt_us: the hops before it get a shorter RTO. */
static void adopt_rto(struct stun_path *p, int64_t rtt_us)
{
	int64_t rto = 3 * rtt_us;
	rto = rto < PATH_RTO_FLOOR_US ? PATH_RTO_FLOOR_US : rto;
	p->rto_us = rto < p->rto_us ? rto : p->rto_us;
	for (unsigned i = 0; i < p->n; i++) {
		struct path_probe *q = &p->probes[i];
		if (!q->over && q->sends > 0)
			q->next_us = clock_min(q->next_us, next_time(p, q));
	}
}

/* Probes beyond the first TTL that reached the server have nothing to tell. */
static bool needed(const struct stun_path *p, const struct path_probe *q)
{
	return !q->over && !(p->r->reached && q->ttl > p->r->reached_ttl);
}

static void path_tick(void *self, int64_t now)
{
	struct stun_path *p = self;
	for (unsigned i = 0; i < p->n; i++) {
		struct path_probe *q = &p->probes[i];
		if (!needed(p, q) || now < q->next_us)
			continue;
		if (q->sends < PATH_TRIES)
			send_probe(p, q, now);
		else
			q->over = true;
	}
}

static void record_hop(struct stun_path *p, struct path_probe *q, const struct sockaddr *sa)
{
	char who[ENDPOINT_STRLEN];
	struct path_hop *h = &p->r->hops[q->ttl - 1];
	q->over = true;
	if (endpoint_from_sockaddr(&h->address, sa, sizeof(struct sockaddr_storage)) < 0)
		return;
	h->address.port = 0;
	h->answered = true;
	h->class = addr_classify(&h->address);
	trace_log(p->opt->trace, "path: <- TTL %u: time exceeded from %s", q->ttl,
		  endpoint_format_ip(&h->address, who));
}

static bool is_time_exceeded(const struct sock_extended_err *ee)
{
	return (ee->ee_origin == SO_EE_ORIGIN_ICMP && ee->ee_type == ICMP_TIME_EXCEEDED) ||
	       (ee->ee_origin == SO_EE_ORIGIN_ICMP6 && ee->ee_type == ICMP6_TIME_EXCEEDED);
}

/* ICMP errors for this TTL's request, from the socket's error queue. */
static void read_errors(struct stun_path *p, struct path_probe *q)
{
	for (int i = 0; i < 8; i++) {
		uint8_t data[64], control[512];
		struct sockaddr_storage dst;
		struct iovec iov = {data, sizeof(data)};
		struct msghdr m = {.msg_name = &dst,
				   .msg_namelen = sizeof(dst),
				   .msg_iov = &iov,
				   .msg_iovlen = 1,
				   .msg_control = control,
				   .msg_controllen = sizeof(control)};
		if (recvmsg(q->fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
			return;
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
			bool err = (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) ||
				   (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_RECVERR);
			if (!err)
				continue;
			const struct sock_extended_err *ee = (const void *)CMSG_DATA(c);
			if (is_time_exceeded(ee))
				record_hop(p, q, SO_EE_OFFENDER(ee));
			else
				q->over =
					true; /* unreachable, or another error: nothing more comes */
		}
	}
}

/* The server's answer: this TTL reached it. */
static void read_answers(struct stun_path *p, struct path_probe *q, int64_t now)
{
	uint8_t data[STUN_MAX_MESSAGE];
	struct endpoint from;
	struct stun_msg msg;
	ssize_t n;
	while ((n = udp_recv(q->fd, data, sizeof(data), &from)) >= 0) {
		if (!endpoint_equal(&from, &p->opt->server) ||
		    stun_decode(data, (size_t)n, &msg) != 0 || msg.cls != STUN_CLASS_SUCCESS ||
		    memcmp(msg.tid, q->tid, STUN_TID_LEN) != 0 || !stun_msg_mapped(&msg))
			continue;
		q->over = true;
		if (!p->r->reached || q->ttl < p->r->reached_ttl) {
			p->r->reached = true;
			p->r->reached_ttl = q->ttl;
			p->r->mapped = *stun_msg_mapped(&msg);
			socket_local_toward(q->fd, &p->opt->server, &p->r->local);
			trace_log(p->opt->trace, "path: <- the server answered at TTL %u", q->ttl);
			adopt_rto(p, now - q->first_us);
		}
	}
}

static void path_readable(void *self, int fd, int64_t now)
{
	struct stun_path *p = self;
	for (unsigned i = 0; i < p->n; i++) {
		if (p->probes[i].fd != fd)
			continue;
		read_errors(p, &p->probes[i]);
		read_answers(p, &p->probes[i], now);
	}
}

static size_t path_fds(void *self, int *out, size_t max)
{
	struct stun_path *p = self;
	size_t n = 0;
	for (unsigned i = 0; i < p->n && n < max; i++)
		if (needed(p, &p->probes[i]) && p->probes[i].fd >= 0)
			out[n++] = p->probes[i].fd;
	return n;
}

static int64_t path_next(void *self)
{
	struct stun_path *p = self;
	int64_t at = CLOCK_NEVER;
	for (unsigned i = 0; i < p->n; i++)
		if (needed(p, &p->probes[i]))
			at = clock_min(at, p->probes[i].next_us);
	return at;
}

static bool path_done(void *self)
{
	struct stun_path *p = self;
	for (unsigned i = 0; i < p->n; i++)
		if (needed(p, &p->probes[i]))
			return false;
	return true;
}

struct loop_client stun_path_loop(struct stun_path *p)
{
	return (struct loop_client){
		.self = p,
		.fds = path_fds,
		.next_wakeup = path_next,
		.on_readable = path_readable,
		.on_tick = path_tick,
		.done = path_done,
	};
}

void stun_path_finish(struct stun_path *p)
{
	struct path_result *r = p->r;
	r->n_hops = r->reached ? r->reached_ttl - 1 : p->n;
	for (unsigned i = 0; i < r->n_hops; i++)
		r->hops[i].ttl = i + 1;
	close_all(p);
}

int stun_path_run(const struct stun_path_options *o, struct path_result *r)
{
	struct stun_path p;
	int rc = stun_path_start(&p, o, r);
	if (rc < 0)
		return rc;
	struct loop_client lc = stun_path_loop(&p);
	loop_run(&lc, 1, o->deadline);
	stun_path_finish(&p);
	return 0;
}
