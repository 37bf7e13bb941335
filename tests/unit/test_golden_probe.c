// SPDX-License-Identifier: BSD-2-Clause
// Golden files for `natctl probe`: render_probe as text, with and without colour, and JSON.
#include <errno.h>
#include <string.h>

#include "golden.h"
#include "natctl/cli/output.h"
#include "natctl/probe/probe.h"
#include "natctl/stun/nat_behavior.h"
#include "test.h"

/* Text, text with colour, JSON: `base`.txt, `base`_color.txt, `base`.json.
 * The diagnosis is diagnose()'s own, from the facts: the files pin the
 * rules as well as the rendering. */
static void probe_goldens(const char *base, const struct probe_result *r, enum failure failure,
			  const char *error)
{
	static const struct {
		const char *suffix;
		bool json, color;
	} forms[] = {{".txt", false, false}, {"_color.txt", false, true}, {".json", true, false}};
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		char name[128];
		struct golden g;
		snprintf(name, sizeof(name), "%s%s", base, forms[i].suffix);
		static struct probe_result with; /* large: not on the stack */
		with = *r;
		with.facts.stun = &with.stun;
		if (r->facts.path)
			with.facts.path = &with.path;
		if (r->facts.ipv6.stun)
			with.facts.ipv6.stun = &with.stun6;
		if (with.stun.n_servers) /* as probe_run states STUN's wait */
			nat_report_set_error(&with.stun, with.elapsed_us);
		if (with.stun6.n_servers)
			nat_report_set_error(&with.stun6, with.elapsed_us);
		diagnose(&with.facts, &with.diag);
		with.failure = failure;
		snprintf(with.error, sizeof(with.error), "%s", error ? error : "");
		golden_begin(&g, forms[i].json, false);
		g.out.color = forms[i].color;
		render_probe(&g.out, &with);
		GOLDEN_END(&g, name);
	}
}

/* As probe_run starts: a route, this host on eth0 behind 192.168.77.1, nothing found yet. */
static void probe_base(struct probe_result *r)
{
	memset(r, 0, sizeof(*r));
	for (int m = 0; m < MAP_N_METHODS; m++) {
		r->info[m].connected = NAT_TRI_UNKNOWN;
		r->facts.methods[m].mapping_ok = NAT_TRI_UNKNOWN;
	}
	r->facts.have_route = true;
	r->facts.local = golden_ep("192.168.77.10", 0);
	snprintf(r->facts.ifname, sizeof(r->facts.ifname), "eth0");
	r->facts.gateway = golden_ep("192.168.77.1", 0);
	r->stun.nat = r->stun.hairpinning = r->stun.port_preserving = NAT_TRI_UNKNOWN;
	r->elapsed_us = 1534000;
}

/* Why a method the gateway did not answer is not there. */
static void set_absent(struct pm_facts *m, const char *why)
{
	snprintf(m->why, sizeof(m->why), "%s", why);
}

static void set_method(struct pm_facts *m, const char *external)
{
	m->available = true;
	if (external)
		m->external = golden_ep(external, 0);
}

static void set_refused(struct pm_facts *m, const char *refusal)
{
	m->mapping_ok = NAT_TRI_NO;
	snprintf(m->refusal, sizeof(m->refusal), "%s", refusal);
}

/* STUN answered from 198.51.100.10: one binding test as evidence. */
static void stun_answered(struct probe_result *r, const char *pub, uint16_t port,
			  enum nat_classic classic)
{
	struct nat_report *s = &r->stun;
	s->udp_answered = s->decided = true;
	s->server = golden_ep("198.51.100.10", 3478);
	s->local = golden_ep("192.168.77.10", 54021);
	s->mapped = golden_ep(pub, port);
	s->rtt_us = 23456;
	s->n_servers = 2;
	s->nat = NAT_TRI_YES;
	s->mapping = classic == NAT_CLASSIC_SYMMETRIC ? NAT_DEP_ADDRESS_AND_PORT
						      : NAT_DEP_ENDPOINT_INDEPENDENT;
	s->filtering = classic == NAT_CLASSIC_FULL_CONE ? NAT_DEP_ENDPOINT_INDEPENDENT
							: NAT_DEP_ADDRESS_AND_PORT;
	s->hairpinning = NAT_TRI_YES;
	s->port_preserving = NAT_TRI_NO;
	s->classic = classic;
	struct nat_test *t = golden_add_test(s, "binding", s->local, s->server, 0, 1);
	golden_answer(t, s->server, s->mapped, 23456);
}

