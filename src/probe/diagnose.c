// SPDX-License-Identifier: BSD-2-Clause
// The diagnosis: double NAT, carrier-grade NAT, whether inbound and peer-to-peer can work, and advice, from the evidence there is.
#include "natctl/probe/diagnose.h"

#include <stdio.h>
#include <string.h>

#include "natctl/base/text.h"

/* One piece of advice, and one reason for an unknown, in the diagnosis's bounded lists. */
#define advise(d, ...) TEXT_LINES_ADD((d)->advice, (d)->n_advice, __VA_ARGS__)
#define reason(d, ...) TEXT_LINES_ADD((d)->reasons, (d)->n_reasons, __VA_ARGS__)

static const struct pm_facts *method_facts(const struct probe_facts *f, int m)
{
	return &f->methods[m];
}

/* The public address STUN saw, if it saw one. */
static const struct endpoint *stun_public(const struct probe_facts *f)
{
	if (!f->stun || (!f->stun->udp_answered && !f->stun->tcp_answered))
		return NULL;
	return &f->stun->mapped;
}

/* The gateway's external address: the first protocol that reported one. */
static const struct endpoint *gateway_external(const struct probe_facts *f, const char **by)
{
	for (int i = 0; i < MAP_N_METHODS; i++) {
		const struct pm_facts *m = method_facts(f, i);
		if (m->available && endpoint_is_set(&m->external)) {
			*by = map_method_title((enum map_method)i);
			return &m->external;
		}
	}
	return NULL;
}

static bool any_refused_double_nat(const struct probe_facts *f)
{
	for (int i = 0; i < MAP_N_METHODS; i++)
		if (method_facts(f, i)->refused_double_nat)
			return true;
	return false;
}

static bool any_mapping(const struct probe_facts *f, enum nat_tri v)
{
	for (int i = 0; i < MAP_N_METHODS; i++) {
		const struct pm_facts *m = method_facts(f, i);
		if (m->available && m->mapping_ok == v)
			return true;
	}
	return false;
}

/* The router's own WAN address is private or RFC 6598 shared space. */
static void wan_behind_nat(const struct endpoint *ext, const char *by, struct diagnosis *d)
{
	char e[IP_STRLEN];
	bool cgnat = addr_classify(ext) == ADDR_CLASS_CGNAT;
	d->double_nat = NAT_TRI_YES;
	if (cgnat)
		d->cgnat = NAT_TRI_YES;
	advise(d,
	       "%s works, but your router's WAN address %s is %s: a port forward will not be "
	       "reachable from the internet; %s",
	       by, endpoint_format_ip(ext, e),
	       cgnat ? "carrier-grade NAT" : "a private address (another router is in front of it)",
	       cgnat ? "ask your ISP for a public IPv4 address, or use IPv6 or a relay."
		     : "forward the port on the outer router too, or put this router in bridge mode.");
}

/*
 * The evidence for a double NAT: the gateway's WAN address is private or
 * 100.64/10, or differs from the address the internet sees (STUN), or we
 * ourselves sit in 100.64/10, or the gateway reports the public address
 * (learnt by STUN) yet refuses every mapping the way a router behind another
 * NAT does. Each sets double_nat (and cgnat where 100.64/10 or that refusal
 * shows it) to yes.
 */
static void find_double_nat(const struct probe_facts *f, struct diagnosis *d)
{
	const char *by = NULL;
	const struct endpoint *ext = gateway_external(f, &by), *pub = stun_public(f);
	char e[IP_STRLEN], p[IP_STRLEN];
	if (ext && addr_is_behind_nat(ext)) {
		wan_behind_nat(ext, by, d);
	} else if (ext && pub && !endpoint_same_ip(ext, pub)) {
		d->double_nat = NAT_TRI_YES;
		advise(d,
		       "The router says its WAN address is %s, but the internet sees %s: there is "
		       "another NAT in between; a port forward will not be reachable from the internet.",
		       endpoint_format_ip(ext, e), endpoint_format_ip(pub, p));
	}
	if (addr_classify(&f->local) == ADDR_CLASS_CGNAT) {
		d->double_nat = d->cgnat = NAT_TRI_YES;
		advise(d,
		       "This host's own address %s is carrier-grade NAT space (100.64.0.0/10): "
		       "inbound connections cannot reach it; use IPv6 or a relay.",
		       endpoint_format_ip(&f->local, e));
	}
	if (ext && pub && endpoint_same_ip(ext, pub) && any_refused_double_nat(f) &&
	    !any_mapping(f, NAT_TRI_YES)) {
		d->double_nat = d->cgnat = NAT_TRI_YES;
		advise(d,
		       "The router knows the public address %s but refuses every mapping, as "
		       "routers behind another NAT do (it learnt the address by STUN): likely "
		       "carrier-grade NAT; ask your ISP for a public IPv4 address, or use IPv6 or a relay.",
		       endpoint_format_ip(ext, e));
	}
}

