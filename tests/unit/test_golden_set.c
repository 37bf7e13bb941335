// SPDX-License-Identifier: BSD-2-Clause
// Golden files for sets of mappings (a range, both transports, --cleanup) and the --keep events of issue 11 (remapped to another port, hook-failed).
#include <netinet/in.h>
#include <string.h>

#include "golden.h"
#include "natctl/cli/output_map.h"
#include "test.h"

static void set_goldens(const char *base, const char *operation, const struct map_result *rs,
			size_t n, const struct map_result *summary)
{
	char name[128];
	for (int json = 0; json <= 1; json++) {
		struct golden g;
		snprintf(name, sizeof(name), "%s.%s", base, json ? "json" : "txt");
		golden_begin(&g, json, false);
		render_map_set(&g.out, operation, rs, n, summary);
		GOLDEN_END(&g, name);
	}
}

/* 9000-9001 both through UPnP: three made, 9001/udp held by another host. */
static void golden_map_set_range(void)
{
	struct map_result rs[4], summary;
	golden_mapping(&rs[0], MAP_UPNP, IPPROTO_TCP, 9000, 7200);
	golden_mapping(&rs[1], MAP_UPNP, IPPROTO_UDP, 9000, 7200);
	golden_mapping(&rs[2], MAP_UPNP, IPPROTO_TCP, 9001, 7200);
	golden_mapping(&rs[3], MAP_UPNP, IPPROTO_UDP, 9001, 0);
	for (int i = 0; i < 3; i++)
		snprintf(rs[i].description, sizeof(rs[i].description), "natctl host");
	rs[3].ok = false;
	rs[3].external.family = 0; /* the address is unknown on failure */
	memset(rs[3].external.ip, 0, sizeof(rs[3].external.ip));
	rs[3].failure = FAILURE_CONFLICT;
	snprintf(rs[3].error, sizeof(rs[3].error),
		 "upnp: external port 9001/udp is held by 192.168.77.11:9001 (718)");
	memset(&summary, 0, sizeof(summary));
	summary.method = MAP_NONE;
	summary.gateway = golden_ep("192.168.77.1", 0);
	summary.failure = FAILURE_CONFLICT;
	snprintf(summary.error, sizeof(summary.error),
		 "1 of 4 mappings failed (9001/udp: upnp: external port 9001/udp is held by "
		 "192.168.77.11:9001 (718))");
	set_goldens("map_set_range", "map", rs, 4, &summary);
}

/* --cleanup: a PCP mapping deleted, a UPnP one the gateway no longer had. */
static void golden_map_set_cleanup(void)
{
	struct map_result rs[2], summary;
	golden_mapping(&rs[0], MAP_PCP, IPPROTO_UDP, 51413, 0);
	rs[0].deleted_by = MAP_BIT(MAP_PCP);
	golden_mapping(&rs[1], MAP_UPNP, IPPROTO_TCP, 8080, 0);
	snprintf(rs[1].warnings[rs[1].n_warnings++], MAP_TEXT_MAX, "the gateway no longer had it");
	memset(&summary, 0, sizeof(summary));
	summary.method = MAP_NONE;
	summary.gateway = golden_ep("192.168.77.1", 0);
	set_goldens("map_set_cleanup", "cleanup", rs, 2, &summary);
}

/* --cleanup with nothing of natctl's anywhere: an empty set, exit 0. */
static void golden_map_set_cleanup_empty(void)
{
	struct map_result summary;
	memset(&summary, 0, sizeof(summary));
	summary.method = MAP_NONE;
	summary.gateway = golden_ep("192.168.77.1", 0);
	set_goldens("map_set_cleanup_empty", "cleanup", NULL, 0, &summary);
}

/* --keep --any: the renewal got another port; remapped says the new one. */
static void golden_map_keep_remapped_port(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_UDP, 51413, 60);
	r.external.port = 40123;
	golden_map_event("map_keep_remapped_port", MAP_EVENT_REMAPPED, &r);
}

/* --on-change failed for an event: the mapping it was for, and why. */
static void golden_map_keep_hook_failed(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_UDP, 51413, 60);
	r.ok = false;
	r.failure = FAILURE_SYSTEM;
	snprintf(r.error, sizeof(r.error),
		 "--on-change for remapped: still running at its bound: killed");
	golden_map_event("map_keep_hook_failed", MAP_EVENT_HOOK_FAILED, &r);
}

const struct test_case golden_set_cases[] = {
	T(golden_map_set_range),         T(golden_map_set_cleanup),
	T(golden_map_set_cleanup_empty), T(golden_map_keep_remapped_port),
	T(golden_map_keep_hook_failed),  {NULL, NULL},
};
