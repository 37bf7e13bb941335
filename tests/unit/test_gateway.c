// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the gateway lookup (/proc/net/route, ipv6_route and arp text), the IPv6 source choice (if_inet6 text), epoch checks and NAT-PMP response checks.
#include "natctl/base/clock.h"
#include "natctl/map/epoch.h"
#include "natctl/net/gateway.h"
#include "natctl/net/source6.h"
#include "natctl/map/natpmp_wire.h"
#include "test.h"

/* As a little-endian kernel prints it: 192.168.77.1 is 014DA8C0. */
static const char proc_route[] =
	"Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n"
	"eth0\t004DA8C0\t00000000\t0001\t0\t0\t0\t00FFFFFF\t0\t0\t0\n"
	"wlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n"
	"eth0\t00000000\t014DA8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\n"
	"tun0\t00000000\t00000000\t0001\t0\t0\t50\t00000000\t0\t0\t0\n"
	"bogus line\n"
	"eth1\t00000000\t0100000A\t0001\t0\t0\t1\t00000000\t0\t0\t0\n";

static void gateway_proc_route_default(void)
{
	struct gateway_route r;
	char ip[IP_STRLEN];
	CHECK_EQ_INT(gateway_parse_proc_route(proc_route, NULL, &r), 0);
	CHECK_EQ_STR(endpoint_format_ip(&r.gateway, ip), "192.168.77.1");
	CHECK_EQ_STR(r.ifname, "eth0");
	CHECK_EQ_INT(r.metric, 100);
}

static void gateway_proc_route_interface(void)
{
	struct gateway_route r;
	char ip[IP_STRLEN];
	CHECK_EQ_INT(gateway_parse_proc_route(proc_route, "wlan0", &r), 0);
	CHECK_EQ_STR(endpoint_format_ip(&r.gateway, ip), "192.168.1.1");
	/* tun0 has no gateway; eth1's route is not flagged RTF_GATEWAY. */
	CHECK_EQ_INT(gateway_parse_proc_route(proc_route, "tun0", &r), -1);
	CHECK_EQ_INT(gateway_parse_proc_route(proc_route, "eth1", &r), -1);
	CHECK_EQ_INT(gateway_parse_proc_route("Iface\tDestination\n", NULL, &r), -1);
	CHECK_EQ_INT(gateway_parse_proc_route("", NULL, &r), -1);
}

static const char proc_arp[] =
	"IP address       HW type     Flags       HW address            Mask     Device\n"
	"192.168.77.5     0x1         0x0         00:00:00:00:00:00     *        eth0\n"
	"192.168.77.1     0x1         0x2         02:fc:00:00:00:05     *        wlan0\n"
	"192.168.77.1     0x1         0x2         02:AB:cd:00:10:ff     *        eth0\n"
	"192.168.77.9     0x1         0x0         00:00:00:00:00:00     *        eth0\n"
	"192.168.77.7     0x1         0x2         02:ab:cd              *        eth0\n";

/* The gateway's MAC keys the cache: only a complete entry counts. */
static void gateway_proc_arp_mac(void)
{
	struct endpoint gw, other;
	uint8_t mac[GATEWAY_MAC_LEN];
	static const uint8_t eth0[] = {0x02, 0xab, 0xcd, 0x00, 0x10, 0xff};
	static const uint8_t wlan0[] = {0x02, 0xfc, 0x00, 0x00, 0x00, 0x05};
	endpoint_parse_ip(&gw, "192.168.77.1");
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &gw, "eth0", mac), 0);
	CHECK(memcmp(mac, eth0, sizeof(mac)) == 0);
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &gw, NULL, mac), 0);
	CHECK(memcmp(mac, wlan0, sizeof(mac)) == 0); /* the first complete one */
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &gw, "eth1", mac), -1);
	endpoint_parse_ip(&other, "192.168.77.9"); /* incomplete: not resolved yet */
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &other, NULL, mac), -1);
	endpoint_parse_ip(&other, "192.168.77.7"); /* a malformed address */
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &other, NULL, mac), -1);
	endpoint_parse_ip(&other, "192.168.77.5"); /* flags 0, all zero */
	CHECK_EQ_INT(gateway_parse_proc_arp(proc_arp, &other, NULL, mac), -1);
	CHECK_EQ_INT(gateway_parse_proc_arp("", &gw, NULL, mac), -1);
}

/* As the kernel prints it: a default via a global router on eth0, one via
 * a link-local router on wlan0 (lower metric), the "unreachable" default
 * route on lo (no next hop, RTF_REJECT), and the on-link prefix. */
