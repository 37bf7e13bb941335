// SPDX-License-Identifier: BSD-2-Clause
// Pure rules that turn STUN observations into RFC 4787 properties and RFC 3489 names.
#include "natctl/stun/nat_types.h"

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

bool nat_alternate_usable(const struct endpoint *server, const struct endpoint *other)
{
	/* RFC 5780 §7.4: the alternate must differ in both address and port,
	 * or the CHANGE-REQUEST tests cannot tell the filters apart. */
	return endpoint_is_set(other) && other->family == server->family &&
	       addr_classify(other) != ADDR_CLASS_UNSPECIFIED && !endpoint_same_ip(other, server) &&
	       other->port != server->port && other->port != 0;
}
