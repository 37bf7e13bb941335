// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the bounded HTTP response decoder that reads UPnP descriptions.
#include <stdint.h>
#include <stdlib.h>

#include "natctl/net/http.h"
#include "test.h"

static int decode(const char *raw, bool eof, char *body, size_t cap, struct http_response *r)
{
	int rc = http_decode((const uint8_t *)raw, strlen(raw), eof, (uint8_t *)body, cap, r);
	if (rc == 1)
		body[r->body_len] = '\0';
	return rc;
}

static void http_decode_framings(void)
{
	static const struct {
		const char *raw;
		bool eof;
		int rc;
		const char *body;
	} rows[] = {
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false, 1, "hello"},
		/* bytes after Content-Length are not the body */
		{"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nhello", false, 1, "he"},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", false, 0, NULL},
		{"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhel", true, HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\nServer: x\n\nuntil the end", false, 0, NULL},
		{"HTTP/1.1 200 OK\nServer: x\n\nuntil the end", true, 1, "until the end"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
		 "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n",
		 false, 1, "hello world"},
		/* chunked wins over Content-Length (RFC 9112 §6.3) */
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nTransfer-Encoding: Chunked\r\n\r\n"
		 "3\nabc\n0\n",
		 false, 1, "abc"},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel", false, 0, NULL},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello", true,
		 HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false,
		 HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX", false,
		 HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n", false, HTTP_ERR_MALFORMED,
		 NULL},
		{"HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab", false,
		 HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", false, HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", false, HTTP_ERR_STATUS,
		 NULL},
		{"SSH-2.0-OpenSSH\r\n\r\n", false, HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200 OK\r\nno colon\r\n\r\n", false, HTTP_ERR_MALFORMED, NULL},
		{"HTTP/1.1 200", false, 0, NULL},
		{"", true, HTTP_ERR_MALFORMED, NULL},
	};
	char body[64];
	struct http_response r;
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		int rc = decode(rows[i].raw, rows[i].eof, body, sizeof(body) - 1, &r);
		if (rc != rows[i].rc)
			fprintf(stderr, "row %zu\n", i);
		CHECK_EQ_INT(rc, rows[i].rc);
		if (rc == 1 && rows[i].body)
			CHECK_EQ_STR(body, rows[i].body);
	}
	decode("HTTP/1.1 503 Busy\r\n\r\n", false, body, sizeof(body), &r);
	CHECK_EQ_INT(r.status, 503);
}

/* However the body is framed, no more than cap bytes of it are taken. */
static void http_decode_bounds(void)
{
	char body[8];
	struct http_response r;
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n", false, body, 8, &r),
		     HTTP_ERR_TOO_LARGE);
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999999\r\n\r\n",
			    false, body, 8, &r),
		     HTTP_ERR_TOO_LARGE);
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\n\r\n123456789", false, body, 8, &r),
		     HTTP_ERR_TOO_LARGE);
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
			    "4\r\n1234\r\n5\r\n56789\r\n",
			    false, body, 8, &r),
		     HTTP_ERR_TOO_LARGE);
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
			    false, body, 8, &r),
		     HTTP_ERR_TOO_LARGE);
	CHECK_EQ_INT(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100000000\r\n",
			    false, body, 8, &r),
		     HTTP_ERR_MALFORMED);
	/* A head that never ends is refused once it is HTTP_HEAD_MAX long. */
	size_t n = HTTP_HEAD_MAX + 10;
	char *head = malloc(n + 1);
	memset(head, 'a', n);
	memcpy(head, "HTTP/1.1 200 OK\r\nX: ", 20);
	head[n] = '\0';
	CHECK_EQ_INT(decode(head, false, body, 8, &r), HTTP_ERR_TOO_LARGE);
	head[HTTP_HEAD_MAX - 1] = '\0';
	CHECK_EQ_INT(decode(head, false, body, 8, &r), 0);
	free(head);
}

const struct test_case http_cases[] = {
	T(http_decode_framings),
	T(http_decode_bounds),
	{NULL, NULL},
};
