// SPDX-License-Identifier: BSD-2-Clause
// UPnP IGD discovery by our own SSDP search in the poll loop; description and SOAP through worker jobs.
#include "natctl/map/upnp_client.h"

#include <errno.h>
#include <miniupnpc/upnpcommands.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/map_errors.h"
#include "natctl/net/net.h"

/* UDA 1.1 §1.3.2: "control points should send each M-SEARCH more than
 * once" over lossy UDP; three rounds, all early, so that the answers to
 * the last are due soon after the first's (ssdp_mx_for_wait). */
static const int64_t search_rounds_us[] = {0, SSDP_LAST_ROUND_US / 2, SSDP_LAST_ROUND_US};
#define SEARCH_ROUNDS (sizeof(search_rounds_us) / sizeof(search_rounds_us[0]))

/* UDA 1.1 §1.3.3: a device answers within MX seconds of a search; after
 * the last round's, the gateway has had its chance, and other hosts'
 * answers may be used. */
static int64_t gateway_first_us(unsigned mx)
{
	return (int64_t)mx * USEC_PER_SEC + SSDP_LAST_ROUND_US;
}

/* Why an answer was dropped, beside the enum ssdp_error codes. */
enum {
	DROP_FOREIGN_LOCATION = 1, /* LOCATION names another host than the sender */
	DROP_NOT_TARGET,           /* --gateway: another host answered */
	DROP_FULL,                 /* UPNP_MAX_LOCATIONS answers as good are kept */
};

static bool is_multicast(const struct endpoint *e)
{
	return e->family == AF_INET && (e->ip[0] & 0xf0) == 0xe0;
}

void upnp_client_init(struct upnp_client *c, const struct trace *trace)
{
	memset(c, 0, sizeof(*c));
	c->trace = trace;
	c->start_job = worker_start;
	c->fd = -1;
	worker_init(&c->worker, "upnp", trace);
	c->worker.data_budget = UPNP_WORKER_DATA_BUDGET;
}

static void close_socket(struct upnp_client *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void forget_report(struct upnp_client *c)
{
	free(c->report.entries);
	memset(&c->report, 0, sizeof(c->report));
}

void upnp_client_close(struct upnp_client *c)
{
	close_socket(c);
	worker_free(&c->worker);
	forget_report(c);
}

/* TTL 2 (UDA 1.1 §1.1.2) and the interface of our LAN address. */
static int open_ssdp_socket(const struct endpoint *local)
{
	struct endpoint bind_to = *local;
	bind_to.port = 0;
	int fd = udp_open(AF_INET, &bind_to);
	if (fd < 0)
		return fd;
	struct in_addr ifaddr;
	memcpy(&ifaddr, local->ip, 4);
	unsigned char ttl = 2, loop = 0;
	if (setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &ifaddr, sizeof(ifaddr)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &ttl, sizeof(ttl)) < 0 ||
	    setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)) < 0) {
		int e = errno;
		close(fd);
		return -e;
	}
	return fd;
}

/* Forgets what an earlier discovery found, and takes s as the search's. */
static void forget_discovery(struct upnp_client *c, const struct upnp_search *s)
{
	upnp_client_cancel(c);
	c->have_igd = false;
	c->n_answers = 0;
	c->dropped = 0;
	c->sys_error = 0;
	c->failed_location[0] = '\0';
	memset(&c->failed, 0, sizeof(c->failed));
	c->search = *s;
	if (c->search.mx < SSDP_MX_MIN)
		c->search.mx = SSDP_MX_MIN;
	c->searched_from = clock_now_us();
}

/* Opens the SSDP socket and schedules the M-SEARCH rounds of c->search,
 * as forget_discovery() just took it. */
