// SPDX-License-Identifier: BSD-2-Clause
// UPnP IGD as a port-mapping method: SSDP and the description to discover, SOAP jobs to add, delete and list; IGDv2 pinholes for -6.
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_cache.h"
#include "natctl/map/map_errors.h"
#include "natctl/map/method.h"
#include "natctl/map/upnp_client.h"
#include "natctl/map/upnp_pinhole.h"
#include "natctl/map/upnp_watch.h"

struct upnp_method {
	const struct map_env *env;
	struct upnp_client client;
	struct upnp_watch watch; /* --keep: the IGD's NOTIFYs */
	bool add_retried;        /* this operation's AddPortMapping was sent twice */
	bool pin_readded;        /* -6: UpdatePinhole found none (704); AddPinhole sent */
};

static bool pinholes(const struct upnp_method *s)
{
	return s->env->p->family == AF_INET6;
}

/* A second AddPortMapping is worth sending only with this long left. */
#define UPNP_ADD_RETRY_MIN_US (1000 * 1000)

static struct upnp_method *self(struct map_adapter *m)
{
	return (struct upnp_method *)(void *)m;
}

static const struct upnp_method *cself(const struct map_adapter *m)
{
	return (const struct upnp_method *)(const void *)m;
}

static struct map_adapter *upnp_open(const struct map_env *env)
{
	struct upnp_method *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->watch.fd = -1;
	upnp_client_init(&s->client, env->trace);
	return (struct map_adapter *)(void *)s;
}

static void upnp_close(struct map_adapter *m)
{
	upnp_client_close(&self(m)->client);
	upnp_watch_close(&self(m)->watch);
	free(m);
}

/* The IGD's external address, unset if it did not tell. */
static void igd_external(const struct upnp_client *c, struct endpoint *out)
{
	memset(out, 0, sizeof(*out));
	if (!c->have_igd || c->igd.external_code != 0 ||
	    endpoint_parse_ip(out, c->igd.external) < 0)
		memset(out, 0, sizeof(*out));
}

/* Whom the SSDP search asks, and how long it waits. */
static struct upnp_search search_for(const struct upnp_method *s, const struct map_run *run)
{
	const struct map_env *env = s->env;
	struct upnp_search search = {
		.local = env->search_local,
		.search_until = map_run_window_end(run),
		.job_deadline = map_run_deadline(run),
		.mx = ssdp_mx_for_wait(map_env_wait_us(env)),
		.wan_status = map_run_op(run) == MAP_OP_EXTERNAL,
	};
	/* --gateway: a unicast search to it alone (-6's is the IPv6 router, not searched) */
	if (endpoint_is_set(&env->p->gateway) && env->p->family != AF_INET6)
		search.target = env->gateway;
	if (env->have_search_gateway)
		search.gateway = env->search_gateway;
	return search;
}

static void search_failed(struct upnp_method *s, struct map_run *run)
{
	map_run_absent(run, MAP_UPNP, failure_of_errno(s->client.sys_error),
		       "SSDP search failed: %s", strerror(-s->client.sys_error));
}

static void upnp_probe_start(struct map_adapter *m, struct map_run *run)
{
	struct upnp_method *s = self(m);
	struct upnp_search search = search_for(s, run);
	if (upnp_client_search(&s->client, &search) < 0)
		search_failed(s, run);
}

/* The IGD as the cache holds it, for this host's address now. */
static void igd_from_cache(const struct map_cache_igd *g, const struct endpoint *local,
			   struct upnp_igd *out)
{
	memset(out, 0, sizeof(*out));
	text_copy(out->location, sizeof(out->location), g->location);
	text_copy(out->data.urlbase, sizeof(out->data.urlbase), g->urlbase);
	text_copy(out->data.first.controlurl, sizeof(out->data.first.controlurl), g->control);
	text_copy(out->data.first.servicetype, sizeof(out->data.first.servicetype), g->service);
	if (g->control6[0]) {
		text_copy(out->data.IPv6FC.controlurl, sizeof(out->data.IPv6FC.controlurl),
			  g->control6);
		text_copy(out->data.IPv6FC.servicetype, sizeof(out->data.IPv6FC.servicetype),
			  UPNP_6FC_SERVICE);
	}
	endpoint_format_ip(local, out->lanaddr);
}

