// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the gateway's announcements (NAT-PMP §3.2.1, PCP §14.1.1) parsed and judged, one after another.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "natctl/base/buf.h"
#include "natctl/base/clock.h"
#include "natctl/map/announce.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/map/pcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input is a sequence of datagrams, each a length byte, a time step
 * byte (tens of milliseconds) and the bytes. Each is read as a NAT-PMP and
 * as a PCP announcement and judged against an epoch the gateway gave in
 * answer to us; restarts must come at most once per interval.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct epoch_track track = {0};
	struct announce_limit limit = {0};
	int64_t now = 100 * USEC_PER_SEC, last_restart = 0;
	bool restarted = false;
	epoch_observe(&track, 5000, now);
	struct epoch_track before = track;
	while (size >= 2) {
		size_t len = data[0];
		now += (int64_t)data[1] * 10 * 1000;
		data += 2;
		size -= 2;
		len = len < size ? len : size;
		uint32_t e1 = 0, e2 = 0;
		bool pmp = natpmp_announcement_epoch(data, len, &e1);
		bool pcp = pcp_announcement_epoch(data, len, &e2);
		/* A datagram is one protocol's or the other's, never both. */
		if (pmp && pcp)
			abort();
		if ((pmp && (len < 12 || e1 != load_be32(data + 4))) ||
		    (pcp && (len < 24 || e2 != load_be32(data + 8))))
			abort();
		if (pmp || pcp) {
			enum announce_verdict v =
				announce_judge(&limit, &track, pmp ? e1 : e2, now);
			if (v == ANNOUNCE_RESTART) {
				if (restarted && now - last_restart < ANNOUNCE_MIN_INTERVAL_US)
					abort();
				restarted = true;
				last_restart = now;
			}
		}
		data += len;
		size -= len;
	}
	/* Announcements never move the epoch: only answers to us do. */
	if (track.server != before.server || track.client_us != before.client_us)
		abort();
	return 0;
}
