// SPDX-License-Identifier: BSD-2-Clause
// The IPv6 side of the diagnosis: a global address, the router's pinhole protocols and the firewall STUN saw, into a verdict and advice (pure).
#include <stdio.h>
#include <string.h>

#include "natctl/base/text.h"
#include "natctl/probe/diagnose.h"

#define advise(d, ...) TEXT_LINES_ADD((d)->advice, (d)->n_advice, __VA_ARGS__)
#define reason(d, ...) TEXT_LINES_ADD((d)->reasons, (d)->n_reasons, __VA_ARGS__)

/* The advice the issue asks for, word for word, at the head of its line. */
#define MAP6_ADVICE "IPv6 inbound can be opened with `natctl map -6`"

static bool stun6_answered(const struct v6_facts *f)
{
	return f->stun && (f->stun->udp_answered || f->stun->tcp_answered);
}

/* Without a stable global address nothing from the internet can reach this
 * host over IPv6, whatever the router offers. */
static void judge_address(const struct v6_facts *f, struct v6_diagnosis *d)
{
	if (f->global == NAT_TRI_NO) {
		d->inbound = NAT_TRI_NO;
		advise(d,
		       "This host has no stable global IPv6 address (%s): IPv6 inbound from the "
		       "internet cannot reach it.",
		       f->address_why[0] ? f->address_why : "none found");
	} else if (f->global == NAT_TRI_UNKNOWN) {
		reason(d, "IPv6 address: unknown: %s",
		       f->address_why[0] ? f->address_why : "the addresses could not be read");
	}
}

/* STUN over IPv6: the server saw this host's own address (a firewall at
 * most), or another one (a NAT66 or NPTv6 in between). */
static void judge_stun(const struct v6_facts *f, struct v6_diagnosis *d)
{
	char pub[IP_STRLEN];
	if (!stun6_answered(f)) {
		reason(d, "IPv6 firewall filtering: unknown: %s",
		       !f->stun            ? "STUN over IPv6 could not run"
		       : f->stun->error[0] ? f->stun->error
					   : "no STUN server answered over IPv6");
		return;
	}
	if (f->stun->nat != NAT_TRI_YES)
		return;
	reason(d, "IPv6 inbound: unknown: a NAT66 or NPTv6 is in between (the server saw %s)",
	       endpoint_format_ip(&f->stun->mapped, pub));
}

static bool any_pinhole(const struct v6_facts *f, enum nat_tri v)
{
	return f->pcp_pinhole == v || f->upnp_pinhole == v;
}

/* Inbound can be opened when a pinhole protocol answered; not when both are
 * known to be missing; else it stays unknown, with the reason. */
static void judge_pinholes(const struct v6_facts *f, struct v6_diagnosis *d)
{
	bool natted = stun6_answered(f) && f->stun->nat == NAT_TRI_YES;
	if (d->inbound == NAT_TRI_NO || natted || f->global != NAT_TRI_YES)
		return;
	if (any_pinhole(f, NAT_TRI_YES)) {
		d->inbound = NAT_TRI_YES;
	} else if (f->pcp_pinhole == NAT_TRI_NO && f->upnp_pinhole == NAT_TRI_NO) {
		d->inbound = NAT_TRI_NO;
	} else {
		reason(d,
		       "IPv6 inbound: unknown: whether the router opens pinholes is not known "
		       "(PCP: %s; UPnP IGDv2: %s)",
		       f->pcp_pinhole == NAT_TRI_UNKNOWN && f->pcp_why[0] ? f->pcp_why : "no",
		       f->upnp_pinhole == NAT_TRI_UNKNOWN && f->upnp_why[0] ? f->upnp_why : "no");
	}
}

