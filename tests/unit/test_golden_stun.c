// SPDX-License-Identifier: BSD-2-Clause
// Golden files for `natctl stun`: render_stun_public and render_nat_report, text and JSON.
#include <errno.h>
#include <string.h>

#include "golden.h"
#include "natctl/cli/output.h"
#include "natctl/stun/path_types.h"
#include "natctl/stun/stun_public.h"
#include "test.h"

#define NO_EP       ((struct endpoint){0})
#define CHANGE_BOTH (STUN_CHANGE_IP | STUN_CHANGE_PORT)

/* The result as the stun layer leaves it: with its error text, "" if none. */
static void public_golden(const char *name, bool json, bool verbose,
			  const struct stun_public_result *r, const char *error)
{
	struct golden g;
	struct stun_public_result with = *r;
	stun_public_set_error(&with, 0); /* the class, from the outcome */
	snprintf(with.error, sizeof(with.error), "%s", error ? error : "");
	golden_begin(&g, json, verbose);
	render_stun_public(&g.out, &with);
	GOLDEN_END(&g, name);
}

static void report_golden(const char *name, bool json, bool verbose, const struct nat_report *r,
			  const char *error)
{
	struct golden g;
	static struct nat_report with; /* large: not on the stack */
	with = *r;
	nat_report_set_error(&with, 0); /* the class, from the verdict and what failed */
	snprintf(with.error, sizeof(with.error), "%s", error ? error : "");
	golden_begin(&g, json, verbose);
	render_nat_report(&g.out, &with);
	GOLDEN_END(&g, name);
}

/* The error text the stun layer gives a failed result that waited waited_us. */
static void public_failure_text(const struct stun_public_result *r, int64_t waited_us, char *why,
				size_t len)
{
	struct stun_public_result copy = *r;
	stun_public_set_error(&copy, waited_us);
	snprintf(why, len, "%s", copy.error);
}

static void report_failure_text(const struct nat_report *r, int64_t waited_us, char *why,
				size_t len)
{
	static struct nat_report copy;
	copy = *r;
	nat_report_set_error(&copy, waited_us);
	snprintf(why, len, "%s", copy.error);
}

/* ---- the public address (--address-only) ---- */

static void public_ok(struct stun_public_result *r)
{
	memset(r, 0, sizeof(*r));
	r->outcome = STUN_PUBLIC_OK;
	r->server = golden_ep("198.51.100.10", 3478);
	r->local = golden_ep("192.168.77.10", 54021);
	r->mapped = golden_ep("203.0.113.2", 61344);
	r->rtt_us = 23456;
	snprintf(r->software, sizeof(r->software), "Coturn-4.6.1 'Gorst'");
}

/* A failed query as stun_public leaves it; the local address is known, not shown. */
static void public_failed(struct stun_public_result *r, enum stun_public_outcome outcome)
{
	memset(r, 0, sizeof(*r));
	r->outcome = outcome;
	r->server = golden_ep("198.51.100.10", 3478);
	r->local = golden_ep("192.168.77.10", 54021);
}

/* The error text exactly as cmd_stun.c builds it, then the render. */
static void public_failure_golden(const char *name, const struct stun_public_result *r,
				  int64_t waited_us)
{
	char why[256];
	public_failure_text(r, waited_us, why, sizeof(why));
	public_golden(name, true, false, r, why);
}

static void golden_stun_public_ok(void)
{
	struct stun_public_result r;
	public_ok(&r);
	public_golden("stun_public_ok.txt", false, false, &r, NULL);
	public_golden("stun_public_ok_verbose.txt", false, true, &r, NULL);
	public_golden("stun_public_ok.json", true, false, &r, NULL);
}

/* IPv6, no SOFTWARE attribute: no software line even with -v, null in JSON. */
static void golden_stun_public_ipv6(void)
{
	struct stun_public_result r;
	memset(&r, 0, sizeof(r));
	r.outcome = STUN_PUBLIC_OK;
	r.server = golden_ep("2001:db8::3478", 3478);
	r.local = golden_ep("2001:db8:77::10", 40001);
	r.mapped = golden_ep("2001:db8:77::10", 40001);
	r.rtt_us = 9050;
	public_golden("stun_public_ipv6_verbose.txt", false, true, &r, NULL);
	public_golden("stun_public_ipv6.json", true, false, &r, NULL);
}

