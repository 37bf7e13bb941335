// SPDX-License-Identifier: BSD-2-Clause
// NAT behaviour discovery: every RFC 5780 test in flight at once, each decided as soon as the evidence suffices.
#include "natctl/stun/nat_discovery.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/version.h"
#include "natctl/net/loop.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_tcp.h"

/* Once a path has answered, RTO = 3 x RTT (RFC 6298 §2.2 with one sample),
 * never below 20 ms (timer and scheduling slack) nor above RFC 8489's 500 ms.
 * Answers to one socket's requests come back together, and the loop reads
 * every socket before any timer decides, so a short floor is safe. */
#define NAT_RTO_FLOOR_US (20 * 1000)
/* "No answer" is decided after this many sends and one RTO of silence, and
 * only where a plain request on the same socket got through; never sooner
 * than NAT_SILENT_MIN_US after the first send: on a fast path 3 sends and
 * an RTO last 80 ms, and a server busy for that long is not a filter. */
#define NAT_SILENT_SENDS  3
#define NAT_SILENT_MIN_US (250 * 1000)

static bool probe_answered(const struct nat_probe *p)
{
	return nat_probe_mapped(p) != NULL;
}

/* No answer is coming: it ended without one, or stayed silent long enough. */
static bool probe_dead(const struct nat_discovery *d, const struct nat_probe *p, int64_t now)
{
	if (!p->started)
		return false;
	if (p->txn.state == STUN_TXN_PENDING)
		return d->rto_us > 0 &&
		       stun_txn_silent(&p->txn, NAT_SILENT_SENDS, d->rto_us, now) &&
		       now - p->txn.first_send_us >= NAT_SILENT_MIN_US;
	return !probe_answered(p);
}

static struct nat_probe *probe_of(struct nat_discovery *d, const struct stun_txn *t)
{
	for (size_t i = 0; i < d->n_bind; i++)
		if (&d->bind[i].txn == t)
			return &d->bind[i];
	for (size_t i = 0; i < NAT_ROLE_COUNT; i++)
		if (&d->tests[i].txn == t)
			return &d->tests[i];
	return NULL;
}

static int start_probe(struct nat_discovery *d, struct nat_probe *p, enum nat_role role,
		       enum nat_socket sock, const struct endpoint *dst, uint32_t change,
		       const struct endpoint *expect)
{
	memset(p, 0, sizeof(*p));
	p->role = role;
	p->sock = sock;
	p->txn.fd = d->fd[sock];
	p->txn.dst = *dst;
	p->txn.change_flags = change;
	p->txn.label = nat_role_name(role);
	if (expect)
		p->txn.expect_from = *expect;
	p->started = stun_client_add(&d->client, &p->txn) == 0;
	return p->started ? 0 : -1;
}

static void adopt_rtt(struct nat_discovery *d, int64_t rtt_us)
{
	if (d->rto_us > 0)
		return;
	int64_t rto = 3 * rtt_us;
	rto = rto < NAT_RTO_FLOOR_US ? NAT_RTO_FLOOR_US : rto;
	rto = rto > STUN_RTO_INITIAL_US ? STUN_RTO_INITIAL_US : rto;
	d->rto_us = rto;
	stun_client_adopt_rto(&d->client, rto);
	trace_log(d->opt->trace, "nat: RTT %.3f ms, RTO now %.0f ms",
		  (double)rtt_us / USEC_PER_MSEC, (double)rto / USEC_PER_MSEC);
}

static const struct endpoint *alternate_of(const struct nat_probe *p)
{
	const struct stun_msg *m = &p->txn.response;
	if (m->has & STUN_HAS_OTHER_ADDRESS)
		return &m->other_address;
	if (m->has & STUN_HAS_CHANGED_ADDRESS)
		return &m->changed_address;
	return NULL;
}

