/* SPDX-License-Identifier: BSD-2-Clause */
/* What the UPnP fuzz targets share: a client whose jobs start no child (their records are fed to it), and the oracle that nothing it prints could steer a terminal. */
#ifndef NATCTL_UPNP_FUZZ_H
#define NATCTL_UPNP_FUZZ_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_errors.h"
#include "natctl/map/upnp_client.h"

#define FUZZ_GW    "192.168.77.1"
#define FUZZ_SELF  "192.168.77.10"
#define FUZZ_DESC1 "http://192.168.77.1:5000/rootDesc.xml"

/*
 * The oracle: s is well-formed UTF-8 with no C0 control, no DEL and no C1
 * control (U+0080..U+009F). A bounded buffer may cut the last character:
 * an unfinished sequence at the very end is allowed, nothing else.
 */
static inline void fuzz_assert_clean(const char *s)
{
	const uint8_t *p = (const uint8_t *)s;
	size_t left = strlen(s);
	while (left > 0) {
		size_t n = p[0] >= 0x20 && p[0] < 0x7f ? 1 : text_utf8_sequence(p, left);
		if (n == 0) {
			/* Only a lead byte and continuation bytes up to the end. */
			if (p[0] < 0xc2 || p[0] > 0xf4 || left > 3)
				__builtin_trap();
			for (size_t i = 1; i < left; i++)
				if ((p[i] & 0xc0) != 0x80)
					__builtin_trap();
			return;
		}
		if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0)
			__builtin_trap();
		p += n;
		left -= n;
	}
}

/* Every trace line a client writes passes the oracle. */
static inline void fuzz_trace_sink(void *ctx, const char *fmt, va_list ap)
{
	char line[8192];
	(void)ctx;
	vsnprintf(line, sizeof(line), fmt, ap);
	fuzz_assert_clean(line);
}

static const struct trace fuzz_trace = {.log = fuzz_trace_sink};

/* The stand-in for worker_start(): no child; the caller feeds the records. */
static inline int fuzz_start_job(struct worker *w, worker_fn fn, void *arg, int64_t deadline)
{
	(void)fn;
	(void)arg;
	w->len = 0;
	w->finished = w->killed = w->overflow = false;
	w->deadline = deadline;
	return 0;
}

static inline struct endpoint fuzz_ip(const char *text)
{
	struct endpoint e;
	endpoint_parse_ip(&e, text);
	return e;
}

/* A client searching from 127.0.0.1 (no M-SEARCH is sent), the gateway FUZZ_GW. */
static inline int64_t fuzz_client_start(struct upnp_client *c, upnp_job_starter start)
{
	int64_t now = clock_now_us();
	struct upnp_search s = {
		.local = fuzz_ip("127.0.0.1"),
		.gateway = fuzz_ip(FUZZ_GW),
		.search_until = now + 2 * USEC_PER_SEC,
		.job_deadline = now + 3 * USEC_PER_SEC,
	};
	upnp_client_init(c, &fuzz_trace);
	c->start_job = start;
	upnp_client_search(c, &s);
	c->next_search_us = CLOCK_NEVER;
	return now;
}

/* An SSDP answer from `from` naming location. */
static inline void fuzz_answer(struct upnp_client *c, const char *from, const char *location,
			       int64_t now)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg),
			 "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
			 "LOCATION: %s\r\n\r\n",
			 location);
	struct endpoint e = fuzz_ip(from);
	e.port = 1900;
	if (n > 0 && (size_t)n < sizeof(msg))
		upnp_client_datagram(c, msg, (size_t)n, &e, now);
}

/* The fake child wrote bytes and ended (or was killed, or wrote too much). */
static inline void fuzz_finish(struct upnp_client *c, const uint8_t *bytes, size_t n, bool killed,
			       bool overflow, int64_t now)
{
	struct worker *w = &c->worker;
	uint8_t *d = realloc(w->data, n ? n : 1);
	if (!d)
		return;
	memcpy(d, bytes, n);
	w->data = d;
	w->len = w->cap = n;
	w->killed = killed;
	w->overflow = overflow;
	w->finished = true;
	upnp_client_loop(c).on_tick(c, now);
}

/* What the adapter and the output make of a report: every text passes the oracle. */
static inline void fuzz_use_report(const struct upnp_client *c)
{
	const struct upnp_report *r = &c->report;
	char text[MAP_TEXT_MAX];
	struct upnp_failure f = {
		.status = &r->status,
		.holder = &r->holder,
		.proto = "tcp",
		.external_port = r->status.external_port,
		.internal = FUZZ_SELF,
		.self = c->have_igd ? c->igd.lanaddr : FUZZ_SELF,
		.external = c->igd.external,
	};
	map_upnp_failure_text(&f, text, sizeof(text));
	fuzz_assert_clean(text);
	map_upnp_not_ours_text(&r->holder, 8080, "tcp", text, sizeof(text));
	fuzz_assert_clean(text);
	upnp_client_failure(c, text, sizeof(text));
	fuzz_assert_clean(text);
	fuzz_assert_clean(upnp_client_lost_why(c));
	for (size_t i = 0; i < r->n_entries; i++) {
		char desc[MAP_DESC_MAX];
		text_sanitize(desc, sizeof(desc), r->entries[i].description);
		fuzz_assert_clean(desc);
		if (strlen(r->entries[i].protocol) >= sizeof(r->entries[i].protocol))
			__builtin_trap();
	}
}

#endif