static void golden_stun_public_no_answer(void)
{
	struct stun_public_result r;
	char why[256];
	public_failed(&r, STUN_PUBLIC_NO_ANSWER);
	public_failure_text(&r, 1534000, why, sizeof(why));
	public_golden("stun_public_no_answer.txt", false, true, &r, why); /* stdout stays empty */
	public_golden("stun_public_no_answer.json", true, false, &r, why);
}

static void golden_stun_public_refused(void)
{
	struct stun_public_result r;
	public_failed(&r, STUN_PUBLIC_REFUSED);
	r.error_code = 401;
	snprintf(r.error_reason, sizeof(r.error_reason), "Unauthorized");
	snprintf(r.software, sizeof(r.software), "Coturn-4.6.1 'Gorst'");
	public_failure_golden("stun_public_refused.json", &r, 3000000);
	r.error_code = 500;
	r.error_reason[0] = '\0';
	r.software[0] = '\0';
	public_failure_golden("stun_public_refused_no_reason.json", &r, 3000000);
}

static void golden_stun_public_rejected(void)
{
	struct stun_public_result r;
	public_failed(&r, STUN_PUBLIC_REJECTED);
	public_failure_golden("stun_public_rejected.json", &r, 3000000);
}

static void golden_stun_public_network(void)
{
	struct stun_public_result r;
	public_failed(&r, STUN_PUBLIC_NETWORK);
	r.local = NO_EP;
	r.sys_error = -ENETUNREACH;
	public_failure_golden("stun_public_network.json", &r, 2000);
}

/* ---- behaviour discovery ---- */

static void report_base(struct nat_report *r)
{
	memset(r, 0, sizeof(*r));
	r->udp_answered = true;
	r->server = golden_ep("198.51.100.10", 3478);
	r->local = golden_ep("192.168.77.10", 54021);
	r->mapped = golden_ep("203.0.113.2", 61344);
	r->rtt_us = 23456;
	r->n_servers = 2;
	r->nat = NAT_TRI_YES;
	r->hairpinning = r->port_preserving = NAT_TRI_UNKNOWN;
	r->decided = true;
}

/* Test I to both servers, test II (test III no longer needed). */
static void port_restricted_mapping_tests(struct nat_report *r)
{
	struct endpoint a = golden_ep("192.168.77.10", 54021), pub = r->mapped;
	struct nat_test *t = golden_add_test(r, "binding", a, r->server, 0, 1);
	golden_answer(t, r->server, pub, 23456);
	t = golden_add_test(r, "binding", a, golden_ep("198.51.100.20", 3478), 0, 1);
	golden_answer(t, golden_ep("198.51.100.20", 3478), pub, 31002);
	t = golden_add_test(r, "mapping-alt-ip", a, golden_ep("198.51.100.11", 3478), 0, 1);
	golden_answer(t, golden_ep("198.51.100.11", 3478), pub, 24100);
	t = golden_add_test(r, "mapping-alt-ip-port", a, r->other, 0, 1);
	t->note = "stopped: the verdict did not need it";
}

/* RFC 5780 §4.4 on fresh sockets B and C, the hairpin from D, TCP cancelled. */
static void port_restricted_filtering_tests(struct nat_report *r)
{
	struct endpoint b = golden_ep("192.168.77.10", 54022);
	struct endpoint c = golden_ep("192.168.77.10", 54023);
	golden_add_test(r, "filtering-change-ip-port", b, r->server, CHANGE_BOTH, 7);
	struct nat_test *t = golden_add_test(r, "filtering-plain-b", b, r->server, 0, 1);
	golden_answer(t, r->server, golden_ep("203.0.113.2", 61345), 22900);
	/* Not a test natctl sends (§4.4 uses ip+port, then port): pins the "ip" name. */
	golden_add_test(r, "filtering-change-ip", c, r->server, STUN_CHANGE_IP, 7);
	golden_add_test(r, "filtering-change-port", c, r->server, STUN_CHANGE_PORT, 7);
	t = golden_add_test(r, "filtering-plain-c", c, r->server, 0, 1);
	golden_answer(t, r->server, golden_ep("203.0.113.2", 61346), 23010);
	golden_add_test(r, "hairpin", golden_ep("192.168.77.10", 54024), r->mapped, 0, 3);
	t = golden_add_test(r, "tcp-binding", NO_EP, r->server, 0, 0);
	t->note = "stopped: UDP answered";
}

