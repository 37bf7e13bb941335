// SPDX-License-Identifier: BSD-2-Clause
// Bounded byte reader and writer in network byte order.
#include "natctl/base/buf.h"

#include <string.h>

void buf_init(struct buf *b, uint8_t *data, size_t size)
{
	b->data = data;
	b->size = size;
	b->pos = 0;
	b->err = false;
}

void buf_init_ro(struct buf *b, const uint8_t *data, size_t size)
{
	/* Readers never write through data; the cast keeps one struct for both. */
	buf_init(b, (uint8_t *)data, size);
}

size_t buf_left(const struct buf *b)
{
	return b->err ? 0 : b->size - b->pos;
}

/* Reserves n bytes and returns where they start, or NULL (and err) if short. */
static uint8_t *buf_take(struct buf *b, size_t n)
{
	if (b->err || n > b->size - b->pos) {
		b->err = true;
		return NULL;
	}
	uint8_t *p = b->data + b->pos;
	b->pos += n;
	return p;
}

uint16_t load_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

uint32_t load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

void store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

void buf_put_u8(struct buf *b, uint8_t v)
{
	uint8_t *p = buf_take(b, 1);
	if (p)
		*p = v;
}

void buf_put_be16(struct buf *b, uint16_t v)
{
	uint8_t *p = buf_take(b, 2);
	if (p)
		store_be16(p, v);
}

void buf_put_be32(struct buf *b, uint32_t v)
{
	uint8_t *p = buf_take(b, 4);
	if (p)
		store_be32(p, v);
}

void buf_put_bytes(struct buf *b, const void *src, size_t n)
{
	uint8_t *p = buf_take(b, n);
	if (p && n)
		memcpy(p, src, n);
}

void buf_put_zeros(struct buf *b, size_t n)
{
	uint8_t *p = buf_take(b, n);
	if (p && n)
		memset(p, 0, n);
}

uint8_t buf_get_u8(struct buf *b)
{
	const uint8_t *p = buf_take(b, 1);
	return p ? *p : 0;
}

uint16_t buf_get_be16(struct buf *b)
{
	const uint8_t *p = buf_take(b, 2);
	return p ? load_be16(p) : 0;
}

uint32_t buf_get_be32(struct buf *b)
{
	const uint8_t *p = buf_take(b, 4);
	return p ? load_be32(p) : 0;
}

void buf_get_bytes(struct buf *b, void *dst, size_t n)
{
	const uint8_t *p = buf_take(b, n);
	if (p && n)
		memcpy(dst, p, n);
	else if (n)
		memset(dst, 0, n);
}

void buf_skip(struct buf *b, size_t n)
{
	(void)buf_take(b, n);
}