/* Addresses the internet routes (TEST-NET ranges count: the test network uses them). */
static bool is_public(enum addr_class c)
{
	return c == ADDR_CLASS_GLOBAL || c == ADDR_CLASS_DOCUMENTATION;
}

/* The first hop behind the gateway of class want, before any public hop; NULL if none. */
static const struct path_hop *hop_behind_gateway(const struct path_result *p, enum addr_class want)
{
	for (size_t i = 1; i < p->n_hops; i++) {
		const struct path_hop *h = &p->hops[i];
		if (!h->answered || is_public(h->class))
			break;
		if (h->class == want)
			return h;
	}
	return NULL;
}

/* How many NAT layers the path toward the STUN server shows (-1: it cannot tell). */
static void count_layers(const struct probe_facts *f, struct diagnosis *d)
{
	char why[DIAG_TEXT_MAX];
	bool cgnat;
	d->nat_layers = -1;
	if (!f->path) {
		reason(d,
		       "NAT layers: unknown: the path was not traced (no STUN server to trace it to)");
		return;
	}
	d->nat_layers = path_nat_layers(f->path, &cgnat, why, sizeof(why));
	if (d->nat_layers < 0)
		reason(d, "NAT layers: unknown: %s", why);
}

/*
 * The path's evidence, for what the addresses did not show: a hop in
 * 100.64.0.0/10 between the router and the internet is carrier-grade NAT, a
 * private one another NAT. A router that learnt the public address by STUN
 * (miniupnpd's ext_perform_stun) hides both from the address comparison.
 */
static void path_double_nat(const struct probe_facts *f, struct diagnosis *d)
{
	char ip[IP_STRLEN];
	if (d->nat_layers < 2)
		return;
	const struct path_hop *cg = hop_behind_gateway(f->path, ADDR_CLASS_CGNAT);
	const struct path_hop *h = cg ? cg : hop_behind_gateway(f->path, ADDR_CLASS_PRIVATE);
	if (!h || (cg ? d->cgnat : d->double_nat) == NAT_TRI_YES)
		return;
	d->double_nat = NAT_TRI_YES;
	if (cg) {
		d->cgnat = NAT_TRI_YES;
		advise(d,
		       "The path to the internet passes %s (hop %u), carrier-grade NAT space "
		       "(100.64.0.0/10), after your router: a port forward on your router will not be "
		       "reachable from the internet; ask your ISP for a public IPv4 address, or use "
		       "IPv6 or a relay.",
		       endpoint_format_ip(&h->address, ip), h->ttl);
	} else {
		advise(d,
		       "The path to the internet passes %s (hop %u), a private address, after your "
		       "router: another NAT is in front of it, so a port forward will not be reachable "
		       "from the internet; forward the port on the outer router too, or put this "
		       "router in bridge mode.",
		       endpoint_format_ip(&h->address, ip), h->ttl);
	}
}

/*
 * No double NAT only on evidence: STUN saw this host's own address (no NAT
 * at all), or the gateway's public WAN address is the one the internet sees,
 * or the path shows one NAT layer. Anything less leaves it unknown, and
 * says why.
 */
static void rule_out_double_nat(const struct probe_facts *f, struct diagnosis *d)
{
	const char *by = NULL;
	const struct endpoint *ext = gateway_external(f, &by), *pub = stun_public(f);
	char e[IP_STRLEN], p[IP_STRLEN];
	if (d->double_nat == NAT_TRI_YES)
		return;
	if ((pub && f->stun->nat == NAT_TRI_NO) || (ext && pub && endpoint_same_ip(ext, pub)) ||
	    (pub && d->nat_layers == 1)) {
		d->double_nat = d->cgnat = NAT_TRI_NO;
		return;
	}
	if (!ext && !pub)
		reason(d, "double NAT: unknown: neither a port-mapping protocol nor STUN told "
			  "the public address");
	else if (!pub)
		reason(d,
		       "double NAT: unknown: no STUN answer to compare the router's WAN address %s "
		       "with",
		       endpoint_format_ip(ext, e));
	else
		reason(d,
		       "double NAT: unknown: the router told no WAN address to compare the public "
		       "address %s with",
		       endpoint_format_ip(pub, p));
}

