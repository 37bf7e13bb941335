// SPDX-License-Identifier: BSD-2-Clause
// Pure rules that turn STUN observations into RFC 4787 properties and RFC 3489 names.
#include "natctl/stun/nat_types.h"

#include <stdio.h>
#include <string.h>

const char *nat_dependence_name(enum nat_dependence d)
{
	switch (d) {
	case NAT_DEP_ENDPOINT_INDEPENDENT: return "endpoint-independent";
	case NAT_DEP_ADDRESS: return "address-dependent";
	case NAT_DEP_ADDRESS_AND_PORT: return "address-and-port-dependent";
	case NAT_DEP_UNKNOWN: break;
	}
	return "unknown";
}

const char *nat_classic_name(enum nat_classic c)
{
	switch (c) {
	case NAT_CLASSIC_OPEN_INTERNET: return "open-internet";
	case NAT_CLASSIC_FULL_CONE: return "full-cone";
	case NAT_CLASSIC_RESTRICTED_CONE: return "restricted-cone";
	case NAT_CLASSIC_PORT_RESTRICTED_CONE: return "port-restricted-cone";
	case NAT_CLASSIC_SYMMETRIC: return "symmetric";
	case NAT_CLASSIC_UDP_BLOCKED: return "udp-blocked";
	case NAT_CLASSIC_UNKNOWN: break;
	}
	return "unknown";
}

/*
 * RFC 4787 §5 defines filtering for a NAT, but a stateful firewall without
 * one (an IPv6 router's forward chain, this host's own) filters by the same
 * three rules, so the terms stay and the subject changes.
 */
const char *nat_firewall_verdict(enum nat_tri nat, enum nat_dependence filtering)
{
	if (nat != NAT_TRI_NO)
		return NULL;
	switch (filtering) {
	case NAT_DEP_ENDPOINT_INDEPENDENT:
		return "no NAT, firewall open: endpoint-independent filtering (any host may "
		       "answer)";
	case NAT_DEP_ADDRESS:
		return "no NAT, firewall: address-dependent filtering (only hosts this host sent "
		       "to may answer)";
	case NAT_DEP_ADDRESS_AND_PORT:
		return "no NAT, firewall: address-and-port-dependent filtering (only the address "
		       "and port this host sent to may answer)";
	case NAT_DEP_UNKNOWN: break;
	}
	return "no NAT, firewall: filtering unknown";
}

/*
 * RFC 3489 §10.1 by way of RFC 4787: a cone NAT maps endpoint-independently
 * and its filtering names the cone; any endpoint-dependent mapping is
 * symmetric. Without a NAT, only unfiltered access is "open internet".
 */
enum nat_classic nat_classic_from(enum nat_tri nat, enum nat_dependence mapping,
				  enum nat_dependence filtering)
{
	if (nat == NAT_TRI_NO)
		return filtering == NAT_DEP_ENDPOINT_INDEPENDENT ? NAT_CLASSIC_OPEN_INTERNET
								 : NAT_CLASSIC_UNKNOWN;
	if (nat != NAT_TRI_YES)
		return NAT_CLASSIC_UNKNOWN;
	if (mapping == NAT_DEP_ADDRESS || mapping == NAT_DEP_ADDRESS_AND_PORT)
		return NAT_CLASSIC_SYMMETRIC;
	if (mapping != NAT_DEP_ENDPOINT_INDEPENDENT)
		return NAT_CLASSIC_UNKNOWN;
	switch (filtering) {
	case NAT_DEP_ENDPOINT_INDEPENDENT: return NAT_CLASSIC_FULL_CONE;
	case NAT_DEP_ADDRESS: return NAT_CLASSIC_RESTRICTED_CONE;
	case NAT_DEP_ADDRESS_AND_PORT: return NAT_CLASSIC_PORT_RESTRICTED_CONE;
	case NAT_DEP_UNKNOWN: break;
	}
	return NAT_CLASSIC_UNKNOWN;
}

/*
 * RFC 5780 §4.3: test II (alternate IP, primary port) mapping equal to test
 * I's means endpoint-independent; otherwise test III (alternate IP and port)
 * equal to test II's means address-dependent, else address-and-port-dependent.
 * ma2/ma3 are NULL while unanswered; returns UNKNOWN while undecided.
 */
enum nat_dependence nat_mapping_from(const struct endpoint *ma1, const struct endpoint *ma2,
				     const struct endpoint *ma3)
{
	if (ma2 && endpoint_equal(ma1, ma2))
		return NAT_DEP_ENDPOINT_INDEPENDENT;
	if (ma2 && ma3)
		return endpoint_equal(ma2, ma3) ? NAT_DEP_ADDRESS : NAT_DEP_ADDRESS_AND_PORT;
	return NAT_DEP_UNKNOWN;
}

/*
 * How far an address reaches, for the rule that a server may not steer our
 * requests somewhere its own address does not suggest. Documentation
 * prefixes (RFC 5737, RFC 3849) stand for public addresses in examples and
 * test networks, so they count as global; CGNAT's shared space (RFC 6598)
 * is private to an ISP, as RFC 1918 space is to a site.
 */
