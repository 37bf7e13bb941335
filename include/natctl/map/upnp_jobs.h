/* SPDX-License-Identifier: BSD-2-Clause */
/* The blocking UPnP IGD calls (miniupnpc: description and SOAP), run as worker jobs in a child process that reports in typed records. */
#ifndef NATCTL_UPNP_JOBS_H
#define NATCTL_UPNP_JOBS_H

#include <miniupnpc/miniupnpc.h>
#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/map_types.h"
#include "natctl/map/ssdp.h"
#include "natctl/map/upnp_codes.h"

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
	UPNP_JOB_DESCRIBE, /* description + GetExternalIPAddress + GetStatusInfo */
	UPNP_JOB_ADD,
	UPNP_JOB_DELETE,
	UPNP_JOB_LIST,
	UPNP_JOB_SEVERAL, /* several IGDs answered: let UPNP_GetValidIGD pick */
};

#define UPNP_DESC_MAX      MAP_DESC_MAX /* miniupnpc's buffer for NewPortMappingDescription */
#define UPNP_MAX_LOCATIONS 4

/* An Internet Gateway Device once described: what the SOAP jobs need, and what probe reports. */
struct upnp_igd {
	char location[SSDP_LOCATION_MAX]; /* root description URL */
	struct IGDdatas data;             /* its services (miniupnpc) */
	char lanaddr[64];                 /* this host's address toward it */
	char external[64];                /* GetExternalIPAddress, "" if unknown */
	int external_code;                /* that call's result */
	char status[64];                  /* GetStatusInfo's NewConnectionStatus, "" if unknown */
};

struct upnp_job {
	enum upnp_job_kind kind;
	int64_t deadline;    /* monotonic us */
	struct upnp_igd igd; /* DESCRIBE: location; SOAP jobs: the IGD */
	char locations[UPNP_MAX_LOCATIONS][SSDP_LOCATION_MAX]; /* UPNP_JOB_SEVERAL */
	size_t n_locations;
	/* ADD, DELETE */
	bool udp;
	uint16_t internal_port, external_port;
	char internal_client[IP_STRLEN];
	char self[IP_STRLEN]; /* this host's LAN address */
	char description[UPNP_DESC_MAX];
	uint32_t lifetime; /* 0: permanent */
	bool any;          /* let the gateway pick the external port */
	bool force;        /* DELETE: even if it points elsewhere */
};

/* The records a job writes (worker_put); UPNP_REC_STATUS is always the last. */
enum upnp_record {
	UPNP_REC_IGD = 1, /* struct upnp_igd: DESCRIBE and SEVERAL found one */
	UPNP_REC_ADDED,   /* struct upnp_added: ADD succeeded */
	UPNP_REC_HOLDER,  /* struct upnp_holder: who holds the port (ADD 718, DELETE) */
	UPNP_REC_DELETED, /* struct upnp_deleted: DELETE's verdict */
	UPNP_REC_ENTRY,   /* struct upnp_entry: LIST, one per mapping */
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
};

/* worker_fn: runs the job described by arg (struct upnp_job *). */
void upnp_job_run(void *arg, int fd);

/* True for an IGD:2 WANIPConnection (AddAnyPortMapping exists there). */
bool upnp_igd_v2(const struct IGDdatas *d);

#endif
