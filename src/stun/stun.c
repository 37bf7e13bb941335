// SPDX-License-Identifier: BSD-2-Clause
// STUN wire codec: message header, attributes, FINGERPRINT; no I/O.
#include "natctl/stun/stun.h"

#include <string.h>

#include "natctl/base/text.h"

const char *stun_strerror(int err)
{
	switch (err) {
	case STUN_OK: return "ok";
	case STUN_ERR_TRUNCATED: return "truncated header";
	case STUN_ERR_NOT_STUN: return "not a STUN message";
	case STUN_ERR_COOKIE: return "bad magic cookie";
	case STUN_ERR_LENGTH: return "length field disagrees with datagram";
	case STUN_ERR_ATTR_OVERRUN: return "attribute runs past the message";
	case STUN_ERR_ATTR_VALUE: return "malformed attribute value";
	case STUN_ERR_FINGERPRINT: return "bad or misplaced FINGERPRINT";
	case STUN_ERR_UNKNOWN_REQUIRED: return "unknown comprehension-required attribute";
	case STUN_ERR_NOSPACE: return "message too large";
	default: return "unknown error";
	}
}

uint32_t stun_crc32(const uint8_t *data, size_t len)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < len; i++) {
		crc ^= data[i];
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

/* RFC 8489 §5: M11..M7 C1 M6..M4 C0 M3..M0 */
static uint16_t stun_type_encode(uint16_t method, enum stun_class cls)
{
	unsigned c = (unsigned)cls;
	return (uint16_t)((method & 0x000F) | ((method & 0x0070) << 1) | ((method & 0x0F80) << 2) |
			  ((c & 1u) << 4) | ((c & 2u) << 7));
}

static void stun_type_decode(uint16_t type, uint16_t *method, enum stun_class *cls)
{
	*method = (uint16_t)((type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2));
	*cls = (enum stun_class)(((type >> 4) & 1u) | ((type >> 7) & 2u));
}

bool stun_is_message(const uint8_t *data, size_t len)
{
	return len >= STUN_HEADER_LEN && (data[0] & 0xC0) == 0 &&
	       load_be32(data + 4) == STUN_MAGIC_COOKIE;
}

const struct endpoint *stun_msg_mapped(const struct stun_msg *msg)
{
	if (msg->has & STUN_HAS_XOR_MAPPED)
		return &msg->xor_mapped;
	if (msg->has & STUN_HAS_MAPPED)
		return &msg->mapped;
	return NULL;
}

/* ---- attribute decoders ---- */

struct attr_ctx {
	struct stun_msg *msg;
	const uint8_t *value;
	size_t len;
	const uint8_t *message; /* the whole datagram, for FINGERPRINT */
	size_t offset;          /* where this attribute's header starts */
};

/*
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |           Port                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                 Address (32 bits or 128 bits)                 |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *                  RFC 8489 §14.1, Figure 5
 */
static int decode_address(const uint8_t *v, size_t len, struct endpoint *e)
{
	memset(e, 0, sizeof(*e));
	if (len < 4)
		return STUN_ERR_ATTR_VALUE;
	if (v[1] == 0x01 && len == 8) {
		e->family = AF_INET;
		memcpy(e->ip, v + 4, 4);
	} else if (v[1] == 0x02 && len == 20) {
		e->family = AF_INET6;
		memcpy(e->ip, v + 4, 16);
	} else {
		return STUN_ERR_ATTR_VALUE;
	}
	e->port = load_be16(v + 2);
	return 0;
}

/* RFC 8489 §14.2: X-Port is the port XORed with the cookie's top 16 bits;
 * X-Address with the cookie (IPv4) or the cookie and transaction ID (IPv6). */
static void xor_address(struct endpoint *e, const uint8_t tid[STUN_TID_LEN])
{
	uint8_t key[16];
	store_be32(key, STUN_MAGIC_COOKIE);
	memcpy(key + 4, tid, STUN_TID_LEN);
	e->port ^= (uint16_t)(STUN_MAGIC_COOKIE >> 16);
	for (size_t i = 0; i < endpoint_ip_len(e); i++)
		e->ip[i] ^= key[i];
}

static int attr_address(struct attr_ctx *a, struct endpoint *e, enum stun_has bit)
{
	int rc = decode_address(a->value, a->len, e);
	if (rc == 0)
		a->msg->has |= bit;
	return rc;
}

static int attr_mapped(struct attr_ctx *a)
{
	return attr_address(a, &a->msg->mapped, STUN_HAS_MAPPED);
}

static int attr_xor_mapped(struct attr_ctx *a)
{
	int rc = attr_address(a, &a->msg->xor_mapped, STUN_HAS_XOR_MAPPED);
	if (rc == 0)
		xor_address(&a->msg->xor_mapped, a->msg->tid);
	return rc;
}

static int attr_response_origin(struct attr_ctx *a)
{
	return attr_address(a, &a->msg->response_origin, STUN_HAS_RESPONSE_ORIGIN);
}

static int attr_other_address(struct attr_ctx *a)
{
	return attr_address(a, &a->msg->other_address, STUN_HAS_OTHER_ADDRESS);
}

static int attr_changed_address(struct attr_ctx *a)
{
	return attr_address(a, &a->msg->changed_address, STUN_HAS_CHANGED_ADDRESS);
}

static int attr_source_address(struct attr_ctx *a)
{
	return attr_address(a, &a->msg->source_address, STUN_HAS_SOURCE_ADDRESS);
}

static int attr_change_request(struct attr_ctx *a)
{
	if (a->len != 4)
		return STUN_ERR_ATTR_VALUE;
	a->msg->change_request = load_be32(a->value);
	a->msg->has |= STUN_HAS_CHANGE_REQUEST;
	return 0;
}

static int attr_response_port(struct attr_ctx *a)
{
	if (a->len != 4)
		return STUN_ERR_ATTR_VALUE;
	a->msg->response_port = load_be16(a->value);
	a->msg->has |= STUN_HAS_RESPONSE_PORT;
	return 0;
}

/* RFC 8489 §14.8: class (3 bits) and number (0..99) after 21 reserved bits. */
static int attr_error_code(struct attr_ctx *a)
{
	if (a->len < 4)
		return STUN_ERR_ATTR_VALUE;
	unsigned cls = a->value[2] & 0x07u, num = a->value[3];
	if (cls < 3 || cls > 6 || num > 99)
		return STUN_ERR_ATTR_VALUE;
	a->msg->error_code = (uint16_t)(cls * 100 + num);
	text_sanitize_bytes(a->msg->error_reason, sizeof(a->msg->error_reason), a->value + 4,
			    a->len - 4);
	a->msg->has |= STUN_HAS_ERROR_CODE;
	return 0;
}

static int attr_unknown_attributes(struct attr_ctx *a)
{
	if (a->len % 2)
		return STUN_ERR_ATTR_VALUE;
	struct stun_msg *m = a->msg;
	for (size_t i = 0; i + 1 < a->len && m->n_unknown_listed < STUN_MAX_LISTED_ATTRS; i += 2)
		m->unknown_listed[m->n_unknown_listed++] = load_be16(a->value + i);
	m->has |= STUN_HAS_UNKNOWN_ATTRIBUTES;
	return 0;
}

static int attr_software(struct attr_ctx *a)
{
	text_sanitize_bytes(a->msg->software, sizeof(a->msg->software), a->value, a->len);
	a->msg->has |= STUN_HAS_SOFTWARE;
	return 0;
}

static int attr_username(struct attr_ctx *a)
{
	text_sanitize_bytes(a->msg->username, sizeof(a->msg->username), a->value, a->len);
	a->msg->has |= STUN_HAS_USERNAME;
	return 0;
}

static int attr_integrity(struct attr_ctx *a)
{
	if (a->len != sizeof(a->msg->integrity))
		return STUN_ERR_ATTR_VALUE;
	memcpy(a->msg->integrity, a->value, a->len);
	a->msg->integrity_offset = a->offset;
	a->msg->has |= STUN_HAS_INTEGRITY;
	return 0;
}

/* RFC 8489 §14.7: "the CRC-32 of the STUN message up to (but excluding) the
 * FINGERPRINT attribute itself, XOR'ed with the 32-bit value 0x5354554e". */
static int attr_fingerprint(struct attr_ctx *a)
{
	if (a->len != 4)
		return STUN_ERR_FINGERPRINT;
	uint32_t want = stun_crc32(a->message, a->offset) ^ STUN_FINGERPRINT_XOR;
	if (load_be32(a->value) != want)
		return STUN_ERR_FINGERPRINT;
	a->msg->has |= STUN_HAS_FINGERPRINT;
	return 0;
}

/* Attributes we comprehend but need not interpret (ICE, auth, padding). */
static int attr_ignore(struct attr_ctx *a)
{
	(void)a;
	return 0;
}

struct attr_decoder {
	uint16_t type;
	enum stun_has bit; /* 0 where repeats are harmless */
	int (*decode)(struct attr_ctx *a);
};

static const struct attr_decoder attr_decoders[] = {
	{STUN_ATTR_MAPPED_ADDRESS, STUN_HAS_MAPPED, attr_mapped},
	{STUN_ATTR_XOR_MAPPED_ADDRESS, STUN_HAS_XOR_MAPPED, attr_xor_mapped},
	{STUN_ATTR_XOR_MAPPED_ADDRESS_OLD, STUN_HAS_XOR_MAPPED, attr_xor_mapped},
	{STUN_ATTR_RESPONSE_ORIGIN, STUN_HAS_RESPONSE_ORIGIN, attr_response_origin},
	{STUN_ATTR_OTHER_ADDRESS, STUN_HAS_OTHER_ADDRESS, attr_other_address},
	{STUN_ATTR_CHANGED_ADDRESS, STUN_HAS_CHANGED_ADDRESS, attr_changed_address},
	{STUN_ATTR_SOURCE_ADDRESS, STUN_HAS_SOURCE_ADDRESS, attr_source_address},
	{STUN_ATTR_CHANGE_REQUEST, STUN_HAS_CHANGE_REQUEST, attr_change_request},
	{STUN_ATTR_RESPONSE_PORT, STUN_HAS_RESPONSE_PORT, attr_response_port},
	{STUN_ATTR_ERROR_CODE, STUN_HAS_ERROR_CODE, attr_error_code},
	{STUN_ATTR_UNKNOWN_ATTRIBUTES, STUN_HAS_UNKNOWN_ATTRIBUTES, attr_unknown_attributes},
	{STUN_ATTR_SOFTWARE, STUN_HAS_SOFTWARE, attr_software},
	{STUN_ATTR_USERNAME, STUN_HAS_USERNAME, attr_username},
	{STUN_ATTR_MESSAGE_INTEGRITY, STUN_HAS_INTEGRITY, attr_integrity},
	{STUN_ATTR_FINGERPRINT, STUN_HAS_FINGERPRINT, attr_fingerprint},
	{STUN_ATTR_RESPONSE_ADDRESS, 0, attr_ignore},
	{STUN_ATTR_REALM, 0, attr_ignore},
	{STUN_ATTR_NONCE, 0, attr_ignore},
	{STUN_ATTR_MESSAGE_INTEGRITY_SHA256, 0, attr_ignore},
	{STUN_ATTR_PASSWORD_ALGORITHM, 0, attr_ignore},
	{STUN_ATTR_USERHASH, 0, attr_ignore},
	{STUN_ATTR_PRIORITY, 0, attr_ignore},
	{STUN_ATTR_USE_CANDIDATE, 0, attr_ignore},
	{STUN_ATTR_PADDING, 0, attr_ignore},
};

static const struct attr_decoder *find_decoder(uint16_t type)
{
	for (size_t i = 0; i < sizeof(attr_decoders) / sizeof(attr_decoders[0]); i++)
		if (attr_decoders[i].type == type)
			return &attr_decoders[i];
	return NULL;
}

/* RFC 8489 §15: types 0x0000-0x7FFF are comprehension-required. */
static void note_unknown(struct stun_msg *m, uint16_t type)
{
	if (type < 0x8000 && m->n_unknown_required < STUN_MAX_LISTED_ATTRS)
		m->unknown_required[m->n_unknown_required++] = type;
}

static int decode_attribute(struct stun_msg *m, uint16_t type, struct attr_ctx *a)
{
	/* RFC 8489 §14.5: "agents MUST ignore all other attributes that follow
	 * MESSAGE-INTEGRITY", except MESSAGE-INTEGRITY-SHA256 and FINGERPRINT. */
	if ((m->has & STUN_HAS_INTEGRITY) && type != STUN_ATTR_FINGERPRINT &&
	    type != STUN_ATTR_MESSAGE_INTEGRITY_SHA256)
		return 0;
	const struct attr_decoder *d = find_decoder(type);
	if (!d) {
		note_unknown(m, type);
		return 0;
	}
	/* Only the first of repeated attributes counts (RFC 8489 §14). */
	if (d->bit && (m->has & d->bit))
		return 0;
	return d->decode(a);
}

static int decode_header(const uint8_t *data, size_t len, struct stun_msg *m)
{
	if (len < STUN_HEADER_LEN)
		return STUN_ERR_TRUNCATED;
	if (data[0] & 0xC0)
		return STUN_ERR_NOT_STUN;
	if (load_be32(data + 4) != STUN_MAGIC_COOKIE)
		return STUN_ERR_COOKIE;
	size_t body = load_be16(data + 2);
	if (body % 4 || body + STUN_HEADER_LEN != len)
		return STUN_ERR_LENGTH;
	stun_type_decode(load_be16(data), &m->method, &m->cls);
	memcpy(m->tid, data + 8, STUN_TID_LEN);
	return 0;
}

int stun_decode(const uint8_t *data, size_t len, struct stun_msg *m)
{
	memset(m, 0, sizeof(*m));
	int rc = decode_header(data, len, m);
	if (rc)
		return rc;
	size_t off = STUN_HEADER_LEN;
	while (off < len) {
		/* RFC 8489 §14.7: FINGERPRINT "MUST be the last attribute". */
		if (m->has & STUN_HAS_FINGERPRINT)
			return STUN_ERR_FINGERPRINT;
		if (len - off < 4)
			return STUN_ERR_ATTR_OVERRUN;
		uint16_t type = load_be16(data + off);
		size_t alen = load_be16(data + off + 2);
		size_t padded = (alen + 3) & ~(size_t)3;
		if (padded > len - off - 4)
			return STUN_ERR_ATTR_OVERRUN;
		struct attr_ctx a = {m, data + off + 4, alen, data, off};
		rc = decode_attribute(m, type, &a);
		if (rc)
			return rc;
		off += 4 + padded;
	}
	return m->n_unknown_required ? STUN_ERR_UNKNOWN_REQUIRED : 0;
}

/* ---- encoder ---- */

void stun_begin(struct buf *b, uint16_t method, enum stun_class cls,
		const uint8_t tid[STUN_TID_LEN])
{
	buf_put_be16(b, stun_type_encode(method, cls));
	buf_put_be16(b, 0); /* length, set by stun_finish() */
	buf_put_be32(b, STUN_MAGIC_COOKIE);
	buf_put_bytes(b, tid, STUN_TID_LEN);
}

void stun_put_attr(struct buf *b, uint16_t type, const void *value, size_t len)
{
	if (len > 0xFFFF) {
		b->err = true;
		return;
	}
	buf_put_be16(b, type);
	buf_put_be16(b, (uint16_t)len);
	buf_put_bytes(b, value, len);
	buf_put_zeros(b, (4 - len % 4) % 4);
}

void stun_put_u32_attr(struct buf *b, uint16_t type, uint32_t value)
{
	uint8_t v[4];
	store_be32(v, value);
	stun_put_attr(b, type, v, sizeof(v));
}

static size_t encode_address(uint8_t v[20], const struct endpoint *e)
{
	size_t iplen = endpoint_ip_len(e);
	v[0] = 0;
	v[1] = e->family == AF_INET6 ? 0x02 : 0x01;
	store_be16(v + 2, e->port);
	memcpy(v + 4, e->ip, iplen);
	return 4 + iplen;
}

void stun_put_address(struct buf *b, uint16_t type, const struct endpoint *e)
{
	uint8_t v[20];
	if (!endpoint_is_set(e)) {
		b->err = true;
		return;
	}
	stun_put_attr(b, type, v, encode_address(v, e));
}

void stun_put_xor_address(struct buf *b, uint16_t type, const struct endpoint *e,
			  const uint8_t tid[STUN_TID_LEN])
{
	struct endpoint x = *e;
	xor_address(&x, tid); /* XOR is its own inverse */
	stun_put_address(b, type, &x);
}

void stun_put_error_code(struct buf *b, uint16_t code, const char *reason)
{
	uint8_t v[4 + STUN_TEXT_MAX];
	size_t rlen = strnlen(reason, STUN_TEXT_MAX);
	v[0] = v[1] = 0;
	v[2] = (uint8_t)(code / 100);
	v[3] = (uint8_t)(code % 100);
	memcpy(v + 4, reason, rlen);
	stun_put_attr(b, STUN_ATTR_ERROR_CODE, v, 4 + rlen);
}

void stun_put_unknown_attributes(struct buf *b, const uint16_t *types, size_t n)
{
	uint8_t v[2 * STUN_MAX_LISTED_ATTRS];
	if (n > STUN_MAX_LISTED_ATTRS)
		n = STUN_MAX_LISTED_ATTRS;
	for (size_t i = 0; i < n; i++)
		store_be16(v + 2 * i, types[i]);
	stun_put_attr(b, STUN_ATTR_UNKNOWN_ATTRIBUTES, v, 2 * n);
}

int stun_finish(struct buf *b, bool fingerprint)
{
	if (b->err || b->pos < STUN_HEADER_LEN)
		return STUN_ERR_NOSPACE;
	/* The length covers FINGERPRINT before the CRC is taken (RFC 8489 §14.7). */
	size_t body = b->pos - STUN_HEADER_LEN + (fingerprint ? 8 : 0);
	if (body > 0xFFFF)
		return STUN_ERR_NOSPACE;
	store_be16(b->data + 2, (uint16_t)body);
	if (fingerprint)
		stun_put_u32_attr(b, STUN_ATTR_FINGERPRINT,
				  stun_crc32(b->data, b->pos) ^ STUN_FINGERPRINT_XOR);
	return b->err ? STUN_ERR_NOSPACE : (int)b->pos;
}

/*
 * SOFTWARE, with trailing spaces to a multiple of 4 bytes. RFC 3489 servers
 * (Vovida stund among them) step from one attribute to the next by its
 * length alone: RFC 3489 §11.1 has no padding, as every attribute it defines
 * is a multiple of 4 long. With RFC 8489 §14's padding after a SOFTWARE of
 * another length they read FINGERPRINT from the wrong place and refuse the
 * request. RFC 8489 §14.14: "fewer than 128 characters".
 */
static void put_software(struct buf *b, const char *software)
{
	char v[124];
	size_t len = strlen(software);
	if (len > sizeof(v))
		len = sizeof(v);
	memcpy(v, software, len);
	while (len % 4)
		v[len++] = ' ';
	stun_put_attr(b, STUN_ATTR_SOFTWARE, v, len);
}

int stun_build_binding_request_to(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
				  uint32_t change_flags, uint16_t response_port,
				  const char *software)
{
	struct buf b;
	buf_init(&b, out, cap);
	stun_begin(&b, STUN_METHOD_BINDING, STUN_CLASS_REQUEST, tid);
	if (change_flags)
		stun_put_u32_attr(&b, STUN_ATTR_CHANGE_REQUEST, change_flags);
	if (response_port) {
		/* RFC 5780 §7.5: "a 16-bit unsigned integer in network byte order
		 * followed by 2 bytes of padding". */
		uint8_t value[4] = {(uint8_t)(response_port >> 8), (uint8_t)response_port, 0, 0};
		stun_put_attr(&b, STUN_ATTR_RESPONSE_PORT, value, sizeof(value));
	}
	if (software)
		put_software(&b, software);
	return stun_finish(&b, true);
}

int stun_build_binding_request(uint8_t *out, size_t cap, const uint8_t tid[STUN_TID_LEN],
			       uint32_t change_flags, const char *software)
{
	return stun_build_binding_request_to(out, cap, tid, change_flags, 0, software);
}
