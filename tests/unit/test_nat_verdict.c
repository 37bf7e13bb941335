// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the pure NAT verdict rules (RFC 5780 §4, RFC 3489 names).
#include "natctl/stun/nat_types.h"
#include "test.h"

static void nat_classic_table(void)
{
	static const struct {
		enum nat_tri nat;
		enum nat_dependence mapping, filtering;
		enum nat_classic want;
	} rows[] = {
		{NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ENDPOINT_INDEPENDENT,
		 NAT_CLASSIC_FULL_CONE},
		{NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ADDRESS,
		 NAT_CLASSIC_RESTRICTED_CONE},
		{NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ADDRESS_AND_PORT,
		 NAT_CLASSIC_PORT_RESTRICTED_CONE},
		{NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_UNKNOWN, NAT_CLASSIC_UNKNOWN},
		{NAT_TRI_YES, NAT_DEP_ADDRESS, NAT_DEP_UNKNOWN, NAT_CLASSIC_SYMMETRIC},
		{NAT_TRI_YES, NAT_DEP_ADDRESS_AND_PORT, NAT_DEP_ENDPOINT_INDEPENDENT,
		 NAT_CLASSIC_SYMMETRIC},
		{NAT_TRI_YES, NAT_DEP_UNKNOWN, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_CLASSIC_UNKNOWN},
		{NAT_TRI_NO, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ENDPOINT_INDEPENDENT,
		 NAT_CLASSIC_OPEN_INTERNET},
		{NAT_TRI_NO, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ADDRESS_AND_PORT,
		 NAT_CLASSIC_UNKNOWN},
		{NAT_TRI_NO, NAT_DEP_UNKNOWN, NAT_DEP_UNKNOWN, NAT_CLASSIC_UNKNOWN},
		{NAT_TRI_UNKNOWN, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ENDPOINT_INDEPENDENT,
		 NAT_CLASSIC_UNKNOWN},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_EQ_STR(nat_classic_name(nat_classic_from(rows[i].nat, rows[i].mapping,
							       rows[i].filtering)),
			     nat_classic_name(rows[i].want));
}

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e;
	endpoint_parse_ip(&e, ip);
	e.port = port;
	return e;
}

static void nat_mapping_rules(void)
{
	struct endpoint ma1 = ep("203.0.113.2", 40000), same = ma1;
	struct endpoint other = ep("203.0.113.2", 40001), third = ep("203.0.113.2", 40002);
	CHECK_EQ_INT(nat_mapping_from(&ma1, &same, NULL), NAT_DEP_ENDPOINT_INDEPENDENT);
	CHECK_EQ_INT(nat_mapping_from(&ma1, &other, NULL), NAT_DEP_UNKNOWN); /* needs test III */
	CHECK_EQ_INT(nat_mapping_from(&ma1, &other, &other), NAT_DEP_ADDRESS);
	CHECK_EQ_INT(nat_mapping_from(&ma1, &other, &third), NAT_DEP_ADDRESS_AND_PORT);
	CHECK_EQ_INT(nat_mapping_from(&ma1, NULL, &third), NAT_DEP_UNKNOWN);
}

static void nat_alternate_rules(void)
{
	struct endpoint server = ep("198.51.100.10", 3478);
	struct endpoint good = ep("198.51.100.11", 3479);
	struct endpoint same_ip = ep("198.51.100.10", 3479);
	struct endpoint same_port = ep("198.51.100.11", 3478);
	struct endpoint zero = ep("0.0.0.0", 3479);
	struct endpoint v6 = ep("2001:db8::11", 3479);
	struct endpoint unset = {0};
	CHECK(nat_alternate_usable(&server, &good));
	CHECK(!nat_alternate_usable(&server, &same_ip));
	CHECK(!nat_alternate_usable(&server, &same_port));
	CHECK(!nat_alternate_usable(&server, &zero));
	CHECK(!nat_alternate_usable(&server, &v6));
	CHECK(!nat_alternate_usable(&server, &unset));
}

/* Issue 9: a server may not steer our tests to an address its own does not
 * suggest (a hostile one named 127.0.0.2:9999 and 127.0.0.3:7777). */
