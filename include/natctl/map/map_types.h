/* SPDX-License-Identifier: BSD-2-Clause */
/* Port-mapping types with no I/O behind them: the methods, what is asked, what came back. Output and diagnosis include this, never the clients. */
#ifndef NATCTL_MAP_TYPES_H
#define NATCTL_MAP_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/failure.h"
#include "natctl/stun/nat_types.h"

/* Which optional facts a method reports in struct map_method_info. */
enum map_fact {
	MAP_FACT_IGD = 1u << 0,   /* igd_version, connected (UPnP IGD) */
	MAP_FACT_EPOCH = 1u << 1, /* epoch (NAT-PMP §3.6) */
};

/*
 * The port-mapping methods, the one place they are listed: X(ID, name,
 * title, facts), in order of preference (RFC 6887 supersedes RFC 6886;
 * both beat SOAP). A method is one row here plus its adapter,
 * src/map/method_<name>.c, which defines `map_method_<name>`
 * (include/natctl/map/method.h).
 */
#define MAP_METHODS(X)                               \
	X(PCP, pcp, "PCP", 0)                        \
	X(NATPMP, natpmp, "NAT-PMP", MAP_FACT_EPOCH) \
	X(UPNP, upnp, "UPnP", MAP_FACT_IGD)

enum map_method {
#define MAP_METHOD_ENUM(id, name, title, facts) MAP_##id,
	MAP_METHODS(MAP_METHOD_ENUM)
#undef MAP_METHOD_ENUM
		MAP_N_METHODS,
	MAP_NONE = -1,
};
#define MAP_BIT(m)      (1u << (m))
#define MAP_ALL_METHODS ((1u << MAP_N_METHODS) - 1)

/* "pcp" (options, JSON), "none" for MAP_NONE. */
const char *map_method_name(enum map_method m);
/* "PCP", "NAT-PMP", "UPnP": for people. */
const char *map_method_title(enum map_method m);
/* enum map_fact: what the method reports beyond its external address. */
unsigned map_method_facts(enum map_method m);
/* The method named name ("pcp"), or MAP_NONE. */
enum map_method map_method_by_name(const char *name);
/* "tcp" or "udp". */
const char *map_protocol_name(int protocol);

enum map_op {
	MAP_OP_ADD,
	MAP_OP_DELETE,
	MAP_OP_LIST,
	MAP_OP_EXTERNAL,
};

#define MAP_DEFAULT_LIFETIME 7200 /* RFC 6886 §3.3 recommends two hours */
/*
 * How long a gateway that has not answered at all gets before a method
 * counts as absent, unless asked otherwise (--wait): the protocols' own
 * bound. An SSDP search with MX 1 is answered within 1 s by every compliant
 * device (UPnP Device Architecture 1.1 §1.3.3), and natctl's last M-SEARCH
 * round leaves 50 ms after the first; NAT-PMP and PCP answer in one round
 * trip, and an ICMP port unreachable ends them at once.
 */
#define MAP_DEFAULT_WAIT_US  (1050 * 1000)
#define MAP_LONGEST_LIFETIME 0xffffffffu
#define MAP_MAX_WARNINGS     8
#define MAP_TEXT_MAX         320
#define MAP_DESC_MAX         80 /* a UPnP description, as miniupnpc reads one back */
#define MAP_NONCE_LEN        12 /* a PCP mapping nonce (RFC 6887 §11.1) */

struct map_params {
	enum map_op op;
	/* AF_INET (or 0): a port mapping; AF_INET6: an inbound pinhole to this
	 * host's own address (no NAT, a firewall), through PCP or UPnP IGDv2. */
	int family;
	unsigned methods; /* MAP_BIT()s to try */
	int protocol;     /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t internal_port;
	uint16_t external_port;
	uint32_t lifetime;        /* 0: permanent where allowed */
	bool any;                 /* accept another external port */
	bool force;               /* delete even a mapping to another host */
	const char *description;  /* UPnP; NULL for "natctl" */
	struct endpoint internal; /* unset: this host */
	struct endpoint gateway;  /* unset: the default gateway */
	const char *ifname;       /* NULL: the default route's */
	/* PCP: the key its mapping nonces are derived from (natctl's state,
	 * map/state.h); NULL: a random one, for this run alone. */
	const uint8_t *pcp_key;
	/* PCP: the nonce of a mapping made earlier (recorded in the state),
	 * to renew or delete it with; NULL: derived from the key. */
	const uint8_t *nonce;
	/* UPnP, IPv6: the UniqueID of a pinhole made earlier (the state, or
	 * --keep's last answer), to renew or delete it with. */
	bool has_pinhole_id;
	uint16_t pinhole_id;
	int64_t wait_us;       /* silence before absence; 0: MAP_DEFAULT_WAIT_US */
	const char *cache_dir; /* the gateway cache's directory; NULL: no cache */
};

