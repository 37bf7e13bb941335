/* SPDX-License-Identifier: BSD-2-Clause */
/* The default gateways (IPv4 from /proc/net/route, IPv6 from /proc/net/ipv6_route), the IPv4 one's link-layer address (the neighbour table) and an interface's IPv4 address. */
#ifndef NATCTL_GATEWAY_H
#define NATCTL_GATEWAY_H

#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"

struct gateway_route {
	struct endpoint gateway; /* port 0 */
	char ifname[IF_NAMESIZE];
	unsigned long metric;
};

/*
 * Finds the default route with a gateway in the text of /proc/net/route,
 * on interface ifname if not NULL; the lowest metric wins. Returns 0, or -1
 * if there is none (malformed lines are skipped).
 */
int gateway_parse_proc_route(const char *text, const char *ifname, struct gateway_route *out);

/* Reads /proc/net/route; 0, -1 if no default gateway, or -errno. */
int gateway_default_v4(const char *ifname, struct gateway_route *out);

/*
 * Finds the IPv6 default route with a next hop in the text of
 * /proc/net/ipv6_route, on interface ifname if not NULL; the lowest metric
 * wins. A link-local next hop gets its interface as scope (ifindex, which
 * the caller fills: parsing knows only the name). Returns 0 or -1.
 */
int gateway_parse_proc_ipv6_route(const char *text, const char *ifname, struct gateway_route *out);

/* Reads /proc/net/ipv6_route; 0, -1 if no default router, or -errno. */
int gateway_default_v6(const char *ifname, struct gateway_route *out);

#define GATEWAY_MAC_LEN 6

/* "02:ab:cd:00:10:ff" (either case), and nothing after it; all zero (an
 * unresolved neighbour) is no address. */
bool gateway_parse_mac(const char *s, uint8_t mac[GATEWAY_MAC_LEN]);

/*
 * The link-layer address of ip in the text of /proc/net/arp: a complete
 * entry, on interface ifname if not NULL. Returns 0, or -1 if there is
 * none (the neighbour not resolved yet, or gone from the table).
 */
int gateway_parse_proc_arp(const char *text, const struct endpoint *ip, const char *ifname,
			   uint8_t mac[GATEWAY_MAC_LEN]);

/* Reads the neighbour table (/proc/net/arp); 0, -1 if ip is not in it, or -errno. */
int gateway_mac(const struct endpoint *ip, const char *ifname, uint8_t mac[GATEWAY_MAC_LEN]);

/* The first IPv4 address of interface ifname; 0, -ENODEV or -EADDRNOTAVAIL. */
int interface_ipv4(const char *ifname, struct endpoint *out);

#endif
