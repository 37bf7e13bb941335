// SPDX-License-Identifier: BSD-2-Clause
// A bounded HTTP/1.1 client: the response decoder (no I/O), and a blocking GET or SOAP POST cut at a deadline, for the worker child.
#include "natctl/net/http.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/version.h"
#include "natctl/net/net.h"

/* A chunk-size line longer than this is not one (RFC 9112 §7.1). */
#define CHUNK_LINE_MAX 256

const char *http_strerror(int err)
{
	switch (err) {
	case HTTP_ERR_MALFORMED: return "not a well-formed HTTP response";
	case HTTP_ERR_STATUS: return "an HTTP error status";
	case HTTP_ERR_TOO_LARGE: return "too large";
	case HTTP_ERR_TIMEOUT: return "no whole answer by the deadline";
	case HTTP_ERR_CONNECT: return "cannot connect";
	}
	return "unknown error";
}

struct http_head {
	size_t size; /* bytes up to and with the blank line */
	int status;
	bool chunked;
	bool has_length;
	uint64_t length;
};

/* Where the blank line after the head ends; 0 if it has not come yet. */
static size_t head_size(const uint8_t *raw, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		if (raw[i] != '\n')
			continue;
		if (raw[i + 1] == '\n')
			return i + 2;
		if (raw[i + 1] == '\r' && i + 2 < len && raw[i + 2] == '\n')
			return i + 3;
	}
	return 0;
}

/* "HTTP/1.0 200 OK" or "HTTP/1.1 404": the three-digit status, or -1. */
static int status_line(const uint8_t *p, size_t n)
{
	if (n < 12 || memcmp(p, "HTTP/1.", 7) != 0 || (p[7] != '0' && p[7] != '1') || p[8] != ' ')
		return -1;
	int status = 0;
	for (size_t i = 9; i < 12; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		status = status * 10 + (p[i] - '0');
	}
	return n == 12 || p[12] == ' ' ? status : -1;
}

static bool header_is(const uint8_t *name, size_t n, const char *want)
{
	return n == strlen(want) && strncasecmp((const char *)name, want, n) == 0;
}

/* Digits only; anything past 2^40 is as good as "too large". */
static int parse_length(const uint8_t *v, size_t n, uint64_t *out)
{
	uint64_t x = 0;
	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i] < '0' || v[i] > '9')
			return -1;
		if (x < (1ull << 40))
			x = x * 10 + (uint64_t)(v[i] - '0');
	}
	*out = x;
	return 0;
}

/* One "Name: value" line of the head; the framing headers are all we read. */
static int header_line(const uint8_t *p, size_t n, struct http_head *h)
{
	const uint8_t *colon = memchr(p, ':', n);
	if (!colon)
		return HTTP_ERR_MALFORMED;
	size_t name_len = (size_t)(colon - p), vlen = n - name_len - 1;
	const uint8_t *v = colon + 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t'))
		v++, vlen--;
	while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
		vlen--;
	if (header_is(p, name_len, "Transfer-Encoding")) {
		/* We ask for no coding; chunked is the one we must take (RFC 9112 §7). */
		if (!header_is(v, vlen, "chunked"))
			return HTTP_ERR_MALFORMED;
		h->chunked = true;
	} else if (header_is(p, name_len, "Content-Length")) {
		uint64_t len;
		/* RFC 9112 §6.3: differing Content-Length values are unrecoverable. */
		if (parse_length(v, vlen, &len) < 0 || (h->has_length && len != h->length))
			return HTTP_ERR_MALFORMED;
		h->has_length = true;
		h->length = len;
	}
	return 0;
}

