// SPDX-License-Identifier: BSD-2-Clause
// This host's stable global IPv6 address toward the default route, read from /proc/net/if_inet6 and chosen by its flags.
#include "natctl/net/source6.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* 32 hex digits, no separators, network order. */
static bool parse_hex_ip6(const char *s, uint8_t ip[16])
{
	for (int i = 0; i < 16; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		ip[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

static bool parse_line(const char *line, struct source6_row *r)
{
	char hex[33], ifname[IF_NAMESIZE + 1];
	unsigned ifindex, plen, scope, flags;
	if (sscanf(line, "%32s %x %x %x %x %16s", hex, &ifindex, &plen, &scope, &flags, ifname) !=
		    6 ||
	    strlen(hex) != 32 || strlen(ifname) >= IF_NAMESIZE || plen > 128)
		return false;
	memset(r, 0, sizeof(*r));
	if (!parse_hex_ip6(hex, r->addr.ip))
		return false;
	r->addr.family = AF_INET6;
	r->ifindex = ifindex;
	r->prefix_len = plen;
	r->scope = scope;
	r->flags = flags;
	snprintf(r->ifname, sizeof(r->ifname), "%s", ifname);
	return true;
}

size_t source6_parse(const char *text, struct source6_row *rows, size_t cap)
{
	size_t n = 0;
	for (const char *p = text; p && *p && n < cap;) {
		char line[160];
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len < sizeof(line)) {
			memcpy(line, p, len);
			line[len] = '\0';
			if (parse_line(line, &rows[n]))
				n++;
		}
		p = nl ? nl + 1 : NULL;
	}
	return n;
}

enum verdict { ELIGIBLE, TEMPORARY, ULA, DEPRECATED, OTHER };

/*
 * RFC 8981 §3.1: temporary addresses exist so that peers cannot track the
 * host; a pinhole to one is gone when it is. A ULA (RFC 4193) and a
 * link-local address are not reachable from the internet, and a
 * deprecated address "SHOULD NOT be used as the source address in new
 * communications" (RFC 4862 §5.5.4).
 */
static enum verdict judge(const struct source6_row *r)
{
	enum addr_class c = addr_classify(&r->addr);
	if (r->flags & SOURCE6_F_TEMPORARY)
		return TEMPORARY;
	if (c == ADDR_CLASS_PRIVATE)
		return ULA;
	if (r->flags & SOURCE6_F_DEPRECATED)
		return DEPRECATED;
	if (r->scope != 0 || (r->flags & (SOURCE6_F_TENTATIVE | SOURCE6_F_DADFAILED)) ||
	    (c != ADDR_CLASS_GLOBAL && c != ADDR_CLASS_DOCUMENTATION))
		return OTHER;
	return ELIGIBLE;
}

static void count(struct source6_choice *out, enum verdict v)
{
	switch (v) {
	case TEMPORARY: out->skipped_temporary++; break;
	case ULA: out->skipped_ula++; break;
	case DEPRECATED: out->skipped_deprecated++; break;
	case OTHER: out->skipped_other++; break;
	case ELIGIBLE: break;
	}
}

int source6_choose(const struct source6_row *rows, size_t n, const char *ifname,
		   struct source6_choice *out)
{
	memset(out, 0, sizeof(*out));
	snprintf(out->ifname, sizeof(out->ifname), "%s", ifname);
	const struct source6_row *best = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct source6_row *r = &rows[i];
		if (strcmp(r->ifname, ifname) != 0)
			continue;
		enum verdict v = judge(r);
		count(out, v);
		if (v != ELIGIBLE)
			continue;
		/* An optimistic address (RFC 4429) is still in DAD: one that
		 * passed is better. */
		if (!best ||
		    ((best->flags & SOURCE6_F_OPTIMISTIC) && !(r->flags & SOURCE6_F_OPTIMISTIC)))
			best = r;
	}
	if (!best)
		return -1;
	out->addr = best->addr;
	return 0;
}

static void append_skip(char *out, size_t cap, size_t *len, unsigned n, const char *what)
{
	if (n == 0 || *len >= cap)
		return;
	int w = snprintf(out + *len, cap - *len, "%s%u %s", out[*len - 1] == ' ' ? "" : ", ", n,
			 what);
	if (w > 0)
		*len += (size_t)w;
}

char *source6_reason(const struct source6_choice *c, const char *why_interface, char *out,
		     size_t cap)
{
	int w = snprintf(out, cap, "the stable global address of %s, %s", c->ifname, why_interface);
	unsigned skipped = c->skipped_temporary + c->skipped_ula + c->skipped_deprecated;
	if (w < 0 || (size_t)w >= cap || skipped == 0)
		return out;
	size_t len = (size_t)w;
	w = snprintf(out + len, cap - len, " (passed over: ");
	len = w > 0 && len + (size_t)w < cap ? len + (size_t)w : cap;
	append_skip(out, cap, &len, c->skipped_temporary, "temporary");
	append_skip(out, cap, &len, c->skipped_ula, "ULA");
	append_skip(out, cap, &len, c->skipped_deprecated, "deprecated");
	if (len + 1 < cap) {
		out[len++] = ')';
		out[len] = '\0';
	}
	return out;
}

/* The rows of /proc/net/if_inet6, at most cap; or -errno. */
static ssize_t read_rows(struct source6_row *rows, size_t cap)
{
	char text[16384];
	int fd = open("/proc/net/if_inet6", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t len = 0;
	for (;;) {
		ssize_t got = read(fd, text + len, sizeof(text) - 1 - len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
		if (len == sizeof(text) - 1)
			break;
	}
	close(fd);
	text[len] = '\0';
	return (ssize_t)source6_parse(text, rows, cap);
}

#define MAX_ROWS 128

int source6_find(const char *ifname, struct source6_choice *out)
{
	struct source6_row rows[MAX_ROWS];
	ssize_t n = read_rows(rows, MAX_ROWS);
	return n < 0 ? (int)n : source6_choose(rows, (size_t)n, ifname, out);
}

int source6_interface_of(const struct endpoint *addr, char ifname[IF_NAMESIZE])
{
	struct source6_row rows[MAX_ROWS];
	ssize_t n = read_rows(rows, MAX_ROWS);
	for (ssize_t i = 0; i < n; i++)
		if (endpoint_same_ip(&rows[i].addr, addr)) {
			memcpy(ifname, rows[i].ifname, IF_NAMESIZE);
			return 0;
		}
	return n < 0 ? (int)n : -1;
}