static void nat_alternate_scope_rules(void)
{
	static const struct {
		const char *server, *alt;
		bool usable;
		const char *why;
	} rows[] = {
		{"198.51.100.10", "198.51.100.11", true, NULL},
		{"198.51.100.10", "8.8.8.8", true, NULL},
		{"198.51.100.10", "127.0.0.2", false, "is loopback while the server is global"},
		{"198.51.100.10", "169.254.1.1", false, "is link-local while the server is global"},
		{"198.51.100.10", "192.168.1.1", false, "is private while the server is global"},
		{"198.51.100.10", "10.0.0.1", false, "is private while the server is global"},
		{"198.51.100.10", "100.64.0.1", false, "is private while the server is global"},
		{"198.51.100.10", "224.0.0.1", false, "is not a unicast address"},
		{"198.51.100.10", "239.255.255.250", false, "is not a unicast address"},
		{"198.51.100.10", "255.255.255.255", false, "is not a unicast address"},
		{"2001:db8::10", "::1", false, "is loopback while the server is global"},
		{"2001:db8::10", "fe80::1", false, "is link-local while the server is global"},
		{"2001:db8::10", "fd00::1", false, "is private while the server is global"},
		{"2001:db8::10", "ff02::1", false, "is not a unicast address"},
		{"2001:db8::10", "2001:db8::11", true, NULL},
		/* IPv6 forms of an IPv4 address reach where that one does */
		{"2001:db8::10", "::ffff:127.0.0.2", false,
		 "is loopback while the server is global"},
		{"2001:db8::10", "64:ff9b::10.0.0.1", false,
		 "is private while the server is global"},
		{"2001:db8::10", "::127.0.0.2", false, "is loopback while the server is global"},
		{"2001:db8::10", "::ffff:224.0.0.1", false, "is not a unicast address"},
		{"2001:db8::10", "64:ff9b::198.51.100.11", true, NULL},
		{"2001:db8::10", "::5", false, "is not a unicast address"},
		{"2001:db8::10", "::", false, "is not a unicast address"},
		/* a server on the LAN or this host may name one of the same kind */
		{"192.168.1.5", "192.168.1.6", true, NULL},
		{"127.0.0.1", "127.0.0.2", true, NULL},
		{"192.168.1.5", "198.51.100.11", false, "is global while the server is private"},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct endpoint server = ep(rows[i].server, 3478), alt = ep(rows[i].alt, 3479);
		char why[NAT_REASON_LEN];
		const char *got = nat_alternate_unusable(&server, &alt, why, sizeof(why));
		CHECK_EQ_INT(nat_alternate_usable(&server, &alt), rows[i].usable);
		if (rows[i].why)
			CHECK_EQ_STR(got, rows[i].why);
		else
			CHECK(got == NULL);
	}
}

static void nat_hairpin_rules(void)
{
	struct endpoint server = ep("198.51.100.10", 3478);
	char why[NAT_REASON_LEN];
	struct endpoint ok = ep("203.0.113.2", 40000);
	CHECK(nat_hairpin_unusable(&server, &ok, why, sizeof(why)) == NULL);
	struct endpoint loop = ep("127.0.0.3", 7777);
	CHECK_EQ_STR(nat_hairpin_unusable(&server, &loop, why, sizeof(why)),
		     "is loopback while the server is global");
	struct endpoint lan = ep("192.168.77.10", 40000);
	CHECK_EQ_STR(nat_hairpin_unusable(&server, &lan, why, sizeof(why)),
		     "is private while the server is global");
	struct endpoint mcast = ep("224.0.0.251", 5353);
	CHECK_EQ_STR(nat_hairpin_unusable(&server, &mcast, why, sizeof(why)),
		     "is not a unicast address");
	struct endpoint v6 = ep("2001:db8::2", 40000);
	CHECK_EQ_STR(nat_hairpin_unusable(&server, &v6, why, sizeof(why)),
		     "is not of the server's address family");
	struct endpoint port0 = ep("203.0.113.2", 0);
	CHECK_EQ_STR(nat_hairpin_unusable(&server, &port0, why, sizeof(why)), "has port 0");
	struct endpoint unset = {0};
	CHECK(nat_hairpin_unusable(&server, &unset, why, sizeof(why)) != NULL);
	/* a server on this host sees a loopback address: that is plausible */
	struct endpoint lo_server = ep("127.0.0.1", 3478), lo_mapped = ep("127.0.0.1", 40000);
	CHECK(nat_hairpin_unusable(&lo_server, &lo_mapped, why, sizeof(why)) == NULL);
}

/* Without a NAT the filtering is a firewall's, named so; with one (or
 * unknown) there is no firewall wording, and the RFC 3489 name speaks. */
static void nat_firewall_words(void)
{
	static const struct {
		enum nat_tri nat;
		enum nat_dependence filtering;
		const char *want;
	} rows[] = {
		{NAT_TRI_NO, NAT_DEP_ENDPOINT_INDEPENDENT,
		 "no NAT, firewall open: endpoint-independent filtering (any host may answer)"},
		{NAT_TRI_NO, NAT_DEP_ADDRESS,
		 "no NAT, firewall: address-dependent filtering (only hosts this host sent to may "
		 "answer)"},
		{NAT_TRI_NO, NAT_DEP_ADDRESS_AND_PORT,
		 "no NAT, firewall: address-and-port-dependent filtering (only the address and "
		 "port this host sent to may answer)"},
		{NAT_TRI_NO, NAT_DEP_UNKNOWN, "no NAT, firewall: filtering unknown"},
		{NAT_TRI_YES, NAT_DEP_ADDRESS_AND_PORT, NULL},
		{NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NULL},
		{NAT_TRI_UNKNOWN, NAT_DEP_ADDRESS, NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *got = nat_firewall_verdict(rows[i].nat, rows[i].filtering);
		if (!rows[i].want)
			CHECK(got == NULL);
		else
			CHECK_EQ_STR(got ? got : "(null)", rows[i].want);
	}
}

const struct test_case nat_verdict_cases[] = {
	T(nat_classic_table),   T(nat_mapping_rules),
	T(nat_alternate_rules), T(nat_alternate_scope_rules),
	T(nat_hairpin_rules),   T(nat_firewall_words),
	{NULL, NULL},
};
