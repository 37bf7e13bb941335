// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the NAT-PMP response checks must accept or reject any datagram without a fault.
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "natctl/base/addr.h"
#include "natctl/base/buf.h"
#include "natctl/map/natpmp_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* RFC 6886 §3.2: the external address follows the epoch. */
static void use_address(const uint8_t *data)
{
	struct endpoint e;
	char s[ENDPOINT_STRLEN];
	memset(&e, 0, sizeof(e));
	e.family = AF_INET;
	memcpy(e.ip, data + 8, 4);
	endpoint_format(&e, s);
	(void)addr_classify(&e);
}

/* RFC 6886 §3.3: internal port, mapped external port, lifetime. */
static void use_mapping(const uint8_t *data)
{
	volatile uint32_t sink = load_be16(data + 8);
	sink += load_be16(data + 10);
	sink += load_be32(data + 12);
	(void)sink;
}

/* Checks the datagram as an answer to one request, then reads it as callers do. */
static void check_as(const uint8_t *data, size_t size, uint8_t op, uint16_t port)
{
	int rc = natpmp_check_response(data, size, op, port);
	(void)natpmp_check_strerror(rc);
	if (rc != 0)
		return;
	/* Every accepted answer has the 8-byte header; map_keep reads its epoch. */
	uint16_t result = load_be16(data + 2);
	volatile uint32_t epoch = load_be32(data + 4);
	(void)epoch;
	(void)natpmp_result_name(result);
	if (result != NATPMP_RESULT_SUCCESS)
		return;
	if (op == NATPMP_OP_ADDRESS)
		use_address(data);
	else
		use_mapping(data);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The port a mapping answer names, so the fuzzer reaches the accepting path too. */
	uint16_t port = size >= 10 ? load_be16(data + 8) : 0;
	check_as(data, size, NATPMP_OP_ADDRESS, 0);
	check_as(data, size, NATPMP_OP_MAP_UDP, port);
	check_as(data, size, NATPMP_OP_MAP_TCP, port);
	check_as(data, size, NATPMP_OP_MAP_TCP, (uint16_t)(port + 1));
	return 0;
}