static int parse_head(const uint8_t *raw, size_t size, struct http_head *h)
{
	memset(h, 0, sizeof(*h));
	h->size = size;
	bool first = true;
	for (size_t i = 0; i < size;) {
		const uint8_t *nl = memchr(raw + i, '\n', size - i);
		size_t n = (size_t)(nl - (raw + i)), next = i + n + 1;
		if (n > 0 && raw[i + n - 1] == '\r')
			n--;
		if (first) {
			h->status = status_line(raw + i, n);
			if (h->status < 0)
				return HTTP_ERR_MALFORMED;
			first = false;
		} else if (n > 0 && header_line(raw + i, n, h) < 0) {
			return HTTP_ERR_MALFORMED;
		}
		i = next;
	}
	return 0;
}

/* The "more bytes, please" answer: at the end of the connection, the response was cut. */
static int need_more(bool eof)
{
	return eof ? HTTP_ERR_MALFORMED : 0;
}

/* chunk-size [; extension] CRLF: the size, or -1 (0 more bytes needed: *need). */
static int chunk_size(const uint8_t *p, size_t len, size_t *used, uint64_t *size, bool *need)
{
	const uint8_t *nl = memchr(p, '\n', len < CHUNK_LINE_MAX ? len : CHUNK_LINE_MAX);
	*need = !nl && len < CHUNK_LINE_MAX;
	if (!nl)
		return -1;
	uint64_t x = 0;
	size_t i = 0;
	for (; p + i < nl && i < 9; i++) {
		int c = p[i], d = c >= '0' && c <= '9'   ? c - '0'
				  : c >= 'a' && c <= 'f' ? c - 'a' + 10
				  : c >= 'A' && c <= 'F' ? c - 'A' + 10
							 : -1;
		if (d < 0)
			break;
		x = x * 16 + (uint64_t)d;
	}
	if (i == 0 || i > 8 || (p[i] != ';' && p[i] != '\r' && p[i] != '\n'))
		return -1;
	*used = (size_t)(nl - p) + 1;
	*size = x;
	return 0;
}

/* The CRLF (or a bare LF) after a chunk's data: its length, 0 if it has not come, -1 if wrong. */
static int chunk_end(const uint8_t *p, size_t len)
{
	if (len == 0)
		return 0;
	if (p[0] == '\n')
		return 1;
	if (p[0] != '\r')
		return -1;
	if (len == 1)
		return 0;
	return p[1] == '\n' ? 2 : -1;
}

static int decode_chunked(const uint8_t *p, size_t len, bool eof, uint8_t *body, size_t cap,
			  size_t *body_len)
{
	size_t i = 0, n = 0;
	for (;;) {
		size_t used;
		uint64_t size;
		bool need;
		if (chunk_size(p + i, len - i, &used, &size, &need) < 0)
			return need ? need_more(eof) : HTTP_ERR_MALFORMED;
		i += used;
		if (size == 0) { /* the last chunk; trailers are not needed */
			*body_len = n;
			return 1;
		}
		if (size > cap - n)
			return HTTP_ERR_TOO_LARGE;
		if (len - i < size)
			return need_more(eof);
		memcpy(body + n, p + i, (size_t)size);
		n += (size_t)size;
		i += (size_t)size;
		int end = chunk_end(p + i, len - i);
		if (end <= 0)
			return end < 0 ? HTTP_ERR_MALFORMED : need_more(eof);
		i += (size_t)end;
	}
}

static int decode_body(const struct http_head *h, const uint8_t *p, size_t len, bool eof,
		       uint8_t *body, size_t cap, size_t *body_len)
{
	/* RFC 9112 §6.3: Transfer-Encoding overrides Content-Length. */
	if (h->chunked)
		return decode_chunked(p, len, eof, body, cap, body_len);
	if (h->has_length) {
		if (h->length > cap)
			return HTTP_ERR_TOO_LARGE;
		if (len < h->length)
			return need_more(eof);
		len = (size_t)h->length;
	} else if (len > cap) {
		return HTTP_ERR_TOO_LARGE;
	} else if (!eof) {
		return 0; /* the body ends with the connection */
	}
	memcpy(body, p, len);
	*body_len = len;
	return 1;
}

