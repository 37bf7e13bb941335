// SPDX-License-Identifier: BSD-2-Clause
// Transport addresses: conversion, formatting, parsing and classification.
#include "natctl/base/addr.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

size_t endpoint_ip_len(const struct endpoint *e)
{
	return e->family == AF_INET ? 4 : e->family == AF_INET6 ? 16 : 0;
}

bool endpoint_is_set(const struct endpoint *e)
{
	return e->family == AF_INET || e->family == AF_INET6;
}

bool endpoint_same_ip(const struct endpoint *a, const struct endpoint *b)
{
	return a->family == b->family && endpoint_is_set(a) &&
	       memcmp(a->ip, b->ip, endpoint_ip_len(a)) == 0;
}

bool endpoint_equal(const struct endpoint *a, const struct endpoint *b)
{
	return endpoint_same_ip(a, b) && a->port == b->port;
}

/* An IPv4-mapped IPv6 address (::ffff:a.b.c.d) is reported as IPv4. */
static bool ip6_is_v4mapped(const uint8_t *ip)
{
	static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	return memcmp(ip, prefix, sizeof(prefix)) == 0;
}

int endpoint_from_sockaddr(struct endpoint *e, const struct sockaddr *sa, socklen_t len)
{
	memset(e, 0, sizeof(*e));
	if (sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		e->family = AF_INET;
		memcpy(e->ip, &in->sin_addr, 4);
		e->port = ntohs(in->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		const uint8_t *ip = in6->sin6_addr.s6_addr;
		if (ip6_is_v4mapped(ip)) {
			e->family = AF_INET;
			memcpy(e->ip, ip + 12, 4);
		} else {
			e->family = AF_INET6;
			memcpy(e->ip, ip, 16);
			e->scope_id = in6->sin6_scope_id;
		}
		e->port = ntohs(in6->sin6_port);
		return 0;
	}
	return -1;
}

socklen_t endpoint_to_sockaddr(const struct endpoint *e, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (e->family == AF_INET) {
		struct sockaddr_in *in = (struct sockaddr_in *)ss;
		in->sin_family = AF_INET;
		in->sin_port = htons(e->port);
		memcpy(&in->sin_addr, e->ip, 4);
		return sizeof(*in);
	}
	if (e->family == AF_INET6) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons(e->port);
		memcpy(&in6->sin6_addr, e->ip, 16);
		in6->sin6_scope_id = e->scope_id;
		return sizeof(*in6);
	}
	return 0;
}

char *endpoint_format_ip(const struct endpoint *e, char out[IP_STRLEN])
{
	if (!endpoint_is_set(e) || !inet_ntop(e->family, e->ip, out, IP_STRLEN))
		snprintf(out, IP_STRLEN, "?");
	return out;
}

char *endpoint_format(const struct endpoint *e, char out[ENDPOINT_STRLEN])
{
	char ip[IP_STRLEN];
	endpoint_format_ip(e, ip);
	if (e->family == AF_INET6)
		snprintf(out, ENDPOINT_STRLEN, "[%s]:%u", ip, e->port);
	else
		snprintf(out, ENDPOINT_STRLEN, "%s:%u", ip, e->port);
	return out;
}

int endpoint_parse_ip(struct endpoint *e, const char *s)
{
	memset(e, 0, sizeof(*e));
	if (inet_pton(AF_INET, s, e->ip) == 1) {
		e->family = AF_INET;
		return 0;
	}
	if (inet_pton(AF_INET6, s, e->ip) == 1) {
		e->family = AF_INET6;
		return 0;
	}
	return -1;
}

static int copy_host(char *host, size_t hostlen, const char *s, size_t n)
{
	if (n == 0 || n >= hostlen)
		return -1;
	memcpy(host, s, n);
	host[n] = '\0';
	return 0;
}

int hostport_split(const char *s, char *host, size_t hostlen, const char **port)
{
	*port = NULL;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || (end[1] != '\0' && end[1] != ':'))
			return -1;
		if (end[1] == ':')
			*port = end + 2;
		return copy_host(host, hostlen, s + 1, (size_t)(end - s - 1));
	}
	const char *colon = strchr(s, ':');
	if (colon && strchr(colon + 1, ':'))
		return copy_host(host, hostlen, s, strlen(s)); /* bare IPv6 */
	if (colon)
		*port = colon + 1;
	return copy_host(host, hostlen, s, colon ? (size_t)(colon - s) : strlen(s));
}

