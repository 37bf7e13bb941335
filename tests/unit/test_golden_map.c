// SPDX-License-Identifier: BSD-2-Clause
// Golden files for `natctl map`: events, failures, the UPnP list, external addresses.
#include <errno.h>
#include <netinet/in.h>
#include <string.h>

#include "golden.h"
#include "natctl/cli/output_map.h"
#include "test.h"

#define NO_ANSWER_ALL                                                                          \
	"no gateway answered within 2.0 s (pcp: no answer from 192.168.77.1:5351; natpmp: no " \
	"answer from 192.168.77.1:5351; upnp: no IGD answered the SSDP search)"

static void add_warning(struct map_result *r, const char *text)
{
	snprintf(r->warnings[r->n_warnings++], MAP_TEXT_MAX, "%s", text);
}

static void add_error_as(struct map_result *r, enum map_method m, enum failure f, int code,
			 const char *text)
{
	struct map_method_error *e = &r->errors[r->n_errors++];
	e->method = m;
	e->code = code;
	e->failure = f;
	snprintf(e->text, sizeof(e->text), "%s", text);
}

/* A method that was not there: silent, unless the text says otherwise. */
static void add_error(struct map_result *r, enum map_method m, int code, const char *text)
{
	add_error_as(r, m, FAILURE_NO_ANSWER, code, text);
}

/* Every method tried, none answered: what compose_errors and conclude leave. */
static void no_answer_all(struct map_result *r)
{
	add_error(r, MAP_PCP, 0, "no answer from 192.168.77.1:5351");
	add_error(r, MAP_NATPMP, 0, "no answer from 192.168.77.1:5351");
	add_error(r, MAP_UPNP, 0, "no IGD answered the SSDP search");
	snprintf(r->error, sizeof(r->error), "%s", NO_ANSWER_ALL);
	r->failure = FAILURE_NO_ANSWER;
}

/* As conclude leaves a failed run: the gateway, this host and the ports still named. */
static void failed_base(struct map_result *r, int protocol, uint16_t port)
{
	memset(r, 0, sizeof(*r));
	r->method = MAP_NONE;
	r->protocol = protocol;
	r->gateway = golden_ep("192.168.77.1", 0);
	r->internal = golden_ep("192.168.77.10", port);
	r->external.port = port;
}

/* ---- events ---- */

/* PCP won; UPnP was absent (the errors array of a success). */
static void golden_map_mapped(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 7200);
	add_error(&r, MAP_UPNP, 0, "no IGD answered the SSDP search");
	golden_map_event("map_mapped", MAP_EVENT_MAPPED, &r);
}

/* UPnP, permanent (lifetime 0), the external address unknown: {address: null, port}. */
static void golden_map_mapped_upnp_permanent(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_TCP, 8080, 0);
	r.external = (struct endpoint){.port = 8080};
	snprintf(r.description, sizeof(r.description), "natctl");
	add_warning(&r, "the gateway takes only permanent UPnP leases: mapped with lease 0; delete "
			"it when done");
	add_warning(&r, "the gateway did not tell its external address");
	golden_map_event("map_mapped_upnp_permanent", MAP_EVENT_MAPPED, &r);
}

/* -i eth0 without a default gateway: UPnP found by SSDP, so no gateway address. */
static void golden_map_mapped_no_gateway(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_UDP, 51820, 7200);
	r.gateway = (struct endpoint){0};
	snprintf(r.description, sizeof(r.description), "natctl");
	add_error_as(&r, MAP_PCP, FAILURE_NO_ROUTE, 0, "no default IPv4 gateway on eth0");
	add_error_as(&r, MAP_NATPMP, FAILURE_NO_ROUTE, 0, "no default IPv4 gateway on eth0");
	golden_map_event("map_mapped_no_gateway", MAP_EVENT_MAPPED, &r);
}