/* Test I answered with a usable alternate: start mapping and filtering tests. */
static void start_primary_tests(struct nat_discovery *d, int i)
{
	const struct endpoint *p = &d->bind[i].txn.dst;
	struct endpoint other = *alternate_of(&d->bind[i]);
	struct endpoint alt_ip = other, alt_port = *p;
	alt_ip.port = p->port;
	alt_port.port = other.port;
	d->primary = i;
	d->r->other = other;
	start_probe(d, &d->tests[NAT_ROLE_MAP_ALT_IP], NAT_ROLE_MAP_ALT_IP, NAT_SOCK_A, &alt_ip, 0,
		    NULL);
	start_probe(d, &d->tests[NAT_ROLE_MAP_ALT_BOTH], NAT_ROLE_MAP_ALT_BOTH, NAT_SOCK_A, &other,
		    0, NULL);
	start_probe(d, &d->tests[NAT_ROLE_B_CHANGE], NAT_ROLE_B_CHANGE, NAT_SOCK_B, p,
		    STUN_CHANGE_IP | STUN_CHANGE_PORT, &other);
	start_probe(d, &d->tests[NAT_ROLE_B_PLAIN], NAT_ROLE_B_PLAIN, NAT_SOCK_B, p, 0, NULL);
	start_probe(d, &d->tests[NAT_ROLE_C_CHANGE], NAT_ROLE_C_CHANGE, NAT_SOCK_C, p,
		    STUN_CHANGE_PORT, &alt_port);
	start_probe(d, &d->tests[NAT_ROLE_C_PLAIN], NAT_ROLE_C_PLAIN, NAT_SOCK_C, p, 0, NULL);
}

/* RFC 5780 §4.5: from another socket, send to our own public mapping; if the
 * request arrives on socket A, the NAT hairpins. The server named that
 * address, so it is used only where a mapping of ours could be. */
static void start_hairpin(struct nat_discovery *d, const struct endpoint *server,
			  const struct endpoint *mapped)
{
	char why[NAT_REASON_LEN], dst[ENDPOINT_STRLEN];
	if (nat_hairpin_unusable(server, mapped, why, sizeof(why))) {
		endpoint_format(mapped, dst);
		add_reason(d->r, "hairpinning: not tested: the mapped address %s %s", dst, why);
		trace_log(d->opt->trace, "nat: no hairpin test: the mapped address %s %s", dst,
			  why);
		d->hairpin_done = true;
		return;
	}
	start_probe(d, &d->tests[NAT_ROLE_HAIRPIN], NAT_ROLE_HAIRPIN, NAT_SOCK_D, mapped, 0, NULL);
}

/* The alternate a server named is where the mapping tests will send: it must
 * be one the server could plausibly have (nat_alternate_unusable). */
static bool alternate_ok(struct nat_discovery *d, const struct endpoint *server,
			 const struct endpoint *alt)
{
	char why[NAT_REASON_LEN], a[ENDPOINT_STRLEN], s[ENDPOINT_STRLEN];
	if (!nat_alternate_unusable(server, alt, why, sizeof(why)))
		return true;
	endpoint_format(alt, a);
	endpoint_format(server, s);
	add_reason(d->r, "alternate: %s named %s, which %s: not used", s, a, why);
	trace_log(d->opt->trace, "nat: alternate %s from %s refused: it %s", a, s, why);
	d->alternate_refused = true;
	return false;
}

static void on_txn_end(struct stun_client *c, struct stun_txn *t, void *ctx)
{
	struct nat_discovery *d = ctx;
	struct nat_probe *p = probe_of(d, t);
	(void)c;
	if (!p || !probe_answered(p))
		return;
	adopt_rtt(d, t->rtt_us);
	if (p->role != NAT_ROLE_BIND)
		return;
	int i = (int)(p - d->bind);
	if (d->first_answer < 0) {
		d->first_answer = i;
		start_hairpin(d, &t->dst, nat_probe_mapped(p));
	}
	const struct endpoint *alt = alternate_of(p);
	if (d->primary < 0 && alt && alternate_ok(d, &t->dst, alt))
		start_primary_tests(d, i);
}

