/* SPDX-License-Identifier: BSD-2-Clause */
/* The blocking UPnP IGD calls (miniupnpc: description and SOAP), run as worker jobs in a child process that reports in typed records. */
#ifndef NATCTL_UPNP_JOBS_H
#define NATCTL_UPNP_JOBS_H

#include <miniupnpc/miniupnpc.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/map_types.h"
#include "natctl/map/ssdp.h"
#include "natctl/map/upnp_codes.h"
#include "natctl/map/upnp_pinhole.h"

/*
 * miniupnpc's bounds on one call (2.2.4, Debian's build): connect() gives up
 * after 3 s and every receive waits up to 5 s for more bytes, so a gateway
 * that trickles its answer can hold a call far longer. The jobs run in a
 * child that the parent kills at the deadline; before each SOAP call the
 * job also checks that some time is left, so it does not start a call it
 * would be killed in.
 */
#define UPNP_MIN_CALL_US (20 * 1000)

enum upnp_job_kind {
	/* Each LOCATION in turn: description, GetExternalIPAddress and
	 * GetStatusInfo; the first connected IGD, else the first usable one.
	 * With `cached`, the IGD given instead of a description: only the two
	 * calls, which must show it is still there (upnp_igd_gone). */
	UPNP_JOB_DESCRIBE,
	UPNP_JOB_ADD,
	UPNP_JOB_DELETE,
	UPNP_JOB_LIST,
	/* One WANIPv6FirewallControl action (pin.action), sent by natctl's
	 * own POST from pin.source: see struct upnp_pin_job. */
	UPNP_JOB_PINHOLE,
};

/*
 * A pinhole call. miniupnpd opens a pinhole only for the address the SOAP
 * request comes from (606 otherwise) and miniupnpc binds no source, so the
 * job POSTs itself (net/http.c) from source, to the IGD's
 * WANIPv6FirewallControl control URL (its path and port) at server, the
 * IGD's IPv6 address: the description may have come over IPv4.
 */
struct upnp_pin_job {
	enum upnp_6fc_action action;
	struct endpoint server; /* the IGD over IPv6 (its port comes from the control URL) */
	struct endpoint source; /* the pinhole's own address, bound */
	uint16_t unique_id;     /* UPDATE, DELETE */
};

/* The most a WANIPv6FirewallControl answer may take (miniupnpd's are < 1 KiB). */
#define UPNP_PIN_ANSWER_MAX (16 * 1024)

#define UPNP_DESC_MAX      MAP_DESC_MAX /* miniupnpc's buffer for NewPortMappingDescription */
#define UPNP_MAX_LOCATIONS 4
/* A root description is a few KiB (miniupnpd's: 4); natctl reads it
 * itself, and no more than this, before miniupnpc's parser sees it. */
#define UPNP_DESCRIPTION_MAX (128 * 1024)
/* What the worker child may allocate beyond what it holds at the fork:
 * miniupnpc reads each SOAP answer whole, however long the gateway streams. */
#define UPNP_WORKER_DATA_BUDGET (8 * 1024 * 1024)

/* An Internet Gateway Device once described: what the SOAP jobs need, and what probe reports. */
struct upnp_igd {
	char location[SSDP_LOCATION_MAX]; /* root description URL */
	struct IGDdatas data;             /* its services (miniupnpc) */
	char lanaddr[64];                 /* this host's address toward it */
	char external[64];                /* GetExternalIPAddress, "" if unknown */
	int external_code;                /* that call's result */
	char status[64];                  /* GetStatusInfo's NewConnectionStatus, "" if unknown */
	/* GetFirewallStatus (WANIPv6FirewallControl), asked with wan_status:
	 * its result (UPNP_FIREWALL_NOT_ASKED: not asked, or no such service),
	 * and what it said, 1 or 0 (ints: the record is checked whole). */
	int firewall_code;
	int firewall_enabled, inbound_allowed;
};

#define UPNP_FIREWALL_NOT_ASKED 1000

struct upnp_job {
	enum upnp_job_kind kind;
	int64_t deadline;    /* monotonic us */
	struct upnp_igd igd; /* SOAP jobs: the IGD */
	bool cached; /* DESCRIBE: igd comes from the gateway cache (locations[0] is its LOCATION) */
	bool wan_status; /* GetStatusInfo (cached: also) and GetFirewallStatus: probe's questions */
	char locations[UPNP_MAX_LOCATIONS][SSDP_LOCATION_MAX]; /* DESCRIBE, best first */
	size_t n_locations;
	/* ADD, DELETE */
	bool udp;
	uint16_t internal_port, external_port;
	char internal_client[IP_STRLEN];
	char self[IP_STRLEN]; /* this host's LAN address */
	char description[UPNP_DESC_MAX];
	uint32_t lifetime;       /* 0: permanent */
	bool any;                /* let the gateway pick the external port */
	bool force;              /* DELETE: even if it points elsewhere */
	struct upnp_pin_job pin; /* PINHOLE; also udp, internal_port, internal_client, lifetime */
};

