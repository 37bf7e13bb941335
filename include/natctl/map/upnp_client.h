/* SPDX-License-Identifier: BSD-2-Clause */
/* UPnP IGD client: our own SSDP search in the poll loop, then miniupnpc's description and SOAP calls in a worker. */
#ifndef NATCTL_UPNP_CLIENT_H
#define NATCTL_UPNP_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/net/loop.h"
#include "natctl/map/ssdp.h"
#include "natctl/base/trace.h"
#include "natctl/map/upnp_jobs.h"
#include "natctl/net/worker.h"

enum upnp_state {
	UPNP_IDLE,
	UPNP_SEARCHING,  /* M-SEARCH sent, no usable answer yet */
	UPNP_DESCRIBING, /* fetching the description of the first IGD that answered */
	UPNP_READY,      /* an IGD is known (have_igd) and no job runs */
	UPNP_WORKING,    /* a SOAP job runs */
	UPNP_FAILED,     /* no IGD: nobody answered in time, or no description */
};

/* A job's report, read from its records (every field checked on receipt). */
struct upnp_report {
	struct upnp_status status; /* how it ended */
	bool have_added;
	struct upnp_added added;     /* ADD */
	struct upnp_holder holder;   /* ADD refused, DELETE: who holds the port (known) */
	struct upnp_deleted deleted; /* DELETE */
	bool have_pinhole;
	struct upnp_6fc_reply pinhole; /* PINHOLE: the action's answer */
	struct upnp_entry *entries;    /* LIST */
	size_t n_entries;
};

/* Whom to ask (upnp_client_search). */
struct upnp_search {
	struct endpoint local;   /* this host's LAN address */
	struct endpoint target;  /* --gateway: asked alone, by unicast; unset: the SSDP group */
	struct endpoint gateway; /* the default gateway: its answers come first; unset if none */
	int64_t search_until;    /* stop waiting for SSDP answers */
	int64_t job_deadline;    /* the description is cut here */
	unsigned mx;             /* the M-SEARCH's MX (ssdp_mx_for_wait); 0: SSDP_MX_MIN */
	bool wan_status;         /* upnp_client_resume: the IGD's status too (probe reports it) */
};

/* One LOCATION that answered, kept until an IGD is described. */
struct upnp_answer {
	struct ssdp_answer ssdp;
	bool from_gateway; /* sent by the default gateway, or by the --gateway */
	bool tried;        /* a description job took it */
};

/* How a job starts: worker_start() in natctl; a stand-in in the fuzz
 * targets, which then hand the client the job's records themselves. */
typedef int (*upnp_job_starter)(struct worker *w, worker_fn fn, void *arg, int64_t deadline);

struct upnp_client {
	const struct trace *trace;
	upnp_job_starter start_job;
	enum upnp_state state;
	int fd; /* SSDP socket, -1 when closed */
	struct upnp_search search;
	int64_t searched_from; /* when the search began */
	int64_t others_from;   /* answers from other hosts than the gateway wait until then */
	int64_t next_search_us;
	unsigned rounds; /* M-SEARCH rounds sent */
	/* The best few LOCATIONs seen, best first: the gateway's, then the
	 * others, each kind in the order they came. */
	struct upnp_answer answers[UPNP_MAX_LOCATIONS];
	size_t n_answers;
	unsigned dropped;
	int last_drop; /* enum ssdp_error, or a DROP_* of upnp_client.c */
	int sys_error; /* -errno from the SSDP socket */
	struct worker worker;
	struct upnp_job job;
	bool have_igd;
	struct upnp_igd igd; /* once described */
	/* upnp_client_resume: the cached IGD's check runs; it answered (the
	 * IGD is the cached one); it failed, and the search began afresh. */
	bool resuming, resumed, stale;
	int64_t resume_wait_us; /* the wait a fallback search gets */
	/* Why the last description failed: its LOCATION and the job's status. */
	char failed_location[SSDP_LOCATION_MAX];
	struct upnp_status failed;
	/* The last SOAP job's report. */
	bool job_done;
	bool job_lost;     /* killed at the deadline, or no whole report */
	bool job_overflow; /* the report was over WORKER_MAX_OUTPUT */
	struct upnp_report report;
};

void upnp_client_init(struct upnp_client *c, const struct trace *trace);
void upnp_client_close(struct upnp_client *c);

/*
 * Forgets any IGD found before, sends M-SEARCH for IGD:2 and IGD:1 and
 * describes an IGD that answers: the default gateway's answers first;
 * other hosts' only when the gateway gave none within SSDP's MX (natctl
 * does not let any host of the LAN steer it away from its gateway).
 * Returns 0 or -errno.
 */
int upnp_client_search(struct upnp_client *c, const struct upnp_search *s);

/* One SSDP datagram from `from` (the loop calls it for each one read). */
void upnp_client_datagram(struct upnp_client *c, const char *data, size_t n,
			  const struct endpoint *from, int64_t now);

/*
 * Starts from an IGD an earlier discovery described (the gateway cache):
 * one job asks it for its WAN state (GetExternalIPAddress, GetStatusInfo)
 * instead of SSDP and the description. If it does not answer as the IGD
 * it was (upnp_igd_gone), the client searches as upnp_client_search()
 * does, with the same wait from then on, within the deadline; `stale`
 * says so. 0 or -errno.
 */
int upnp_client_resume(struct upnp_client *c, const struct upnp_search *s,
		       const struct upnp_igd *igd);

/* Runs a SOAP job on the described IGD (the client fills in job->igd). 0 or -errno. */
int upnp_client_job(struct upnp_client *c, struct upnp_job *job);

/* Stops searching and kills a running job. */
void upnp_client_cancel(struct upnp_client *c);

/* Why no IGD was described, in one sanitised line (LOCATION: what went wrong). */
void upnp_client_failure(const struct upnp_client *c, char *out, size_t len);

/* Why the last SOAP job has no report: "within the deadline", ... */
const char *upnp_client_lost_why(const struct upnp_client *c);

struct loop_client upnp_client_loop(struct upnp_client *c);

#endif
