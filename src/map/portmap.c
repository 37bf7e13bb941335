// SPDX-License-Identifier: BSD-2-Clause
// Port mappings: every selected method asked at once in one poll loop, the most preferred that works used.
#include "natctl/map/portmap.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/buf.h"
#include "natctl/base/text.h"
#include "natctl/base/clock.h"
#include "natctl/net/gateway.h"
#include "natctl/map/map_errors.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/net/net.h"
#include "natctl/map/pcp_nonce.h"

const char *map_method_name(enum map_method m)
{
	switch (m) {
	case MAP_PCP: return "pcp";
	case MAP_NATPMP: return "natpmp";
	case MAP_UPNP: return "upnp";
	default: return "none";
	}
}

const char *map_protocol_name(int protocol)
{
	return protocol == IPPROTO_UDP ? "udp" : "tcp";
}

/* ------------------------------------------------------------ results */

/* A warning, in the result's bounded list. */
#define add_warning(r, ...) TEXT_LINES_ADD((r)->warnings, (r)->n_warnings, __VA_ARGS__)

static void set_why(struct map_run *run, enum map_method m, enum map_mstate st, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void set_why(struct map_run *run, enum map_method m, enum map_mstate st, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(run->why[m], MAP_TEXT_MAX, fmt, ap);
	va_end(ap);
	run->st[m] = st;
	trace_log(run->pm->trace, "map: %s: %s", map_method_name(m), run->why[m]);
}

static const char *gw_text(const struct portmap *pm, char buf[ENDPOINT_STRLEN])
{
	return endpoint_format_ip(&pm->gateway, buf);
}

/* The double-NAT warning (issue: in text and JSON alike). */
static void warn_external(struct map_result *r)
{
	char ip[IP_STRLEN];
	if (!endpoint_is_set(&r->external)) {
		add_warning(r, "the gateway did not tell its external address");
		return;
	}
	enum addr_class c = addr_classify(&r->external);
	if (c == ADDR_CLASS_PRIVATE)
		add_warning(r,
			    "the gateway's external address %s is private (RFC 1918): the mapping only opens the inner NAT (double NAT)",
			    endpoint_format_ip(&r->external, ip));
	else if (c == ADDR_CLASS_CGNAT)
		add_warning(r,
			    "the gateway's external address %s is carrier-grade NAT space (RFC 6598, 100.64.0.0/10): the mapping only opens the inner NAT (double NAT)",
			    endpoint_format_ip(&r->external, ip));
}

static void fill_common(struct map_run *run, enum map_method m)
{
	struct map_result *r = run->r;
	const struct portmap *pm = run->pm;
	r->method = m;
	r->gateway = pm->gateway;
	r->protocol = pm->p.protocol;
	r->internal = endpoint_is_set(&pm->p.internal) ? pm->p.internal : pm->local;
	r->internal.port = pm->p.internal_port;
}

/* ------------------------------------------------------------ PCP */

static bool for_other_host(const struct portmap *pm)
{
	return endpoint_is_set(&pm->p.internal) && !endpoint_same_ip(&pm->p.internal, &pm->local);
}

static void pcp_request_for(const struct map_run *run, uint32_t lifetime, uint16_t eport,
			    struct pcp_request *q)
{
	const struct portmap *pm = run->pm;
	memset(q, 0, sizeof(*q));
	q->opcode = PCP_OP_MAP;
	q->lifetime = lifetime;
	q->client = pm->local;
	q->protocol = (uint8_t)pm->p.protocol;
	q->internal_port = pm->p.internal_port;
	q->external_port = eport;
	/* §13.1 THIRD_PARTY: a mapping for another host of the LAN. */
	if (endpoint_is_set(&pm->p.internal) && !endpoint_same_ip(&pm->p.internal, &pm->local))
		q->third_party = pm->p.internal;
	const struct endpoint *who = endpoint_is_set(&q->third_party) ? &q->third_party : &pm->local;
	pcp_nonce_derive(pm->nonce_key, who, q->internal_port, q->protocol, q->nonce);
}

static uint32_t wire_lifetime(const struct portmap *pm)
{
	/* PCP and NAT-PMP have no permanent mapping (0 deletes): ask for the longest. */
	return pm->p.lifetime ? pm->p.lifetime : MAP_LONGEST_LIFETIME;
}

static void pcp_start_add(struct map_run *run)
{
	struct pcp_request q;
	pcp_request_for(run, wire_lifetime(run->pm), run->pm->p.external_port, &q);
	/* §13.2 PREFER_FAILURE: fail rather than map another port. miniupnpd
	 * ignores it, so a different port is also caught after the fact. */
	q.prefer_failure = run->prefer_failure && !run->pm->p.any;
	pcp_client_start(&run->pm->pcp, &q);
}

static void pcp_start_delete(struct map_run *run, uint16_t eport)
{
	struct pcp_request q;
	pcp_request_for(run, 0, eport, &q); /* §15: lifetime 0 deletes */
	pcp_client_start(&run->pm->pcp, &q);
}

static bool pcp_epoch_ok(struct map_run *run, const struct pcp_response *resp)
{
	bool ok = epoch_observe(&run->pm->epochs[0], resp->epoch, clock_now_us());
	if (!ok)
		run->pm->epoch_reset = true;
	return ok;
}

static void pcp_probe_update(struct map_run *run, int64_t now)
{
	struct pcp_client *c = &run->pm->pcp;
	char gw[ENDPOINT_STRLEN];
	if (c->state == PCP_TXN_PENDING) {
		if (now >= run->window_end) {
			pcp_client_cancel(c);
			set_why(run, MAP_PCP, MAP_MS_ABSENT, "no answer from %s:%u", gw_text(run->pm, gw),
				PCP_SERVER_PORT);
		}
		return;
	}
	if (c->state == PCP_TXN_FAILED) {
		set_why(run, MAP_PCP, MAP_MS_ABSENT, "%s:%u: %s", gw_text(run->pm, gw), PCP_SERVER_PORT,
			c->sys_error == -ECONNREFUSED ? "port unreachable (no PCP server)"
						      : strerror(-c->sys_error));
	} else if (c->resp.natpmp) {
		set_why(run, MAP_PCP, MAP_MS_ABSENT, "%s speaks NAT-PMP, not PCP", gw_text(run->pm, gw));
	} else if (c->resp.result == PCP_RESULT_UNSUPP_VERSION) {
		set_why(run, MAP_PCP, MAP_MS_ABSENT, "%s speaks PCP version %u only", gw_text(run->pm, gw),
			c->resp.version);
	} else {
		pcp_epoch_ok(run, &c->resp);
		run->st[MAP_PCP] = MAP_MS_PRESENT;
		run->present_at[MAP_PCP] = now;
	}
}

static void pcp_success(struct map_run *run, const struct pcp_response *resp)
{
	struct map_result *r = run->r;
	fill_common(run, MAP_PCP);
	r->external = resp->external;
	r->external.port = resp->external_port;
	r->lifetime = resp->lifetime;
	run->st[MAP_PCP] = MAP_MS_OK;
	if (!run->pm->p.lifetime)
		add_warning(r, "PCP has no permanent mappings: the gateway granted %u s", resp->lifetime);
}

static void pcp_add_update(struct map_run *run)
{
	struct pcp_client *c = &run->pm->pcp;
	const struct map_params *p = &run->pm->p;
	const char *proto = map_protocol_name(p->protocol);
	char text[MAP_TEXT_MAX];
	if (c->state == PCP_TXN_FAILED) {
		set_why(run, MAP_PCP, MAP_MS_FAILED, "%s", strerror(-c->sys_error));
		return;
	}
	const struct pcp_response *resp = &c->resp;
	pcp_epoch_ok(run, resp);
	if (run->step[MAP_PCP] == 2) { /* the unwanted port is gone again */
		set_why(run, MAP_PCP, MAP_MS_FAILED,
			"external port %u/%s is taken: the gateway offered %u (--any accepts it)",
			p->external_port, proto, run->offered);
		return;
	}
	if (resp->result == PCP_RESULT_UNSUPP_OPTION && run->prefer_failure) {
		run->prefer_failure = false; /* §13.2 is optional to implement */
		pcp_start_add(run);
		return;
	}
	if (resp->result == PCP_RESULT_UNSUPP_OPTION && for_other_host(run->pm)) {
		set_why(run, MAP_PCP, MAP_MS_FAILED,
			"UNSUPP_OPTION: the gateway does not map for other hosts (THIRD_PARTY)");
		return;
	}
	if (resp->result != PCP_RESULT_SUCCESS) {
		run->code[MAP_PCP] = (int)resp->result;
		map_pcp_result_text(resp->result, p->external_port, proto, text, sizeof(text));
		set_why(run, MAP_PCP, MAP_MS_FAILED, "%s", text);
		return;
	}
	if (!p->any && resp->external_port != p->external_port) {
		run->offered = resp->external_port;
		run->step[MAP_PCP] = 2;
		pcp_start_delete(run, resp->external_port);
		return;
	}
	pcp_success(run, resp);
}

static void pcp_delete_update(struct map_run *run)
{
	struct pcp_client *c = &run->pm->pcp;
	char text[MAP_TEXT_MAX];
	const struct map_params *p = &run->pm->p;
	if (c->state == PCP_TXN_FAILED) {
		set_why(run, MAP_PCP, MAP_MS_FAILED, "%s", strerror(-c->sys_error));
		return;
	}
	pcp_epoch_ok(run, &c->resp);
	if (c->resp.result == PCP_RESULT_SUCCESS) {
		run->st[MAP_PCP] = MAP_MS_OK;
		return;
	}
	/* miniupnpd answers NO_RESOURCES to the deletion of a mapping it does not have. */
	if (c->resp.result == PCP_RESULT_NO_RESOURCES) {
		run->not_found[MAP_PCP] = true;
		set_why(run, MAP_PCP, MAP_MS_FAILED, "no PCP mapping for %u/%s", p->internal_port,
			map_protocol_name(p->protocol));
	}
	else {
		run->code[MAP_PCP] = (int)c->resp.result;
		map_pcp_result_text(c->resp.result, p->external_port, map_protocol_name(p->protocol),
				    text, sizeof(text));
		set_why(run, MAP_PCP, MAP_MS_FAILED, "%s", text);
	}
}

/* ------------------------------------------------------------ NAT-PMP */

static void natpmp_probe_update(struct map_run *run, int64_t now)
{
	struct natpmp_client *c = &run->pm->pmp;
	char gw[ENDPOINT_STRLEN];
	if (c->state == NATPMP_TXN_PENDING) {
		if (now >= run->window_end) {
			natpmp_client_cancel(c);
			set_why(run, MAP_NATPMP, MAP_MS_ABSENT, "no answer from %s:%u", gw_text(run->pm, gw),
				NATPMP_SERVER_PORT);
		}
		return;
	}
	if (c->state == NATPMP_TXN_FAILED) {
		set_why(run, MAP_NATPMP, MAP_MS_ABSENT, "%s:%u: %s", gw_text(run->pm, gw),
			NATPMP_SERVER_PORT,
			c->sys_error == -ECONNREFUSED ? "port unreachable (no NAT-PMP server)"
						      : strerror(-c->sys_error));
		return;
	}
	if (c->result == NATPMP_RESULT_UNSUPPORTED_VERSION) {
		set_why(run, MAP_NATPMP, MAP_MS_ABSENT, "%s does not speak NAT-PMP version 0",
			gw_text(run->pm, gw));
		return;
	}
	if (!epoch_observe(&run->pm->epochs[1], c->resp.epoch, clock_now_us()))
		run->pm->epoch_reset = true;
	memset(&run->pm->natpmp_external, 0, sizeof(run->pm->natpmp_external));
	if (c->result == NATPMP_RESULT_SUCCESS) {
		run->pm->natpmp_external.family = AF_INET;
		memcpy(run->pm->natpmp_external.ip, &c->resp.pnu.publicaddress.addr, 4);
	} else {
		run->code[MAP_NATPMP] = c->result;
		map_natpmp_result_text((unsigned)c->result, run->why[MAP_NATPMP], MAP_TEXT_MAX);
	}
	run->st[MAP_NATPMP] = MAP_MS_PRESENT;
	run->present_at[MAP_NATPMP] = now;
}

static void natpmp_success(struct map_run *run, const natpmpresp_t *resp)
{
	struct map_result *r = run->r;
	fill_common(run, MAP_NATPMP);
	r->external = run->pm->natpmp_external;
	r->external.port = resp->pnu.newportmapping.mappedpublicport;
	r->lifetime = resp->pnu.newportmapping.lifetime;
	run->st[MAP_NATPMP] = MAP_MS_OK;
	if (!run->pm->p.lifetime)
		add_warning(r, "NAT-PMP has no permanent mappings: the gateway granted %u s",
			    r->lifetime);
}

static void natpmp_add_update(struct map_run *run)
{
	struct natpmp_client *c = &run->pm->pmp;
	const struct map_params *p = &run->pm->p;
	char text[MAP_TEXT_MAX];
	if (c->state == NATPMP_TXN_FAILED) {
		set_why(run, MAP_NATPMP, MAP_MS_FAILED, "%s", strerror(-c->sys_error));
		return;
	}
	if (!epoch_observe(&run->pm->epochs[1], c->resp.epoch, clock_now_us()))
		run->pm->epoch_reset = true;
	if (run->step[MAP_NATPMP] == 2) {
		set_why(run, MAP_NATPMP, MAP_MS_FAILED,
			"external port %u/%s is taken: the gateway offered %u (--any accepts it)",
			p->external_port, map_protocol_name(p->protocol), run->offered);
		return;
	}
	if (c->result != NATPMP_RESULT_SUCCESS) {
		run->code[MAP_NATPMP] = c->result;
		map_natpmp_result_text((unsigned)c->result, text, sizeof(text));
		set_why(run, MAP_NATPMP, MAP_MS_FAILED, "%s", text);
		return;
	}
	uint16_t given = c->resp.pnu.newportmapping.mappedpublicport;
	/* RFC 6886 §3.3: the suggested port is only a hint; without --any a
	 * different one is a conflict, and the mapping we did not want goes. */
	if (!p->any && given != p->external_port) {
		run->offered = given;
		run->step[MAP_NATPMP] = 2;
		natpmp_client_map(c, p->protocol, p->internal_port, 0, 0);
		return;
	}
	natpmp_success(run, &c->resp);
}

static void natpmp_delete_update(struct map_run *run)
{
	struct natpmp_client *c = &run->pm->pmp;
	char text[MAP_TEXT_MAX];
	if (c->state == NATPMP_TXN_FAILED) {
		set_why(run, MAP_NATPMP, MAP_MS_FAILED, "%s", strerror(-c->sys_error));
		return;
	}
	if (c->result == NATPMP_RESULT_SUCCESS) {
		run->st[MAP_NATPMP] = MAP_MS_OK;
		return;
	}
	run->code[MAP_NATPMP] = c->result;
	map_natpmp_result_text((unsigned)c->result, text, sizeof(text));
	set_why(run, MAP_NATPMP, MAP_MS_FAILED, "%s", text);
}

/* ------------------------------------------------------------ UPnP */

static void upnp_probe_update(struct map_run *run, int64_t now)
{
	struct upnp_client *c = &run->pm->upnp;
	if (c->state == UPNP_SEARCHING || c->state == UPNP_DESCRIBING)
		return;
	if (c->have_igd) {
		run->st[MAP_UPNP] = MAP_MS_PRESENT;
		run->present_at[MAP_UPNP] = now;
	} else if (c->sys_error) {
		set_why(run, MAP_UPNP, MAP_MS_ABSENT, "SSDP search failed: %s", strerror(-c->sys_error));
	} else if (c->n_answers) {
		set_why(run, MAP_UPNP, MAP_MS_ABSENT, "%s: no usable IGD description",
			c->answers[0].location);
	} else {
		set_why(run, MAP_UPNP, MAP_MS_ABSENT, "no IGD answered the SSDP search%s",
			c->dropped ? " (malformed answers dropped; -v shows them)" : "");
	}
}

static void upnp_fill_job(struct map_run *run, enum upnp_job_kind kind, struct upnp_job *j)
{
	const struct portmap *pm = run->pm;
	const struct upnp_client *c = &pm->upnp;
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->deadline = run->deadline;
	j->udp = pm->p.protocol == IPPROTO_UDP;
	j->internal_port = pm->p.internal_port;
	j->external_port = pm->p.external_port;
	j->lifetime = pm->p.lifetime;
	j->any = pm->p.any;
	j->force = pm->p.force;
	text_copy(j->self, sizeof(j->self), c->lanaddr);
	if (endpoint_is_set(&pm->p.internal))
		endpoint_format_ip(&pm->p.internal, j->internal_client);
	else
		text_copy(j->internal_client, sizeof(j->internal_client), c->lanaddr);
	text_copy(j->description, sizeof(j->description),
		 pm->p.description ? pm->p.description : "natctl");
}

static int upnp_start(struct map_run *run, enum upnp_job_kind kind)
{
	struct upnp_job j;
	upnp_fill_job(run, kind, &j);
	int rc = upnp_client_job(&run->pm->upnp, &j);
	if (rc < 0)
		set_why(run, MAP_UPNP, MAP_MS_FAILED, "cannot start the SOAP call: %s", strerror(-rc));
	return rc;
}

static void upnp_external(const struct upnp_client *c, struct endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (c->external_code != 0 || endpoint_parse_ip(out, c->external) < 0)
		memset(out, 0, sizeof(*out));
}

static void upnp_quirk_warnings(struct map_result *r, const struct upnp_outcome *o, uint16_t asked)
{
	if (o->quirks & UPNP_QUIRK_PERMANENT_ONLY)
		add_warning(r, "the gateway takes only permanent UPnP leases: mapped with lease 0; delete it when done");
	if (o->quirks & UPNP_QUIRK_SAME_PORT)
		add_warning(r, "the gateway requires the same external and internal port (724): mapped external port %u instead of %u",
			    o->external_port, asked);
	if (o->quirks & UPNP_QUIRK_NO_ANY)
		add_warning(r, "the gateway lacks AddAnyPortMapping: used AddPortMapping");
}

static void upnp_failure(struct map_run *run, const struct upnp_outcome *o)
{
	const struct upnp_client *c = &run->pm->upnp;
	struct upnp_job j;
	char text[MAP_TEXT_MAX];
	upnp_fill_job(run, UPNP_JOB_ADD, &j);
	struct upnp_failure f = {
		.o = o,
		.proto = map_protocol_name(run->pm->p.protocol),
		.external_port = o->external_port ? o->external_port : run->pm->p.external_port,
		.internal = j.internal_client,
		.self = c->lanaddr,
		.external = c->external,
	};
	run->code[MAP_UPNP] = o->code;
	map_upnp_failure_text(&f, text, sizeof(text));
	set_why(run, MAP_UPNP, MAP_MS_FAILED, "%s", text);
}

static void upnp_add_update(struct map_run *run)
{
	const struct upnp_client *c = &run->pm->upnp;
	const struct upnp_outcome *o = &c->outcome;
	if (c->job_lost) {
		set_why(run, MAP_UPNP, MAP_MS_FAILED, "no answer to AddPortMapping within the deadline (the mapping may exist: natctl map --list)");
		return;
	}
	if (o->code != 0) {
		upnp_failure(run, o);
		return;
	}
	struct map_result *r = run->r;
	fill_common(run, MAP_UPNP);
	endpoint_parse_ip(&r->internal, run->pm->upnp.job.internal_client);
	r->internal.port = run->pm->p.internal_port;
	upnp_external(c, &r->external);
	r->external.port = o->external_port;
	r->lifetime = o->lifetime;
	text_copy(r->description, sizeof(r->description), c->job.description);
	upnp_quirk_warnings(r, o, run->pm->p.external_port);
	run->st[MAP_UPNP] = MAP_MS_OK;
}

static void upnp_delete_update(struct map_run *run)
{
	const struct upnp_client *c = &run->pm->upnp;
	const struct upnp_outcome *o = &c->outcome;
	const struct map_params *p = &run->pm->p;
	const char *proto = map_protocol_name(p->protocol);
	if (c->job_lost) {
		set_why(run, MAP_UPNP, MAP_MS_FAILED, "no answer to DeletePortMapping within the deadline");
	} else if (o->refused_other_host) {
		set_why(run, MAP_UPNP, MAP_MS_FAILED,
			"%u/%s points at %s:%u (\"%s\"), not this host; --force deletes it",
			p->external_port, proto, o->holder.client, o->holder.port,
			o->holder.description);
	} else if (o->not_found) {
		run->not_found[MAP_UPNP] = true;
		set_why(run, MAP_UPNP, MAP_MS_FAILED, "no UPnP mapping for external port %u/%s",
			p->external_port, proto);
	} else if (o->code != 0) {
		upnp_failure(run, o);
	} else {
		run->st[MAP_UPNP] = MAP_MS_OK;
	}
}

/* ------------------------------------------------------------ the run */

static bool probing(const struct map_run *run)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PROBING)
			return true;
	return false;
}

