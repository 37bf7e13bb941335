// SPDX-License-Identifier: BSD-2-Clause
// The SOAP codec of UPnP IGDv2 WANIPv6FirewallControl: pinhole request envelopes and their answers, no I/O.
#include "natctl/map/upnp_pinhole.h"

#include <errno.h>
#include <miniupnpc/upnpreplyparse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/addr.h"

/* IANA protocol numbers: WANIPv6FirewallControl:1 names the protocol by them. */
#define PROTO_TCP 6
#define PROTO_UDP 17

static const char *const action_names[] = {
	[UPNP_6FC_GET_FIREWALL_STATUS] = "GetFirewallStatus",
	[UPNP_6FC_GET_OUTBOUND_TIMEOUT] = "GetOutboundPinholeTimeout",
	[UPNP_6FC_ADD_PINHOLE] = "AddPinhole",
	[UPNP_6FC_UPDATE_PINHOLE] = "UpdatePinhole",
	[UPNP_6FC_DELETE_PINHOLE] = "DeletePinhole",
};

const char *upnp_6fc_action_name(enum upnp_6fc_action action)
{
	return action_names[action];
}

uint32_t upnp_6fc_lease(uint32_t lifetime)
{
	/* WANIPv6FirewallControl:1: LeaseTime is 1 to 86400 seconds; a permanent
	 * pinhole (0) does not exist, so natctl asks for the longest. */
	if (lifetime == 0 || lifetime > UPNP_6FC_LEASE_MAX)
		return UPNP_6FC_LEASE_MAX;
	return lifetime;
}

/* The <Name>value</Name> arguments of req, in the order the action defines them. */
static int arguments(const struct upnp_6fc_request *req, char *out, size_t cap)
{
	int proto = req->udp ? PROTO_UDP : PROTO_TCP;
	switch (req->action) {
	case UPNP_6FC_GET_FIREWALL_STATUS: return snprintf(out, cap, "%s", "");
	case UPNP_6FC_GET_OUTBOUND_TIMEOUT:
		/* An empty RemoteHost and RemotePort 0 are the wildcards. */
		return snprintf(out, cap,
				"<RemoteHost></RemoteHost><RemotePort>0</RemotePort>"
				"<InternalClient>%s</InternalClient><InternalPort>%u</InternalPort>"
				"<Protocol>%d</Protocol>",
				req->internal_client, req->internal_port, proto);
	case UPNP_6FC_ADD_PINHOLE:
		return snprintf(out, cap,
				"<RemoteHost></RemoteHost><RemotePort>0</RemotePort>"
				"<InternalClient>%s</InternalClient><InternalPort>%u</InternalPort>"
				"<Protocol>%d</Protocol><LeaseTime>%u</LeaseTime>",
				req->internal_client, req->internal_port, proto,
				upnp_6fc_lease(req->lease));
	case UPNP_6FC_UPDATE_PINHOLE:
		return snprintf(out, cap, "<UniqueID>%u</UniqueID><NewLeaseTime>%u</NewLeaseTime>",
				req->unique_id, upnp_6fc_lease(req->lease));
	case UPNP_6FC_DELETE_PINHOLE:
		return snprintf(out, cap, "<UniqueID>%u</UniqueID>", req->unique_id);
	}
	return -1;
}

/* Whether the action names an internal client, which must be an IPv6 literal (nothing to escape in XML). */
static bool client_ok(const struct upnp_6fc_request *req)
{
	struct endpoint e;
	if (req->action != UPNP_6FC_GET_OUTBOUND_TIMEOUT && req->action != UPNP_6FC_ADD_PINHOLE)
		return true;
	return req->internal_client && endpoint_parse_ip(&e, req->internal_client) == 0 &&
	       e.family == AF_INET6;
}