/* STUN ran to one server and nothing answered, over UDP or TCP. */
static void stun_silent(struct probe_result *r)
{
	struct nat_report *s = &r->stun;
	s->server = golden_ep("198.51.100.10", 3478);
	s->n_servers = 1;
	s->nat = s->hairpinning = s->port_preserving = NAT_TRI_UNKNOWN;
	golden_add_reason(s, "no STUN server answered, over UDP or TCP");
	golden_add_test(s, "binding", golden_ep("192.168.77.10", 54021), s->server, 0, 7);
}

/* UDP to the STUN server got nothing; TCP answered with the public address. */
static void stun_udp_blocked(struct probe_result *r)
{
	struct nat_report *s = &r->stun;
	s->tcp_answered = s->decided = true;
	s->server = golden_ep("198.51.100.10", 3478);
	s->local = golden_ep("192.168.77.10", 40123);
	s->mapped = s->tcp_mapped = golden_ep("203.0.113.2", 40123);
	s->rtt_us = 41500;
	s->n_servers = 1;
	s->nat = s->port_preserving = NAT_TRI_YES;
	s->hairpinning = NAT_TRI_UNKNOWN;
	s->classic = NAT_CLASSIC_UDP_BLOCKED;
	golden_add_reason(s, "UDP blocked: no STUN answer over UDP, while TCP to "
			     "198.51.100.10:3478 answered");
	golden_add_test(s, "binding", golden_ep("192.168.77.10", 54021), s->server, 0, 7);
	golden_answer(golden_add_test(s, "tcp-binding", s->local, s->server, 0, 0), s->server,
		      s->mapped, 41500);
}

/* The path toward 198.51.100.10: these hops (NULL: silent), then the
 * server answered (reached) or not; the server saw pub. */
static void path_traced(struct probe_result *r, const char *const *hops, size_t n, bool reached,
			const char *pub)
{
	struct path_result *p = &r->path;
	memset(p, 0, sizeof(*p));
	p->server = golden_ep("198.51.100.10", 3478);
	p->local = golden_ep("192.168.77.10", 0);
	p->reached = reached;
	p->reached_ttl = reached ? (unsigned)n + 1 : 0;
	if (pub)
		p->mapped = golden_ep(pub, 40000);
	for (size_t i = 0; i < n; i++) {
		p->hops[i].ttl = (unsigned)i + 1;
		p->hops[i].answered = hops[i] != NULL;
		if (hops[i]) {
			p->hops[i].address = golden_ep(hops[i], 0);
			p->hops[i].class = addr_classify(&p->hops[i].address);
		}
	}
	p->n_hops = n;
	r->facts.path = p;
}

/* A test mapping checked from 198.51.100.10, and what came of it. */
static void set_checked(struct pm_facts *m, enum nat_tri reachable, uint16_t port,
			const char *reason)
{
	m->check = (struct map_check){.asked = true, .reachable = reachable};
	m->check.server = golden_ep("198.51.100.10", 3478);
	m->check.port_checked = golden_ep("203.0.113.2", port);
	snprintf(m->check.reason, sizeof(m->check.reason), "%s", reason);
}

static const char *const one_router[] = {"192.168.77.1"};
static const char *const behind_cgnat[] = {"192.168.77.1", "100.64.0.1"};

