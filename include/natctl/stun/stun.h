/* SPDX-License-Identifier: BSD-2-Clause */
/* STUN wire codec (RFC 8489, RFC 5389, RFC 5780, RFC 3489 attributes): bytes in, structs out; no I/O. */
#ifndef NATCTL_STUN_H
#define NATCTL_STUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/buf.h"

/*
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     STUN Message Type     |         Message Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Magic Cookie                          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                     Transaction ID (96 bits)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                      RFC 8489 §5, Figure 2
 */
#define STUN_HEADER_LEN      20
#define STUN_MAGIC_COOKIE    0x2112A442u
#define STUN_TID_LEN         12
#define STUN_FINGERPRINT_XOR 0x5354554Eu /* RFC 8489 §14.7: "STUN" */
#define STUN_MAX_MESSAGE     1280 /* we send small requests; big enough for any sane answer */
#define STUN_DEFAULT_PORT    3478

/* RFC 8489 §5: the class is bits C1 C0 of the message type. */
enum stun_class {
	STUN_CLASS_REQUEST = 0,
	STUN_CLASS_INDICATION = 1,
	STUN_CLASS_SUCCESS = 2,
	STUN_CLASS_ERROR = 3,
};

#define STUN_METHOD_BINDING 0x001 /* RFC 8489 §18.2 */

enum stun_attr_type {
	STUN_ATTR_MAPPED_ADDRESS = 0x0001,           /* RFC 8489 §14.1 */
	STUN_ATTR_RESPONSE_ADDRESS = 0x0002,         /* RFC 3489 §11.2.2 */
	STUN_ATTR_CHANGE_REQUEST = 0x0003,           /* RFC 5780 §7.2 */
	STUN_ATTR_SOURCE_ADDRESS = 0x0004,           /* RFC 3489 §11.2.5 */
	STUN_ATTR_CHANGED_ADDRESS = 0x0005,          /* RFC 3489 §11.2.3 */
	STUN_ATTR_USERNAME = 0x0006,                 /* RFC 8489 §14.3 */
	STUN_ATTR_MESSAGE_INTEGRITY = 0x0008,        /* RFC 8489 §14.5 */
	STUN_ATTR_ERROR_CODE = 0x0009,               /* RFC 8489 §14.8 */
	STUN_ATTR_UNKNOWN_ATTRIBUTES = 0x000A,       /* RFC 8489 §14.9 */
	STUN_ATTR_REALM = 0x0014,                    /* RFC 8489 §14.9 */
	STUN_ATTR_NONCE = 0x0015,                    /* RFC 8489 §14.10 */
	STUN_ATTR_MESSAGE_INTEGRITY_SHA256 = 0x001C, /* RFC 8489 §14.6 */
	STUN_ATTR_PASSWORD_ALGORITHM = 0x001D,       /* RFC 8489 §14.12 */
	STUN_ATTR_USERHASH = 0x001E,                 /* RFC 8489 §14.4 */
	STUN_ATTR_XOR_MAPPED_ADDRESS = 0x0020,       /* RFC 8489 §14.2 */
	STUN_ATTR_PRIORITY = 0x0024,                 /* RFC 8445 §16.1 */
	STUN_ATTR_USE_CANDIDATE = 0x0025,            /* RFC 8445 §16.1 */
	STUN_ATTR_PADDING = 0x0026,                  /* RFC 5780 §7.6 */
	STUN_ATTR_RESPONSE_PORT = 0x0027,            /* RFC 5780 §7.5 */
	STUN_ATTR_PASSWORD_ALGORITHMS = 0x8002,      /* RFC 8489 §14.11 */
	STUN_ATTR_ALTERNATE_DOMAIN = 0x8003,         /* RFC 8489 §14.16 */
	STUN_ATTR_XOR_MAPPED_ADDRESS_OLD =
		0x8020,                      /* pre-RFC 5389 drafts, still sent by old servers */
	STUN_ATTR_SOFTWARE = 0x8022,         /* RFC 8489 §14.14 */
	STUN_ATTR_ALTERNATE_SERVER = 0x8023, /* RFC 8489 §14.15 */
	STUN_ATTR_CACHE_TIMEOUT = 0x8027,    /* RFC 5780 §7.7 */
	STUN_ATTR_FINGERPRINT = 0x8028,      /* RFC 8489 §14.7 */
	STUN_ATTR_ICE_CONTROLLED = 0x8029,   /* RFC 8445 §16.1 */
	STUN_ATTR_ICE_CONTROLLING = 0x802A,  /* RFC 8445 §16.1 */
	STUN_ATTR_RESPONSE_ORIGIN = 0x802B,  /* RFC 5780 §7.3 */
	STUN_ATTR_OTHER_ADDRESS = 0x802C,    /* RFC 5780 §7.4 */
};

/* RFC 5780 §7.2 CHANGE-REQUEST flags. */
#define STUN_CHANGE_IP   0x04u
#define STUN_CHANGE_PORT 0x02u

