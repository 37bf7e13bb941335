// SPDX-License-Identifier: BSD-2-Clause
// map --check against a scripted RFC 5780 server on loopback (primary 127.0.0.1, alternate 127.0.0.2), and the NAT-layer rules of the path.
#include <errno.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_check.h"
#include "natctl/stun/stun_path.h"
#include "stun_fake.h"
#include "test.h"

static struct endpoint loopback(const char *ip, uint16_t port)
{
	return stun_fake_ip(ip, port);
}

/* A free loopback port, held by *holder (or released when holder is NULL). */
static uint16_t free_port(int *holder)
{
	struct endpoint e = loopback("127.0.0.1", 0);
	int fd = udp_open(AF_INET, &e);
	socket_local(fd, &e);
	if (holder)
		*holder = fd;
	else
		close(fd);
	return e.port;
}

/* Runs the check and the scripted server in one loop; external_port is where
 * the server is asked to answer (the listening port itself: "mapped"). */
static int run_check_change(enum stun_fake_mode mode, uint16_t listen_port, uint16_t external_port,
			    uint32_t change, struct stun_check_result *r)
{
	struct stun_fake s;
	struct stun_check c;
	if (!stun_fake_open(&s, mode))
		return -1;
	struct stun_check_options o = {
		.server = s.addr,
		.local = loopback("127.0.0.1", listen_port),
		.external_port = external_port,
		.change = change,
		.deadline = clock_now_us() + 1500 * 1000,
	};
	int rc = stun_check_start(&c, &o, r);
	if (rc == 0) {
		struct loop_client lc[2] = {stun_check_loop(&c)};
		lc[1] = stun_fake_loop(&s, &lc[0]);
		loop_run(lc, 2, o.deadline);
		stun_check_finish(&c);
	}
	stun_fake_close(&s);
	return rc;
}

static int run_check(enum stun_fake_mode mode, uint16_t listen_port, uint16_t external_port,
		     struct stun_check_result *r)
{
	return run_check_change(mode, listen_port, external_port, 0, r);
}