/* A home router: UPnP IGD v2 and NAT-PMP report the public address STUN sees. */
static void golden_probe_home(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	r.info[MAP_UPNP].igd_version = 2;
	r.info[MAP_UPNP].connected = NAT_TRI_YES;
	set_method(&r.facts.methods[MAP_NATPMP], "203.0.113.2");
	r.info[MAP_NATPMP].epoch_known = true;
	r.info[MAP_NATPMP].epoch = 86400;
	set_absent(&r.facts.methods[MAP_PCP],
		   "192.168.77.1:5351: port unreachable (no PCP server)");
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_PORT_RESTRICTED_CONE);
	path_traced(&r, one_router, 1, true, "203.0.113.2");
	probe_goldens("probe_home", &r, FAILURE_NONE, NULL);
}

/* --test-mapping: PCP and UPnP accept, NAT-PMP refuses; status of the IGD unknown. */
static void golden_probe_test_mapping(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.tested_mapping = true;
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	r.facts.methods[MAP_UPNP].mapping_ok = NAT_TRI_YES;
	r.info[MAP_UPNP].igd_version = 2;
	set_method(&r.facts.methods[MAP_NATPMP], "203.0.113.2");
	set_refused(&r.facts.methods[MAP_NATPMP],
		    "NOT_AUTHORIZED: the gateway refuses mappings (NAT-PMP disabled or forbidden)");
	set_method(&r.facts.methods[MAP_PCP], "203.0.113.2");
	r.facts.methods[MAP_PCP].mapping_ok = NAT_TRI_YES;
	set_checked(&r.facts.methods[MAP_UPNP], NAT_TRI_YES, 52001,
		    "the answer to external port 52001 came in from 198.51.100.11:3479, which had "
		    "not seen this host");
	set_checked(&r.facts.methods[MAP_PCP], NAT_TRI_YES, 52001,
		    "the answer to external port 52001 came in from 198.51.100.11:3479, which had "
		    "not seen this host");
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_FULL_CONE);
	path_traced(&r, one_router, 1, true, "203.0.113.2");
	probe_goldens("probe_test_mapping", &r, FAILURE_NONE, NULL);
}

/* The router's WAN is 100.64.0.2: it maps, but only the inner NAT; PCP refuses like a CGNAT. */
static void golden_probe_cgnat(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.tested_mapping = true;
	set_method(&r.facts.methods[MAP_UPNP], "100.64.0.2");
	r.facts.methods[MAP_UPNP].mapping_ok = NAT_TRI_YES;
	r.info[MAP_UPNP].igd_version = 1;
	r.info[MAP_UPNP].connected = NAT_TRI_YES;
	set_method(&r.facts.methods[MAP_PCP], NULL);
	set_refused(&r.facts.methods[MAP_PCP],
		    "NO_RESOURCES: the gateway cannot map now; usually a double NAT: "
		    "the gateway's own WAN address is private or carrier-grade NAT");
	r.facts.methods[MAP_PCP].refused_double_nat = true;
	set_absent(&r.facts.methods[MAP_NATPMP], "no answer from 192.168.77.1:5351");
	set_checked(&r.facts.methods[MAP_UPNP], NAT_TRI_NO, 52001,
		    "the answer 198.51.100.10:3478 sent to external port 52001 never came in "
		    "(asked 3 times)");
	r.facts.methods[MAP_UPNP].check.port_checked = golden_ep("203.0.113.77", 52001);
	stun_answered(&r, "203.0.113.77", 1027, NAT_CLASSIC_SYMMETRIC);
	path_traced(&r, behind_cgnat, 2, true, "203.0.113.77");
	probe_goldens("probe_cgnat", &r, FAILURE_NONE, NULL);
}

/* miniupnpd behind a carrier-grade NAT learnt the public address by STUN, so
 * the addresses agree; the path shows the CGNAT, with no mapping made. */