/* A warm start: the cached IGD asked straight away, and only if it fails
 * the SSDP search; its control URL must pass the same host check as a
 * fresh description's, or it is not even asked. */
static void upnp_warm_start(struct map_adapter *m, struct map_run *run,
			    const struct map_cache_entry *e)
{
	struct upnp_method *s = self(m);
	struct upnp_search search = search_for(s, run);
	struct upnp_igd igd;
	struct UPNPUrls urls;
	char why[160];
	igd_from_cache(&e->igd, &s->env->search_local, &igd);
	/* Pinholes, and probe's question about them, need to know whether
	 * the IGD has WANIPv6FirewallControl, which older entries do not say. */
	if (e->have_igd && !e->igd.knows_6fc && (pinholes(s) || search.wan_status))
		snprintf(why, sizeof(why),
			 "the cache does not say whether it has "
			 "WANIPv6FirewallControl");
	else if (e->have_igd && upnp_igd_urls(&igd, &urls, why, sizeof(why)) == 0)
		why[0] = '\0';
	if (!e->have_igd || why[0]) {
		trace_log(s->env->trace, "upnp: the cached IGD is not used: %s",
			  e->have_igd ? why : "the cache has none");
		upnp_probe_start(m, run);
		return;
	}
	FreeUPNPUrls(&urls);
	char location[SSDP_LOCATION_MAX];
	text_sanitize(location, sizeof(location), igd.location);
	trace_log(s->env->trace, "upnp: -> the cached IGD %s (no SSDP search)", location);
	if (upnp_client_resume(&s->client, &search, &igd) < 0)
		search_failed(s, run);
}

/* What discovery learnt, for the cache: the IGD as its description gave it. */
static bool upnp_learn(const struct map_adapter *m, struct map_cache_entry *e)
{
	const struct upnp_client *c = &cself(m)->client;
	struct map_cache_igd *g = &e->igd;
	if (!c->have_igd)
		return false;
	memset(g, 0, sizeof(*g));
	text_copy(g->location, sizeof(g->location), c->igd.location);
	text_copy(g->urlbase, sizeof(g->urlbase), c->igd.data.urlbase);
	text_copy(g->control, sizeof(g->control), c->igd.data.first.controlurl);
	text_copy(g->service, sizeof(g->service), c->igd.data.first.servicetype);
	text_copy(g->control6, sizeof(g->control6), c->igd.data.IPv6FC.controlurl);
	g->knows_6fc = true;
	g->version = upnp_igd_v2(&c->igd.data) ? 2 : 1;
	e->have_igd = map_cache_igd_storable(g);
	return e->have_igd;
}

static void upnp_probe_update(struct map_adapter *m, struct map_run *run, int64_t now)
{
	const struct upnp_client *c = &self(m)->client;
	if (c->state == UPNP_SEARCHING || c->state == UPNP_DESCRIBING)
		return;
	char why[MAP_TEXT_MAX];
	if (c->have_igd && pinholes(self(m)) && !c->igd.data.IPv6FC.controlurl[0]) {
		map_run_absent(run, MAP_UPNP, FAILURE_UNSUPPORTED,
			       "the IGD has no WANIPv6FirewallControl service (IGDv2 pinholes)");
	} else if (c->have_igd) {
		map_run_present(run, MAP_UPNP, now);
	} else if (c->sys_error) {
		map_run_absent(run, MAP_UPNP, failure_of_errno(c->sys_error),
			       "SSDP search failed: %s", strerror(-c->sys_error));
	} else if (c->n_answers) {
		upnp_client_failure(c, why, sizeof(why));
		/* A description that did not come whole by the deadline is a
		 * gateway too slow, not one that answered wrongly. */
		map_run_absent(run, MAP_UPNP,
			       c->failed.out_of_time ? FAILURE_TIMEOUT : FAILURE_BAD_ANSWER, "%s",
			       why);
	} else {
		char wait[16];
		text_seconds(wait, sizeof(wait), c->search.search_until - c->searched_from);
		map_run_absent(run, MAP_UPNP, FAILURE_NO_ANSWER,
			       "no IGD answered the SSDP search within %s s (MX %u)%s", wait,
			       c->search.mx,
			       c->dropped ? " (malformed answers dropped; -v shows them)" : "");
	}
}