/* A double NAT: the warning in text goes to stderr, in JSON into "warnings". */
static void golden_map_mapped_double_nat(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_TCP, 8080, 7200);
	r.external = golden_ep("100.64.0.2", 8080);
	add_warning(&r, "the gateway's external address 100.64.0.2 is carrier-grade NAT space (RFC "
			"6598, 100.64.0.0/10): the mapping only opens the inner NAT (double NAT)");
	add_error(&r, MAP_PCP, 0, "192.168.77.1 speaks NAT-PMP, not PCP");
	add_error(&r, MAP_UPNP, 0, "no IGD answered the SSDP search");
	golden_map_event("map_mapped_double_nat", MAP_EVENT_MAPPED, &r);
}

/* A renewal's warnings repeat mapped's: in its JSON, not on stderr again. */
static void golden_map_renewed(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_TCP, 8080, 3600);
	add_warning(&r, "NAT-PMP has no permanent mappings: the gateway granted 3600 s");
	golden_map_event("map_renewed", MAP_EVENT_RENEWED, &r);
}

/* The gateway restarted (epoch went back) and gave another external port. */
static void golden_map_remapped(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 7200);
	r.external.port = 51821;
	golden_map_event("map_remapped", MAP_EVENT_REMAPPED, &r);
}

/* A renewal failed: text names the error, JSON carries it and a null lifetime. */
static void golden_map_renew_failed(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_TCP, 8080, 3600);
	r.ok = false;
	add_error(&r, MAP_NATPMP, 0, "no answer from 192.168.77.1:5351");
	snprintf(r.error, sizeof(r.error), "natpmp: no answer from 192.168.77.1:5351");
	r.failure = FAILURE_NO_ANSWER;
	golden_map_event("map_renew_failed", MAP_EVENT_RENEW_FAILED, &r);
}

/* What map_keep passes: the mapping held (its transport, both ends, its
 * method) with the failed renewal's error; a UDP mapping. */
static void golden_map_renew_failed_as_kept(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_UDP, 51820, 7200);
	r.ok = false;
	add_error_as(&r, MAP_NATPMP, FAILURE_TIMEOUT, 0,
		     "the gateway did not finish the request within the deadline");
	snprintf(r.error, sizeof(r.error),
		 "natpmp: the gateway did not finish the request within the deadline");
	r.failure = FAILURE_TIMEOUT;
	golden_map_event("map_renew_failed_as_kept", MAP_EVENT_RENEW_FAILED, &r);
}

/* The lifetime ran out with no renewal: lost, once, naming the mapping
 * that was held; natctl keeps trying. */
static void golden_map_lost(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_TCP, 8080, 7200);
	r.ok = false;
	add_error(&r, MAP_PCP, 0, "no answer from 192.168.77.1:5351");
	snprintf(r.error, sizeof(r.error), "pcp: no answer from 192.168.77.1:5351");
	r.failure = FAILURE_NO_ANSWER;
	golden_map_event("map_keep_lost", MAP_EVENT_LOST, &r);
}

/* A renewal gave another external address (the ISP changed it). */
static void golden_map_address_changed(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 7200);
	r.external = golden_ep("198.51.100.23", 51820);
	golden_map_event("map_keep_address_changed", MAP_EVENT_ADDRESS_CHANGED, &r);
}

/* --keep's first line, and its last when the deletion failed. */
static void golden_map_keep_mapped_and_failed(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_UDP, 7777, 2);
	snprintf(r.description, sizeof(r.description), "natctl");
	golden_keep_event("map_keep_mapped", MAP_EVENT_MAPPED, &r);
	failed_base(&r, IPPROTO_UDP, 7777);
	add_error_as(&r, MAP_UPNP, FAILURE_TIMEOUT, 0,
		     "no answer to DeletePortMapping within the deadline");
	snprintf(r.error, sizeof(r.error),
		 "upnp: no answer to DeletePortMapping within the deadline");
	r.failure = FAILURE_TIMEOUT;
	golden_keep_event("map_keep_failed", MAP_EVENT_FAILED, &r);
}