static void on_request(struct stun_client *c, int fd, const struct stun_msg *msg,
		       const struct endpoint *from, void *ctx)
{
	struct nat_discovery *d = ctx;
	struct nat_probe *h = &d->tests[NAT_ROLE_HAIRPIN];
	(void)c;
	(void)from;
	if (h->started && fd == d->fd[NAT_SOCK_A] &&
	    memcmp(msg->tid, h->txn.tid, STUN_TID_LEN) == 0) {
		d->hairpin_seen = true;
		d->hairpin_rtt_us = clock_now_us() - h->txn.first_send_us;
		stun_txn_cancel(&h->txn);
	}
}

/* ---- deciding ---- */

static void decide_mapping(struct nat_discovery *d, int64_t now)
{
	struct nat_probe *ip = &d->tests[NAT_ROLE_MAP_ALT_IP],
			 *both = &d->tests[NAT_ROLE_MAP_ALT_BOTH];
	const struct endpoint *ma1 = nat_probe_mapped(&d->bind[d->primary]);
	enum nat_dependence m = nat_mapping_from(ma1, nat_probe_mapped(ip), nat_probe_mapped(both));
	if (m == NAT_DEP_UNKNOWN && probe_dead(d, ip, now) && nat_probe_mapped(both) &&
	    endpoint_equal(ma1, nat_probe_mapped(both)))
		m = NAT_DEP_ENDPOINT_INDEPENDENT; /* test III alone shows one mapping */
	if (m != NAT_DEP_UNKNOWN) {
		d->r->mapping = m;
		d->mapping_done = true;
		stun_txn_cancel(&both->txn);
		return;
	}
	bool ip_over = probe_dead(d, ip, now) || probe_answered(ip);
	if (ip_over && (probe_dead(d, both, now) || probe_answered(both))) {
		char alt[ENDPOINT_STRLEN];
		add_reason(d->r, "mapping: the server's alternate address %s did not answer",
			   endpoint_format(&d->r->other, alt));
		d->mapping_done = true;
	}
}

/*
 * Answers to a change request that we had to drop make any conclusion from
 * its silence unsafe. From the primary address, the server ignores
 * CHANGE-REQUEST (and must never be read as endpoint-independent filtering);
 * from elsewhere, or with a RESPONSE-ORIGIN that is not its source, it is not
 * the alternate we were promised.
 */
static bool change_anomaly(struct nat_discovery *d, const struct nat_probe *p)
{
	const struct endpoint *primary = &d->bind[d->primary].txn.dst;
	char src[ENDPOINT_STRLEN], want[ENDPOINT_STRLEN];
	if (p->txn.unexpected) {
		endpoint_format(&p->txn.unexpected_from, src);
		if (endpoint_same_ip(&p->txn.unexpected_from, primary) &&
		    ((p->txn.change_flags & STUN_CHANGE_IP) ||
		     endpoint_equal(&p->txn.unexpected_from, primary)))
			add_reason(d->r,
				   "filtering: the server ignores CHANGE-REQUEST "
				   "(its answer came from %s)",
				   src);
		else
			add_reason(d->r,
				   "filtering: a change request was answered from %s, not from %s",
				   src, endpoint_format(&p->txn.expect_from, want));
		return true;
	}
	if (p->txn.discarded) {
		add_reason(d->r, "filtering: answers to a change request named a RESPONSE-ORIGIN "
				 "other than their source");
		return true;
	}
	return false;
}

static bool change_refused(struct nat_discovery *d, const struct nat_probe *p)
{
	if (p->txn.state != STUN_TXN_ANSWERED || p->txn.response.cls != STUN_CLASS_ERROR)
		return false;
	add_reason(d->r, "filtering: the server refused CHANGE-REQUEST (error %u %s)",
		   p->txn.response.error_code, p->txn.response.error_reason);
	return true;
}

