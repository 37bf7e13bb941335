/* SPDX-License-Identifier: BSD-2-Clause */
/* The UPnP error codes natctl acts on, by their names in the UPnP specifications (no I/O). */
#ifndef NATCTL_UPNP_CODES_H
#define NATCTL_UPNP_CODES_H

/* UPnP Device Architecture 1.1 §3.2.2 (4xx, 5xx, 6xx) and WANIPConnection:2
 * §2.5 (7xx); miniupnpc returns them as positive numbers, its own errors
 * (UPNPCOMMAND_*) as negative ones. */
enum upnp_code {
	UPNP_INVALID_ACTION = 401,
	UPNP_INVALID_ARGS = 402,
	UPNP_ACTION_FAILED = 501,
	UPNP_OPTIONAL_ACTION_NOT_IMPLEMENTED = 602,
	UPNP_ACTION_NOT_AUTHORIZED = 606,
	UPNP_SPECIFIED_ARRAY_INDEX_INVALID = 713,
	UPNP_NO_SUCH_ENTRY_IN_ARRAY = 714,
	UPNP_CONFLICT_IN_MAPPING_ENTRY = 718,
	UPNP_SAME_PORT_VALUES_REQUIRED = 724,
	UPNP_ONLY_PERMANENT_LEASES_SUPPORTED = 725,
	UPNP_CONFLICT_WITH_OTHER_MECHANISMS = 729,
};

#endif