static const char proc_ipv6_route[] =
	"20010db8007700000000000000000000 40 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 00000100 00000001 00000000 00000001     eth0\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"20010db8007700000000000000000001 00000400 00000001 00000000 00000003     eth0\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"fe800000000000000000000000000001 00000258 00000001 00000000 00450003    wlan0\n"
	"00000000000000000000000000000000 00 00000000000000000000000000000000 00 "
	"00000000000000000000000000000000 ffffffff 00000001 00000000 00200200       lo\n"
	"garbage\n";

static void gateway_proc_ipv6_route(void)
{
	struct gateway_route r;
	char ip[IP_STRLEN];
	CHECK_EQ_INT(gateway_parse_proc_ipv6_route(proc_ipv6_route, NULL, &r), 0);
	CHECK_EQ_STR(endpoint_format_ip(&r.gateway, ip), "fe80::1");
	CHECK_EQ_STR(r.ifname, "wlan0");
	CHECK_EQ_INT(r.metric, 600);
	CHECK_EQ_INT(gateway_parse_proc_ipv6_route(proc_ipv6_route, "eth0", &r), 0);
	CHECK_EQ_STR(endpoint_format_ip(&r.gateway, ip), "2001:db8:77::1");
	CHECK_EQ_INT(r.metric, 1024);
	CHECK_EQ_INT(gateway_parse_proc_ipv6_route(proc_ipv6_route, "lo", &r), -1);
	CHECK_EQ_INT(gateway_parse_proc_ipv6_route("", NULL, &r), -1);
}

/*
 * /proc/net/if_inet6 of the lab's client (tests/net/lab.sh --ipv6): the
 * kernel's own choice toward the internet would be the temporary address.
 */
static const char if_inet6[] =
	"20010db8007700000000000000000030 03 40 00 22     eth0\n"  /* deprecated */
	"fd000077000000000000000000000010 03 40 00 82     eth0\n"  /* ULA */
	"20010db8007700008541c6a70889654a 03 40 00 01     eth0\n"  /* temporary */
	"20010db8007700000000000000000010 03 40 00 102    eth0\n"  /* stable (mngtmpaddr) */
	"fe80000000000000487e06fffed32273 03 40 20 80     eth0\n"  /* link-local */
	"00000000000000000000000000000001 01 80 10 80       lo\n"  /* loopback */
	"20010db8000900000000000000000001 04 40 00 80     eth1\n"  /* another interface */
	"2001zzzz007700000000000000000099 03 40 00 80     eth0\n"; /* malformed */

static void source6_stable_global(void)
{
	struct source6_row rows[16];
	struct source6_choice c;
	char ip[IP_STRLEN], why[256];
	size_t n = source6_parse(if_inet6, rows, 16);
	CHECK_EQ_INT(n, 7);
	CHECK_EQ_INT(source6_choose(rows, n, "eth0", &c), 0);
	CHECK_EQ_STR(endpoint_format_ip(&c.addr, ip), "2001:db8:77::10");
	CHECK_EQ_INT(c.skipped_temporary, 1);
	CHECK_EQ_INT(c.skipped_ula, 1);
	CHECK_EQ_INT(c.skipped_deprecated, 1);
	CHECK_EQ_INT(c.skipped_other, 1); /* the link-local one */
	CHECK_EQ_STR(source6_reason(&c, "the interface of the IPv6 default route", why,
				    sizeof(why)),
		     "the stable global address of eth0, the interface of the IPv6 default route "
		     "(passed over: 1 temporary, 1 ULA, 1 deprecated)");
	CHECK_EQ_INT(source6_choose(rows, n, "eth1", &c), 0);
	CHECK_EQ_STR(endpoint_format_ip(&c.addr, ip), "2001:db8:9::1");
	CHECK_EQ_STR(source6_reason(&c, "the interface of the IPv6 default route", why,
				    sizeof(why)),
		     "the stable global address of eth1, the interface of the IPv6 default route");
}

