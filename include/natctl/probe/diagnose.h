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

/* What one port-mapping protocol showed. */
struct pm_facts {
	bool available;           /* the gateway answered it */
	struct endpoint external; /* the external address it reports, if any */
	enum nat_tri mapping_ok;  /* --test-mapping: accepted, refused, or not tried */
	bool refused_double_nat; /* refused the way a double NAT does (UPnP 501, NAT-PMP 3, PCP NO_RESOURCES / ADDRESS_MISMATCH) */
	char refusal[320]; /* the refusal, named, when mapping_ok is NO */
};

struct probe_facts {
	bool have_route;
	struct endpoint local; /* our address toward the gateway */
	char ifname[IF_NAMESIZE];
	struct endpoint gateway;
	struct pm_facts methods[MAP_N_METHODS]; /* by enum map_method */
	bool tested_mapping;                    /* --test-mapping ran */
	const struct nat_report *stun;          /* NULL if STUN could not run */
};

#define DIAG_MAX_ADVICE 6
#define DIAG_TEXT_MAX   320

struct diagnosis {
	bool double_nat;
	bool cgnat;
	enum nat_tri inbound_ok; /* can a mapped port be reached from the internet */
	enum nat_tri p2p_likely; /* is direct peer-to-peer likely, by the NAT type */
	unsigned methods;        /* which protocols answered: MAP_BIT()s */
	char verdict[DIAG_TEXT_MAX];
	char advice[DIAG_MAX_ADVICE][DIAG_TEXT_MAX];
	size_t n_advice;
};

void diagnose(const struct probe_facts *f, struct diagnosis *d);

#endif
