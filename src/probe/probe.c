// SPDX-License-Identifier: BSD-2-Clause
// The probe: gateway, UPnP IGD, NAT-PMP, PCP and STUN behaviour discovery at once, then the diagnosis.
#include "natctl/probe/probe.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/buf.h"
#include "natctl/base/text.h"
#include "natctl/base/clock.h"
#include "natctl/net/gateway.h"
#include "natctl/net/loop.h"
#include "natctl/net/net.h"
#include "natctl/net/source6.h"
#include "natctl/map/map_check.h"
#include "natctl/map/portmap.h"
#include "natctl/stun/nat_behavior.h"
#include "natctl/stun/stun_path.h"

/* A test mapping lives this long if, against every effort, it is not deleted. */
#define PROBE_TEST_LIFETIME 60
/* Deleting a test mapping may run this far past the deadline: one is never left behind. */
#define PROBE_CLEANUP_US (1000 * 1000)

struct probe {
	struct portmap *pm;
	struct portmap *pm6; /* PCP over IPv6 (pinholes); NULL when not asked or no route */
};

static void init_facts(struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int m = 0; m < MAP_N_METHODS; m++) {
		r->facts.methods[m].mapping_ok = NAT_TRI_UNKNOWN;
		r->info[m].connected = NAT_TRI_UNKNOWN;
	}
}

static void fill_gateway(struct probe_result *r, const struct portmap *pm, const char *ifname)
{
	struct gateway_route route;
	r->facts.have_route = true;
	portmap_endpoints(pm, &r->facts.local, &r->facts.gateway);
	if (ifname)
		snprintf(r->facts.ifname, sizeof(r->facts.ifname), "%s", ifname);
	else if (gateway_default_v4(NULL, &route) == 0)
		memcpy(r->facts.ifname, route.ifname, sizeof(r->facts.ifname));
}

/* A method that did not answer: no when silence or another protocol answered
 * (nothing there), unknown when it failed otherwise (a timeout, an error). */
static enum nat_tri absent_tri(enum failure f)
{
	return f == FAILURE_NO_ANSWER || f == FAILURE_UNSUPPORTED || f == FAILURE_NO_ROUTE
		       ? NAT_TRI_NO
		       : NAT_TRI_UNKNOWN;
}

/* What the discovery found for each port-mapping protocol, and why a
 * method that is not there is not. */
static void fill_methods(struct probe_result *r, const struct portmap *pm,
			 const struct map_external *x, const struct map_result *mres)
{
	for (size_t i = 0; i < x->n; i++) {
		struct pm_facts *m = &r->facts.methods[x->rows[i].method];
		m->available = true;
		m->external = x->rows[i].address;
	}
	for (size_t i = 0; i < mres->n_errors; i++) {
		struct pm_facts *m = &r->facts.methods[mres->errors[i].method];
		r->method_failure[mres->errors[i].method] = mres->errors[i].failure;
		if (!m->available)
			text_copy(m->why, sizeof(m->why), mres->errors[i].text);
	}
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (r->facts.methods[m].available)
			portmap_info(pm, (enum map_method)m, &r->info[m]);
}

static void record_refusal(struct pm_facts *m, const struct map_result *res, enum map_method meth)
{
	m->mapping_ok = NAT_TRI_NO;
	for (size_t i = 0; i < res->n_errors; i++) {
		if (res->errors[i].method != meth)
			continue;
		text_copy(m->refusal, sizeof(m->refusal), res->errors[i].text);
		m->refused_double_nat = res->errors[i].double_nat;
	}
	if (!m->refusal[0])
		text_copy(m->refusal, sizeof(m->refusal), res->error);
}

/* The test mappings are checked from outside by the discovery's own server,
 * when it has an alternate address (RFC 5780): the answer must come from an
 * address that never saw this host. */
static struct map_check_options check_options(const struct probe_result *r,
					      const struct probe_options *o)
{
	struct map_check_options c = {.deadline = o->deadline, .trace = o->trace};
	if (endpoint_is_set(&r->stun.other))
		c.server = r->stun.server;
	else if (r->stun.udp_answered)
		c.no_server = "the STUN server has no alternate address (RFC 5780 OTHER-ADDRESS), "
			      "which the check needs";
	else
		c.no_server = "no STUN server answered";
	return c;
}

/* --test-mapping: one short-lived UDP mapping per method that answered,
 * checked from outside while it exists, then deleted again, even if that
 * runs a little past the deadline. */