static void probe_updates(struct map_run *run, int64_t now)
{
	if (run->st[MAP_PCP] == MAP_MS_PROBING)
		pcp_probe_update(run, now);
	if (run->st[MAP_NATPMP] == MAP_MS_PROBING)
		natpmp_probe_update(run, now);
	if (run->st[MAP_UPNP] == MAP_MS_PROBING)
		upnp_probe_update(run, now);
}

/* A present method may go ahead once every better one has settled, or
 * has had its grace: as long again as this one took, 20 ms at least. */
static int64_t grace_end(const struct map_run *run, enum map_method m)
{
	int64_t took = run->present_at[m] - run->start;
	return run->present_at[m] + (took > MAP_GRACE_MIN_US ? took : MAP_GRACE_MIN_US);
}

static enum map_method next_candidate(const struct map_run *run, int64_t now)
{
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] == MAP_MS_PROBING)
			continue;
		if (run->st[m] != MAP_MS_PRESENT)
			continue;
		for (int b = 0; b < m; b++)
			if (run->st[b] == MAP_MS_PROBING && now < grace_end(run, (enum map_method)m))
				return MAP_NONE;
		return (enum map_method)m;
	}
	return MAP_NONE;
}

static void start_op(struct map_run *run, enum map_method m)
{
	const struct map_params *p = &run->pm->p;
	/* RFC 6886 §3.3: NAT-PMP maps to the address the request came from. */
	if (m == MAP_NATPMP && for_other_host(run->pm)) {
		set_why(run, m, MAP_MS_FAILED, "NAT-PMP maps only to the host that asks (--internal needs PCP or UPnP)");
		return;
	}
	run->st[m] = MAP_MS_WORKING;
	run->step[m] = 1;
	trace_log(run->pm->trace, "map: using %s", map_method_name(m));
	switch (m) {
	case MAP_PCP:
		if (run->op == MAP_OP_ADD)
			pcp_start_add(run);
		else
			pcp_start_delete(run, p->external_port);
		break;
	case MAP_NATPMP:
		if (run->op == MAP_OP_ADD)
			natpmp_client_map(&run->pm->pmp, p->protocol, p->internal_port,
					  p->external_port, wire_lifetime(run->pm));
		else
			natpmp_client_map(&run->pm->pmp, p->protocol, p->internal_port, 0, 0);
		break;
	case MAP_UPNP:
		upnp_start(run, run->op == MAP_OP_ADD      ? UPNP_JOB_ADD
				: run->op == MAP_OP_DELETE ? UPNP_JOB_DELETE
							   : UPNP_JOB_LIST);
		break;
	default:
		break;
	}
}

