// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for address parsing, formatting and classification.
#include <arpa/inet.h>

#include "natctl/base/addr.h"
#include "test.h"

static void addr_classify_table(void)
{
	static const struct {
		const char *ip;
		enum addr_class cls;
	} rows[] = {
		{"10.1.2.3", ADDR_CLASS_PRIVATE},
		{"172.16.0.1", ADDR_CLASS_PRIVATE},
		{"172.31.255.255", ADDR_CLASS_PRIVATE},
		{"172.32.0.1", ADDR_CLASS_GLOBAL},
		{"192.168.77.10", ADDR_CLASS_PRIVATE},
		{"100.64.0.1", ADDR_CLASS_CGNAT},
		{"100.127.255.255", ADDR_CLASS_CGNAT},
		{"100.128.0.1", ADDR_CLASS_GLOBAL},
		{"127.0.0.1", ADDR_CLASS_LOOPBACK},
		{"169.254.1.1", ADDR_CLASS_LINK_LOCAL},
		{"203.0.113.2", ADDR_CLASS_DOCUMENTATION},
		{"198.51.100.10", ADDR_CLASS_DOCUMENTATION},
		{"192.0.2.1", ADDR_CLASS_DOCUMENTATION},
		{"8.8.8.8", ADDR_CLASS_GLOBAL},
		{"0.0.0.0", ADDR_CLASS_UNSPECIFIED},
		{"224.0.0.1", ADDR_CLASS_RESERVED},
		{"255.255.255.255", ADDR_CLASS_RESERVED},
		{"::1", ADDR_CLASS_LOOPBACK},
		{"::", ADDR_CLASS_UNSPECIFIED},
		{"fd00::1", ADDR_CLASS_PRIVATE},
		{"fe80::1", ADDR_CLASS_LINK_LOCAL},
		{"2001:db8::1", ADDR_CLASS_DOCUMENTATION},
		{"2606:4700::1", ADDR_CLASS_GLOBAL},
		{"ff02::1", ADDR_CLASS_RESERVED},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct endpoint e;
		CHECK(endpoint_parse_ip(&e, rows[i].ip) == 0);
		CHECK_EQ_STR(addr_class_name(addr_classify(&e)), addr_class_name(rows[i].cls));
	}
	struct endpoint e;
	CHECK(endpoint_parse_ip(&e, "100.64.1.1") == 0 && addr_is_behind_nat(&e));
	CHECK(endpoint_parse_ip(&e, "203.0.113.2") == 0 && !addr_is_behind_nat(&e));
}

static void addr_format_and_sockaddr(void)
{
	struct endpoint e, back;
	struct sockaddr_storage ss;
	char s[ENDPOINT_STRLEN];
	CHECK(endpoint_parse_ip(&e, "2001:db8::1") == 0);
	e.port = 3478;
	CHECK_EQ_STR(endpoint_format(&e, s), "[2001:db8::1]:3478");
	socklen_t len = endpoint_to_sockaddr(&e, &ss);
	CHECK(endpoint_from_sockaddr(&back, (struct sockaddr *)&ss, len) == 0);
	CHECK(endpoint_equal(&e, &back));

	CHECK(endpoint_parse_ip(&e, "::ffff:192.0.2.7") == 0);
	len = endpoint_to_sockaddr(&e, &ss);
	CHECK(endpoint_from_sockaddr(&back, (struct sockaddr *)&ss, len) == 0);
	CHECK_EQ_INT(back.family, AF_INET); /* mapped addresses read as IPv4 */
	CHECK_EQ_STR(endpoint_format(&back, s), "192.0.2.7:0");
	CHECK(endpoint_parse_ip(&e, "not-an-ip") < 0);
	CHECK(endpoint_parse_ip(&e, "1.2.3.256") < 0);
}

static void addr_hostport_split_table(void)
{
	static const struct {
		const char *in, *host, *port; /* host NULL: must fail */
	} rows[] = {
		{"198.51.100.10", "198.51.100.10", NULL},
		{"198.51.100.10:3479", "198.51.100.10", "3479"},
		{"stun.example.org:19302", "stun.example.org", "19302"},
		{"[2001:db8::1]:3478", "2001:db8::1", "3478"},
		{"[2001:db8::1]", "2001:db8::1", NULL},
		{"2001:db8::1", "2001:db8::1", NULL},
		{"[2001:db8::1", NULL, NULL},
		{"[2001:db8::1]x", NULL, NULL},
		{"", NULL, NULL},
		{":3478", NULL, NULL},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		char host[64];
		const char *port;
		int rc = hostport_split(rows[i].in, host, sizeof(host), &port);
		if (!rows[i].host) {
			CHECK(rc < 0);
			continue;
		}
		CHECK(rc == 0);
		CHECK_EQ_STR(host, rows[i].host);
		if (rows[i].port)
			CHECK_EQ_STR(port, rows[i].port);
		else
			CHECK(port == NULL);
	}
}

const struct test_case addr_cases[] = {
	T(addr_classify_table),
	T(addr_format_and_sockaddr),
	T(addr_hostport_split_table),
	{NULL, NULL},
};
