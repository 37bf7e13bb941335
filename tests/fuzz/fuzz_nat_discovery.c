// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the RFC 5780 discovery (response acceptance, every decision, the report) against scripted servers whose every answer the input chooses.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_netns.h"
#include "natctl/base/buf.h"
#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/nat_behavior.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scripted servers: an RFC 5780 server on .10 with its alternate .11,
 * both on 3478 and 3479, and a second plain server on .20. */
#define N_PEERS 5
static const char *const peer_ip[N_PEERS] = {"198.51.100.10", "198.51.100.10", "198.51.100.11",
					     "198.51.100.11", "198.51.100.20"};
static const uint16_t peer_port[N_PEERS] = {3478, 3479, 3478, 3479, 3478};

/* The harness's sockets, opened once (test code: state across runs). */
static int peer_fd[N_PEERS];
static struct endpoint peer[N_PEERS];

static struct endpoint ep(const char *ip, uint16_t port)
{
	struct endpoint e;
	endpoint_parse_ip(&e, ip);
	e.port = port;
	return e;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const addrs[] = {"198.51.100.10", "198.51.100.11", "198.51.100.20",
					    "203.0.113.2"};
	fuzz_private_network(addrs, sizeof(addrs) / sizeof(addrs[0]));
	for (int i = 0; i < N_PEERS; i++) {
		peer[i] = ep(peer_ip[i], peer_port[i]);
		peer_fd[i] = udp_open(AF_INET, &peer[i]);
		if (peer_fd[i] < 0)
			abort();
	}
	return 0;
}

/* The input, read a byte at a time; 0 once it is used up. */
struct script {
	const uint8_t *p;
	size_t left;
};

static uint8_t take(struct script *s)
{
	if (s->left == 0)
		return 0;
	s->left--;
	return *s->p++;
}

/* An address a server might name: honest ones, and every kind a hostile
 * one could try to steer us to. */
static struct endpoint named(struct script *s, const struct endpoint *client)
{
	uint8_t c = take(s);
	switch (c % 14) {
	case 0: return *client;
	case 1: return ep("203.0.113.2", client->port);
	case 2: return peer[3];
	case 3: return peer[0];
	case 4: return ep("127.0.0.2", 9999);
	case 5: return ep("192.168.1.1", 7777);
	case 6: return ep("224.0.0.1", 5350);
	case 7: return ep("169.254.0.1", 1);
	case 8: return ep("0.0.0.0", 0);
	case 9: return ep("2001:db8::1", 3478);
	case 10: return peer[2];
	case 11: return peer[4];
	case 12: return ep("100.64.0.1", 3479);
	default: {
		uint16_t port = (uint16_t)(take(s) << 8);
		return ep("198.51.100.11", (uint16_t)(port | take(s)));
	}
	}
}

static void put_text(struct buf *b, struct script *s, uint16_t type)
{
	uint8_t text[64];
	size_t n = take(s) % sizeof(text);
	for (size_t i = 0; i < n; i++)
		text[i] = take(s);
	stun_put_attr(b, type, text, n);
}

/* A success response with the attributes the input picks. */
static void success_body(struct buf *b, struct script *s, const struct stun_msg *req,
			 const struct endpoint *client)
{
	uint8_t attrs = take(s);
	struct endpoint e;
	if (attrs & 1) {
		e = named(s, client);
		if (endpoint_is_set(&e))
			stun_put_xor_address(b, STUN_ATTR_XOR_MAPPED_ADDRESS, &e, req->tid);
	}
	const uint16_t plain[] = {STUN_ATTR_MAPPED_ADDRESS, STUN_ATTR_OTHER_ADDRESS,
				  STUN_ATTR_RESPONSE_ORIGIN, STUN_ATTR_CHANGED_ADDRESS,
				  STUN_ATTR_SOURCE_ADDRESS};
	for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		if (!(attrs & (2u << i)))
			continue;
		e = named(s, client);
		if (endpoint_is_set(&e))
			stun_put_address(b, plain[i], &e);
	}
	if (attrs & 0x40)
		stun_put_u32_attr(b, 0x7f01, 0); /* unknown, comprehension-required */
	if (attrs & 0x80)
		put_text(b, s, STUN_ATTR_SOFTWARE);
}

/* Answers one request as the input says: not at all, from any of the
 * harness's addresses, a success or an error, or raw bytes. */