/* An RFC 5780 server with an alternate address: everything but hairpinning decided. */
static void report_port_restricted(struct nat_report *r)
{
	report_base(r);
	snprintf(r->software, sizeof(r->software), "Coturn-4.6.1 'Gorst'");
	r->other = golden_ep("198.51.100.11", 3479);
	r->mapping = NAT_DEP_ENDPOINT_INDEPENDENT;
	r->filtering = NAT_DEP_ADDRESS_AND_PORT;
	r->port_preserving = NAT_TRI_NO;
	r->classic = NAT_CLASSIC_PORT_RESTRICTED_CONE;
	golden_add_reason(r, "hairpinning: undecided when the 3 s deadline came");
	port_restricted_mapping_tests(r);
	port_restricted_filtering_tests(r);
}

static void golden_nat_report_port_restricted(void)
{
	struct nat_report r;
	report_port_restricted(&r);
	report_golden("nat_report_port_restricted.txt", false, false, &r, NULL);
	report_golden("nat_report_port_restricted_verbose.txt", false, true, &r, NULL);
	report_golden("nat_report_port_restricted.json", true, false, &r, NULL);
}

/* Plain servers, no alternate: two of them saw different ports, one refused. */
static void report_symmetric_plain(struct nat_report *r)
{
	struct endpoint a = golden_ep("192.168.77.10", 54021);
	struct endpoint s2 = golden_ep("198.51.100.20", 3478);
	struct endpoint s3 = golden_ep("198.51.100.30", 3478);
	report_base(r);
	r->n_servers = 3;
	r->hairpinning = NAT_TRI_YES;
	r->port_preserving = NAT_TRI_NO;
	r->classic = NAT_CLASSIC_SYMMETRIC;
	golden_add_reason(r, "mapping: servers saw different public ports (endpoint-dependent), "
			     "but address- and address-and-port-dependent cannot be told apart "
			     "without an RFC 5780 server");
	golden_add_reason(r, "filtering: 198.51.100.10:3478 gives no alternate address, so "
			     "CHANGE-REQUEST tests cannot run");
	struct nat_test *t = golden_add_test(r, "binding", a, r->server, 0, 1);
	golden_answer(t, r->server, r->mapped, 23456);
	t = golden_add_test(r, "binding", a, s2, 0, 2);
	golden_answer(t, s2, golden_ep("203.0.113.2", 61350), 540321);
	t = golden_add_test(r, "binding", a, s3, 0, 1);
	golden_answer(t, s3, NO_EP, 18000);
	t->error_code = 500;
	t = golden_add_test(r, "hairpin", golden_ep("192.168.77.10", 54024), r->mapped, 0, 1);
	golden_answer(t, r->mapped, NO_EP, 1049);
	t->note = "arrived on the binding socket: the NAT hairpins";
}

static void golden_nat_report_symmetric_plain(void)
{
	struct nat_report r;
	report_symmetric_plain(&r);
	report_golden("nat_report_symmetric_plain.txt", false, false, &r, NULL);
	report_golden("nat_report_symmetric_plain_verbose.txt", false, true, &r, NULL);
	report_golden("nat_report_symmetric_plain.json", true, false, &r, NULL);
}

/* No NAT (local == mapped) but a filtering firewall: the "no NAT" line, one reason. */
static void golden_nat_report_firewall(void)
{
	struct nat_report r;
	report_base(&r);
	r.local = r.mapped = golden_ep("203.0.113.50", 54021);
	r.other = golden_ep("198.51.100.11", 3479);
	r.n_servers = 1;
	r.nat = NAT_TRI_NO;
	r.mapping = NAT_DEP_ENDPOINT_INDEPENDENT;
	r.filtering = NAT_DEP_ADDRESS_AND_PORT;
	r.hairpinning = NAT_TRI_UNKNOWN;
	r.port_preserving = NAT_TRI_YES;
	r.classic = NAT_CLASSIC_UNKNOWN;
	golden_add_reason(&r, "classic: no NAT, but a firewall filters inbound UDP (RFC 3489 calls "
			      "this a symmetric UDP firewall)");
	struct nat_test *t = golden_add_test(&r, "binding", r.local, r.server, 0, 1);
	golden_answer(t, r.server, r.mapped, 23456);
	report_golden("nat_report_firewall.txt", false, false, &r, NULL);
	report_golden("nat_report_firewall.json", true, false, &r, NULL);
}

