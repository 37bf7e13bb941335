// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the port-mapping controller, driven through its method table by fake methods on timers (no network).
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/map/map_cache.h"
#include "natctl/map/map_check.h"
#include "natctl/map/map_keep.h"
#include "natctl/map/method.h"
#include "natctl/map/portmap.h"
#include "natctl/net/net.h"
#include "stun_fake.h"
#include "test.h"

#include <signal.h>
#include <unistd.h>

/* How a fake method behaves; one per slot of the table, set by each case. */
enum fake_kind {
	FAKE_ANSWERS,  /* there, and does what is asked */
	FAKE_REFUSES,  /* there, and refuses with its code */
	FAKE_SILENT,   /* never answers */
	FAKE_CONFLICT, /* maps another external port, which it must take back */
	FAKE_RESTARTS, /* its answer shows the gateway lost its state (epoch went back) */
	FAKE_MISSING,  /* DELETE: has no such mapping */
	FAKE_FOREIGN,  /* answers the probe in another protocol (NAT-PMP to PCP) */
	FAKE_OTHERS,   /* DELETE with --force: removes another host's mapping */
	FAKE_MOVES,    /* every ADD maps another external port (--keep: address-changed) */
	FAKE_FADES,    /* the first ADD is answered, no later one (--keep: lost) */
};

struct fake_config {
	enum fake_kind kind;
	int64_t delay_us;  /* how long each answer takes */
	int code;          /* FAKE_REFUSES */
	uint32_t lifetime; /* what an ADD grants; 0: an hour */
};

/* Test-only state: the cases run one at a time in one thread. */
static struct fake_config fake_cfg[MAP_N_METHODS];
static unsigned fake_deletes;               /* DELETEs answered since the case began */
static unsigned fake_probes[MAP_N_METHODS]; /* probes started since configure() */

struct fake {
	const struct map_env *env;
	enum map_method id;
	struct request rq; /* only its state is used: the controller reads it */
	int64_t due;       /* when the pending request is answered */
	bool taking_back;
	struct epoch_track epoch;
	unsigned adds; /* ADDs answered */
};

static struct fake *fake_of(struct map_adapter *m)
{
	return (struct fake *)(void *)m;
}

static struct map_adapter *fake_open(const struct map_env *env, enum map_method id)
{
	struct fake *f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	f->env = env;
	f->id = id;
	f->rq.fd = -1;
	f->due = CLOCK_NEVER;
	return (struct map_adapter *)(void *)f;
}

static struct map_adapter *open_pcp(const struct map_env *env)
{
	return fake_open(env, MAP_PCP);
}

static struct map_adapter *open_natpmp(const struct map_env *env)
{
	return fake_open(env, MAP_NATPMP);
}

static struct map_adapter *open_upnp(const struct map_env *env)
{
	return fake_open(env, MAP_UPNP);
}

static void fake_close(struct map_adapter *m)
{
	free(m);
}

/* A request that the fake's timer answers, unless the fake is silent
 * (FAKE_FADES: to every ADD after the first). */
static void ask(struct fake *f, bool add)
{
	const struct fake_config *c = &fake_cfg[f->id];
	bool silent = c->kind == FAKE_SILENT || (c->kind == FAKE_FADES && add && f->adds > 0);
	f->rq.state = REQUEST_PENDING;
	f->due = silent ? CLOCK_NEVER : clock_now_us() + c->delay_us;
}

static void fake_probe_start(struct map_adapter *m, struct map_run *run)
{
	(void)run;
	fake_probes[fake_of(m)->id]++;
	ask(fake_of(m), false);
}

static void fake_probe_update(struct map_adapter *m, struct map_run *run, int64_t now)
{
	struct fake *f = fake_of(m);
	if (!map_run_probe_answered(run, f->id, &f->rq, 5351, now))
		return;
	if (fake_cfg[f->id].kind == FAKE_FOREIGN) {
		map_run_absent(run, f->id, FAILURE_UNSUPPORTED, "speaks something else");
		return;
	}
	map_env_epoch(f->env, f->id, &f->epoch, 5000, now);
	map_run_present(run, f->id, now);
}

static void fake_op_start(struct map_adapter *m, struct map_run *run)
{
	fake_of(m)->taking_back = false;
	ask(fake_of(m), map_run_op(run) == MAP_OP_ADD);
}

static bool fake_op_busy(const struct map_adapter *m)
{
	return ((const struct fake *)(const void *)m)->rq.state == REQUEST_PENDING;
}

static void answer_add(struct fake *f, struct map_run *run)
{
	const struct map_params *p = f->env->p;
	struct endpoint ext;
	const struct fake_config *c = &fake_cfg[f->id];
	char ip[IP_STRLEN];
	/* FAKE_MOVES: the gateway's WAN address changes at every ADD. */
	snprintf(ip, sizeof(ip), "203.0.113.%u", 7 + (c->kind == FAKE_MOVES ? f->adds : 0));
	endpoint_parse_ip(&ext, ip);
	ext.port = p->external_port;
	f->adds++;
	map_run_mapped(run, f->id, &ext, c->lifetime ? c->lifetime : 3600);
}

