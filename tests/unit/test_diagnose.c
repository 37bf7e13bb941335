// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the diagnosis rules: double NAT, CGNAT, inbound, peer-to-peer, advice.
#include "natctl/probe/diagnose.h"
#include "test.h"

static struct endpoint ip(const char *s)
{
	struct endpoint e;
	endpoint_parse_ip(&e, s);
	return e;
}

/* A home network: 192.168.77.10 behind a router whose UPnP reports wan. */
static struct probe_facts home(struct nat_report *stun, const char *wan, const char *pub,
			       enum nat_classic classic)
{
	struct probe_facts f;
	memset(&f, 0, sizeof(f));
	memset(stun, 0, sizeof(*stun));
	f.have_route = true;
	f.local = ip("192.168.77.10");
	f.gateway = ip("192.168.77.1");
	if (wan) {
		f.methods[MAP_UPNP].available = true;
		f.methods[MAP_UPNP].external = ip(wan);
		f.methods[MAP_UPNP].mapping_ok = NAT_TRI_UNKNOWN;
	}
	f.methods[MAP_NATPMP].mapping_ok = f.methods[MAP_PCP].mapping_ok = NAT_TRI_UNKNOWN;
	stun->udp_answered = true;
	stun->mapped = ip(pub);
	stun->nat = NAT_TRI_YES;
	stun->classic = classic;
	f.stun = stun;
	return f;
}

static bool advice_has(const struct diagnosis *d, const char *needle)
{
	for (size_t i = 0; i < d->n_advice; i++)
		if (strstr(d->advice[i], needle))
			return true;
	return false;
}

static void diagnose_plain_home_router(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "203.0.113.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_NO);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_NO);
	CHECK_EQ_INT(d.methods, MAP_BIT(MAP_UPNP));
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_YES);
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_YES);
	CHECK(strstr(d.verdict, "port mapping: UPnP") != NULL);
	CHECK_EQ_INT(d.n_advice, 0);
}

static void diagnose_cgnat_wan_address(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "100.64.0.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_YES);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_NO);
	CHECK(advice_has(&d,
			 "UPnP works, but your router's WAN address 100.64.0.2 is carrier-grade NAT"));
	CHECK(advice_has(&d, "ask your ISP"));
	CHECK(strstr(d.verdict, "carrier-grade NAT") != NULL);
}

static void diagnose_private_wan_address(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "192.168.1.20", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_UNKNOWN); /* the outer NAT could be anyone's */
	CHECK(advice_has(&d, "private address"));
}

static void diagnose_wan_differs_from_stun(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, "198.51.100.7", "203.0.113.2", NAT_CLASSIC_SYMMETRIC);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_UNKNOWN);
	CHECK(advice_has(&d, "another NAT in between"));
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_NO);
	CHECK(advice_has(&d, "symmetric"));
}

static void diagnose_stun_learnt_and_refusing(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "203.0.113.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	f.tested_mapping = true;
	f.methods[MAP_UPNP].mapping_ok = NAT_TRI_NO;
	f.methods[MAP_UPNP].refused_double_nat = true;
	f.methods[MAP_NATPMP].available = true;
	f.methods[MAP_NATPMP].external = ip("203.0.113.2");
	f.methods[MAP_NATPMP].mapping_ok = NAT_TRI_NO;
	f.methods[MAP_NATPMP].refused_double_nat = true;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_YES);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_NO);
	CHECK(advice_has(&d, "refuses every mapping"));
	/* One accepted mapping and it is not that. */
	f.methods[MAP_NATPMP].mapping_ok = NAT_TRI_YES;
	f.methods[MAP_NATPMP].refused_double_nat = false;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_NO);
}

static void diagnose_no_mapping_service(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.methods, 0);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_UNKNOWN); /* no WAN address to compare */
	CHECK(advice_has(&d, "no port-mapping protocol"));
	CHECK(strstr(d.verdict, "port mapping: none") != NULL);
}

