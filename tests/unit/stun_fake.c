// SPDX-License-Identifier: BSD-2-Clause
// A scripted RFC 5780 STUN server on loopback, for the tests of map --check and the path probe.
#include "stun_fake.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "natctl/base/buf.h"
#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "natctl/stun/stun.h"

static void reply(int fd, const struct stun_msg *req, const struct endpoint *to, bool error)
{
	uint8_t out[256];
	struct buf b;
	buf_init(&b, out, sizeof(out));
	stun_begin(&b, STUN_METHOD_BINDING, error ? STUN_CLASS_ERROR : STUN_CLASS_SUCCESS,
		   req->tid);
	if (error)
		stun_put_error_code(&b, 420, "Unknown Attribute");
	else
		stun_put_xor_address(&b, STUN_ATTR_XOR_MAPPED_ADDRESS, to, req->tid);
	int len = stun_finish(&b, true);
	if (len > 0)
		udp_send(fd, to, out, (size_t)len);
}

static void answer(struct stun_fake *s, const struct stun_msg *req, const struct endpoint *from)
{
	bool check = req->has & STUN_HAS_RESPONSE_PORT;
	struct endpoint to = *from;
	if (s->mode == STUN_FAKE_SILENT || (check && s->mode == STUN_FAKE_SILENT_CHECK))
		return;
	if (!check || s->mode == STUN_FAKE_IGNORES_PORT) {
		reply(s->fd, req, from, false);
	} else if (s->mode == STUN_FAKE_NO_5780) {
		reply(s->fd, req, from, true);
	} else {
		to.port = req->response_port; /* RFC 5780 §6.1: source IP, RESPONSE-PORT */
		reply(req->change_request & STUN_CHANGE_IP ? s->alt_fd : s->port_fd, req, &to,
		      false);
	}
}

static void fake_readable(void *self, int fd, int64_t now)
{
	struct stun_fake *s = self;
	uint8_t data[512];
	struct endpoint from;
	struct stun_msg req;
	(void)now;
	ssize_t n = udp_recv(fd, data, sizeof(data), &from);
	if (n > 0 && stun_decode(data, (size_t)n, &req) == 0 && req.cls == STUN_CLASS_REQUEST)
		answer(s, &req, &from);
}

static size_t fake_fds(void *self, int *out, size_t max)
{
	struct stun_fake *s = self;
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
	const struct stun_fake *s = self;
	return s->peer && s->peer->done(s->peer->self);
}

struct endpoint stun_fake_ip(const char *ip, uint16_t port)
{
	struct endpoint e;
	endpoint_parse_ip(&e, ip);
	e.port = port;
	return e;
}

bool stun_fake_open(struct stun_fake *s, enum stun_fake_mode mode)
{
	struct endpoint any = stun_fake_ip("127.0.0.1", 0), alt = stun_fake_ip("127.0.0.2", 0);
	s->mode = mode;
	s->peer = NULL;
	s->fd = udp_open(AF_INET, &any);
	s->alt_fd = udp_open(AF_INET, &alt);
	s->port_fd = udp_open(AF_INET, &any);
	return s->fd >= 0 && s->alt_fd >= 0 && s->port_fd >= 0 &&
	       socket_local(s->fd, &s->addr) == 0;
}

void stun_fake_close(struct stun_fake *s)
{
	if (s->fd >= 0)
		close(s->fd);
	if (s->alt_fd >= 0)
		close(s->alt_fd);
	if (s->port_fd >= 0)
		close(s->port_fd);
	s->fd = s->alt_fd = s->port_fd = -1;
}

struct loop_client stun_fake_loop(struct stun_fake *s, const struct loop_client *peer)
{
	s->peer = peer;
	return (struct loop_client){
		.self = s,
		.fds = fake_fds,
		.next_wakeup = fake_next,
		.on_readable = fake_readable,
		.on_tick = fake_tick,
		.done = fake_done,
	};
}

pid_t stun_fake_fork(struct stun_fake *s, enum stun_fake_mode mode)
{
	if (!stun_fake_open(s, mode)) {
		stun_fake_close(s);
		return -1;
	}
	pid_t pid = fork();
	if (pid == 0) { /* serves until the test ends it, or dies with it */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		struct loop_client lc = stun_fake_loop(s, NULL);
		for (;;)
			loop_run(&lc, 1, clock_now_us() + 60 * USEC_PER_SEC);
	}
	stun_fake_close(s);
	return pid;
}

void stun_fake_stop(pid_t pid)
{
	if (pid <= 0)
		return;
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}