static int begin_search(struct upnp_client *c)
{
	const struct upnp_search *s = &c->search;
	c->fd = open_ssdp_socket(&s->local);
	if (c->fd < 0) {
		c->sys_error = c->fd;
		c->state = UPNP_FAILED;
		return c->sys_error;
	}
	/* --gateway: a unicast M-SEARCH (UDA 1.1 §1.3.2), whose sender is "the gateway". */
	if (endpoint_is_set(&s->target))
		c->search.gateway = s->target;
	else
		endpoint_parse_ip(&c->search.target, SSDP_MULTICAST_V4);
	c->search.target.port = SSDP_PORT;
	/* No default gateway known: nobody to wait for. */
	c->others_from = endpoint_is_set(&c->search.gateway)
				 ? clock_min(s->search_until,
					     c->searched_from + gateway_first_us(c->search.mx))
				 : 0;
	c->rounds = 0;
	c->next_search_us = 0;
	c->state = UPNP_SEARCHING;
	return 0;
}

int upnp_client_search(struct upnp_client *c, const struct upnp_search *s)
{
	forget_discovery(c, s);
	c->resumed = c->stale = false;
	return begin_search(c);
}

int upnp_client_resume(struct upnp_client *c, const struct upnp_search *s,
		       const struct upnp_igd *igd)
{
	forget_discovery(c, s);
	c->resumed = c->stale = false;
	/* The check gets the same wait as a search; a fallback search its own. */
	c->resume_wait_us = s->search_until - c->searched_from;
	struct upnp_job *j = &c->job;
	memset(j, 0, sizeof(*j));
	j->kind = UPNP_JOB_DESCRIBE;
	j->cached = true;
	j->wan_status = s->wan_status;
	j->igd = *igd;
	text_copy(j->locations[0], sizeof(j->locations[0]), igd->location);
	j->n_locations = 1;
	j->deadline = clock_min(s->job_deadline, s->search_until);
	forget_report(c);
	c->job_done = c->job_lost = c->job_overflow = false;
	int rc = c->start_job(&c->worker, upnp_job_run, j, j->deadline);
	if (rc < 0)
		return begin_search(c);
	c->resuming = true;
	c->state = UPNP_DESCRIBING;
	return 0;
}

static void send_round(struct upnp_client *c, int64_t now)
{
	char dst[ENDPOINT_STRLEN], msg[512];
	for (size_t i = 0; i < 2; i++) {
		int n = ssdp_build_msearch(ssdp_igd_targets[i], c->search.mx, msg, sizeof(msg));
		int rc = n < 0 ? -EMSGSIZE : udp_send(c->fd, &c->search.target, msg, (size_t)n);
		trace_log(c->trace, "upnp: -> %s M-SEARCH %s MX %u (round %u)%s%s",
			  endpoint_format(&c->search.target, dst), ssdp_igd_targets[i],
			  c->search.mx, c->rounds + 1, rc < 0 ? ": " : "",
			  rc < 0 ? strerror(-rc) : "");
		if (rc < 0)
			c->sys_error = rc;
	}
	if (c->sys_error && c->rounds == 0) {
		c->state = UPNP_FAILED; /* no route for multicast, network down */
		close_socket(c);
		return;
	}
	c->rounds++;
	if (c->rounds < SEARCH_ROUNDS)
		c->next_search_us =
			now + search_rounds_us[c->rounds] - search_rounds_us[c->rounds - 1];
	else
		c->next_search_us = CLOCK_NEVER;
}

/* Whether a description job may take this answer now. */
static bool usable(const struct upnp_client *c, const struct upnp_answer *a, int64_t now)
{
	if (a->tried)
		return false;
	if (a->from_gateway)
		return true;
	/* The list is best first: a gateway's answer would be at the front. */
	bool gateway_answered = c->n_answers > 0 && c->answers[0].from_gateway;
	return !gateway_answered && now >= c->others_from;
}

/* Describes every answer usable now, best first, in one job; false if there is none. */
static bool start_describe(struct upnp_client *c, int64_t now)
{
	struct upnp_job *j = &c->job;
	memset(j, 0, sizeof(*j));
	for (size_t i = 0; i < c->n_answers; i++) {
		if (!usable(c, &c->answers[i], now))
			continue;
		c->answers[i].tried = true;
		memcpy(j->locations[j->n_locations++], c->answers[i].ssdp.location,
		       SSDP_LOCATION_MAX);
	}
	if (j->n_locations == 0)
		return false;
	forget_report(c);
	j->kind = UPNP_JOB_DESCRIBE;
	j->deadline = c->search.job_deadline;
	j->wan_status = c->search.wan_status;
	c->job_done = c->job_lost = c->job_overflow = false;
	int rc = c->start_job(&c->worker, upnp_job_run, j, j->deadline);
	if (rc < 0) {
		c->sys_error = rc;
		c->state = UPNP_FAILED;
		close_socket(c);
		return true;
	}
	c->state = UPNP_DESCRIBING;
	return true;
}

