// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: sequences of SSDP answers, ticks and job endings fed to the UPnP client's state machine.
#include <stddef.h>

#include "upnp_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input, read a byte at a time (0 once it is used up). */
struct input {
	const uint8_t *p;
	size_t left;
};

static uint8_t next(struct input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static bool in_list(const struct upnp_client *c, const char *location, bool *from_gateway)
{
	for (size_t i = 0; i < c->n_answers && i < UPNP_MAX_LOCATIONS; i++)
		if (strcmp(c->answers[i].ssdp.location, location) == 0) {
			*from_gateway = c->answers[i].from_gateway;
			return true;
		}
	return false;
}

/*
 * Every job starts from answers the client keeps, at most UPNP_MAX_LOCATIONS
 * of them; another host's answer only while no gateway's is kept.
 */
static int checked_start(struct worker *w, worker_fn fn, void *arg, int64_t deadline)
{
	const struct upnp_client *c =
		(const struct upnp_client *)(const void *)((const char *)w -
							   offsetof(struct upnp_client, worker));
	const struct upnp_job *j = arg;
	if (c->n_answers > UPNP_MAX_LOCATIONS)
		__builtin_trap();
	for (size_t i = 1; i < c->n_answers; i++)
		if (c->answers[i].from_gateway && !c->answers[i - 1].from_gateway)
			__builtin_trap(); /* not best first */
	if (j->kind == UPNP_JOB_DESCRIBE) {
		if (j->n_locations == 0 || j->n_locations > UPNP_MAX_LOCATIONS)
			__builtin_trap();
		for (size_t i = 0; i < j->n_locations; i++) {
			bool gw = false;
			if (!in_list(c, j->locations[i], &gw) ||
			    (!gw && c->answers[0].from_gateway))
				__builtin_trap();
		}
	}
	return fuzz_start_job(w, fn, arg, deadline);
}

static void raw_datagram(struct upnp_client *c, struct input *in, int64_t now)
{
	char from[IP_STRLEN];
	snprintf(from, sizeof(from), "192.168.77.%u", next(in));
	size_t n = (size_t)next(in) * 6;
	if (n > in->left)
		n = in->left;
	struct endpoint e = fuzz_ip(from);
	upnp_client_datagram(c, (const char *)in->p, n, &e, now);
	in->p += n;
	in->left -= n;
}

/* A well-formed answer: from the gateway or three other hosts, one of 16 LOCATIONs. */
static void answer(struct upnp_client *c, struct input *in, int64_t now)
{
	uint8_t h = next(in), k = next(in);
	char from[IP_STRLEN], location[96];
	snprintf(from, sizeof(from), "192.168.77.%u", (h & 3) == 0 ? 1u : 10u + (h & 3));
	snprintf(location, sizeof(location), "http://%s:%u/d%u.xml", h & 4 ? "192.168.77.99" : from,
		 5000u + (k & 3), (k >> 2) & 3);
	fuzz_answer(c, from, location, now);
}

static void put(uint8_t *buf, size_t *len, uint32_t type, const void *p, size_t n)
{
	struct worker_record_header h = {.type = type, .length = (uint32_t)n};
	memcpy(buf + *len, &h, sizeof(h));
	memcpy(buf + *len + sizeof(h), p, n);
	*len += sizeof(h) + n;
}

/* The description job ends: an IGD (one of the LOCATIONs asked, or not), or a failure. */
static void describe_ends(struct upnp_client *c, uint8_t how, int64_t now)
{
	static uint8_t buf[sizeof(struct upnp_igd) + sizeof(struct upnp_status) + 64];
	size_t len = 0;
	struct upnp_status st = {.code = how & 1 ? 0 : -3};
	if (how & 1) {
		struct upnp_igd g;
		memset(&g, 0, sizeof(g));
		size_t n = c->job.n_locations ? c->job.n_locations : 1;
		snprintf(g.location, sizeof(g.location), "%s",
			 how & 2 ? FUZZ_DESC1 : c->job.locations[(how >> 2) % n]);
		snprintf(g.lanaddr, sizeof(g.lanaddr), FUZZ_SELF);
		snprintf(g.data.first.servicetype, sizeof(g.data.first.servicetype),
			 "urn:schemas-upnp-org:service:WANIPConnection:1");
		snprintf(g.data.first.controlurl, sizeof(g.data.first.controlurl), "/ctl");
		put(buf, &len, UPNP_REC_IGD, &g, sizeof(g));
	}
	put(buf, &len, UPNP_REC_STATUS, &st, sizeof(st));
	fuzz_finish(c, buf, len, how & 0x40, how & 0x80, now);
}

static void search(struct upnp_client *c, uint8_t how, int64_t now)
{
	struct upnp_search s = {
		.local = fuzz_ip("127.0.0.1"),
		.search_until = now + 2 * USEC_PER_SEC,
		.job_deadline = now + 3 * USEC_PER_SEC,
	};
	if (how % 3 != 1)
		s.gateway = fuzz_ip(FUZZ_GW);
	if (how % 3 == 2)
		s.target = fuzz_ip(FUZZ_GW); /* --gateway */
	upnp_client_search(c, &s);
	c->next_search_us = CLOCK_NEVER;
}

static void step(struct upnp_client *c, struct input *in, int64_t *now)
{
	uint8_t op = next(in) & 7;
	switch (op) {
	case 0: raw_datagram(c, in, *now); break;
	case 1: answer(c, in, *now); break;
	case 2:
		*now += (int64_t)next(in) * 10 * 1000;
		upnp_client_loop(c).on_tick(c, *now);
		break;
	case 3:
		if (c->state == UPNP_DESCRIBING)
			describe_ends(c, next(in), *now);
		break;
	case 4: {
		size_t n = (size_t)next(in) * 4;
		n = n > in->left ? in->left : n;
		if (c->state == UPNP_DESCRIBING || c->state == UPNP_WORKING)
			fuzz_finish(c, in->p, n, false, false, *now);
		in->p += n;
		in->left -= n;
		break;
	}
	case 5: search(c, next(in), *now); break;
	case 6: upnp_client_cancel(c); break;
	default: upnp_client_loop(c).next_wakeup(c); break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = {data, size};
	struct upnp_client c;
	int64_t now = fuzz_client_start(&c, checked_start);
	for (int i = 0; i < 256 && in.left > 0; i++)
		step(&c, &in, &now);
	if (c.n_answers > UPNP_MAX_LOCATIONS)
		__builtin_trap();
	fuzz_use_report(&c);
	upnp_client_close(&c);
	return 0;
}
