// SPDX-License-Identifier: BSD-2-Clause
// The STUN transaction client against a small scripted server on loopback, in one poll loop.
#include <errno.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun_client.h"
#include "test.h"

enum fake_mode {
	FAKE_ANSWER,       /* a correct success response */
	FAKE_OTHER_SOURCE, /* correct, but sent from another port */
	FAKE_WRONG_TID,    /* transaction id altered */
	FAKE_UNKNOWN_ATTR, /* carries an unknown comprehension-required attribute */
	FAKE_DROP_FIRST,   /* ignores the first request, answers the retransmission */
	FAKE_SILENT,       /* never answers */
};

struct fake_server {
	int fd, other_fd;
	struct endpoint addr;
	enum fake_mode mode;
	unsigned requests;
	struct loop_client *client; /* the client under test, to know when to stop */
};

static void fake_reply(struct fake_server *s, const struct stun_msg *req, const struct endpoint *to)
{
	uint8_t out[256], tid[STUN_TID_LEN];
	struct buf b;
	memcpy(tid, req->tid, sizeof(tid));
	if (s->mode == FAKE_WRONG_TID)
		tid[0] ^= 1;
	buf_init(&b, out, sizeof(out));
	stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_SUCCESS, tid);
	stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, to, tid);
	if (s->mode == FAKE_UNKNOWN_ATTR)
		stun_put_u32_attr(&b, 0x7f01, 0);
	int len = stun_finish(&b, true);
	int fd = s->mode == FAKE_OTHER_SOURCE ? s->other_fd : s->fd;
	if (len > 0)
		udp_send(fd, to, out, (size_t)len);
}

static void fake_readable(void *self, int fd, int64_t now)
{
	struct fake_server *s = self;
	uint8_t data[512];
	struct endpoint from;
	struct stun_msg req;
	(void)now;
	ssize_t n = udp_recv(fd, data, sizeof(data), &from);
	if (n <= 0 || stun_decode(data, (size_t)n, &req) != 0)
		return;
	s->requests++;
	if (s->mode == FAKE_SILENT || (s->mode == FAKE_DROP_FIRST && s->requests == 1))
		return;
	fake_reply(s, &req, &from);
}

static size_t fake_fds(void *self, int *out, size_t max)
{
	struct fake_server *s = self;
	if (max < 1)
		return 0;
	out[0] = s->fd;
	return 1;
}

static int64_t fake_next(void *self)
{
	(void)self;
	return CLOCK_NEVER;
}

static void fake_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool fake_done(void *self)
{
	struct fake_server *s = self;
	return s->client->done(s->client->self);
}

static int open_loopback(struct endpoint *addr)
{
	struct endpoint any;
	endpoint_parse_ip(&any, "127.0.0.1");
	int fd = udp_open(AF_INET, &any);
	if (fd >= 0)
		socket_local(fd, addr);
	return fd;
}

/* Runs one transaction against a fake server in `mode`; returns the txn state. */
static struct stun_txn run_fake(enum fake_mode mode, bool from_other, int64_t rto_us,
				int64_t budget_us, unsigned *requests)
{
	struct fake_server s = {.mode = mode};
	struct endpoint other;
	struct stun_client c;
	struct stun_txn t = {0};
	s.fd = open_loopback(&s.addr);
	s.other_fd = open_loopback(&other);
	CHECK(s.fd >= 0 && s.other_fd >= 0);
	stun_client_init(&c, NULL, "test");
	t.fd = udp_open(AF_INET, NULL);
	t.dst = s.addr;
	if (from_other)
		t.expect_from = other;
	t.rto_us = rto_us;
	CHECK(stun_client_add(&c, &t) == 0);
	struct loop_client loops[2];
	loops[0] = stun_client_loop(&c);
	s.client = &loops[0];
	loops[1] = (struct loop_client){.self = &s,
					.fds = fake_fds,
					.next_wakeup = fake_next,
					.on_readable = fake_readable,
					.on_tick = fake_tick,
					.done = fake_done};
	loop_run(loops, 2, clock_now_us() + budget_us);
	close(t.fd);
	close(s.fd);
	close(s.other_fd);
	if (requests)
		*requests = s.requests;
	return t;
}

