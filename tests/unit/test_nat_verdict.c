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

const struct test_case nat_verdict_cases[] = {
	T(nat_classic_table),
	T(nat_mapping_rules),
	T(nat_alternate_rules),
	{NULL, NULL},
};