static void fill_job(const struct upnp_method *s, enum upnp_job_kind kind, int64_t deadline,
		     struct upnp_job *j)
{
	const struct map_params *p = s->env->p;
	const char *lanaddr = s->client.igd.lanaddr;
	memset(j, 0, sizeof(*j));
	j->kind = kind;
	j->deadline = deadline;
	j->udp = p->protocol == IPPROTO_UDP;
	j->internal_port = p->internal_port;
	j->external_port = p->external_port;
	j->lifetime = p->lifetime;
	j->any = p->any;
	j->force = p->force;
	text_copy(j->self, sizeof(j->self), lanaddr);
	if (endpoint_is_set(&p->internal))
		endpoint_format_ip(&p->internal, j->internal_client);
	else
		text_copy(j->internal_client, sizeof(j->internal_client), lanaddr);
	text_copy(j->description, sizeof(j->description),
		  p->description ? p->description : "natctl");
}

static void start_job(struct upnp_method *s, struct map_run *run)
{
	static const enum upnp_job_kind kinds[] = {
		[MAP_OP_ADD] = UPNP_JOB_ADD,
		[MAP_OP_DELETE] = UPNP_JOB_DELETE,
		[MAP_OP_LIST] = UPNP_JOB_LIST,
	};
	struct upnp_job j;
	fill_job(s, kinds[map_run_op(run)], map_run_deadline(run), &j);
	int rc = upnp_client_job(&s->client, &j);
	if (rc < 0)
		map_run_failed(run, MAP_UPNP, FAILURE_SYSTEM, 0, "cannot start the SOAP call: %s",
			       strerror(-rc));
}

/* ---- IPv6: pinholes through WANIPv6FirewallControl ---- */

/* A pinhole call: for this host's chosen address, asked from it, at the IPv6 router. */
static void start_pin_job(struct upnp_method *s, struct map_run *run, enum upnp_6fc_action a)
{
	const struct map_params *p = s->env->p;
	struct upnp_job j;
	memset(&j, 0, sizeof(j));
	j.kind = UPNP_JOB_PINHOLE;
	j.deadline = map_run_deadline(run);
	j.udp = p->protocol == IPPROTO_UDP;
	j.internal_port = p->internal_port;
	j.lifetime = p->lifetime;
	endpoint_format_ip(&s->env->local, j.internal_client);
	j.pin = (struct upnp_pin_job){.action = a,
				      .server = s->env->gateway,
				      .source = s->env->local,
				      .unique_id = p->pinhole_id};
	int rc = upnp_client_job(&s->client, &j);
	if (rc < 0)
		map_run_failed(run, MAP_UPNP, FAILURE_SYSTEM, 0, "cannot start the SOAP call: %s",
			       strerror(-rc));
}

/* ADD renews a pinhole it knows (--keep) and makes one otherwise; DELETE needs its UniqueID. */
static void pin_op_start(struct upnp_method *s, struct map_run *run)
{
	const struct map_params *p = s->env->p;
	enum map_op op = map_run_op(run);
	if (op == MAP_OP_ADD)
		start_pin_job(s, run,
			      p->has_pinhole_id ? UPNP_6FC_UPDATE_PINHOLE : UPNP_6FC_ADD_PINHOLE);
	else if (op == MAP_OP_DELETE && p->has_pinhole_id)
		start_pin_job(s, run, UPNP_6FC_DELETE_PINHOLE);
	else if (op == MAP_OP_DELETE)
		map_run_not_found(run, MAP_UPNP,
				  "no UPnP pinhole recorded for port %u/%s in natctl's state "
				  "(DeletePinhole needs the UniqueID AddPinhole gave)",
				  p->internal_port, map_protocol_name(p->protocol));
	else
		map_run_failed(run, MAP_UPNP, FAILURE_USAGE, 0, "a pinhole has no listing");
}

static void upnp_op_start(struct map_adapter *m, struct map_run *run)
{
	struct upnp_method *s = self(m);
	s->add_retried = false;
	s->pin_readded = false;
	if (pinholes(s))
		pin_op_start(s, run);
	else
		start_job(s, run);
}

