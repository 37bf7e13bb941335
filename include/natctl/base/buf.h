/* SPDX-License-Identifier: BSD-2-Clause */
/* Bounded byte reader and writer in network byte order, for the wire codecs. */
#ifndef NATCTL_BUF_H
#define NATCTL_BUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A window over caller-owned bytes. Every put/get checks the bounds first and
 * sets `err` instead of overrunning, so a codec can chain calls and test
 * `err` once at the end.
 */
struct buf {
	uint8_t *data;
	size_t size; /* capacity (writer) or length (reader) */
	size_t pos;
	bool err;
};

void buf_init(struct buf *b, uint8_t *data, size_t size);
void buf_init_ro(struct buf *b, const uint8_t *data, size_t size);
size_t buf_left(const struct buf *b);

void buf_put_u8(struct buf *b, uint8_t v);
void buf_put_be16(struct buf *b, uint16_t v);
void buf_put_be32(struct buf *b, uint32_t v);
void buf_put_bytes(struct buf *b, const void *p, size_t n);
void buf_put_zeros(struct buf *b, size_t n);

uint8_t buf_get_u8(struct buf *b);
uint16_t buf_get_be16(struct buf *b);
uint32_t buf_get_be32(struct buf *b);
void buf_get_bytes(struct buf *b, void *p, size_t n);
void buf_skip(struct buf *b, size_t n);

/* Big-endian loads and stores on raw pointers, for fields at fixed offsets. */
uint16_t load_be16(const uint8_t *p);
uint32_t load_be32(const uint8_t *p);
void store_be16(uint8_t *p, uint16_t v);
void store_be32(uint8_t *p, uint32_t v);

#endif