/* RFC 5780 §4.4, with each "no answer" counted only where the plain request
 * on the same fresh socket came back, so loss is not taken for filtering. */
static enum nat_dependence filtering_evidence(struct nat_discovery *d, int64_t now, bool *over)
{
	struct nat_probe *bc = &d->tests[NAT_ROLE_B_CHANGE], *bp = &d->tests[NAT_ROLE_B_PLAIN];
	struct nat_probe *cc = &d->tests[NAT_ROLE_C_CHANGE], *cp = &d->tests[NAT_ROLE_C_PLAIN];
	*over = true;
	if (probe_answered(bc))
		return NAT_DEP_ENDPOINT_INDEPENDENT;
	bool b_blocked = probe_dead(d, bc, now) && probe_answered(bp);
	if (b_blocked && probe_answered(cc))
		return NAT_DEP_ADDRESS;
	if (b_blocked && probe_dead(d, cc, now) && probe_answered(cp))
		return NAT_DEP_ADDRESS_AND_PORT;
	*over = (probe_dead(d, bc, now) || probe_answered(bc)) && probe_dead(d, bp, now);
	*over = *over || ((probe_dead(d, cc, now) || probe_answered(cc)) && probe_dead(d, cp, now));
	return NAT_DEP_UNKNOWN;
}

static void decide_filtering(struct nat_discovery *d, int64_t now)
{
	struct nat_probe *bc = &d->tests[NAT_ROLE_B_CHANGE], *cc = &d->tests[NAT_ROLE_C_CHANGE];
	if (change_anomaly(d, bc) || change_anomaly(d, cc) || change_refused(d, bc) ||
	    change_refused(d, cc)) {
		d->filtering_done = true;
		return;
	}
	bool over;
	enum nat_dependence f = filtering_evidence(d, now, &over);
	if (f != NAT_DEP_UNKNOWN) {
		d->r->filtering = f;
		d->filtering_done = true;
		stun_txn_cancel(&cc->txn);
	} else if (over) {
		add_reason(d->r, "filtering: no answer to the plain request on a filtering socket");
		d->filtering_done = true;
	}
}

static void decide_hairpin(struct nat_discovery *d, int64_t now)
{
	struct nat_probe *h = &d->tests[NAT_ROLE_HAIRPIN];
	if (!h->started)
		return;
	if (d->hairpin_seen) {
		d->r->hairpinning = NAT_TRI_YES;
		d->hairpin_done = true;
	} else if (probe_dead(d, h, now)) {
		d->r->hairpinning = NAT_TRI_NO;
		d->hairpin_done = true;
	}
}

/* Every server has answered, none usably (error responses, or responses
 * RFC 8489 §6.3.3 discards), and nothing else is in flight: nothing more
 * will come, so the error is known now rather than at the deadline. */
static bool all_binds_refused(const struct nat_discovery *d)
{
	bool any = false;
	if (d->tcp.state == STUN_TCP_CONNECTING || d->tcp.state == STUN_TCP_WAITING)
		return false;
	for (size_t i = 0; i < d->n_bind; i++) {
		const struct stun_txn *t = &d->bind[i].txn;
		if (t->state == STUN_TXN_PENDING)
			return false;
		any = any || t->state == STUN_TXN_ANSWERED || t->reject;
	}
	return any;
}

static bool all_binds_over(const struct nat_discovery *d, int64_t now)
{
	for (size_t i = 0; i < d->n_bind; i++)
		if (!probe_answered(&d->bind[i]) && !probe_dead(d, &d->bind[i], now))
			return false;
	return true;
}