/*
 * An IGD serves one SOAP call at a time and miniupnpc waits 5 s for an
 * answer: behind a queue of calls (a range, other hosts) the answer to
 * AddPortMapping may come too late, "no valid HTTP answer", although the
 * IGD made the mapping. Sending it once more is safe: for the same internal
 * client, the IGD updates the mapping it has (UPnP WANIPConnection:2,
 * AddPortMapping). Not under --any, where AddAnyPortMapping may pick a
 * second port and leave the first behind.
 */
static bool retry_add(struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	if (s->add_retried || s->env->p->any || c->job_lost ||
	    !map_upnp_no_http_answer(c->report.status.code) ||
	    map_run_deadline(run) - clock_now_us() < UPNP_ADD_RETRY_MIN_US)
		return false;
	s->add_retried = true;
	trace_log(s->env->trace, "upnp: AddPortMapping: no valid HTTP answer; asking once more");
	start_job(s, run);
	return true;
}

static bool upnp_op_busy(const struct map_adapter *m)
{
	return cself(m)->client.state == UPNP_WORKING;
}

/* What a failed SOAP call means for a script, as map_upnp_failure_text words it. */
static enum failure failure_class(const struct upnp_failure *f)
{
	int code = f->status->code;
	bool other_host = strcmp(f->internal, f->self) != 0;
	bool taken = code == UPNP_CONFLICT_IN_MAPPING_ENTRY;
	bool refused =
		code == UPNP_ACTION_NOT_AUTHORIZED || code == UPNP_CONFLICT_WITH_OTHER_MECHANISMS;
	if (taken && f->holder->known && strcmp(f->holder->client, f->internal) != 0)
		return FAILURE_CONFLICT;
	if ((taken || refused) && other_host)
		return FAILURE_REFUSED; /* secure mode */
	if (taken)
		return FAILURE_CONFLICT;
	if (code == UPNP_ACTION_FAILED && !f->external[0])
		return FAILURE_DOUBLE_NAT;
	if (code == 0)
		return f->status->out_of_time ? FAILURE_TIMEOUT : FAILURE_SYSTEM;
	return code > 0 ? FAILURE_REFUSED : FAILURE_BAD_ANSWER; /* < 0: miniupnpc's own */
}

/* A job that left no whole report: killed at the deadline, or broken. */
static enum failure lost_failure(const struct upnp_client *c)
{
	return c->worker.killed ? FAILURE_TIMEOUT : FAILURE_BAD_ANSWER;
}

static void report_failure(const struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	const struct upnp_status *st = &c->report.status;
	const struct map_params *p = s->env->p;
	char text[MAP_TEXT_MAX];
	struct upnp_failure f = {
		.status = st,
		.holder = &c->report.holder,
		.proto = map_protocol_name(p->protocol),
		.external_port = st->external_port ? st->external_port : p->external_port,
		.internal = c->job.internal_client,
		.self = c->igd.lanaddr,
		.external = c->igd.external,
	};
	map_upnp_failure_text(&f, text, sizeof(text));
	map_run_failed(run, MAP_UPNP, failure_class(&f), st->code, "%s", text);
}

static void quirk_warnings(struct map_run *run, const struct upnp_added *a, uint16_t asked)
{
	if (a->quirks & UPNP_QUIRK_PERMANENT_ONLY)
		map_run_warn(
			run,
			"the gateway takes only permanent UPnP leases: mapped with lease 0; delete it when done");
	if (a->quirks & UPNP_QUIRK_SAME_PORT)
		map_run_warn(run,
			     "the gateway requires the same external and internal port (724): mapped external port %u instead of %u",
			     a->external_port, asked);
	if (a->quirks & UPNP_QUIRK_NO_ANY)
		map_run_warn(run, "the gateway lacks AddAnyPortMapping: used AddPortMapping");
}

