// SPDX-License-Identifier: BSD-2-Clause
// The default gateways from /proc/net/route and /proc/net/ipv6_route, the IPv4 one's link-layer address from /proc/net/arp, and interface addresses.
#include "natctl/net/gateway.h"

#include <errno.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* include/uapi/linux/route.h */
#define ROUTE_FLAG_UP      0x0001
#define ROUTE_FLAG_GATEWAY 0x0002

/*
 * One line: "eth0 00000000 014DA8C0 0003 0 0 100 00000000 ...". The kernel
 * prints each address as the %08X of its in-memory (network order) 32-bit
 * value, so copying the parsed number's bytes back gives network order on
 * any host.
 */
static bool parse_line(const char *line, struct gateway_route *r)
{
	char ifname[IF_NAMESIZE + 1];
	unsigned int dest, gw, flags, mask, refcnt, use;
	unsigned long metric;
	if (sscanf(line, "%16s %x %x %x %u %u %lu %x", ifname, &dest, &gw, &flags, &refcnt, &use,
		   &metric, &mask) != 8)
		return false;
	if (strlen(ifname) >= IF_NAMESIZE || dest != 0 || mask != 0 || gw == 0 ||
	    (flags & (ROUTE_FLAG_UP | ROUTE_FLAG_GATEWAY)) != (ROUTE_FLAG_UP | ROUTE_FLAG_GATEWAY))
		return false;
	memset(r, 0, sizeof(*r));
	r->gateway.family = AF_INET;
	uint32_t raw = gw;
	memcpy(r->gateway.ip, &raw, 4);
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->metric = metric;
	return true;
}

/* The next row of a /proc table into line: *at starts at the end of the
 * column titles, and moves on; a row too long for line is skipped. */
static bool next_row(const char **at, char *line, size_t cap)
{
	const char *p = *at;
	while (p && *++p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		*at = nl;
		if (n < cap) {
			memcpy(line, p, n);
			line[n] = '\0';
			return true;
		}
		p = nl;
	}
	*at = NULL;
	return false;
}

int gateway_parse_proc_route(const char *text, const char *ifname, struct gateway_route *out)
{
	bool found = false;
	char line[256];
	struct gateway_route r;
	const char *at = strchr(text, '\n'); /* the first line is the column titles */
	while (next_row(&at, line, sizeof(line)))
		if (parse_line(line, &r) && (!ifname || strcmp(r.ifname, ifname) == 0) &&
		    (!found || r.metric < out->metric)) {
			*out = r;
			found = true;
		}
	return found ? 0 : -1;
}

/* "dest plen src plen next_hop metric refcnt use flags ifname", addresses
 * as 32 hex digits in network order. */
static bool parse_line6(const char *line, struct gateway_route *r)
{
	char dest[33], src[33], hop[33], ifname[IF_NAMESIZE + 1];
	unsigned dplen, splen, metric, refcnt, use, flags;
	if (sscanf(line, "%32s %x %32s %x %32s %x %x %x %x %16s", dest, &dplen, src, &splen, hop,
		   &metric, &refcnt, &use, &flags, ifname) != 10)
		return false;
	static const char zero[] = "00000000000000000000000000000000";
	if (strlen(ifname) >= IF_NAMESIZE || strcmp(dest, zero) != 0 || dplen != 0 ||
	    strlen(hop) != 32 || strcmp(hop, zero) == 0 ||
	    (flags & (ROUTE_FLAG_UP | ROUTE_FLAG_GATEWAY)) != (ROUTE_FLAG_UP | ROUTE_FLAG_GATEWAY))
		return false;
	memset(r, 0, sizeof(*r));
	for (int i = 0; i < 16; i++) {
		unsigned byte;
		if (sscanf(hop + 2 * i, "%2x", &byte) != 1)
			return false;
		r->gateway.ip[i] = (uint8_t)byte;
	}
	r->gateway.family = AF_INET6;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	r->metric = metric;
	return true;
}