int upnp_client_job(struct upnp_client *c, struct upnp_job *job)
{
	job->igd = c->igd;
	c->job = *job;
	c->job_done = c->job_lost = c->job_overflow = false;
	forget_report(c);
	int rc = c->start_job(&c->worker, upnp_job_run, &c->job, job->deadline);
	if (rc < 0)
		return rc;
	c->state = UPNP_WORKING;
	return 0;
}

void upnp_client_cancel(struct upnp_client *c)
{
	c->resuming = false;
	worker_stop(&c->worker);
	close_socket(c);
	if (c->state == UPNP_SEARCHING || c->state == UPNP_DESCRIBING)
		c->state = c->have_igd ? UPNP_READY : UPNP_FAILED;
	if (c->state == UPNP_WORKING) {
		c->state = UPNP_READY;
		c->job_done = true;
		c->job_lost = true;
	}
}

static void drop(struct upnp_client *c, const struct endpoint *from, int why, const char *text)
{
	char src[ENDPOINT_STRLEN];
	c->dropped++;
	c->last_drop = why;
	trace_log(c->trace, "upnp: <- %s dropped SSDP answer: %s", endpoint_format(from, src),
		  text);
}

/* Puts a at its place, best first; false if UPNP_MAX_LOCATIONS as good are kept. */
static bool keep_answer(struct upnp_client *c, const struct ssdp_answer *a, bool from_gateway)
{
	size_t at = c->n_answers;
	while (at > 0 && from_gateway && !c->answers[at - 1].from_gateway)
		at--;
	if (at == UPNP_MAX_LOCATIONS)
		return false;
	/* When full, the last (worst) answer gives way. */
	size_t last = c->n_answers < UPNP_MAX_LOCATIONS ? c->n_answers : UPNP_MAX_LOCATIONS - 1;
	memmove(&c->answers[at + 1], &c->answers[at], (last - at) * sizeof(c->answers[0]));
	c->answers[at] = (struct upnp_answer){.ssdp = *a, .from_gateway = from_gateway};
	if (c->n_answers < UPNP_MAX_LOCATIONS)
		c->n_answers++;
	return true;
}

static bool known_location(const struct upnp_client *c, const char *location)
{
	for (size_t i = 0; i < c->n_answers; i++)
		if (strcmp(c->answers[i].ssdp.location, location) == 0)
			return true;
	return false;
}

static void trace_answer(const struct upnp_client *c, const struct ssdp_answer *a,
			 const struct endpoint *from)
{
	char src[ENDPOINT_STRLEN], st[SSDP_FIELD_MAX], server[SSDP_FIELD_MAX],
		location[SSDP_LOCATION_MAX];
	text_sanitize(st, sizeof(st), a->st);
	text_sanitize(server, sizeof(server), a->server);
	text_sanitize(location, sizeof(location), a->location);
	trace_log(c->trace, "upnp: <- %s SSDP answer: ST %s, LOCATION %s%s%s",
		  endpoint_format(from, src), st, location, server[0] ? ", SERVER " : "", server);
}

