// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the one-line explanations of what gateways answer (PCP, NAT-PMP and UPnP codes).
#include "natctl/map/map_errors.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/map/pcp.h"
#include "test.h"

static void map_errors_pcp_results(void)
{
	static const struct {
		unsigned code;
		const char *text;
	} rows[] = {
		{PCP_RESULT_NOT_AUTHORIZED,
		 "NOT_AUTHORIZED: the gateway's policy refuses this mapping"},
		{PCP_RESULT_ADDRESS_MISMATCH,
		 "ADDRESS_MISMATCH: the gateway saw another source address than this host's; another NAT between this host and the gateway (double NAT) is the usual cause"},
		{PCP_RESULT_NO_RESOURCES,
		 "NO_RESOURCES: the gateway cannot map now; usually a double NAT: the gateway's own WAN address is private or carrier-grade NAT"},
		{PCP_RESULT_NETWORK_FAILURE,
		 "NETWORK_FAILURE: the gateway cannot map now; usually a double NAT: the gateway's own WAN address is private or carrier-grade NAT"},
		{PCP_RESULT_CANNOT_PROVIDE_EXTERNAL,
		 "CANNOT_PROVIDE_EXTERNAL: external port 8080/tcp is taken (--any lets the gateway choose)"},
		{PCP_RESULT_USER_EX_QUOTA,
		 "USER_EX_QUOTA: this host has as many mappings as the gateway allows"},
		{PCP_RESULT_UNSUPP_PROTOCOL, "UNSUPP_PROTOCOL (result code 9)"},
		{200, "UNKNOWN (result code 200)"},
	};
	char out[320];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		map_pcp_result_text(rows[i].code, 8080, "tcp", out, sizeof(out));
		CHECK_EQ_STR(out, rows[i].text);
	}
}

static void map_errors_natpmp_results(void)
{
	static const struct {
		unsigned code;
		const char *text;
	} rows[] = {
		{NATPMP_RESULT_NOT_AUTHORIZED,
		 "NOT_AUTHORIZED: the gateway refuses mappings (NAT-PMP disabled or forbidden)"},
		{NATPMP_RESULT_NETWORK_FAILURE,
		 "NETWORK_FAILURE: the gateway has no usable public address; usually a double NAT: the gateway's own WAN address is private or carrier-grade NAT"},
		{NATPMP_RESULT_OUT_OF_RESOURCES,
		 "OUT_OF_RESOURCES: the gateway cannot create more mappings"},
		{NATPMP_RESULT_UNSUPPORTED_OPCODE, "UNSUPPORTED_OPCODE (result code 5)"},
	};
	char out[320];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		map_natpmp_result_text(rows[i].code, out, sizeof(out));
		CHECK_EQ_STR(out, rows[i].text);
	}
}

/* A UPnP failure as the adapter sees it: this host 192.168.77.10, a mapping for itself. */
static void upnp_text(int code, const char *action, const struct upnp_holder *h,
		      const char *internal, const char *external, char *out, size_t len)
{
	struct upnp_status st = {.code = code};
	struct upnp_holder none = {0};
	snprintf(st.action, sizeof(st.action), "%s", action);
	struct upnp_failure f = {
		.status = &st,
		.holder = h ? h : &none,
		.proto = "tcp",
		.external_port = 8080,
		.internal = internal,
		.self = "192.168.77.10",
		.external = external,
	};
	map_upnp_failure_text(&f, out, len);
}

static void map_errors_upnp_failures(void)
{
	char out[320];
	struct upnp_holder h = {.known = true,
				.client = "192.168.77.11",
				.port = 8080,
				.description = "game \x1b[2J"};
	upnp_text(UPNP_CONFLICT_IN_MAPPING_ENTRY, "AddPortMapping", &h, "192.168.77.10", "", out,
		  sizeof(out));
	CHECK_EQ_STR(
		out,
		"external port 8080/tcp is held by 192.168.77.11:8080 (\"game ?[2J\") (718 ConflictInMappingEntry)");
	upnp_text(UPNP_ACTION_NOT_AUTHORIZED, "AddPortMapping", NULL, "192.168.77.50", "", out,
		  sizeof(out));
	CHECK_EQ_STR(
		out,
		"the gateway maps only to the host that asks (secure mode): 192.168.77.50 is not this host's address 192.168.77.10 (AddPortMapping 606 Action not authorized)");
	upnp_text(UPNP_CONFLICT_IN_MAPPING_ENTRY, "AddPortMapping", NULL, "192.168.77.10", "", out,
		  sizeof(out));
	CHECK_EQ_STR(out, "external port 8080/tcp is taken (718 ConflictInMappingEntry)");
	upnp_text(UPNP_CONFLICT_WITH_OTHER_MECHANISMS, "AddPortMapping", NULL, "192.168.77.10", "",
		  out, sizeof(out));
	CHECK_EQ_STR(
		out,
		"not authorized: the gateway refuses this mapping (AddPortMapping 729 UnknownError)");
	upnp_text(UPNP_ACTION_FAILED, "AddPortMapping", NULL, "192.168.77.10", "", out,
		  sizeof(out));
	CHECK_EQ_STR(
		out,
		"AddPortMapping failed (501 Action Failed): the gateway reports no external address; usually a double NAT: the gateway's own WAN address is private or carrier-grade NAT");
	upnp_text(UPNP_ACTION_FAILED, "AddPortMapping", NULL, "192.168.77.10", "203.0.113.2", out,
		  sizeof(out));
	CHECK_EQ_STR(out, "AddPortMapping failed (501 Action Failed)");
	upnp_text(-3, "GetGenericPortMappingEntry", NULL, "192.168.77.10", "", out, sizeof(out));
	CHECK_EQ_STR(out, "GetGenericPortMappingEntry failed (no valid HTTP answer)");
}

