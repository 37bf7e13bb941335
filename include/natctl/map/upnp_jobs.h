/* SPDX-License-Identifier: BSD-2-Clause */
/* The blocking UPnP IGD calls (miniupnpc: description and SOAP), run as worker jobs in a child process. */
#ifndef NATCTL_UPNP_JOBS_H
#define NATCTL_UPNP_JOBS_H

#include <miniupnpc/miniupnpc.h>
#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/map/ssdp.h"

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
	UPNP_JOB_DESCRIBE, /* description + GetExternalIPAddress */
	UPNP_JOB_ADD,
	UPNP_JOB_DELETE,
	UPNP_JOB_LIST,
	UPNP_JOB_SEVERAL,  /* several IGDs answered: let UPNP_GetValidIGD pick */
};

#define UPNP_DESC_MAX 80   /* miniupnpc's buffer for NewPortMappingDescription */
#define UPNP_MAX_LOCATIONS 4

struct upnp_job {
	enum upnp_job_kind kind;
	int64_t deadline;                       /* monotonic us */
	char location[SSDP_LOCATION_MAX];       /* root description URL */
	char locations[UPNP_MAX_LOCATIONS][SSDP_LOCATION_MAX]; /* UPNP_JOB_SEVERAL */
	size_t n_locations;
	struct IGDdatas data;                   /* from DESCRIBE, for the SOAP jobs */
	/* ADD, DELETE */
	bool udp;
	uint16_t internal_port, external_port;
	char internal_client[IP_STRLEN];
	char self[IP_STRLEN];                   /* this host's LAN address */
	char description[UPNP_DESC_MAX];
	uint32_t lifetime;                      /* 0: permanent */
	bool any;                               /* let the gateway pick the external port */
	bool force;                             /* DELETE: even if it points elsewhere */
};

/* Who holds a port mapping (GetSpecificPortMappingEntry). */
struct upnp_holder {
	bool known;
	char client[IP_STRLEN];
	uint16_t port;
	char description[UPNP_DESC_MAX];
	uint32_t lease;
};

enum upnp_quirk {
	UPNP_QUIRK_PERMANENT_ONLY = 1u << 0, /* 725 or 402 on the lease: retried with lease 0 */
	UPNP_QUIRK_SAME_PORT = 1u << 1,      /* 724: retried with external = internal */
	UPNP_QUIRK_NO_ANY = 1u << 2,         /* 401/602 on AddAnyPortMapping: plain AddPortMapping */
	UPNP_QUIRK_OTHER_PORT = 1u << 3,     /* --any on IGDv1: another port after 718 */
};

/* What a job reports; written once at its end (LIST writes entries first). */
struct upnp_outcome {
	uint32_t magic;
	enum upnp_job_kind kind;
	int code;                 /* 0, a UPnP error code, or a negative UPNPCOMMAND_* */
	char action[40];          /* the action that failed, e.g. "AddPortMapping" */
	bool out_of_time;         /* stopped before a call: the deadline was too close */
	/* DESCRIBE, SEVERAL */
	char location[SSDP_LOCATION_MAX];
	struct IGDdatas data;
	char lanaddr[64];
	char external[64];        /* GetExternalIPAddress, "" if unknown */
	int external_code;
	char status[64];          /* GetStatusInfo's NewConnectionStatus, "" if unknown */
	int valid_igd;            /* SEVERAL: UPNP_GetValidIGD's return */
	/* ADD */
	uint16_t external_port;
	uint32_t lifetime;        /* granted (read back when the router tells) */
	unsigned quirks;          /* enum upnp_quirk */
	/* ADD 718, DELETE */
	struct upnp_holder holder;
	bool not_found;           /* DELETE: 714, no such mapping */
	bool refused_other_host;  /* DELETE: held by another host and not --force */
};

struct upnp_entry {
	uint32_t magic;
	char protocol[4];
	uint16_t external_port;
	char internal_client[IP_STRLEN];
	uint16_t internal_port;
	char description[UPNP_DESC_MAX];
	bool enabled;
	char remote_host[64];
	uint32_t lease;
};

#define UPNP_OUTCOME_MAGIC 0x4f55544dU /* "OUTM" */
#define UPNP_ENTRY_MAGIC   0x454e5452U /* "ENTR" */

/* worker_fn: runs the job described by arg (struct upnp_job *). */
void upnp_job_run(void *arg, int fd);

/* True for an IGD:2 WANIPConnection (AddAnyPortMapping exists there). */
bool upnp_igd_v2(const struct IGDdatas *d);

#endif