/* --lifetime 0 with NAT-PMP: the gateway grants the longest there is, said as such. */
static void golden_map_mapped_longest(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_TCP, 8080, MAP_LONGEST_LIFETIME);
	golden_map_event("map_mapped_longest", MAP_EVENT_MAPPED, &r);
}

/* --delete --force of another host's UPnP mapping: the result names that host. */
static void golden_map_deleted_other_host(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_TCP, 9000, 0);
	r.internal = golden_ep("192.168.77.50", 9000);
	r.deleted_by = MAP_BIT(MAP_UPNP);
	golden_map_event("map_deleted_other_host", MAP_EVENT_DELETED, &r);
}

/* -q: nothing on stdout on success, warnings dropped; on failure the error
 * line stays, and JSON still prints the document. */
static void golden_map_quiet(void)
{
	struct map_result r;
	struct golden g;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_TCP, 8080, 7200);
	add_warning(&r, "the gateway did not tell its external address");
	for (int json = 0; json <= 1; json++) {
		golden_begin(&g, json, false);
		g.out.quiet = true;
		render_map_result(&g.out, MAP_EVENT_MAPPED, &r);
		GOLDEN_END(&g, json ? "map_mapped_quiet.json" : "map_mapped_quiet.txt");
	}
	failed_base(&r, IPPROTO_TCP, 8080);
	no_answer_all(&r);
	golden_begin(&g, true, false);
	g.out.quiet = true;
	render_map_result(&g.out, MAP_EVENT_MAPPED, &r);
	GOLDEN_END(&g, "map_failure_quiet.json");
}

/* Deleted by PCP and UPnP; NAT-PMP's refusal is a warning. */
static void golden_map_deleted(void)
{
	struct map_result r;
	const char *refused = "NOT_AUTHORIZED: the gateway refuses mappings (NAT-PMP disabled or "
			      "forbidden)";
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 0);
	r.deleted_by = MAP_BIT(MAP_PCP) | MAP_BIT(MAP_UPNP);
	add_error_as(&r, MAP_NATPMP, FAILURE_REFUSED, 2, refused);
	snprintf(r.warnings[r.n_warnings++], MAP_TEXT_MAX, "natpmp: %s", refused);
	golden_map_event("map_deleted", MAP_EVENT_DELETED, &r);
}

/* Deleted by UPnP alone, which did not tell its external address. */
static void golden_map_deleted_upnp(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_TCP, 8080, 0);
	r.external = (struct endpoint){.port = 8080};
	r.deleted_by = MAP_BIT(MAP_UPNP);
	add_error(&r, MAP_PCP, 0, "no answer from 192.168.77.1:5351");
	add_error(&r, MAP_NATPMP, 0, "no answer from 192.168.77.1:5351");
	golden_map_event("map_deleted_upnp", MAP_EVENT_DELETED, &r);
}

/* ---- --check ---- */

static void failure_golden(const char *name, bool json, const struct map_result *r);

#define CHECK_REACHED(port)                                                                \
	"the answer to external port " port " came in from 198.51.100.11:3479, which had " \
	"not seen this host"

/* What map_check leaves: the server asked, the public address it saw and the port. */
static void with_check(struct map_result *r, enum nat_tri reachable, uint16_t port,
		       const char *reason)
{
	r->check = (struct map_check){.asked = true, .reachable = reachable};
	r->check.server = golden_ep("198.51.100.10", 3478);
	r->check.port_checked = golden_ep("203.0.113.2", port);
	snprintf(r->check.reason, sizeof(r->check.reason), "%s", reason);
}

static void golden_map_check_reachable(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 7200);
	with_check(&r, NAT_TRI_YES, 51820, CHECK_REACHED("51820"));
	golden_map_event("map_check_reachable", MAP_EVENT_MAPPED, &r);
}

/* Mapped on the inner router, proven unreachable: exit 5's document, the
 * mapping and its check on stdout, the error (naming the outer NAT) on
 * stderr; under -q, JSON still prints it, text only the error. */
