/* SPDX-License-Identifier: BSD-2-Clause */
/* SSDP (UPnP Device Architecture 1.1 §1.3) for IGD discovery: M-SEARCH out, search responses in; no I/O. */
#ifndef NATCTL_SSDP_H
#define NATCTL_SSDP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"

#define SSDP_PORT         1900
#define SSDP_MULTICAST_V4 "239.255.255.250"
#define SSDP_MAX_MESSAGE  1500
#define SSDP_LOCATION_MAX 256
#define SSDP_FIELD_MAX    128
/* UDA 1.1 §1.3.3: "Device responses should be delayed a random duration
 * between 0 and this many seconds" (MX); UDA 2.0 §1.3.2: "MUST be greater
 * than or equal to 1 and SHOULD be less than 5 inclusive". */
#define SSDP_MX_MIN 1
#define SSDP_MX_MAX 5
/* UDA 1.1 §1.3.2: "control points should send each M-SEARCH message more
 * than once": natctl's rounds all go out within this long of the first. */
#define SSDP_LAST_ROUND_US (50 * 1000)

/*
 * The MX to ask for when silence is to count as absence after wait_us:
 * every compliant answer to the last round is then due within the wait
 * (MX s after the last round), 1 to 5.
 */
unsigned ssdp_mx_for_wait(int64_t wait_us);

/* The search targets we ask for: IGD:2 first, IGD:1 for older routers. */
extern const char *const ssdp_igd_targets[2];

enum ssdp_error {
	SSDP_OK = 0,
	SSDP_ERR_STATUS = -1,      /* not an "HTTP/1.x 200" response */
	SSDP_ERR_MALFORMED = -2,   /* NUL byte, a header without ':', or too long */
	SSDP_ERR_NO_LOCATION = -3, /* no LOCATION header */
	SSDP_ERR_LOCATION = -4,    /* LOCATION is not http://IP[:port]/path */
	SSDP_ERR_ST = -5,          /* ST names no Internet Gateway Device or WAN service */
	SSDP_ERR_NTS = -6,         /* a NOTIFY that is neither ssdp:alive nor ssdp:byebye */
};

const char *ssdp_strerror(int err);

struct ssdp_answer {
	char location[SSDP_LOCATION_MAX]; /* the description URL, checked */
	struct endpoint host;             /* the URL's address and port */
	char st[SSDP_FIELD_MAX];
	char server[SSDP_FIELD_MAX]; /* SERVER header, or "" */
	bool has_bootid; /* BOOTID.UPNP.ORG (UDA 1.1 §1.2.2): changes when it reboots */
	uint32_t bootid;
};

/* A device's NOTIFY (UDA 1.1 §1.2): here (ssdp:alive) or leaving (ssdp:byebye). */
struct ssdp_notify {
	bool alive; /* false: ssdp:byebye */
	bool has_bootid;
	uint32_t bootid;
	char location[SSDP_LOCATION_MAX]; /* as sent, unchecked; "" if none */
};

/* Parses one NOTIFY; 0 or a negative enum ssdp_error (SSDP_ERR_NTS for
 * ssdp:update and the like, which say nothing of a restart). */
int ssdp_parse_notify(const char *data, size_t len, struct ssdp_notify *out);

/* Writes an M-SEARCH for st; returns its length, or -1 if cap is too small. */
int ssdp_build_msearch(const char *st, unsigned mx, char *out, size_t cap);

/* Parses one search response; returns 0 or a negative enum ssdp_error. */
int ssdp_parse_response(const char *data, size_t len, struct ssdp_answer *out);

/*
 * Parses "http://IPv4[:port]/path" (an IP literal: natctl never resolves a
 * name a multicast answer gave it). Returns 0 or SSDP_ERR_LOCATION.
 */
int ssdp_parse_url(const char *url, struct endpoint *host);

/* The path of a URL that ssdp_parse_url() accepted: "/rootDesc.xml". */
const char *ssdp_url_path(const char *url);

#endif
