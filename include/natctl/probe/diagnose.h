/* SPDX-License-Identifier: BSD-2-Clause */
/* The diagnosis: what the gateway, the port-mapping protocols and STUN found, combined into one verdict (pure). */
#ifndef NATCTL_DIAGNOSE_H
#define NATCTL_DIAGNOSE_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/map_types.h"
#include "natctl/stun/nat_types.h"
#include "natctl/stun/path_types.h"

#define DIAG_MAX_ADVICE  6
#define DIAG_MAX_REASONS 6
#define DIAG_TEXT_MAX    320

/* What one port-mapping protocol showed. */
struct pm_facts {
	bool available;           /* the gateway answered it */
	struct endpoint external; /* the external address it reports, if any */
	enum nat_tri mapping_ok;  /* --test-mapping: accepted, refused, or not tried */
	bool refused_double_nat; /* refused the way a double NAT does (UPnP 501, NAT-PMP 3, PCP NO_RESOURCES / ADDRESS_MISMATCH) */
	char refusal[DIAG_TEXT_MAX]; /* the refusal, named, when mapping_ok is NO */
	char why[DIAG_TEXT_MAX]; /* why it is not available ("no answer from ..."), "" if it is */
	struct map_check check;  /* --test-mapping: the test mapping checked from outside */
};

/* What the probe found about IPv6: the address inbound would reach, the
 * router's pinhole protocols, and STUN over IPv6. */
struct v6_facts {
	bool asked; /* false with -4: nothing about IPv6 was looked at */
	/* A stable global address (not temporary, not a ULA, not link-local)
	 * on the IPv6 default route's interface: yes, no, or unknown when it
	 * could not be read. */
	enum nat_tri global;
	struct endpoint address; /* that address (port 0) */
	char ifname[IF_NAMESIZE];
	char address_why[DIAG_TEXT_MAX]; /* which one it is, or why there is none */
	/* Whether the router opens IPv6 pinholes by PCP (RFC 6887 MAP over
	 * IPv6) and by UPnP IGDv2 WANIPv6FirewallControl; unknown with why. */
	enum nat_tri pcp_pinhole, upnp_pinhole;
	char pcp_why[DIAG_TEXT_MAX], upnp_why[DIAG_TEXT_MAX];
	const struct nat_report *stun; /* STUN over IPv6; NULL if it could not run */
};

/* The IPv6 side's judgement, apart from IPv4's NAT verdict. */
struct v6_diagnosis {
	/* Can inbound IPv6 reach this host: no without a global address or
	 * behind a NAT66 (the server saw another address), yes with one and a
	 * pinhole protocol, else unknown. */
	enum nat_tri inbound;
	char verdict[DIAG_TEXT_MAX]; /* "" when IPv6 was not asked */
	char advice[DIAG_MAX_ADVICE][DIAG_TEXT_MAX];
	size_t n_advice;
	char reasons[DIAG_MAX_REASONS][DIAG_TEXT_MAX];
	size_t n_reasons;
};

struct probe_facts {
	bool have_route;
	struct endpoint local; /* our address toward the gateway */
	char ifname[IF_NAMESIZE];
	struct endpoint gateway;
	struct pm_facts methods[MAP_N_METHODS]; /* by enum map_method */
	bool tested_mapping;                    /* --test-mapping ran */
	const struct nat_report *stun;          /* NULL if STUN could not run */
	const struct path_result *path;         /* the hops toward it; NULL if not probed */
	struct v6_facts ipv6;
};

/* Every judgement is yes, no or unknown; unknown always with a reason, and
 * the verdict and advice rest only on evidence that exists. */
struct diagnosis {
	enum nat_tri double_nat;
	enum nat_tri cgnat;
	enum nat_tri inbound_ok;     /* can a mapped port be reached from the internet */
	bool inbound_proven;         /* by a test mapping checked from outside */
	enum nat_tri p2p_likely;     /* is direct peer-to-peer likely, by the NAT type */
	int nat_layers;              /* NAT layers the path shows; -1 unknown */
	unsigned methods;            /* which protocols answered: MAP_BIT()s */
	char verdict[DIAG_TEXT_MAX]; /* "" when the probe could not run */
	char advice[DIAG_MAX_ADVICE][DIAG_TEXT_MAX];
	size_t n_advice;
	char reasons[DIAG_MAX_REASONS][DIAG_TEXT_MAX]; /* why each unknown is unknown */
	size_t n_reasons;
	struct v6_diagnosis ipv6;
};

/* The IPv6 side alone (diagnose() calls it whatever IPv4 found). */
void diagnose_ipv6(const struct v6_facts *f, struct v6_diagnosis *d);

/* The diagnosis; without a route (f->have_route false), everything unknown and no verdict. */
void diagnose(const struct probe_facts *f, struct diagnosis *d);

#endif
