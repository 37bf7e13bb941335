/* SPDX-License-Identifier: BSD-2-Clause */
/* What STUN found, as plain types and pure rules, for output and diagnosis to include without sockets. */
#ifndef NATCTL_NAT_TYPES_H
#define NATCTL_NAT_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/failure.h"

/* Text a server sent (SOFTWARE, an error's reason phrase), copied whole from
 * the codec's struct stun_msg: the stun layer asserts STUN_TEXT_MAX agrees. */
#define NAT_TEXT_MAX 128
/* Room for the one line on why nothing was found. */
#define NAT_ERROR_MAX 256

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

#define NAT_MAX_TESTS   20
#define NAT_MAX_REASONS 8
#define NAT_REASON_LEN  192

/* One STUN exchange, kept as evidence for the verdict. */
struct nat_test {
	const char *name;      /* "binding", "mapping-alt-ip", "filtering-change-ip-port", ... */
	struct endpoint local; /* our socket */
	struct endpoint dst;
	uint32_t change; /* CHANGE-REQUEST flags sent */
	bool answered;
	struct endpoint from; /* where the answer came from */
	struct endpoint mapped;
	int64_t rtt_us;
	unsigned sends;
	uint16_t error_code; /* an error response */
	const char *note;    /* why it matters, when it is not a plain answer */
};

struct nat_report {
	bool udp_answered;
	bool tcp_answered;
	struct endpoint server; /* the primary server (or the first asked) */
	struct endpoint local;  /* our address and port for the main socket */
	struct endpoint mapped; /* the public address (by TCP when UDP is blocked) */
	int64_t rtt_us;
	char software[NAT_TEXT_MAX];
	struct endpoint other; /* the server's alternate address, when usable */
	struct endpoint tcp_mapped;
	size_t n_servers; /* how many servers were asked */

	enum nat_tri nat;
	enum nat_dependence mapping, filtering;
	enum nat_tri hairpinning, port_preserving;
	enum nat_classic classic;
	bool decided; /* a verdict was reached (udp-blocked included) */

	char reasons[NAT_MAX_REASONS][NAT_REASON_LEN];
	size_t n_reasons;
	struct nat_test tests[NAT_MAX_TESTS];
	size_t n_tests;
	/* When nothing answered: -errno if every request failed to send. */
	int send_error;
	/* When answers came but none could be used: who sent the first, and its
	 * ERROR-CODE (RFC 8489 §14.8) and reason; code 0 for a response that had
	 * to be discarded (§6.3.3). Unset when nothing came back. */
	struct endpoint refused_by;
	uint16_t refused_code;
	char refused_reason[NAT_TEXT_MAX];
	/* Why there is no verdict, "" when there is one: "no response from
	 * 198.51.100.10:3478 or the other servers within 3 s", "198.51.100.10:3478
	 * answered with error 420 Unknown Attribute"; and its class. */
	char error[NAT_ERROR_MAX];
	enum failure failure;
};

enum stun_public_outcome {
	STUN_PUBLIC_OK,        /* a server told us our mapped address */
	STUN_PUBLIC_NO_ANSWER, /* nothing valid came back before the deadline */
	STUN_PUBLIC_REFUSED,   /* only error responses (ERROR-CODE) came back */
	STUN_PUBLIC_REJECTED,  /* only unusable responses (RFC 8489 §6.3.3, no address) */
	STUN_PUBLIC_NETWORK,   /* sending failed: no route, network down */
};

struct stun_public_result {
	enum stun_public_outcome outcome;
	bool tcp;               /* asked over TCP (--tcp), not UDP */
	struct endpoint server; /* the server that answered, else the first asked */
	struct endpoint local;  /* our address and port toward it */
	struct endpoint mapped; /* the public address it saw */
	int64_t rtt_us;
	char software[NAT_TEXT_MAX];
	uint16_t error_code; /* STUN_PUBLIC_REFUSED */
	char error_reason[NAT_TEXT_MAX];
	int sys_error; /* -errno for STUN_PUBLIC_NETWORK */
	/* Why no address came back, "" on success: "no response from
	 * 198.51.100.10:3478 within 1.5 s", "cannot send to ...: Network is
	 * unreachable"; and its class. */
	char error[NAT_ERROR_MAX];
	enum failure failure;
};

/* The pure rules (nat_verdict.c; unit-tested). */

const char *nat_dependence_name(enum nat_dependence d);
const char *nat_classic_name(enum nat_classic c);

/*
 * The verdict's words when the server saw this host's own address (nat NO):
 * there is no NAT, so whatever filters inbound packets is a firewall (the
 * usual case on IPv6), and its filtering is named as a firewall's. NULL when
 * there is a NAT or that is unknown: the RFC 3489 name speaks then.
 */
const char *nat_firewall_verdict(enum nat_tri nat, enum nat_dependence filtering);

/* The RFC 3489 name from the RFC 4787 properties. */
enum nat_classic nat_classic_from(enum nat_tri nat, enum nat_dependence mapping,
				  enum nat_dependence filtering);

/* RFC 5780 §4.3 from test I, II, III mappings (NULL while unanswered). */
enum nat_dependence nat_mapping_from(const struct endpoint *ma1, const struct endpoint *ma2,
				     const struct endpoint *ma3);

/*
 * Whether an OTHER-ADDRESS / CHANGED-ADDRESS can serve for the tests: NULL,
 * or why not ("is loopback while the server is global"), written to why.
 * The server chose it, so it must be unicast and of the server's family and
 * scope (global, private, link-local or loopback), and differ from the
 * server in address and port (RFC 5780 §7.4).
 */
const char *nat_alternate_unusable(const struct endpoint *server, const struct endpoint *other,
				   char *why, size_t cap);
bool nat_alternate_usable(const struct endpoint *server, const struct endpoint *other);

/* Whether the mapped address a server reported may receive the hairpin
 * test: NULL, or why not. Same family and scope as the server, a port. */
const char *nat_hairpin_unusable(const struct endpoint *server, const struct endpoint *mapped,
				 char *why, size_t cap);

#endif
