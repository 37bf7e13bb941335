/* SPDX-License-Identifier: BSD-2-Clause */
/* Non-blocking UDP sockets, name resolution under a deadline, and random bytes. */
#ifndef NATCTL_NET_H
#define NATCTL_NET_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "natctl/base/addr.h"

/* Opens a non-blocking UDP socket of `family`, bound to `bind_to` if given
 * (else an ephemeral port). Returns the fd or -errno. */
int udp_open(int family, const struct endpoint *bind_to);

/* Sends one datagram; returns 0 or -errno. */
int udp_send(int fd, const struct endpoint *dst, const void *data, size_t len);

/* Receives one datagram; returns its length, -EAGAIN when none waits, or -errno. */
ssize_t udp_recv(int fd, void *data, size_t cap, struct endpoint *from);

/* The address and port a socket is bound to; 0 or -errno. */
int socket_local(int fd, struct endpoint *out);

/* The source address the kernel would use toward dst (a routing lookup;
 * nothing is sent). Port is left 0. Returns 0 or -errno. */
int net_route_source(const struct endpoint *dst, struct endpoint *out);

/* The address a wildcard-bound socket uses toward dst (a routing lookup) with
 * the socket's own port: what "local" means in a result. 0 or -errno. */
int socket_local_toward(int fd, const struct endpoint *dst, struct endpoint *out);

/* Fills p with n bytes from getrandom(); 0 or -errno. */
int random_bytes(void *p, size_t n);

/*
 * Resolves host (a name or literal) and a numeric port, waiting no longer
 * than `deadline` (monotonic us). family is AF_UNSPEC, AF_INET or AF_INET6.
 * Stores up to max endpoints; returns how many, or an EAI_* code (negative in
 * glibc; EAI_AGAIN on timeout) for gai_strerror().
 */
int resolve_host(const char *host, uint16_t port, int family, int64_t deadline,
		 struct endpoint *out, size_t max);

#endif
