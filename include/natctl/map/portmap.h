/* SPDX-License-Identifier: BSD-2-Clause */
/* Port mappings through PCP, NAT-PMP and UPnP IGD at once: discovery, the choice of method, add, delete, list. */
#ifndef NATCTL_PORTMAP_H
#define NATCTL_PORTMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/epoch.h"
#include "natctl/net/loop.h"
#include "natctl/map/natpmp_client.h"
#include "natctl/map/pcp_client.h"
#include "natctl/base/siphash.h"
#include "natctl/base/trace.h"
#include "natctl/map/upnp_client.h"

/* Methods, in order of preference (RFC 6887 supersedes RFC 6886; both beat SOAP). */
enum map_method {
	MAP_PCP = 0,
	MAP_NATPMP = 1,
	MAP_UPNP = 2,
	MAP_N_METHODS = 3,
	MAP_NONE = -1,
};
#define MAP_ALL_METHODS 0x7u
#define MAP_BIT(m) (1u << (m))

enum map_op {
	MAP_OP_ADD,
	MAP_OP_DELETE,
	MAP_OP_LIST,
	MAP_OP_EXTERNAL,
};

/*
 * A gateway that has not answered at all after this long counts as absent
 * (or the command's deadline, if sooner). SSDP answers are due within MX
 * (1 s); the second gives slow routers room. Once a gateway has answered,
 * only the deadline bounds the rest.
 */
#define MAP_DISCOVERY_WINDOW_US (2 * 1000 * 1000)
/* When a less preferred method is ready first, the better ones get this
 * long (or as long again as the ready one took, if more) to answer too. */
#define MAP_GRACE_MIN_US (20 * 1000)
#define MAP_DEFAULT_LIFETIME 7200 /* RFC 6886 §3.3 recommends two hours */
#define MAP_LONGEST_LIFETIME 0xffffffffu

struct map_params {
	enum map_op op;
	unsigned methods;          /* MAP_BIT()s to try */
	int protocol;              /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t internal_port;
	uint16_t external_port;
	uint32_t lifetime;         /* 0: permanent where allowed */
	bool any;                  /* accept another external port */
	bool force;                /* delete even a mapping to another host */
	const char *description;   /* UPnP; NULL for "natctl" */
	struct endpoint internal;  /* unset: this host */
	struct endpoint gateway;   /* unset: the default gateway */
	const char *ifname;        /* NULL: the default route's */
};

#define MAP_MAX_WARNINGS 8
#define MAP_TEXT_MAX 320

struct map_method_error {
	enum map_method method;
	int code;        /* the gateway's result or error code; 0 if none */
	bool double_nat; /* a refusal typical of a gateway behind another NAT */
	char text[MAP_TEXT_MAX];
};

/* One mapping (ADD, DELETE), or the address one method reports (EXTERNAL). */
struct map_result {
	bool ok;
	enum map_method method;
	struct endpoint gateway;
	int protocol;
	struct endpoint internal;  /* address and port */
	struct endpoint external;  /* address (unset if unknown) and port */
	uint32_t lifetime;         /* seconds granted; 0 permanent (UPnP) or deleted */
	char description[UPNP_DESC_MAX];
	char warnings[MAP_MAX_WARNINGS][MAP_TEXT_MAX];
	size_t n_warnings;
	char error[3 * MAP_TEXT_MAX];      /* one line, every method's failure */
	struct map_method_error errors[MAP_N_METHODS];
	size_t n_errors;
	unsigned deleted_by;       /* DELETE: MAP_BIT()s of the methods that removed it */
};

struct map_entry {
	int protocol;
	struct endpoint internal, external;
	uint32_t lifetime;
	bool enabled;
	char description[UPNP_DESC_MAX];
	char remote_host[64];
};

struct map_list {
	struct endpoint gateway;
	struct map_entry *entries;
	size_t n;
	bool truncated;            /* the deadline cut the listing */
};

