/* SPDX-License-Identifier: BSD-2-Clause */
/* A scripted RFC 5780 STUN server on loopback (primary 127.0.0.1, alternate 127.0.0.2) for the check and path tests: in the test's own poll loop, or in a child process. */
#ifndef NATCTL_TEST_STUN_FAKE_H
#define NATCTL_TEST_STUN_FAKE_H

#include <stdbool.h>
#include <sys/types.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"

enum stun_fake_mode {
	STUN_FAKE_RFC5780,      /* answers the check at RESPONSE-PORT from the address asked */
	STUN_FAKE_NO_5780,      /* 420 to the check: a plain RFC 5389 server */
	STUN_FAKE_IGNORES_PORT, /* answers the check where it came from */
	STUN_FAKE_SILENT_CHECK, /* answers plain requests only */
	STUN_FAKE_SILENT,       /* answers nothing */
};

struct stun_fake {
	int fd, alt_fd;       /* primary 127.0.0.1, alternate 127.0.0.2 */
	int port_fd;          /* 127.0.0.1, another port: CHANGE-REQUEST "port" only */
	struct endpoint addr; /* the primary address, an ephemeral port */
	enum stun_fake_mode mode;
	const struct loop_client *peer; /* in a loop: done when the peer is */
};

struct endpoint stun_fake_ip(const char *ip, uint16_t port);
/* Opens both sockets; false if it could not. */
bool stun_fake_open(struct stun_fake *s, enum stun_fake_mode mode);
void stun_fake_close(struct stun_fake *s);
/* The server as a client of the test's loop, done once peer is. */
struct loop_client stun_fake_loop(struct stun_fake *s, const struct loop_client *peer);
/* The server in a child process until it is ended (kill by the returned PID,
 * then waitpid); -1 if it could not start. The parent's copies are closed. */
pid_t stun_fake_fork(struct stun_fake *s, enum stun_fake_mode mode);
void stun_fake_stop(pid_t pid);

#endif
