// SPDX-License-Identifier: BSD-2-Clause
// Golden files for `natctl probe`: render_probe as text, with and without colour, and JSON.
#include <errno.h>
#include <string.h>

#include "golden.h"
#include "natctl/cli/output.h"
#include "natctl/probe/probe.h"
#include "natctl/stun/nat_behavior.h"
#include "test.h"

/* Text, text with colour, JSON: `base`.txt, `base`_color.txt, `base`.json. */
static void probe_goldens(const char *base, const struct probe_result *r, const char *error)
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
		snprintf(with.error, sizeof(with.error), "%s", error ? error : "");
		if (with.stun_ran) /* as probe_run states STUN's wait */
			nat_report_set_error(&with.stun, with.elapsed_us);
		golden_begin(&g, forms[i].json, false);
		render_probe(&g.out, &with, forms[i].color);
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
	r->diag.inbound_ok = r->diag.p2p_likely = NAT_TRI_UNKNOWN;
	r->elapsed_us = 1534000;
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

static void add_advice(struct diagnosis *d, const char *text)
{
	snprintf(d->advice[d->n_advice++], DIAG_TEXT_MAX, "%s", text);
}

/* STUN answered from 198.51.100.10: one binding test as evidence. */
static void stun_answered(struct probe_result *r, const char *pub, uint16_t port,
			  enum nat_classic classic)
{
	struct nat_report *s = &r->stun;
	r->stun_ran = true;
	r->facts.stun = s;
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
	r->stun_ran = true;
	r->facts.stun = s;
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
	r->stun_ran = true;
	r->facts.stun = s;
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
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_PORT_RESTRICTED_CONE);
	r.diag.methods = MAP_BIT(MAP_NATPMP) | MAP_BIT(MAP_UPNP);
	r.diag.inbound_ok = r.diag.p2p_likely = NAT_TRI_YES;
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "inbound connections to a mapped port can work; port mapping: NAT-PMP, UPnP; "
		 "direct peer-to-peer likely");
	probe_goldens("probe_home", &r, NULL);
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
	stun_answered(&r, "203.0.113.2", 61344, NAT_CLASSIC_FULL_CONE);
	r.diag.methods = MAP_BIT(MAP_PCP) | MAP_BIT(MAP_NATPMP) | MAP_BIT(MAP_UPNP);
	r.diag.inbound_ok = r.diag.p2p_likely = NAT_TRI_YES;
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "inbound connections to a mapped port can work; port mapping: PCP, NAT-PMP, UPnP; "
		 "direct peer-to-peer likely");
	add_advice(&r.diag, "NAT-PMP refused a test mapping: NOT_AUTHORIZED: the gateway refuses "
			    "mappings (NAT-PMP disabled or forbidden).");
	probe_goldens("probe_test_mapping", &r, NULL);
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
	stun_answered(&r, "203.0.113.77", 1027, NAT_CLASSIC_SYMMETRIC);
	r.diag = (struct diagnosis){.double_nat = true,
				    .cgnat = true,
				    .inbound_ok = NAT_TRI_NO,
				    .p2p_likely = NAT_TRI_NO,
				    .methods = MAP_BIT(MAP_PCP) | MAP_BIT(MAP_UPNP)};
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "carrier-grade NAT: inbound connections cannot be opened; port mapping: PCP, "
		 "UPnP; direct peer-to-peer unlikely");
	add_advice(&r.diag, "UPnP works, but your router's WAN address 100.64.0.2 is carrier-grade "
			    "NAT: a port forward will not be reachable from the internet; ask your "
			    "ISP for a public IPv4 address, or use IPv6 or a relay.");
	add_advice(&r.diag, "The NAT is symmetric (a new public port for every destination): "
			    "direct peer-to-peer usually fails unless the other side is open; "
			    "expect a relay (TURN), or open a port by mapping.");
	probe_goldens("probe_cgnat", &r, NULL);
}

