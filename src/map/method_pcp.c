// SPDX-License-Identifier: BSD-2-Clause
// PCP (RFC 6887) as a port-mapping method: ANNOUNCE to discover, MAP to add and delete, its epoch and announcements.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/map/announce.h"
#include "natctl/map/map_errors.h"
#include "natctl/map/method.h"
#include "natctl/map/pcp_client.h"
#include "natctl/map/pcp_nonce.h"
#include "natctl/net/net.h"

struct pcp_method {
	const struct map_env *env;
	struct pcp_client client;
	bool open;
	struct epoch_track *epoch; /* own_epoch, or the one of the adapter a lane adopted */
	struct epoch_track own_epoch;
	uint8_t nonce_key[SIPHASH_KEY_LEN];
	uint8_t nonce[PCP_NONCE_LEN]; /* of the MAP request in flight */
	bool prefer_failure;          /* PREFER_FAILURE still sent */
	bool taking_back;             /* deleting a port we did not ask for */
	uint16_t offered;
	struct announce announce;
};

static struct pcp_method *self(struct map_adapter *m)
{
	return (struct pcp_method *)(void *)m;
}

static const struct pcp_method *cself(const struct map_adapter *m)
{
	return (const struct pcp_method *)(const void *)m;
}

static void take_nonce_key(struct pcp_method *s)
{
	if (s->env->p->pcp_key) {
		memcpy(s->nonce_key, s->env->p->pcp_key, sizeof(s->nonce_key));
		return;
	}
	/* Without natctl's state the nonce is random: this process can renew
	 * and delete, a later one cannot delete by PCP. */
	random_bytes(s->nonce_key, sizeof(s->nonce_key));
	trace_log(s->env->trace, "map: no state key: PCP nonces are random for this run");
}

static struct map_adapter *pcp_open(const struct map_env *env)
{
	struct pcp_method *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->client.fd = -1;
	s->announce.fd = -1;
	s->epoch = &s->own_epoch;
	take_nonce_key(s);
	if (env->have_gateway)
		s->open = pcp_client_open(&s->client, &env->gateway, &env->local, env->trace) == 0;
	return (struct map_adapter *)(void *)s;
}

static void pcp_close(struct map_adapter *m)
{
	struct pcp_method *s = self(m);
	if (s->open)
		pcp_client_close(&s->client);
	announce_close(&s->announce);
	free(s);
}

static void request_for(struct pcp_method *s, uint32_t lifetime, uint16_t eport,
			struct pcp_request *q)
{
	const struct map_env *env = s->env;
	memset(q, 0, sizeof(*q));
	q->opcode = PCP_OP_MAP;
	q->lifetime = lifetime;
	q->client = env->local;
	q->protocol = (uint8_t)env->p->protocol;
	q->internal_port = env->p->internal_port;
	q->external_port = eport;
	/* §13.1 THIRD_PARTY: a mapping for another host of the LAN. */
	if (map_env_for_other_host(env))
		q->third_party = env->p->internal;
	const struct endpoint *who =
		endpoint_is_set(&q->third_party) ? &q->third_party : &env->local;
	/* §11.1: the nonce a mapping was made with is the one that renews or
	 * deletes it; one recorded in the state is used as it is. */
	if (env->p->nonce)
		memcpy(q->nonce, env->p->nonce, PCP_NONCE_LEN);
	else
		pcp_nonce_derive(s->nonce_key, who, q->internal_port, q->protocol, q->nonce);
	memcpy(s->nonce, q->nonce, PCP_NONCE_LEN);
}

static void start_add(struct pcp_method *s)
{
	struct pcp_request q;
	request_for(s, map_env_wire_lifetime(s->env), s->env->p->external_port, &q);
	/* §13.2 PREFER_FAILURE: fail rather than map another port. miniupnpd
	 * ignores it, so a different port is also caught after the fact. */
	q.prefer_failure = s->prefer_failure && !s->env->p->any;
	pcp_client_start(&s->client, &q);
}

static void start_delete(struct pcp_method *s, uint16_t eport)
{
	struct pcp_request q;
	request_for(s, 0, eport, &q); /* §15: lifetime 0 deletes */
	pcp_client_start(&s->client, &q);
}