static void test_mappings(struct probe_result *r, struct portmap *pm, const struct probe_options *o)
{
	const struct map_check_options copt = check_options(r, o);
	uint16_t port;
	random_bytes(&port, sizeof(port));
	port = (uint16_t)(49152 + port % 16384); /* RFC 6335 dynamic range */
	const struct map_params what = {
		.protocol = IPPROTO_UDP,
		.internal_port = port,
		.external_port = port,
		.lifetime = PROBE_TEST_LIFETIME,
		.description = "natctl probe test",
	};
	r->facts.tested_mapping = true;
	for (int i = 0; i < MAP_N_METHODS; i++) {
		enum map_method meth = (enum map_method)i;
		struct pm_facts *m = &r->facts.methods[meth];
		if (!m->available)
			continue;
		struct map_result res;
		if (portmap_add_via(pm, meth, &what, o->deadline, &res) != 0) {
			record_refusal(m, &res, meth);
			continue;
		}
		m->mapping_ok = NAT_TRI_YES;
		if (!endpoint_is_set(&m->external) && endpoint_is_set(&res.external)) {
			m->external = res.external; /* PCP tells it only in a mapping */
			m->external.port = 0;
		}
		map_check(pm, &copt, &res);
		m->check = res.check;
		int64_t until = clock_now_us() + PROBE_CLEANUP_US;
		if (portmap_unmap(pm, until > o->deadline ? until : o->deadline, &res) != 0)
			trace_log(o->trace,
				  "probe: could not delete the %s test mapping of port %u: %s",
				  map_method_name(meth), port, res.error);
	}
}

/* The path toward the first STUN server, a client of the same loop; false
 * if it could not start (no server, no socket). */
static bool path_start(struct stun_path *sp, struct stun_path_options *po, struct probe_result *r,
		       const struct probe_options *o)
{
	if (o->n_stun == 0)
		return false;
	*po = (struct stun_path_options){.server = o->stun_servers[0],
					 .deadline = o->deadline,
					 .trace = o->trace};
	return stun_path_start(sp, po, &r->path) == 0;
}

/*
 * The path probe rides along with the other clients: it is done when it is,
 * or when they all are, so that it never makes the probe slower than its
 * slowest component (a hop still silent then counts as silent). STUN over
 * IPv6 rides along too until its first answer, so that a host whose IPv6
 * goes nowhere is not held to the deadline by it; once IPv6 answered, it
 * runs its tests to the end like any client (engaged).
 */
struct rider {
	struct loop_client inner;
	const struct loop_client *others;
	size_t n_others;
	bool (*engaged)(const void *ctx); /* NULL: never */
	const void *ctx;
};

static size_t rider_fds(void *self, int *out, size_t max)
{
	struct rider *rd = self;
	return rd->inner.fds(rd->inner.self, out, max);
}

static int64_t rider_next(void *self)
{
	struct rider *rd = self;
	return rd->inner.next_wakeup(rd->inner.self);
}

static void rider_readable(void *self, int fd, int64_t now)
{
	struct rider *rd = self;
	rd->inner.on_readable(rd->inner.self, fd, now);
}

static void rider_tick(void *self, int64_t now)
{
	struct rider *rd = self;
	rd->inner.on_tick(rd->inner.self, now);
}

static bool rider_done(void *self)
{
	struct rider *rd = self;
	if (rd->inner.done(rd->inner.self))
		return true;
	if (rd->engaged && rd->engaged(rd->ctx))
		return false;
	for (size_t i = 0; i < rd->n_others; i++)
		if (!rd->others[i].done(rd->others[i].self))
			return false;
	return true;
}

static struct loop_client rider_loop(struct rider *rd)
{
	return (struct loop_client){
		.self = rd,
		.fds = rider_fds,
		.next_wakeup = rider_next,
		.on_readable = rider_readable,
		.on_tick = rider_tick,
		.done = rider_done,
	};
}

static bool ipv6_answered(const void *ctx)
{
	const struct nat_discovery *nd = ctx;
	return nd->first_answer >= 0 || nd->tcp.state == STUN_TCP_ANSWERED;
}

/* STUN over IPv6's loop clients as riders on the first n_base of lc,
 * appended to lc; how many. */
