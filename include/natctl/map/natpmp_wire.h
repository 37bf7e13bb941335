/* SPDX-License-Identifier: BSD-2-Clause */
/* NAT-PMP responses (RFC 6886 §3) checked before libnatpmp reads them, and result-code names; no I/O. */
#ifndef NATCTL_NATPMP_WIRE_H
#define NATCTL_NATPMP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NATPMP_SERVER_PORT 5351

/* RFC 6886 §3.2 and §3.3 opcodes; a response carries 128 + the request's. */
enum natpmp_opcode {
	NATPMP_OP_ADDRESS = 0,
	NATPMP_OP_MAP_UDP = 1,
	NATPMP_OP_MAP_TCP = 2,
};

/* RFC 6886 §3.5 result codes. */
enum natpmp_result {
	NATPMP_RESULT_SUCCESS = 0,
	NATPMP_RESULT_UNSUPPORTED_VERSION = 1,
	NATPMP_RESULT_NOT_AUTHORIZED = 2,
	NATPMP_RESULT_NETWORK_FAILURE = 3,
	NATPMP_RESULT_OUT_OF_RESOURCES = 4,
	NATPMP_RESULT_UNSUPPORTED_OPCODE = 5,
};

enum natpmp_check {
	NATPMP_CHECK_OK = 0,
	NATPMP_CHECK_SHORT = -1,   /* shorter than the opcode's response */
	NATPMP_CHECK_VERSION = -2, /* not version 0 */
	NATPMP_CHECK_OPCODE = -3,  /* not 128 + the request's opcode */
	NATPMP_CHECK_PORT = -4,    /* a mapping answer for another internal port */
};

const char *natpmp_check_strerror(int err);
/* "SUCCESS", "NOT_AUTHORIZED", ... or "UNKNOWN". */
const char *natpmp_result_name(unsigned code);

/*
 * Checks one datagram against the request it should answer, so that only
 * well-formed answers to our own request reach libnatpmp (which reads 16
 * bytes whatever arrived and matches nothing but the port). Returns 0 or a
 * negative enum natpmp_check.
 */
int natpmp_check_response(const uint8_t *data, size_t len, uint8_t req_opcode,
			  uint16_t req_internal_port);

/* An external-address announcement (§3.2.1), a success response: true with its epoch (§3.6). */
bool natpmp_announcement_epoch(const uint8_t *data, size_t len, uint32_t *epoch);

#endif
