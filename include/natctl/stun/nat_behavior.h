/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT behaviour discovery (RFC 5780 §4, RFC 4787 terms, RFC 3489 names): concurrent STUN tests in one poll loop. */
#ifndef NATCTL_NAT_BEHAVIOR_H
#define NATCTL_NAT_BEHAVIOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/stun/stun.h"
#include "natctl/net/loop.h"
#include "natctl/stun/stun_client.h"
#include "natctl/stun/stun_tcp.h"
#include "natctl/base/trace.h"

/* RFC 4787 §4.1 (mapping) and §5 (filtering) use the same three terms. */
enum nat_dependence {
	NAT_DEP_UNKNOWN,
	NAT_DEP_ENDPOINT_INDEPENDENT,
	NAT_DEP_ADDRESS,
	NAT_DEP_ADDRESS_AND_PORT,
};

/* RFC 3489 §5 names. */
enum nat_classic {
	NAT_CLASSIC_UNKNOWN,
	NAT_CLASSIC_OPEN_INTERNET,
	NAT_CLASSIC_FULL_CONE,
	NAT_CLASSIC_RESTRICTED_CONE,
	NAT_CLASSIC_PORT_RESTRICTED_CONE,
	NAT_CLASSIC_SYMMETRIC,
	NAT_CLASSIC_UDP_BLOCKED,
};

enum nat_tri { NAT_TRI_UNKNOWN = -1, NAT_TRI_NO = 0, NAT_TRI_YES = 1 };

#define NAT_MAX_SERVERS 8
#define NAT_MAX_TESTS 20
#define NAT_MAX_REASONS 8
#define NAT_REASON_LEN 192

/* One STUN exchange, kept as evidence for the verdict. */
struct nat_test {
	const char *name;      /* "binding", "mapping-alt-ip", "filtering-change-ip-port", ... */
	struct endpoint local; /* our socket */
	struct endpoint dst;
	uint32_t change;       /* CHANGE-REQUEST flags sent */
	bool answered;
	struct endpoint from;  /* where the answer came from */
	struct endpoint mapped;
	int64_t rtt_us;
	unsigned sends;
	uint16_t error_code;   /* an error response */
	const char *note;      /* why it matters, when it is not a plain answer */
};

struct nat_options {
	const struct endpoint *servers; /* the first that answers with an alternate is primary */
	size_t n_servers;
	int64_t deadline;
	bool tcp;              /* also ask over TCP, to tell "UDP blocked" from "no server" */
	const struct trace *trace;
};

struct nat_report {
	bool udp_answered;
	bool tcp_answered;
	struct endpoint server;   /* the primary server (or the first asked) */
	struct endpoint local;    /* our address and port for the main socket */
	struct endpoint mapped;   /* the public address (by TCP when UDP is blocked) */
	int64_t rtt_us;
	char software[STUN_TEXT_MAX];
	struct endpoint other;    /* the server's alternate address, when usable */
	struct endpoint tcp_mapped;
	size_t n_servers;         /* how many servers were asked */

	enum nat_tri nat;
	enum nat_dependence mapping, filtering;
	enum nat_tri hairpinning, port_preserving;
	enum nat_classic classic;
	bool decided; /* a verdict was reached (udp-blocked included) */

	char reasons[NAT_MAX_REASONS][NAT_REASON_LEN];
	size_t n_reasons;
	struct nat_test tests[NAT_MAX_TESTS];
	size_t n_tests;
};

/* Runs every test at once under opt->deadline. Returns 0, or -errno if no socket could be opened. */
int nat_discover(const struct nat_options *opt, struct nat_report *r);

/* The same in steps, to share one poll loop with other clients: start,
 * run the loop clients it gives (until done or the deadline), finish. opt
 * and r must outlive d; finish fills r and closes every socket. */
enum nat_socket { NAT_SOCK_A, NAT_SOCK_B, NAT_SOCK_C, NAT_SOCK_D, NAT_SOCK_COUNT };

enum nat_role {
	NAT_ROLE_BIND,          /* test I, one per server, socket A */
	NAT_ROLE_MAP_ALT_IP,    /* test II: alternate IP, primary port, socket A */
	NAT_ROLE_MAP_ALT_BOTH,  /* test III: alternate IP and port, socket A */
	NAT_ROLE_B_CHANGE,      /* filtering: change IP and port, fresh socket B */
	NAT_ROLE_B_PLAIN,       /* the plain request that proves B's path works */
	NAT_ROLE_C_CHANGE,      /* filtering: change port, fresh socket C */
	NAT_ROLE_C_PLAIN,
	NAT_ROLE_HAIRPIN,       /* socket D to our own public mapping */
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
	int primary;          /* index into bind[], or -1 */
	int first_answer;     /* index into bind[], or -1 */
	int64_t rto_us;       /* 0 until a path answered */
	bool hairpin_seen;
	bool mapping_done, filtering_done, hairpin_done, udp_blocked, finished;
	bool mapping_varies;  /* two servers saw different mappings (no alternate) */
	int64_t start_us;
	int64_t hairpin_rtt_us;
};

int nat_discovery_start(struct nat_discovery *d, const struct nat_options *opt,
			struct nat_report *r);
size_t nat_discovery_loops(struct nat_discovery *d, struct loop_client out[2]);
void nat_discovery_finish(struct nat_discovery *d);

const char *nat_dependence_name(enum nat_dependence d);
const char *nat_classic_name(enum nat_classic c);

/* The RFC 3489 name from the RFC 4787 properties (pure; unit-tested). */
enum nat_classic nat_classic_from(enum nat_tri nat, enum nat_dependence mapping,
				  enum nat_dependence filtering);

/* RFC 5780 §4.3 from test I, II, III mappings (NULL while unanswered). */
enum nat_dependence nat_mapping_from(const struct endpoint *ma1, const struct endpoint *ma2,
				     const struct endpoint *ma3);

/* Whether an OTHER-ADDRESS / CHANGED-ADDRESS can serve for the tests. */
bool nat_alternate_usable(const struct endpoint *server, const struct endpoint *other);

#endif