static void fake_op_update(struct map_adapter *m, struct map_run *run)
{
	struct fake *f = fake_of(m);
	const struct fake_config *c = &fake_cfg[f->id];
	bool add = map_run_op(run) == MAP_OP_ADD;
	if (!map_run_op_answered(run, f->id, &f->rq))
		return;
	if (c->kind == FAKE_REFUSES) {
		map_run_failed(run, f->id, c->code == 718 ? FAILURE_CONFLICT : FAILURE_REFUSED,
			       c->code, "refused with code %d", c->code);
	} else if (c->kind == FAKE_CONFLICT && add && !f->taking_back) {
		f->taking_back = true;
		ask(f, false); /* the deletion of the port it offered */
	} else if (c->kind == FAKE_CONFLICT && add) {
		map_run_offered(run, f->id, (uint16_t)(f->env->p->external_port + 1));
	} else if (c->kind == FAKE_MISSING) {
		map_run_not_found(run, f->id, "no such mapping here");
	} else if (c->kind == FAKE_OTHERS && !add) {
		struct endpoint other;
		endpoint_parse_ip(&other, "192.0.2.50");
		other.port = 9000;
		map_run_deleted(run, f->id, &other);
	} else {
		if (c->kind == FAKE_RESTARTS)
			map_env_epoch(f->env, f->id, &f->epoch, 10, clock_now_us());
		if (add) {
			answer_add(f, run);
		} else {
			fake_deletes++;
			map_run_done(run, f->id);
		}
	}
}

static void fake_cancel(struct map_adapter *m)
{
	struct fake *f = fake_of(m);
	request_cancel(&f->rq);
	f->due = CLOCK_NEVER;
}

static size_t fake_fds(void *self, int *out, size_t max)
{
	(void)self;
	(void)out;
	(void)max;
	return 0;
}

static int64_t fake_next(void *self)
{
	return ((struct fake *)self)->due;
}

static void fake_tick(void *self, int64_t now)
{
	struct fake *f = self;
	if (f->rq.state == REQUEST_PENDING && now >= f->due) {
		f->due = CLOCK_NEVER;
		f->rq.state = REQUEST_ANSWERED;
	}
}

static bool fake_done(void *self)
{
	return ((struct fake *)self)->rq.state != REQUEST_PENDING;
}

static size_t fake_loops(struct map_adapter *m, struct loop_client *out)
{
	out[0] = (struct loop_client){
		.self = m,
		.fds = fake_fds,
		.next_wakeup = fake_next,
		.on_tick = fake_tick,
		.done = fake_done,
	};
	return 1;
}

static void fake_info(const struct map_adapter *m, struct map_method_info *out)
{
	(void)m;
	endpoint_parse_ip(&out->external, "203.0.113.7");
}

static bool fake_double_nat_symptom(int code)
{
	return code == 99;
}

#define FAKE_OPS(ID, third)                                                                      \
	{                                                                                        \
		.id = ID, .third_party = third, .open = open_##ID, .close = fake_close,          \
		.probe_start = fake_probe_start, .probe_update = fake_probe_update,              \
		.op_start = fake_op_start, .op_busy = fake_op_busy, .op_update = fake_op_update, \
		.cancel = fake_cancel, .loops = fake_loops, .info = fake_info,                   \
		.double_nat_symptom = fake_double_nat_symptom,                                   \
	}
#define open_MAP_PCP    open_pcp
#define open_MAP_NATPMP open_natpmp
#define open_MAP_UPNP   open_upnp

static const struct map_method_ops fake_ops[MAP_N_METHODS] = {
	[MAP_PCP] = FAKE_OPS(MAP_PCP, true),
	[MAP_NATPMP] = FAKE_OPS(MAP_NATPMP, false),
	[MAP_UPNP] = FAKE_OPS(MAP_UPNP, true),
};
static const struct map_method_ops *const fake_table[MAP_N_METHODS] = {&fake_ops[MAP_PCP],
								       &fake_ops[MAP_NATPMP],
								       &fake_ops[MAP_UPNP]};

/* A run of op over `methods` against the fakes, on loopback so no route is needed. */
static struct map_params params(enum map_op op, unsigned methods)
{
	struct map_params p = {
		.op = op,
		.methods = methods,
		.protocol = IPPROTO_TCP,
		.internal_port = 8080,
		.external_port = 8080,
		.lifetime = 3600,
	};
	endpoint_parse_ip(&p.gateway, "127.0.0.1");
	return p;
}

static void configure(enum fake_kind pcp, enum fake_kind natpmp, enum fake_kind upnp)
{
	fake_cfg[MAP_PCP] = (struct fake_config){pcp, 5 * 1000, 8, 0};
	fake_cfg[MAP_NATPMP] = (struct fake_config){natpmp, 5 * 1000, 3, 0};
	fake_cfg[MAP_UPNP] = (struct fake_config){upnp, 5 * 1000, 718, 0};
	memset(fake_probes, 0, sizeof(fake_probes));
}

/* Opens the controller on the fakes and runs p; returns portmap_run's result. */
static int run_fakes(const struct map_params *p, int64_t timeout_us, struct map_result *r)
{
	struct portmap *pm;
	int rc = portmap_open_with(&pm, p, NULL, r, fake_table);
	if (rc == 0)
		rc = portmap_run(pm, clock_now_us() + timeout_us, r);
	portmap_close(pm);
	return rc;
}

/* ---- the gateway cache (map_warm.c) with the fakes ---- */

static const uint8_t fake_mac[GATEWAY_MAC_LEN] = {0x02, 0, 0, 0, 0, 0x01};

/* A cache folder under a fresh temporary one; the fakes' gateway is 127.0.0.1. */
static bool temp_cache(char tmp[64], char dir[600])
{
	strcpy(tmp, "/tmp/natctl-warm-XXXXXX");
	return mkdtemp(tmp) && map_cache_dir_choose(dir, 600, NULL, tmp, NULL) == 0;
}