static void diagnose_udp_blocked_and_no_route(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, "203.0.113.2", "203.0.113.2", NAT_CLASSIC_UDP_BLOCKED);
	diagnose(&f, &d);
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_NO);
	CHECK(advice_has(&d, "UDP is blocked"));
	f.have_route = false;
	diagnose(&f, &d);
	CHECK_EQ_STR(d.verdict, ""); /* it did not run: no verdict, no advice */
	CHECK_EQ_INT(d.n_advice, 0);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.n_reasons, 1);
}

static bool reason_has(const struct diagnosis *d, const char *needle)
{
	for (size_t i = 0; i < d->n_reasons; i++)
		if (strstr(d->reasons[i], needle))
			return true;
	return false;
}

/* STUN silent: the gateway's public WAN address alone proves no double NAT
 * (another NAT could be in front), so inbound is unknown, not "can work". */
static void diagnose_stun_silent_is_unknown(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "203.0.113.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	stun.udp_answered = false;
	stun.nat = NAT_TRI_UNKNOWN;
	stun.classic = NAT_CLASSIC_UNKNOWN;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_UNKNOWN);
	CHECK(reason_has(&d, "double NAT: unknown: no STUN answer"));
	CHECK(reason_has(&d, "peer-to-peer: unknown"));
	CHECK(strstr(d.verdict, "can work") == NULL);
	CHECK(strstr(d.verdict, "inbound connections: unknown") != NULL);
	CHECK_EQ_INT(d.n_advice, 0);
}

/* Nothing answered at all: every judgement unknown, each with a reason; no advice. */
static void diagnose_nothing_answered(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.2", NAT_CLASSIC_UNKNOWN);
	stun.udp_answered = false;
	stun.nat = NAT_TRI_UNKNOWN;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_UNKNOWN);
	CHECK(reason_has(&d, "double NAT: unknown: neither"));
	CHECK(reason_has(&d, "inbound: unknown"));
	CHECK_EQ_INT(d.n_advice, 0);
}

/* No NAT at all (STUN saw this host's own address): no double NAT, no CGNAT. */
static void diagnose_no_nat(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.10", NAT_CLASSIC_OPEN_INTERNET);
	f.local = ip("203.0.113.10");
	stun.nat = NAT_TRI_NO;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_NO);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_NO);
	CHECK_EQ_INT(d.p2p_likely, NAT_TRI_YES);
}

static void diagnose_local_cgnat(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.2", NAT_CLASSIC_SYMMETRIC);
	f.local = ip("100.64.12.5");
	diagnose(&f, &d);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_YES);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK(advice_has(&d, "100.64.12.5"));
}

/* The path toward the STUN server: hops (NULL: silent) from 192.168.77.10, the server reached after them. */
static struct path_result path_of(const char *const *hops, size_t n, const char *pub)
{
	struct path_result p;
	memset(&p, 0, sizeof(p));
	p.reached = true;
	p.reached_ttl = (unsigned)n + 1;
	p.local = ip("192.168.77.10");
	p.mapped = ip(pub);
	for (size_t i = 0; i < n; i++) {
		p.hops[i].ttl = (unsigned)i + 1;
		p.hops[i].answered = hops[i] != NULL;
		if (hops[i]) {
			p.hops[i].address = ip(hops[i]);
			p.hops[i].class = addr_classify(&p.hops[i].address);
		}
	}
	p.n_hops = n;
	return p;
}

/* miniupnpd behind a CGNAT learnt the public address by STUN: the addresses
 * agree, yet the path shows the 100.64/10 hop. No mapping needed. */
static void diagnose_cgnat_hidden_by_stun(void)
{
	static const char *const hops[] = {"192.168.77.1", "100.64.0.1"};
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "203.0.113.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	struct path_result p = path_of(hops, 2, "203.0.113.2");
	f.path = &p;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.nat_layers, 2);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_YES);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_NO);
	CHECK(advice_has(&d, "The path to the internet passes 100.64.0.1 (hop 2), carrier-grade "
			     "NAT space (100.64.0.0/10), after your router"));
	CHECK(strstr(d.verdict, "carrier-grade NAT") != NULL);
	f.path = NULL; /* without the path: the old, wrong "no" */
	diagnose(&f, &d);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_NO);
	CHECK(reason_has(&d, "NAT layers: unknown: the path was not traced"));
}

