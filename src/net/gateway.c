// SPDX-License-Identifier: BSD-2-Clause
// The default gateways from /proc/net/route and /proc/net/ipv6_route, and interface addresses.
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

int gateway_parse_proc_route(const char *text, const char *ifname, struct gateway_route *out)
{
	bool found = false;
	const char *p = strchr(text, '\n'); /* the first line is the column titles */
	while (p && *++p) {
		char line[256];
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		if (n < sizeof(line)) {
			memcpy(line, p, n);
			line[n] = '\0';
			struct gateway_route r;
			if (parse_line(line, &r) && (!ifname || strcmp(r.ifname, ifname) == 0) &&
			    (!found || r.metric < out->metric)) {
				*out = r;
				found = true;
			}
		}
		p = nl;
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

/* The text of a /proc file, cut at cap - 1 bytes; 0 or -errno. */
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
			break; /* a huge table: the default route comes early anyway */
	}
	close(fd);
	text[len] = '\0';
	return 0;
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

int gateway_default_v4(const char *ifname, struct gateway_route *out)
{
	char text[16384];
	int fd = open("/proc/net/route", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		ssize_t n = read(fd, text + len, sizeof(text) - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		if (len == sizeof(text) - 1)
			break; /* a huge table: the default route comes early anyway */
	}
	close(fd);
	text[len] = '\0';
	return gateway_parse_proc_route(text, ifname, out);
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