static void golden_probe_cgnat_path(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	r.info[MAP_UPNP].igd_version = 2;
	r.info[MAP_UPNP].connected = NAT_TRI_YES;
	set_method(&r.facts.methods[MAP_NATPMP], "203.0.113.2");
	set_method(&r.facts.methods[MAP_PCP], NULL);
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_PORT_RESTRICTED_CONE);
	path_traced(&r, behind_cgnat, 2, true, "203.0.113.2");
	probe_goldens("probe_cgnat_path", &r, FAILURE_NONE, NULL);
}

/* A router behind another router (WAN 192.168.1.20); STUN ran and nothing
 * answered: double NAT is known, carrier-grade NAT and peer-to-peer are not. */
static void golden_probe_double_nat(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.tested_mapping = true;
	set_method(&r.facts.methods[MAP_UPNP], "192.168.1.20");
	r.facts.methods[MAP_UPNP].mapping_ok = NAT_TRI_YES;
	r.info[MAP_UPNP].igd_version = 2;
	r.info[MAP_UPNP].connected = NAT_TRI_NO;
	/* A refusal with no text: probe.c always names one; this pins the bare form. */
	set_method(&r.facts.methods[MAP_NATPMP], "192.168.1.20");
	set_refused(&r.facts.methods[MAP_NATPMP], "");
	set_absent(&r.facts.methods[MAP_PCP], "192.168.77.1 speaks NAT-PMP, not PCP");
	stun_silent(&r);
	static const char *const two_routers[] = {"192.168.77.1", "192.168.1.1", NULL, NULL};
	path_traced(&r, two_routers, 4, false, NULL);
	probe_goldens("probe_double_nat", &r, FAILURE_NONE, NULL);
}

/* The gateway answers with a public WAN address, but STUN is silent: double
 * NAT, and so whether inbound works, is unknown, never "no" (or "can work"). */
static void golden_probe_stun_silent(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_NATPMP], "203.0.113.2");
	set_absent(&r.facts.methods[MAP_UPNP], "no IGD answered the SSDP search");
	set_absent(&r.facts.methods[MAP_PCP], "192.168.77.1 speaks NAT-PMP, not PCP");
	stun_silent(&r);
	static const char *const silent[] = {"192.168.77.1", NULL, NULL};
	path_traced(&r, silent, 3, false, NULL);
	probe_goldens("probe_stun_silent", &r, FAILURE_NONE, NULL);
}

/* Outbound UDP blocked (STUN answered over TCP); the router's UPnP refuses mappings. */
static void golden_probe_udp_blocked(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.tested_mapping = true;
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	r.info[MAP_UPNP].igd_version = 1;
	r.info[MAP_UPNP].connected = NAT_TRI_YES;
	set_refused(&r.facts.methods[MAP_UPNP], "not authorized: the gateway refuses this mapping "
						"(AddPortMapping 606 Action not authorized)");
	set_absent(&r.facts.methods[MAP_NATPMP], "no answer from 192.168.77.1:5351");
	set_absent(&r.facts.methods[MAP_PCP], "no answer from 192.168.77.1:5351");
	stun_udp_blocked(&r);
	static const char *const dropped[] = {"192.168.77.1", NULL, NULL, NULL};
	path_traced(&r, dropped, 4, false, NULL);
	probe_goldens("probe_udp_blocked", &r, FAILURE_NONE, NULL);
}

/* -i eth0 on a LAN without a default gateway: an IGD of unknown version answered SSDP,
 * without an external address; STUN's names did not resolve. */
static void golden_probe_no_gateway(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.gateway = (struct endpoint){0};
	set_method(&r.facts.methods[MAP_UPNP], NULL);
	set_absent(&r.facts.methods[MAP_NATPMP], "no default IPv4 gateway on eth0");
	set_absent(&r.facts.methods[MAP_PCP], "no default IPv4 gateway on eth0");
	r.stun.failure = FAILURE_RESOLVE;
	snprintf(r.stun.error, sizeof(r.stun.error),
		 "cannot resolve 'stun.voipgate.com': Temporary failure in name resolution");
	golden_add_reason(&r.stun, "no STUN server could be asked: cannot resolve "
				   "'stun.voipgate.com': Temporary failure in name resolution");
	r.elapsed_us = 2003500;
	probe_goldens("probe_no_gateway", &r, FAILURE_NONE, NULL);
}