/* Decodes a response whose status is 200, or also 500 when soap is set. */
static int decode(const uint8_t *raw, size_t len, bool eof, uint8_t *body, size_t cap,
		  struct http_response *out, bool soap)
{
	struct http_head h;
	memset(out, 0, sizeof(*out));
	size_t size = head_size(raw, len < HTTP_HEAD_MAX ? len : HTTP_HEAD_MAX);
	if (size == 0)
		return len >= HTTP_HEAD_MAX ? HTTP_ERR_TOO_LARGE : need_more(eof);
	if (parse_head(raw, size, &h) < 0)
		return HTTP_ERR_MALFORMED;
	out->status = h.status;
	if (h.status != 200 && !(soap && h.status == 500))
		return HTTP_ERR_STATUS;
	return decode_body(&h, raw + size, len - size, eof, body, cap, &out->body_len);
}

int http_decode(const uint8_t *raw, size_t len, bool eof, uint8_t *body, size_t cap,
		struct http_response *out)
{
	return decode(raw, len, eof, body, cap, out, false);
}

int http_decode_soap(const uint8_t *raw, size_t len, bool eof, uint8_t *body, size_t cap,
		     struct http_response *out)
{
	return decode(raw, len, eof, body, cap, out, true);
}

/* Waits for events on fd until the deadline: 1 ready, 0 deadline passed, -errno. */
static int wait_for(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = {.fd = fd, .events = events};
		int n = poll(&p, 1, clock_poll_timeout_ms(deadline, clock_now_us()));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		return n;
	}
}

static int connect_by(int fd, const struct endpoint *server, int64_t deadline, int *sys_error)
{
	struct sockaddr_storage ss;
	socklen_t sl = endpoint_to_sockaddr(server, &ss);
	int err = 0;
	socklen_t el = sizeof(err);
	if (connect(fd, (struct sockaddr *)&ss, sl) == 0)
		return 0;
	if (errno != EINPROGRESS) {
		*sys_error = errno;
		return HTTP_ERR_CONNECT;
	}
	int rc = wait_for(fd, POLLOUT, deadline);
	if (rc == 0)
		return HTTP_ERR_TIMEOUT;
	if (rc < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 || err) {
		*sys_error = rc < 0 ? -rc : err ? err : errno;
		return HTTP_ERR_CONNECT;
	}
	return 0;
}