static void judge_cgnat(struct diagnosis *d)
{
	if (d->cgnat != NAT_TRI_UNKNOWN)
		return;
	if (d->double_nat == NAT_TRI_YES)
		reason(d,
		       "carrier-grade NAT: unknown: nothing shows what kind of NAT the outer one is");
	else
		reason(d, "carrier-grade NAT: unknown: double NAT could not be ruled out");
}

static void find_methods(const struct probe_facts *f, struct diagnosis *d)
{
	for (int i = 0; i < MAP_N_METHODS; i++)
		if (method_facts(f, i)->available)
			d->methods |= MAP_BIT(i);
}

/* A test mapping proven unreachable: who drops it, as far as the addresses tell. */
static void advise_unreachable(const struct pm_facts *m, enum map_method meth, struct diagnosis *d)
{
	char ext[IP_STRLEN], pub[IP_STRLEN];
	const struct endpoint *seen = &m->check.port_checked;
	if (endpoint_is_set(&m->external) && endpoint_is_set(seen) &&
	    !endpoint_same_ip(&m->external, seen))
		advise(d,
		       "%s accepted a test mapping, but it was not reachable from outside: the NAT in "
		       "front of your router (the internet sees %s, the router says %s) has no "
		       "mapping for it; forward the port there too, or ask your ISP for a public "
		       "address.",
		       map_method_title(meth), endpoint_format_ip(seen, pub),
		       endpoint_format_ip(&m->external, ext));
	else
		advise(d,
		       "%s accepted a test mapping, but it was not reachable from outside: something "
		       "between the internet and this host drops it (a firewall on this host or on "
		       "the router, or a NAT in front of the router).",
		       map_method_title(meth));
}

/* The method's test mapping was checked from outside, and found v. */
static bool checked(const struct pm_facts *m, enum nat_tri v)
{
	return m->available && m->check.asked && m->check.reachable == v;
}

/* Test mappings checked from outside: proof, which beats every inference. */
static bool inbound_from_checks(const struct probe_facts *f, struct diagnosis *d)
{
	bool yes = false, no = false;
	for (int i = 0; i < MAP_N_METHODS; i++) {
		yes = yes || checked(method_facts(f, i), NAT_TRI_YES);
		no = no || checked(method_facts(f, i), NAT_TRI_NO);
	}
	if (!yes && !no)
		return false;
	d->inbound_ok = yes ? NAT_TRI_YES : NAT_TRI_NO;
	d->inbound_proven = true;
	for (int i = 0; i < MAP_N_METHODS && !yes; i++)
		if (checked(method_facts(f, i), NAT_TRI_NO))
			advise_unreachable(method_facts(f, i), (enum map_method)i, d);
	return true;
}

/* Without a check: no if the mappings open only an inner NAT or were all
 * refused; yes only if a method is there and double NAT is ruled out. */
static void infer_inbound(const struct probe_facts *f, struct diagnosis *d)
{
	bool refused_all = f->tested_mapping && !any_mapping(f, NAT_TRI_YES);
	if (d->double_nat == NAT_TRI_YES || (d->methods && refused_all))
		d->inbound_ok = NAT_TRI_NO;
	else if (d->methods && d->double_nat == NAT_TRI_NO)
		d->inbound_ok = NAT_TRI_YES;
	else if (d->methods)
		reason(d,
		       "inbound: unknown: a port-mapping protocol answered, but double NAT could "
		       "not be ruled out");
	else
		reason(d, "inbound: unknown: the gateway answered no port-mapping protocol");
}

/* Can a mapped port be reached: as a checked test mapping proved, else as
 * the evidence suggests; and advice on the mapping protocols. */