/* Nothing answered at all: the probe fails (exit 3); text prints nothing on stdout. */
static void golden_probe_nothing_answered(void)
{
	struct probe_result r;
	probe_base(&r);
	set_absent(&r.facts.methods[MAP_UPNP], "no IGD answered the SSDP search");
	set_absent(&r.facts.methods[MAP_NATPMP],
		   "192.168.77.1:5351: port unreachable (no NAT-PMP server)");
	set_absent(&r.facts.methods[MAP_PCP],
		   "192.168.77.1:5351: port unreachable (no PCP server)");
	stun_silent(&r);
	static const char *const nothing[] = {NULL, NULL};
	path_traced(&r, nothing, 2, false, NULL);
	probe_goldens("probe_nothing_answered", &r, FAILURE_NO_ANSWER,
		      "nothing answered within 1.5 s: no port-mapping protocol on the gateway, and "
		      "no response from 198.51.100.10:3478 within 1.53 s");
}

/* No route at all: probe_open fails; everything is unknown, no verdict, no advice. */
static void golden_probe_no_route(void)
{
	struct probe_result r;
	char error[420];
	probe_base(&r);
	r.facts.have_route = false;
	r.facts.local = r.facts.gateway = (struct endpoint){0};
	r.facts.ifname[0] = '\0';
	r.elapsed_us = 812;
	r.stun.failure = FAILURE_NO_ROUTE;
	snprintf(r.stun.error, sizeof(r.stun.error), "the probe could not run");
	for (int m = 0; m < MAP_N_METHODS; m++)
		set_absent(&r.facts.methods[m], "not asked: the probe could not run");
	snprintf(error, sizeof(error), "cannot run: no route toward the gateway: %s",
		 strerror(ENETUNREACH));
	probe_goldens("probe_no_route", &r, FAILURE_NO_ROUTE, error);
}

/* IPv6 looked at: the stable global address of eth0, pinholes not asked. */
static void ipv6_global(struct probe_result *r)
{
	struct v6_facts *v = &r->facts.ipv6;
	v->asked = true;
	v->global = NAT_TRI_YES;
	v->address = golden_ep("2001:db8:77::10", 0);
	snprintf(v->ifname, sizeof(v->ifname), "eth0");
	snprintf(v->address_why, sizeof(v->address_why),
		 "the stable global address of eth0, the interface of the IPv6 default route "
		 "(passed over: 1 temporary, 1 ULA)");
	v->pcp_pinhole = v->upnp_pinhole = NAT_TRI_UNKNOWN;
	snprintf(v->pcp_why, sizeof(v->pcp_why), "not asked");
	snprintf(v->upnp_why, sizeof(v->upnp_why), "not asked");
	v->stun = &r->stun6;
}

/* STUN over IPv6 saw this host's own (temporary) address behind the
 * router's firewall, which filters by address and port. */
static void stun6_firewall(struct probe_result *r, enum nat_dependence filtering)
{
	struct nat_report *s = &r->stun6;
	s->udp_answered = s->decided = true;
	s->server = golden_ep("2001:db8:2::10", 3478);
	s->other = golden_ep("2001:db8:2::11", 3479);
	s->local = s->mapped = golden_ep("2001:db8:77::8541:c6a7:889:654a", 43367);
	s->rtt_us = 812;
	s->n_servers = 1;
	s->nat = NAT_TRI_NO;
	s->mapping = NAT_DEP_ENDPOINT_INDEPENDENT;
	s->filtering = filtering;
	s->hairpinning = s->port_preserving = NAT_TRI_YES;
	struct nat_test *t = golden_add_test(s, "binding", s->local, s->server, 0, 1);
	golden_answer(t, s->server, s->mapped, 812);
}