/* Every line of text through parse, the lowest metric on ifname kept. */
static int best_route(const char *text, const char *ifname,
		      bool (*parse)(const char *, struct gateway_route *),
		      struct gateway_route *out)
{
	bool found = false;
	for (const char *p = text; p && *p;) {
		char line[256];
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			struct gateway_route r;
			if (parse(line, &r) && (!ifname || strcmp(r.ifname, ifname) == 0) &&
			    (!found || r.metric < out->metric)) {
				*out = r;
				found = true;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	return found ? 0 : -1;
}

int gateway_parse_proc_ipv6_route(const char *text, const char *ifname, struct gateway_route *out)
{
	return best_route(text, ifname, parse_line6, out);
}

/* Reads a /proc file whole into text (cap bytes at most, terminated); 0 or -errno. */
static int read_proc(const char *path, char *text, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, text + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == cap - 1)
			break; /* a huge table: what we look for comes early anyway */
	}
	close(fd);
	text[len] = '\0';
	return 0;
}

int gateway_default_v4(const char *ifname, struct gateway_route *out)
{
	char text[16384];
	int rc = read_proc("/proc/net/route", text, sizeof(text));
	return rc < 0 ? rc : gateway_parse_proc_route(text, ifname, out);
}

int gateway_default_v6(const char *ifname, struct gateway_route *out)
{
	char text[32768];
	int rc = read_proc("/proc/net/ipv6_route", text, sizeof(text));
	if (rc < 0)
		return rc;
	if (gateway_parse_proc_ipv6_route(text, ifname, out) < 0)
		return -1;
	/* RFC 4861 §8: routers are usually known by their link-local address,
	 * which needs its interface to be reached. */
	if (addr_classify(&out->gateway) == ADDR_CLASS_LINK_LOCAL)
		out->gateway.scope_id = if_nametoindex(out->ifname);
	return 0;
}

/* include/uapi/linux/if_arp.h: the entry is complete (the address resolved). */
#define ARP_FLAG_COMPLETE 0x02

bool gateway_parse_mac(const char *s, uint8_t mac[GATEWAY_MAC_LEN])
{
	unsigned v[GATEWAY_MAC_LEN];
	char end;
	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%c", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5],
		   &end) != 6)
		return false;
	unsigned any = 0;
	for (size_t i = 0; i < GATEWAY_MAC_LEN; i++) {
		mac[i] = (uint8_t)v[i];
		any |= v[i];
	}
	return any != 0;
}

/* One line: "192.168.77.1     0x1         0x2         02:fc:00:00:00:05     *        eth0". */
static bool arp_line_matches(const char *line, const struct endpoint *ip, const char *ifname,
			     uint8_t mac[GATEWAY_MAC_LEN])
{
	char addr[IP_STRLEN], hw[32], dev[IF_NAMESIZE + 1];
	unsigned type, flags;
	struct endpoint e;
	return sscanf(line, "%45s %x %x %31s %*s %16s", addr, &type, &flags, hw, dev) == 5 &&
	       (flags & ARP_FLAG_COMPLETE) && endpoint_parse_ip(&e, addr) == 0 &&
	       endpoint_same_ip(&e, ip) && (!ifname || strcmp(dev, ifname) == 0) &&
	       gateway_parse_mac(hw, mac);
}

int gateway_parse_proc_arp(const char *text, const struct endpoint *ip, const char *ifname,
			   uint8_t mac[GATEWAY_MAC_LEN])
{
	char line[256];
	const char *at = strchr(text, '\n'); /* the first line is the column titles */
	while (next_row(&at, line, sizeof(line)))
		if (arp_line_matches(line, ip, ifname, mac))
			return 0;
	return -1;
}

int gateway_mac(const struct endpoint *ip, const char *ifname, uint8_t mac[GATEWAY_MAC_LEN])
{
	char text[16384];
	int rc = read_proc("/proc/net/arp", text, sizeof(text));
	return rc < 0 ? rc : gateway_parse_proc_arp(text, ip, ifname, mac);
}

int interface_ipv4(const char *ifname, struct endpoint *out)
{
	struct ifaddrs *list;
	if (getifaddrs(&list) < 0)
		return -errno;
	int rc = -ENODEV;
	for (struct ifaddrs *i = list; i; i = i->ifa_next) {
		if (strcmp(i->ifa_name, ifname) != 0)
			continue;
		if (rc == -ENODEV)
			rc = -EADDRNOTAVAIL;
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    endpoint_from_sockaddr(out, i->ifa_addr, sizeof(struct sockaddr_in)) == 0) {
			rc = 0;
			break;
		}
	}
	freeifaddrs(list);
	return rc;
}