static int send_all(int fd, const char *p, size_t n, int64_t deadline, int *sys_error)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			if (wait_for(fd, POLLOUT, deadline) == 0)
				return HTTP_ERR_TIMEOUT;
			continue;
		}
		if (k < 0) {
			*sys_error = errno;
			return HTTP_ERR_CONNECT;
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

static int send_request(int fd, const struct endpoint *server, const char *path, int64_t deadline,
			int *sys_error)
{
	char host[ENDPOINT_STRLEN], req[1024];
	/* UDA 1.1 §2.1: a control point fetches the description with GET, Host
	 * naming the device; Connection: close, as we read one response only. */
	int n = snprintf(req, sizeof(req),
			 "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
			 "User-Agent: Linux UPnP/1.1 natctl/%s\r\n\r\n",
			 path, endpoint_format(server, host), natctl_version);
	if (n < 0 || (size_t)n >= sizeof(req))
		return HTTP_ERR_MALFORMED;
	return send_all(fd, req, (size_t)n, deadline, sys_error);
}

/* Reads until the response is whole, wrong, over its bounds, or the deadline passes. */
static int read_response(int fd, int64_t deadline, uint8_t *body, size_t cap,
			 struct http_response *out, bool soap)
{
	/* Room for the head and for chunk framing around the body. */
	size_t raw_cap = HTTP_HEAD_MAX + 2 * cap, len = 0;
	uint8_t *raw = malloc(raw_cap);
	int rc = 0;
	if (!raw)
		return HTTP_ERR_TOO_LARGE;
	while (rc == 0) {
		if (len == raw_cap) {
			rc = HTTP_ERR_TOO_LARGE;
			break;
		}
		int w = wait_for(fd, POLLIN, deadline);
		if (w <= 0) {
			rc = w == 0 ? HTTP_ERR_TIMEOUT : HTTP_ERR_MALFORMED;
			break;
		}
		ssize_t k = recv(fd, raw + len, raw_cap - len, 0);
		if (k < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			continue;
		len += k > 0 ? (size_t)k : 0;
		rc = decode(raw, len, k <= 0, body, cap, out, soap);
	}
	free(raw);
	return rc < 0 ? rc : 0;
}

int http_get(const struct endpoint *server, const char *path, int64_t deadline, uint8_t *body,
	     size_t cap, struct http_response *out, struct endpoint *local, int *sys_error)
{
	*sys_error = 0;
	memset(out, 0, sizeof(*out));
	memset(local, 0, sizeof(*local));
	int fd = socket(server->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*sys_error = errno;
		return HTTP_ERR_CONNECT;
	}
	int rc = connect_by(fd, server, deadline, sys_error);
	if (rc == 0)
		rc = send_request(fd, server, path, deadline, sys_error);
	if (rc == 0 && socket_local(fd, local) == 0)
		rc = read_response(fd, deadline, body, cap, out, false);
	else if (rc == 0)
		rc = HTTP_ERR_CONNECT;
	close(fd);
	return rc;
}

int http_soap_format(const struct endpoint *server, const struct http_soap *soap, char *out,
		     size_t cap)
{
	char host[ENDPOINT_STRLEN];
	size_t len = strlen(soap->envelope);
	/* UDA 1.1 §3.2.1: POST to the control URL, the body's length and type
	 * named, SOAPACTION quoting the service type and the action. */
	int n = snprintf(out, cap,
			 "POST %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n"
			 "Content-Type: text/xml; charset=\"utf-8\"\r\nContent-Length: %zu\r\n"
			 "SOAPAction: \"%s\"\r\n"
			 "User-Agent: Linux UPnP/1.1 natctl/%s\r\n\r\n%s",
			 soap->path, endpoint_format(server, host), len, soap->action,
			 natctl_version, soap->envelope);
	return n < 0 || (size_t)n >= cap ? -1 : n;
}

/* Binds fd to source (any port) so that the connection leaves from it. */
static int bind_source(int fd, const struct endpoint *source, int *sys_error)
{
	struct endpoint e = *source;
	struct sockaddr_storage ss;
	e.port = 0;
	socklen_t sl = endpoint_to_sockaddr(&e, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) == 0)
		return 0;
	*sys_error = errno;
	return HTTP_ERR_CONNECT;
}

int http_soap_post(const struct endpoint *server, const struct http_soap *soap, int64_t deadline,
		   uint8_t *body, size_t cap, struct http_response *out, int *sys_error)
{
	*sys_error = 0;
	memset(out, 0, sizeof(*out));
	size_t req_cap = 1024 + strlen(soap->envelope) + strlen(soap->path) + strlen(soap->action);
	char *req = malloc(req_cap);
	int fd = socket(server->family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	int rc = req && fd >= 0 ? 0 : HTTP_ERR_CONNECT;
	if (fd < 0)
		*sys_error = errno;
	int n = rc == 0 ? http_soap_format(server, soap, req, req_cap) : -1;
	if (rc == 0 && n < 0)
		rc = HTTP_ERR_TOO_LARGE;
	if (rc == 0 && soap->source)
		rc = bind_source(fd, soap->source, sys_error);
	if (rc == 0)
		rc = connect_by(fd, server, deadline, sys_error);
	if (rc == 0)
		rc = send_all(fd, req, (size_t)n, deadline, sys_error);
	if (rc == 0)
		rc = read_response(fd, deadline, body, cap, out, true);
	if (fd >= 0)
		close(fd);
	free(req);
	return rc;
}