/* What the firewall does to unsolicited packets, as STUN saw it; "" unknown. */
static const char *firewall_clause(const struct v6_facts *f)
{
	if (!stun6_answered(f) || f->stun->nat != NAT_TRI_NO)
		return "";
	switch (f->stun->filtering) {
	case NAT_DEP_ENDPOINT_INDEPENDENT:
		return ": the router's firewall already lets anyone answer a port this host sent "
		       "from (endpoint-independent filtering); a pinhole opens one it has not";
	case NAT_DEP_ADDRESS:
		return ": the router's firewall lets in only hosts this host sent to "
		       "(address-dependent filtering), a pinhole lets in everyone";
	case NAT_DEP_ADDRESS_AND_PORT:
		return ": the router's firewall lets in only the address and port this host sent "
		       "to (address-and-port-dependent filtering), a pinhole lets in everyone";
	case NAT_DEP_UNKNOWN: break;
	}
	return "";
}

static void advise_map6(const struct v6_facts *f, struct v6_diagnosis *d)
{
	char ip[IP_STRLEN];
	if (f->global != NAT_TRI_YES || d->inbound == NAT_TRI_NO ||
	    (stun6_answered(f) && f->stun->nat == NAT_TRI_YES)) {
		if (f->global == NAT_TRI_YES && f->pcp_pinhole == NAT_TRI_NO &&
		    f->upnp_pinhole == NAT_TRI_NO)
			advise(d,
			       "The router opens no IPv6 pinholes (neither PCP nor UPnP IGDv2): open "
			       "the port to %s in its IPv6 firewall by hand.",
			       endpoint_format_ip(&f->address, ip));
		return;
	}
	advise(d, MAP6_ADVICE "%s%s.",
	       d->inbound == NAT_TRI_YES ? ""
					 : " (if the router allows pinholes by PCP or UPnP IGDv2)",
	       firewall_clause(f));
}

static const char *pinholes_text(const struct v6_facts *f, char *out, size_t cap)
{
	if (f->pcp_pinhole == NAT_TRI_YES || f->upnp_pinhole == NAT_TRI_YES)
		snprintf(out, cap, "%s%s%s", f->pcp_pinhole == NAT_TRI_YES ? "PCP" : "",
			 f->pcp_pinhole == NAT_TRI_YES && f->upnp_pinhole == NAT_TRI_YES ? ", "
											 : "",
			 f->upnp_pinhole == NAT_TRI_YES ? "UPnP IGDv2" : "");
	else
		snprintf(out, cap, "%s",
			 f->pcp_pinhole == NAT_TRI_NO && f->upnp_pinhole == NAT_TRI_NO ? "none"
										       : "unknown");
	return out;
}

/* "IPv6: global address 2001:db8:77::10; no NAT, firewall: ... filtering
 * (...); pinholes: unknown" */
static void write_verdict(const struct v6_facts *f, struct v6_diagnosis *d)
{
	char ip[IP_STRLEN], pub[IP_STRLEN], holes[32], stun[160];
	const char *fw =
		stun6_answered(f) ? nat_firewall_verdict(f->stun->nat, f->stun->filtering) : NULL;
	if (fw)
		snprintf(stun, sizeof(stun), "%s", fw);
	else if (stun6_answered(f))
		snprintf(stun, sizeof(stun), "%s (public %s)",
			 f->stun->nat == NAT_TRI_YES ? "NAT66" : "NAT unknown",
			 endpoint_format_ip(&f->stun->mapped, pub));
	else
		snprintf(stun, sizeof(stun), "firewall unknown (no STUN answer)");
	snprintf(d->verdict, sizeof(d->verdict), "IPv6: %s%s; %s; pinholes: %s",
		 f->global == NAT_TRI_YES  ? "global address "
		 : f->global == NAT_TRI_NO ? "no global address"
					   : "global address unknown",
		 f->global == NAT_TRI_YES ? endpoint_format_ip(&f->address, ip) : "", stun,
		 pinholes_text(f, holes, sizeof(holes)));
}

void diagnose_ipv6(const struct v6_facts *f, struct v6_diagnosis *d)
{
	memset(d, 0, sizeof(*d));
	d->inbound = NAT_TRI_UNKNOWN;
	if (!f->asked)
		return;
	judge_address(f, d);
	judge_stun(f, d);
	judge_pinholes(f, d);
	advise_map6(f, d);
	write_verdict(f, d);
}
