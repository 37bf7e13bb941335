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
	struct upnp_entry *entries;  /* LIST */
	size_t n_entries;
};

struct upnp_client {
	const struct trace *trace;
	enum upnp_state state;
	int fd;                 /* SSDP socket, -1 when closed */
	struct endpoint target; /* 239.255.255.250:1900, or the --gateway */
	int64_t search_until;   /* stop waiting for SSDP answers */
	int64_t job_deadline;
	int64_t next_search_us;
	unsigned rounds;                                /* M-SEARCH rounds sent */
	struct ssdp_answer answers[UPNP_MAX_LOCATIONS]; /* distinct LOCATIONs seen */
	size_t n_answers;
	size_t described; /* answers tried so far */
	unsigned dropped;
	int last_drop; /* enum ssdp_error, or 1: LOCATION host is not the sender */
	int sys_error; /* -errno from the SSDP socket */
	struct worker worker;
	struct upnp_job job;
	bool have_igd;
	struct upnp_igd igd; /* once described */
	/* The last SOAP job's report. */
	bool job_done;
	bool job_lost; /* killed at the deadline, or no whole report */
	struct upnp_report report;
};

void upnp_client_init(struct upnp_client *c, const struct trace *trace);
void upnp_client_close(struct upnp_client *c);

/*
 * Forgets any IGD found before, sends M-SEARCH for IGD:2 and IGD:1 from
 * local (to target, or to the SSDP group when target is unset) and
 * describes the first IGD that answers. Answers are awaited until
 * search_until; the description is cut at job_deadline. Returns 0 or -errno.
 */
int upnp_client_search(struct upnp_client *c, const struct endpoint *local,
		       const struct endpoint *target, int64_t search_until, int64_t job_deadline);

/* Runs a SOAP job on the described IGD (the client fills in job->igd). 0 or -errno. */
int upnp_client_job(struct upnp_client *c, struct upnp_job *job);

/* Stops searching and kills a running job. */
void upnp_client_cancel(struct upnp_client *c);

struct loop_client upnp_client_loop(struct upnp_client *c);

#endif