static bool op_busy(const struct map_run *run, enum map_method m)
{
	switch (m) {
	case MAP_PCP: return run->pm->pcp.state == PCP_TXN_PENDING;
	case MAP_NATPMP: return run->pm->pmp.state == NATPMP_TXN_PENDING;
	case MAP_UPNP: return run->pm->upnp.state == UPNP_WORKING;
	default: return false;
	}
}

static void op_update(struct map_run *run, enum map_method m)
{
	bool add = run->op == MAP_OP_ADD;
	switch (m) {
	case MAP_PCP:
		add ? pcp_add_update(run) : pcp_delete_update(run);
		break;
	case MAP_NATPMP:
		add ? natpmp_add_update(run) : natpmp_delete_update(run);
		break;
	case MAP_UPNP:
		if (run->op == MAP_OP_LIST)
			run->st[m] = run->pm->upnp.job_lost ? MAP_MS_FAILED : MAP_MS_OK;
		else
			add ? upnp_add_update(run) : upnp_delete_update(run);
		break;
	default:
		break;
	}
	if (run->op == MAP_OP_DELETE && run->st[m] == MAP_MS_OK) {
		run->found = true;
		run->r->deleted_by |= MAP_BIT(m);
	}
}

static void cancel_all(struct map_run *run)
{
	pcp_client_cancel(&run->pm->pcp);
	natpmp_client_cancel(&run->pm->pmp);
	upnp_client_cancel(&run->pm->upnp);
}