static void stun_client_answer(void)
{
	struct stun_txn t = run_fake(FAKE_ANSWER, false, 0, 2 * USEC_PER_SEC, NULL);
	CHECK_EQ_INT(t.state, STUN_TXN_ANSWERED);
	CHECK_EQ_INT(t.sends, 1);
	CHECK(t.rtt_us >= 0 && t.rtt_us < USEC_PER_SEC);
	const struct endpoint *m = stun_msg_mapped(&t.response);
	CHECK(m != NULL && m->port != 0);
	CHECK(endpoint_equal(&t.from, &t.dst));
}

static void stun_client_drops_other_source(void)
{
	int64_t start = clock_now_us();
	struct stun_txn t = run_fake(FAKE_OTHER_SOURCE, false, 0, 300 * 1000, NULL);
	CHECK_EQ_INT(t.state, STUN_TXN_PENDING); /* cut by the deadline, never accepted */
	CHECK(t.unexpected >= 1);
	CHECK(clock_now_us() - start < 1500 * 1000);
	/* A change request expects exactly that, when told where from. */
	t = run_fake(FAKE_OTHER_SOURCE, true, 0, 2 * USEC_PER_SEC, NULL);
	CHECK_EQ_INT(t.state, STUN_TXN_ANSWERED);
	CHECK(!endpoint_equal(&t.from, &t.dst));
}

static void stun_client_drops_wrong_tid(void)
{
	struct stun_txn t = run_fake(FAKE_WRONG_TID, false, 0, 300 * 1000, NULL);
	CHECK_EQ_INT(t.state, STUN_TXN_PENDING);
}

static void stun_client_fails_unknown_required(void)
{
	struct stun_txn t = run_fake(FAKE_UNKNOWN_ATTR, false, 0, 2 * USEC_PER_SEC, NULL);
	CHECK_EQ_INT(t.state, STUN_TXN_FAILED);
	CHECK_EQ_INT(t.reject, STUN_ERR_UNKNOWN_REQUIRED);
}

static void stun_client_retransmits(void)
{
	unsigned requests = 0;
	struct stun_txn t =
		run_fake(FAKE_DROP_FIRST, false, 20 * 1000, 2 * USEC_PER_SEC, &requests);
	CHECK_EQ_INT(t.state, STUN_TXN_ANSWERED);
	CHECK_EQ_INT(t.sends, 2);
	CHECK_EQ_INT(requests, 2);
	CHECK(t.rtt_us >= 20 * 1000); /* measured from the first send */
}

/* RFC 8489 §6.2.1 with RTO 10 ms: sends at 0, 10, 30, 70, 150, 310, 630 ms, gives up at 790 ms. */
static void stun_client_gives_up_after_rc(void)
{
	unsigned requests = 0;
	int64_t start = clock_now_us();
	struct stun_txn t = run_fake(FAKE_SILENT, false, 10 * 1000, 3 * USEC_PER_SEC, &requests);
	int64_t took = clock_now_us() - start;
	CHECK_EQ_INT(t.state, STUN_TXN_TIMEOUT);
	CHECK_EQ_INT(t.sends, STUN_RC);
	CHECK_EQ_INT(requests, STUN_RC);
	CHECK(took >= 780 * 1000 && took < 2 * USEC_PER_SEC);
}

const struct test_case stun_client_cases[] = {
	T(stun_client_answer),
	T(stun_client_drops_other_source),
	T(stun_client_drops_wrong_tid),
	T(stun_client_fails_unknown_required),
	T(stun_client_retransmits),
	T(stun_client_gives_up_after_rc),
	{NULL, NULL},
};