/* One SSDP datagram: a usable answer joins the list (once per LOCATION). */
void upnp_client_datagram(struct upnp_client *c, const char *data, size_t n,
			  const struct endpoint *from, int64_t now)
{
	struct ssdp_answer a;
	int rc = ssdp_parse_response(data, n, &a);
	if (rc < 0) {
		drop(c, from, rc, ssdp_strerror(rc));
		return;
	}
	/* natctl connects only to the device that answered: a LOCATION that
	 * points elsewhere would let any host on the LAN aim it anywhere. */
	if (!endpoint_same_ip(&a.host, from)) {
		drop(c, from, DROP_FOREIGN_LOCATION, "LOCATION names another host");
		return;
	}
	/* With --gateway the search went to it alone; answers from other hosts are not for us. */
	if (!is_multicast(&c->search.target) && !endpoint_same_ip(&c->search.target, from)) {
		drop(c, from, DROP_NOT_TARGET, "not the --gateway");
		return;
	}
	if (known_location(c, a.location))
		return;
	if (!keep_answer(c, &a, endpoint_same_ip(&c->search.gateway, from))) {
		char location[SSDP_LOCATION_MAX], text[SSDP_LOCATION_MAX + 64];
		text_sanitize(location, sizeof(location), a.location);
		snprintf(text, sizeof(text), "LOCATION %s: enough answers as good are kept",
			 location);
		drop(c, from, DROP_FULL, text);
		return;
	}
	trace_answer(c, &a, from);
	if (c->state == UPNP_SEARCHING)
		start_describe(c, now);
}

static void ssdp_readable(struct upnp_client *c, int64_t now)
{
	char data[SSDP_MAX_MESSAGE + 1];
	for (int i = 0; i < 64 && c->fd >= 0; i++) {
		struct endpoint from;
		ssize_t n = udp_recv(c->fd, data, sizeof(data) - 1, &from);
		if (n == -EAGAIN || n == -EWOULDBLOCK)
			return;
		if (n == -EMSGSIZE) {
			drop(c, &from, SSDP_ERR_MALFORMED, "too long");
			continue;
		}
		if (n < 0)
			return;
		upnp_client_datagram(c, data, (size_t)n, &from, now);
	}
}

/* ---------------------------------------------- the job's records */

/* One LIST entry more; the list is bounded by what the worker may write. */
static bool add_entry(struct upnp_report *r, const struct upnp_entry *e)
{
	struct upnp_entry *more = realloc(r->entries, (r->n_entries + 1) * sizeof(*more));
	if (!more)
		return false;
	r->entries = more;
	r->entries[r->n_entries++] = *e;
	return true;
}

#define NO_BOOL SIZE_MAX

/*
 * Copies a record's payload into its struct if it has exactly that size
 * and every bool in it (at the offsets given, up to 2, or NO_BOOL) holds 0
 * or 1: any other byte there is no bool, and reading it as one is undefined.
 */
static bool take(void *dst, size_t size, const uint8_t *payload, size_t len, size_t bool1,
		 size_t bool2)
{
	if (len != size || (bool1 != NO_BOOL && payload[bool1] > 1) ||
	    (bool2 != NO_BOOL && payload[bool2] > 1))
		return false;
	memcpy(dst, payload, size);
	return true;
}

#define END(s) ((s)[sizeof(s) - 1] = '\0')

static void terminate_service(struct IGDdatas_service *s)
{
	END(s->controlurl);
	END(s->eventsuburl);
	END(s->scpdurl);
	END(s->servicetype);
}

/* Strings from the child are C strings in fixed arrays: make sure they end. */
static void terminate_igd(struct upnp_igd *g)
{
	terminate_service(&g->data.CIF);
	terminate_service(&g->data.first);
	terminate_service(&g->data.second);
	terminate_service(&g->data.IPv6FC);
	terminate_service(&g->data.tmp);
	END(g->data.cureltname);
	END(g->data.urlbase);
	END(g->data.presentationurl);
	END(g->location);
	END(g->lanaddr);
	END(g->external);
	END(g->status);
}

/* The IGD a description job reports must be one it was asked for, on the
 * host that answered, with our own address toward it. */
static bool igd_ok(const struct upnp_client *c, const struct upnp_igd *g)
{
	struct endpoint lan;
	struct UPNPUrls urls;
	char why[sizeof(c->failed.detail)];
	bool asked = false;
	for (size_t i = 0; i < c->job.n_locations && i < UPNP_MAX_LOCATIONS; i++)
		asked |= strcmp(c->job.locations[i], g->location) == 0;
	if (!asked || endpoint_parse_ip(&lan, g->lanaddr) < 0 ||
	    upnp_igd_urls(g, &urls, why, sizeof(why)) < 0)
		return false;
	FreeUPNPUrls(&urls);
	return true;
}