static void finish(struct map_run *run)
{
	run->finished = true;
	cancel_all(run);
}

static bool any_state(const struct map_run *run, enum map_mstate st)
{
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == st)
			return true;
	return false;
}

static void controller_tick(void *self, int64_t now)
{
	struct map_run *run = self;
	if (run->finished)
		return;
	probe_updates(run, now);
	if (run->op == MAP_OP_EXTERNAL) {
		if (!probing(run))
			finish(run);
		return;
	}
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_WORKING && !op_busy(run, (enum map_method)m))
			op_update(run, (enum map_method)m);
	if (any_state(run, MAP_MS_WORKING))
		return;
	/* ADD and LIST stop at the first success; DELETE goes through every method there. */
	if (run->op != MAP_OP_DELETE && any_state(run, MAP_MS_OK)) {
		finish(run);
		return;
	}
	enum map_method m = next_candidate(run, now);
	if (m != MAP_NONE) {
		start_op(run, m);
		return;
	}
	if (!probing(run) && !any_state(run, MAP_MS_PRESENT))
		finish(run);
}

static int64_t controller_next(void *self)
{
	struct map_run *run = self;
	int64_t at = CLOCK_NEVER;
	if (probing(run))
		at = run->window_end;
	for (int m = 0; m < MAP_N_METHODS; m++)
		if (run->st[m] == MAP_MS_PRESENT)
			at = clock_min(at, grace_end(run, (enum map_method)m));
	return at;
}