static void add_update(const struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	const struct upnp_report *rep = &c->report;
	if (c->job_lost) {
		map_run_failed(run, MAP_UPNP, lost_failure(c), 0,
			       "AddPortMapping: %s (the mapping may exist: natctl map --list)",
			       upnp_client_lost_why(c));
		return;
	}
	if (rep->status.code != 0 || !rep->have_added) {
		report_failure(s, run);
		return;
	}
	struct endpoint ext;
	igd_external(c, &ext);
	ext.port = rep->added.external_port;
	struct map_result *r = map_run_mapped(run, MAP_UPNP, &ext, rep->added.lifetime);
	endpoint_parse_ip(&r->internal, c->job.internal_client);
	r->internal.port = s->env->p->internal_port;
	text_copy(r->description, sizeof(r->description), c->job.description);
	quirk_warnings(run, &rep->added, s->env->p->external_port);
}

/* The mapping is gone; the lookup before the delete said whom it pointed
 * at (with --force, maybe another host than this one). */
static void deleted(struct map_run *run, const struct upnp_holder *h)
{
	struct endpoint internal;
	if (h->known && endpoint_parse_ip(&internal, h->client) == 0) {
		internal.port = h->port;
		map_run_deleted(run, MAP_UPNP, &internal);
	} else {
		map_run_done(run, MAP_UPNP);
	}
}

static void delete_update(const struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	const struct upnp_report *rep = &c->report;
	const struct map_params *p = s->env->p;
	const char *proto = map_protocol_name(p->protocol);
	char text[MAP_TEXT_MAX];
	if (c->job_lost) {
		map_run_failed(run, MAP_UPNP, lost_failure(c), 0, "DeletePortMapping: %s",
			       upnp_client_lost_why(c));
	} else if (rep->deleted.refused_other_host) {
		map_upnp_not_ours_text(&rep->holder, p->external_port, proto, text, sizeof(text));
		map_run_failed(run, MAP_UPNP, FAILURE_CONFLICT, 0, "%s", text);
	} else if (rep->deleted.not_found) {
		map_run_not_found(run, MAP_UPNP, "no UPnP mapping for external port %u/%s",
				  p->external_port, proto);
	} else if (rep->status.code != 0) {
		report_failure(s, run);
	} else {
		deleted(run, &rep->holder);
	}
}

/* A listing cut short is still a listing (marked truncated); one that got
 * no answer at all (no HTTP or SOAP answer, not a UPnP fault) failed. */
static void list_update(const struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	if (c->job_lost)
		map_run_failed(run, MAP_UPNP, lost_failure(c), 0, "the listing: %s",
			       upnp_client_lost_why(c));
	else if (c->report.status.code < 0 && c->report.n_entries == 0)
		report_failure(s, run);
	else
		map_run_done(run, MAP_UPNP);
}

/* What a failed pinhole call means for a script. */
static enum failure pin_failure_class(const struct upnp_status *st)
{
	if (st->code > 0)
		return FAILURE_REFUSED;
	if (st->code == 0)
		return st->out_of_time ? FAILURE_TIMEOUT : FAILURE_SYSTEM;
	if (map_upnp_no_http_answer(st->code))
		return st->out_of_time ? FAILURE_TIMEOUT : FAILURE_NO_ANSWER;
	return FAILURE_BAD_ANSWER;
}

static void pin_failed(const struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	const struct upnp_status *st = &c->report.status;
	const struct map_params *p = s->env->p;
	char text[MAP_TEXT_MAX];
	if (c->job_lost) {
		map_run_failed(run, MAP_UPNP, lost_failure(c), 0, "%s: %s",
			       upnp_6fc_action_name(c->job.pin.action), upnp_client_lost_why(c));
		return;
	}
	map_upnp_pinhole_text(st, c->job.internal_client, p->internal_port,
			      map_protocol_name(p->protocol), text, sizeof(text));
	map_run_failed(run, MAP_UPNP, pin_failure_class(st), st->code, "%s", text);
}

/* The pinhole is open: this host's own address and port, the lease asked for (AddPinhole tells none). */
static void pin_mapped(const struct upnp_method *s, struct map_run *run, uint16_t unique_id)
{
	const struct map_params *p = s->env->p;
	struct endpoint at = s->env->local;
	at.port = p->internal_port;
	struct map_result *r = map_run_mapped(run, MAP_UPNP, &at, upnp_6fc_lease(p->lifetime));
	r->internal = at;
	r->has_pinhole_id = true;
	r->pinhole_id = unique_id;
}

