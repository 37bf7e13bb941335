// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for SSDP: the M-SEARCH we send and the parsing of (hostile) search responses.
#include "natctl/map/map_types.h"
#include "natctl/map/ssdp.h"
#include "test.h"

static const char miniupnpd_answer[] =
	"HTTP/1.1 200 OK\r\n"
	"CACHE-CONTROL: max-age=120\r\n"
	"ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
	"USN: uuid:2fd01fb9::urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
	"EXT:\r\n"
	"SERVER: Debian/12 UPnP/1.1 MiniUPnPd/2.3.1\r\n"
	"LOCATION: http://192.168.77.1:5000/rootDesc.xml\r\n"
	"OPT: \"http://schemas.upnp.org/upnp/1/0/\"; ns=01\r\n"
	"\r\n";

static void ssdp_parse_miniupnpd(void)
{
	struct ssdp_answer a;
	CHECK_EQ_INT(ssdp_parse_response(miniupnpd_answer, sizeof(miniupnpd_answer) - 1, &a), 0);
	CHECK_EQ_STR(a.location, "http://192.168.77.1:5000/rootDesc.xml");
	CHECK_EQ_STR(a.st, "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
	CHECK_EQ_STR(a.server, "Debian/12 UPnP/1.1 MiniUPnPd/2.3.1");
	char ip[IP_STRLEN];
	CHECK_EQ_STR(endpoint_format_ip(&a.host, ip), "192.168.77.1");
	CHECK_EQ_INT(a.host.port, 5000);
}

/* Header names in any case, LF line ends, no port (80), a WAN service as ST. */
static void ssdp_parse_lenient_forms(void)
{
	static const char text[] = "HTTP/1.0 200 OK\n"
				   "location:http://10.0.0.1/desc.xml\n"
				   "st:  urn:schemas-upnp-org:service:WANIPConnection:2 \n";
	struct ssdp_answer a;
	CHECK_EQ_INT(ssdp_parse_response(text, sizeof(text) - 1, &a), 0);
	CHECK_EQ_INT(a.host.port, 80);
	CHECK_EQ_STR(a.st, "urn:schemas-upnp-org:service:WANIPConnection:2");
}

static void ssdp_parse_hostile_table(void)
{
	static const struct {
		const char *text;
		int want;
	} rows[] = {
		{"", SSDP_ERR_STATUS},
		{"NOTIFY * HTTP/1.1\r\nLOCATION: http://1.2.3.4/\r\n\r\n", SSDP_ERR_STATUS},
		{"HTTP/1.1 404 Not Found\r\n\r\n", SSDP_ERR_STATUS},
		{"HTTP/1.1 2000 OK\r\n\r\n", SSDP_ERR_STATUS},
		{"HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_NO_LOCATION},
		{"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", SSDP_ERR_MALFORMED},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1/x\r\nST: upnp:rootdevice\r\n\r\n",
		 SSDP_ERR_ST},
		{"HTTP/1.1 200 OK\r\nLOCATION: https://192.168.1.1/x\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://router.lan:5000/x\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1:99999/x\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1:80\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1/a b\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://[2001:db8::1]/x\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
		{"HTTP/1.1 200 OK\r\nLOCATION: http://192.168.1.1:+80/x\r\n"
		 "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n",
		 SSDP_ERR_LOCATION},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct ssdp_answer a;
		int rc = ssdp_parse_response(rows[i].text, strlen(rows[i].text), &a);
		if (rc != rows[i].want) {
			char m[160];
			snprintf(m, sizeof(m), "row %zu: got %d (%s), want %d", i, rc,
				 ssdp_strerror(rc), rows[i].want);
			test_fail(__FILE__, __LINE__, m);
		}
	}
}

/* Long values, embedded NULs and oversized datagrams never overrun. */
static void ssdp_parse_oversized(void)
{
	char big[2000];
	memset(big, 'a', sizeof(big));
	struct ssdp_answer a;
	CHECK_EQ_INT(ssdp_parse_response(big, sizeof(big), &a), SSDP_ERR_MALFORMED);

	char loc[600];
	int n = snprintf(loc, sizeof(loc), "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/");
	memset(loc + n, 'x', 300);
	memcpy(loc + n + 300, "\r\n\r\n", 5);
	CHECK_EQ_INT(ssdp_parse_response(loc, strlen(loc), &a), SSDP_ERR_LOCATION);

	static const char nul[] = "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/\0x\r\n\r\n";
	CHECK_EQ_INT(ssdp_parse_response(nul, sizeof(nul) - 1, &a), SSDP_ERR_MALFORMED);

	char server[400];
	n = snprintf(server, sizeof(server),
		     "HTTP/1.1 200 OK\r\nLOCATION: http://1.2.3.4/d\r\n"
		     "ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\nSERVER: ");
	memset(server + n, 's', 200);
	memcpy(server + n + 200, "\r\n\r\n", 5);
	CHECK_EQ_INT(ssdp_parse_response(server, strlen(server), &a), 0);
	CHECK(strlen(a.server) >= SSDP_FIELD_MAX - 2 && strlen(a.server) < SSDP_FIELD_MAX);
}

static void ssdp_msearch_format(void)
{
	char b[512];
	int n = ssdp_build_msearch(ssdp_igd_targets[0], 1, b, sizeof(b));
	CHECK(n > 0);
	CHECK(strcmp(b, "M-SEARCH * HTTP/1.1\r\n"
			"HOST: 239.255.255.250:1900\r\n"
			"ST: urn:schemas-upnp-org:device:InternetGatewayDevice:2\r\n"
			"MAN: \"ssdp:discover\"\r\n"
			"MX: 1\r\n"
			"\r\n") == 0);
	CHECK_EQ_INT(ssdp_build_msearch(ssdp_igd_targets[1], 1, b, 20), -1);
}

/* The MX asked for follows the wait: every answer to the last round (sent
 * SSDP_LAST_ROUND_US after the first) is due within it; 1 to 5 s. */
static void ssdp_mx_follows_the_wait(void)
{
	static const struct {
		int64_t wait_us;
		unsigned mx;
	} rows[] = {
		{100 * 1000, 1},  {1050 * 1000, 1}, {2049 * 1000, 1},
		{2050 * 1000, 2}, {3000 * 1000, 2}, {5049 * 1000, 4},
		{5050 * 1000, 5}, {9000 * 1000, 5}, {60 * 1000 * 1000, 5},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		CHECK_EQ_INT(ssdp_mx_for_wait(rows[i].wait_us), rows[i].mx);
	CHECK_EQ_INT(ssdp_mx_for_wait(MAP_DEFAULT_WAIT_US), 1);
	CHECK_EQ_INT(MAP_DEFAULT_WAIT_US, SSDP_MX_MIN * 1000 * 1000 + SSDP_LAST_ROUND_US);
}

const struct test_case ssdp_cases[] = {
	T(ssdp_parse_miniupnpd),
	T(ssdp_parse_lenient_forms),
	T(ssdp_parse_hostile_table),
	T(ssdp_parse_oversized),
	T(ssdp_msearch_format),
	T(ssdp_mx_follows_the_wait),
	{NULL, NULL},
};