static void source6_none_or_tentative(void)
{
	/* Only a temporary and a tentative global address, then an optimistic
	 * one before a settled one. */
	static const char text[] = "20010db8007700008541c6a70889654a 03 40 00 01 eth0\n"
				   "20010db8007700000000000000000010 03 40 00 40 eth0\n";
	static const char optimistic[] = "20010db8007700000000000000000011 03 40 00 04 eth0\n"
					 "20010db8007700000000000000000012 03 40 00 80 eth0\n";
	struct source6_row rows[4];
	struct source6_choice c;
	char ip[IP_STRLEN];
	size_t n = source6_parse(text, rows, 4);
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_INT(source6_choose(rows, n, "eth0", &c), -1);
	CHECK_EQ_INT(c.skipped_temporary, 1);
	CHECK_EQ_INT(c.skipped_other, 1);
	CHECK_EQ_INT(source6_choose(rows, n, "wlan0", &c), -1);
	n = source6_parse(optimistic, rows, 4);
	CHECK_EQ_INT(source6_choose(rows, n, "eth0", &c), 0);
	CHECK_EQ_STR(endpoint_format_ip(&c.addr, ip), "2001:db8:77::12");
	/* the bound on rows holds */
	CHECK_EQ_INT(source6_parse(if_inet6, rows, 2), 2);
}

static void epoch_rules(void)
{
	struct epoch_track t;
	memset(&t, 0, sizeof(t));
	int64_t s = USEC_PER_SEC;
	CHECK(epoch_observe(&t, 1000, 0));        /* the first one is valid */
	CHECK(epoch_observe(&t, 1010, 10 * s));   /* in step */
	CHECK(epoch_observe(&t, 1009, 10 * s));   /* back by one second: reordering */
	CHECK(!epoch_observe(&t, 5, 11 * s));     /* went back: restarted */
	CHECK(epoch_observe(&t, 105, 111 * s));   /* in step again */
	CHECK(!epoch_observe(&t, 110, 211 * s));  /* 100 s passed, server says 5: restarted */
	CHECK(!epoch_observe(&t, 1000, 212 * s)); /* server jumped ahead: invalid too */
}

static void natpmp_check_table(void)
{
	static const uint8_t addr_ok[12] = {0, 128, 0, 0, 0, 0, 1, 0, 203, 0, 113, 2};
	static const uint8_t map_ok[16] = {0,    130,  0,    0,    0, 0, 1,    0,
					   0x1f, 0x90, 0x1f, 0x90, 0, 0, 0x1c, 0x20};
	static const uint8_t refused[8] = {0, 130, 0, 3, 0, 0, 1, 0};
	CHECK_EQ_INT(natpmp_check_response(addr_ok, 12, NATPMP_OP_ADDRESS, 0), NATPMP_CHECK_OK);
	CHECK_EQ_INT(natpmp_check_response(addr_ok, 11, NATPMP_OP_ADDRESS, 0), NATPMP_CHECK_SHORT);
	CHECK_EQ_INT(natpmp_check_response(addr_ok, 4, NATPMP_OP_ADDRESS, 0), NATPMP_CHECK_SHORT);
	CHECK_EQ_INT(natpmp_check_response(addr_ok, 12, NATPMP_OP_MAP_TCP, 8080),
		     NATPMP_CHECK_OPCODE);
	CHECK_EQ_INT(natpmp_check_response(map_ok, 16, NATPMP_OP_MAP_TCP, 8080), NATPMP_CHECK_OK);
	CHECK_EQ_INT(natpmp_check_response(map_ok, 16, NATPMP_OP_MAP_TCP, 8081), NATPMP_CHECK_PORT);
	CHECK_EQ_INT(natpmp_check_response(map_ok, 12, NATPMP_OP_MAP_TCP, 8080),
		     NATPMP_CHECK_SHORT);
	CHECK_EQ_INT(natpmp_check_response(map_ok, 16, NATPMP_OP_MAP_UDP, 8080),
		     NATPMP_CHECK_OPCODE);
	CHECK_EQ_INT(natpmp_check_response(refused, 8, NATPMP_OP_MAP_TCP, 8080), NATPMP_CHECK_OK);
	uint8_t v2[16];
	memcpy(v2, map_ok, 16);
	v2[0] = 2;
	CHECK_EQ_INT(natpmp_check_response(v2, 16, NATPMP_OP_MAP_TCP, 8080), NATPMP_CHECK_VERSION);
	CHECK_EQ_STR(natpmp_result_name(3), "NETWORK_FAILURE");
	CHECK_EQ_STR(natpmp_result_name(77), "UNKNOWN");
}

const struct test_case gateway_cases[] = {
	T(gateway_proc_route_default),
	T(gateway_proc_route_interface),
	T(gateway_proc_arp_mac),
	T(gateway_proc_ipv6_route),
	T(source6_stable_global),
	T(source6_none_or_tentative),
	T(epoch_rules),
	T(natpmp_check_table),
	{NULL, NULL},
};