/* IPv6 behind a router's stateful firewall: the server sees this host's own
 * address, so the verdict speaks of the firewall's filtering, not a NAT's. */
static void report_ipv6_firewall(struct nat_report *r)
{
	struct endpoint a = golden_ep("2001:db8:77::10", 40000);
	struct endpoint b = golden_ep("2001:db8:77::10", 40001);
	struct endpoint c = golden_ep("2001:db8:77::10", 40002);
	report_base(r);
	r->server = golden_ep("2001:db8:2::10", 3478);
	r->other = golden_ep("2001:db8:2::11", 3479);
	r->local = r->mapped = a;
	r->n_servers = 1;
	r->nat = NAT_TRI_NO;
	r->mapping = NAT_DEP_ENDPOINT_INDEPENDENT;
	r->filtering = NAT_DEP_ADDRESS_AND_PORT;
	r->hairpinning = r->port_preserving = NAT_TRI_YES;
	golden_add_reason(r, "classic: no NAT, but a firewall filters inbound UDP (RFC 3489 calls "
			     "this a symmetric UDP firewall)");
	struct nat_test *t = golden_add_test(r, "binding", a, r->server, 0, 1);
	golden_answer(t, r->server, a, 812);
	t = golden_add_test(r, "mapping-alt-ip", a, golden_ep("2001:db8:2::11", 3478), 0, 1);
	golden_answer(t, golden_ep("2001:db8:2::11", 3478), a, 640);
	golden_add_test(r, "filtering-change-ip-port", b, r->server, CHANGE_BOTH, 3);
	t = golden_add_test(r, "filtering-plain-b", b, r->server, 0, 1);
	golden_answer(t, r->server, b, 701);
	golden_add_test(r, "filtering-change-port", c, r->server, STUN_CHANGE_PORT, 3);
	t = golden_add_test(r, "filtering-plain-c", c, r->server, 0, 1);
	golden_answer(t, r->server, c, 655);
}

static void golden_nat_report_ipv6_firewall(void)
{
	struct nat_report r;
	report_ipv6_firewall(&r);
	report_golden("nat_report_ipv6_firewall.txt", false, false, &r, NULL);
	report_golden("nat_report_ipv6_firewall_verbose.txt", false, true, &r, NULL);
	report_golden("nat_report_ipv6_firewall.json", true, false, &r, NULL);
}

/* Nothing answered: no verdict; the caller's error goes into JSON, text stays empty. */
static void report_undecided(struct nat_report *r, size_t n_servers)
{
	struct endpoint a = golden_ep("192.168.77.10", 54021);
	memset(r, 0, sizeof(*r));
	r->server = golden_ep("198.51.100.10", 3478);
	r->local = a;
	r->n_servers = n_servers;
	r->nat = r->hairpinning = r->port_preserving = NAT_TRI_UNKNOWN;
	golden_add_reason(r, "no STUN server answered, over UDP or TCP");
	golden_add_test(r, "binding", a, r->server, 0, 7);
	if (n_servers > 1)
		golden_add_test(r, "binding", a, golden_ep("198.51.100.20", 3478), 0, 7);
	struct nat_test *t = golden_add_test(r, "tcp-binding", NO_EP, r->server, 0, 0);
	t->note = "no STUN over TCP here";
}

static void golden_nat_report_undecided(void)
{
	struct nat_report r;
	char why[256];
	report_undecided(&r, 2);
	report_failure_text(&r, 3000000, why, sizeof(why));
	report_golden("nat_report_undecided_verbose.txt", false, true, &r, why);
	report_golden("nat_report_undecided.json", true, false, &r, why);
	report_undecided(&r, 1);
	report_failure_text(&r, 2500000, why, sizeof(why));
	report_golden("nat_report_undecided_one_server.json", true, false, &r, why);
}