static size_t ride_ipv6(struct nat_discovery *nd, struct rider rd[2], struct loop_client *lc,
			size_t n_base)
{
	struct loop_client inner[2];
	size_t n = nat_discovery_loops(nd, inner);
	for (size_t i = 0; i < n; i++) {
		rd[i] = (struct rider){.inner = inner[i],
				       .others = lc,
				       .n_others = n_base,
				       .engaged = ipv6_answered,
				       .ctx = nd};
		lc[n_base + i] = rider_loop(&rd[i]);
	}
	return n;
}

/* STUN over IPv6 beside IPv4's, in the same loop; false if it did not start. */
static bool stun6_start(struct nat_discovery *nd, struct nat_options *nopt, struct probe_result *r,
			const struct probe_options *o)
{
	*nopt = (struct nat_options){
		.servers = o->stun6_servers,
		.n_servers = o->n_stun6,
		.deadline = o->deadline,
		.tcp = true,
		.trace = o->trace,
	};
	return o->ipv6 && o->n_stun6 > 0 && nat_discovery_start(nd, nopt, &r->stun6) == 0;
}

/* Whether PCP answered over IPv6: a server there maps IPv6 pinholes
 * (RFC 6887: MAP for an IPv6 address opens the firewall, no NAT). */
static void finish_pcp6(struct probe_result *r, struct portmap *pm6, const struct map_result *res)
{
	struct map_external x;
	struct map_method_info info;
	char gw[IP_STRLEN];
	portmap_external_finish(pm6, &x);
	portmap_info(pm6, MAP_PCP, &info);
	if (info.present) {
		struct endpoint local, gateway;
		portmap_endpoints(pm6, &local, &gateway);
		r->pcp6 = NAT_TRI_YES;
		snprintf(r->pcp6_why, sizeof(r->pcp6_why), "PCP answered over IPv6 at %s",
			 endpoint_format_ip(&gateway, gw));
		return;
	}
	r->pcp6 = NAT_TRI_UNKNOWN;
	text_copy(r->pcp6_why, sizeof(r->pcp6_why), res->error[0] ? res->error : "no answer");
	for (size_t i = 0; i < res->n_errors; i++) {
		if (res->errors[i].method != MAP_PCP)
			continue;
		r->pcp6 = absent_tri(res->errors[i].failure);
		text_copy(r->pcp6_why, sizeof(r->pcp6_why), res->errors[i].text);
	}
}

/* The gateway protocols, STUN (IPv4 and IPv6) and the path, at once in one
 * poll loop; whether each discovery ran goes to ran[0] and ran[1]. */
static void discover(struct probe_result *r, struct portmap *pm, struct portmap *pm6,
		     const struct probe_options *o, bool ran[2])
{
	struct nat_options nopt = {
		.servers = o->stun_servers,
		.n_servers = o->n_stun,
		.deadline = o->deadline,
		.tcp = true,
		.trace = o->trace,
	};
	struct nat_options nopt6;
	struct nat_discovery nd, nd6;
	struct stun_path sp;
	struct stun_path_options popt;
	struct rider rd, rd6[2];
	struct map_result mres;
	struct map_external x;
	struct loop_client lc[2 * PORTMAP_LOOPS + 5];
	bool stun = o->n_stun > 0 && nat_discovery_start(&nd, &nopt, &r->stun) == 0;
	bool stun6 = stun6_start(&nd6, &nopt6, r, o);
	bool path = path_start(&sp, &popt, r, o);
	struct map_result mres6;
	portmap_external_start(pm, o->deadline, &mres);
	size_t n = portmap_loops(pm, lc);
	if (pm6) {
		portmap_external_start(pm6, o->deadline, &mres6);
		n += portmap_loops(pm6, lc + n);
	}
	if (stun)
		n += nat_discovery_loops(&nd, lc + n);
	size_t n_base = n;
	if (stun6)
		n += ride_ipv6(&nd6, rd6, lc, n_base);
	if (path) {
		rd = (struct rider){.inner = stun_path_loop(&sp), .others = lc, .n_others = n_base};
		lc[n++] = rider_loop(&rd);
	}
	loop_run(lc, n, o->deadline);
	portmap_external_finish(pm, &x);
	if (pm6)
		finish_pcp6(r, pm6, &mres6);
	if (stun)
		nat_discovery_finish(&nd);
	if (stun6)
		nat_discovery_finish(&nd6);
	if (path) {
		stun_path_finish(&sp);
		r->facts.path = &r->path;
	}
	fill_methods(r, pm, &x, &mres);
	r->gateway_failure = mres.failure;
	ran[0] = stun;
	ran[1] = stun6;
}