enum nat_scope {
	NAT_SCOPE_NONE, /* never a destination: unset, unspecified, multicast, reserved */
	NAT_SCOPE_LOOPBACK,
	NAT_SCOPE_LINK,
	NAT_SCOPE_PRIVATE,
	NAT_SCOPE_GLOBAL,
};

/*
 * An IPv6 address that carries an IPv4 one reaches as far as that does: a
 * dual-stack socket sends to ::ffff:127.0.0.2 as to 127.0.0.2, and NAT64
 * (64:ff9b::/96, RFC 6052) translates to the IPv4 address in its last 32
 * bits; ::a.b.c.d (RFC 4291's deprecated IPv4-compatible form) likewise.
 */
static struct endpoint unwrap_v4(const struct endpoint *e)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	static const uint8_t compatible[12] = {0};
	static const uint8_t nat64[12] = {0, 0x64, 0xff, 0x9b};
	struct endpoint v4 = *e;
	if (e->family != AF_INET6 ||
	    (memcmp(e->ip, mapped, 12) != 0 && memcmp(e->ip, compatible, 12) != 0 &&
	     memcmp(e->ip, nat64, 12) != 0))
		return v4;
	if (memcmp(e->ip, compatible, 12) == 0 && (e->ip[12] | e->ip[13] | e->ip[14]) == 0 &&
	    e->ip[15] <= 1)
		return v4; /* :: and ::1 are IPv6's own */
	v4.family = AF_INET;
	memmove(v4.ip, e->ip + 12, 4);
	return v4;
}

static enum nat_scope scope_of(const struct endpoint *in)
{
	struct endpoint e4 = unwrap_v4(in);
	const struct endpoint *e = &e4;
	switch (addr_classify(e)) {
	case ADDR_CLASS_LOOPBACK: return NAT_SCOPE_LOOPBACK;
	case ADDR_CLASS_LINK_LOCAL: return NAT_SCOPE_LINK;
	case ADDR_CLASS_PRIVATE:
	case ADDR_CLASS_CGNAT: return NAT_SCOPE_PRIVATE;
	case ADDR_CLASS_DOCUMENTATION:
	case ADDR_CLASS_GLOBAL: return NAT_SCOPE_GLOBAL;
	case ADDR_CLASS_UNSPEC:
	case ADDR_CLASS_UNSPECIFIED:
	case ADDR_CLASS_RESERVED: break;
	}
	return NAT_SCOPE_NONE;
}

static const char *scope_name(enum nat_scope s)
{
	static const char *const names[] = {
		[NAT_SCOPE_NONE] = "not a unicast address",
		[NAT_SCOPE_LOOPBACK] = "loopback",
		[NAT_SCOPE_LINK] = "link-local",
		[NAT_SCOPE_PRIVATE] = "private",
		[NAT_SCOPE_GLOBAL] = "global",
	};
	return names[s];
}

/* A destination the server named must be unicast and reach as far as the
 * server does: a global server may not send us to loopback, the LAN or a
 * multicast group (nor a LAN server to the internet). */
static const char *scope_mismatch(const struct endpoint *server, const struct endpoint *dst,
				  char *why, size_t cap)
{
	enum nat_scope want = scope_of(server), got = scope_of(dst);
	if (got == NAT_SCOPE_NONE) {
		snprintf(why, cap, "is %s", scope_name(got));
		return why;
	}
	if (got != want) {
		snprintf(why, cap, "is %s while the server is %s", scope_name(got),
			 scope_name(want));
		return why;
	}
	return NULL;
}

const char *nat_alternate_unusable(const struct endpoint *server, const struct endpoint *other,
				   char *why, size_t cap)
{
	if (!endpoint_is_set(other) || other->family != server->family) {
		snprintf(why, cap, "is not of the server's address family");
		return why;
	}
	/* RFC 5780 §7.4: the alternate must differ in both address and port,
	 * or the CHANGE-REQUEST tests cannot tell the filters apart. */
	if (endpoint_same_ip(other, server) || other->port == server->port || other->port == 0) {
		snprintf(why, cap, "does not differ from the server in both address and port");
		return why;
	}
	return scope_mismatch(server, other, why, cap);
}

bool nat_alternate_usable(const struct endpoint *server, const struct endpoint *other)
{
	char why[NAT_REASON_LEN];
	return nat_alternate_unusable(server, other, why, sizeof(why)) == NULL;
}

const char *nat_hairpin_unusable(const struct endpoint *server, const struct endpoint *mapped,
				 char *why, size_t cap)
{
	if (!endpoint_is_set(mapped) || mapped->family != server->family) {
		snprintf(why, cap, "is not of the server's address family");
		return why;
	}
	if (mapped->port == 0) {
		snprintf(why, cap, "has port 0");
		return why;
	}
	return scope_mismatch(server, mapped, why, cap);
}