struct map_method_error {
	enum map_method method;
	int code;             /* the gateway's result or error code; 0 if none */
	bool double_nat;      /* a refusal typical of a gateway behind another NAT */
	enum failure failure; /* what it means for a script: refused, conflict, ... */
	char text[MAP_TEXT_MAX];
};

#define MAP_CHECK_REASON_MAX 640
/* The check's name in the documents: the only way natctl checks. */
#define MAP_CHECK_METHOD "stun-response-port"

/* --check: whether inbound traffic reaches the mapping, proven from outside
 * (map/map_check.h). Unasked (asked false), it is null in the document. */
struct map_check {
	bool asked;
	enum nat_tri reachable;       /* unknown when it could not be told, with the reason */
	struct endpoint server;       /* the STUN server asked; unset: none */
	struct endpoint port_checked; /* the public address the server saw, and the port */
	bool companion;               /* through a temporary UDP mapping of another port */
	char reason[MAP_CHECK_REASON_MAX];
};

/* One mapping (ADD, DELETE), or the address one method reports (EXTERNAL). */
struct map_result {
	bool ok;
	enum map_method method;
	struct endpoint gateway;
	int protocol;
	struct endpoint internal; /* address and port */
	struct endpoint external; /* address (unset if unknown) and port */
	int family;               /* AF_INET6 for a pinhole (map -6); 0 or AF_INET a mapping */
	/* IPv6: why the internal address is this one ("--internal", or the
	 * stable global address of ...); "" for IPv4. */
	char source[MAP_TEXT_MAX];
	uint32_t lifetime; /* seconds granted; 0 permanent (UPnP) or deleted */
	char description[MAP_DESC_MAX];
	char warnings[MAP_MAX_WARNINGS][MAP_TEXT_MAX];
	size_t n_warnings;
	char error[3 * MAP_TEXT_MAX]; /* one line, every method's failure */
	enum failure failure;         /* its class; FAILURE_NONE when ok */
	struct map_method_error errors[MAP_N_METHODS];
	size_t n_errors;
	unsigned deleted_by; /* DELETE: MAP_BIT()s of the methods that removed it */
	struct map_check check;
	bool has_nonce; /* PCP: the mapping's nonce, for the state (a later delete) */
	uint8_t nonce[MAP_NONCE_LEN];
	bool has_pinhole_id; /* UPnP, IPv6: the pinhole's UniqueID (WANIPv6FirewallControl) */
	uint16_t pinhole_id;
};

struct map_entry {
	enum map_method method; /* UPnP's table, or natctl's own state (PCP, NAT-PMP) */
	bool ours;              /* natctl made it from this host (its state, or its description) */
	int protocol;
	struct endpoint internal, external;
	uint32_t lifetime;
	bool enabled;
	char description[MAP_DESC_MAX];
	char remote_host[64];
};

struct map_list {
	struct endpoint gateway;
	struct map_entry *entries;
	size_t n;
	bool truncated; /* the deadline cut the listing */
};

void map_list_free(struct map_list *l);

struct map_external {
	size_t n;
	struct {
		enum map_method method;
		struct endpoint address; /* unset: none reported */
		char note[MAP_TEXT_MAX];
	} rows[MAP_N_METHODS];
};

/* What the last discovery learnt of one method (natctl probe reports it;
 * map_method_facts() says which of the optional fields matter). */
struct map_method_info {
	bool present;             /* it answered */
	struct endpoint external; /* the external address it reported; unset: none */
	int igd_version;          /* 1 or 2; 0 unknown */
	int connected;            /* GetStatusInfo: 1 Connected, 0 not, -1 unknown */
	bool epoch_known;
	uint32_t epoch; /* seconds since the gateway's epoch began */
	/* UPnP: whether the IGD opens IPv6 pinholes (WANIPv6FirewallControl's
	 * GetFirewallStatus): 1 yes, 0 no, -1 unknown; why, when not yes. */
	int pinholes;
	char pinholes_why[MAP_TEXT_MAX];
};

/* What `map` and `map --keep` report, one event at a time. */
enum map_event {
	MAP_EVENT_MAPPED,
	MAP_EVENT_RENEWED,
	MAP_EVENT_REMAPPED, /* mapped again: the gateway restarted, it was lost, or (--any) another port */
	MAP_EVENT_ADDRESS_CHANGED, /* renewed, to another external address */
	MAP_EVENT_RENEW_FAILED,    /* a renewal failed; natctl retries */
	MAP_EVENT_LOST,            /* its lifetime ran out unrenewed; natctl keeps trying */
	MAP_EVENT_DELETED,
	MAP_EVENT_FAILED,      /* the operation failed: nothing mapped, or not deleted */
	MAP_EVENT_HOOK_FAILED, /* --on-change failed for an event (status, signal, its bound) */
};

const char *map_event_name(enum map_event e);

#endif