static void remove_cache(const char *tmp, const char *dir)
{
	struct endpoint gw;
	endpoint_parse_ip(&gw, "127.0.0.1");
	map_cache_forget(dir, &gw, fake_mac);
	rmdir(dir);
	rmdir(tmp);
}

/* Writes the entry a cache would hold for the fakes' gateway: seen[m] per method. */
static void cache_holds(const char *dir, enum map_cache_seen pcp, enum map_cache_seen natpmp,
			enum map_cache_seen upnp)
{
	struct map_cache_entry e;
	memset(&e, 0, sizeof(e));
	endpoint_parse_ip(&e.gateway, "127.0.0.1");
	memcpy(e.mac, fake_mac, sizeof(fake_mac));
	e.written = clock_wall_ms() / 1000 - 30;
	e.seen[MAP_PCP] = pcp;
	e.seen[MAP_NATPMP] = natpmp;
	e.seen[MAP_UPNP] = upnp;
	for (int m = 0; m < MAP_N_METHODS; m++)
		e.absent[m] = FAILURE_NO_ANSWER;
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
}

/* What the cache holds for the fakes' gateway now (-ENOENT: nothing). */
static int cache_now(const char *dir, struct map_cache_entry *e)
{
	struct endpoint gw;
	char why[128];
	endpoint_parse_ip(&gw, "127.0.0.1");
	return map_cache_load(dir, &gw, fake_mac, clock_wall_ms() / 1000, e, why, sizeof(why));
}

/* run_fakes with the cache of dir, keyed as if the gateway had fake_mac. */
static int run_warm(struct map_params *p, const char *dir, int64_t timeout_us, struct map_result *r)
{
	struct portmap *pm;
	p->cache_dir = dir;
	int rc = portmap_open_with(&pm, p, NULL, r, fake_table);
	if (rc == 0) {
		portmap_cache_key(pm, fake_mac);
		rc = portmap_run(pm, clock_now_us() + timeout_us, r);
	}
	portmap_close(pm);
	return rc;
}

/* One case of the cache with the fakes: its folder, what is asked, what came back. */
struct warm_case {
	char tmp[64], dir[600];
	struct map_params p;
	struct map_result r;
	struct map_cache_entry e;
};

static bool warm_case_open(struct warm_case *c, unsigned methods)
{
	memset(c, 0, sizeof(*c));
	c->p = params(MAP_OP_ADD, methods);
	return temp_cache(c->tmp, c->dir);
}

/* A cold run writes what it found; the next asks only what answered. */
static void controller_cache_warm_start(void)
{
	struct warm_case c;
	CHECK(warm_case_open(&c, MAP_ALL_METHODS));
	/* Silence is absence before UPnP's grace ends: PCP and NAT-PMP are
	 * decided absent, not left unknown. */
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_ANSWERS);
	c.p.wait_us = 10 * 1000;
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_UPNP);
	CHECK_EQ_INT(cache_now(c.dir, &c.e), 0);
	CHECK_EQ_INT(c.e.seen[MAP_PCP], MAP_SEEN_NO);
	CHECK_EQ_INT(c.e.seen[MAP_NATPMP], MAP_SEEN_NO);
	CHECK_EQ_INT(c.e.seen[MAP_UPNP], MAP_SEEN_YES);
	/* PCP would answer now, but the cache says it did not: not asked. */
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_UPNP);
	CHECK_EQ_INT(fake_probes[MAP_PCP], 0);
	CHECK_EQ_INT(fake_probes[MAP_NATPMP], 0);
	CHECK_EQ_INT(fake_probes[MAP_UPNP], 1);
	/* "0 s ago", or 1 when the wall clock's second turned in between */
	CHECK(strncmp(c.r.errors[0].text,
		      "no answer from 127.0.0.1:5351 within 0.01 s; not asked: so it was ",
		      66) == 0);
	CHECK(strstr(c.r.errors[0].text, " s ago (the gateway cache; --no-cache asks)") != NULL);
	/* Without the cache (--no-cache), every method is asked. */
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	CHECK_EQ_INT(run_fakes(&c.p, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_PCP);
	CHECK_EQ_INT(fake_probes[MAP_PCP] + fake_probes[MAP_NATPMP] + fake_probes[MAP_UPNP], 3);
	remove_cache(c.tmp, c.dir);
}

/* What the cache said answered is silent now: the others are asked after
 * all, within the same deadline, and the cache says what is there now. */
static void controller_cache_fallback(void)
{
	struct warm_case c;
	CHECK(warm_case_open(&c, MAP_ALL_METHODS));
	cache_holds(c.dir, MAP_SEEN_YES, MAP_SEEN_NO, MAP_SEEN_NO);
	configure(FAKE_SILENT, FAKE_ANSWERS, FAKE_SILENT);
	c.p.wait_us = 50 * 1000;
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_NATPMP);
	CHECK_EQ_INT(fake_probes[MAP_PCP], 1);
	CHECK_EQ_INT(fake_probes[MAP_NATPMP], 1);
	CHECK_EQ_INT(fake_probes[MAP_UPNP], 1);
	CHECK_EQ_INT(cache_now(c.dir, &c.e), 0);
	CHECK_EQ_INT(c.e.seen[MAP_PCP], MAP_SEEN_NO);
	CHECK_EQ_INT(c.e.seen[MAP_NATPMP], MAP_SEEN_YES);
	/* Nothing answers at all: the entry goes, nothing is left to start from. */
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_SILENT);
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), -1);
	CHECK_EQ_INT(c.r.failure, FAILURE_NO_ANSWER);
	CHECK_EQ_INT(cache_now(c.dir, &c.e), -ENOENT);
	remove_cache(c.tmp, c.dir);
}

