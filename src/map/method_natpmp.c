// SPDX-License-Identifier: BSD-2-Clause
// NAT-PMP (RFC 6886) as a port-mapping method: the external-address request to discover, mapping requests to add and delete.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/map/announce.h"
#include "natctl/map/map_errors.h"
#include "natctl/map/method.h"
#include "natctl/map/natpmp_client.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/map/pcp.h"

struct natpmp_method {
	const struct map_env *env;
	struct natpmp_client client;
	bool open;
	struct epoch_track *epoch; /* own_epoch, or the one of the adapter a lane adopted */
	struct epoch_track own_epoch;
	struct endpoint external; /* from the last external-address answer */
	bool taking_back;         /* deleting a port we did not ask for */
	uint16_t offered;
	struct announce announce;
};

static struct natpmp_method *self(struct map_adapter *m)
{
	return (struct natpmp_method *)(void *)m;
}

static const struct natpmp_method *cself(const struct map_adapter *m)
{
	return (const struct natpmp_method *)(const void *)m;
}

static struct map_adapter *natpmp_open(const struct map_env *env)
{
	struct natpmp_method *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->env = env;
	s->announce.fd = -1;
	s->epoch = &s->own_epoch;
	if (env->have_gateway)
		s->open = natpmp_client_open(&s->client, &env->gateway, env->trace) == 0;
	return (struct map_adapter *)(void *)s;
}

static void natpmp_close(struct map_adapter *m)
{
	struct natpmp_method *s = self(m);
	if (s->open)
		natpmp_client_close(&s->client);
	announce_close(&s->announce);
	free(s);
}

static void natpmp_probe_start(struct map_adapter *m, struct map_run *run)
{
	struct natpmp_method *s = self(m);
	if (!s->open && s->env->have_gateway)
		map_run_absent(run, MAP_NATPMP, FAILURE_SYSTEM, "cannot open a socket");
	else if (!s->open)
		map_run_absent(run, MAP_NATPMP, FAILURE_NO_ROUTE, "%s", s->env->gateway_why);
	else
		natpmp_client_address(&s->client);
}

static void natpmp_probe_update(struct map_adapter *m, struct map_run *run, int64_t now)
{
	struct natpmp_method *s = self(m);
	const struct natpmp_answer *a = &s->client.answer;
	char gw[ENDPOINT_STRLEN];
	if (!map_run_probe_answered(run, MAP_NATPMP, &s->client.rq, NATPMP_SERVER_PORT, now))
		return;
	if (a->result == NATPMP_RESULT_UNSUPPORTED_VERSION) {
		map_run_absent(run, MAP_NATPMP, FAILURE_UNSUPPORTED,
			       "%s does not speak NAT-PMP version 0",
			       endpoint_format_ip(&s->env->gateway, gw));
		return;
	}
	map_env_epoch(s->env, MAP_NATPMP, s->epoch, a->epoch, clock_now_us());
	s->external = a->external; /* unset unless the answer was a success */
	if (a->result != NATPMP_RESULT_SUCCESS) {
		char text[MAP_TEXT_MAX];
		map_natpmp_result_text((unsigned)a->result, text, sizeof(text));
		map_run_note(run, MAP_NATPMP, a->result, text); /* there, but refusing */
	}
	map_run_present(run, MAP_NATPMP, now);
}

static void natpmp_op_start(struct map_adapter *m, struct map_run *run)
{
	struct natpmp_method *s = self(m);
	const struct map_params *p = s->env->p;
	s->taking_back = false;
	if (map_run_op(run) == MAP_OP_ADD)
		natpmp_client_map(&s->client, p->protocol, p->internal_port, p->external_port,
				  map_env_wire_lifetime(s->env));
	else
		natpmp_client_map(&s->client, p->protocol, p->internal_port, 0, 0);
}

static bool natpmp_op_busy(const struct map_adapter *m)
{
	return cself(m)->client.rq.state == REQUEST_PENDING;
}

static bool natpmp_double_nat_symptom(int code);

static void fail_with_result(struct map_run *run, int result)
{
	char text[MAP_TEXT_MAX];
	map_natpmp_result_text((unsigned)result, text, sizeof(text));
	map_run_failed(run, MAP_NATPMP,
		       natpmp_double_nat_symptom(result) ? FAILURE_DOUBLE_NAT : FAILURE_REFUSED,
		       result, "%s", text);
}

