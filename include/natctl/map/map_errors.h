/* SPDX-License-Identifier: BSD-2-Clause */
/* One-line explanations of what gateways answer: result codes by name, with the usual cause (double NAT...). */
#ifndef NATCTL_MAP_ERRORS_H
#define NATCTL_MAP_ERRORS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/map/upnp_jobs.h"

/* "NO_RESOURCES: ..." for a PCP result code. */
void map_pcp_result_text(unsigned result, uint16_t port, const char *proto, char *out, size_t len);
/* "NETWORK_FAILURE: ..." for a NAT-PMP result code. */
void map_natpmp_result_text(unsigned result, char *out, size_t len);

/* A UPnP failure: code, action, who holds the port, whether the mapping was for another host. */
struct upnp_failure {
	const struct upnp_status *status;
	const struct upnp_holder *holder;
	const char *proto; /* "tcp" */
	uint16_t external_port;
	const char *internal; /* the address the mapping was for */
	const char *self;     /* this host's LAN address */
	const char *external; /* the IGD's external address, "" if unknown */
};
void map_upnp_failure_text(const struct upnp_failure *f, char *out, size_t len);

/*
 * A pinhole call that failed (WANIPv6FirewallControl): "AddPinhole refused
 * (606 Action not authorized): the gateway opens pinholes only for the
 * address the request comes from, ...: asked from SELF for [SELF]:PORT/PROTO".
 */
void map_upnp_pinhole_text(const struct upnp_status *st, const char *self, uint16_t port,
			   const char *proto, char *out, size_t len);

/* DELETE refused: "8080/tcp points at 192.168.77.11:8080 (\"game\"), not this host; ...". */
void map_upnp_not_ours_text(const struct upnp_holder *h, uint16_t external_port, const char *proto,
			    char *out, size_t len);

/* "718 ConflictInMappingEntry" (or just the number). */
void map_upnp_code_text(int code, char *out, size_t len);
/* Whether a SOAP call's code is miniupnpc's "no valid HTTP answer" (none in time, or not HTTP). */
bool map_upnp_no_http_answer(int code);

#endif