/* --via a method the cache says is absent: the cache is not used at all. */
static void controller_cache_only_for_what_answered(void)
{
	struct warm_case c;
	CHECK(warm_case_open(&c, MAP_BIT(MAP_NATPMP)));
	cache_holds(c.dir, MAP_SEEN_YES, MAP_SEEN_NO, MAP_SEEN_UNKNOWN);
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_NATPMP);
	CHECK_EQ_INT(fake_probes[MAP_NATPMP], 1);
	/* A method the cache does not know is asked as always, beside the cached one. */
	c.p.methods = MAP_ALL_METHODS;
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	CHECK_EQ_INT(run_warm(&c.p, c.dir, 1000 * 1000, &c.r), 0);
	CHECK_EQ_INT(c.r.method, MAP_PCP);
	CHECK_EQ_INT(fake_probes[MAP_NATPMP], 1); /* it answered the last run */
	CHECK_EQ_INT(fake_probes[MAP_UPNP], 1);
	remove_cache(c.tmp, c.dir);
}

static void controller_prefers_pcp(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_ALL_METHODS);
	struct map_result r;
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK(r.ok);
	CHECK_EQ_INT(r.method, MAP_PCP);
	CHECK_EQ_INT(r.external.port, 8080);
	CHECK_EQ_INT(r.lifetime, 3600);
	CHECK_EQ_INT(r.n_errors, 0);
	CHECK_EQ_STR(r.error, "");
}

/* A less preferred method that is ready waits a grace for a better one, then goes ahead. */
static void controller_grace_for_better_methods(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_ALL_METHODS);
	struct map_result r;
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_ANSWERS);
	fake_cfg[MAP_PCP].delay_us = 12 * 1000; /* within NAT-PMP's grace (20 ms at least) */
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.method, MAP_PCP);
	fake_cfg[MAP_PCP].kind = FAKE_SILENT; /* never: NAT-PMP goes ahead after its grace */
	int64_t start = clock_now_us();
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.method, MAP_NATPMP);
	CHECK(clock_now_us() - start < 500 * 1000); /* not the whole discovery window */
}

/* A refusal falls back to the next method, and is kept in errors[]. */
static void controller_falls_back_on_refusal(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_ALL_METHODS);
	struct map_result r;
	configure(FAKE_REFUSES, FAKE_ANSWERS, FAKE_ANSWERS);
	fake_cfg[MAP_PCP].code = 99;
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.method, MAP_NATPMP);
	CHECK_EQ_INT(r.n_errors, 1);
	CHECK_EQ_INT(r.errors[0].method, MAP_PCP);
	CHECK_EQ_INT(r.errors[0].code, 99);
	CHECK(r.errors[0].double_nat);
	CHECK_EQ_STR(r.errors[0].text, "refused with code 99");
}

/* Every method refuses: one line names each, with its code, and the double-NAT symptom. */
static void controller_every_method_refuses(void)
{
	static const int codes[] = {2, 99, 718, 501};
	struct map_params p = params(MAP_OP_ADD, MAP_ALL_METHODS);
	struct map_result r;
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		configure(FAKE_REFUSES, FAKE_REFUSES, FAKE_REFUSES);
		for (int m = 0; m < MAP_N_METHODS; m++)
			fake_cfg[m].code = codes[i];
		char want[200];
		snprintf(want, sizeof(want),
			 "pcp: refused with code %d; natpmp: refused with code %d; upnp: refused with code %d",
			 codes[i], codes[i], codes[i]);
		CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), -1);
		CHECK(!r.ok);
		CHECK_EQ_STR(r.error, want);
		CHECK_EQ_INT(r.n_errors, 3);
		for (size_t e = 0; e < r.n_errors; e++) {
			CHECK_EQ_INT(r.errors[e].code, codes[i]);
			CHECK_EQ_INT(r.errors[e].double_nat, codes[i] == 99);
		}
		CHECK_EQ_INT(r.failure, codes[i] == 718 ? FAILURE_CONFLICT : FAILURE_REFUSED);
		/* A failure still names the gateway, this host and the ports asked. */
		char ip[IP_STRLEN];
		CHECK_EQ_STR(endpoint_format_ip(&r.gateway, ip), "127.0.0.1");
		CHECK(endpoint_is_set(&r.internal));
		CHECK_EQ_INT(r.internal.port, 8080);
		CHECK_EQ_INT(r.external.port, 8080);
		CHECK_EQ_INT(r.method, MAP_NONE);
	}
}

/* Nobody answers: absent after the window (here the deadline), named one by one. */
static void controller_silent_gateway(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_PCP) | MAP_BIT(MAP_UPNP));
	struct map_result r;
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_SILENT);
	int64_t start = clock_now_us();
	CHECK_EQ_INT(run_fakes(&p, 150 * 1000, &r), -1);
	int64_t took = clock_now_us() - start;
	CHECK(took >= 150 * 1000 && took < 1000 * 1000);
	CHECK(strncmp(r.error, "no gateway answered within 0.", 29) == 0);
	CHECK(strstr(r.error, "(pcp: no answer from 127.0.0.1") != NULL);
	CHECK(strstr(r.error, "; upnp: no answer from 127.0.0.1") != NULL);
	CHECK(strstr(r.error, "natpmp") == NULL); /* not selected, not named */
	CHECK_EQ_INT(r.failure, FAILURE_NO_ANSWER);
	CHECK_EQ_INT(r.errors[0].failure, FAILURE_NO_ANSWER);
}