/* The home router, and IPv6 beside it: a global address, a stateful
 * firewall; the advice to open it with map -6. */
static void golden_probe_ipv6(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	r.info[MAP_UPNP].igd_version = 2;
	r.info[MAP_UPNP].connected = NAT_TRI_YES;
	set_method(&r.facts.methods[MAP_PCP], "203.0.113.2");
	set_absent(&r.facts.methods[MAP_NATPMP], "192.168.77.1:5351: no answer within 1.05 s");
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_PORT_RESTRICTED_CONE);
	path_traced(&r, one_router, 1, true, "203.0.113.2");
	ipv6_global(&r);
	stun6_firewall(&r, NAT_DEP_ADDRESS_AND_PORT);
	probe_goldens("probe_ipv6", &r, FAILURE_NONE, NULL);
}

/* The router's pinhole protocols known (as the map side reports them): PCP
 * opens them, UPnP does not; the firewall filters endpoint-independently. */
static void golden_probe_ipv6_pinholes(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_PCP], "203.0.113.2");
	set_absent(&r.facts.methods[MAP_NATPMP], "192.168.77.1:5351: no answer within 1.05 s");
	set_absent(&r.facts.methods[MAP_UPNP], "no answer to SSDP within 1.05 s");
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_FULL_CONE);
	ipv6_global(&r);
	r.facts.ipv6.pcp_pinhole = NAT_TRI_YES;
	r.facts.ipv6.upnp_pinhole = NAT_TRI_NO;
	stun6_firewall(&r, NAT_DEP_ENDPOINT_INDEPENDENT);
	probe_goldens("probe_ipv6_pinholes", &r, FAILURE_NONE, NULL);
}

/* IPv6 looked at, none there: no default route, STUN over IPv6 not asked. */
static void golden_probe_ipv6_none(void)
{
	struct probe_result r;
	probe_base(&r);
	set_method(&r.facts.methods[MAP_UPNP], "203.0.113.2");
	set_absent(&r.facts.methods[MAP_NATPMP], "192.168.77.1:5351: no answer within 1.05 s");
	set_absent(&r.facts.methods[MAP_PCP], "192.168.77.1:5351: no answer within 1.05 s");
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_PORT_RESTRICTED_CONE);
	r.facts.ipv6.asked = true;
	r.facts.ipv6.global = NAT_TRI_NO;
	snprintf(r.facts.ipv6.address_why, sizeof(r.facts.ipv6.address_why),
		 "no IPv6 default route");
	r.facts.ipv6.pcp_pinhole = r.facts.ipv6.upnp_pinhole = NAT_TRI_UNKNOWN;
	r.facts.ipv6.stun = &r.stun6;
	r.stun6.nat = r.stun6.hairpinning = r.stun6.port_preserving = NAT_TRI_UNKNOWN;
	r.stun6.failure = FAILURE_RESOLVE;
	snprintf(r.stun6.error, sizeof(r.stun6.error), "no IPv6 server among the --stun operands");
	golden_add_reason(&r.stun6, "no STUN server could be asked: no IPv6 server among the "
				    "--stun operands");
	probe_goldens("probe_ipv6_none", &r, FAILURE_NONE, NULL);
}

const struct test_case golden_probe_cases[] = {
	T(golden_probe_home),        T(golden_probe_test_mapping),
	T(golden_probe_cgnat),       T(golden_probe_double_nat),
	T(golden_probe_stun_silent), T(golden_probe_udp_blocked),
	T(golden_probe_no_gateway),  T(golden_probe_nothing_answered),
	T(golden_probe_no_route),    T(golden_probe_cgnat_path),
	T(golden_probe_ipv6),        T(golden_probe_ipv6_pinholes),
	T(golden_probe_ipv6_none),   {NULL, NULL},
};