static void pin_op_update(struct upnp_method *s, struct map_run *run)
{
	const struct upnp_client *c = &s->client;
	const struct upnp_report *rep = &c->report;
	enum upnp_6fc_action a = c->job.pin.action;
	int code = c->job_lost ? -1 : rep->status.code;
	/* WANIPv6FirewallControl:1, UpdatePinhole: 704 NoSuchEntry: the pinhole lapsed
	 * or the gateway restarted; --keep makes it again, once. */
	if (a == UPNP_6FC_UPDATE_PINHOLE && code == UPNP_6FC_NO_SUCH_ENTRY && !s->pin_readded) {
		s->pin_readded = true;
		trace_log(s->env->trace, "upnp: UpdatePinhole: no such pinhole (704); AddPinhole");
		start_pin_job(s, run, UPNP_6FC_ADD_PINHOLE);
	} else if (a == UPNP_6FC_DELETE_PINHOLE && code == UPNP_6FC_NO_SUCH_ENTRY) {
		map_run_not_found(run, MAP_UPNP, "the gateway has no pinhole %u (704 NoSuchEntry)",
				  c->job.pin.unique_id);
	} else if (code != 0 || (a == UPNP_6FC_ADD_PINHOLE && !rep->have_pinhole)) {
		pin_failed(s, run);
	} else if (a == UPNP_6FC_DELETE_PINHOLE) {
		struct endpoint at = s->env->local;
		at.port = s->env->p->internal_port;
		map_run_deleted(run, MAP_UPNP, &at);
	} else {
		pin_mapped(s, run,
			   a == UPNP_6FC_ADD_PINHOLE ? rep->pinhole.unique_id
						     : c->job.pin.unique_id);
	}
}

static void upnp_op_update(struct map_adapter *m, struct map_run *run)
{
	struct upnp_method *s = self(m);
	if (pinholes(s)) {
		pin_op_update(s, run);
		return;
	}
	switch (map_run_op(run)) {
	case MAP_OP_ADD:
		if (!retry_add(s, run))
			add_update(s, run);
		break;
	case MAP_OP_DELETE: delete_update(s, run); break;
	default: list_update(s, run); break;
	}
}

static void upnp_cancel(struct map_adapter *m)
{
	upnp_client_cancel(&self(m)->client);
}

static size_t upnp_loops(struct map_adapter *m, struct loop_client *out)
{
	out[0] = upnp_client_loop(&self(m)->client);
	return 1;
}

/* Whether the IGD opens IPv6 pinholes: WANIPv6FirewallControl there, its
 * firewall on (else there is nothing to open) and inbound pinholes allowed. */
static void pinhole_info(const struct upnp_igd *g, struct map_method_info *out)
{
	char code[96];
	const char *why = NULL;
	out->pinholes = 0;
	if (!g->data.IPv6FC.controlurl[0]) {
		why = "the IGD has no WANIPv6FirewallControl service";
	} else if (g->firewall_code == UPNP_FIREWALL_NOT_ASKED) {
		out->pinholes = -1;
		why = "GetFirewallStatus not asked";
	} else if (g->firewall_code != 0) {
		out->pinholes = -1;
		map_upnp_code_text(g->firewall_code, code, sizeof(code));
		snprintf(out->pinholes_why, sizeof(out->pinholes_why),
			 "GetFirewallStatus failed (%s)", code);
		return;
	} else if (!g->firewall_enabled) {
		why = "GetFirewallStatus: the IPv6 firewall is disabled (inbound is open already)";
	} else if (!g->inbound_allowed) {
		why = "GetFirewallStatus: inbound pinholes are not allowed";
	} else {
		out->pinholes = 1;
		why = "WANIPv6FirewallControl: firewall enabled, inbound pinholes allowed";
	}
	text_copy(out->pinholes_why, sizeof(out->pinholes_why), why);
}

static void upnp_info(const struct map_adapter *m, struct map_method_info *out)
{
	const struct upnp_client *c = &cself(m)->client;
	if (!c->have_igd)
		return;
	igd_external(c, &out->external);
	out->igd_version = upnp_igd_v2(&c->igd.data) ? 2 : 1;
	if (c->igd.status[0])
		out->connected = strcmp(c->igd.status, "Connected") == 0;
	pinhole_info(&c->igd, out);
}

