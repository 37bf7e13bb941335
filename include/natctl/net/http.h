/* SPDX-License-Identifier: BSD-2-Clause */
/* A bounded HTTP/1.1 client for small documents (a UPnP description, a SOAP answer): a decoder without I/O, and one blocking GET or POST under a deadline for a worker child. */
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

/*
 * As http_decode, but a 500 is whole too (out->status says which): a SOAP
 * fault comes as 500 Internal Server Error with its UPnPError in the body
 * (UDA 1.1 §3.2.2), and the caller needs that body. Other statuses are
 * HTTP_ERR_STATUS.
 */
int http_decode_soap(const uint8_t *raw, size_t len, bool eof, uint8_t *body, size_t cap,
		     struct http_response *out);

/* A SOAP action request (UDA 1.1 §3.2.1). */
struct http_soap {
	const char *path;              /* the control URL's path */
	const char *action;            /* "urn:schemas-upnp-org:service:...:1#AddPinhole" */
	const char *envelope;          /* the request body */
	const struct endpoint *source; /* bound before connect (port 0); NULL: the kernel's choice */
};

/*
 * Formats the POST of soap to server into out[0, cap): the head and the
 * envelope. Returns the length, or -1 when it does not fit.
 */
int http_soap_format(const struct endpoint *server, const struct http_soap *soap, char *out,
		     size_t cap);

/*
 * Blocking, for a worker child: POSTs soap to server from soap->source
 * (miniupnpc's calls cannot choose the source address, and miniupnpd opens
 * IPv6 pinholes only for the address the request comes from) and decodes
 * the answer as http_decode_soap does, all by the deadline. Returns 0 or a
 * negative enum http_error; *sys_error is the errno behind HTTP_ERR_CONNECT.
 */
int http_soap_post(const struct endpoint *server, const struct http_soap *soap, int64_t deadline,
		   uint8_t *body, size_t cap, struct http_response *out, int *sys_error);

#endif