static void map_errors_upnp_out_of_time(void)
{
	char out[320];
	struct upnp_status st = {.code = 0, .out_of_time = true};
	struct upnp_holder none = {0};
	struct upnp_failure f = {.status = &st,
				 .holder = &none,
				 .proto = "udp",
				 .internal = "a",
				 .self = "a",
				 .external = ""};
	map_upnp_failure_text(&f, out, sizeof(out));
	CHECK_EQ_STR(out, "no time left for the SOAP call before the deadline");
}

/* A hostile gateway's holder: escapes in the client and the description,
 * a raw C1 CSI (0x9b), UTF-8 C1 (U+009B), broken UTF-8. */
static void map_errors_upnp_holder_sanitised(void)
{
	char out[320];
	struct upnp_holder h = {.known = true, .port = 8080};
	snprintf(h.client, sizeof(h.client), "%s",
		 "\x1b]0;pwn\x07\x9b"
		 "2J");
	snprintf(h.description, sizeof(h.description), "%s",
		 "\xc2\x9b"
		 "31m\r\nok \xc3\xa9\xe2\x82");
	upnp_text(UPNP_CONFLICT_IN_MAPPING_ENTRY, "AddPortMapping", &h, "192.168.77.10", "", out,
		  sizeof(out));
	CHECK_EQ_STR(
		out,
		"external port 8080/tcp is held by ?]0;pwn??2J:8080 (\"??31m??ok \xc3\xa9??\") (718 ConflictInMappingEntry)");
	map_upnp_not_ours_text(&h, 8080, "udp", out, sizeof(out));
	CHECK_EQ_STR(
		out,
		"8080/udp points at ?]0;pwn??2J:8080 (\"??31m??ok \xc3\xa9??\"), not this host; --force deletes it");
}

/* A pinhole call's failure in one line: 606 explained, no answer with its cause. */
static void map_errors_upnp_pinholes(void)
{
	char out[MAP_TEXT_MAX];
	struct upnp_status st = {.code = 606};
	snprintf(st.action, sizeof(st.action), "AddPinhole");
	map_upnp_pinhole_text(&st, "2001:db8:77::10", 40000, "udp", out, sizeof(out));
	CHECK_EQ_STR(out,
		     "AddPinhole refused (606 Action not authorized): the gateway opens "
		     "pinholes only for the address the request comes from, and not for a "
		     "port below 1024: asked from 2001:db8:77::10 for [2001:db8:77::10]:40000/udp");
	st.code = -3; /* UPNPCOMMAND_HTTP_ERROR */
	snprintf(st.detail, sizeof(st.detail), "cannot connect: Connection refused");
	map_upnp_pinhole_text(&st, "2001:db8:77::10", 40000, "udp", out, sizeof(out));
	CHECK_EQ_STR(out,
		     "AddPinhole failed (no valid HTTP answer): cannot connect: Connection refused");
	st.code = 0;
	st.out_of_time = true;
	map_upnp_pinhole_text(&st, "2001:db8:77::10", 40000, "udp", out, sizeof(out));
	CHECK_EQ_STR(out, "no time left for AddPinhole before the deadline");
}

const struct test_case map_errors_cases[] = {
	T(map_errors_upnp_holder_sanitised),
	T(map_errors_pcp_results),
	T(map_errors_natpmp_results),
	T(map_errors_upnp_failures),
	T(map_errors_upnp_out_of_time),
	T(map_errors_upnp_pinholes),
	{NULL, NULL},
};