static size_t controller_fds(void *self, int *out, size_t max)
{
	(void)self;
	(void)out;
	(void)max;
	return 0;
}

static void controller_readable(void *self, int fd, int64_t now)
{
	(void)self;
	(void)fd;
	(void)now;
}

static bool controller_done(void *self)
{
	const struct map_run *run = self;
	return run->finished;
}

/* Methods still busy at the deadline say so. */
static void settle_at_deadline(struct map_run *run)
{
	char gw[ENDPOINT_STRLEN];
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] == MAP_MS_PROBING)
			set_why(run, (enum map_method)m, MAP_MS_ABSENT, "no answer from %s within the deadline",
				m == MAP_UPNP ? "an IGD" : gw_text(run->pm, gw));
		else if (run->st[m] == MAP_MS_WORKING)
			set_why(run, (enum map_method)m, MAP_MS_FAILED,
				"the gateway did not finish the request within the deadline");
	}
	cancel_all(run);
}

static void compose_errors(struct map_run *run)
{
	struct map_result *r = run->r;
	bool any_tried = false;
	r->n_errors = 0;
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] == MAP_MS_FAILED)
			any_tried = true;
		if ((run->st[m] == MAP_MS_FAILED || run->st[m] == MAP_MS_ABSENT) && run->why[m][0]) {
			r->errors[r->n_errors].method = (enum map_method)m;
			r->errors[r->n_errors].code = run->code[m];
			r->errors[r->n_errors].double_nat =
				map_double_nat_symptom((enum map_method)m, run->code[m]);
			memcpy(r->errors[r->n_errors].text, run->why[m], MAP_TEXT_MAX);
			r->n_errors++;
		}
	}
	size_t len = 0;
	r->error[0] = '\0';
	for (size_t i = 0; i < r->n_errors; i++) {
		bool tried = run->st[r->errors[i].method] == MAP_MS_FAILED;
		if (any_tried && !tried)
			continue;
		len += (size_t)snprintf(r->error + len, len < sizeof(r->error) ? sizeof(r->error) - len : 0,
					"%s%s: %s", len ? "; " : "", map_method_name(r->errors[i].method),
					r->errors[i].text);
		if (len >= sizeof(r->error))
			break;
	}
}