static void answer(struct script *s, const struct stun_msg *req, const struct endpoint *client,
		   int arrived_on)
{
	uint8_t a = take(s), out[STUN_MAX_MESSAGE];
	if ((a & 7) == 0)
		return;
	int from = (a & 8) ? take(s) % N_PEERS : arrived_on;
	size_t len = 0;
	if (a & 0x80) { /* raw bytes, our transaction id patched in */
		len = take(s) % 96;
		for (size_t i = 0; i < len; i++)
			out[i] = take(s);
		if (len >= STUN_HEADER_LEN)
			memcpy(out + 8, req->tid, STUN_TID_LEN);
	} else {
		struct buf b;
		uint8_t tid[STUN_TID_LEN];
		memcpy(tid, req->tid, sizeof(tid));
		if (a & 0x20)
			tid[take(s) % STUN_TID_LEN] ^= 1;
		buf_init(&b, out, sizeof(out));
		stun_begin(&b, STUN_METHOD_BINDING,
			   (a & 0x10) ? STUN_CLASS_ERROR : STUN_CLASS_SUCCESS, tid);
		if (a & 0x10)
			stun_put_error_code(&b, (uint16_t)(300 + take(s) % 400), "refused");
		else
			success_body(&b, s, req, client);
		int n = stun_finish(&b, a & 0x40);
		len = n > 0 ? (size_t)n : 0;
	}
	if (len)
		udp_send(peer_fd[from], client, out, len);
}

/* Reads every request that reached the harness, answering each. */
static void serve(struct script *s)
{
	for (int k = 0; k < N_PEERS; k++) {
		uint8_t data[STUN_MAX_MESSAGE];
		struct endpoint client;
		ssize_t n;
		while ((n = udp_recv(peer_fd[k], data, sizeof(data), &client)) > 0) {
			struct stun_msg req;
			if (stun_decode(data, (size_t)n, &req) == 0)
				answer(s, &req, &client, k);
		}
	}
}

/* The properties that must hold whatever the servers said. */
static void check_report(const struct nat_discovery *d, const struct nat_report *r)
{
	for (size_t i = 0; i < r->n_tests; i++) {
		/* Every server here is global: no request went anywhere narrower. */
		enum addr_class c = addr_classify(&r->tests[i].dst);
		if (c != ADDR_CLASS_DOCUMENTATION && c != ADDR_CLASS_GLOBAL)
			abort();
	}
	if (endpoint_is_set(&r->other) && !nat_alternate_usable(&r->server, &r->other))
		abort();
	if (r->decided != (r->error[0] == '\0'))
		abort();
	if (r->decided && r->classic != NAT_CLASSIC_UDP_BLOCKED) {
		enum nat_classic want = nat_classic_from(r->nat, r->mapping, r->filtering);
		if (d->mapping_varies && r->nat == NAT_TRI_YES)
			want = NAT_CLASSIC_SYMMETRIC;
		if (r->classic != want)
			abort();
	}
	/* Endpoint-independent filtering needs a change request answered
	 * from the alternate address itself, never from the server. */
	if (r->filtering == NAT_DEP_ENDPOINT_INDEPENDENT) {
		bool seen = false;
		for (size_t i = 0; i < r->n_tests; i++)
			seen = seen || (strcmp(r->tests[i].name, "filtering-change-ip-port") == 0 &&
					r->tests[i].answered &&
					endpoint_equal(&r->tests[i].from, &r->other));
		if (!seen)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script s = {data, size};
	struct endpoint servers[2] = {peer[0], peer[4]};
	int64_t start = clock_now_us(), now = start;
	struct nat_options opt = {.servers = servers,
				  .n_servers = 1 + (take(&s) & 1),
				  .start_us = start,
				  .deadline = start + 3 * USEC_PER_SEC};
	struct nat_report r;
	struct nat_discovery d;
	if (nat_discovery_start(&d, &opt, &r) < 0)
		return 0;
	struct loop_client lc[2];
	nat_discovery_loops(&d, lc);
	/* Time is the script's: each round, sends fall due, answers come, time moves on. */
	for (int round = 0; round < 64 && !lc[0].done(lc[0].self) && now < opt.deadline; round++) {
		lc[0].on_tick(lc[0].self, now);
		serve(&s);
		for (int k = 0; k < NAT_SOCK_COUNT; k++)
			lc[0].on_readable(lc[0].self, d.fd[k], now);
		lc[0].on_tick(lc[0].self, now);
		now += s.left ? (take(&s) % 16) * 40 * 1000 : 500 * 1000;
	}
	nat_discovery_finish(&d);
	check_report(&d, &r);
	return 0;
}