/* An SSDP answer came, and its description is still being fetched (the
 * cached IGD's check is no answer yet: it may be gone). */
static bool upnp_heard(const struct map_adapter *m)
{
	const struct upnp_client *c = &cself(m)->client;
	return (c->state == UPNP_DESCRIBING && !c->resuming) || (c->n_answers > 0 && !c->have_igd);
}

static bool upnp_double_nat_symptom(int code)
{
	return code == UPNP_ACTION_FAILED;
}

static void take_entry(struct map_entry *m, const struct upnp_entry *e, const struct endpoint *ext)
{
	m->method = MAP_UPNP;
	m->protocol = strcmp(e->protocol, "UDP") == 0 ? IPPROTO_UDP : IPPROTO_TCP;
	if (endpoint_parse_ip(&m->internal, e->internal_client) < 0)
		memset(&m->internal, 0, sizeof(m->internal));
	m->internal.port = e->internal_port;
	m->external = *ext;
	m->external.port = e->external_port;
	m->lifetime = e->lease;
	m->enabled = e->enabled;
	text_copy(m->description, sizeof(m->description), e->description);
	text_copy(m->remote_host, sizeof(m->remote_host), e->remote_host);
}

static int upnp_list(const struct map_adapter *m, struct map_list *l)
{
	const struct upnp_client *c = &cself(m)->client;
	const struct upnp_report *rep = &c->report;
	struct endpoint ext;
	igd_external(c, &ext);
	l->truncated = rep->status.out_of_time || rep->status.code != 0;
	l->entries = calloc(rep->n_entries ? rep->n_entries : 1, sizeof(*l->entries));
	if (!l->entries)
		return -1;
	for (size_t i = 0; i < rep->n_entries; i++)
		take_entry(&l->entries[l->n++], &rep->entries[i], &ext);
	return 0;
}

/* --keep: the described IGD's NOTIFYs, its BOOTID from its search answer. */
static size_t upnp_watch_op(struct map_adapter *m, const bool *wake, struct loop_client *out)
{
	struct upnp_method *s = self(m);
	const struct upnp_client *c = &s->client;
	struct endpoint igd;
	bool known = false;
	uint32_t bootid = 0;
	if (!c->have_igd || ssdp_parse_url(c->igd.location, &igd) < 0)
		return 0;
	for (size_t i = 0; i < c->n_answers && i < UPNP_MAX_LOCATIONS; i++) {
		const struct ssdp_answer *a = &c->answers[i].ssdp;
		if (!known && a->has_bootid && strcmp(a->location, c->igd.location) == 0) {
			known = true;
			bootid = a->bootid;
		}
	}
	return upnp_watch_start(&s->watch, s->env, &igd, known, bootid, wake, out);
}

/* A lane runs its SOAP jobs on the IGD the discovery described. */
static bool upnp_adopt(struct map_adapter *lane, struct map_adapter *from)
{
	struct upnp_client *l = &self(lane)->client;
	const struct upnp_client *f = &self(from)->client;
	if (!f->have_igd)
		return false;
	l->igd = f->igd;
	l->have_igd = true;
	l->state = UPNP_READY;
	return true;
}

const struct map_method_ops map_method_upnp = {
	.id = MAP_UPNP,
	.permanent = true,
	.third_party = true,
	.lists = true,
	.peer = "an IGD",
	.open = upnp_open,
	.close = upnp_close,
	.probe_start = upnp_probe_start,
	.probe_update = upnp_probe_update,
	.op_start = upnp_op_start,
	.op_busy = upnp_op_busy,
	.op_update = upnp_op_update,
	.cancel = upnp_cancel,
	.loops = upnp_loops,
	.info = upnp_info,
	.double_nat_symptom = upnp_double_nat_symptom,
	.heard = upnp_heard,
	.list = upnp_list,
	.watch = upnp_watch_op,
	.adopt = upnp_adopt,
	.warm_start = upnp_warm_start,
	.learn = upnp_learn,
};
