// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the worker's records as the UPnP client reads a job's report, and every text made from them.
#include "upnp_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Input: one byte of flags (bits 0-1: the job's kind, bit 2: killed, bit 3:
 * overflow), then the bytes the child wrote, as the parent got them.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	enum upnp_job_kind kind = (enum upnp_job_kind)(data[0] & 3);
	struct upnp_client c;
	int64_t now = fuzz_client_start(&c, fuzz_start_job);
	if (kind == UPNP_JOB_DESCRIBE) {
		fuzz_answer(&c, FUZZ_GW, FUZZ_DESC1, now); /* starts the description */
	} else {
		struct upnp_job j = {.kind = kind, .external_port = 8080};
		snprintf(j.internal_client, sizeof(j.internal_client), FUZZ_SELF);
		upnp_client_job(&c, &j);
	}
	fuzz_finish(&c, data + 1, size - 1, data[0] & 4, data[0] & 8, now);
	if (c.n_answers > UPNP_MAX_LOCATIONS || (c.job_lost && !c.job_done))
		__builtin_trap();
	fuzz_use_report(&c);
	if (c.have_igd) {
		struct UPNPUrls urls;
		char why[160];
		/* A described IGD's control URL was checked on receipt. */
		if (upnp_igd_urls(&c.igd, &urls, why, sizeof(why)) < 0)
			__builtin_trap();
		FreeUPNPUrls(&urls);
	}
	upnp_client_close(&c);
	return 0;
}