/* The records a job writes (worker_put); UPNP_REC_STATUS is always the last. */
enum upnp_record {
	UPNP_REC_IGD = 1, /* struct upnp_igd: DESCRIBE found one */
	UPNP_REC_ADDED,   /* struct upnp_added: ADD succeeded */
	UPNP_REC_HOLDER,  /* struct upnp_holder: who holds the port (ADD 718, DELETE) */
	UPNP_REC_DELETED, /* struct upnp_deleted: DELETE's verdict */
	UPNP_REC_ENTRY,   /* struct upnp_entry: LIST, one per mapping */
	UPNP_REC_PINHOLE, /* struct upnp_6fc_reply: PINHOLE, the action's answer */
	UPNP_REC_STATUS,  /* struct upnp_status: how the job ended */
};

enum upnp_quirk {
	UPNP_QUIRK_PERMANENT_ONLY = 1u << 0, /* 725 or 402 on the lease: retried with lease 0 */
	UPNP_QUIRK_SAME_PORT = 1u << 1,      /* 724: retried with external = internal */
	UPNP_QUIRK_NO_ANY = 1u << 2,     /* 401/602 on AddAnyPortMapping: plain AddPortMapping */
	UPNP_QUIRK_OTHER_PORT = 1u << 3, /* --any on IGDv1: another port after 718 */
};

struct upnp_added {
	uint16_t external_port;
	uint32_t lifetime; /* granted (read back when the router tells) */
	unsigned quirks;   /* enum upnp_quirk */
};

/* Who holds a port mapping (GetSpecificPortMappingEntry). */
struct upnp_holder {
	bool known;
	char client[IP_STRLEN];
	uint16_t port;
	char description[UPNP_DESC_MAX];
	uint32_t lease;
};

struct upnp_deleted {
	bool not_found;          /* 714: no such mapping */
	bool refused_other_host; /* held by another host, and not --force */
};

struct upnp_entry {
	char protocol[4];
	uint16_t external_port;
	char internal_client[IP_STRLEN];
	uint16_t internal_port;
	char description[UPNP_DESC_MAX];
	bool enabled;
	char remote_host[64];
	uint32_t lease;
};

struct upnp_status {
	int code;               /* 0, an enum upnp_code, or a negative UPNPCOMMAND_* */
	char action[40];        /* the action that failed, e.g. "AddPortMapping" */
	bool out_of_time;       /* stopped before a call: the deadline was too close */
	uint16_t external_port; /* the port the last call was about */
	char detail[160];       /* why a description was unusable; may quote the network */
};

/* worker_fn: runs the job described by arg (struct upnp_job *). */
void upnp_job_run(void *arg, int fd);

/*
 * Whether GetExternalIPAddress's result shows that a cached IGD is gone:
 * no HTTP answer (connection refused, a closed port), no SOAP answer (an
 * HTTP error page: miniupnpc finds neither the address nor an errorCode),
 * or 401 Invalid Action (another service at that URL). A UPnP error such
 * as 501 is the IGD itself answering.
 */
bool upnp_igd_gone(int code);

/* True for an IGD:2 WANIPConnection (AddAnyPortMapping exists there). */
bool upnp_igd_v2(const struct IGDdatas *d);

/*
 * The IGD's URLs (miniupnpc's GetUPNPUrls), with the control URL checked:
 * SOAP goes only to the host of the description's LOCATION, whether the
 * description names it relative, absolute or under a URLBase. Returns 0
 * (free urls with FreeUPNPUrls), or -1 with urls freed and why filled.
 */
int upnp_igd_urls(const struct upnp_igd *igd, struct UPNPUrls *urls, char *why, size_t len);

/* Numbers from the router are text; anything but a clean decimal up to max is 0. */
uint32_t upnp_text_u32(const char *s, uint32_t max);

/* GetSpecificPortMappingEntry's answer, as miniupnpc gives it, into a holder. */
void upnp_holder_fill(struct upnp_holder *h, const char *client, const char *port, const char *desc,
		      const char *lease);

/* GetGenericPortMappingEntry's answer, as miniupnpc gives it (NULL: absent). */
struct upnp_entry_text {
	const char *ext, *client, *in, *proto, *desc, *enabled, *rhost, *lease;
};
/* Fills e; false when the entry names no external port (not worth a record). */
bool upnp_entry_fill(struct upnp_entry *e, const struct upnp_entry_text *t);

#endif
