// SPDX-License-Identifier: BSD-2-Clause
// SSDP M-SEARCH messages and the parsing of search responses, with hostile input in mind.
#include "natctl/map/ssdp.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

const char *const ssdp_igd_targets[2] = {
	"urn:schemas-upnp-org:device:InternetGatewayDevice:2",
	"urn:schemas-upnp-org:device:InternetGatewayDevice:1",
};

const char *ssdp_strerror(int err)
{
	switch (err) {
	case SSDP_OK: return "ok";
	case SSDP_ERR_STATUS: return "not an HTTP 200 response";
	case SSDP_ERR_MALFORMED: return "malformed header";
	case SSDP_ERR_NO_LOCATION: return "no LOCATION header";
	case SSDP_ERR_LOCATION: return "LOCATION is not an http://IP:port/path URL";
	case SSDP_ERR_ST: return "ST is not an Internet Gateway Device";
	case SSDP_ERR_NTS: return "NTS is neither ssdp:alive nor ssdp:byebye";
	}
	return "unknown error";
}

unsigned ssdp_mx_for_wait(int64_t wait_us)
{
	int64_t mx = (wait_us - SSDP_LAST_ROUND_US) / 1000000;
	return mx < SSDP_MX_MIN ? SSDP_MX_MIN : mx > SSDP_MX_MAX ? SSDP_MX_MAX : (unsigned)mx;
}

