/* SPDX-License-Identifier: BSD-2-Clause */
/* The IPv6 source of a pinhole: this host's stable global address on the interface of the IPv6 default route, from /proc/net/if_inet6. */
#ifndef NATCTL_SOURCE6_H
#define NATCTL_SOURCE6_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>

#include "natctl/base/addr.h"

/* include/uapi/linux/if_addr.h: the flags /proc/net/if_inet6 prints. */
#define SOURCE6_F_TEMPORARY  0x01 /* RFC 8981 privacy address */
#define SOURCE6_F_OPTIMISTIC 0x04
#define SOURCE6_F_DADFAILED  0x08
#define SOURCE6_F_DEPRECATED 0x20 /* preferred lifetime over (RFC 4862 §5.5.4) */
#define SOURCE6_F_TENTATIVE  0x40
#define SOURCE6_F_PERMANENT  0x80

/* One line of /proc/net/if_inet6. */
struct source6_row {
	struct endpoint addr; /* port 0 */
	unsigned ifindex;
	unsigned prefix_len;
	unsigned scope; /* the kernel's IPV6_ADDR_SCOPE_*: 0 global, 0x20 link */
	unsigned flags; /* SOURCE6_F_* */
	char ifname[IF_NAMESIZE];
};

/* The choice, and what it passed over on that interface, for the reason. */
struct source6_choice {
	struct endpoint addr;
	char ifname[IF_NAMESIZE];
	unsigned skipped_temporary, skipped_ula, skipped_deprecated, skipped_other;
};

/*
 * Parses the text of /proc/net/if_inet6 into rows[0, cap) ("20010db8...10
 * 03 40 00 80 eth0" a line); malformed lines are skipped. Returns the
 * number of rows.
 */
size_t source6_parse(const char *text, struct source6_row *rows, size_t cap);

/*
 * Picks the stable global address of interface ifname: not temporary, not
 * deprecated, tentative or failed, not a ULA (fc00::/7), not link-local or
 * loopback; the first such row (the kernel lists the newest first), a
 * non-optimistic one before an optimistic one. Returns 0, or -1 if there
 * is none (out still counts what was passed over).
 */
int source6_choose(const struct source6_row *rows, size_t n, const char *ifname,
		   struct source6_choice *out);

/* "the stable global address of eth0, the interface of the IPv6 default
 * route (passed over: 1 temporary, 1 ULA, 1 deprecated)", where the phrase
 * after the interface is why_interface. Returns out. */
char *source6_reason(const struct source6_choice *c, const char *why_interface, char *out,
		     size_t cap);

/* Reads /proc/net/if_inet6 and chooses on ifname: 0, -1 if no such
 * address, or -errno. */
int source6_find(const char *ifname, struct source6_choice *out);

/* The interface that holds addr, by /proc/net/if_inet6: 0, -1 if none
 * does, or -errno. */
int source6_interface_of(const struct endpoint *addr, char ifname[IF_NAMESIZE]);

#endif
