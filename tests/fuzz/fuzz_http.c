// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the bounded HTTP response decoder that reads UPnP descriptions, on every prefix as the bytes arrive.
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "natctl/net/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Input: one byte for the body's bound (0..255, times 16), then the response. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t body[256 * 16];
	if (size < 1)
		return 0;
	size_t cap = (size_t)data[0] * 16;
	const uint8_t *raw = data + 1;
	size_t len = size - 1;
	struct http_response r;
	/* As natctl reads: a prefix at a time, until the decoder is done. */
	for (size_t n = 0; n <= len; n += 1 + n / 4) {
		int rc = http_decode(raw, n, false, body, cap, &r);
		if (rc == 1 && r.body_len > cap)
			__builtin_trap();
		if (rc != 0)
			break;
	}
	int rc = http_decode(raw, len, true, body, cap, &r);
	/* At the end of the connection the answer is whole or wrong, never "more". */
	if (rc == 0 || (rc == 1 && r.body_len > cap) || rc < HTTP_ERR_CONNECT)
		__builtin_trap();
	(void)http_strerror(rc);
	return 0;
}
