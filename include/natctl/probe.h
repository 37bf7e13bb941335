/* SPDX-License-Identifier: BSD-2-Clause */
/* `natctl probe`'s result: every source's findings and the diagnosis, filled by the probe and rendered by output_probe.c. */
#ifndef NATCTL_PROBE_H
#define NATCTL_PROBE_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/diagnose.h"
#include "natctl/nat_behavior.h"

struct probe_result {
	struct probe_facts facts;
	int upnp_igd_version;        /* 1 or 2; 0 unknown */
	enum nat_tri upnp_connected; /* GetStatusInfo says Connected */
	bool natpmp_epoch_known;
	uint32_t natpmp_epoch;       /* seconds since the gateway started (RFC 6886 §3.2) */
	bool stun_ran;
	struct nat_report stun;
	struct diagnosis diag;
	int64_t elapsed_us;
};

#endif