/* A private hop after the router: a second NAT, of unknown kind. */
static void diagnose_second_nat_on_path(void)
{
	static const char *const hops[] = {"192.168.77.1", "192.168.1.1", "198.51.100.1"};
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	struct path_result p = path_of(hops, 3, "203.0.113.2");
	f.path = &p;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.nat_layers, 2);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_YES);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_UNKNOWN);
	CHECK(advice_has(&d, "passes 192.168.1.1 (hop 2), a private address"));
}

/* One layer on the path decides "no double NAT" where no WAN address could. */
static void diagnose_path_rules_out_double_nat(void)
{
	static const char *const hops[] = {"192.168.77.1", "203.0.113.1"};
	static const char *const silent[] = {"192.168.77.1", NULL};
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f = home(&stun, NULL, "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	struct path_result p = path_of(hops, 2, "203.0.113.2");
	f.path = &p;
	diagnose(&f, &d);
	CHECK_EQ_INT(d.nat_layers, 1);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_NO);
	CHECK_EQ_INT(d.cgnat, NAT_TRI_NO);
	p = path_of(silent, 2, "203.0.113.2"); /* a silent hop: the path cannot tell */
	diagnose(&f, &d);
	CHECK_EQ_INT(d.nat_layers, -1);
	CHECK_EQ_INT(d.double_nat, NAT_TRI_UNKNOWN);
	CHECK(reason_has(&d, "NAT layers: unknown: hop 2 stayed silent"));
}

/* A test mapping checked from outside proves inbound, whatever was inferred. */
static void diagnose_checked_test_mapping(void)
{
	struct nat_report stun;
	struct diagnosis d;
	struct probe_facts f =
		home(&stun, "100.64.0.2", "203.0.113.2", NAT_CLASSIC_PORT_RESTRICTED_CONE);
	struct pm_facts *m = &f.methods[MAP_UPNP];
	f.tested_mapping = true;
	m->mapping_ok = NAT_TRI_YES;
	m->check = (struct map_check){.asked = true, .reachable = NAT_TRI_NO};
	m->check.port_checked = ip("203.0.113.2");
	diagnose(&f, &d);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_NO);
	CHECK(d.inbound_proven);
	CHECK(advice_has(&d, "UPnP accepted a test mapping, but it was not reachable from outside: "
			     "the NAT in front of your router (the internet sees 203.0.113.2, the "
			     "router says 100.64.0.2)"));
	m->check.reachable = NAT_TRI_YES; /* the outer NAT forwards after all (a DMZ) */
	diagnose(&f, &d);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_YES);
	CHECK(strstr(d.verdict, "inbound connections to a mapped port work (a test mapping was "
				"reached from outside)") != NULL);
	m->check.reachable = NAT_TRI_UNKNOWN; /* no answer either way: inferred again */
	diagnose(&f, &d);
	CHECK_EQ_INT(d.inbound_ok, NAT_TRI_NO);
	CHECK(!d.inbound_proven);
}

/* IPv6 with a stable global address behind the router's firewall (STUN saw
 * this host's own address), pinholes as given. */