/* UDP blocked, TCP answered: the public address came over TCP. */
static void golden_nat_report_udp_blocked(void)
{
	struct nat_report r;
	struct endpoint a = golden_ep("192.168.77.10", 40123);
	report_base(&r);
	r.udp_answered = false;
	r.tcp_answered = true;
	r.local = a;
	r.mapped = r.tcp_mapped = golden_ep("203.0.113.2", 40123);
	r.rtt_us = 41500;
	r.n_servers = 1;
	r.port_preserving = NAT_TRI_YES;
	r.classic = NAT_CLASSIC_UDP_BLOCKED;
	golden_add_reason(&r, "UDP blocked: no STUN answer over UDP, while TCP to "
			      "198.51.100.10:3478 answered");
	golden_add_test(&r, "binding", golden_ep("192.168.77.10", 54021), r.server, 0, 7);
	struct nat_test *t = golden_add_test(&r, "tcp-binding", a, r.server, 0, 0);
	golden_answer(t, r.server, r.mapped, 41500);
	report_golden("nat_report_udp_blocked.txt", false, false, &r, NULL);
	report_golden("nat_report_udp_blocked_verbose.txt", false, true, &r, NULL);
	report_golden("nat_report_udp_blocked.json", true, false, &r, NULL);
}

/* Nothing could be sent (an empty network namespace): no-route, not "no response". */
static void golden_nat_report_no_route(void)
{
	struct nat_report r;
	char why[256];
	report_undecided(&r, 1);
	r.n_reasons = 0;
	golden_add_reason(&r, "no STUN server answered, over UDP or TCP");
	r.tests[0].sends = 0;
	r.tests[0].note = "could not send";
	r.send_error = -ENETUNREACH;
	report_failure_text(&r, 2000, why, sizeof(why));
	report_golden("nat_report_no_route.txt", false, false, &r, why);
	report_golden("nat_report_no_route.json", true, false, &r, why);
}

/* A usage error or a name that did not resolve: nothing was asked, the
 * document still has every key (cmd_stun's render_not_run). */
static void golden_stun_not_run(void)
{
	struct nat_report r;
	struct stun_public_result p;
	struct golden g;
	memset(&r, 0, sizeof(r));
	r.nat = r.hairpinning = r.port_preserving = NAT_TRI_UNKNOWN;
	r.failure = FAILURE_USAGE;
	snprintf(r.error, sizeof(r.error),
		 "invalid server '198.51.100.10:99999': port 99999 is out of range (1 to 65535)");
	golden_begin(&g, true, false);
	render_nat_report(&g.out, &r);
	GOLDEN_END(&g, "stun_usage.json");
	memset(&p, 0, sizeof(p));
	p.outcome = STUN_PUBLIC_NO_ANSWER;
	p.failure = FAILURE_RESOLVE;
	snprintf(p.error, sizeof(p.error),
		 "cannot resolve 'stun.example.org': Temporary failure in name resolution");
	golden_begin(&g, true, false);
	render_stun_public(&g.out, &p);
	GOLDEN_END(&g, "stun_public_resolve.json");
	golden_begin(&g, false, false);
	render_stun_public(&g.out, &p);
	GOLDEN_END(&g, "stun_public_resolve.txt");
}

/* --tcp: the transport says so. */
static void golden_stun_public_tcp(void)
{
	struct stun_public_result r;
	public_ok(&r);
	r.tcp = true;
	public_golden("stun_public_tcp.json", true, false, &r, NULL);
}

/* Every name nat_classic_text gives, in the first line of the text report. */
static const struct {
	enum nat_classic classic;
	enum nat_tri nat;
	enum nat_dependence mapping, filtering;
} classic_rows[] = {
	{NAT_CLASSIC_OPEN_INTERNET, NAT_TRI_NO, NAT_DEP_ENDPOINT_INDEPENDENT,
	 NAT_DEP_ENDPOINT_INDEPENDENT},
	{NAT_CLASSIC_FULL_CONE, NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT,
	 NAT_DEP_ENDPOINT_INDEPENDENT},
	{NAT_CLASSIC_RESTRICTED_CONE, NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_ADDRESS},
	{NAT_CLASSIC_PORT_RESTRICTED_CONE, NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT,
	 NAT_DEP_ADDRESS_AND_PORT},
	{NAT_CLASSIC_SYMMETRIC, NAT_TRI_YES, NAT_DEP_ADDRESS, NAT_DEP_ADDRESS_AND_PORT},
	{NAT_CLASSIC_UNKNOWN, NAT_TRI_YES, NAT_DEP_ENDPOINT_INDEPENDENT, NAT_DEP_UNKNOWN},
	{NAT_CLASSIC_UNKNOWN, NAT_TRI_NO, NAT_DEP_UNKNOWN, NAT_DEP_ADDRESS},
	{NAT_CLASSIC_UNKNOWN, NAT_TRI_UNKNOWN, NAT_DEP_UNKNOWN, NAT_DEP_UNKNOWN},
};

