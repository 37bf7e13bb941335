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

struct probe_facts {
	bool have_route;
	struct endpoint local; /* our address toward the gateway */
	char ifname[IF_NAMESIZE];
	struct endpoint gateway;
	struct pm_facts methods[MAP_N_METHODS]; /* by enum map_method */
	bool tested_mapping;                    /* --test-mapping ran */
	const struct nat_report *stun;          /* NULL if STUN could not run */
	const struct path_result *path;         /* the hops toward it; NULL if not probed */
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
};

/* The diagnosis; without a route (f->have_route false), everything unknown and no verdict. */
void diagnose(const struct probe_facts *f, struct diagnosis *d);

#endif