/* Silence is absence at the wait (the protocols' bound), long before the
 * deadline: the errors name the bound, not the deadline. */
static void controller_absent_at_the_wait(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_PCP) | MAP_BIT(MAP_NATPMP));
	struct map_result r;
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_SILENT);
	p.wait_us = 100 * 1000;
	int64_t start = clock_now_us();
	CHECK_EQ_INT(run_fakes(&p, 5 * 1000 * 1000, &r), -1);
	CHECK(clock_now_us() - start < 5 * 1000 * 1000); /* decided before the deadline */
	CHECK_EQ_STR(r.error,
		     "no gateway answered within 0.1 s (pcp: no answer from 127.0.0.1:5351 "
		     "within 0.1 s; natpmp: no answer from 127.0.0.1:5351 within 0.1 s)");
	CHECK_EQ_INT(r.failure, FAILURE_NO_ANSWER);
	/* An answer within the wait is used however long the wait. */
	configure(FAKE_SILENT, FAKE_ANSWERS, FAKE_SILENT);
	p.wait_us = 3 * 1000 * 1000;
	CHECK_EQ_INT(run_fakes(&p, 5 * 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.method, MAP_NATPMP);
}

/* --via pcp to a gateway that answers in NAT-PMP: not "no gateway answered within 0.0 s". */
static void controller_foreign_protocol(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_PCP));
	struct map_result r;
	configure(FAKE_FOREIGN, FAKE_SILENT, FAKE_SILENT);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), -1);
	CHECK_EQ_STR(r.error, "the gateway does not speak PCP (pcp: speaks something else)");
	CHECK_EQ_INT(r.failure, FAILURE_UNSUPPORTED);
}

/* --list asks only the methods that can list: it says so, not "no gateway". */
static void controller_list_names_what_lists(void)
{
	struct map_params p = params(MAP_OP_LIST, MAP_ALL_METHODS);
	struct map_result r;
	struct map_list l;
	struct portmap *pm;
	static const struct map_method_ops *table[MAP_N_METHODS];
	static struct map_method_ops upnp_lists;
	memcpy(table, fake_table, sizeof(table));
	upnp_lists = fake_ops[MAP_UPNP];
	upnp_lists.lists = true;
	table[MAP_UPNP] = &upnp_lists;
	configure(FAKE_ANSWERS, FAKE_ANSWERS, FAKE_SILENT);
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, &r, table), 0);
	CHECK_EQ_INT(portmap_list(pm, clock_now_us() + 100 * 1000, &l, &r), -1);
	CHECK(strncmp(r.error, "no gateway that can list mappings answered within ", 50) == 0);
	CHECK(strstr(r.error, "(upnp: no answer from 127.0.0.1") != NULL);
	CHECK_EQ_INT(r.failure, FAILURE_NO_ANSWER);
	map_list_free(&l);
	portmap_close(pm);
}

/* --delete --force: the result names the host the deleted mapping pointed at. */
static void controller_delete_names_whose(void)
{
	struct map_params p = params(MAP_OP_DELETE, MAP_BIT(MAP_UPNP));
	struct map_result r;
	char in[ENDPOINT_STRLEN];
	p.force = true;
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_OTHERS);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_STR(endpoint_format(&r.internal, in), "192.0.2.50:9000");
	configure(FAKE_SILENT, FAKE_SILENT, FAKE_MISSING);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), -1);
	CHECK_EQ_INT(r.failure, FAILURE_NOT_FOUND);
}

static void controller_conflict_is_refused(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_PCP));
	struct map_result r;
	configure(FAKE_CONFLICT, FAKE_SILENT, FAKE_SILENT);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), -1);
	CHECK_EQ_STR(
		r.error,
		"pcp: external port 8080/tcp is taken: the gateway offered 8081 (--any accepts it)");
	CHECK_EQ_INT(r.failure, FAILURE_CONFLICT);
}

static void on_restart(void *ctx, enum map_method m)
{
	unsigned *seen = ctx;
	*seen |= MAP_BIT(m);
}

/* An epoch that went back is reported once, as an event, and the mapping still made. */
static void controller_reports_restart(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_NATPMP));
	struct map_result r;
	struct portmap *pm;
	unsigned seen = 0;
	configure(FAKE_SILENT, FAKE_RESTARTS, FAKE_SILENT);
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, &r, fake_table), 0);
	portmap_on_restart(pm, on_restart, &seen);
	CHECK_EQ_INT(portmap_run(pm, clock_now_us() + 1000 * 1000, &r), 0);
	CHECK_EQ_INT(seen, MAP_BIT(MAP_NATPMP));
	CHECK_EQ_INT(r.method, MAP_NATPMP);
	portmap_close(pm);
}

/* DELETE asks every method there; one with nothing to delete is no news. */
static void controller_delete_through_every_method(void)
{
	struct map_params p = params(MAP_OP_DELETE, MAP_ALL_METHODS);
	struct map_result r;
	configure(FAKE_ANSWERS, FAKE_MISSING, FAKE_ANSWERS);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.deleted_by, MAP_BIT(MAP_PCP) | MAP_BIT(MAP_UPNP));
	CHECK_EQ_INT(r.method, MAP_PCP);
	CHECK_EQ_INT(r.n_warnings, 0);
	CHECK_EQ_INT(r.lifetime, 0);
	configure(FAKE_ANSWERS, FAKE_REFUSES, FAKE_MISSING);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.deleted_by, MAP_BIT(MAP_PCP));
	CHECK_EQ_INT(r.n_warnings, 1);
	CHECK_EQ_STR(r.warnings[0], "natpmp: refused with code 3");
}

