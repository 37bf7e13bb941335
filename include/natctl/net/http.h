/* SPDX-License-Identifier: BSD-2-Clause */
/* A bounded HTTP/1.1 GET for small documents (a UPnP description): a decoder without I/O, and one blocking fetch under a deadline for a worker child. */
#ifndef NATCTL_HTTP_H
#define NATCTL_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"

/* The status line and headers may take this much; a longer head is refused. */
#define HTTP_HEAD_MAX (16 * 1024)

enum http_error {
	HTTP_ERR_MALFORMED = -1, /* not an HTTP/1.x response, bad framing, or cut short */
	HTTP_ERR_STATUS = -2,    /* a status other than 200 */
	HTTP_ERR_TOO_LARGE = -3, /* the head or the body is over its bound */
	HTTP_ERR_TIMEOUT = -4,   /* the deadline passed */
	HTTP_ERR_CONNECT = -5,   /* no connection, or the request could not be sent */
};

const char *http_strerror(int err);

struct http_response {
	int status;      /* the status code, once the head is whole */
	size_t body_len; /* bytes written to body */
};

/*
 * Decodes the response in raw[0, len) from scratch: the head, then a body
 * framed by Content-Length, by chunks, or by the end of the connection
 * (eof: the peer closed). The body goes to body[0, cap). Returns 1 when the
 * response is whole, 0 when more bytes are needed, or a negative enum
 * http_error (a body over cap is HTTP_ERR_TOO_LARGE, however it is framed).
 */
int http_decode(const uint8_t *raw, size_t len, bool eof, uint8_t *body, size_t cap,
		struct http_response *out);

/*
 * Blocking, for a worker child: GET path from server (an IP literal, which
 * the Host header names too) and decode the answer into body[0, cap), all
 * by the deadline (monotonic us). local gets this host's address on the
 * connection. Returns 0 or a negative enum http_error; *sys_error is the
 * errno behind HTTP_ERR_CONNECT (0 otherwise).
 */
int http_get(const struct endpoint *server, const char *path, int64_t deadline, uint8_t *body,
	     size_t cap, struct http_response *out, struct endpoint *local, int *sys_error);

#endif
