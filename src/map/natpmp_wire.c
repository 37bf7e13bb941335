// SPDX-License-Identifier: BSD-2-Clause
// NAT-PMP response checks and result names (RFC 6886).
#include "natctl/map/natpmp_wire.h"

#include "natctl/base/buf.h"

const char *natpmp_check_strerror(int err)
{
	switch (err) {
	case NATPMP_CHECK_OK: return "ok";
	case NATPMP_CHECK_SHORT: return "response too short";
	case NATPMP_CHECK_VERSION: return "not NAT-PMP version 0";
	case NATPMP_CHECK_OPCODE: return "opcode does not answer our request";
	case NATPMP_CHECK_PORT: return "mapping answer for another internal port";
	}
	return "unknown error";
}

const char *natpmp_result_name(unsigned code)
{
	static const char *const names[] = {
		"SUCCESS",         "UNSUPPORTED_VERSION", "NOT_AUTHORIZED",
		"NETWORK_FAILURE", "OUT_OF_RESOURCES",    "UNSUPPORTED_OPCODE",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "UNKNOWN";
}

int natpmp_check_response(const uint8_t *data, size_t len, uint8_t req_opcode,
			  uint16_t req_internal_port)
{
	/* §3.5: every response starts with version, opcode, result code and
	 * the epoch; an error answer may stop there. */
	if (len < 8)
		return NATPMP_CHECK_SHORT;
	if (data[0] != 0)
		return NATPMP_CHECK_VERSION;
	if (data[1] != 128 + req_opcode)
		return NATPMP_CHECK_OPCODE;
	if (load_be16(data + 2) != NATPMP_RESULT_SUCCESS)
		return NATPMP_CHECK_OK;
	/* §3.2: the address answer is 12 bytes; §3.3: a mapping answer is 16
	 * and names the internal port it maps. */
	if (req_opcode == NATPMP_OP_ADDRESS)
		return len < 12 ? NATPMP_CHECK_SHORT : NATPMP_CHECK_OK;
	if (len < 16)
		return NATPMP_CHECK_SHORT;
	if (load_be16(data + 8) != req_internal_port)
		return NATPMP_CHECK_PORT;
	return NATPMP_CHECK_OK;
}

bool natpmp_announcement_epoch(const uint8_t *data, size_t len, uint32_t *epoch)
{
	/* §3.2.1: an announcement is an external-address success response:
	 * version, opcode 128, result 0, the epoch, the address (§3.2). */
	if (natpmp_check_response(data, len, NATPMP_OP_ADDRESS, 0) != 0 ||
	    load_be16(data + 2) != NATPMP_RESULT_SUCCESS)
		return false;
	*epoch = load_be32(data + 4);
	return true;
}