/* Decoder results: 0 or one of these. */
enum stun_error {
	STUN_OK = 0,
	STUN_ERR_TRUNCATED = -1,        /* shorter than a header */
	STUN_ERR_NOT_STUN = -2,         /* top two bits set */
	STUN_ERR_COOKIE = -3,           /* no magic cookie */
	STUN_ERR_LENGTH = -4,           /* length field disagrees with the datagram */
	STUN_ERR_ATTR_OVERRUN = -5,     /* an attribute runs past the message */
	STUN_ERR_ATTR_VALUE = -6,       /* an attribute's value is malformed */
	STUN_ERR_FINGERPRINT = -7,      /* FINGERPRINT wrong or not last */
	STUN_ERR_UNKNOWN_REQUIRED = -8, /* unknown comprehension-required attribute */
	STUN_ERR_NOSPACE = -9,          /* encoder: output buffer too small */
};

const char *stun_strerror(int err);

/* Which attributes a decoded message carried (bit per field of struct stun_msg). */
enum stun_has {
	STUN_HAS_MAPPED = 1u << 0,
	STUN_HAS_XOR_MAPPED = 1u << 1,
	STUN_HAS_RESPONSE_ORIGIN = 1u << 2,
	STUN_HAS_OTHER_ADDRESS = 1u << 3,
	STUN_HAS_CHANGED_ADDRESS = 1u << 4,
	STUN_HAS_SOURCE_ADDRESS = 1u << 5,
	STUN_HAS_ERROR_CODE = 1u << 6,
	STUN_HAS_SOFTWARE = 1u << 7,
	STUN_HAS_FINGERPRINT = 1u << 8,
	STUN_HAS_INTEGRITY = 1u << 9,
	STUN_HAS_CHANGE_REQUEST = 1u << 10,
	STUN_HAS_UNKNOWN_ATTRIBUTES = 1u << 11,
	STUN_HAS_RESPONSE_PORT = 1u << 12,
	STUN_HAS_USERNAME = 1u << 13,
};

#define STUN_MAX_LISTED_ATTRS 8
#define STUN_TEXT_MAX         128

struct stun_msg {
	uint16_t method;
	enum stun_class cls;
	uint8_t tid[STUN_TID_LEN];
	uint32_t has; /* enum stun_has bits */

	struct endpoint mapped;          /* MAPPED-ADDRESS */
	struct endpoint xor_mapped;      /* XOR-MAPPED-ADDRESS, already un-XORed */
	struct endpoint response_origin; /* RESPONSE-ORIGIN */
	struct endpoint other_address;   /* OTHER-ADDRESS */
	struct endpoint changed_address; /* CHANGED-ADDRESS */
	struct endpoint source_address;  /* SOURCE-ADDRESS */
	uint32_t change_request;         /* CHANGE-REQUEST flags */
	uint16_t response_port;          /* RESPONSE-PORT */

	uint16_t error_code; /* 300..699 */
	char error_reason[STUN_TEXT_MAX];
	char software[STUN_TEXT_MAX];
	char username[STUN_TEXT_MAX];

	size_t integrity_offset; /* where MESSAGE-INTEGRITY starts */
	uint8_t integrity[20];

	uint16_t unknown_listed[STUN_MAX_LISTED_ATTRS]; /* UNKNOWN-ATTRIBUTES contents */
	size_t n_unknown_listed;
	uint16_t unknown_required[STUN_MAX_LISTED_ATTRS]; /* ones we could not comprehend */
	size_t n_unknown_required;
};

/*
 * Decodes one STUN message. Returns 0 or a negative enum stun_error. On
 * STUN_ERR_UNKNOWN_REQUIRED, msg is still filled and lists the attributes:
 * a client discards such a response (RFC 8489 §6.3.3).
 */
int stun_decode(const uint8_t *data, size_t len, struct stun_msg *msg);

/* True if data looks like STUN: header, zero top bits, cookie (for demultiplexing). */
bool stun_is_message(const uint8_t *data, size_t len);

/* The address a success response reports: XOR-MAPPED-ADDRESS, else MAPPED-ADDRESS. */
const struct endpoint *stun_msg_mapped(const struct stun_msg *msg);

/* Encoder: begin a message, add attributes, finish. Errors set b->err. */
void stun_begin(struct buf *b, uint16_t method, enum stun_class cls,
		const uint8_t tid[STUN_TID_LEN]);
void stun_put_attr(struct buf *b, uint16_t type, const void *value, size_t len);
void stun_put_u32_attr(struct buf *b, uint16_t type, uint32_t value);
void stun_put_address(struct buf *b, uint16_t type, const struct endpoint *e);
void stun_put_xor_address(struct buf *b, uint16_t type, const struct endpoint *e,
			  const uint8_t tid[STUN_TID_LEN]);
void stun_put_error_code(struct buf *b, uint16_t code, const char *reason);
void stun_put_unknown_attributes(struct buf *b, const uint16_t *types, size_t n);
/* Sets the header length, optionally appends FINGERPRINT; returns the length or STUN_ERR_NOSPACE. */
int stun_finish(struct buf *b, bool fingerprint);

/* A Binding request, optionally with CHANGE-REQUEST and SOFTWARE; returns length or error. */
/* A Binding request that also asks for its response at another port of
 * the source address (RFC 5780 §7.5 RESPONSE-PORT); 0 for none. */
int stun_build_binding_request_to(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
				  uint32_t change_flags, uint16_t response_port,
				  const char *software);
int stun_build_binding_request(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
			       uint32_t change_flags, const char *software);

/* CRC-32 (ISO/IEC 3309, as in RFC 1952) used by FINGERPRINT. */
uint32_t stun_crc32(const uint8_t *data, size_t len);

#endif
