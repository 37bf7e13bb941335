// SPDX-License-Identifier: BSD-2-Clause
// UPnP IGD calls through miniupnpc, run in a worker child that reports in typed records; router quirks handled here.
#include "natctl/map/upnp_jobs.h"

#include <errno.h>
#include <stdarg.h>
#include <miniupnpc/upnpcommands.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/buf.h"
#include "natctl/base/text.h"
#include "natctl/base/clock.h"
#include "natctl/net/http.h"
#include "natctl/net/net.h"
#include "natctl/net/worker.h"

bool upnp_igd_v2(const struct IGDdatas *d)
{
	static const char v2[] = "urn:schemas-upnp-org:service:WANIPConnection:2";
	return strcmp(d->first.servicetype, v2) == 0;
}

/* Checks that a call can still finish before the deadline. */
static bool time_left(const struct upnp_job *j, struct upnp_status *o)
{
	if (clock_now_us() + UPNP_MIN_CALL_US <= j->deadline)
		return true;
	o->out_of_time = true;
	return false;
}

static void set_action(struct upnp_status *o, const char *action, int code)
{
	snprintf(o->action, sizeof(o->action), "%s", action);
	o->code = code;
}

uint32_t upnp_text_u32(const char *s, uint32_t max)
{
	if (!s || *s < '0' || *s > '9')
		return 0;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	return *end || errno || v > max ? 0 : (uint32_t)v;
}

/* miniupnpc leaves some answers NULL. */
static void copy_text(char *dst, size_t cap, const char *src)
{
	text_copy(dst, cap, src ? src : "");
}

int upnp_igd_urls(const struct upnp_igd *igd, struct UPNPUrls *urls, char *why, size_t len)
{
	struct IGDdatas data = igd->data;
	struct endpoint desc_host, ctl_host;
	char url[96];
	memset(urls, 0, sizeof(*urls));
	if (ssdp_parse_url(igd->location, &desc_host) < 0) {
		snprintf(why, len, "the LOCATION is not an http://IP:port/path URL");
		return -1;
	}
	GetUPNPUrls(urls, &data, igd->location, 0);
	if (!urls->controlURL) {
		snprintf(why, len, "no control URL (out of memory)");
		FreeUPNPUrls(urls);
		return -1;
	}
	/* The gateway answered the search; its description must not send our
	 * SOAP calls (and the mappings they ask for) to another host. Another
	 * port on the same address is still the gateway. */
	if (ssdp_parse_url(urls->controlURL, &ctl_host) < 0 ||
	    !endpoint_same_ip(&ctl_host, &desc_host)) {
		text_sanitize(url, sizeof(url), urls->controlURL);
		snprintf(why, len, "its control URL %s is not on the LOCATION's host", url);
		FreeUPNPUrls(urls);
		return -1;
	}
	return 0;
}

void upnp_holder_fill(struct upnp_holder *h, const char *client, const char *port, const char *desc,
		      const char *lease)
{
	memset(h, 0, sizeof(*h));
	h->known = true;
	copy_text(h->client, sizeof(h->client), client);
	h->port = (uint16_t)upnp_text_u32(port, 65535);
	copy_text(h->description, sizeof(h->description), desc);
	h->lease = upnp_text_u32(lease, UINT32_MAX);
}

/* GetSpecificPortMappingEntry: who holds ext/proto. Returns the UPnP code. */
static int lookup_holder(const char *ctl, const char *svc, const char *ext, const char *proto,
			 struct upnp_holder *h)
{
	/* miniupnpc writes at most 16, 6, 80, 4 and 16 bytes; the buffers are larger. */
	char client[64] = "", port[16] = "", desc[128] = "", enabled[16] = "", lease[32] = "";
	memset(h, 0, sizeof(*h));
	int rc = UPNP_GetSpecificPortMappingEntry(ctl, svc, ext, proto, NULL, client, port, desc,
						  enabled, lease);
	if (rc == UPNPCOMMAND_SUCCESS)
		upnp_holder_fill(h, client, port, desc, lease);
	return rc;
}

/* The WAN side as the IGD sees it: its external address, and "Connected",
 * "Disconnected"... (probe reports both; a cached IGD's check for a
 * mapping asks only the address). */