static void golden_map_check_unreachable(void)
{
	struct map_result r;
	struct golden g;
	golden_mapping(&r, MAP_NATPMP, IPPROTO_UDP, 40000, 7200);
	r.external = golden_ep("100.64.0.2", 40000);
	add_warning(&r, "the gateway's external address 100.64.0.2 is carrier-grade NAT space (RFC "
			"6598, 100.64.0.0/10): the mapping only opens the inner NAT (double NAT)");
	with_check(&r, NAT_TRI_NO, 40000,
		   "the answer 198.51.100.10:3478 sent to external port 40000 never came in "
		   "(asked 3 times)");
	snprintf(r.error, sizeof(r.error),
		 "mapped, but unreachable from outside: %s; the gateway's external address "
		 "100.64.0.2 is not the public address 203.0.113.2: the NAT in front of the "
		 "gateway has no mapping for the port (forward it there too, or ask the ISP for "
		 "a public address)",
		 r.check.reason);
	r.failure = FAILURE_UNREACHABLE;
	golden_map_event("map_check_unreachable", MAP_EVENT_MAPPED, &r);
	for (int json = 0; json <= 1; json++) {
		golden_begin(&g, json, false);
		g.out.quiet = true;
		render_map_result(&g.out, MAP_EVENT_MAPPED, &r);
		GOLDEN_END(&g, json ? "map_check_unreachable_quiet.json"
				    : "map_check_unreachable_quiet.txt");
	}
	snprintf(r.check.reason, sizeof(r.check.reason),
		 "the answer 198.51.100.10:3478 sent to external port 40000 never came in (asked "
		 "3 times)");
	golden_keep_event("map_keep_check_unreachable", MAP_EVENT_REMAPPED, &r);
}

/* TCP: a companion UDP mapping was checked, and the reason says what that proves. */
static void golden_map_check_tcp_companion(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_UPNP, IPPROTO_TCP, 8080, 7200);
	snprintf(r.description, sizeof(r.description), "natctl");
	with_check(&r, NAT_TRI_YES, 40123,
		   CHECK_REACHED("40123") "; checked through a companion UDP mapping of port "
					  "40123, deleted after, because TCP cannot be proven "
					  "without a helper outside: this shows that every NAT "
					  "layer lets inbound UDP through to this host, not that "
					  "tcp port 8080 itself is reachable");
	r.check.companion = true;
	golden_map_event("map_check_tcp_companion", MAP_EVENT_MAPPED, &r);
}

/* --internal: nothing to listen on from here; and a mapping that failed. */
static void golden_map_check_not_checked(void)
{
	struct map_result r;
	golden_mapping(&r, MAP_PCP, IPPROTO_UDP, 51820, 7200);
	r.internal = golden_ep("192.168.77.11", 51820);
	with_check(&r, NAT_TRI_UNKNOWN, 0,
		   "the mapping points at another host (192.168.77.11): only that host can listen "
		   "for the answer");
	r.check.port_checked = (struct endpoint){0};
	golden_map_event("map_check_other_host", MAP_EVENT_MAPPED, &r);
	failed_base(&r, IPPROTO_UDP, 51820);
	no_answer_all(&r);
	with_check(&r, NAT_TRI_UNKNOWN, 0, "not checked: nothing was mapped");
	r.check.port_checked = (struct endpoint){0};
	failure_golden("map_check_failed.json", true, &r);
}

/* ---- failures: "failed", whatever was asked; text prints nothing on stdout ---- */

static void failure_golden(const char *name, bool json, const struct map_result *r)
{
	struct golden g;
	golden_begin(&g, json, false);
	render_map_result(&g.out, MAP_EVENT_MAPPED, r);
	GOLDEN_END(&g, name);
}

/* portmap_run failed: no method; the gateway, this host and the ports named. */
static void golden_map_failure_no_answer(void)
{
	struct map_result r;
	failed_base(&r, IPPROTO_TCP, 8080);
	no_answer_all(&r);
	failure_golden("map_failure_no_answer.txt", false, &r);
	failure_golden("map_failure_no_answer.json", true, &r);
}