static void check_reachable_through_mapping(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	int64_t start = clock_now_us();
	CHECK_EQ_INT(run_check(STUN_FAKE_RFC5780, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_YES);
	CHECK_EQ_INT(r.checked.port, port);
	char ip[IP_STRLEN];
	CHECK_EQ_STR(endpoint_format_ip(&r.from, ip), "127.0.0.2");
	CHECK(strstr(r.reason, "which had not seen this host") != NULL);
	CHECK(clock_now_us() - start < 500 * 1000); /* decided by the answer, not a timer */
}

/* A later check asks for the alternate port alone: the answer comes from
 * the primary address, another port, and still proves the mapping. */
static void check_changes_port_only(void)
{
	struct stun_check_result r;
	char from[ENDPOINT_STRLEN];
	uint16_t port = free_port(NULL);
	CHECK_EQ_INT(run_check_change(STUN_FAKE_RFC5780, port, port, STUN_CHANGE_PORT, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_YES);
	CHECK(strncmp(endpoint_format(&r.from, from), "127.0.0.1:", 10) == 0);
	CHECK(strstr(r.reason, "which had not seen this host") != NULL);
}

/* The answer goes to a port where nothing forwards it to us: unreachable. */
static void check_unreachable_when_answer_lost(void)
{
	struct stun_check_result r;
	int elsewhere;
	uint16_t port = free_port(NULL), other = free_port(&elsewhere);
	CHECK_EQ_INT(run_check(STUN_FAKE_RFC5780, port, other, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_NO);
	CHECK(r.sends >= 2);
	CHECK(strstr(r.reason, "never came in") != NULL);
	close(elsewhere);
}

static void check_unknown_without_rfc5780(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	CHECK_EQ_INT(run_check(STUN_FAKE_NO_5780, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK_EQ_INT(r.error_code, 420);
	CHECK(strstr(r.reason, "420") != NULL);
	CHECK_EQ_INT(run_check(STUN_FAKE_IGNORES_PORT, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK(strstr(r.reason, "ignores RESPONSE-PORT") != NULL);
}

/* Silence proves nothing unless the server showed it is there. */
static void check_silent_server_is_unknown(void)
{
	struct stun_check_result r;
	uint16_t port = free_port(NULL);
	CHECK_EQ_INT(run_check(STUN_FAKE_SILENT, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_UNKNOWN);
	CHECK(strstr(r.reason, "no response from 127.0.0.1:") != NULL);
	CHECK_EQ_INT(run_check(STUN_FAKE_SILENT_CHECK, port, port, &r), 0);
	CHECK_EQ_INT(r.reachable, NAT_TRI_NO); /* plain answered: the check's answer was lost */
}

static void check_port_in_use(void)
{
	struct stun_check_result r;
	int holder;
	uint16_t port = free_port(&holder);
	CHECK_EQ_INT(run_check(STUN_FAKE_RFC5780, port, port, &r), -EADDRINUSE);
	close(holder);
}

static struct path_result path_of(const char *local, const char *mapped, const char *const *hops,
				  size_t n)
{
	struct path_result p;
	memset(&p, 0, sizeof(p));
	p.reached = true;
	p.local = loopback(local, 0);
	p.mapped = loopback(mapped, 40000);
	for (size_t i = 0; i < n; i++) {
		p.hops[i].ttl = (unsigned)i + 1;
		p.hops[i].answered = hops[i] != NULL;
		if (hops[i]) {
			p.hops[i].address = loopback(hops[i], 0);
			p.hops[i].class = addr_classify(&p.hops[i].address);
		}
	}
	p.n_hops = n;
	return p;
}

static void path_nat_layers_rules(void)
{
	static const char *const one[] = {"192.168.77.1", "203.0.113.9", "198.51.100.1"};
	static const char *const cgnat[] = {"192.168.77.1", "100.64.0.1", "203.0.113.9"};
	static const char *const two[] = {"192.168.77.1", "192.168.1.1", "100.64.8.1", "8.8.8.8"};
	static const char *const silent[] = {"192.168.77.1", NULL, "203.0.113.9"};
	char why[128];
	bool cg;
	struct path_result p = path_of("192.168.77.10", "203.0.113.2", one, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 1);
	CHECK(!cg);
	p = path_of("192.168.77.10", "203.0.113.2", cgnat, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 2);
	CHECK(cg);
	CHECK_EQ_STR(why, "2 NAT layers: the gateway, a hop in 100.64.0.0/10 (carrier-grade NAT)");
	p = path_of("192.168.77.10", "203.0.113.2", two, 4);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 3);
	p = path_of("192.168.77.10", "203.0.113.2", silent, 3);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), -1);
	CHECK_EQ_STR(why, "hop 2 stayed silent before any public hop");
	p = path_of("203.0.113.2", "203.0.113.2", one, 0);
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), 0);
	p.reached = false;
	CHECK_EQ_INT(path_nat_layers(&p, &cg, why, sizeof(why)), -1);
}

/* The path probe and the server in one loop, cut at timeout_us. */
static void run_path(enum stun_fake_mode mode, int64_t timeout_us, struct path_result *r)
{
	struct stun_fake s;
	struct stun_path p;
	CHECK(stun_fake_open(&s, mode));
	struct stun_path_options o = {.server = s.addr, .deadline = clock_now_us() + timeout_us};
	CHECK_EQ_INT(stun_path_start(&p, &o, r), 0);
	struct loop_client lc[2] = {stun_path_loop(&p)};
	lc[1] = stun_fake_loop(&s, &lc[0]);
	loop_run(lc, 2, o.deadline);
	stun_path_finish(&p);
	stun_fake_close(&s);
}

/* On loopback the first TTL reaches the server, which sees our own address: no NAT. */
static void path_loopback_server_no_nat(void)
{
	struct path_result r;
	char why[128];
	bool cg;
	int64_t start = clock_now_us();
	run_path(STUN_FAKE_RFC5780, 1000 * 1000, &r);
	CHECK(r.reached);
	CHECK_EQ_INT(r.reached_ttl, 1);
	CHECK_EQ_INT(r.n_hops, 0);
	CHECK(clock_now_us() - start < 200 * 1000); /* decided by the answer, not a timer */
	CHECK_EQ_INT(path_nat_layers(&r, &cg, why, sizeof(why)), 0);
	CHECK_EQ_STR(why, "0 NAT layers: the server sees this host's own address 127.0.0.1");
}

/* A silent server: every TTL gives up or the deadline comes; no layer count. */
static void path_silent_server(void)
{
	struct path_result r;
	char why[128];
	bool cg;
	int64_t start = clock_now_us();
	run_path(STUN_FAKE_SILENT, 300 * 1000, &r);
	int64_t took = clock_now_us() - start;
	CHECK(!r.reached);
	CHECK(took >= 300 * 1000 && took < 450 * 1000);
	CHECK_EQ_INT(path_nat_layers(&r, &cg, why, sizeof(why)), -1);
	CHECK_EQ_STR(why, "the STUN server never answered");
}

const struct test_case stun_check_cases[] = {
	T(check_reachable_through_mapping),
	T(check_changes_port_only),
	T(check_unreachable_when_answer_lost),
	T(check_unknown_without_rfc5780),
	T(check_silent_server_is_unknown),
	T(check_port_in_use),
	T(path_nat_layers_rules),
	T(path_loopback_server_no_nat),
	T(path_silent_server),
	{NULL, NULL},
};