static struct v6_facts v6_home(struct nat_report *stun, enum nat_tri pcp, enum nat_tri upnp,
			       enum nat_dependence filtering)
{
	struct v6_facts f;
	memset(&f, 0, sizeof(f));
	memset(stun, 0, sizeof(*stun));
	f.asked = true;
	f.global = NAT_TRI_YES;
	f.address = ip("2001:db8:77::10");
	f.pcp_pinhole = pcp;
	f.upnp_pinhole = upnp;
	stun->udp_answered = true;
	stun->local = stun->mapped = ip("2001:db8:77::10");
	stun->nat = NAT_TRI_NO;
	stun->filtering = filtering;
	f.stun = stun;
	return f;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* The advice to open IPv6 with map -6 rests on a global address; inbound
 * is yes only with a pinhole protocol, no when both are known missing. */
static void diagnose_ipv6_inbound(void)
{
	struct nat_report stun;
	struct v6_diagnosis d;
	struct v6_facts f = v6_home(&stun, NAT_TRI_YES, NAT_TRI_NO, NAT_DEP_ADDRESS_AND_PORT);
	diagnose_ipv6(&f, &d);
	CHECK_EQ_INT(d.inbound, NAT_TRI_YES);
	CHECK_EQ_INT(d.n_advice, 1);
	CHECK(starts_with(d.advice[0], "IPv6 inbound can be opened with `natctl map -6`: "));
	CHECK(strstr(d.advice[0], "address-and-port-dependent filtering") != NULL);
	CHECK_EQ_STR(d.verdict, "IPv6: global address 2001:db8:77::10; no NAT, firewall: "
				"address-and-port-dependent filtering (only the address and port "
				"this host sent to may answer); pinholes: PCP");

	f = v6_home(&stun, NAT_TRI_UNKNOWN, NAT_TRI_UNKNOWN, NAT_DEP_ENDPOINT_INDEPENDENT);
	diagnose_ipv6(&f, &d);
	CHECK_EQ_INT(d.inbound, NAT_TRI_UNKNOWN); /* never no without evidence */
	CHECK_EQ_INT(d.n_reasons, 1);
	CHECK(starts_with(d.advice[0], "IPv6 inbound can be opened with `natctl map -6` (if "));

	f = v6_home(&stun, NAT_TRI_NO, NAT_TRI_NO, NAT_DEP_ADDRESS_AND_PORT);
	diagnose_ipv6(&f, &d);
	CHECK_EQ_INT(d.inbound, NAT_TRI_NO);
	CHECK_EQ_INT(d.n_advice, 1);
	CHECK(strstr(d.advice[0], "by hand") != NULL);
	CHECK(strstr(d.verdict, "pinholes: none") != NULL);
}

/* No global address: inbound is no, and map -6 is not advised; a NAT66
 * (the server saw another address) leaves inbound unknown; -4: nothing. */
static void diagnose_ipv6_no_global_or_nat66(void)
{
	struct nat_report stun;
	struct v6_diagnosis d;
	struct v6_facts f = v6_home(&stun, NAT_TRI_YES, NAT_TRI_YES, NAT_DEP_ADDRESS_AND_PORT);
	f.global = NAT_TRI_NO;
	snprintf(f.address_why, sizeof(f.address_why), "no IPv6 default route");
	diagnose_ipv6(&f, &d);
	CHECK_EQ_INT(d.inbound, NAT_TRI_NO);
	CHECK_EQ_INT(d.n_advice, 1);
	CHECK(strstr(d.advice[0], "no stable global IPv6 address (no IPv6 default route)") != NULL);
	CHECK(strstr(d.advice[0], "map -6") == NULL);

	f = v6_home(&stun, NAT_TRI_YES, NAT_TRI_UNKNOWN, NAT_DEP_ADDRESS_AND_PORT);
	stun.nat = NAT_TRI_YES;
	stun.mapped = ip("2001:db8:99::1");
	diagnose_ipv6(&f, &d);
	CHECK_EQ_INT(d.inbound, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(d.n_advice, 0);
	CHECK(strstr(d.reasons[0], "NAT66") != NULL);
	CHECK(strstr(d.verdict, "NAT66 (public 2001:db8:99::1)") != NULL);

	f.asked = false;
	diagnose_ipv6(&f, &d);
	CHECK_EQ_STR(d.verdict, "");
	CHECK_EQ_INT(d.n_advice + d.n_reasons, 0);
}

const struct test_case diagnose_cases[] = {
	T(diagnose_plain_home_router),
	T(diagnose_cgnat_wan_address),
	T(diagnose_private_wan_address),
	T(diagnose_wan_differs_from_stun),
	T(diagnose_stun_learnt_and_refusing),
	T(diagnose_no_mapping_service),
	T(diagnose_udp_blocked_and_no_route),
	T(diagnose_local_cgnat),
	T(diagnose_stun_silent_is_unknown),
	T(diagnose_cgnat_hidden_by_stun),
	T(diagnose_second_nat_on_path),
	T(diagnose_path_rules_out_double_nat),
	T(diagnose_checked_test_mapping),
	T(diagnose_nothing_answered),
	T(diagnose_no_nat),
	T(diagnose_ipv6_inbound),
	T(diagnose_ipv6_no_global_or_nat66),
	{NULL, NULL},
};
