// SPDX-License-Identifier: BSD-2-Clause
// Gateway refusals explained in one line each: the code by name and what usually causes it.
#include "natctl/map/map_errors.h"

#include <miniupnpc/upnpcommands.h>
#include <miniupnpc/upnperrors.h>
#include <stdio.h>
#include <string.h>

#include "natctl/base/text.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/map/pcp.h"
#include "natctl/map/upnp_pinhole.h"

static const char double_nat_hint[] =
	"usually a double NAT: the gateway's own WAN address is private or carrier-grade NAT";

void map_pcp_result_text(unsigned result, uint16_t port, const char *proto, char *out, size_t len)
{
	const char *name = pcp_result_name(result);
	switch (result) {
	case PCP_RESULT_NOT_AUTHORIZED:
		snprintf(out, len, "%s: the gateway's policy refuses this mapping", name);
		break;
	case PCP_RESULT_ADDRESS_MISMATCH:
		/* RFC 6887 §8.3 ADDRESS_MISMATCH: the source address the server saw
		 * is not the one the client wrote: something translated it. */
		snprintf(out, len,
			 "%s: the gateway saw another source address than this host's; %s", name,
			 "another NAT between this host and the gateway (double NAT) is the usual cause");
		break;
	case PCP_RESULT_NO_RESOURCES:
	case PCP_RESULT_NETWORK_FAILURE:
		snprintf(out, len, "%s: the gateway cannot map now; %s", name, double_nat_hint);
		break;
	case PCP_RESULT_CANNOT_PROVIDE_EXTERNAL:
		snprintf(out, len,
			 "%s: external port %u/%s is taken (--any lets the gateway choose)", name,
			 port, proto);
		break;
	case PCP_RESULT_USER_EX_QUOTA:
		snprintf(out, len, "%s: this host has as many mappings as the gateway allows",
			 name);
		break;
	default: snprintf(out, len, "%s (result code %u)", name, result); break;
	}
}

void map_natpmp_result_text(unsigned result, char *out, size_t len)
{
	const char *name = natpmp_result_name(result);
	switch (result) {
	case NATPMP_RESULT_NOT_AUTHORIZED:
		snprintf(out, len,
			 "%s: the gateway refuses mappings (NAT-PMP disabled or forbidden)", name);
		break;
	case NATPMP_RESULT_NETWORK_FAILURE:
		/* RFC 6886 §3.5: "e.g., NAT box itself has not obtained a DHCP lease". */
		snprintf(out, len, "%s: the gateway has no usable public address; %s", name,
			 double_nat_hint);
		break;
	case NATPMP_RESULT_OUT_OF_RESOURCES:
		snprintf(out, len, "%s: the gateway cannot create more mappings", name);
		break;
	default: snprintf(out, len, "%s (result code %u)", name, result); break;
	}
}

bool map_upnp_no_http_answer(int code)
{
	return code == UPNPCOMMAND_HTTP_ERROR;
}

void map_upnp_code_text(int code, char *out, size_t len)
{
	const char *name = code > 0 ? strupnperror(code) : NULL;
	switch (code) {
	case UPNPCOMMAND_HTTP_ERROR: snprintf(out, len, "no valid HTTP answer"); return;
	case UPNPCOMMAND_INVALID_RESPONSE: snprintf(out, len, "an unreadable SOAP answer"); return;
	case UPNPCOMMAND_INVALID_ARGS: snprintf(out, len, "invalid arguments"); return;
	case UPNPCOMMAND_UNKNOWN_ERROR: snprintf(out, len, "an unknown error"); return;
	}
	if (name)
		snprintf(out, len, "%d %s", code, name);
	else
		snprintf(out, len, "error %d", code);
}

/* "192.168.77.11:8080 (\"game\")": the client and the description come
 * from the gateway, so both pass the sanitiser. */
static void holder_text(const struct upnp_holder *h, char *out, size_t len)
{
	char client[sizeof(h->client)], desc[UPNP_DESC_MAX];
	text_sanitize(client, sizeof(client), h->client);
	text_sanitize(desc, sizeof(desc), h->description);
	snprintf(out, len, "%s:%u (\"%s\")", client, h->port, desc);
}

void map_upnp_not_ours_text(const struct upnp_holder *h, uint16_t external_port, const char *proto,
			    char *out, size_t len)
{
	char holder[160];
	holder_text(h, holder, sizeof(holder));
	snprintf(out, len, "%u/%s points at %s, not this host; --force deletes it", external_port,
		 proto, holder);
}

void map_upnp_pinhole_text(const struct upnp_status *st, const char *self, uint16_t port,
			   const char *proto, char *out, size_t len)
{
	char code[96], action[sizeof(st->action)], detail[sizeof(st->detail)];
	const char *why = upnp_6fc_explain(st->code);
	map_upnp_code_text(st->code, code, sizeof(code));
	/* Our own words, but they came back through the worker's records. */
	text_sanitize(action, sizeof(action), st->action[0] ? st->action : "the pinhole call");
	text_sanitize(detail, sizeof(detail), st->detail);
	if (st->code > 0)
		snprintf(out, len, "%s refused (%s)%s%s: asked from %s for [%s]:%u/%s", action,
			 code, why ? ": " : "", why ? why : "", self, self, port, proto);
	else if (st->code == 0 && st->out_of_time)
		snprintf(out, len, "no time left for %s before the deadline", action);
	else if (detail[0])
		snprintf(out, len, "%s failed (%s): %s", action, code, detail);
	else
		snprintf(out, len, "%s failed (%s)", action, code);
}

void map_upnp_failure_text(const struct upnp_failure *f, char *out, size_t len)
{
	const struct upnp_status *o = f->status;
	const struct upnp_holder *h = f->holder;
	char code[96], holder[160], action[sizeof(o->action)];
	map_upnp_code_text(o->code, code, sizeof(code));
	/* Our own words, but they came back through the worker's records. */
	text_sanitize(action, sizeof(action), o->action);
	bool other_host = strcmp(f->internal, f->self) != 0;
	bool taken = o->code == UPNP_CONFLICT_IN_MAPPING_ENTRY;
	bool refused = o->code == UPNP_ACTION_NOT_AUTHORIZED ||
		       o->code == UPNP_CONFLICT_WITH_OTHER_MECHANISMS;
	if (taken && h->known && strcmp(h->client, f->internal) != 0) {
		holder_text(h, holder, sizeof(holder));
		snprintf(out, len, "external port %u/%s is held by %s (%s)", f->external_port,
			 f->proto, holder, code);
	} else if ((taken || refused) && other_host) {
		/* miniupnpd's secure_mode, and many routers, map only to the
		 * host that asks, and say so with 718 or 606. */
		snprintf(out, len,
			 "the gateway maps only to the host that asks (secure mode): %s is not this host's address %s (%s %s)",
			 f->internal, f->self, action, code);
	} else if (taken) {
		snprintf(out, len, "external port %u/%s is taken (%s)", f->external_port, f->proto,
			 code);
	} else if (refused) {
		snprintf(out, len, "not authorized: the gateway refuses this mapping (%s %s)",
			 action, code);
	} else if (o->code == UPNP_ACTION_FAILED && !f->external[0]) {
		snprintf(out, len, "%s failed (%s): the gateway reports no external address; %s",
			 action, code, double_nat_hint);
	} else if (o->code == 0 && o->out_of_time) {
		snprintf(out, len, "no time left for %s before the deadline",
			 action[0] ? action : "the SOAP call");
	} else {
		snprintf(out, len, "%s failed (%s)", action[0] ? action : "the request", code);
	}
}
