/* SPDX-License-Identifier: BSD-2-Clause */
/* The hops toward a STUN server without privileges: Binding requests with TTL 1, 2, ... at once, ICMP time exceeded read from each socket's error queue (IP_RECVERR), as tracepath does. */
#ifndef NATCTL_STUN_PATH_H
#define NATCTL_STUN_PATH_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/trace.h"
#include "natctl/net/loop.h"
#include "natctl/stun/path_types.h"
#include "natctl/stun/stun.h"

struct stun_path_options {
	struct endpoint server;
	unsigned max_ttl; /* at most PATH_MAX_HOPS; 0: PATH_MAX_HOPS */
	int64_t deadline;
	const struct trace *trace;
};

/* One TTL: its own socket, its own transaction. */
struct path_probe {
	int fd;
	unsigned ttl;
	uint8_t tid[STUN_TID_LEN];
	uint8_t wire[64];
	size_t len;
	unsigned sends;
	int64_t first_us, last_us, next_us;
	bool over; /* an ICMP error or the server answered, or it gave up */
};

struct stun_path {
	const struct stun_path_options *opt;
	struct path_result *r;
	struct path_probe probes[PATH_MAX_HOPS];
	unsigned n;
	int64_t rto_us; /* shortened once the server has answered */
};

/* Opens one socket per TTL and queues the requests; 0 or -errno. */
int stun_path_start(struct stun_path *p, const struct stun_path_options *o, struct path_result *r);
struct loop_client stun_path_loop(struct stun_path *p);
/* Fills r (the hops before the server) and closes the sockets. */
void stun_path_finish(struct stun_path *p);
int stun_path_run(const struct stun_path_options *o, struct path_result *r);

#endif