/* --internal: a method that maps only for the host that asks says so, from the table. */
static void controller_third_party_from_the_table(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_NATPMP));
	struct map_result r;
	endpoint_parse_ip(&p.internal, "192.0.2.99");
	configure(FAKE_SILENT, FAKE_ANSWERS, FAKE_SILENT);
	CHECK_EQ_INT(run_fakes(&p, 1000 * 1000, &r), -1);
	CHECK_EQ_STR(r.error,
		     "natpmp: NAT-PMP maps only to the host that asks (--internal needs PCP or UPnP)");
}

/* The external address by each method that answered; the silent one is left out. */
static void controller_external_addresses(void)
{
	struct map_params p = params(MAP_OP_EXTERNAL, MAP_ALL_METHODS);
	struct map_result r;
	struct map_external x;
	struct portmap *pm;
	configure(FAKE_ANSWERS, FAKE_SILENT, FAKE_ANSWERS);
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, &r, fake_table), 0);
	CHECK_EQ_INT(portmap_external(pm, clock_now_us() + 100 * 1000, &x, &r), 0);
	CHECK_EQ_INT(x.n, 2);
	CHECK_EQ_INT(x.rows[0].method, MAP_PCP);
	CHECK_EQ_INT(x.rows[1].method, MAP_UPNP);
	char ip[IP_STRLEN];
	CHECK_EQ_STR(endpoint_format_ip(&x.rows[1].address, ip), "203.0.113.7");
	struct map_method_info info;
	portmap_info(pm, MAP_NATPMP, &info);
	CHECK(!info.present);
	portmap_info(pm, MAP_UPNP, &info);
	CHECK(info.present);
	portmap_close(pm);
}

/* A mapping made and deleted beside the one held (a --check companion, a
 * probe test mapping) leaves that one's parameters: its renewal renews it. */
static void controller_side_mapping_keeps_params(void)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_NATPMP));
	const struct map_params side = {.protocol = IPPROTO_UDP,
					.internal_port = 9999,
					.external_port = 9999,
					.lifetime = 60};
	struct map_result r, s;
	struct portmap *pm;
	configure(FAKE_SILENT, FAKE_ANSWERS, FAKE_SILENT);
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, &r, fake_table), 0);
	CHECK_EQ_INT(portmap_run(pm, clock_now_us() + 1000 * 1000, &r), 0);
	CHECK_EQ_INT(portmap_add_via(pm, MAP_NATPMP, &side, clock_now_us() + 1000 * 1000, &s), 0);
	CHECK_EQ_INT(s.protocol, IPPROTO_UDP);
	CHECK_EQ_INT(s.internal.port, 9999);
	CHECK_EQ_INT(portmap_unmap(pm, clock_now_us() + 1000 * 1000, &s), 0);
	CHECK_EQ_INT(s.protocol, IPPROTO_UDP);
	CHECK_EQ_INT(s.external.port, 9999);
	CHECK_EQ_INT(portmap_renew(pm, clock_now_us() + 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.protocol, IPPROTO_TCP);
	CHECK_EQ_INT(r.internal.port, 8080);
	CHECK_EQ_INT(r.external.port, 8080);
	CHECK_EQ_INT(portmap_unmap(pm, clock_now_us() + 1000 * 1000, &r), 0);
	CHECK_EQ_INT(r.protocol, IPPROTO_TCP);
	portmap_close(pm);
}

/* ---- map --check: the fake PCP maps, a scripted STUN server (a child) answers ---- */

/* A UDP port of loopback that is free now; held by *holder unless it is NULL. */
static uint16_t loopback_port(int *holder)
{
	struct endpoint e = stun_fake_ip("127.0.0.1", 0);
	int fd = udp_open(AF_INET, &e);
	socket_local(fd, &e);
	if (holder)
		*holder = fd;
	else
		close(fd);
	return e.port;
}

/* Maps port (to internal, or this host) through the fake PCP, then checks it
 * against a server in mode. */
static void map_and_check_round(enum stun_fake_mode mode, int protocol, uint16_t port,
				const char *internal, unsigned round, struct map_result *r)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_PCP));
	struct portmap *pm;
	struct stun_fake s;
	p.protocol = protocol;
	p.internal_port = p.external_port = port;
	if (internal)
		endpoint_parse_ip(&p.internal, internal);
	configure(FAKE_ANSWERS, FAKE_SILENT, FAKE_SILENT);
	fake_deletes = 0;
	pid_t pid = stun_fake_fork(&s, mode);
	CHECK(pid > 0);
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, r, fake_table), 0);
	CHECK_EQ_INT(portmap_run(pm, clock_now_us() + 1000 * 1000, r), 0);
	struct map_check_options o = {.server = s.addr,
				      .round = round,
				      .deadline = clock_now_us() + 1500 * 1000};
	map_check(pm, &o, r);
	portmap_close(pm);
	stun_fake_stop(pid);
}

static void map_and_check(enum stun_fake_mode mode, int protocol, uint16_t port,
			  const char *internal, struct map_result *r)
{
	map_and_check_round(mode, protocol, port, internal, 0, r);
}

/* Each check of a run is answered from another of the server's addresses:
 * the alternate address and port, the alternate address, the alternate port. */
