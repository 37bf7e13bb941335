// SPDX-License-Identifier: BSD-2-Clause
// PCP mapping nonces: a keyed hash of the mapping under the machine id.
#include "natctl/map/pcp_nonce.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_key(const char *path, uint8_t key[SIPHASH_KEY_LEN])
{
	char text[2 * SIPHASH_KEY_LEN];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t n;
	do
		n = read(fd, text, sizeof(text));
	while (n < 0 && errno == EINTR);
	close(fd);
	if (n != (ssize_t)sizeof(text))
		return -1;
	for (size_t i = 0; i < SIPHASH_KEY_LEN; i++) {
		int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		key[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

int pcp_nonce_key(uint8_t key[SIPHASH_KEY_LEN])
{
	if (read_key("/etc/machine-id", key) == 0)
		return 0;
	return read_key("/var/lib/dbus/machine-id", key);
}

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