static void pcp_probe_start(struct map_adapter *m, struct map_run *run)
{
	struct pcp_method *s = self(m);
	if (!s->open) {
		map_run_absent(run, MAP_PCP, FAILURE_NO_ROUTE, "%s", s->env->gateway_why);
		return;
	}
	/* RFC 6887 §14.1: ANNOUNCE asks whether a server is there. */
	struct pcp_request q = {.opcode = PCP_OP_ANNOUNCE, .client = s->env->local};
	pcp_client_start(&s->client, &q);
}

static void pcp_probe_update(struct map_adapter *m, struct map_run *run, int64_t now)
{
	struct pcp_method *s = self(m);
	const struct pcp_response *resp = &s->client.resp;
	char gw[ENDPOINT_STRLEN];
	if (!map_run_probe_answered(run, MAP_PCP, &s->client.rq, PCP_SERVER_PORT, now))
		return;
	endpoint_format_ip(&s->env->gateway, gw);
	if (resp->natpmp) {
		map_run_absent(run, MAP_PCP, FAILURE_UNSUPPORTED, "%s speaks NAT-PMP, not PCP", gw);
	} else if (resp->result == PCP_RESULT_UNSUPP_VERSION) {
		map_run_absent(run, MAP_PCP, FAILURE_UNSUPPORTED, "%s speaks PCP version %u only",
			       gw, resp->version);
	} else {
		map_env_epoch(s->env, MAP_PCP, s->epoch, resp->epoch, clock_now_us());
		map_run_present(run, MAP_PCP, now);
	}
}

static void pcp_op_start(struct map_adapter *m, struct map_run *run)
{
	struct pcp_method *s = self(m);
	s->prefer_failure = true;
	s->taking_back = false;
	if (map_run_op(run) == MAP_OP_ADD)
		start_add(s);
	else
		start_delete(s, s->env->p->external_port);
}

static bool pcp_op_busy(const struct map_adapter *m)
{
	return cself(m)->client.rq.state == REQUEST_PENDING;
}

static bool pcp_double_nat_symptom(int code);

/* What a PCP result code (RFC 6887 §7.4) means for a script. */
static enum failure result_failure(unsigned result)
{
	switch (result) {
	case PCP_RESULT_CANNOT_PROVIDE_EXTERNAL: return FAILURE_CONFLICT;
	case PCP_RESULT_UNSUPP_VERSION:
	case PCP_RESULT_UNSUPP_OPCODE:
	case PCP_RESULT_UNSUPP_PROTOCOL: return FAILURE_UNSUPPORTED;
	default: return pcp_double_nat_symptom((int)result) ? FAILURE_DOUBLE_NAT : FAILURE_REFUSED;
	}
}

static void fail_with_result(struct map_run *run, const struct map_params *p, unsigned result)
{
	char text[MAP_TEXT_MAX];
	map_pcp_result_text(result, p->external_port, map_protocol_name(p->protocol), text,
			    sizeof(text));
	map_run_failed(run, MAP_PCP, result_failure(result), (int)result, "%s", text);
}

static void add_update(struct pcp_method *s, struct map_run *run)
{
	const struct pcp_response *resp = &s->client.resp;
	const struct map_params *p = s->env->p;
	if (s->taking_back) { /* the unwanted port is gone again */
		map_run_offered(run, MAP_PCP, s->offered);
	} else if (resp->result == PCP_RESULT_UNSUPP_OPTION && s->prefer_failure) {
		s->prefer_failure = false; /* §13.2 is optional to implement */
		start_add(s);
	} else if (resp->result == PCP_RESULT_UNSUPP_OPTION && map_env_for_other_host(s->env)) {
		map_run_failed(run, MAP_PCP, FAILURE_REFUSED, 0,
			       "UNSUPP_OPTION: the gateway does not map for other hosts (THIRD_PARTY)");
	} else if (resp->result != PCP_RESULT_SUCCESS) {
		fail_with_result(run, p, resp->result);
	} else if (resp->lifetime == 0) {
		/* RFC 6887 §15: a lifetime of zero deletes a mapping; granted in
		 * a success answer, it means there is none to hold. */
		map_run_failed(run, MAP_PCP, FAILURE_REFUSED, 0,
			       "the gateway answered success with lifetime 0: it holds no mapping");
	} else if (!p->any && resp->external_port != p->external_port) {
		s->offered = resp->external_port;
		s->taking_back = true;
		start_delete(s, resp->external_port);
	} else {
		struct endpoint ext = resp->external;
		ext.port = resp->external_port;
		struct map_result *r = map_run_mapped(run, MAP_PCP, &ext, resp->lifetime);
		r->has_nonce = true;
		memcpy(r->nonce, s->nonce, sizeof(r->nonce));
	}
}