static bool take_igd_record(struct upnp_client *c, const uint8_t *p, size_t len)
{
	struct upnp_igd g;
	if (!take(&g, sizeof(g), p, len, NO_BOOL, NO_BOOL))
		return false;
	terminate_igd(&g);
	if (!igd_ok(c, &g))
		return false;
	c->igd = g;
	return true;
}

static bool take_holder(struct upnp_report *r, const uint8_t *p, size_t len)
{
	struct upnp_holder *h = &r->holder;
	size_t known = offsetof(struct upnp_holder, known);
	if (!take(h, sizeof(*h), p, len, known, known))
		return false;
	END(h->client);
	END(h->description);
	return true;
}

static bool take_deleted(struct upnp_report *r, const uint8_t *p, size_t len)
{
	return take(&r->deleted, sizeof(r->deleted), p, len,
		    offsetof(struct upnp_deleted, not_found),
		    offsetof(struct upnp_deleted, refused_other_host));
}

static bool take_pinhole(struct upnp_report *r, const uint8_t *p, size_t len)
{
	return take(&r->pinhole, sizeof(r->pinhole), p, len,
		    offsetof(struct upnp_6fc_reply, firewall_enabled),
		    offsetof(struct upnp_6fc_reply, inbound_allowed));
}

static bool take_entry(struct upnp_report *r, const uint8_t *p, size_t len)
{
	struct upnp_entry e;
	size_t enabled = offsetof(struct upnp_entry, enabled);
	if (!take(&e, sizeof(e), p, len, enabled, enabled))
		return false;
	END(e.protocol);
	END(e.internal_client);
	END(e.description);
	END(e.remote_host);
	return add_entry(r, &e);
}

static bool take_status(struct upnp_report *r, const uint8_t *p, size_t len)
{
	struct upnp_status *o = &r->status;
	size_t late = offsetof(struct upnp_status, out_of_time);
	if (!take(o, sizeof(*o), p, len, late, late))
		return false;
	END(o->action);
	END(o->detail);
	return true;
}

/* The records each kind of job may write; any other is a broken report. */
static bool record_expected(enum upnp_job_kind kind, uint32_t type)
{
	static const unsigned expected[] = {
		[UPNP_JOB_DESCRIBE] = 1u << UPNP_REC_IGD,
		[UPNP_JOB_ADD] = 1u << UPNP_REC_ADDED | 1u << UPNP_REC_HOLDER,
		[UPNP_JOB_DELETE] = 1u << UPNP_REC_HOLDER | 1u << UPNP_REC_DELETED,
		[UPNP_JOB_LIST] = 1u << UPNP_REC_ENTRY,
		[UPNP_JOB_PINHOLE] = 1u << UPNP_REC_PINHOLE,
	};
	return type == UPNP_REC_STATUS ||
	       ((unsigned)kind < sizeof(expected) / sizeof(expected[0]) && type < 32 &&
		(expected[kind] >> type & 1u));
}

static bool take_record(struct upnp_client *c, uint32_t type, const uint8_t *p, size_t len,
			bool *ended)
{
	struct upnp_report *r = &c->report;
	if (!record_expected(c->job.kind, type))
		return false;
	switch (type) {
	case UPNP_REC_IGD: return take_igd_record(c, p, len);
	case UPNP_REC_ADDED:
		return r->have_added = take(&r->added, sizeof(r->added), p, len, NO_BOOL, NO_BOOL);
	case UPNP_REC_HOLDER: return take_holder(r, p, len);
	case UPNP_REC_DELETED: return take_deleted(r, p, len);
	case UPNP_REC_ENTRY: return take_entry(r, p, len);
	case UPNP_REC_PINHOLE: return r->have_pinhole = take_pinhole(r, p, len);
	case UPNP_REC_STATUS: return *ended = take_status(r, p, len);
	default: return false;
	}
}

/* Reads the job's records; true if they are whole, known and end with the status. */
static bool read_report(struct upnp_client *c)
{
	size_t off = 0, len;
	uint32_t type;
	const uint8_t *payload;
	bool ended = false;
	while (!ended && worker_next_record(&c->worker, &off, &type, &payload, &len) == 1)
		if (!take_record(c, type, payload, len, &ended))
			return false;
	return ended && off == c->worker.len;
}