/* STUN could not be asked: the report says why (a name that did not resolve). */
static void stun_not_run(struct nat_report *s, const char *error, enum failure failure)
{
	memset(s, 0, sizeof(*s));
	s->nat = s->hairpinning = s->port_preserving = NAT_TRI_UNKNOWN;
	s->failure = failure ? failure : FAILURE_RESOLVE;
	text_copy(s->error, sizeof(s->error), error ? error : "no STUN server could be used");
	TEXT_LINES_ADD(s->reasons, s->n_reasons, "no STUN server could be asked: %s", s->error);
}

/* The address IPv6 inbound would reach: the stable global one on the
 * interface of the IPv6 default route, as `map -6` chooses it. */
static void fill_ipv6_address(struct v6_facts *v, const char *ifname)
{
	struct gateway_route route;
	struct source6_choice c;
	int rc = gateway_default_v6(ifname, &route);
	if (rc < 0) {
		v->global = rc == -1 ? NAT_TRI_NO : NAT_TRI_UNKNOWN;
		snprintf(v->address_why, sizeof(v->address_why), "%s%s%s",
			 rc == -1 ? "no IPv6 default route" : "the IPv6 routes could not be read",
			 ifname ? " on " : "", ifname ? ifname : "");
		return;
	}
	/* in map -6's words: the same choice, said the same way */
	const char *which =
		ifname ? "the interface given (-i)" : "the interface of the IPv6 default route";
	memcpy(v->ifname, route.ifname, sizeof(v->ifname));
	memset(&c, 0, sizeof(c));
	rc = source6_find(route.ifname, &c);
	v->global = rc == 0 ? NAT_TRI_YES : rc == -1 ? NAT_TRI_NO : NAT_TRI_UNKNOWN;
	if (rc == 0) {
		v->address = c.addr;
		source6_reason(&c, which, v->address_why, sizeof(v->address_why));
	} else {
		snprintf(v->address_why, sizeof(v->address_why),
			 "none on %s, %s (%u temporary, %u ULA, %u deprecated, %u link-local or not "
			 "ready)",
			 route.ifname, which, c.skipped_temporary, c.skipped_ula,
			 c.skipped_deprecated, c.skipped_other);
	}
}

/* UPnP pinholes: what the IGD's GetFirewallStatus said (IPv4's discovery found it). */
static void fill_upnp_pinholes(struct probe_result *r, struct v6_facts *v)
{
	const struct pm_facts *m = &r->facts.methods[MAP_UPNP];
	const struct map_method_info *info = &r->info[MAP_UPNP];
	if (!m->available) {
		v->upnp_pinhole = absent_tri(r->method_failure[MAP_UPNP]);
		snprintf(v->upnp_why, sizeof(v->upnp_why), "no UPnP IGD: %.280s",
			 m->why[0] ? m->why : "it did not answer");
		return;
	}
	v->upnp_pinhole = info->pinholes == 1   ? NAT_TRI_YES
			  : info->pinholes == 0 ? NAT_TRI_NO
						: NAT_TRI_UNKNOWN;
	text_copy(v->upnp_why, sizeof(v->upnp_why), info->pinholes_why);
}

/* What IPv6 showed: the address, the pinhole protocols (PCP asked over
 * IPv6, UPnP's firewall status), and STUN over IPv6. */
static void fill_ipv6(struct probe_result *r, const struct probe_options *o, bool ran)
{
	struct v6_facts *v = &r->facts.ipv6;
	v->asked = o->ipv6;
	if (!o->ipv6)
		return;
	fill_ipv6_address(v, o->ifname);
	v->pcp_pinhole = r->pcp6;
	text_copy(v->pcp_why, sizeof(v->pcp_why), r->pcp6_why);
	fill_upnp_pinholes(r, v);
	if (!ran)
		stun_not_run(&r->stun6, o->stun6_error, o->stun6_failure);
	v->stun = &r->stun6;
}