/* No server gave a usable alternate: compare what several servers saw. */
static void decide_without_alternate(struct nat_discovery *d)
{
	const struct endpoint *first = nat_probe_mapped(&d->bind[d->first_answer]);
	const char *usable = d->alternate_refused ? "usable " : "";
	char srv[ENDPOINT_STRLEN];
	size_t other_ip = 0;
	for (size_t i = 0; i < d->n_bind; i++) {
		const struct endpoint *m = nat_probe_mapped(&d->bind[i]);
		if (!m)
			continue;
		if (!endpoint_same_ip(&d->bind[i].txn.dst, &d->bind[d->first_answer].txn.dst))
			other_ip++;
		if (!endpoint_equal(m, first))
			d->mapping_varies = true;
	}
	endpoint_format(&d->bind[d->first_answer].txn.dst, srv);
	if (d->mapping_varies)
		add_reason(d->r,
			   "mapping: servers saw different public ports (endpoint-dependent), but "
			   "address- and address-and-port-dependent cannot be told apart without "
			   "an RFC 5780 server");
	else if (other_ip > 0)
		d->r->mapping = NAT_DEP_ENDPOINT_INDEPENDENT;
	else
		add_reason(d->r,
			   "mapping: %s gives no %salternate address (RFC 5780 OTHER-ADDRESS); "
			   "name a second server to compare mappings",
			   srv, usable);
	add_reason(d->r,
		   "filtering: %s gives no %salternate address, so CHANGE-REQUEST tests cannot run",
		   srv, usable);
	d->mapping_done = d->filtering_done = true;
}

static bool tcp_pending(const struct nat_discovery *d)
{
	return d->tcp.state == STUN_TCP_CONNECTING || d->tcp.state == STUN_TCP_WAITING;
}

static void finish(struct nat_discovery *d)
{
	d->finished = true;
	d->client.stop = true;
	if (tcp_pending(d)) {
		stun_tcp_close(&d->tcp);
		d->tcp.state = STUN_TCP_FAILED;
		d->tcp.sys_error = -ECANCELED;
	}
}

static void evaluate(struct nat_discovery *d, int64_t now)
{
	if (d->finished)
		return;
	if (d->first_answer < 0) {
		if (d->tcp.state == STUN_TCP_ANSWERED) {
			adopt_rtt(d, d->tcp.rtt_us / 2); /* connect took one of the round trips */
			if (all_binds_over(d, now)) {
				d->udp_blocked = true;
				finish(d);
			}
		} else if ((all_binds_over(d, now) && !tcp_pending(d)) || all_binds_refused(d)) {
			finish(d); /* every request failed or was refused: nothing more can come */
		}
		return;
	}
	if (d->primary < 0 && !all_binds_over(d, now))
		return; /* another server may still give an alternate address */
	if (d->primary < 0 && !d->mapping_done)
		decide_without_alternate(d);
	if (!d->mapping_done)
		decide_mapping(d, now);
	if (!d->filtering_done)
		decide_filtering(d, now);
	if (!d->hairpin_done)
		decide_hairpin(d, now);
	if (d->mapping_done && d->filtering_done && d->hairpin_done)
		finish(d);
}

/* ---- the loop client: the STUN client plus the decisions ---- */

static size_t disc_fds(void *self, int *out, size_t max)
{
	struct nat_discovery *d = self;
	struct loop_client lc = stun_client_loop(&d->client);
	return lc.fds(lc.self, out, max);
}

static int64_t disc_next(void *self)
{
	struct nat_discovery *d = self;
	struct loop_client lc = stun_client_loop(&d->client);
	int64_t at = lc.next_wakeup(lc.self);
	/* Wake when a silent probe's wait is over. */
	for (size_t i = 0; i < d->client.n; i++) {
		const struct stun_txn *t = d->client.txns[i];
		if (t->state == STUN_TXN_PENDING && t->sends >= NAT_SILENT_SENDS && d->rto_us > 0) {
			int64_t silent = t->last_send_us + d->rto_us;
			int64_t floor = t->first_send_us + NAT_SILENT_MIN_US;
			at = clock_min(at, silent > floor ? silent : floor);
		}
	}
	return at;
}