static struct loop_client controller_loop(struct map_run *run)
{
	return (struct loop_client){
		.self = run,
		.fds = controller_fds,
		.next_wakeup = controller_next,
		.on_readable = controller_readable,
		.on_tick = controller_tick,
		.done = controller_done,
	};
}

size_t portmap_loops(struct map_run *run, struct loop_client out[PORTMAP_LOOPS])
{
	struct portmap *pm = run->pm;
	out[0] = pcp_client_loop(&pm->pcp);
	out[1] = natpmp_client_loop(&pm->pmp);
	out[2] = upnp_client_loop(&pm->upnp);
	out[3] = controller_loop(run);
	return PORTMAP_LOOPS;
}

static void run_loop(struct map_run *run)
{
	struct loop_client clients[PORTMAP_LOOPS];
	if (loop_run(clients, portmap_loops(run, clients), run->deadline) != LOOP_DONE)
		settle_at_deadline(run);
}

static void run_init(struct map_run *run, struct portmap *pm, struct map_result *r, enum map_op op,
		     int64_t deadline)
{
	memset(run, 0, sizeof(*run));
	run->pm = pm;
	run->r = r;
	run->op = op;
	run->start = clock_now_us();
	run->deadline = deadline;
	run->window_end = clock_min(deadline, run->start + MAP_DISCOVERY_WINDOW_US);
	run->prefer_failure = true;
	pm->epoch_reset = false;
}

/* Asks every selected method at once whether it is there (no side effects). */
static void start_probes(struct map_run *run, unsigned methods)
{
	struct portmap *pm = run->pm;
	char gw[ENDPOINT_STRLEN];
	for (int m = 0; m < MAP_N_METHODS; m++)
		run->st[m] = (methods & MAP_BIT(m)) ? MAP_MS_PROBING : MAP_MS_OFF;
	if (run->st[MAP_PCP] == MAP_MS_PROBING) {
		if (!pm->pcp_open) {
			set_why(run, MAP_PCP, MAP_MS_ABSENT, "%s", pm->gateway_why);
		} else {
			/* RFC 6887 §14.1: ANNOUNCE asks whether a server is there. */
			struct pcp_request q = {.opcode = PCP_OP_ANNOUNCE, .client = pm->local};
			pcp_client_start(&pm->pcp, &q);
		}
	}
	if (run->st[MAP_NATPMP] == MAP_MS_PROBING) {
		if (!pm->pmp_open)
			set_why(run, MAP_NATPMP, MAP_MS_ABSENT, "%s", pm->have_gateway ? "cannot open a socket" : pm->gateway_why);
		else
			natpmp_client_address(&pm->pmp);
	}
	if (run->st[MAP_UPNP] == MAP_MS_PROBING) {
		upnp_client_cancel(&pm->upnp);
		pm->upnp.have_igd = false;
		pm->upnp.n_answers = pm->upnp.described = 0;
		pm->upnp.dropped = 0;
		pm->upnp.sys_error = 0;
		const struct endpoint *target = endpoint_is_set(&pm->p.gateway) ? &pm->gateway : NULL;
		if (upnp_client_search(&pm->upnp, &pm->local, target, run->window_end, run->deadline) < 0)
			set_why(run, MAP_UPNP, MAP_MS_ABSENT, "SSDP search failed: %s",
				strerror(-pm->upnp.sys_error));
	}
	(void)gw;
}

/* ------------------------------------------------------------ setup */

