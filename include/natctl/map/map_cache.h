/* SPDX-License-Identifier: BSD-2-Clause */
/* The gateway cache: what the last discovery learnt of one gateway (which methods answered, the UPnP IGD's URLs), keyed by its address and MAC, for a warm start. */
#ifndef NATCTL_MAP_CACHE_H
#define NATCTL_MAP_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/failure.h"
#include "natctl/map/map_types.h"
#include "natctl/map/ssdp.h"
#include "natctl/map/store.h"
#include "natctl/net/gateway.h"

/* An entry older than this is not used: a router's services change
 * (PCP turned on, UPnP turned off) without its address or MAC changing. */
#define MAP_CACHE_MAX_AGE_S (24 * 60 * 60)
/* What miniupnpc keeps of a description's URL or service type. */
#define MAP_CACHE_FIELD_MAX 128
/* The whole file: a few hundred bytes, or a little more with reasons. */
#define MAP_CACHE_FILE_MAX 4096
#define MAP_CACHE_NAME_MAX 64
#define MAP_CACHE_DIR_MAX  STORE_PATH_MAX

/* What the last discovery that asked a method learnt of it. */
enum map_cache_seen {
	MAP_SEEN_UNKNOWN, /* not asked, or not decided (the run ended first) */
	MAP_SEEN_YES,     /* it answered */
	MAP_SEEN_NO,      /* absent: silent, port unreachable, or another protocol */
};

/* The UPnP IGD as its description gave it: enough for a SOAP call. */
struct map_cache_igd {
	char location[SSDP_LOCATION_MAX];   /* the root description URL (SSDP's LOCATION) */
	char urlbase[MAP_CACHE_FIELD_MAX];  /* the description's URLBase, "" if none */
	char control[MAP_CACHE_FIELD_MAX];  /* the WAN connection's controlURL, as given */
	char service[MAP_CACHE_FIELD_MAX];  /* its serviceType */
	int version;                        /* 1 or 2 (IGD:2's WANIPConnection:2) */
	char control6[MAP_CACHE_FIELD_MAX]; /* WANIPv6FirewallControl's controlURL, "" if none */
	/* The entry says whether the IGD has that service (upnp-6fc, "-" for
	 * none); an entry written before natctl kept it does not. */
	bool knows_6fc;
};

struct map_cache_entry {
	struct endpoint gateway;
	uint8_t mac[GATEWAY_MAC_LEN];
	int64_t written; /* wall-clock seconds */
	enum map_cache_seen seen[MAP_N_METHODS];
	enum failure absent[MAP_N_METHODS];    /* MAP_SEEN_NO: no-answer or unsupported */
	char why[MAP_N_METHODS][MAP_TEXT_MAX]; /* MAP_SEEN_NO: why, as that run said */
	bool have_igd;                         /* UPnP answered and its IGD is below */
	struct map_cache_igd igd;
};

/* Where the cache lives: $CACHE_DIRECTORY (systemd's CacheDirectory=),
 * else $XDG_CACHE_HOME/natctl, else $HOME/.cache/natctl, else
 * /var/cache/natctl (pass the variables' values, NULL when unset).
 * Returns 0, or -ENAMETOOLONG. */
int map_cache_dir_choose(char *out, size_t cap, const char *cache_directory,
			 const char *xdg_cache_home, const char *home);

/* "gateway-192.168.77.1-02-ab-cd-00-10-ff": one file per gateway and MAC,
 * so each network keeps its own. */
void map_cache_file_name(const struct endpoint *gateway, const uint8_t mac[GATEWAY_MAC_LEN],
			 char out[MAP_CACHE_NAME_MAX]);

/* The entry as its file's text, and back (pure; unit-tested). The
 * formatter returns the length, or -1 if cap is too small; the parser 0,
 * or -1 for anything it does not know or that fails its checks. */
int map_cache_format(const struct map_cache_entry *e, char *out, size_t cap);
/* "42 s", "12 min", "3 h": how long ago e was written, by the wall clock now. */
void map_cache_age(const struct map_cache_entry *e, char *out, size_t cap);
int map_cache_parse(const char *text, struct map_cache_entry *e);

/* Whether a method's IGD fields can go into the file (printable, no
 * blanks, within bounds); a UPnP answer that cannot is left unknown. */
bool map_cache_igd_storable(const struct map_cache_igd *igd);

/*
 * Reads the entry of this gateway and MAC from dir, as of wall-clock time
 * now (seconds). Returns 0 when it is there and usable; -ENOENT when there
 * is none; another negative value with why filled (malformed, another
 * gateway's, too old) when it is not to be used.
 */
int map_cache_load(const char *dir, const struct endpoint *gateway,
		   const uint8_t mac[GATEWAY_MAC_LEN], int64_t now, struct map_cache_entry *e,
		   char *why, size_t why_len);
/* Writes e atomically (the directory made, mode 0700; the file 0600); 0 or -errno. */
int map_cache_save(const char *dir, const struct map_cache_entry *e);
/* Removes the entry of this gateway and MAC; 0 or -errno. */
int map_cache_forget(const char *dir, const struct endpoint *gateway,
		     const uint8_t mac[GATEWAY_MAC_LEN]);

#endif
