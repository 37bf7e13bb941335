/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT behaviour discovery (RFC 5780 §4, RFC 4787 terms, RFC 3489 names): concurrent STUN tests in one poll loop. */
#ifndef NATCTL_NAT_BEHAVIOR_H
#define NATCTL_NAT_BEHAVIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/trace.h"
#include "natctl/net/loop.h"
#include "natctl/stun/nat_types.h"
#include "natctl/stun/stun_client.h"
#include "natctl/stun/stun_tcp.h"

#define NAT_MAX_SERVERS 8 /* asked at once; more are ignored */

struct nat_options {
	const struct endpoint *servers; /* the first that answers with an alternate is primary */
	size_t n_servers;
	int64_t start_us; /* the command's start, for the error's "within N s"; 0: the run's */
	int64_t deadline;
	bool tcp;            /* also ask over TCP, to tell "UDP blocked" from "no server" */
	uint16_t local_port; /* bind the main socket (test I) to it; 0: any */
	const struct trace *trace;
};

/* Runs every test at once under opt->deadline. Returns 0, or -errno if no socket could be opened. */
int nat_discover(const struct nat_options *opt, struct nat_report *r);

/* The same in steps, to share one poll loop with other clients: start,
 * run the loop clients it gives (until done or the deadline), finish. opt
 * and r must outlive d; finish fills r and closes every socket. */
enum nat_socket { NAT_SOCK_A, NAT_SOCK_B, NAT_SOCK_C, NAT_SOCK_D, NAT_SOCK_COUNT };

enum nat_role {
	NAT_ROLE_BIND,         /* test I, one per server, socket A */
	NAT_ROLE_MAP_ALT_IP,   /* test II: alternate IP, primary port, socket A */
	NAT_ROLE_MAP_ALT_BOTH, /* test III: alternate IP and port, socket A */
	NAT_ROLE_B_CHANGE,     /* filtering: change IP and port, fresh socket B */
	NAT_ROLE_B_PLAIN,      /* the plain request that proves B's path works */
	NAT_ROLE_C_CHANGE,     /* filtering: change port, fresh socket C */
	NAT_ROLE_C_PLAIN,
	NAT_ROLE_HAIRPIN, /* socket D to our own public mapping */
	NAT_ROLE_COUNT,
};

struct nat_probe {
	struct stun_txn txn;
	enum nat_role role;
	enum nat_socket sock;
	bool started;
};

struct nat_discovery {
	const struct nat_options *opt;
	struct nat_report *r;
	struct stun_client client;
	struct stun_tcp tcp;
	int fd[NAT_SOCK_COUNT];
	struct nat_probe bind[NAT_MAX_SERVERS];
	size_t n_bind;
	struct nat_probe tests[NAT_ROLE_COUNT]; /* indexed by role; NAT_ROLE_BIND unused */
	int primary;                            /* index into bind[], or -1 */
	int first_answer;                       /* index into bind[], or -1 */
	int64_t rto_us;                         /* 0 until a path answered */
	bool hairpin_seen;
	bool mapping_done, filtering_done, hairpin_done, udp_blocked, finished;
	bool mapping_varies;    /* two servers saw different mappings (no alternate) */
	bool alternate_refused; /* a server named an alternate we would not send to */
	int64_t start_us;
	int64_t hairpin_rtt_us;
};

int nat_discovery_start(struct nat_discovery *d, const struct nat_options *opt,
			struct nat_report *r);
size_t nat_discovery_loops(struct nat_discovery *d, struct loop_client out[2]);
void nat_discovery_finish(struct nat_discovery *d);

/* Sets r->error: "" once a verdict was reached, else why not, saying it
 * waited waited_us. nat_discovery_finish calls it with the time since
 * opt->start_us; a caller that measures the wait its own way calls it again. */
void nat_report_set_error(struct nat_report *r, int64_t waited_us);

#endif
