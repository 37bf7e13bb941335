// SPDX-License-Identifier: BSD-2-Clause
// STUN Binding transactions over UDP, driven by the shared poll loop.
#include "natctl/stun/stun_client.h"

#include <errno.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

const char *stun_txn_state_name(enum stun_txn_state s)
{
	switch (s) {
	case STUN_TXN_IDLE: return "idle";
	case STUN_TXN_PENDING: return "pending";
	case STUN_TXN_ANSWERED: return "answered";
	case STUN_TXN_TIMEOUT: return "timeout";
	case STUN_TXN_FAILED: return "failed";
	case STUN_TXN_CANCELLED: return "cancelled";
	}
	return "?";
}

void stun_client_init(struct stun_client *c, const struct trace *trace, const char *software)
{
	memset(c, 0, sizeof(*c));
	c->trace = trace;
	c->software = software;
}

int stun_client_add(struct stun_client *c, struct stun_txn *t)
{
	if (c->n >= STUN_CLIENT_MAX_TXNS)
		return -ENOBUFS;
	int rc = random_bytes(t->tid, sizeof(t->tid));
	if (rc < 0)
		return rc;
	rc = stun_build_binding_request(t->request, sizeof(t->request), t->tid, t->change_flags,
					c->software);
	if (rc < 0)
		return rc;
	t->request_len = (size_t)rc;
	t->state = STUN_TXN_PENDING;
	t->sends = 0;
	t->next_send_us = 0; /* at the next tick */
	if (t->rto_us <= 0)
		t->rto_us = c->rto_us > 0 ? c->rto_us : STUN_RTO_INITIAL_US;
	t->interval_us = t->rto_us;
	t->discarded = 0;
	t->unexpected = 0;
	t->send_error = 0;
	t->reject = 0;
	c->txns[c->n++] = t;
	return 0;
}

static void txn_end(struct stun_client *c, struct stun_txn *t, enum stun_txn_state state)
{
	t->state = state;
	if (c->on_end)
		c->on_end(c, t, c->ctx);
}

static const char *txn_label(const struct stun_txn *t)
{
	return t->label ? t->label : "binding";
}

/* RFC 8489 §6.2.1: retransmit at RTO, 2*RTO, ... for Rc sends in all, then
 * wait Rm*RTO for the last one. The caller's deadline cuts this anywhere. */
static void txn_send(struct stun_client *c, struct stun_txn *t, int64_t now)
{
	char dst[ENDPOINT_STRLEN];
	int rc = udp_send(t->fd, &t->dst, t->request, t->request_len);
	trace_log(c->trace, "stun: -> %s %s request (%zu bytes, try %u/%d)%s%s",
		  endpoint_format(&t->dst, dst), txn_label(t), t->request_len, t->sends + 1,
		  STUN_RC, rc < 0 ? ": " : "", rc < 0 ? strerror(-rc) : "");
	if (rc < 0) {
		t->send_error = rc;
		txn_end(c, t, STUN_TXN_FAILED);
		return;
	}
	if (t->sends++ == 0)
		t->first_send_us = now;
	t->last_send_us = now;
	if (t->sends < STUN_RC) {
		t->next_send_us = now + t->interval_us;
		t->interval_us *= 2;
	} else {
		t->next_send_us = now + STUN_RM * t->rto_us;
	}
}

void stun_txn_cancel(struct stun_txn *t)
{
	if (t->state == STUN_TXN_PENDING)
		t->state = STUN_TXN_CANCELLED;
}

void stun_client_adopt_rto(struct stun_client *c, int64_t rto_us)
{
	c->rto_us = rto_us;
	for (size_t i = 0; i < c->n; i++) {
		struct stun_txn *t = c->txns[i];
		if (t->state != STUN_TXN_PENDING || t->rto_us <= rto_us)
			continue;
		t->rto_us = rto_us;
		if (t->sends == 0 || t->sends >= STUN_RC) {
			t->interval_us = rto_us;
			continue;
		}
		/* Re-run the schedule with the new RTO from the sends already made. */
		t->interval_us = rto_us << (t->sends - 1);
		t->next_send_us = clock_min(t->next_send_us, t->last_send_us + t->interval_us);
		t->interval_us *= 2;
	}
}

bool stun_txn_silent(const struct stun_txn *t, unsigned sends, int64_t wait_us, int64_t now)
{
	return t->state == STUN_TXN_PENDING && t->sends >= sends &&
	       now - t->last_send_us >= wait_us;
}

static void stun_client_tick(void *self, int64_t now)
{
	struct stun_client *c = self;
	for (size_t i = 0; i < c->n && !c->stop; i++) {
		struct stun_txn *t = c->txns[i];
		if (t->state != STUN_TXN_PENDING || now < t->next_send_us)
			continue;
		if (t->sends < STUN_RC)
			txn_send(c, t, now);
		else
			txn_end(c, t, STUN_TXN_TIMEOUT);
	}
}

static struct stun_txn *find_txn(struct stun_client *c, int fd, const uint8_t *tid)
{
	for (size_t i = 0; i < c->n; i++) {
		struct stun_txn *t = c->txns[i];
		if (t->state == STUN_TXN_PENDING && t->fd == fd &&
		    memcmp(t->tid, tid, STUN_TID_LEN) == 0)
			return t;
	}
	return NULL;
}

static void trace_response(struct stun_client *c, const struct stun_txn *t)
{
	char from[ENDPOINT_STRLEN], mapped[ENDPOINT_STRLEN] = "none";
	const struct endpoint *m = stun_msg_mapped(&t->response);
	if (m)
		endpoint_format(m, mapped);
	trace_log(c->trace, "stun: <- %s %s %s, mapped %s, rtt %.3f ms",
		  endpoint_format(&t->from, from), txn_label(t),
		  t->response.cls == STUN_CLASS_SUCCESS ? "success" : "error", mapped,
		  (double)t->rtt_us / USEC_PER_MSEC);
}