static int find_addresses(struct portmap *pm, struct map_result *r)
{
	char why[MAP_TEXT_MAX] = "";
	const struct map_params *p = &pm->p;
	if (endpoint_is_set(&p->gateway)) {
		pm->gateway = p->gateway;
		pm->have_gateway = true;
	} else {
		struct gateway_route route;
		if (gateway_default_v4(p->ifname, &route) == 0) {
			pm->gateway = route.gateway;
			pm->have_gateway = true;
		} else {
			snprintf(pm->gateway_why, sizeof(pm->gateway_why), "no default IPv4 gateway%s%s",
				 p->ifname ? " on " : "", p->ifname ? p->ifname : "");
		}
	}
	int rc = -1;
	if (p->ifname) {
		rc = interface_ipv4(p->ifname, &pm->local);
		if (rc < 0)
			snprintf(why, sizeof(why), "interface %s: %s", p->ifname,
				 rc == -ENODEV ? "no such interface" : "no IPv4 address");
	} else {
		struct endpoint toward = pm->gateway;
		if (!pm->have_gateway)
			endpoint_parse_ip(&toward, SSDP_MULTICAST_V4);
		rc = net_route_source(&toward, &pm->local);
		if (rc < 0)
			snprintf(why, sizeof(why), "no route toward the gateway: %s", strerror(-rc));
	}
	if (rc < 0) {
		snprintf(r->error, sizeof(r->error), "%s", why);
		return -1;
	}
	return 0;
}

int portmap_open(struct portmap *pm, const struct map_params *p, const struct trace *trace,
		 struct map_result *r)
{
	memset(pm, 0, sizeof(*pm));
	memset(r, 0, sizeof(*r));
	r->method = MAP_NONE;
	r->protocol = p->protocol;
	pm->p = *p;
	pm->trace = trace;
	upnp_client_init(&pm->upnp, trace);
	pm->pcp.fd = -1;
	if (find_addresses(pm, r) < 0)
		return -1;
	char local[IP_STRLEN], gw[IP_STRLEN];
	trace_log(trace, "map: this host %s, gateway %s", endpoint_format_ip(&pm->local, local),
		  pm->have_gateway ? endpoint_format_ip(&pm->gateway, gw) : "none");
	pm->have_key = pcp_nonce_key(pm->nonce_key) == 0;
	if (!pm->have_key) {
		/* Without a machine id the nonce is random: this process can
		 * renew and delete, a later one cannot delete by PCP. */
		random_bytes(pm->nonce_key, sizeof(pm->nonce_key));
		trace_log(trace, "map: no machine id: PCP nonces are random for this run");
	}
	if (pm->have_gateway && (p->methods & MAP_BIT(MAP_PCP)))
		pm->pcp_open = pcp_client_open(&pm->pcp, &pm->gateway, &pm->local, trace) == 0;
	if (pm->have_gateway && (p->methods & MAP_BIT(MAP_NATPMP)))
		pm->pmp_open = natpmp_client_open(&pm->pmp, &pm->gateway, trace) == 0;
	return 0;
}

void portmap_close(struct portmap *pm)
{
	if (pm->pcp_open)
		pcp_client_close(&pm->pcp);
	if (pm->pmp_open)
		natpmp_client_close(&pm->pmp);
	pm->pcp_open = pm->pmp_open = false;
	upnp_client_close(&pm->upnp);
}

/* ------------------------------------------------------------ operations */

static int conclude(struct map_run *run)
{
	struct map_result *r = run->r;
	compose_errors(run);
	if (run->op == MAP_OP_DELETE) {
		r->ok = run->found;
		if (r->ok) {
			int first = __builtin_ctz(r->deleted_by);
			fill_common(run, (enum map_method)first);
			r->external.port = run->pm->p.external_port;
			r->lifetime = 0;
			struct endpoint ext;
			upnp_external(&run->pm->upnp, &ext);
			if (endpoint_is_set(&run->pm->natpmp_external))
				ext = run->pm->natpmp_external;
			if (endpoint_is_set(&ext)) {
				r->external = ext;
				r->external.port = run->pm->p.external_port;
			}
			/* What other methods said is worth knowing, not fatal; that
			 * one had nothing left to delete is no news. */
			for (size_t i = 0; i < r->n_errors; i++)
				if (run->st[r->errors[i].method] == MAP_MS_FAILED &&
				    !run->not_found[r->errors[i].method])
					add_warning(r, "%s: %s", map_method_name(r->errors[i].method),
						    r->errors[i].text);
		}
	} else if (run->op == MAP_OP_ADD) {
		r->ok = any_state(run, MAP_MS_OK);
		if (r->ok)
			warn_external(r);
	} else {
		r->ok = any_state(run, MAP_MS_OK);
	}
	if (!r->ok && !any_state(run, MAP_MS_FAILED) && run->op != MAP_OP_EXTERNAL) {
		/* Nobody answered at all: name every method tried. */
		char tail[sizeof(r->error)];
		memcpy(tail, r->error, sizeof(tail));
		double secs = (double)(clock_now_us() - run->start) / USEC_PER_SEC;
		snprintf(r->error, sizeof(r->error), "no gateway answered within %.1f s (%s)", secs,
			 tail);
	}
	return r->ok ? 0 : -1;
}

int portmap_run(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	struct map_run run;
	run_init(&run, pm, r, pm->p.op, deadline);
	start_probes(&run, pm->p.methods);
	run_loop(&run);
	return conclude(&run);
}