struct map_external {
	size_t n;
	struct {
		enum map_method method;
		struct endpoint address; /* unset: none reported */
		char note[MAP_TEXT_MAX];
	} rows[MAP_N_METHODS];
};

/* Where each method stands in one run. */
enum map_mstate {
	MAP_MS_OFF,     /* not selected */
	MAP_MS_PROBING, /* asked whether it is there */
	MAP_MS_PRESENT, /* answered; not used yet */
	MAP_MS_ABSENT,  /* not there (why: errors[]) */
	MAP_MS_WORKING, /* doing the operation */
	MAP_MS_OK,
	MAP_MS_FAILED,
};

struct portmap;

/* One operation in progress (discovery, then the operation itself). */
struct map_run {
	struct portmap *pm;
	struct map_result *r;
	enum map_op op;
	int64_t start, deadline, window_end;
	enum map_mstate st[MAP_N_METHODS];
	int64_t present_at[MAP_N_METHODS];
	int step[MAP_N_METHODS];
	bool prefer_failure;      /* PCP: PREFER_FAILURE still sent */
	uint16_t offered;         /* a port the gateway gave instead of ours */
	char why[MAP_N_METHODS][MAP_TEXT_MAX];
	bool finished;
	bool found;               /* DELETE: something was removed */
	bool not_found[MAP_N_METHODS]; /* DELETE: the method had no such mapping */
	int code[MAP_N_METHODS];  /* the last result or error code each method gave */
};

/* The state kept across operations (a --keep run renews with it). */
struct portmap {
	struct map_params p;
	const struct trace *trace;
	struct endpoint local;     /* this host's address toward the gateway */
	struct endpoint gateway;
	bool have_gateway;
	char gateway_why[MAP_TEXT_MAX]; /* why there is none */
	uint8_t nonce_key[SIPHASH_KEY_LEN];
	bool have_key;
	struct pcp_client pcp;
	bool pcp_open;
	struct natpmp_client pmp;
	bool pmp_open;
	struct upnp_client upnp;
	struct epoch_track epochs[2]; /* PCP, NAT-PMP */
	struct endpoint natpmp_external;
	bool epoch_reset;          /* the last answer showed the gateway restarted */
};

/* Works out gateway and addresses and opens the clients; 0, or -1 with r->error set. */
int portmap_open(struct portmap *pm, const struct map_params *p, const struct trace *trace,
		 struct map_result *r);
void portmap_close(struct portmap *pm);

/* ADD or DELETE with discovery: every selected method at once, the best one used. */
int portmap_run(struct portmap *pm, int64_t deadline, struct map_result *r);
/* Renews (ADD again) or deletes r's mapping with r->method, without discovery. */
int portmap_renew(struct portmap *pm, int64_t deadline, struct map_result *r);
int portmap_unmap(struct portmap *pm, int64_t deadline, struct map_result *r);
/* UPnP's table (NAT-PMP and PCP have no listing). */
int portmap_list(struct portmap *pm, int64_t deadline, struct map_list *l, struct map_result *r);
void map_list_free(struct map_list *l);
/* The external address by each method that answers. */
int portmap_external(struct portmap *pm, int64_t deadline, struct map_external *x,
		     struct map_result *r);

/* portmap_external in steps, to share one poll loop (probe): start, run the
 * loop clients it gives until done or the deadline, finish. */
#define PORTMAP_LOOPS 4
int portmap_external_start(struct portmap *pm, struct map_run *run, int64_t deadline,
			   struct map_result *r);
size_t portmap_loops(struct map_run *run, struct loop_client out[PORTMAP_LOOPS]);
int portmap_external_finish(struct map_run *run, struct map_external *x);

const char *map_method_name(enum map_method m);
/* UPnP 501, NAT-PMP 3 (NETWORK_FAILURE), PCP NO_RESOURCES, NETWORK_FAILURE or
 * ADDRESS_MISMATCH: what a router behind another NAT answers. */
bool map_double_nat_symptom(enum map_method m, int code);
const char *map_protocol_name(int protocol);

#endif
