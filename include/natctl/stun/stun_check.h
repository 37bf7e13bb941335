/* SPDX-License-Identifier: BSD-2-Clause */
/* map --check: a STUN Binding request whose answer (RFC 5780 §7.5 RESPONSE-PORT, from the server's other address) can only arrive through the port mapping. */
#ifndef NATCTL_STUN_CHECK_H
#define NATCTL_STUN_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/trace.h"
#include "natctl/net/loop.h"
#include "natctl/stun/path_types.h"
#include "natctl/stun/stun.h"

struct stun_check_options {
	struct endpoint server; /* an RFC 5780 server (its primary address) */
	struct endpoint local;  /* this host's address, port = the internal port to listen on */
	uint16_t external_port; /* the mapping's external port: the RESPONSE-PORT */
	/* CHANGE-REQUEST flags, which of the server's addresses answers; 0:
	 * change IP and port. A NAT remembers an earlier check's answer (its
	 * connection tracking, ~30 s for UDP), so a later check of the same
	 * port asks for another address. */
	uint32_t change;
	int64_t deadline;
	const struct trace *trace;
};

/* One of the two requests: a plain Binding that proves the server is there
 * and measures the round trip, and the check itself. */
struct check_request {
	uint8_t tid[STUN_TID_LEN];
	uint8_t wire[128];
	size_t len;
	unsigned sends;
	int64_t first_us, last_us, next_us, interval_us;
	bool answered;
};

struct stun_check {
	const struct stun_check_options *opt;
	struct stun_check_result *r;
	int send_fd;   /* any port: the requests go out here */
	int listen_fd; /* the internal port: the answer must come in here */
	struct check_request plain, probe;
	int64_t rto_us;
	bool done;
};

/* Opens both sockets and queues both requests. -EADDRINUSE when the
 * internal port is taken (check a companion mapping instead), or -errno. */
int stun_check_start(struct stun_check *c, const struct stun_check_options *o,
		     struct stun_check_result *r);
struct loop_client stun_check_loop(struct stun_check *c);
/* Decides from what came back and closes the sockets. */
void stun_check_finish(struct stun_check *c);

/* start, loop until the deadline or a decision, finish; 0 or -errno. */
int stun_check_run(const struct stun_check_options *o, struct stun_check_result *r);

#endif
