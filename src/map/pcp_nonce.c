// SPDX-License-Identifier: BSD-2-Clause
// PCP mapping nonces: a keyed hash of the mapping under natctl's private key.
#include "natctl/map/pcp_nonce.h"

#include <string.h>

void pcp_nonce_derive(const uint8_t key[SIPHASH_KEY_LEN], const struct endpoint *internal,
		      uint16_t port, uint8_t protocol, uint8_t nonce[PCP_NONCE_LEN])
{
	static const char label[] = "natctl pcp nonce 1";
	uint8_t msg[sizeof(label) - 1 + 16 + 3], out[SIPHASH128_LEN];
	size_t n = sizeof(label) - 1;
	memcpy(msg, label, n);
	memset(msg + n, 0, 16);
	if (internal->family == AF_INET6) {
		memcpy(msg + n, internal->ip, 16);
	} else {
		msg[n + 10] = msg[n + 11] = 0xff;
		memcpy(msg + n + 12, internal->ip, 4);
	}
	n += 16;
	msg[n++] = (uint8_t)(port >> 8);
	msg[n++] = (uint8_t)port;
	msg[n++] = protocol;
	siphash128(key, msg, n, out);
	memcpy(nonce, out, PCP_NONCE_LEN);
}