/* ------------------------------------------------- jobs that ended */

static void take_igd(struct upnp_client *c)
{
	char location[SSDP_LOCATION_MAX], service[MINIUPNPC_URL_MAXSIZE],
		external[sizeof(c->igd.external)];
	c->have_igd = true;
	c->state = UPNP_READY;
	text_sanitize(location, sizeof(location), c->igd.location);
	text_sanitize(service, sizeof(service), c->igd.data.first.servicetype);
	text_sanitize(external, sizeof(external), c->igd.external);
	trace_log(c->trace, "upnp: IGD %s: service %s, external address %s%s", location, service,
		  external[0] ? external : "unknown",
		  c->igd.external_code ? " (GetExternalIPAddress failed)" : "");
}

/* The cached IGD did not answer as one: a full discovery, with the same
 * wait from now on, within the deadline. */
static void resume_failed(struct upnp_client *c, bool ok, int64_t now)
{
	const struct upnp_status *st = &c->report.status;
	char location[SSDP_LOCATION_MAX], code[96], why[sizeof(st->detail) + 160];
	char text[sizeof(why)];
	map_upnp_code_text(st->code, code, sizeof(code));
	if (!ok)
		snprintf(why, sizeof(why), "%s", upnp_client_lost_why(c));
	else if (st->code == UPNPCOMMAND_UNKNOWN_ERROR) /* neither an address nor a fault */
		snprintf(why, sizeof(why), "%s: no SOAP answer (an HTTP error?)", st->action);
	else if (st->code)
		snprintf(why, sizeof(why), "%s: %s", st->action, code);
	else
		snprintf(why, sizeof(why), "%s", st->detail);
	text_sanitize(location, sizeof(location), c->job.locations[0]);
	text_sanitize(text, sizeof(text), why);
	trace_log(c->trace, "upnp: the cached IGD %s failed (%s): searching again", location, text);
	memset(&c->igd, 0, sizeof(c->igd));
	c->stale = true;
	c->search.search_until = clock_min(c->search.job_deadline, now + c->resume_wait_us);
	c->searched_from = now;
	if (begin_search(c) < 0)
		trace_log(c->trace, "upnp: SSDP search failed: %s", strerror(-c->sys_error));
}

static void describe_finished(struct upnp_client *c, bool ok, int64_t now)
{
	char location[SSDP_LOCATION_MAX], detail[sizeof(c->failed.detail)];
	bool resuming = c->resuming;
	c->resuming = false;
	if (ok && c->report.status.code == 0 && c->igd.location[0]) {
		c->resumed = resuming;
		take_igd(c);
		close_socket(c);
		return;
	}
	if (resuming) {
		resume_failed(c, ok, now);
		return;
	}
	memset(&c->igd, 0, sizeof(c->igd));
	/* The job's last LOCATION is the one its status is about. */
	size_t n = c->job.n_locations;
	text_copy(c->failed_location, sizeof(c->failed_location),
		  n > 0 && n <= UPNP_MAX_LOCATIONS ? c->job.locations[n - 1] : "");
	c->failed = c->report.status;
	if (!ok) {
		snprintf(c->failed.detail, sizeof(c->failed.detail), "%s", upnp_client_lost_why(c));
		c->failed.out_of_time = c->worker.killed;
	}
	text_sanitize(location, sizeof(location), c->failed_location);
	text_sanitize(detail, sizeof(detail), c->failed.detail);
	trace_log(c->trace, "upnp: %s: no usable IGD description (%d%s%s)", location,
		  c->report.status.code, detail[0] ? ": " : "", detail);
	/* Answers that came meanwhile, or others' once the gateway's failed. */
	c->state = c->fd >= 0 ? UPNP_SEARCHING : UPNP_FAILED;
	if (c->fd >= 0)
		start_describe(c, now);
}