/* The source check: a plain request is answered by the server asked; a change
 * request (RFC 5780 §7.2) by the address it asked to change to, which must
 * also be the RESPONSE-ORIGIN (or RFC 3489 SOURCE-ADDRESS) it states. */
static bool answer_from_expected(struct stun_client *c, struct stun_txn *t,
				 const struct stun_msg *msg, const struct endpoint *from)
{
	char src[ENDPOINT_STRLEN], origin[ENDPOINT_STRLEN];
	const struct endpoint *want = endpoint_is_set(&t->expect_from) ? &t->expect_from : &t->dst;
	if (!endpoint_equal(from, want)) {
		t->unexpected++;
		t->unexpected_from = *from;
		trace_log(c->trace, "stun: <- %s dropped: %s answer not from the expected address",
			  endpoint_format(from, src), txn_label(t));
		return false;
	}
	const struct endpoint *claimed =
		(msg->has & STUN_HAS_RESPONSE_ORIGIN)  ? &msg->response_origin
		: (msg->has & STUN_HAS_SOURCE_ADDRESS) ? &msg->source_address
						       : NULL;
	if (t->change_flags && claimed && !endpoint_equal(claimed, from)) {
		t->discarded++;
		trace_log(c->trace, "stun: <- %s dropped: it claims to come from %s",
			  endpoint_format(from, src), endpoint_format(claimed, origin));
		return false;
	}
	return true;
}

/* Applies RFC 8489 §6.3 to one datagram that decoded (or nearly did). */
static void accept_response(struct stun_client *c, int fd, const struct stun_msg *msg, int rc,
			    const struct endpoint *from, int64_t now)
{
	char src[ENDPOINT_STRLEN];
	if (msg->cls == STUN_CLASS_REQUEST && c->on_request) {
		trace_log(c->trace, "stun: <- %s binding request on our socket",
			  endpoint_format(from, src));
		c->on_request(c, fd, msg, from, c->ctx);
		return;
	}
	struct stun_txn *t = find_txn(c, fd, msg->tid);
	if (!t || msg->method != STUN_METHOD_BINDING ||
	    (msg->cls != STUN_CLASS_SUCCESS && msg->cls != STUN_CLASS_ERROR)) {
		trace_log(c->trace, "stun: <- %s dropped: no matching transaction",
			  endpoint_format(from, src));
		return;
	}
	if (!answer_from_expected(c, t, msg, from))
		return;
	t->response = *msg;
	t->from = *from;
	t->rtt_us = now - t->first_send_us;
	/* §6.3.3: a response with unknown comprehension-required attributes is
	 * discarded and "the transaction is considered to have failed". */
	if (rc == STUN_ERR_UNKNOWN_REQUIRED) {
		t->reject = rc;
		trace_log(c->trace,
			  "stun: <- %s rejected: unknown comprehension-required attribute 0x%04x",
			  endpoint_format(from, src), msg->unknown_required[0]);
		txn_end(c, t, STUN_TXN_FAILED);
		return;
	}
	trace_response(c, t);
	txn_end(c, t, STUN_TXN_ANSWERED);
}

static void stun_client_readable(void *self, int fd, int64_t now)
{
	struct stun_client *c = self;
	uint8_t data[STUN_MAX_MESSAGE];
	char src[ENDPOINT_STRLEN];
	/* Bounded, so a flood on one socket cannot starve the others. */
	for (int i = 0; i < 64; i++) {
		struct endpoint from;
		ssize_t n = udp_recv(fd, data, sizeof(data), &from);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n < 0) {
			trace_log(c->trace, "stun: receive failed: %s", strerror((int)-n));
			if (n != -EMSGSIZE)
				return;
			continue;
		}
		struct stun_msg msg;
		int rc = stun_decode(data, (size_t)n, &msg);
		if (rc < 0 && rc != STUN_ERR_UNKNOWN_REQUIRED) {
			trace_log(c->trace, "stun: <- %s dropped %zd bytes: %s",
				  endpoint_format(&from, src), n, stun_strerror(rc));
			continue;
		}
		accept_response(c, fd, &msg, rc, &from, now);
	}
}

static size_t stun_client_fds(void *self, int *out, size_t max)
{
	struct stun_client *c = self;
	size_t n = 0;
	for (size_t i = 0; i < c->n && n < max; i++) {
		if (c->txns[i]->state != STUN_TXN_PENDING)
			continue;
		bool seen = false;
		for (size_t j = 0; j < n; j++)
			seen = seen || out[j] == c->txns[i]->fd;
		if (!seen)
			out[n++] = c->txns[i]->fd;
	}
	return n;
}

static int64_t stun_client_next(void *self)
{
	struct stun_client *c = self;
	int64_t at = CLOCK_NEVER;
	for (size_t i = 0; i < c->n; i++)
		if (c->txns[i]->state == STUN_TXN_PENDING)
			at = clock_min(at, c->txns[i]->next_send_us);
	return at;
}

static bool stun_client_done(void *self)
{
	struct stun_client *c = self;
	if (c->stop)
		return true;
	for (size_t i = 0; i < c->n; i++)
		if (c->txns[i]->state == STUN_TXN_PENDING)
			return false;
	return true;
}

struct loop_client stun_client_loop(struct stun_client *c)
{
	return (struct loop_client){
		.self = c,
		.fds = stun_client_fds,
		.next_wakeup = stun_client_next,
		.on_readable = stun_client_readable,
		.on_tick = stun_client_tick,
		.done = stun_client_done,
	};
}