static void read_wan_state(const struct upnp_job *j, const struct UPNPUrls *urls,
			   struct upnp_igd *igd, struct upnp_status *o)
{
	char lasterr[64] = "";
	unsigned int uptime = 0;
	if (time_left(j, o))
		igd->external_code =
			UPNP_GetExternalIPAddress(urls->controlURL, igd->data.first.servicetype,
						  igd->external);
	if ((!j->cached || j->wan_status) && time_left(j, o) &&
	    UPNP_GetStatusInfo(urls->controlURL, igd->data.first.servicetype, igd->status, &uptime,
			       lasterr) != UPNPCOMMAND_SUCCESS)
		igd->status[0] = '\0';
}

static bool description_failed(struct upnp_status *o, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* probe: whether the IGD opens IPv6 pinholes (asked over IPv4: the
 * status is no one host's, unlike AddPinhole). */
static void read_firewall(const struct upnp_job *j, const struct UPNPUrls *urls,
			  struct upnp_igd *igd, struct upnp_status *o)
{
	int enabled = 0, allowed = 0;
	igd->firewall_code = UPNP_FIREWALL_NOT_ASKED;
	if (!j->wan_status || !igd->data.IPv6FC.controlurl[0] || !urls->controlURL_6FC ||
	    !time_left(j, o))
		return;
	igd->firewall_code =
		UPNP_GetFirewallStatus(urls->controlURL_6FC, igd->data.IPv6FC.servicetype, &enabled,
				       &allowed);
	igd->firewall_enabled = enabled != 0;
	igd->inbound_allowed = allowed != 0;
}

static bool description_failed(struct upnp_status *o, int code, const char *fmt, ...)
{
	va_list ap;
	set_action(o, "description", code);
	va_start(ap, fmt);
	vsnprintf(o->detail, sizeof(o->detail), fmt, ap);
	va_end(ap);
	return false;
}

/* Why natctl's own fetch of the description failed, in words. */
static bool fetch_failed(struct upnp_status *o, int rc, const struct http_response *resp,
			 int sys_error)
{
	if (rc == HTTP_ERR_CONNECT)
		return description_failed(o, UPNPCOMMAND_HTTP_ERROR, "%s", strerror(sys_error));
	if (rc == HTTP_ERR_STATUS)
		return description_failed(o, UPNPCOMMAND_HTTP_ERROR, "HTTP status %d",
					  resp->status);
	if (rc == HTTP_ERR_TOO_LARGE)
		return description_failed(o, UPNPCOMMAND_HTTP_ERROR,
					  "the description is larger than %d KiB",
					  UPNP_DESCRIPTION_MAX / 1024);
	if (rc == HTTP_ERR_TIMEOUT)
		o->out_of_time = true;
	return description_failed(o, UPNPCOMMAND_HTTP_ERROR, "the description: %s",
				  http_strerror(rc));
}

/*
 * miniupnpc's own fetch (UPNP_GetIGDFromUrl) keeps reading as long as the
 * device sends: natctl reads at most UPNP_DESCRIPTION_MAX by the deadline
 * and hands that to miniupnpc's parser.
 */
static bool fetch_description(const struct upnp_job *j, struct upnp_igd *igd, struct upnp_status *o)
{
	struct endpoint server, local;
	struct http_response resp;
	int sys_error;
	if (ssdp_parse_url(igd->location, &server) < 0)
		return description_failed(o, UPNPCOMMAND_INVALID_ARGS,
					  "the LOCATION is not an http://IP:port/path URL");
	uint8_t *body = malloc(UPNP_DESCRIPTION_MAX);
	if (!body)
		return description_failed(o, UPNPCOMMAND_MEM_ALLOC_ERROR, "out of memory");
	int rc = http_get(&server, ssdp_url_path(igd->location), j->deadline, body,
			  UPNP_DESCRIPTION_MAX, &resp, &local, &sys_error);
	if (rc == 0) {
		parserootdesc((const char *)body, (int)resp.body_len, &igd->data);
		endpoint_format_ip(&local, igd->lanaddr);
	}
	free(body);
	if (rc < 0)
		return fetch_failed(o, rc, &resp, sys_error);
	if (!igd->data.first.servicetype[0])
		return description_failed(o, UPNPCOMMAND_INVALID_RESPONSE,
					  "no WANIPConnection or WANPPPConnection service");
	return true;
}

/* One LOCATION: its description, its control URL checked, its WAN state. */
static bool describe_one(const struct upnp_job *j, const char *location, struct upnp_igd *igd,
			 struct upnp_status *o)
{
	struct UPNPUrls urls;
	memset(igd, 0, sizeof(*igd));
	memset(o, 0, sizeof(*o));
	copy_text(igd->location, sizeof(igd->location), location);
	if (!time_left(j, o))
		return description_failed(o, 0, "no time left for the description");
	if (!fetch_description(j, igd, o))
		return false;
	char why[sizeof(o->detail)];
	if (upnp_igd_urls(igd, &urls, why, sizeof(why)) < 0)
		return description_failed(o, UPNPCOMMAND_INVALID_RESPONSE, "%s", why);
	/* 2.2.4's UPNP_GetValidIGD calls an IGD with a private or reserved
	 * WAN address "not connected"; natctl asks for the address itself and
	 * classifies it (double NAT) instead. */
	read_wan_state(j, &urls, igd, o);
	read_firewall(j, &urls, igd, o);
	FreeUPNPUrls(&urls);
	return true;
}

bool upnp_igd_gone(int code)
{
	return code < 0 || code == UPNP_INVALID_ACTION;
}

/* The cached IGD: its control URL checked as a fresh one is, and asked
 * for the WAN state; it must answer as the IGD it was. */
static bool describe_cached(const struct upnp_job *j, struct upnp_igd *igd, struct upnp_status *o)
{
	struct UPNPUrls urls;
	char why[sizeof(o->detail)];
	*igd = j->igd;
	igd->external[0] = igd->status[0] = '\0';
	igd->external_code = 0;
	memset(o, 0, sizeof(*o));
	if (upnp_igd_urls(igd, &urls, why, sizeof(why)) < 0)
		return description_failed(o, UPNPCOMMAND_INVALID_RESPONSE, "%s", why);
	read_wan_state(j, &urls, igd, o);
	read_firewall(j, &urls, igd, o);
	FreeUPNPUrls(&urls);
	if (o->out_of_time)
		return description_failed(o, 0, "no time left to ask the cached IGD");
	if (upnp_igd_gone(igd->external_code)) {
		set_action(o, "GetExternalIPAddress", igd->external_code);
		snprintf(o->detail, sizeof(o->detail), "the cached IGD did not answer as one");
		return false;
	}
	return true;
}

static bool connected(const struct upnp_igd *igd)
{
	return strcmp(igd->status, "Connected") == 0;
}

/* Several IGDs may answer (a double NAT with UPnP on both, a repeater...):
 * the first connected one wins, else the first usable one. */
static void job_describe(const struct upnp_job *j, struct upnp_status *o, int fd)
{
	struct upnp_igd igd, best;
	struct upnp_status tried;
	bool have = false;
	if (j->cached) {
		if (describe_cached(j, &best, o))
			worker_put(fd, UPNP_REC_IGD, &best, sizeof(best));
		return;
	}
	for (size_t i = 0; i < j->n_locations && i < UPNP_MAX_LOCATIONS; i++) {
		if (!describe_one(j, j->locations[i], &igd, &tried)) {
			if (!have)
				*o = tried; /* the last failure, unless one succeeded */
			continue;
		}
		if (!have || (connected(&igd) && !connected(&best))) {
			best = igd;
			*o = tried;
		}
		have = true;
		if (connected(&best))
			break;
	}
	if (have)
		worker_put(fd, UPNP_REC_IGD, &best, sizeof(best));
}

/* A port for a retry of --any on IGDv1, where the gateway cannot choose. */
static uint16_t random_port(void)
{
	uint16_t r = 0;
	if (random_bytes(&r, sizeof(r)) < 0)
		r = (uint16_t)clock_now_us();
	return (uint16_t)(1024 + r % (65536 - 1024));
}

struct add_state {
	const char *ctl, *svc, *proto;
	uint16_t eport;
	uint32_t lifetime;
	bool use_any;
	int other_ports;
	unsigned quirks; /* enum upnp_quirk */
};

static int add_once(const struct upnp_job *j, struct add_state *s, struct upnp_status *o)
{
	char ext[8], in[8], lease[16], reserved[16] = "";
	snprintf(ext, sizeof(ext), "%u", s->eport);
	snprintf(in, sizeof(in), "%u", j->internal_port);
	snprintf(lease, sizeof(lease), "%u", s->lifetime);
	const char *desc = j->description[0] ? j->description : "natctl";
	if (!s->use_any) {
		int rc = UPNP_AddPortMapping(s->ctl, s->svc, ext, in, j->internal_client, desc,
					     s->proto, NULL, lease);
		set_action(o, "AddPortMapping", rc);
		return rc;
	}
	int rc = UPNP_AddAnyPortMapping(s->ctl, s->svc, ext, in, j->internal_client, desc, s->proto,
					NULL, lease, reserved);
	set_action(o, "AddAnyPortMapping", rc);
	if (rc == UPNPCOMMAND_SUCCESS) {
		uint32_t given = upnp_text_u32(reserved, 65535);
		if (given)
			s->eport = (uint16_t)given;
	}
	return rc;
}

/* The router quirks: each answer that has a known remedy gets one retry. */
static bool retry_quirk(const struct upnp_job *j, struct add_state *s, int rc)
{
	if (s->use_any &&
	    (rc == UPNP_INVALID_ACTION || rc == UPNP_OPTIONAL_ACTION_NOT_IMPLEMENTED)) {
		s->use_any = false; /* no AddAnyPortMapping after all */
		s->quirks |= UPNP_QUIRK_NO_ANY;
		return true;
	}
	if ((rc == UPNP_ONLY_PERMANENT_LEASES_SUPPORTED || rc == UPNP_INVALID_ARGS) &&
	    s->lifetime != 0) {
		s->lifetime = 0;
		s->quirks |= UPNP_QUIRK_PERMANENT_ONLY;
		return true;
	}
	if (rc == UPNP_SAME_PORT_VALUES_REQUIRED && s->eport != j->internal_port) {
		s->eport = j->internal_port;
		s->quirks |= UPNP_QUIRK_SAME_PORT;
		return true;
	}
	if (rc == UPNP_CONFLICT_IN_MAPPING_ENTRY && j->any && !s->use_any && s->other_ports < 3) {
		s->eport = random_port();
		s->other_ports++;
		s->quirks |= UPNP_QUIRK_OTHER_PORT;
		return true;
	}
	return false;
}

/* Reads back what the router granted: some shorten the lease. */
static uint32_t granted_lease(const struct upnp_job *j, const struct add_state *s,
			      struct upnp_status *o)
{
	char ext[8];
	struct upnp_holder h;
	snprintf(ext, sizeof(ext), "%u", s->eport);
	if (time_left(j, o) && lookup_holder(s->ctl, s->svc, ext, s->proto, &h) == 0 && h.lease &&
	    (s->lifetime == 0 || h.lease <= s->lifetime))
		return h.lease;
	return s->lifetime;
}

static bool names_holder(int code)
{
	return code == UPNP_CONFLICT_IN_MAPPING_ENTRY || code == UPNP_ACTION_NOT_AUTHORIZED ||
	       code == UPNP_CONFLICT_WITH_OTHER_MECHANISMS;
}

/* The port is refused: who holds it, if the router says (the failed call stays the status). */
static void report_holder(const struct add_state *s, struct upnp_status *o, int fd)
{
	char ext[8];
	struct upnp_holder h;
	snprintf(ext, sizeof(ext), "%u", s->eport);
	if (lookup_holder(s->ctl, s->svc, ext, s->proto, &h) == 0)
		worker_put(fd, UPNP_REC_HOLDER, &h, sizeof(h));
	o->external_port = s->eport;
}

/* The IGD's control URL for a SOAP job, checked again here, where it is used. */
static bool open_igd(const struct upnp_job *j, struct UPNPUrls *urls, struct upnp_status *o)
{
	if (upnp_igd_urls(&j->igd, urls, o->detail, sizeof(o->detail)) == 0)
		return true;
	set_action(o, "description", UPNPCOMMAND_INVALID_RESPONSE);
	return false;
}

static void job_add(const struct upnp_job *j, struct upnp_status *o, int fd)
{
	struct UPNPUrls urls;
	if (!open_igd(j, &urls, o))
		return;
	struct add_state s = {
		.ctl = urls.controlURL,
		.svc = j->igd.data.first.servicetype,
		.proto = j->udp ? "UDP" : "TCP", /* upper case: some routers reject "tcp" */
		.eport = j->external_port,
		.lifetime = j->lifetime,
		.use_any = j->any && upnp_igd_v2(&j->igd.data),
	};
	int rc = UPNPCOMMAND_UNKNOWN_ERROR;
	for (int attempt = 0; attempt < 8 && time_left(j, o); attempt++) {
		rc = add_once(j, &s, o);
		if (rc == UPNPCOMMAND_SUCCESS || !retry_quirk(j, &s, rc))
			break;
	}
	if (rc == UPNPCOMMAND_SUCCESS) {
		struct upnp_added a = {.external_port = s.eport, .quirks = s.quirks};
		a.lifetime = granted_lease(j, &s, o);
		o->out_of_time = false;
		worker_put(fd, UPNP_REC_ADDED, &a, sizeof(a));
	} else if (names_holder(rc) && time_left(j, o)) {
		report_holder(&s, o, fd);
	}
	FreeUPNPUrls(&urls);
}

static void job_delete(const struct upnp_job *j, struct upnp_status *o, int fd)
{
	struct UPNPUrls urls;
	if (!open_igd(j, &urls, o))
		return;
	const char *svc = j->igd.data.first.servicetype, *proto = j->udp ? "UDP" : "TCP";
	char ext[8];
	struct upnp_holder h;
	struct upnp_deleted d = {0};
	snprintf(ext, sizeof(ext), "%u", j->external_port);
	if (time_left(j, o)) {
		int rc = lookup_holder(urls.controlURL, svc, ext, proto, &h);
		set_action(o, "GetSpecificPortMappingEntry", rc);
		if (rc == 0)
			worker_put(fd, UPNP_REC_HOLDER, &h, sizeof(h));
		if (rc == UPNP_NO_SUCH_ENTRY_IN_ARRAY || rc == UPNP_INVALID_ARGS) {
			d.not_found = true;
		} else if (rc == 0 && strcmp(h.client, j->internal_client) != 0 && !j->force) {
			d.refused_other_host = true;
		} else if (time_left(j, o)) {
			/* A lookup error (606 in secure mode, 501...) does not stop the
			 * delete: the router decides what we may remove. */
			rc = UPNP_DeletePortMapping(urls.controlURL, svc, ext, proto, NULL);
			set_action(o, "DeletePortMapping", rc);
			d.not_found = rc == UPNP_NO_SUCH_ENTRY_IN_ARRAY;
		}
		worker_put(fd, UPNP_REC_DELETED, &d, sizeof(d));
	}
	FreeUPNPUrls(&urls);
}

/* Where the pinhole call goes: the control URL's path and port at the IGD's IPv6 address. */
static bool pinhole_target(const struct upnp_job *j, const struct UPNPUrls *urls,
			   struct endpoint *server, const char **path, struct upnp_status *o)
{
	struct endpoint ctl;
	if (!j->igd.data.IPv6FC.controlurl[0] || !urls->controlURL_6FC ||
	    ssdp_parse_url(urls->controlURL_6FC, &ctl) < 0) {
		set_action(o, upnp_6fc_action_name(j->pin.action), UPNP_INVALID_ACTION);
		snprintf(o->detail, sizeof(o->detail),
			 "the IGD has no WANIPv6FirewallControl service");
		return false;
	}
	*server = j->pin.server;
	server->port = ctl.port;
	*path = ssdp_url_path(urls->controlURL_6FC);
	return true;
}

/* The POST failed: why, with the errno behind it. */
static void pinhole_unsent(struct upnp_status *o, const char *name, int rc, int err)
{
	set_action(o, name, UPNPCOMMAND_HTTP_ERROR);
	o->out_of_time = rc == HTTP_ERR_TIMEOUT;
	snprintf(o->detail, sizeof(o->detail), "%s%s%s", http_strerror(rc), err ? ": " : "",
		 err ? strerror(err) : "");
}

static void pinhole_call(const struct upnp_job *j, const struct endpoint *server, const char *path,
			 struct upnp_status *o, int fd)
{
	const struct upnp_pin_job *pin = &j->pin;
	const char *name = upnp_6fc_action_name(pin->action);
	struct upnp_6fc_request req = {.action = pin->action,
				       .internal_client = j->internal_client,
				       .internal_port = j->internal_port,
				       .udp = j->udp,
				       .lease = j->lifetime,
				       .unique_id = pin->unique_id};
	char env[UPNP_6FC_ENVELOPE_MAX], action[UPNP_6FC_SOAPACTION_MAX];
	struct http_response resp;
	struct upnp_6fc_reply r;
	int err = 0;
	if (upnp_6fc_envelope(&req, env, sizeof(env), action) < 0) {
		set_action(o, name, UPNPCOMMAND_INVALID_ARGS);
		return;
	}
	struct http_soap soap = {.path = path,
				 .action = action,
				 .envelope = env,
				 .source = &pin->source};
	uint8_t *body = malloc(UPNP_PIN_ANSWER_MAX);
	int rc = body ? http_soap_post(server, &soap, j->deadline, body, UPNP_PIN_ANSWER_MAX, &resp,
				       &err)
		      : HTTP_ERR_TOO_LARGE;
	if (rc < 0) {
		pinhole_unsent(o, name, rc, err);
	} else if (upnp_6fc_parse(pin->action, (const char *)body, resp.body_len, &r) < 0) {
		set_action(o, name, UPNPCOMMAND_INVALID_RESPONSE);
	} else {
		set_action(o, name, r.code);
		worker_put(fd, UPNP_REC_PINHOLE, &r, sizeof(r));
	}
	free(body);
}

static void job_pinhole(const struct upnp_job *j, struct upnp_status *o, int fd)
{
	struct UPNPUrls urls;
	struct endpoint server;
	const char *path;
	if (!open_igd(j, &urls, o))
		return;
	if (pinhole_target(j, &urls, &server, &path, o) && time_left(j, o))
		pinhole_call(j, &server, path, o, fd);
	FreeUPNPUrls(&urls);
}

#define UPNP_LIST_MAX 1024

bool upnp_entry_fill(struct upnp_entry *e, const struct upnp_entry_text *t)
{
	memset(e, 0, sizeof(*e));
	copy_text(e->protocol, sizeof(e->protocol), t->proto);
	e->external_port = (uint16_t)upnp_text_u32(t->ext, 65535);
	copy_text(e->internal_client, sizeof(e->internal_client), t->client);
	e->internal_port = (uint16_t)upnp_text_u32(t->in, 65535);
	copy_text(e->description, sizeof(e->description), t->desc);
	e->enabled = t->enabled && strcmp(t->enabled, "1") == 0;
	copy_text(e->remote_host, sizeof(e->remote_host), t->rhost);
	e->lease = upnp_text_u32(t->lease, UINT32_MAX);
	return e->external_port != 0;
}

static void job_list(const struct upnp_job *j, struct upnp_status *o, int fd)
{
	struct UPNPUrls urls;
	if (!open_igd(j, &urls, o))
		return;
	for (int i = 0; i < UPNP_LIST_MAX && time_left(j, o); i++) {
		char idx[16], ext[16] = "", client[64] = "", in[16] = "", proto[16] = "",
			      desc[128] = "", enabled[16] = "", rhost[128] = "", lease[32] = "";
		snprintf(idx, sizeof(idx), "%d", i);
		int rc = UPNP_GetGenericPortMappingEntry(urls.controlURL,
							 j->igd.data.first.servicetype, idx, ext,
							 client, in, proto, desc, enabled, rhost,
							 lease);
		set_action(o, "GetGenericPortMappingEntry", rc);
		/* 713 SpecifiedArrayIndexInvalid ends the table; some routers say 402. */
		if (rc == UPNP_SPECIFIED_ARRAY_INDEX_INVALID ||
		    (rc == UPNP_INVALID_ARGS && i > 0)) {
			o->code = 0;
			break;
		}
		if (rc != 0)
			break;
		struct upnp_entry e;
		const struct upnp_entry_text t = {ext,  client,  in,    proto,
						  desc, enabled, rhost, lease};
		if (upnp_entry_fill(&e, &t) && worker_put(fd, UPNP_REC_ENTRY, &e, sizeof(e)) < 0)
			break;
	}
	FreeUPNPUrls(&urls);
}

void upnp_job_run(void *arg, int fd)
{
	const struct upnp_job *j = arg;
	struct upnp_status o;
	memset(&o, 0, sizeof(o));
	switch (j->kind) {
	case UPNP_JOB_DESCRIBE: job_describe(j, &o, fd); break;
	case UPNP_JOB_ADD: job_add(j, &o, fd); break;
	case UPNP_JOB_DELETE: job_delete(j, &o, fd); break;
	case UPNP_JOB_LIST: job_list(j, &o, fd); break;
	case UPNP_JOB_PINHOLE: job_pinhole(j, &o, fd); break;
	}
	worker_put(fd, UPNP_REC_STATUS, &o, sizeof(o));
}
