// SPDX-License-Identifier: BSD-2-Clause
// UPnP IGD discovery by our own SSDP search in the poll loop; description and SOAP through worker jobs.
#include "natctl/map/upnp_client.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"

/* UDA 1.1 §1.3.2: "control points should send each M-SEARCH more than
 * once" over lossy UDP; three rounds, early in the wait. */
static const int64_t search_rounds_us[] = {0, 200 * 1000, 700 * 1000};
#define SEARCH_ROUNDS         (sizeof(search_rounds_us) / sizeof(search_rounds_us[0]))
#define DROP_FOREIGN_LOCATION 1

static bool is_multicast(const struct endpoint *e)
{
	return e->family == AF_INET && (e->ip[0] & 0xf0) == 0xe0;
}

void upnp_client_init(struct upnp_client *c, const struct trace *trace)
{
	memset(c, 0, sizeof(*c));
	c->trace = trace;
	c->fd = -1;
	worker_init(&c->worker, "upnp", trace);
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

int upnp_client_search(struct upnp_client *c, const struct endpoint *local,
		       const struct endpoint *target, int64_t search_until, int64_t job_deadline)
{
	upnp_client_cancel(c);
	c->have_igd = false;
	c->n_answers = c->described = 0;
	c->dropped = 0;
	c->sys_error = 0;
	c->fd = open_ssdp_socket(local);
	if (c->fd < 0) {
		c->sys_error = c->fd;
		c->state = UPNP_FAILED;
		return c->sys_error;
	}
	if (target && endpoint_is_set(target)) {
		c->target = *target; /* --gateway: a unicast M-SEARCH (UDA 1.1 §1.3.2) */
	} else {
		endpoint_parse_ip(&c->target, SSDP_MULTICAST_V4);
	}
	c->target.port = SSDP_PORT;
	c->search_until = search_until;
	c->job_deadline = job_deadline;
	c->rounds = 0;
	c->next_search_us = 0;
	c->state = UPNP_SEARCHING;
	return 0;
}

static void send_round(struct upnp_client *c, int64_t now)
{
	char dst[ENDPOINT_STRLEN], msg[512];
	for (size_t i = 0; i < 2; i++) {
		int n = ssdp_build_msearch(ssdp_igd_targets[i], SSDP_MX, msg, sizeof(msg));
		int rc = n < 0 ? -EMSGSIZE : udp_send(c->fd, &c->target, msg, (size_t)n);
		trace_log(c->trace, "upnp: -> %s M-SEARCH %s (round %u)%s%s",
			  endpoint_format(&c->target, dst), ssdp_igd_targets[i], c->rounds + 1,
			  rc < 0 ? ": " : "", rc < 0 ? strerror(-rc) : "");
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

static int start_describe(struct upnp_client *c, bool several)
{
	memset(&c->job, 0, sizeof(c->job));
	forget_report(c);
	c->job.deadline = c->job_deadline;
	if (several) {
		c->job.kind = UPNP_JOB_SEVERAL;
		for (size_t i = 0; i < c->n_answers; i++)
			memcpy(c->job.locations[i], c->answers[i].location, SSDP_LOCATION_MAX);
		c->job.n_locations = c->n_answers;
		c->described = c->n_answers;
	} else {
		c->job.kind = UPNP_JOB_DESCRIBE;
		memcpy(c->job.igd.location, c->answers[c->described].location, SSDP_LOCATION_MAX);
		c->described++;
	}
	c->job_done = c->job_lost = false;
	int rc = worker_start(&c->worker, upnp_job_run, &c->job, c->job_deadline);
	if (rc < 0) {
		c->sys_error = rc;
		c->state = UPNP_FAILED;
		return rc;
	}
	c->state = UPNP_DESCRIBING;
	return 0;
}

int upnp_client_job(struct upnp_client *c, struct upnp_job *job)
{
	job->igd = c->igd;
	c->job = *job;
	c->job_done = c->job_lost = false;
	forget_report(c);
	int rc = worker_start(&c->worker, upnp_job_run, &c->job, job->deadline);
	if (rc < 0)
		return rc;
	c->state = UPNP_WORKING;
	return 0;
}

void upnp_client_cancel(struct upnp_client *c)
{
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

/* One SSDP datagram: a usable answer joins the list (once per LOCATION). */
static void handle_answer(struct upnp_client *c, const char *data, size_t n,
			  const struct endpoint *from)
{
	struct ssdp_answer a;
	char src[ENDPOINT_STRLEN];
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
	if (!is_multicast(&c->target) && !endpoint_same_ip(&c->target, from)) {
		drop(c, from, DROP_FOREIGN_LOCATION, "not the --gateway");
		return;
	}
	for (size_t i = 0; i < c->n_answers; i++)
		if (strcmp(c->answers[i].location, a.location) == 0)
			return;
	trace_log(c->trace, "upnp: <- %s SSDP answer: ST %s, LOCATION %s%s%s",
		  endpoint_format(from, src), a.st, a.location, a.server[0] ? ", SERVER " : "",
		  a.server);
	if (c->n_answers < UPNP_MAX_LOCATIONS)
		c->answers[c->n_answers++] = a;
	if (c->state == UPNP_SEARCHING)
		start_describe(c, false);
}

static void ssdp_readable(struct upnp_client *c)
{
	char data[SSDP_MAX_MESSAGE + 1];
	for (int i = 0; i < 64; i++) {
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
		handle_answer(c, data, (size_t)n, &from);
	}
}

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

/* Copies a record's payload into its struct, if it has exactly that size. */
static bool take(void *dst, size_t size, const uint8_t *payload, size_t len)
{
	if (len != size)
		return false;
	memcpy(dst, payload, size);
	return true;
}

static void terminate_service(struct IGDdatas_service *s)
{
	s->controlurl[sizeof(s->controlurl) - 1] = '\0';
	s->eventsuburl[sizeof(s->eventsuburl) - 1] = '\0';
	s->scpdurl[sizeof(s->scpdurl) - 1] = '\0';
	s->servicetype[sizeof(s->servicetype) - 1] = '\0';
}

/* Strings from the child are C strings in fixed arrays: make sure they end. */
static void terminate_igd(struct upnp_igd *g)
{
	terminate_service(&g->data.CIF);
	terminate_service(&g->data.first);
	terminate_service(&g->data.second);
	terminate_service(&g->data.IPv6FC);
	g->data.urlbase[sizeof(g->data.urlbase) - 1] = '\0';
	g->location[sizeof(g->location) - 1] = '\0';
	g->lanaddr[sizeof(g->lanaddr) - 1] = '\0';
	g->external[sizeof(g->external) - 1] = '\0';
	g->status[sizeof(g->status) - 1] = '\0';
}

static bool take_record(struct upnp_client *c, uint32_t type, const uint8_t *p, size_t len,
			bool *ended)
{
	struct upnp_report *r = &c->report;
	struct upnp_entry e;
	switch (type) {
	case UPNP_REC_IGD:
		if (!take(&c->igd, sizeof(c->igd), p, len))
			return false;
		terminate_igd(&c->igd);
		return true;
	case UPNP_REC_ADDED: return r->have_added = take(&r->added, sizeof(r->added), p, len);
	case UPNP_REC_HOLDER: return take(&r->holder, sizeof(r->holder), p, len);
	case UPNP_REC_DELETED: return take(&r->deleted, sizeof(r->deleted), p, len);
	case UPNP_REC_ENTRY: return take(&e, sizeof(e), p, len) && add_entry(r, &e);
	case UPNP_REC_STATUS: return *ended = take(&r->status, sizeof(r->status), p, len);
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
	int rc;
	while (!ended && (rc = worker_next_record(&c->worker, &off, &type, &payload, &len)) == 1)
		if (!take_record(c, type, payload, len, &ended))
			return false;
	return ended && off == c->worker.len;
}

static void take_igd(struct upnp_client *c)
{
	c->have_igd = true;
	c->state = UPNP_READY;
	trace_log(c->trace, "upnp: IGD %s: service %s, external address %s%s", c->igd.location,
		  c->igd.data.first.servicetype, c->igd.external[0] ? c->igd.external : "unknown",
		  c->igd.external_code ? " (GetExternalIPAddress failed)" : "");
}

static void describe_finished(struct upnp_client *c, bool ok)
{
	if (ok && c->report.status.code == 0 && c->igd.location[0]) {
		take_igd(c);
		close_socket(c);
		return;
	}
	memset(&c->igd, 0, sizeof(c->igd));
	trace_log(c->trace, "upnp: %s: no usable IGD description (%d)",
		  c->answers[c->described - 1].location, c->report.status.code);
	/* The first answer was no IGD after all: let miniupnpc's
	 * UPNP_GetValidIGD choose among every device that answered. */
	if (c->n_answers > c->described && start_describe(c, true) == 0)
		return;
	c->state = c->fd >= 0 ? UPNP_SEARCHING : UPNP_FAILED;
}

static void job_finished(struct upnp_client *c)
{
	bool ok = !c->worker.killed && read_report(c);
	if (c->state == UPNP_DESCRIBING) {
		describe_finished(c, ok);
		return;
	}
	c->job_done = true;
	c->job_lost = !ok;
	c->state = UPNP_READY;
}

static void upnp_readable(void *self, int fd, int64_t now)
{
	struct upnp_client *c = self;
	(void)now;
	if (fd == c->fd) {
		ssdp_readable(c);
		return;
	}
	worker_readable(&c->worker, fd);
	if (c->worker.finished)
		job_finished(c);
}

static void upnp_tick(void *self, int64_t now)
{
	struct upnp_client *c = self;
	if (c->state == UPNP_SEARCHING && c->fd >= 0 && now >= c->next_search_us)
		send_round(c, now);
	if (c->state == UPNP_SEARCHING && now >= c->search_until) {
		trace_log(c->trace, "upnp: no IGD answered the search");
		close_socket(c);
		c->state = UPNP_FAILED;
	}
	if (c->state == UPNP_DESCRIBING || c->state == UPNP_WORKING) {
		worker_tick(&c->worker, now);
		if (c->worker.finished)
			job_finished(c);
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

static int64_t upnp_next(void *self)
{
	struct upnp_client *c = self;
	int64_t at = CLOCK_NEVER;
	if (c->state == UPNP_SEARCHING)
		at = clock_min(c->next_search_us, c->search_until);
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