static void check_rounds_change_the_answering_address(void)
{
	static const char *const from[] = {"from 127.0.0.2:", "from 127.0.0.2:", "from 127.0.0.1:"};
	struct map_result r;
	for (unsigned round = 0; round < 3; round++) {
		map_and_check_round(STUN_FAKE_RFC5780, IPPROTO_UDP, loopback_port(NULL), NULL,
				    round, &r);
		CHECK_EQ_INT(r.check.reachable, NAT_TRI_YES);
		CHECK(strstr(r.check.reason, from[round]) != NULL);
	}
}

static void check_udp_mapping_reachable(void)
{
	struct map_result r;
	uint16_t port = loopback_port(NULL);
	map_and_check(STUN_FAKE_RFC5780, IPPROTO_UDP, port, NULL, &r);
	CHECK(r.check.asked);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_YES);
	CHECK(!r.check.companion);
	CHECK_EQ_INT(r.check.port_checked.port, port);
	CHECK_EQ_INT(r.failure, FAILURE_NONE);
	CHECK_EQ_INT(fake_deletes, 0);
	CHECK(strstr(r.check.reason, "came in from 127.0.0.2:") != NULL);
}

/* Unreachable: exit 5's class, and an error that names the NAT in front
 * (the fake gateway's external address is not what the server saw). */
static void check_udp_mapping_unreachable(void)
{
	struct map_result r;
	uint16_t port = loopback_port(NULL);
	map_and_check(STUN_FAKE_SILENT_CHECK, IPPROTO_UDP, port, NULL, &r);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_NO);
	CHECK_EQ_INT(r.failure, FAILURE_UNREACHABLE);
	CHECK(r.ok); /* the mapping stays */
	CHECK(strncmp(r.error, "mapped, but unreachable from outside: the answer ", 49) == 0);
	CHECK(strstr(r.error,
		     "the gateway's external address 203.0.113.7 is not the public "
		     "address 127.0.0.1: the NAT in front of the gateway has no mapping") != NULL);
}

/* The application holds the port: a companion mapping, deleted after, and said so. */
static void check_port_in_use_uses_companion(void)
{
	struct map_result r;
	int holder;
	char want[64];
	uint16_t port = loopback_port(&holder);
	map_and_check(STUN_FAKE_RFC5780, IPPROTO_UDP, port, NULL, &r);
	close(holder);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_YES);
	CHECK(r.check.companion);
	CHECK(r.check.port_checked.port != port);
	CHECK_EQ_INT(fake_deletes, 1);
	snprintf(want, sizeof(want), "because port %u is in use", port);
	CHECK(strstr(r.check.reason, want) != NULL);
	CHECK(strstr(r.check.reason, "not that udp port") != NULL);
}

/* TCP is never claimed proven: the companion says what it shows. */
static void check_tcp_uses_companion(void)
{
	struct map_result r;
	map_and_check(STUN_FAKE_RFC5780, IPPROTO_TCP, 8080, NULL, &r);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_YES);
	CHECK(r.check.companion);
	CHECK_EQ_INT(fake_deletes, 1);
	CHECK(strstr(r.check.reason, "because TCP cannot be proven without a helper outside") !=
	      NULL);
	CHECK(strstr(r.check.reason, "not that tcp port 8080 itself is reachable") != NULL);
}

/* A mapping for another host, and a server without RFC 5780: unknown, not a failure. */
static void check_unknown_cases(void)
{
	struct map_result r;
	uint16_t port = loopback_port(NULL);
	map_and_check(STUN_FAKE_RFC5780, IPPROTO_UDP, port, "192.0.2.99", &r);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_UNKNOWN);
	CHECK_EQ_STR(r.check.reason, "the mapping points at another host (192.0.2.99): only that "
				     "host can listen for the answer");
	CHECK_EQ_INT(r.failure, FAILURE_NONE);
	map_and_check(STUN_FAKE_NO_5780, IPPROTO_UDP, port, NULL, &r);
	CHECK_EQ_INT(r.check.reachable, NAT_TRI_UNKNOWN);
	CHECK(strstr(r.check.reason, "420") != NULL);
	CHECK_EQ_INT(r.failure, FAILURE_NONE);
}

/* --keep's events as they come; SIGTERM (which map_keep watches) once `stop` is seen. */
struct keep_log {
	enum map_event events[8];
	size_t n;
	enum map_event stop;
	struct map_result last, stopped;
	const struct map_check_options *check; /* --check, or NULL */
	int64_t timeout_us;                    /* each operation's bound; 0: 100 ms */
	bool any;                              /* --any */
};

static void keep_emit(void *ctx, enum map_event e, const struct map_result *r)
{
	struct keep_log *log = ctx;
	if (log->n < sizeof(log->events) / sizeof(log->events[0]))
		log->events[log->n++] = e;
	log->last = *r;
	if (e == log->stop) {
		log->stopped = *r;
		kill(getpid(), SIGTERM);
	}
}

/* Maps 8080 through the fake NAT-PMP, then keeps it until log->stop; 0 if deleted at the end. */
static int keep_fake(struct keep_log *log)
{
	struct map_params p = params(MAP_OP_ADD, MAP_BIT(MAP_NATPMP));
	struct map_result r;
	struct portmap *pm;
	struct sigwatch sw;
	bool wake = false;
	int rc = -1;
	p.any = log->any;
	CHECK_EQ_INT(portmap_open_with(&pm, &p, NULL, &r, fake_table), 0);
	CHECK_EQ_INT(portmap_run(pm, clock_now_us() + 1000 * 1000, &r), 0);
	if (sigwatch_open(&sw, &wake) == 0) {
		struct map_keep_options o = {.timeout_us =
						     log->timeout_us ? log->timeout_us : 100 * 1000,
					     .sw = &sw,
					     .wake = &wake,
					     .check = log->check,
					     .any = log->any,
					     .lifetime = p.lifetime,
					     .methods = p.methods,
					     .emit = keep_emit,
					     .ctx = log};
		rc = map_keep(pm, &r, 1, &o);
		sigwatch_close(&sw);
	}
	portmap_close(pm);
	return rc;
}