int ssdp_build_msearch(const char *st, unsigned mx, char *out, size_t cap)
{
	/* UDA 1.1 §1.3.2: MAN must be quoted, HOST names the multicast group. */
	int n = snprintf(out, cap,
			 "M-SEARCH * HTTP/1.1\r\n"
			 "HOST: " SSDP_MULTICAST_V4 ":1900\r\n"
			 "ST: %s\r\n"
			 "MAN: \"ssdp:discover\"\r\n"
			 "MX: %u\r\n"
			 "\r\n",
			 st, mx);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* Accepts only the targets we search for and the WAN services an IGD holds:
 * some routers answer with the service type instead of the device type. */
static bool st_is_igd(const char *st)
{
	static const char *const prefixes[] = {
		"urn:schemas-upnp-org:device:InternetGatewayDevice:",
		"urn:schemas-upnp-org:service:WANIPConnection:",
		"urn:schemas-upnp-org:service:WANPPPConnection:",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		size_t n = strlen(prefixes[i]);
		if (strncasecmp(st, prefixes[i], n) == 0 && st[n] >= '1' && st[n] <= '9')
			return true;
	}
	return false;
}

/* A decimal port 1..65535, nothing else (no sign, no blanks). */
static int url_port(const char *s, uint16_t *port)
{
	unsigned long v = 0;
	if (!*s || strlen(s) > 5)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (unsigned long)(*s - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

static bool url_char_ok(char c)
{
	return c > ' ' && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '\\';
}

int ssdp_parse_url(const char *url, struct endpoint *host)
{
	static const char scheme[] = "http://";
	size_t len = strlen(url);
	if (len >= SSDP_LOCATION_MAX || strncasecmp(url, scheme, sizeof(scheme) - 1) != 0)
		return SSDP_ERR_LOCATION;
	for (size_t i = 0; i < len; i++)
		if (!url_char_ok(url[i]))
			return SSDP_ERR_LOCATION;
	const char *h = url + sizeof(scheme) - 1;
	const char *slash = strchr(h, '/');
	if (!slash)
		return SSDP_ERR_LOCATION;
	char hostport[64], ip[64];
	size_t hl = (size_t)(slash - h);
	if (hl == 0 || hl >= sizeof(hostport))
		return SSDP_ERR_LOCATION;
	memcpy(hostport, h, hl);
	hostport[hl] = '\0';
	const char *port_text;
	uint16_t port = 80;
	if (hostport_split(hostport, ip, sizeof(ip), &port_text) < 0 ||
	    (port_text && url_port(port_text, &port) < 0) || endpoint_parse_ip(host, ip) < 0 ||
	    host->family != AF_INET)
		return SSDP_ERR_LOCATION;
	host->port = port;
	return SSDP_OK;
}

const char *ssdp_url_path(const char *url)
{
	return strchr(url + sizeof("http://") - 1, '/');
}

/* Copies a header value without surrounding blanks; false if it does not fit. */
static bool copy_value(char *dst, size_t cap, const char *v, size_t n)
{
	while (n > 0 && (*v == ' ' || *v == '\t'))
		v++, n--;
	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n >= cap)
		return false;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return true;
}

/* UDA 1.1 §1.2.2: BOOTID.UPNP.ORG, "a value that MUST be increased each
 * time a device (re)joins the network", a non-negative 31-bit number. */
static bool is_bootid(const char *name, size_t n)
{
	return n == 15 && strncasecmp(name, "BOOTID.UPNP.ORG", 15) == 0;
}

static bool parse_bootid(const char *v, size_t vlen, uint32_t *out)
{
	char text[16];
	if (!copy_value(text, sizeof(text), v, vlen) || !text[0])
		return false;
	uint32_t n = 0;
	for (const char *c = text; *c; c++) {
		if (*c < '0' || *c > '9' || n > (0x7fffffffu - (uint32_t)(*c - '0')) / 10)
			return false;
		n = n * 10 + (uint32_t)(*c - '0');
	}
	*out = n;
	return true;
}

/* One "Name: value" line (without CRLF) into out; unknown headers are skipped. */
static int parse_header(const char *line, size_t n, struct ssdp_answer *out, bool *has_location)
{
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return SSDP_ERR_MALFORMED;
	size_t name_len = (size_t)(colon - line), vlen = n - name_len - 1;
	const char *v = colon + 1;
	if (name_len == 8 && strncasecmp(line, "LOCATION", 8) == 0) {
		if (!copy_value(out->location, sizeof(out->location), v, vlen))
			return SSDP_ERR_LOCATION;
		*has_location = true;
	} else if (name_len == 2 && strncasecmp(line, "ST", 2) == 0) {
		if (!copy_value(out->st, sizeof(out->st), v, vlen))
			return SSDP_ERR_ST;
	} else if (name_len == 6 && strncasecmp(line, "SERVER", 6) == 0) {
		/* Informational only: a SERVER too long to keep is cut, not fatal. */
		if (vlen >= sizeof(out->server))
			vlen = sizeof(out->server) - 1;
		copy_value(out->server, sizeof(out->server), v, vlen);
	} else if (is_bootid(line, name_len)) {
		out->has_bootid = parse_bootid(v, vlen, &out->bootid);
	}
	return SSDP_OK;
}

/* "HTTP/1.0 200 ..." or "HTTP/1.1 200 ..." (UDA 1.1 §1.3.3). */
static bool status_ok(const char *line, size_t n)
{
	return n >= 12 && strncasecmp(line, "HTTP/1.", 7) == 0 &&
	       (line[7] == '0' || line[7] == '1') && strncmp(line + 8, " 200", 4) == 0 &&
	       (n == 12 || line[12] == ' ');
}

int ssdp_parse_response(const char *data, size_t len, struct ssdp_answer *out)
{
	memset(out, 0, sizeof(*out));
	if (len > SSDP_MAX_MESSAGE || memchr(data, '\0', len))
		return SSDP_ERR_MALFORMED;
	bool has_location = false, first = true;
	const char *p = data, *end = data + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *stop = nl ? nl : end;
		size_t n = (size_t)(stop - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (first) {
			if (!status_ok(p, n))
				return SSDP_ERR_STATUS;
			first = false;
		} else if (n == 0) {
			break; /* the blank line ends the headers */
		} else {
			int rc = parse_header(p, n, out, &has_location);
			if (rc < 0)
				return rc;
		}
		p = nl ? nl + 1 : end;
	}
	if (first)
		return SSDP_ERR_STATUS;
	if (!has_location)
		return SSDP_ERR_NO_LOCATION;
	if (!st_is_igd(out->st))
		return SSDP_ERR_ST;
	return ssdp_parse_url(out->location, &out->host);
}

/* ---- NOTIFY ---- */

static int notify_header(const char *line, size_t n, struct ssdp_notify *out, int *nts)
{
	const char *colon = memchr(line, ':', n);
	if (!colon)
		return SSDP_ERR_MALFORMED;
	size_t name_len = (size_t)(colon - line), vlen = n - name_len - 1;
	const char *v = colon + 1;
	char value[32];
	if (name_len == 3 && strncasecmp(line, "NTS", 3) == 0) {
		if (!copy_value(value, sizeof(value), v, vlen))
			return SSDP_ERR_NTS;
		*nts = strcasecmp(value, "ssdp:alive") == 0    ? 1
		       : strcasecmp(value, "ssdp:byebye") == 0 ? 2
							       : 0;
	} else if (name_len == 8 && strncasecmp(line, "LOCATION", 8) == 0) {
		if (!copy_value(out->location, sizeof(out->location), v, vlen))
			return SSDP_ERR_LOCATION;
	} else if (is_bootid(line, name_len)) {
		out->has_bootid = parse_bootid(v, vlen, &out->bootid);
	}
	return SSDP_OK;
}

int ssdp_parse_notify(const char *data, size_t len, struct ssdp_notify *out)
{
	static const char start[] = "NOTIFY * HTTP/1.";
	int nts = 0;
	memset(out, 0, sizeof(*out));
	if (len > SSDP_MAX_MESSAGE || memchr(data, '\0', len))
		return SSDP_ERR_MALFORMED;
	if (len < sizeof(start) || strncasecmp(data, start, sizeof(start) - 1) != 0)
		return SSDP_ERR_STATUS;
	const char *p = memchr(data, '\n', len), *end = data + len;
	while (p && ++p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n == 0)
			break; /* the blank line ends the headers */
		int rc = notify_header(p, n, out, &nts);
		if (rc < 0)
			return rc;
		p = nl;
	}
	if (nts == 0)
		return SSDP_ERR_NTS; /* ssdp:update, or none: nothing to act on */
	out->alive = nts == 1;
	return SSDP_OK;
}