/* A diagnosis needs something to have answered: a gateway protocol or STUN. */
static void judge_answers(struct probe_result *r)
{
	if (r->diag.methods || r->stun.udp_answered || r->stun.tcp_answered ||
	    r->stun6.udp_answered || r->stun6.tcp_answered)
		return;
	/* A name that did not resolve is the user's to fix; else what the
	 * gateway and STUN say (a gateway that trickled is a timeout). */
	r->failure = r->stun.failure == FAILURE_RESOLVE
			     ? FAILURE_RESOLVE
			     : failure_merge(r->gateway_failure, r->stun.failure);
	if (r->failure == FAILURE_NONE)
		r->failure = FAILURE_NO_ANSWER;
	snprintf(r->error, sizeof(r->error), "%s within %.1f s: %s, and %s",
		 r->failure == FAILURE_TIMEOUT ? "nothing answered in full" : "nothing answered",
		 (double)r->elapsed_us / USEC_PER_SEC,
		 r->gateway_failure == FAILURE_TIMEOUT
			 ? "the gateway did not finish answering any port-mapping protocol"
			 : "no port-mapping protocol on the gateway",
		 r->stun.error[0] ? r->stun.error : "no STUN server");
}

/* PCP over IPv6, as `map -6` would ask it; without an IPv6 route, why not. */
static void open_pcp6(struct probe *p, const struct probe_options *o, struct probe_result *r)
{
	struct map_params params = {
		.op = MAP_OP_EXTERNAL,
		.family = AF_INET6,
		.methods = MAP_BIT(MAP_PCP),
		.protocol = IPPROTO_UDP,
		.ifname = o->ifname,
		.wait_us = o->wait_us,
	};
	struct map_result res;
	r->pcp6 = NAT_TRI_UNKNOWN;
	text_copy(r->pcp6_why, sizeof(r->pcp6_why), "not asked (-4)");
	if (!o->ipv6 || portmap_open(&p->pm6, &params, o->trace, &res) == 0)
		return;
	portmap_close(p->pm6);
	p->pm6 = NULL;
	r->pcp6 = absent_tri(res.failure);
	snprintf(r->pcp6_why, sizeof(r->pcp6_why), "not asked: %.280s", res.error);
}

int probe_open(struct probe **out, const struct probe_options *o, struct probe_result *r)
{
	struct map_params params = {
		.op = MAP_OP_EXTERNAL,
		.methods = MAP_ALL_METHODS,
		.protocol = IPPROTO_UDP,
		.lifetime = PROBE_TEST_LIFETIME,
		.ifname = o->ifname,
		.gateway = o->gateway,
		.wait_us = o->wait_us,
		.cache_dir = o->cache_dir,
	};
	struct map_result mres;
	init_facts(r);
	struct probe *p = *out = calloc(1, sizeof(*p));
	if (!p || portmap_open(&p->pm, &params, o->trace, &mres) < 0) {
		snprintf(r->error, sizeof(r->error), "cannot run: %s",
			 p && mres.error[0] ? mres.error : "out of memory");
		r->failure = p ? mres.failure : FAILURE_SYSTEM;
		r->facts.gateway = p ? mres.gateway : r->facts.gateway;
		for (int m = 0; m < MAP_N_METHODS; m++)
			text_copy(r->facts.methods[m].why, sizeof(r->facts.methods[m].why),
				  "not asked: the probe could not run");
		stun_not_run(&r->stun, "the probe could not run", r->failure);
		diagnose(&r->facts, &r->diag); /* without a route: all unknown */
		r->elapsed_us = clock_now_us() - o->start_us;
		return -1;
	}
	fill_gateway(r, p->pm, o->ifname);
	open_pcp6(p, o, r);
	return 0;
}

void probe_run(struct probe *p, const struct probe_options *o, struct probe_result *r)
{
	bool ran[2];
	discover(r, p->pm, p->pm6, o, ran);
	if (o->test_mapping)
		test_mappings(r, p->pm, o);
	if (!ran[0])
		stun_not_run(&r->stun, o->stun_error, o->stun_failure);
	r->facts.stun = &r->stun;
	fill_ipv6(r, o, ran[1]);
	r->elapsed_us = clock_now_us() - o->start_us;
	/* STUN's "no response ... within N s" counts the whole probe's wait. */
	if (ran[0])
		nat_report_set_error(&r->stun, r->elapsed_us);
	if (ran[1])
		nat_report_set_error(&r->stun6, r->elapsed_us);
	diagnose(&r->facts, &r->diag);
	judge_answers(r);
}

void probe_close(struct probe *p)
{
	if (!p)
		return;
	portmap_close(p->pm);
	portmap_close(p->pm6);
	free(p);
}
