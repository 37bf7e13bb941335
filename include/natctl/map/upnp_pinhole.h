/* SPDX-License-Identifier: BSD-2-Clause */
/* The SOAP codec of UPnP IGDv2 WANIPv6FirewallControl (pinholes): request envelopes and answers, no I/O. */
#ifndef NATCTL_UPNP_PINHOLE_H
#define NATCTL_UPNP_PINHOLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UPNP_6FC_SERVICE "urn:schemas-upnp-org:service:WANIPv6FirewallControl:1"

/* WANIPv6FirewallControl:1: the actions natctl sends. */
enum upnp_6fc_action {
	UPNP_6FC_GET_FIREWALL_STATUS,
	UPNP_6FC_GET_OUTBOUND_TIMEOUT,
	UPNP_6FC_ADD_PINHOLE,
	UPNP_6FC_UPDATE_PINHOLE,
	UPNP_6FC_DELETE_PINHOLE,
};

/* WANIPv6FirewallControl:1, AddPinhole: LeaseTime is 1 to 86400 seconds. */
#define UPNP_6FC_LEASE_MIN 1
#define UPNP_6FC_LEASE_MAX 86400

/* WANIPv6FirewallControl:1: the errors natctl acts on. */
#define UPNP_6FC_NO_SUCH_ENTRY 704

/* Room for the longest envelope (AddPinhole with an IPv6 literal). */
#define UPNP_6FC_ENVELOPE_MAX 768
/* Room for "urn:...:1#GetOutboundPinholeTimeout". */
#define UPNP_6FC_SOAPACTION_MAX 96

struct upnp_6fc_request {
	enum upnp_6fc_action action;
	const char *internal_client; /* ADD, OUTBOUND: an IPv6 literal */
	uint16_t internal_port;      /* ADD, OUTBOUND */
	bool udp;                    /* ADD, OUTBOUND: protocol 17, else 6 */
	uint32_t lease;              /* ADD, UPDATE: seconds, clamped to 1..86400 */
	uint16_t unique_id;          /* UPDATE, DELETE */
};

/* The action's name as SOAP spells it, e.g. "AddPinhole". */
const char *upnp_6fc_action_name(enum upnp_6fc_action action);

/* The lease natctl asks for: the wanted lifetime clamped to what the action takes. */
uint32_t upnp_6fc_lease(uint32_t lifetime);

/*
 * Writes the SOAP envelope of req into out[0, cap) and the SOAPAction
 * value into action[UPNP_6FC_SOAPACTION_MAX]. Returns the envelope's
 * length, or -1 when an argument cannot be sent (an internal client that
 * is not an IPv6 literal) or it does not fit.
 */
int upnp_6fc_envelope(const struct upnp_6fc_request *req, char *out, size_t cap,
		      char action[UPNP_6FC_SOAPACTION_MAX]);

/* What an answer said; only the fields of its action are set. */
struct upnp_6fc_reply {
	int code;                  /* 0, or the UPnPError errorCode of a SOAP fault */
	bool firewall_enabled;     /* GET_FIREWALL_STATUS */
	bool inbound_allowed;      /* GET_FIREWALL_STATUS */
	uint32_t outbound_timeout; /* GET_OUTBOUND_TIMEOUT, seconds */
	uint16_t unique_id;        /* ADD */
};

/* UPNP_6FC_BAD_REPLY: neither the action's answer nor a UPnPError. */
#define UPNP_6FC_BAD_REPLY (-1)

/*
 * Reads the answer body[0, len) to req (miniupnpc's reply parser). Returns
 * 0 when it holds the action's result or a UPnPError (reply->code), or
 * UPNP_6FC_BAD_REPLY.
 */
int upnp_6fc_parse(enum upnp_6fc_action action, const char *body, size_t len,
		   struct upnp_6fc_reply *reply);

/* One line on a pinhole refusal, e.g. 606's: NULL for codes with no pinhole-specific meaning. */
const char *upnp_6fc_explain(int code);

#endif