/* Every method refused: the class of the most telling one (conflict). */
static void golden_map_failure_conflict(void)
{
	struct map_result r;
	failed_base(&r, IPPROTO_TCP, 8080);
	add_error_as(&r, MAP_PCP, FAILURE_CONFLICT, 0,
		     "external port 8080/tcp is taken: the gateway offered 1024 (--any accepts it)");
	add_error_as(&r, MAP_UPNP, FAILURE_CONFLICT, 718,
		     "external port 8080/tcp is held by 192.168.77.11:8080 (\"game\") (718 "
		     "ConflictInMappingEntry)");
	snprintf(r.error, sizeof(r.error), "pcp: %s; upnp: %s", r.errors[0].text, r.errors[1].text);
	r.failure = FAILURE_CONFLICT;
	failure_golden("map_failure_conflict.json", true, &r);
}

/* portmap_open failed: no route; only the ports asked are known. */
static void golden_map_failure_no_route(void)
{
	struct map_result r;
	memset(&r, 0, sizeof(r));
	r.method = MAP_NONE;
	r.protocol = IPPROTO_UDP;
	r.internal.port = r.external.port = 51820;
	r.failure = FAILURE_NO_ROUTE;
	snprintf(r.error, sizeof(r.error), "no route toward the gateway: %s",
		 strerror(ENETUNREACH));
	failure_golden("map_failure_no_route.json", true, &r);
}

/* No error text at all: "failed". The port is known, the address not. */
static void golden_map_failure_no_text(void)
{
	struct map_result r;
	memset(&r, 0, sizeof(r));
	r.method = MAP_NONE;
	r.protocol = IPPROTO_TCP;
	r.external.port = 8080;
	r.failure = FAILURE_SYSTEM;
	failure_golden("map_failure_no_text.json", true, &r);
}

/* A usage error, in the document of the mode asked for (cmd_map's render_not_run). */
static void golden_map_failure_usage(void)
{
	struct map_result r;
	memset(&r, 0, sizeof(r));
	r.method = MAP_NONE;
	r.protocol = IPPROTO_TCP;
	r.failure = FAILURE_USAGE;
	snprintf(r.error, sizeof(r.error),
		 "invalid port '70000': 70000 is out of range (1 to 65535)");
	failure_golden("map_failure_usage.txt", false, &r);
	failure_golden("map_failure_usage.json", true, &r);
}

/* ---- the UPnP list ---- */

static void list_goldens(const char *base, const struct map_list *l, const struct map_result *r)
{
	char name[128];
	for (int json = 0; json <= 1; json++) {
		struct golden g;
		snprintf(name, sizeof(name), "%s.%s", base, json ? "json" : "txt");
		golden_begin(&g, json, false);
		render_map_list(&g.out, l, r);
		GOLDEN_END(&g, name);
	}
}

static void list_result(struct map_result *r)
{
	memset(r, 0, sizeof(r[0]));
	r->ok = true;
	r->method = MAP_UPNP;
	r->gateway = golden_ep("192.168.77.1", 0);
}

static struct map_entry entry(int protocol, const char *internal, uint16_t iport, uint16_t eport,
			      uint32_t lifetime, const char *description)
{
	struct map_entry e;
	memset(&e, 0, sizeof(e));
	e.method = MAP_UPNP;
	e.protocol = protocol;
	if (internal)
		e.internal = golden_ep(internal, iport);
	e.external = golden_ep("203.0.113.2", eport);
	e.lifetime = lifetime;
	e.enabled = true;
	snprintf(e.description, sizeof(e.description), "%s", description);
	return e;
}

/* A lease (natctl's own), a permanent one with an unknown external address
 * and UTF-8, a disabled one for one remote host, an unparsed client whose
 * description steers a terminal, and natctl's own PCP mapping from its state. */