static void golden_nat_report_classic_names(void)
{
	struct golden g;
	struct nat_report r;
	golden_begin(&g, false, false);
	for (size_t i = 0; i < sizeof(classic_rows) / sizeof(classic_rows[0]); i++) {
		report_base(&r);
		r.classic = classic_rows[i].classic;
		r.nat = classic_rows[i].nat;
		r.mapping = classic_rows[i].mapping;
		r.filtering = classic_rows[i].filtering;
		render_nat_report(&g.out, &r);
	}
	GOLDEN_END(&g, "nat_report_classic_names.txt");
}

/* ---- --path ---- */

/* A path from 192.168.77.10 to 198.51.100.10:3478: these hops (NULL: silent),
 * then the server at the next TTL, or (pub NULL) never; layers and error
 * as path_report_fill gives them after 3 s. */
static void path_goldens(const char *base, const char *local, const char *const *hops, size_t n,
			 const char *pub)
{
	struct path_report r;
	memset(&r, 0, sizeof(r));
	r.path.server = golden_ep("198.51.100.10", 3478);
	r.path.reached = pub != NULL;
	if (pub) {
		r.path.reached_ttl = (unsigned)n + 1;
		r.path.local = golden_ep(local, 40600);
		r.path.mapped = golden_ep(pub, 40600);
	}
	for (size_t i = 0; i < n; i++) {
		struct path_hop *h = &r.path.hops[i];
		h->ttl = (unsigned)i + 1;
		h->answered = hops[i] != NULL;
		if (hops[i]) {
			h->address = golden_ep(hops[i], 0);
			h->class = addr_classify(&h->address);
		}
	}
	r.path.n_hops = n;
	path_report_fill(&r, 3 * 1000 * 1000);
	for (int json = 0; json <= 1; json++) {
		char name[128];
		struct golden g;
		snprintf(name, sizeof(name), "%s.%s", base, json ? "json" : "txt");
		golden_begin(&g, json, false);
		render_stun_path(&g.out, &r);
		GOLDEN_END(&g, name);
	}
}

/* Behind a router behind a carrier-grade NAT; behind one router; no NAT;
 * a server that never answered (exit 3: the hops that did are in the JSON). */
static void golden_stun_path(void)
{
	static const char *const cgnat[] = {"192.168.77.1", "100.64.0.1"};
	static const char *const silent[] = {"192.168.77.1", NULL, NULL, NULL,
					     NULL,           NULL, NULL, NULL};
	path_goldens("stun_path_cgnat", "192.168.77.10", cgnat, 2, "203.0.113.2");
	path_goldens("stun_path_one_nat", "192.168.77.10", cgnat, 1, "203.0.113.2");
	path_goldens("stun_path_no_nat", "203.0.113.10", NULL, 0, "203.0.113.10");
	path_goldens("stun_path_no_answer", "192.168.77.10", silent, 8, NULL);
}

const struct test_case golden_stun_cases[] = {
	T(golden_stun_public_ok),
	T(golden_stun_public_ipv6),
	T(golden_stun_public_no_answer),
	T(golden_stun_public_refused),
	T(golden_stun_public_rejected),
	T(golden_stun_public_network),
	T(golden_nat_report_port_restricted),
	T(golden_nat_report_symmetric_plain),
	T(golden_nat_report_firewall),
	T(golden_nat_report_ipv6_firewall),
	T(golden_nat_report_undecided),
	T(golden_nat_report_udp_blocked),
	T(golden_nat_report_classic_names),
	T(golden_nat_report_no_route),
	T(golden_stun_not_run),
	T(golden_stun_public_tcp),
	T(golden_stun_path),
	{NULL, NULL},
};