static void disc_readable(void *self, int fd, int64_t now)
{
	struct nat_discovery *d = self;
	struct loop_client lc = stun_client_loop(&d->client);
	lc.on_readable(lc.self, fd, now); /* decisions wait for the tick */
}

static void disc_tick(void *self, int64_t now)
{
	struct nat_discovery *d = self;
	struct loop_client lc = stun_client_loop(&d->client);
	lc.on_tick(lc.self, now);
	evaluate(d, now);
}

static bool disc_done(void *self)
{
	const struct nat_discovery *d = self;
	return d->finished;
}

/* Socket A, whose mapping the report is about, on --local-port if given. */
static int open_sockets(struct nat_discovery *d, int family)
{
	struct endpoint a = {.family = family, .port = d->opt->local_port}; /* the wildcard */
	for (int s = 0; s < NAT_SOCK_COUNT; s++) {
		d->fd[s] = udp_open(family, s == NAT_SOCK_A && a.port ? &a : NULL);
		if (d->fd[s] < 0)
			return d->fd[s];
	}
	return 0;
}

static void close_sockets(struct nat_discovery *d)
{
	for (int s = 0; s < NAT_SOCK_COUNT; s++)
		if (d->fd[s] >= 0)
			close(d->fd[s]);
	stun_tcp_close(&d->tcp);
}

int nat_discovery_start(struct nat_discovery *d, const struct nat_options *opt,
			struct nat_report *r)
{
	memset(d, 0, sizeof(*d));
	nat_report_init(r, opt);
	d->opt = opt;
	d->r = r;
	d->primary = d->first_answer = -1;
	d->tcp.fd = -1;
	for (int s = 0; s < NAT_SOCK_COUNT; s++)
		d->fd[s] = -1;
	stun_client_init(&d->client, opt->trace, natctl_name_version);
	d->client.on_end = on_txn_end;
	d->client.on_request = on_request;
	d->client.ctx = d;

	int rc = opt->n_servers ? open_sockets(d, opt->servers[0].family) : -EDESTADDRREQ;
	d->start_us = clock_now_us();
	for (size_t i = 0; rc == 0 && i < opt->n_servers && i < NAT_MAX_SERVERS; i++) {
		if (opt->servers[i].family != opt->servers[0].family)
			continue; /* one address family per run: socket A has one */
		start_probe(d, &d->bind[d->n_bind++], NAT_ROLE_BIND, NAT_SOCK_A, &opt->servers[i],
			    0, NULL);
	}
	if (rc == 0 && opt->tcp)
		stun_tcp_start(&d->tcp, &opt->servers[0], opt->trace, d->start_us);
	if (rc < 0)
		close_sockets(d);
	return rc;
}

size_t nat_discovery_loops(struct nat_discovery *d, struct loop_client out[2])
{
	out[0] = (struct loop_client){.self = d,
				      .fds = disc_fds,
				      .next_wakeup = disc_next,
				      .on_readable = disc_readable,
				      .on_tick = disc_tick,
				      .done = disc_done};
	out[1] = stun_tcp_loop(&d->tcp);
	return 2;
}

/* How long the command waited, as its error states it. */
static int64_t waited_us(const struct nat_discovery *d)
{
	int64_t since = d->opt->start_us ? d->opt->start_us : d->start_us;
	return clock_now_us() - since;
}

void nat_discovery_finish(struct nat_discovery *d)
{
	finish(d);
	nat_report_fill(d);
	close_sockets(d);
	nat_report_set_error(d->r, waited_us(d));
}

int nat_discover(const struct nat_options *opt, struct nat_report *r)
{
	struct nat_discovery d;
	struct loop_client lc[2];
	int rc = nat_discovery_start(&d, opt, r);
	if (rc < 0)
		return rc;
	loop_run(lc, nat_discovery_loops(&d, lc), opt->deadline);
	nat_discovery_finish(&d);
	return 0;
}
