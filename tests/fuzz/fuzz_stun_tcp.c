// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: STUN over TCP (RFC 8489 §6.2.2), the response framed by its length field and arriving in any pieces.
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/stun/stun_tcp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * The input: a flags byte (1: our transaction id patched into the first
 * message; 2: the server closes the connection after its bytes), a byte
 * that seeds the piece sizes, then what the server sends. The client reads
 * one end of a socketpair, as it reads its TCP socket, after each piece.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	uint8_t flags = data[0], seed = data[1];
	data += 2;
	size -= 2;
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv) < 0)
		abort();
	struct stun_tcp t;
	memset(&t, 0, sizeof(t));
	t.fd = sv[0];
	t.state = STUN_TCP_WAITING;
	memcpy(t.tid, "fuzz-tid-012", STUN_TID_LEN);
	struct loop_client lc = stun_tcp_loop(&t);

	uint8_t copy[4096];
	size_t n = size < sizeof(copy) ? size : sizeof(copy);
	memcpy(copy, data, n);
	if ((flags & 1) && n >= 20)
		memcpy(copy + 8, t.tid, STUN_TID_LEN);
	size_t off = 0;
	while (off < n && !lc.done(lc.self)) {
		size_t piece = 1 + (seed = (uint8_t)(seed * 37 + 11)) % 64;
		piece = piece < n - off ? piece : n - off;
		if (send(sv[1], copy + off, piece, MSG_NOSIGNAL) != (ssize_t)piece)
			abort();
		off += piece;
		lc.on_readable(lc.self, t.fd, 0);
	}
	if ((flags & 2) && !lc.done(lc.self)) {
		shutdown(sv[1], SHUT_WR);
		lc.on_readable(lc.self, t.fd, 0);
	}
	/* Answered means a whole success response to our request. */
	if (t.state == STUN_TCP_ANSWERED &&
	    (memcmp(t.response.tid, t.tid, STUN_TID_LEN) != 0 || !stun_msg_mapped(&t.response)))
		abort();
	stun_tcp_close(&t);
	close(sv[1]);
	return 0;
}