static void delete_update(struct pcp_method *s, struct map_run *run)
{
	const struct pcp_response *resp = &s->client.resp;
	const struct map_params *p = s->env->p;
	if (resp->result == PCP_RESULT_SUCCESS)
		map_run_done(run, MAP_PCP);
	else if (resp->result ==
		 PCP_RESULT_NO_RESOURCES) /* miniupnpd, when it has no such mapping */
		map_run_not_found(run, MAP_PCP, "no PCP mapping for %u/%s", p->internal_port,
				  map_protocol_name(p->protocol));
	else
		fail_with_result(run, p, resp->result);
}

static void pcp_op_update(struct map_adapter *m, struct map_run *run)
{
	struct pcp_method *s = self(m);
	if (!map_run_op_answered(run, MAP_PCP, &s->client.rq))
		return;
	map_env_epoch(s->env, MAP_PCP, s->epoch, s->client.resp.epoch, clock_now_us());
	if (map_run_op(run) == MAP_OP_ADD)
		add_update(s, run);
	else
		delete_update(s, run);
}

static void pcp_cancel(struct map_adapter *m)
{
	pcp_client_cancel(&self(m)->client);
}

static size_t pcp_loops(struct map_adapter *m, struct loop_client *out)
{
	struct pcp_method *s = self(m);
	if (!s->open)
		return 0;
	out[0] = pcp_client_loop(&s->client);
	return 1;
}

static void pcp_info(const struct map_adapter *m, struct map_method_info *out)
{
	const struct pcp_method *s = cself(m);
	out->epoch_known = s->epoch->seen;
	out->epoch = s->epoch->server;
}

static bool pcp_double_nat_symptom(int code)
{
	return code == PCP_RESULT_NO_RESOURCES || code == PCP_RESULT_NETWORK_FAILURE ||
	       code == PCP_RESULT_ADDRESS_MISMATCH;
}

static size_t pcp_watch(struct map_adapter *m, const bool *wake, struct loop_client *out)
{
	struct pcp_method *s = self(m);
	const struct announce how = {.fd = -1,
				     .env = s->env,
				     .method = MAP_PCP,
				     .epoch = s->epoch,
				     .epoch_of = pcp_announcement_epoch};
	return announce_watch(&s->announce, &how, wake, out);
}

/* Answers that came for the request in flight and had to be dropped. */
static void pcp_unfinished(const struct map_adapter *m, char *out, size_t cap)
{
	const struct request *rq = &cself(m)->client.rq;
	if (rq->dropped)
		snprintf(out, cap, "%u answer%s dropped (the last: %s)", rq->dropped,
			 rq->dropped == 1 ? "" : "s", pcp_strerror(rq->last_drop));
}

static bool pcp_adopt(struct map_adapter *lane, struct map_adapter *from)
{
	struct pcp_method *l = self(lane), *f = self(from);
	memcpy(l->nonce_key, f->nonce_key, sizeof(l->nonce_key));
	l->epoch = f->epoch;
	return l->open;
}

const struct map_method_ops map_method_pcp = {
	.id = MAP_PCP,
	.permanent = false,
	.third_party = true,
	.lists = false,
	.no_external = "PCP has no request for the external address; a mapping reports it",
	.open = pcp_open,
	.close = pcp_close,
	.probe_start = pcp_probe_start,
	.probe_update = pcp_probe_update,
	.op_start = pcp_op_start,
	.op_busy = pcp_op_busy,
	.op_update = pcp_op_update,
	.cancel = pcp_cancel,
	.loops = pcp_loops,
	.info = pcp_info,
	.double_nat_symptom = pcp_double_nat_symptom,
	.watch = pcp_watch,
	.unfinished = pcp_unfinished,
	.adopt = pcp_adopt,
};
