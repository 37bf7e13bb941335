// SPDX-License-Identifier: BSD-2-Clause
// A STUN Binding transaction over TCP, driven by the shared poll loop.
#include "natctl/stun/stun_tcp.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/version.h"
#include "natctl/net/net.h"

/* error: -errno for a system failure, or a STUN_ERR_* for a bad response. */
static void tcp_fail(struct stun_tcp *t, bool system, int error, const char *why)
{
	char dst[ENDPOINT_STRLEN];
	if (system)
		t->sys_error = error;
	else
		t->reject = error;
	t->state = STUN_TCP_FAILED;
	trace_log(t->trace, "stun/tcp: %s: %s", endpoint_format(&t->dst, dst), why);
	stun_tcp_close(t);
}

void stun_tcp_close(struct stun_tcp *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
}

int stun_tcp_start(struct stun_tcp *t, const struct endpoint *dst, const struct trace *trace,
		   int64_t now)
{
	memset(t, 0, sizeof(*t));
	t->dst = *dst;
	t->trace = trace;
	t->start_us = now;
	t->fd = socket(dst->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (t->fd < 0) {
		tcp_fail(t, true, -errno, strerror(errno));
		return t->sys_error ? t->sys_error : t->reject;
	}
	int rc = random_bytes(t->tid, sizeof(t->tid));
	if (rc == 0)
		rc = stun_build_binding_request(t->request, sizeof(t->request), t->tid, 0,
						natctl_name_version);
	if (rc < 0) {
		tcp_fail(t, false, rc, "cannot build the request");
		return t->sys_error ? t->sys_error : t->reject;
	}
	t->request_len = (size_t)rc;
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(dst, &ss);
	if (connect(t->fd, (struct sockaddr *)&ss, sl) < 0 && errno != EINPROGRESS) {
		tcp_fail(t, true, -errno, strerror(errno));
		return t->sys_error ? t->sys_error : t->reject;
	}
	t->state = STUN_TCP_CONNECTING;
	trace_log(trace, "stun/tcp: connecting to %s",
		  endpoint_format(dst, (char[ENDPOINT_STRLEN]){0}));
	return 0;
}

static void tcp_write_request(struct stun_tcp *t)
{
	ssize_t n = send(t->fd, t->request + t->written, t->request_len - t->written, MSG_NOSIGNAL);
	if (n < 0) {
		if (errno != EAGAIN && errno != EINTR)
			tcp_fail(t, true, -errno, strerror(errno));
		return;
	}
	t->written += (size_t)n;
	if (t->written == t->request_len) {
		t->state = STUN_TCP_WAITING;
		trace_log(t->trace, "stun/tcp: -> binding request (%zu bytes)", t->request_len);
	}
}

static void stun_tcp_writable(void *self, int fd, int64_t now)
{
	struct stun_tcp *t = self;
	(void)fd;
	(void)now;
	if (t->state == STUN_TCP_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof(err);
		if (getsockopt(t->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err) {
			tcp_fail(t, true, -err, strerror(err));
			return;
		}
		socket_local(t->fd, &t->local);
	}
	tcp_write_request(t);
}

/* RFC 8489 §6.2.2: over TCP the header's length field frames the message. */
static void tcp_try_decode(struct stun_tcp *t, int64_t now)
{
	if (t->rlen < STUN_HEADER_LEN)
		return;
	size_t total = STUN_HEADER_LEN + load_be16(t->rbuf + 2);
	if (total > sizeof(t->rbuf)) {
		tcp_fail(t, false, STUN_ERR_LENGTH, "response too large");
		return;
	}
	if (t->rlen < total)
		return;
	int rc = stun_decode(t->rbuf, total, &t->response);
	if (rc < 0) {
		tcp_fail(t, false, rc, stun_strerror(rc));
		return;
	}
	if (memcmp(t->response.tid, t->tid, STUN_TID_LEN) != 0 ||
	    t->response.cls != STUN_CLASS_SUCCESS || !stun_msg_mapped(&t->response)) {
		tcp_fail(t, false, STUN_ERR_ATTR_VALUE, "not a success response to our request");
		return;
	}
	char mapped[ENDPOINT_STRLEN];
	t->rtt_us = now - t->start_us;
	t->state = STUN_TCP_ANSWERED;
	trace_log(t->trace, "stun/tcp: <- binding success, mapped %s",
		  endpoint_format(stun_msg_mapped(&t->response), mapped));
	stun_tcp_close(t);
}

static void stun_tcp_readable(void *self, int fd, int64_t now)
{
	struct stun_tcp *t = self;
	(void)fd;
	if (t->state == STUN_TCP_CONNECTING) {
		stun_tcp_writable(self, fd, now); /* an error shows as readable */
		return;
	}
	ssize_t n = recv(t->fd, t->rbuf + t->rlen, sizeof(t->rbuf) - t->rlen, 0);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return;
	if (n <= 0) {
		tcp_fail(t, true, n < 0 ? -errno : -ECONNRESET,
			 n < 0 ? strerror(errno) : "connection closed before a response");
		return;
	}
	t->rlen += (size_t)n;
	tcp_try_decode(t, now);
}

static size_t stun_tcp_fds(void *self, int *out, size_t max)
{
	struct stun_tcp *t = self;
	if (max < 1 || t->fd < 0 || t->state != STUN_TCP_WAITING)
		return 0;
	out[0] = t->fd;
	return 1;
}

static size_t stun_tcp_write_fds(void *self, int *out, size_t max)
{
	struct stun_tcp *t = self;
	if (max < 1 || t->fd < 0 || t->state != STUN_TCP_CONNECTING)
		return 0;
	out[0] = t->fd;
	return 1;
}

static int64_t stun_tcp_next(void *self)
{
	(void)self;
	return CLOCK_NEVER; /* TCP retransmits by itself; the deadline bounds us */
}

static void stun_tcp_tick(void *self, int64_t now)
{
	(void)self;
	(void)now;
}

static bool stun_tcp_done(void *self)
{
	const struct stun_tcp *t = self;
	return t->state != STUN_TCP_CONNECTING && t->state != STUN_TCP_WAITING;
}

struct loop_client stun_tcp_loop(struct stun_tcp *t)
{
	return (struct loop_client){
		.self = t,
		.fds = stun_tcp_fds,
		.next_wakeup = stun_tcp_next,
		.on_readable = stun_tcp_readable,
		.on_tick = stun_tcp_tick,
		.done = stun_tcp_done,
		.write_fds = stun_tcp_write_fds,
		.on_writable = stun_tcp_writable,
	};
}
