// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: libnatpmp's read path as natctl calls it (natpmp_check_response, then readnatpmpresponseorretry) on datagrams from a scripted gateway.
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz_netns.h"
#include "natctl/base/buf.h"
#include "natctl/base/clock.h"
#include "natctl/map/natpmp_client.h"
#include "natctl/map/natpmp_wire.h"
#include "natctl/net/net.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The scripted gateway's NAT-PMP port, opened once (test code: state across runs). */
static int gateway_fd;
static struct endpoint gateway;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	static const char *const addrs[] = {"192.168.77.1"};
	fuzz_private_network(addrs, 1);
	endpoint_parse_ip(&gateway, "192.168.77.1");
	gateway.port = NATPMP_SERVER_PORT;
	gateway_fd = udp_open(AF_INET, &gateway);
	if (gateway_fd < 0)
		abort();
	return 0;
}

/* What an accepted answer must agree with: the datagram it came from. */
static void check_answer(const struct natpmp_client *c, const uint8_t *d, size_t n)
{
	if (natpmp_check_response(d, n, c->opcode, c->internal_port) != 0)
		abort();
	const struct natpmp_answer *a = &c->answer;
	if (a->result != load_be16(d + 2) || a->epoch != load_be32(d + 4))
		abort();
	if (a->result != 0)
		return;
	if (c->opcode == NATPMP_OP_ADDRESS && memcmp(a->external.ip, d + 8, 4) != 0)
		abort();
	if (c->opcode != NATPMP_OP_ADDRESS &&
	    (a->mapped_port != load_be16(d + 10) || a->lifetime != load_be32(d + 12)))
		abort();
}

/*
 * The input: the request (0: external address, 1: map UDP, 2: map TCP,
 * 3: delete), the internal port (2 bytes), then datagrams, each a length
 * byte and its bytes, sent by the gateway one at a time while the client
 * waits for its answer.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 3)
		return 0;
	uint8_t op = data[0] % 4;
	uint16_t port = load_be16(data + 1);
	data += 3;
	size -= 3;
	struct natpmp_client c;
	struct endpoint gw_ip = gateway;
	gw_ip.port = 0;
	if (natpmp_client_open(&c, &gw_ip, NULL) < 0)
		abort();
	if (op == 0)
		natpmp_client_address(&c);
	else
		natpmp_client_map(&c, op == 1 ? IPPROTO_UDP : IPPROTO_TCP, port, port,
				  op == 3 ? 0 : 7200);
	struct loop_client lc = natpmp_client_loop(&c);
	int64_t now = clock_now_us();
	lc.on_tick(lc.self, now); /* sends the request */
	uint8_t req[64];
	struct endpoint client;
	if (udp_recv(gateway_fd, req, sizeof(req), &client) < 2)
		abort();
	while (size > 0 && c.rq.state == REQUEST_PENDING) {
		size_t n = data[0] < size - 1 ? data[0] : size - 1;
		udp_send(gateway_fd, &client, data + 1, n);
		lc.on_readable(lc.self, c.pmp.s, now);
		if (c.rq.state == REQUEST_ANSWERED)
			check_answer(&c, data + 1, n);
		data += 1 + n;
		size -= 1 + n;
	}
	natpmp_client_close(&c);
	return 0;
}