static void golden_map_list(void)
{
	struct map_entry e[5];
	struct map_result r;
	e[0] = entry(IPPROTO_TCP, "192.168.77.10", 8080, 8080, 3600, "natctl");
	e[0].ours = true;
	e[1] = entry(IPPROTO_UDP, "192.168.77.23", 51820, 51820, 0,
		     "WireGuard \xe2\x80\x93 B\xc3\xbcro"); /* an en dash, a u umlaut */
	e[1].external = (struct endpoint){.port = 51820};
	e[2] = entry(IPPROTO_TCP, "192.168.77.40", 22, 2222, 0, "ssh");
	e[2].enabled = false;
	snprintf(e[2].remote_host, sizeof(e[2].remote_host), "198.51.100.7");
	e[3] = entry(IPPROTO_UDP, NULL, 32400, 32400, 600, "Plex\x1b[31m \"red\"\\\x7f");
	e[4] = entry(IPPROTO_UDP, "192.168.77.10", 51413, 51413, 5400, "");
	e[4].method = MAP_PCP;
	e[4].ours = true;
	e[4].external = (struct endpoint){.port = 51413}; /* the state keeps the port */
	struct map_list l = {.gateway = golden_ep("192.168.77.1", 0), .entries = e, .n = 5};
	list_result(&r);
	list_goldens("map_list", &l, &r);
}

/* The deadline cut the listing; a warning says why. */
static void golden_map_list_truncated(void)
{
	struct map_entry e = entry(IPPROTO_TCP, "192.168.77.10", 8080, 8080, 3600, "natctl");
	struct map_result r;
	struct map_list l = {.gateway = golden_ep("192.168.77.1", 0),
			     .entries = &e,
			     .n = 1,
			     .truncated = true};
	list_result(&r);
	add_warning(&r, "upnp: no answer to GetGenericPortMappingEntry 1 within the deadline");
	list_goldens("map_list_truncated", &l, &r);
}

/* An empty table: no text; JSON has an empty array. */
static void golden_map_list_empty(void)
{
	struct map_result r;
	struct map_list l = {.gateway = golden_ep("192.168.77.1", 0)};
	list_result(&r);
	list_goldens("map_list_empty", &l, &r);
}

/* The listing failed (as do_list renders it in JSON after map_list_free). */
static void golden_map_list_failed(void)
{
	struct map_result r;
	struct map_list l = {.gateway = golden_ep("192.168.77.1", 0)};
	list_result(&r);
	r.ok = false;
	r.method = MAP_NONE;
	add_error(&r, MAP_UPNP, 0, "no IGD answered the SSDP search");
	snprintf(r.error, sizeof(r.error),
		 "no gateway that can list mappings answered within 2.0 s (upnp: no IGD answered "
		 "the SSDP search)");
	r.failure = FAILURE_NO_ANSWER;
	struct golden g;
	golden_begin(&g, true, false);
	render_map_list(&g.out, &l, &r);
	GOLDEN_END(&g, "map_list_failed.json");
}

/* ---- external addresses ---- */

static void external_goldens(const char *base, const struct map_external *x,
			     const struct map_result *r)
{
	char name[128];
	for (int json = 0; json <= 1; json++) {
		struct golden g;
		snprintf(name, sizeof(name), "%s.%s", base, json ? "json" : "txt");
		golden_begin(&g, json, false);
		render_map_external(&g.out, x, r);
		GOLDEN_END(&g, name);
	}
}

static void add_row(struct map_external *x, enum map_method m, const char *address,
		    const char *note)
{
	x->rows[x->n].method = m;
	if (address)
		x->rows[x->n].address = golden_ep(address, 0);
	snprintf(x->rows[x->n].note, MAP_TEXT_MAX, "%s", note);
	x->n++;
}

