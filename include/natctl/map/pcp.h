/* SPDX-License-Identifier: BSD-2-Clause */
/* PCP wire codec (RFC 6887: ANNOUNCE and MAP, THIRD_PARTY and PREFER_FAILURE): bytes in, structs out; no I/O. */
#ifndef NATCTL_PCP_H
#define NATCTL_PCP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"

/*
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |  Version = 2  |R|   Opcode    |         Reserved              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                 Requested Lifetime (32 bits)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |            PCP Client's IP Address (128 bits)                 |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                  RFC 6887 §7.1, request header
 *
 *  |  Version = 2  |R|   Opcode    |   Reserved    |  Result Code  |
 *  |                      Lifetime (32 bits)                       |
 *  |                     Epoch Time (32 bits)                      |
 *  |                      Reserved (96 bits)                       |
 *                  RFC 6887 §7.2, response header
 *
 *  |                 Mapping Nonce (96 bits)                       |
 *  |   Protocol    |          Reserved (24 bits)                   |
 *  |        Internal Port          |    Suggested External Port    |
 *  |           Suggested External IP Address (128 bits)            |
 *                  RFC 6887 §11.1, MAP opcode payload
 */
#define PCP_VERSION         2
#define PCP_SERVER_PORT     5351 /* RFC 6887 §19.1 */
#define PCP_CLIENT_PORT     5350 /* unsolicited ANNOUNCE goes to 224.0.0.1 here (§14.1.1) */
#define PCP_MAX_MESSAGE     1100 /* §7: "maximum UDP payload length of 1100 octets" */
#define PCP_HEADER_LEN      24
#define PCP_MAP_PAYLOAD_LEN 36
#define PCP_NONCE_LEN       12
#define PCP_RESPONSE_BIT    0x80

enum pcp_opcode {
	PCP_OP_ANNOUNCE = 0, /* RFC 6887 §14.1 */
	PCP_OP_MAP = 1,      /* RFC 6887 §11 */
	PCP_OP_PEER = 2,     /* RFC 6887 §12; not used by natctl */
};

enum pcp_option_code {
	PCP_OPTION_THIRD_PARTY = 1,    /* RFC 6887 §13.1 */
	PCP_OPTION_PREFER_FAILURE = 2, /* RFC 6887 §13.2 */
	PCP_OPTION_FILTER = 3,         /* RFC 6887 §13.3 */
};

/* RFC 6887 §7.4 result codes. */
enum pcp_result {
	PCP_RESULT_SUCCESS = 0,
	PCP_RESULT_UNSUPP_VERSION = 1,
	PCP_RESULT_NOT_AUTHORIZED = 2,
	PCP_RESULT_MALFORMED_REQUEST = 3,
	PCP_RESULT_UNSUPP_OPCODE = 4,
	PCP_RESULT_UNSUPP_OPTION = 5,
	PCP_RESULT_MALFORMED_OPTION = 6,
	PCP_RESULT_NETWORK_FAILURE = 7,
	PCP_RESULT_NO_RESOURCES = 8,
	PCP_RESULT_UNSUPP_PROTOCOL = 9,
	PCP_RESULT_USER_EX_QUOTA = 10,
	PCP_RESULT_CANNOT_PROVIDE_EXTERNAL = 11,
	PCP_RESULT_ADDRESS_MISMATCH = 12,
	PCP_RESULT_EXCESSIVE_REMOTE_PEERS = 13,
};
#define PCP_RESULT_MAX PCP_RESULT_EXCESSIVE_REMOTE_PEERS

/* Decoder and matcher results: 0 or one of these. */
enum pcp_error {
	PCP_OK = 0,
	PCP_ERR_SHORT = -1,           /* shorter than the header or the opcode's payload */
	PCP_ERR_LENGTH = -2,          /* longer than 1100 octets or not a multiple of 4 */
	PCP_ERR_VERSION = -3,         /* a version other than 2 on anything but UNSUPP_VERSION */
	PCP_ERR_NOT_RESPONSE = -4,    /* R bit clear: a request, not an answer */
	PCP_ERR_OPCODE = -5,          /* not the opcode we asked with */
	PCP_ERR_NONCE = -6,           /* MAP: not our mapping nonce */
	PCP_ERR_MISMATCH = -7,        /* MAP: protocol or internal port differ from the request */
	PCP_ERR_OPTION = -8,          /* an option runs past the message */
	PCP_ERR_NOSPACE = -9,         /* encoder: output buffer too small */
	PCP_ERR_RESULT = -10,         /* a result code RFC 6887 does not define */
	PCP_ERR_OPCODE_UNKNOWN = -11, /* a response opcode this codec cannot read */
	PCP_ERR_HEADER_ONLY = -12, /* MAP: an error without the payload, for a parsable request */
	PCP_ERR_RESERVED = -13,    /* MAP: a header-only error that does not name our address */
};

const char *pcp_strerror(int err);
/* "SUCCESS", "NOT_AUTHORIZED", ... or "UNKNOWN". */
const char *pcp_result_name(unsigned code);

struct pcp_request {
	uint8_t opcode;         /* PCP_OP_ANNOUNCE or PCP_OP_MAP */
	uint32_t lifetime;      /* requested lifetime, seconds; 0 deletes (§15) */
	struct endpoint client; /* this host's address as it sends (port ignored) */
	/* MAP only. */
	uint8_t nonce[PCP_NONCE_LEN];
	uint8_t protocol; /* IPPROTO_TCP or IPPROTO_UDP */
	uint16_t internal_port;
	uint16_t external_port;      /* suggested; 0 for no preference */
	struct endpoint external;    /* suggested address; unset for no preference */
	struct endpoint third_party; /* THIRD_PARTY internal address, or unset */
	bool prefer_failure;         /* add PREFER_FAILURE */
};

struct pcp_response {
	uint8_t version;
	uint8_t opcode; /* without the R bit */
	uint8_t result;
	uint32_t lifetime;
	uint32_t epoch;
	uint8_t reserved[12]; /* §7.2: our address's last 96 bits, when the request was not parsed */
	bool natpmp;          /* a NAT-PMP (version 0) "Unsupported Version" answer: no PCP here */
	bool has_map;         /* the MAP payload was present */
	uint8_t nonce[PCP_NONCE_LEN];
	uint8_t protocol;
	uint16_t internal_port;
	uint16_t external_port;
	struct endpoint external;
};

/* Encodes a request; returns its length or PCP_ERR_NOSPACE. */
int pcp_encode_request(const struct pcp_request *r, uint8_t *out, size_t cap);

/* Decodes one datagram from a PCP server; returns 0 or a negative enum pcp_error. */
int pcp_decode_response(const uint8_t *data, size_t len, struct pcp_response *r);

/*
 * Checks that a decoded response answers req (RFC 6887 §8.3 and §11.3):
 * same opcode and, for MAP, same nonce, protocol and internal port. A
 * NAT-PMP version answer matches any request. A MAP answer without the
 * payload matches only as an error for a request the server could not
 * parse, naming our address (§7.2). Returns 0 or a pcp_error.
 */
int pcp_response_matches(const struct pcp_request *req, const struct pcp_response *r);

/* An ANNOUNCE success response (unsolicited, §14.1.1): true with its epoch. */
bool pcp_announcement_epoch(const uint8_t *data, size_t len, uint32_t *epoch);

#endif
