/* SPDX-License-Identifier: BSD-2-Clause */
/* Transport addresses: a plain endpoint struct, formatting, parsing, classification. */
#ifndef NATCTL_ADDR_H
#define NATCTL_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* An IP address and port, independent of the socket API. */
struct endpoint {
	int family;        /* AF_INET, AF_INET6, or AF_UNSPEC when unset */
	uint8_t ip[16];    /* 4 bytes used for AF_INET */
	uint16_t port;     /* host byte order */
	uint32_t scope_id; /* IPv6 link-local: the interface index; else 0 */
};

/* "[ffff:...]:65535" plus NUL. */
#define ENDPOINT_STRLEN 56
#define IP_STRLEN       46

enum addr_class {
	ADDR_CLASS_UNSPEC,
	ADDR_CLASS_UNSPECIFIED,   /* 0.0.0.0, :: */
	ADDR_CLASS_LOOPBACK,      /* 127/8, ::1 */
	ADDR_CLASS_PRIVATE,       /* RFC 1918, RFC 4193 fc00::/7 */
	ADDR_CLASS_CGNAT,         /* RFC 6598 100.64.0.0/10 */
	ADDR_CLASS_LINK_LOCAL,    /* 169.254/16, fe80::/10 */
	ADDR_CLASS_DOCUMENTATION, /* RFC 5737 TEST-NETs, RFC 3849 2001:db8::/32 */
	ADDR_CLASS_RESERVED,      /* other special-purpose ranges (multicast, 240/4, ...) */
	ADDR_CLASS_GLOBAL,
};

size_t endpoint_ip_len(const struct endpoint *e);
bool endpoint_is_set(const struct endpoint *e);
bool endpoint_equal(const struct endpoint *a, const struct endpoint *b);
bool endpoint_same_ip(const struct endpoint *a, const struct endpoint *b);

/* Converts to and from the socket API; return 0 or -1 on an unsupported family. */
int endpoint_from_sockaddr(struct endpoint *e, const struct sockaddr *sa, socklen_t len);
socklen_t endpoint_to_sockaddr(const struct endpoint *e, struct sockaddr_storage *ss);

/* Formats into caller buffers ("192.0.2.1", "[2001:db8::1]:3478"); return out. */
char *endpoint_format_ip(const struct endpoint *e, char out[IP_STRLEN]);
char *endpoint_format(const struct endpoint *e, char out[ENDPOINT_STRLEN]);

/* Parses a numeric IPv4 or IPv6 literal; 0 on success, -1 otherwise. */
int endpoint_parse_ip(struct endpoint *e, const char *s);

/*
 * Splits "host", "host:port", "[v6]" or "[v6]:port" into host and port text.
 * A bare IPv6 literal (two or more colons, no brackets) has no port.
 * Returns 0, or -1 if the text is malformed or host does not fit.
 */
int hostport_split(const char *s, char *host, size_t hostlen, const char **port);

enum addr_class addr_classify(const struct endpoint *e);
const char *addr_class_name(enum addr_class c);
/* True for addresses that are not reachable from the internet at large. */
bool addr_is_behind_nat(const struct endpoint *e);

#endif