/* A router behind another router (WAN 192.168.1.20); STUN ran and nothing answered. */
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
	stun_silent(&r);
	r.diag = (struct diagnosis){.double_nat = true,
				    .inbound_ok = NAT_TRI_NO,
				    .p2p_likely = NAT_TRI_UNKNOWN,
				    .methods = MAP_BIT(MAP_NATPMP) | MAP_BIT(MAP_UPNP)};
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "double NAT: a port mapping opens only the inner router; port mapping: NAT-PMP, "
		 "UPnP; direct peer-to-peer unknown");
	add_advice(&r.diag, "NAT-PMP works, but your router's WAN address 192.168.1.20 is a "
			    "private address (another router is in front of it): a port forward "
			    "will not be reachable from the internet; forward the port on the "
			    "outer router too, or put this router in bridge mode.");
	probe_goldens("probe_double_nat", &r, NULL);
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
	stun_udp_blocked(&r);
	r.diag = (struct diagnosis){.inbound_ok = NAT_TRI_NO,
				    .p2p_likely = NAT_TRI_NO,
				    .methods = MAP_BIT(MAP_UPNP)};
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "inbound connections cannot be opened; port mapping: UPnP; direct peer-to-peer "
		 "unlikely");
	add_advice(&r.diag, "UPnP refused a test mapping: not authorized: the gateway refuses this "
			    "mapping (AddPortMapping 606 Action not authorized).");
	add_advice(&r.diag, "Outbound UDP is blocked: peer-to-peer and most real-time apps need a "
			    "relay over TCP or TLS; ask the network's administrator to allow UDP.");
	probe_goldens("probe_udp_blocked", &r, NULL);
}

/* -i eth0 on a LAN without a default gateway: an IGD of unknown version answered SSDP,
 * without an external address; STUN could not run. */
static void golden_probe_no_gateway(void)
{
	struct probe_result r;
	probe_base(&r);
	r.facts.gateway = (struct endpoint){0};
	set_method(&r.facts.methods[MAP_UPNP], NULL);
	r.elapsed_us = 2003500;
	r.diag.methods = MAP_BIT(MAP_UPNP);
	r.diag.inbound_ok = NAT_TRI_YES;
	snprintf(r.diag.verdict, sizeof(r.diag.verdict),
		 "inbound connections to a mapped port can work; port mapping: UPnP; direct "
		 "peer-to-peer unknown");
	probe_goldens("probe_no_gateway", &r, NULL);
}

/* No route at all: probe_run fails, and cmd_probe passes "cannot run: <why>". */
static void probe_no_route(struct probe_result *r)
{
	probe_base(r);
	r->facts.have_route = false;
	r->facts.local = r->facts.gateway = (struct endpoint){0};
	r->facts.ifname[0] = '\0';
	r->elapsed_us = 812;
	snprintf(r->diag.verdict, sizeof(r->diag.verdict), "no default route: not connected");
	add_advice(&r->diag, "Check the network connection: there is no default route.");
}

static void golden_probe_no_route(void)
{
	struct probe_result r;
	char why[400], error[420];
	probe_no_route(&r);
	snprintf(why, sizeof(why), "no route toward the gateway: %s", strerror(ENETUNREACH));
	snprintf(error, sizeof(error), "cannot run: %s", why); /* as cmd_probe.c builds it */
	probe_goldens("probe_no_route", &r, error);
}

/* The same result without an error: no caller renders it so today; pins the "-" and "none" text. */
static void golden_probe_no_route_text(void)
{
	struct probe_result r;
	struct golden g;
	probe_no_route(&r);
	golden_begin(&g, false, false);
	render_probe(&g.out, &r, false);
	GOLDEN_END(&g, "probe_no_route_without_error.txt");
}

const struct test_case golden_probe_cases[] = {
	T(golden_probe_home),       T(golden_probe_test_mapping),  T(golden_probe_cgnat),
	T(golden_probe_double_nat), T(golden_probe_udp_blocked),   T(golden_probe_no_gateway),
	T(golden_probe_no_route),   T(golden_probe_no_route_text), {NULL, NULL},
};