/* A renewal that comes back with another external address is said so. */
static void keep_address_changed(void)
{
	struct keep_log log = {.stop = MAP_EVENT_ADDRESS_CHANGED};
	char ip[IP_STRLEN];
	configure(FAKE_SILENT, FAKE_MOVES, FAKE_SILENT);
	fake_cfg[MAP_NATPMP].lifetime = 1; /* renewed after half a second */
	CHECK_EQ_INT(keep_fake(&log), 0);
	CHECK_EQ_INT(log.n, 3);
	CHECK_EQ_INT(log.events[0], MAP_EVENT_MAPPED);
	CHECK_EQ_INT(log.events[1], MAP_EVENT_ADDRESS_CHANGED);
	CHECK_EQ_INT(log.events[2], MAP_EVENT_DELETED);
	CHECK_EQ_STR(endpoint_format_ip(&log.stopped.external, ip), "203.0.113.8");
	CHECK_EQ_STR(endpoint_format_ip(&log.last.external, ip), "203.0.113.8");
}

/* Renewals that fail: renew-failed, then lost once the lifetime has run out. */
static void keep_lost(void)
{
	struct keep_log log = {.stop = MAP_EVENT_LOST};
	configure(FAKE_SILENT, FAKE_FADES, FAKE_SILENT);
	fake_cfg[MAP_NATPMP].lifetime = 1;
	CHECK_EQ_INT(keep_fake(&log), 0); /* deletion still answered */
	CHECK(log.n >= 4);
	CHECK_EQ_INT(log.events[0], MAP_EVENT_MAPPED);
	CHECK_EQ_INT(log.events[1], MAP_EVENT_RENEW_FAILED);
	CHECK_EQ_INT(log.events[2], MAP_EVENT_LOST);
	CHECK_EQ_INT(log.events[log.n - 1], MAP_EVENT_DELETED);
	CHECK_EQ_INT(log.last.failure, FAILURE_NONE);
	/* The failure events name the mapping held: transport, both ends. */
	CHECK_EQ_INT(log.stopped.protocol, IPPROTO_TCP);
	CHECK_EQ_INT(log.stopped.internal.port, 8080);
	CHECK_EQ_INT(log.stopped.external.port, 8080);
	CHECK(endpoint_is_set(&log.stopped.external));
	CHECK_EQ_INT(log.stopped.method, MAP_NATPMP);
	CHECK(log.stopped.error[0] != '\0');
}

/* --keep --check: a mapping made again elsewhere is checked again; proven
 * unreachable, it is kept, the event says so, and the end is a clean delete. */
static void keep_checks_again(void)
{
	struct stun_fake s;
	pid_t pid = stun_fake_fork(&s, STUN_FAKE_SILENT_CHECK);
	struct map_check_options o = {.server = s.addr};
	/* the check decides silence 250 ms after its first send at the earliest */
	struct keep_log log = {.stop = MAP_EVENT_ADDRESS_CHANGED,
			       .check = &o,
			       .timeout_us = 1000 * 1000};
	configure(FAKE_SILENT, FAKE_MOVES, FAKE_SILENT);
	fake_cfg[MAP_NATPMP].lifetime = 1;
	CHECK(pid > 0);
	CHECK_EQ_INT(keep_fake(&log), 0);
	stun_fake_stop(pid);
	CHECK_EQ_INT(log.events[0], MAP_EVENT_MAPPED);
	CHECK_EQ_INT(log.events[1], MAP_EVENT_ADDRESS_CHANGED);
	CHECK(log.stopped.check.asked);
	CHECK_EQ_INT(log.stopped.check.reachable, NAT_TRI_NO);
	CHECK_EQ_INT(log.stopped.failure, FAILURE_UNREACHABLE);
	CHECK_EQ_INT(log.events[log.n - 1], MAP_EVENT_DELETED);
	CHECK_EQ_INT(log.last.failure, FAILURE_NONE);
}

const struct test_case portmap_cases[] = {
	T(controller_prefers_pcp),
	T(controller_grace_for_better_methods),
	T(controller_falls_back_on_refusal),
	T(controller_every_method_refuses),
	T(controller_silent_gateway),
	T(controller_absent_at_the_wait),
	T(controller_cache_warm_start),
	T(controller_cache_fallback),
	T(controller_cache_only_for_what_answered),
	T(controller_foreign_protocol),
	T(controller_list_names_what_lists),
	T(controller_delete_names_whose),
	T(controller_conflict_is_refused),
	T(controller_reports_restart),
	T(controller_delete_through_every_method),
	T(controller_third_party_from_the_table),
	T(controller_external_addresses),
	T(controller_side_mapping_keeps_params),
	T(check_udp_mapping_reachable),
	T(check_udp_mapping_unreachable),
	T(check_port_in_use_uses_companion),
	T(check_tcp_uses_companion),
	T(check_unknown_cases),
	T(check_rounds_change_the_answering_address),
	T(keep_address_changed),
	T(keep_lost),
	T(keep_checks_again),
	{NULL, NULL},
};