/* One row per special-purpose block; the first match wins. */
struct prefix_class {
	int family;
	uint8_t prefix[16];
	unsigned bits;
	enum addr_class cls;
};

static const struct prefix_class prefix_classes[] = {
	{AF_INET, {0}, 8, ADDR_CLASS_UNSPECIFIED},
	{AF_INET, {127}, 8, ADDR_CLASS_LOOPBACK},
	{AF_INET, {10}, 8, ADDR_CLASS_PRIVATE},
	{AF_INET, {172, 16}, 12, ADDR_CLASS_PRIVATE},
	{AF_INET, {192, 168}, 16, ADDR_CLASS_PRIVATE},
	{AF_INET, {100, 64}, 10, ADDR_CLASS_CGNAT},
	{AF_INET, {169, 254}, 16, ADDR_CLASS_LINK_LOCAL},
	{AF_INET, {192, 0, 2}, 24, ADDR_CLASS_DOCUMENTATION},
	{AF_INET, {198, 51, 100}, 24, ADDR_CLASS_DOCUMENTATION},
	{AF_INET, {203, 0, 113}, 24, ADDR_CLASS_DOCUMENTATION},
	{AF_INET, {192, 0, 0}, 24, ADDR_CLASS_RESERVED},
	{AF_INET, {198, 18}, 15, ADDR_CLASS_RESERVED},
	{AF_INET, {224}, 4, ADDR_CLASS_RESERVED},
	{AF_INET, {240}, 4, ADDR_CLASS_RESERVED},
	{AF_INET6, {0}, 128, ADDR_CLASS_UNSPECIFIED},
	{AF_INET6, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128, ADDR_CLASS_LOOPBACK},
	{AF_INET6, {0xfc}, 7, ADDR_CLASS_PRIVATE},
	{AF_INET6, {0xfe, 0x80}, 10, ADDR_CLASS_LINK_LOCAL},
	{AF_INET6, {0x20, 0x01, 0x0d, 0xb8}, 32, ADDR_CLASS_DOCUMENTATION},
	{AF_INET6, {0xff}, 8, ADDR_CLASS_RESERVED},
};

static bool prefix_match(const uint8_t *ip, const uint8_t *prefix, unsigned bits)
{
	unsigned full = bits / 8, rest = bits % 8;
	if (memcmp(ip, prefix, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (ip[full] & mask) == (prefix[full] & mask);
}

enum addr_class addr_classify(const struct endpoint *e)
{
	if (!endpoint_is_set(e))
		return ADDR_CLASS_UNSPEC;
	for (size_t i = 0; i < sizeof(prefix_classes) / sizeof(prefix_classes[0]); i++) {
		const struct prefix_class *p = &prefix_classes[i];
		if (p->family == e->family && prefix_match(e->ip, p->prefix, p->bits))
			return p->cls;
	}
	return ADDR_CLASS_GLOBAL;
}

const char *addr_class_name(enum addr_class c)
{
	static const char *const names[] = {
		[ADDR_CLASS_UNSPEC] = "unspec",
		[ADDR_CLASS_UNSPECIFIED] = "unspecified",
		[ADDR_CLASS_LOOPBACK] = "loopback",
		[ADDR_CLASS_PRIVATE] = "private",
		[ADDR_CLASS_CGNAT] = "cgnat",
		[ADDR_CLASS_LINK_LOCAL] = "link-local",
		[ADDR_CLASS_DOCUMENTATION] = "documentation",
		[ADDR_CLASS_RESERVED] = "reserved",
		[ADDR_CLASS_GLOBAL] = "global",
	};
	return (unsigned)c < sizeof(names) / sizeof(names[0]) ? names[c] : "unspec";
}

bool addr_is_behind_nat(const struct endpoint *e)
{
	enum addr_class c = addr_classify(e);
	return c == ADDR_CLASS_PRIVATE || c == ADDR_CLASS_CGNAT;
}