static void judge_inbound(const struct probe_facts *f, struct diagnosis *d)
{
	if (!inbound_from_checks(f, d))
		infer_inbound(f, d);
	if (!d->methods && d->double_nat != NAT_TRI_YES && f->stun && f->stun->nat == NAT_TRI_YES)
		advise(d, "The gateway speaks no port-mapping protocol (UPnP IGD, NAT-PMP, PCP): "
			  "enable UPnP or NAT-PMP on the router, or forward the port by hand.");
	for (int i = 0; i < MAP_N_METHODS; i++) {
		const struct pm_facts *m = method_facts(f, i);
		if (m->available && m->mapping_ok == NAT_TRI_NO && m->refusal[0] &&
		    d->double_nat != NAT_TRI_YES)
			advise(d, "%s refused a test mapping: %s.",
			       map_method_title((enum map_method)i), m->refusal);
	}
}

static void judge_p2p(const struct probe_facts *f, struct diagnosis *d)
{
	if (!stun_public(f)) {
		reason(d, "peer-to-peer: unknown: no STUN server answered");
		return;
	}
	switch (f->stun->classic) {
	case NAT_CLASSIC_OPEN_INTERNET:
	case NAT_CLASSIC_FULL_CONE:
	case NAT_CLASSIC_RESTRICTED_CONE:
	case NAT_CLASSIC_PORT_RESTRICTED_CONE: d->p2p_likely = NAT_TRI_YES; break;
	case NAT_CLASSIC_SYMMETRIC:
		d->p2p_likely = NAT_TRI_NO;
		advise(d,
		       "The NAT is symmetric (a new public port for every destination): direct "
		       "peer-to-peer usually fails unless the other side is open; expect a relay (TURN), "
		       "or open a port by mapping.");
		break;
	case NAT_CLASSIC_UDP_BLOCKED:
		d->p2p_likely = NAT_TRI_NO;
		advise(d,
		       "Outbound UDP is blocked: peer-to-peer and most real-time apps need a relay "
		       "over TCP or TLS; ask the network's administrator to allow UDP.");
		break;
	case NAT_CLASSIC_UNKNOWN:
		reason(d,
		       "peer-to-peer: unknown: STUN could not name the NAT type (see stun.reasons)");
		break;
	}
}

static const char *tri_word(enum nat_tri v, const char *yes, const char *no, const char *unknown)
{
	return v == NAT_TRI_YES ? yes : v == NAT_TRI_NO ? no : unknown;
}

static void write_verdict(struct diagnosis *d)
{
	char methods[64] = "";
	for (int i = 0; i < MAP_N_METHODS; i++) {
		if (d->methods & MAP_BIT(i))
			snprintf(methods + strlen(methods), sizeof(methods) - strlen(methods),
				 "%s%s", methods[0] ? ", " : "",
				 map_method_title((enum map_method)i));
	}
	const char *inbound =
		d->inbound_proven && d->inbound_ok == NAT_TRI_YES
			? "inbound connections to a mapped port work (a test mapping was reached "
			  "from outside)"
		: d->cgnat == NAT_TRI_YES
			? "carrier-grade NAT: inbound connections cannot be opened"
		: d->double_nat == NAT_TRI_YES
			? "double NAT: a port mapping opens only the inner router"
			: tri_word(d->inbound_ok, "inbound connections to a mapped port can work",
				   "inbound connections cannot be opened",
				   "inbound connections: unknown");
	snprintf(d->verdict, sizeof(d->verdict), "%s; port mapping: %s; direct peer-to-peer %s",
		 inbound, methods[0] ? methods : "none",
		 tri_word(d->p2p_likely, "likely", "unlikely", "unknown"));
}

void diagnose(const struct probe_facts *f, struct diagnosis *d)
{
	memset(d, 0, sizeof(*d));
	d->double_nat = d->cgnat = d->inbound_ok = d->p2p_likely = NAT_TRI_UNKNOWN;
	d->nat_layers = -1;
	diagnose_ipv6(&f->ipv6, &d->ipv6);
	if (!f->have_route) { /* no verdict, and no advice on no evidence */
		reason(d, "everything: unknown: the probe could not run, so nothing was asked");
		return;
	}
	find_methods(f, d);
	count_layers(f, d);
	find_double_nat(f, d);
	path_double_nat(f, d);
	rule_out_double_nat(f, d);
	judge_cgnat(d);
	judge_inbound(f, d);
	judge_p2p(f, d);
	write_verdict(d);
}