/* Straight to the operation with the method that made the mapping. */
static int direct(struct portmap *pm, int64_t deadline, struct map_result *r, enum map_op op)
{
	struct map_run run;
	enum map_method m = r->method;
	struct map_result fresh;
	memset(&fresh, 0, sizeof(fresh));
	fresh.method = m;
	run_init(&run, pm, &fresh, op, deadline);
	for (int i = 0; i < MAP_N_METHODS; i++)
		run.st[i] = MAP_MS_OFF;
	run.st[m] = MAP_MS_PRESENT;
	run.present_at[m] = run.start;
	if (op == MAP_OP_ADD) {
		/* Renew exactly what we have. */
		pm->p.external_port = r->external.port;
		pm->p.any = false;
	}
	run_loop(&run);
	int rc = conclude(&run);
	if (rc == 0 && op == MAP_OP_ADD && m == MAP_NATPMP && !endpoint_is_set(&pm->natpmp_external))
		fresh.external = r->external; /* address learnt at the first mapping */
	*r = fresh;
	r->method = m;
	return rc;
}

int portmap_renew(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	return direct(pm, deadline, r, MAP_OP_ADD);
}

int portmap_unmap(struct portmap *pm, int64_t deadline, struct map_result *r)
{
	pm->p.external_port = r->external.port;
	struct map_result keep = *r;
	int rc = direct(pm, deadline, r, MAP_OP_DELETE);
	if (rc == 0) {
		r->external = keep.external;
		r->internal = keep.internal;
		r->description[0] = '\0';
	}
	return rc;
}

int portmap_list(struct portmap *pm, int64_t deadline, struct map_list *l, struct map_result *r)
{
	struct map_run run;
	memset(l, 0, sizeof(*l));
	run_init(&run, pm, r, MAP_OP_LIST, deadline);
	start_probes(&run, MAP_BIT(MAP_UPNP));
	run_loop(&run);
	int rc = conclude(&run);
	l->gateway = pm->gateway;
	const struct upnp_client *c = &pm->upnp;
	if (rc < 0)
		return rc;
	struct endpoint ext;
	upnp_external(c, &ext);
	l->truncated = c->outcome.out_of_time || c->outcome.code != 0;
	l->entries = calloc(c->n_entries ? c->n_entries : 1, sizeof(*l->entries));
	if (!l->entries)
		return -1;
	for (size_t i = 0; i < c->n_entries; i++) {
		const struct upnp_entry *e = &c->entries[i];
		struct map_entry *m = &l->entries[l->n++];
		m->protocol = strcmp(e->protocol, "UDP") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
		if (endpoint_parse_ip(&m->internal, e->internal_client) < 0)
			memset(&m->internal, 0, sizeof(m->internal));
		m->internal.port = e->internal_port;
		m->external = ext;
		m->external.port = e->external_port;
		m->lifetime = e->lease;
		m->enabled = e->enabled;
		text_copy(m->description, sizeof(m->description), e->description);
		text_copy(m->remote_host, sizeof(m->remote_host), e->remote_host);
	}
	r->method = MAP_UPNP;
	return 0;
}

void map_list_free(struct map_list *l)
{
	free(l->entries);
	l->entries = NULL;
	l->n = 0;
}

int portmap_external_start(struct portmap *pm, struct map_run *run, int64_t deadline,
			   struct map_result *r)
{
	run_init(run, pm, r, MAP_OP_EXTERNAL, deadline);
	start_probes(run, pm->p.methods);
	return 0;
}

int portmap_external_finish(struct map_run *run, struct map_external *x)
{
	struct portmap *pm = run->pm;
	struct map_result *r = run->r;
	memset(x, 0, sizeof(*x));
	if (!run->finished)
		settle_at_deadline(run);
	compose_errors(run);
	for (int m = 0; m < MAP_N_METHODS; m++) {
		if (run->st[m] != MAP_MS_PRESENT)
			continue;
		x->rows[x->n].method = (enum map_method)m;
		if (m == MAP_NATPMP)
			x->rows[x->n].address = pm->natpmp_external;
		else if (m == MAP_UPNP)
			upnp_external(&pm->upnp, &x->rows[x->n].address);
		if (m == MAP_PCP)
			snprintf(x->rows[x->n].note, MAP_TEXT_MAX,
				 "PCP has no request for the external address; a mapping reports it");
		else if (!endpoint_is_set(&x->rows[x->n].address))
			text_copy(x->rows[x->n].note, MAP_TEXT_MAX,
				 run->why[m][0] ? run->why[m] : "the gateway did not tell");
		if (addr_is_behind_nat(&x->rows[x->n].address)) {
			char ip[IP_STRLEN];
			add_warning(r, "%s: the gateway's external address %s is %s: mappings only open the inner NAT (double NAT)",
				    map_method_name((enum map_method)m),
				    endpoint_format_ip(&x->rows[x->n].address, ip),
				    addr_classify(&x->rows[x->n].address) == ADDR_CLASS_CGNAT
					    ? "carrier-grade NAT space (RFC 6598)"
					    : "private (RFC 1918)");
		}
		x->n++;
	}
	r->gateway = pm->gateway;
	r->ok = x->n > 0;
	if (!r->ok) {
		char tail[sizeof(r->error)];
		memcpy(tail, r->error, sizeof(tail));
		snprintf(r->error, sizeof(r->error), "no gateway answered within %.1f s (%s)",
			 (double)(clock_now_us() - run->start) / USEC_PER_SEC, tail);
	}
	return r->ok ? 0 : -1;
}

int portmap_external(struct portmap *pm, int64_t deadline, struct map_external *x,
		     struct map_result *r)
{
	struct map_run run;
	struct loop_client lc[PORTMAP_LOOPS];
	portmap_external_start(pm, &run, deadline, r);
	loop_run(lc, portmap_loops(&run, lc), deadline);
	return portmap_external_finish(&run, x);
}
