// SPDX-License-Identifier: BSD-2-Clause
// UDP sockets, routing lookups, getrandom() and deadline-bounded name resolution.
#include "natctl/net/net.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "natctl/base/clock.h"

int udp_open(int family, const struct endpoint *bind_to)
{
	int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind_to) {
		struct sockaddr_storage ss;
		socklen_t len = endpoint_to_sockaddr(bind_to, &ss);
		if (bind(fd, (struct sockaddr *)&ss, len) < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
	}
	return fd;
}

int udp_send(int fd, const struct endpoint *dst, const void *data, size_t len)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(dst, &ss);
	if (sl == 0)
		return -EAFNOSUPPORT;
	ssize_t n;
	do
		n = sendto(fd, data, len, 0, (struct sockaddr *)&ss, sl);
	while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : 0;
}

ssize_t udp_recv(int fd, void *data, size_t cap, struct endpoint *from)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	ssize_t n;
	do
		n = recvfrom(fd, data, cap, MSG_TRUNC, (struct sockaddr *)&ss, &sl);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	if (endpoint_from_sockaddr(from, (struct sockaddr *)&ss, sl) < 0)
		return -EAFNOSUPPORT;
	/* A datagram bigger than cap was cut; report it as too big, not as short. */
	return (size_t)n > cap ? -EMSGSIZE : n;
}

int socket_local(int fd, struct endpoint *out)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) < 0)
		return -errno;
	return endpoint_from_sockaddr(out, (struct sockaddr *)&ss, sl) < 0 ? -EAFNOSUPPORT : 0;
}

int net_route_source(const struct endpoint *dst, struct endpoint *out)
{
	/* connect() on UDP only consults the routing table; no packet leaves. */
	int fd = udp_open(dst->family, NULL);
	if (fd < 0)
		return fd;
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(dst, &ss);
	int rc = connect(fd, (struct sockaddr *)&ss, sl) < 0 ? -errno : socket_local(fd, out);
	close(fd);
	if (rc == 0)
		out->port = 0;
	return rc;
}

int socket_local_toward(int fd, const struct endpoint *dst, struct endpoint *out)
{
	struct endpoint bound;
	int rc = socket_local(fd, &bound);
	if (rc == 0)
		rc = net_route_source(dst, out);
	if (rc == 0)
		out->port = bound.port;
	return rc;
}

int random_bytes(void *p, size_t n)
{
	uint8_t *q = p;
	while (n > 0) {
		ssize_t got = getrandom(q, n, 0);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		q += got;
		n -= (size_t)got;
	}
	return 0;
}

static int copy_results(const struct addrinfo *res, uint16_t port, struct endpoint *out, size_t max)
{
	size_t n = 0;
	for (const struct addrinfo *ai = res; ai && n < max; ai = ai->ai_next) {
		struct endpoint e;
		if (endpoint_from_sockaddr(&e, ai->ai_addr, ai->ai_addrlen) < 0)
			continue;
		e.port = port;
		bool dup = false;
		for (size_t i = 0; i < n; i++)
			dup = dup || endpoint_equal(&out[i], &e);
		if (!dup)
			out[n++] = e;
	}
	return (int)n;
}

static struct addrinfo resolve_hints(int family, int flags)
{
	struct addrinfo hints;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_DGRAM;
	hints.ai_flags = flags;
	return hints;
}

/* Literals never touch the resolver. */
static int resolve_numeric(const char *host, uint16_t port, int family, struct endpoint *out,
			   size_t max)
{
	struct addrinfo hints = resolve_hints(family, AI_NUMERICHOST), *res = NULL;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0)
		return rc == EAI_NONAME ? 0 : rc;
	int n = copy_results(res, port, out, max);
	freeaddrinfo(res);
	return n;
}

/*
 * One name resolution, held by two: the caller, and glibc's notice that the
 * request ended (SIGEV_THREAD). Whichever lets go last frees it, so a
 * request still running at the deadline is freed when it ends instead of
 * leaking, and the name it reads is its own copy, not the caller's buffer.
 * A running request cannot be cancelled, and cancelling a queued one would
 * leave glibc's own notice list behind, so none is ever cancelled.
 */
struct resolve_job {
	atomic_int holders;
	struct gaicb req;
	struct addrinfo hints;
	char name[];
};

static void job_release(struct resolve_job *j)
{
	if (atomic_fetch_sub(&j->holders, 1) != 1)
		return;
	if (j->req.ar_result)
		freeaddrinfo(j->req.ar_result);
	free(j);
}

static void job_ended(union sigval v)
{
	job_release(v.sival_ptr);
}

/* Waits for the job until the deadline; its gai_error() then. */
static int job_wait(struct resolve_job *j, int64_t deadline)
{
	const struct gaicb *list[1] = {&j->req};
	int rc;
	while ((rc = gai_error(&j->req)) == EAI_INPROGRESS) {
		int64_t left = deadline - clock_now_us();
		if (left <= 0)
			break;
		struct timespec ts = {left / USEC_PER_SEC, (left % USEC_PER_SEC) * 1000};
		gai_suspend(list, 1, &ts);
	}
	return rc;
}

int resolve_host(const char *host, uint16_t port, int family, int64_t deadline,
		 struct endpoint *out, size_t max)
{
	struct endpoint literal;
	if (endpoint_parse_ip(&literal, host) == 0)
		return resolve_numeric(host, port, family, out, max);

	/* getaddrinfo_a() lets the wait be cut at our deadline; the plain call cannot be. */
	size_t len = strlen(host) + 1;
	struct resolve_job *j = calloc(1, sizeof(*j) + len);
	if (!j)
		return EAI_MEMORY;
	memcpy(j->name, host, len);
	j->hints = resolve_hints(family, AI_ADDRCONFIG);
	j->req.ar_name = j->name;
	j->req.ar_request = &j->hints;
	atomic_init(&j->holders, 2);
	struct sigevent ended = {.sigev_notify = SIGEV_THREAD,
				 .sigev_notify_function = job_ended,
				 .sigev_value.sival_ptr = j};
	struct gaicb *list[1] = {&j->req};
	int rc = getaddrinfo_a(GAI_NOWAIT, list, 1, &ended);
	if (rc != 0) { /* nothing was queued: no notice will come */
		free(j);
		return rc;
	}
	rc = job_wait(j, deadline);
	int n = rc == 0 ? copy_results(j->req.ar_result, port, out, max)
			: (rc == EAI_INPROGRESS ? EAI_AGAIN : rc);
	job_release(j);
	return n;
}