static void add_update(struct natpmp_method *s, struct map_run *run)
{
	const struct natpmp_answer *a = &s->client.answer;
	const struct map_params *p = s->env->p;
	map_env_epoch(s->env, MAP_NATPMP, s->epoch, a->epoch, clock_now_us());
	if (s->taking_back) {
		map_run_offered(run, MAP_NATPMP, s->offered);
	} else if (a->result != NATPMP_RESULT_SUCCESS) {
		fail_with_result(run, a->result);
	} else if (a->lifetime == 0) {
		/* RFC 6886 §3.4: a lifetime of zero destroys a mapping; granted
		 * in an answer, it means the gateway holds none. */
		map_run_failed(run, MAP_NATPMP, FAILURE_REFUSED, 0,
			       "the gateway answered success with lifetime 0: it holds no mapping");
	} else if (!p->any && a->mapped_port != p->external_port) {
		/* RFC 6886 §3.3: the suggested port is only a hint; without --any
		 * a different one is a conflict, and the mapping we did not want goes. */
		s->offered = a->mapped_port;
		s->taking_back = true;
		natpmp_client_map(&s->client, p->protocol, p->internal_port, 0, 0);
	} else {
		struct endpoint ext = s->external;
		ext.port = a->mapped_port;
		map_run_mapped(run, MAP_NATPMP, &ext, a->lifetime);
	}
}

static void natpmp_op_update(struct map_adapter *m, struct map_run *run)
{
	struct natpmp_method *s = self(m);
	if (!map_run_op_answered(run, MAP_NATPMP, &s->client.rq))
		return;
	if (map_run_op(run) == MAP_OP_ADD)
		add_update(s, run);
	else if (s->client.answer.result == NATPMP_RESULT_SUCCESS)
		map_run_done(run, MAP_NATPMP);
	else
		fail_with_result(run, s->client.answer.result);
}

static void natpmp_cancel(struct map_adapter *m)
{
	natpmp_client_cancel(&self(m)->client);
}

static size_t natpmp_loops(struct map_adapter *m, struct loop_client *out)
{
	struct natpmp_method *s = self(m);
	if (!s->open)
		return 0;
	out[0] = natpmp_client_loop(&s->client);
	return 1;
}

static void natpmp_info(const struct map_adapter *m, struct map_method_info *out)
{
	const struct natpmp_method *s = cself(m);
	out->external = s->external;
	out->epoch_known = s->epoch->seen;
	out->epoch = s->epoch->server;
}

static bool natpmp_double_nat_symptom(int code)
{
	return code == NATPMP_RESULT_NETWORK_FAILURE;
}

/* A gateway that speaks PCP too restarts for both: miniupnpd multicasts only
 * PCP's ANNOUNCE when it starts (RFC 6887 section 14.1), no NAT-PMP
 * announcement (RFC 6886 section 3.2.1 sends those on an address change),
 * and its epoch is one count for both protocols. */
static bool natpmp_or_pcp_announcement(const uint8_t *data, size_t len, uint32_t *epoch)
{
	return natpmp_announcement_epoch(data, len, epoch) ||
	       pcp_announcement_epoch(data, len, epoch);
}

static size_t natpmp_watch(struct map_adapter *m, const bool *wake, struct loop_client *out)
{
	struct natpmp_method *s = self(m);
	const struct announce how = {.fd = -1,
				     .env = s->env,
				     .method = MAP_NATPMP,
				     .epoch = s->epoch,
				     .epoch_of = natpmp_or_pcp_announcement};
	return announce_watch(&s->announce, &how, wake, out);
}

/* Answers that came for the request in flight and had to be dropped. */
static void natpmp_unfinished(const struct map_adapter *m, char *out, size_t cap)
{
	const struct request *rq = &cself(m)->client.rq;
	if (rq->dropped)
		snprintf(out, cap, "%u answer%s dropped (the last: %s)", rq->dropped,
			 rq->dropped == 1 ? "" : "s", natpmp_check_strerror(rq->last_drop));
}

static bool natpmp_adopt(struct map_adapter *lane, struct map_adapter *from)
{
	struct natpmp_method *l = self(lane), *f = self(from);
	l->external = f->external;
	l->epoch = f->epoch;
	return l->open;
}

const struct map_method_ops map_method_natpmp = {
	.id = MAP_NATPMP,
	.permanent = false,
	/* RFC 6886 §3.3: NAT-PMP maps to the address the request came from. */
	.third_party = false,
	.lists = false,
	.open = natpmp_open,
	.close = natpmp_close,
	.probe_start = natpmp_probe_start,
	.probe_update = natpmp_probe_update,
	.op_start = natpmp_op_start,
	.op_busy = natpmp_op_busy,
	.op_update = natpmp_op_update,
	.cancel = natpmp_cancel,
	.loops = natpmp_loops,
	.info = natpmp_info,
	.double_nat_symptom = natpmp_double_nat_symptom,
	.watch = natpmp_watch,
	.unfinished = natpmp_unfinished,
	.adopt = natpmp_adopt,
};