static void job_finished(struct upnp_client *c, int64_t now)
{
	bool ok = !c->worker.killed && !c->worker.overflow && read_report(c);
	if (c->worker.overflow) {
		c->job_overflow = true;
		trace_log(c->trace, "upnp: the job's report was over %d bytes: dropped",
			  WORKER_MAX_OUTPUT);
	}
	if (c->state == UPNP_DESCRIBING) {
		describe_finished(c, ok, now);
		return;
	}
	c->job_done = true;
	c->job_lost = !ok;
	c->state = UPNP_READY;
}

const char *upnp_client_lost_why(const struct upnp_client *c)
{
	if (c->job_overflow)
		return "the worker's report was over 1 MiB";
	if (c->worker.killed)
		return "no answer within the deadline";
	return "the worker ended without a whole report";
}

void upnp_client_failure(const struct upnp_client *c, char *out, size_t len)
{
	const char *location =
		c->failed_location[0] ? c->failed_location : c->answers[0].ssdp.location;
	char line[SSDP_LOCATION_MAX + sizeof(c->failed.detail) + 64];
	snprintf(line, sizeof(line), "%s: no usable IGD description%s%s", location,
		 c->failed.detail[0] ? ": " : "", c->failed.detail);
	/* Sanitised whole, once formatted: a cut to len never leaves half a character. */
	text_sanitize(out, len, line);
}

static void upnp_readable(void *self, int fd, int64_t now)
{
	struct upnp_client *c = self;
	if (fd == c->fd) {
		ssdp_readable(c, now);
		return;
	}
	worker_readable(&c->worker, fd);
	if (c->worker.finished)
		job_finished(c, now);
}

static void upnp_tick(void *self, int64_t now)
{
	struct upnp_client *c = self;
	if (c->state == UPNP_SEARCHING && c->fd >= 0 && now >= c->next_search_us)
		send_round(c, now);
	/* Other hosts' answers, once the gateway had its time and gave none. */
	if (c->state == UPNP_SEARCHING && now >= c->others_from)
		start_describe(c, now);
	if (c->state == UPNP_SEARCHING && now >= c->search.search_until) {
		trace_log(c->trace, "upnp: no IGD answered the search");
		close_socket(c);
		c->state = UPNP_FAILED;
	}
	if (c->state == UPNP_DESCRIBING || c->state == UPNP_WORKING) {
		worker_tick(&c->worker, now);
		if (c->worker.finished)
			job_finished(c, now);
	}
}

static size_t upnp_fds(void *self, int *out, size_t max)
{
	struct upnp_client *c = self;
	size_t n = 0;
	if (c->fd >= 0 && (c->state == UPNP_SEARCHING || c->state == UPNP_DESCRIBING) && n < max)
		out[n++] = c->fd;
	if (c->state == UPNP_DESCRIBING || c->state == UPNP_WORKING)
		n += worker_fds(&c->worker, out + n, max - n);
	return n;
}

/* Answers from other hosts that wait for the gateway's (best first: none came). */
static bool others_waiting(const struct upnp_client *c)
{
	for (size_t i = 0; i < c->n_answers; i++)
		if (c->answers[i].from_gateway || !c->answers[i].tried)
			return !c->answers[i].from_gateway;
	return false;
}

static int64_t upnp_next(void *self)
{
	struct upnp_client *c = self;
	int64_t at = CLOCK_NEVER;
	if (c->state == UPNP_SEARCHING)
		at = clock_min(clock_min(c->next_search_us, c->search.search_until),
			       others_waiting(c) ? c->others_from : CLOCK_NEVER);
	if (c->state == UPNP_DESCRIBING || c->state == UPNP_WORKING)
		at = clock_min(at, worker_next_wakeup(&c->worker));
	return at;
}

static bool upnp_done(void *self)
{
	struct upnp_client *c = self;
	return c->state != UPNP_SEARCHING && c->state != UPNP_DESCRIBING &&
	       c->state != UPNP_WORKING;
}

struct loop_client upnp_client_loop(struct upnp_client *c)
{
	return (struct loop_client){
		.self = c,
		.fds = upnp_fds,
		.next_wakeup = upnp_next,
		.on_readable = upnp_readable,
		.on_tick = upnp_tick,
		.done = upnp_done,
	};
}