/* PCP (no address, a note), NAT-PMP in CGNAT space (a warning), UPnP absent (an error). */
static void golden_map_external(void)
{
	struct map_external x;
	struct map_result r;
	memset(&x, 0, sizeof(x));
	list_result(&r);
	r.method = MAP_NONE;
	add_row(&x, MAP_PCP, NULL,
		"PCP has no request for the external address; a mapping reports it");
	add_row(&x, MAP_NATPMP, "100.64.0.2", "");
	add_warning(&r, "natpmp: the gateway's external address 100.64.0.2 is carrier-grade NAT "
			"space (RFC 6598): mappings only open the inner NAT (double NAT)");
	add_error(&r, MAP_UPNP, 0, "no IGD answered the SSDP search");
	external_goldens("map_external", &x, &r);
}

/* -i eth0 without a default gateway: only UPnP (by SSDP) answered; gateway null. */
static void golden_map_external_no_gateway(void)
{
	struct map_external x;
	struct map_result r;
	memset(&x, 0, sizeof(x));
	list_result(&r);
	r.method = MAP_NONE;
	r.gateway = (struct endpoint){0};
	add_row(&x, MAP_UPNP, "203.0.113.2", "");
	add_error_as(&r, MAP_PCP, FAILURE_NO_ROUTE, 0, "no default IPv4 gateway on eth0");
	add_error_as(&r, MAP_NATPMP, FAILURE_NO_ROUTE, 0, "no default IPv4 gateway on eth0");
	external_goldens("map_external_no_gateway", &x, &r);
}

/* Nothing answered: text prints nothing, JSON carries the error and the errors array. */
static void golden_map_external_failed(void)
{
	struct map_external x;
	struct map_result r;
	memset(&x, 0, sizeof(x));
	list_result(&r);
	r.ok = false;
	r.method = MAP_NONE;
	no_answer_all(&r);
	external_goldens("map_external_failed", &x, &r);
}

/* --list and --external with no route: each in its own document, not a mapping's. */
static void golden_map_list_external_no_route(void)
{
	struct map_external x;
	struct map_list l;
	struct map_result r;
	struct golden g;
	memset(&x, 0, sizeof(x));
	memset(&l, 0, sizeof(l));
	memset(&r, 0, sizeof(r));
	r.method = MAP_NONE;
	r.failure = FAILURE_NO_ROUTE;
	snprintf(r.error, sizeof(r.error), "interface nosuch0: no such interface");
	golden_begin(&g, true, false);
	render_map_list(&g.out, &l, &r);
	GOLDEN_END(&g, "map_list_no_route.json");
	golden_begin(&g, true, false);
	render_map_external(&g.out, &x, &r);
	GOLDEN_END(&g, "map_external_no_route.json");
}

const struct test_case golden_map_cases[] = {
	T(golden_map_mapped),
	T(golden_map_mapped_upnp_permanent),
	T(golden_map_mapped_no_gateway),
	T(golden_map_mapped_double_nat),
	T(golden_map_renewed),
	T(golden_map_remapped),
	T(golden_map_renew_failed),
	T(golden_map_renew_failed_as_kept),
	T(golden_map_lost),
	T(golden_map_address_changed),
	T(golden_map_keep_mapped_and_failed),
	T(golden_map_mapped_longest),
	T(golden_map_deleted_other_host),
	T(golden_map_quiet),
	T(golden_map_failure_conflict),
	T(golden_map_failure_usage),
	T(golden_map_deleted),
	T(golden_map_deleted_upnp),
	T(golden_map_failure_no_answer),
	T(golden_map_failure_no_route),
	T(golden_map_failure_no_text),
	T(golden_map_list),
	T(golden_map_check_reachable),
	T(golden_map_check_unreachable),
	T(golden_map_check_tcp_companion),
	T(golden_map_check_not_checked),
	T(golden_map_list_truncated),
	T(golden_map_list_empty),
	T(golden_map_list_failed),
	T(golden_map_external),
	T(golden_map_external_no_gateway),
	T(golden_map_external_failed),
	T(golden_map_list_external_no_route),
	{NULL, NULL},
};