int upnp_6fc_envelope(const struct upnp_6fc_request *req, char *out, size_t cap,
		      char action[UPNP_6FC_SOAPACTION_MAX])
{
	char args[UPNP_6FC_ENVELOPE_MAX];
	const char *name = upnp_6fc_action_name(req->action);
	int a = client_ok(req) ? arguments(req, args, sizeof(args)) : -1;
	if (a < 0 || (size_t)a >= sizeof(args))
		return -1;
	snprintf(action, UPNP_6FC_SOAPACTION_MAX, "%s#%s", UPNP_6FC_SERVICE, name);
	/* UDA 1.1 §3.2.1: the action element in the service's namespace, inside a SOAP 1.1 body. */
	int n = snprintf(out, cap,
			 "<?xml version=\"1.0\"?>\r\n"
			 "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\" "
			 "s:encodingStyle=\"http://schemas.xmlsoap.org/soap/encoding/\">"
			 "<s:Body><u:%s xmlns:u=\"%s\">%s</u:%s></s:Body></s:Envelope>\r\n",
			 name, UPNP_6FC_SERVICE, args, name);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* A decimal of the router's up to max; false for anything else. */
static bool text_number(const char *s, uint32_t max, uint32_t *out)
{
	if (!s || *s < '0' || *s > '9')
		return false;
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (*end || errno || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* UPnP booleans: "1"/"0", and "true"/"yes" and their opposites (UDA 1.1 §2.5). */
static bool text_bool(const char *s, bool *out)
{
	static const char *const yes[] = {"1", "true", "yes"}, *const no[] = {"0", "false", "no"};
	for (size_t i = 0; s && i < 3; i++) {
		if (strcmp(s, yes[i]) == 0 || strcmp(s, no[i]) == 0) {
			*out = strcmp(s, yes[i]) == 0;
			return true;
		}
	}
	return false;
}

/* The action's own results, from the parsed answer. */
static bool results(enum upnp_6fc_action action, struct NameValueParserData *d,
		    struct upnp_6fc_reply *r)
{
	uint32_t v = 0;
	switch (action) {
	case UPNP_6FC_GET_FIREWALL_STATUS:
		return text_bool(GetValueFromNameValueList(d, "FirewallEnabled"),
				 &r->firewall_enabled) &&
		       text_bool(GetValueFromNameValueList(d, "InboundPinholeAllowed"),
				 &r->inbound_allowed);
	case UPNP_6FC_GET_OUTBOUND_TIMEOUT:
		return text_number(GetValueFromNameValueList(d, "OutboundPinholeTimeout"),
				   UINT32_MAX, &r->outbound_timeout);
	case UPNP_6FC_ADD_PINHOLE:
		/* UniqueID is a ui2 (WANIPv6FirewallControl:1). */
		if (!text_number(GetValueFromNameValueList(d, "UniqueID"), UINT16_MAX, &v))
			return false;
		r->unique_id = (uint16_t)v;
		return true;
	case UPNP_6FC_UPDATE_PINHOLE:
	case UPNP_6FC_DELETE_PINHOLE:
		/* No output arguments: the response element alone says it was done. */
		return true;
	}
	return false;
}

int upnp_6fc_parse(enum upnp_6fc_action action, const char *body, size_t len,
		   struct upnp_6fc_reply *reply)
{
	struct NameValueParserData d;
	uint32_t code = 0;
	memset(reply, 0, sizeof(*reply));
	if (len > INT32_MAX)
		return UPNP_6FC_BAD_REPLY;
	ParseNameValue(body, (int)len, &d);
	bool fault = text_number(GetValueFromNameValueList(&d, "errorCode"), 999, &code) && code;
	bool ok = fault || results(action, &d, reply);
	/* The response element (e.g. AddPinholeResponse) must be there for an action without results. */
	if (!fault && ok &&
	    (action == UPNP_6FC_UPDATE_PINHOLE || action == UPNP_6FC_DELETE_PINHOLE)) {
		char want[40];
		int n = snprintf(want, sizeof(want), "%sResponse", upnp_6fc_action_name(action));
		ok = memmem(body, len, want, (size_t)n) != NULL;
	}
	reply->code = fault ? (int)code : 0;
	ClearNameValueList(&d);
	return ok ? 0 : UPNP_6FC_BAD_REPLY;
}

const char *upnp_6fc_explain(int code)
{
	switch (code) {
	case 606:
		return "the gateway opens pinholes only for the address the request comes from, "
		       "and not for a port below 1024";
	case 701: return "the gateway has no room for another pinhole";
	case 702: return "the gateway's IPv6 firewall is disabled (nothing to open)";
	case 703: return "the gateway allows no inbound pinholes";
	case 704: return "the gateway has no such pinhole";
	}
	return NULL;
}
