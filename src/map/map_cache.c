// SPDX-License-Identifier: BSD-2-Clause
// The gateway cache file: one small text file per gateway and MAC, checked line by line when read, replaced atomically when written.
#include "natctl/map/map_cache.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"
#include "natctl/map/store.h"

/*
 * natctl-gateway-cache 1
 * gateway 192.168.77.1 02:ab:cd:00:10:ff
 * written 1767225600
 * pcp no no-answer 192.168.77.1:5351: port unreachable (no PCP server)
 * natpmp yes
 * upnp yes
 * upnp-location http://192.168.77.1:5000/rootDesc.xml
 * upnp-urlbase -
 * upnp-control /ctl/IPConn
 * upnp-service urn:schemas-upnp-org:service:WANIPConnection:2
 * upnp-igd 2
 * upnp-6fc /ctl/IP6FCtl          (WANIPv6FirewallControl's, "-" for none; older entries lack it)
 */
#define CACHE_MAGIC "natctl-gateway-cache 1"
#define IGD_V2      "urn:schemas-upnp-org:service:WANIPConnection:2"

int map_cache_dir_choose(char *out, size_t cap, const char *cache_directory,
			 const char *xdg_cache_home, const char *home)
{
	return store_dir_choose(out, cap, &store_cache, cache_directory, xdg_cache_home, home);
}

static void format_mac(const uint8_t mac[GATEWAY_MAC_LEN], char sep, char out[18])
{
	snprintf(out, 18, "%02x%c%02x%c%02x%c%02x%c%02x%c%02x", mac[0], sep, mac[1], sep, mac[2],
		 sep, mac[3], sep, mac[4], sep, mac[5]);
}

void map_cache_file_name(const struct endpoint *gateway, const uint8_t mac[GATEWAY_MAC_LEN],
			 char out[MAP_CACHE_NAME_MAX])
{
	char ip[IP_STRLEN], hw[18];
	format_mac(mac, '-', hw);
	snprintf(out, MAP_CACHE_NAME_MAX, "gateway-%s-%s", endpoint_format_ip(gateway, ip), hw);
}

/* A value that is one word of plain ASCII: what a URL or service type may hold here. */
static bool storable(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	if (n == 0 || n == cap)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || strchr("\"<>\\", s[i]))
			return false;
	return true;
}

static bool known_service(const char *s)
{
	static const char *const prefixes[] = {
		"urn:schemas-upnp-org:service:WANIPConnection:",
		"urn:schemas-upnp-org:service:WANPPPConnection:",
	};
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (strncmp(s, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	return false;
}

bool map_cache_igd_storable(const struct map_cache_igd *g)
{
	struct endpoint where;
	return ssdp_parse_url(g->location, &where) == 0 &&
	       (!g->urlbase[0] || storable(g->urlbase, sizeof(g->urlbase))) &&
	       storable(g->control, sizeof(g->control)) &&
	       storable(g->service, sizeof(g->service)) && known_service(g->service) &&
	       g->version == (strcmp(g->service, IGD_V2) == 0 ? 2 : 1) &&
	       (!g->control6[0] || storable(g->control6, sizeof(g->control6)));
}

/* ---- writing ---- */

struct writer {
	char *out;
	size_t cap, len;
	bool full;
};

static void put(struct writer *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct writer *w, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = w->full ? -1 : vsnprintf(w->out + w->len, w->cap - w->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= w->cap - w->len)
		w->full = true;
	else
		w->len += (size_t)n;
}

/* "pcp no no-answer WHY": the reason one line of sanitised text. */
static void put_absent(struct writer *w, const char *name, enum failure f, const char *why)
{
	char line[MAP_TEXT_MAX];
	text_sanitize(line, sizeof(line), why);
	put(w, "%s no %s%s%s\n", name,
	    failure_token(f == FAILURE_UNSUPPORTED ? FAILURE_UNSUPPORTED : FAILURE_NO_ANSWER),
	    line[0] ? " " : "", line);
}

static void put_methods(struct writer *w, const struct map_cache_entry *e)
{
	for (int m = 0; m < MAP_N_METHODS; m++) {
		const char *name = map_method_name((enum map_method)m);
		if (e->seen[m] == MAP_SEEN_YES)
			put(w, "%s yes\n", name);
		else if (e->seen[m] == MAP_SEEN_NO)
			put_absent(w, name, e->absent[m], e->why[m]);
	}
}

static void put_igd(struct writer *w, const struct map_cache_igd *g)
{
	put(w, "upnp-location %s\n", g->location);
	put(w, "upnp-urlbase %s\n", g->urlbase[0] ? g->urlbase : "-");
	put(w, "upnp-control %s\n", g->control);
	put(w, "upnp-service %s\n", g->service);
	put(w, "upnp-igd %d\n", g->version);
	if (g->knows_6fc)
		put(w, "upnp-6fc %s\n", g->control6[0] ? g->control6 : "-");
}

int map_cache_format(const struct map_cache_entry *e, char *out, size_t cap)
{
	struct writer w = {.out = out, .cap = cap};
	char ip[IP_STRLEN], mac[18];
	if (cap == 0)
		return -1;
	format_mac(e->mac, ':', mac);
	put(&w, CACHE_MAGIC "\ngateway %s %s\nwritten %" PRId64 "\n",
	    endpoint_format_ip(&e->gateway, ip), mac, e->written);
	put_methods(&w, e);
	if (e->have_igd && e->seen[MAP_UPNP] == MAP_SEEN_YES)
		put_igd(&w, &e->igd);
	return w.full ? -1 : (int)w.len;
}

/* ---- reading: every line checked, anything unknown refused ---- */

enum {
	KEY_GATEWAY = 1u << 0,
	KEY_WRITTEN = 1u << 1,
	KEY_LOCATION = 1u << 2,
	KEY_URLBASE = 1u << 3,
	KEY_CONTROL = 1u << 4,
	KEY_SERVICE = 1u << 5,
	KEY_IGD = 1u << 6,
	KEY_METHOD = 1u << 7, /* shifted by the method */
	KEY_6FC = 1u << 20,   /* optional: not among KEYS_IGD */
};
#define KEYS_IGD (KEY_LOCATION | KEY_URLBASE | KEY_CONTROL | KEY_SERVICE | KEY_IGD)

/* The line's words, at most max, each cut to its buffer; how many. */
static int words(const char *line, char w[][SSDP_LOCATION_MAX], int max)
{
	int n = 0;
	while (*line) {
		line += strspn(line, " ");
		size_t len = strcspn(line, " ");
		if (len == 0)
			break;
		if (n == max || len >= SSDP_LOCATION_MAX)
			return -1;
		memcpy(w[n], line, len);
		w[n++][len] = '\0';
		line += len;
	}
	return n;
}

static bool parse_written(const char *s, int64_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	long long v = strtoll(s, &end, 10);
	*out = v;
	return !*end && v >= 0;
}

/* " yes", or " no no-answer|unsupported[ WHY]" after the method's name. */
static bool parse_seen(const char *rest, enum map_method m, struct map_cache_entry *e)
{
	static const char no[] = " no ";
	if (strcmp(rest, " yes") == 0) {
		e->seen[m] = MAP_SEEN_YES;
		return true;
	}
	if (strncmp(rest, no, sizeof(no) - 1) != 0)
		return false;
	rest += sizeof(no) - 1;
	size_t n = strcspn(rest, " ");
	e->seen[m] = MAP_SEEN_NO;
	e->absent[m] = n == 9 && strncmp(rest, "no-answer", n) == 0      ? FAILURE_NO_ANSWER
		       : n == 11 && strncmp(rest, "unsupported", n) == 0 ? FAILURE_UNSUPPORTED
									 : FAILURE_NONE;
	if (rest[n] == ' ')
		text_sanitize(e->why[m], sizeof(e->why[m]), rest + n + 1);
	return e->absent[m] != FAILURE_NONE;
}

static bool copy_field(char *dst, size_t cap, const char *src)
{
	if (!storable(src, cap))
		return false;
	text_copy(dst, cap, src);
	return true;
}

static bool parse_igd_field(char w[][SSDP_LOCATION_MAX], int n, unsigned key,
			    struct map_cache_igd *g)
{
	if (n != 2)
		return false;
	switch (key) {
	case KEY_LOCATION: return copy_field(g->location, sizeof(g->location), w[1]);
	case KEY_URLBASE:
		g->urlbase[0] = '\0';
		return strcmp(w[1], "-") == 0 || copy_field(g->urlbase, sizeof(g->urlbase), w[1]);
	case KEY_CONTROL: return copy_field(g->control, sizeof(g->control), w[1]);
	case KEY_SERVICE: return copy_field(g->service, sizeof(g->service), w[1]);
	case KEY_6FC:
		g->knows_6fc = true;
		g->control6[0] = '\0';
		return strcmp(w[1], "-") == 0 || copy_field(g->control6, sizeof(g->control6), w[1]);
	default:
		g->version = strcmp(w[1], "1") == 0 ? 1 : strcmp(w[1], "2") == 0 ? 2 : 0;
		return g->version != 0;
	}
}

static unsigned key_of(const char *word, enum map_method *m)
{
	static const struct {
		const char *name;
		unsigned key;
	} keys[] = {
		{"gateway", KEY_GATEWAY},        {"written", KEY_WRITTEN},
		{"upnp-location", KEY_LOCATION}, {"upnp-urlbase", KEY_URLBASE},
		{"upnp-control", KEY_CONTROL},   {"upnp-service", KEY_SERVICE},
		{"upnp-igd", KEY_IGD},           {"upnp-6fc", KEY_6FC},
	};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(word, keys[i].name) == 0)
			return keys[i].key;
	*m = map_method_by_name(word);
	return *m == MAP_NONE ? 0 : KEY_METHOD << *m;
}

static bool parse_line(const char *line, unsigned *seen_keys, struct map_cache_entry *e)
{
	char w[3][SSDP_LOCATION_MAX], first[32];
	size_t len = strcspn(line, " ");
	enum map_method m = MAP_NONE;
	if (len == 0 || len >= sizeof(first))
		return false;
	memcpy(first, line, len);
	first[len] = '\0';
	unsigned key = key_of(first, &m);
	if (!key || (*seen_keys & key))
		return false;
	*seen_keys |= key;
	if (m != MAP_NONE)
		return parse_seen(line + len, m, e);
	int n = words(line, w, 3);
	if (key == KEY_GATEWAY)
		return n == 3 && endpoint_parse_ip(&e->gateway, w[1]) == 0 &&
		       e->gateway.family == AF_INET && gateway_parse_mac(w[2], e->mac);
	if (key == KEY_WRITTEN)
		return n == 2 && parse_written(w[1], &e->written);
	return parse_igd_field(w, n, key, &e->igd);
}

/* The IGD's lines come all together, for a UPnP that answered, and agree. */
static bool consistent(unsigned keys, struct map_cache_entry *e)
{
	unsigned igd = keys & KEYS_IGD;
	if ((keys & (KEY_GATEWAY | KEY_WRITTEN)) != (KEY_GATEWAY | KEY_WRITTEN))
		return false;
	if ((keys & KEY_6FC) && !igd)
		return false;
	if (igd && (igd != KEYS_IGD || e->seen[MAP_UPNP] != MAP_SEEN_YES))
		return false;
	e->have_igd = igd != 0;
	return !e->have_igd || map_cache_igd_storable(&e->igd);
}

int map_cache_parse(const char *text, struct map_cache_entry *e)
{
	unsigned keys = 0;
	memset(e, 0, sizeof(*e));
	size_t first = strlen(CACHE_MAGIC);
	if (strncmp(text, CACHE_MAGIC "\n", first + 1) != 0)
		return -1;
	for (const char *p = text + first + 1; *p;) {
		char line[MAP_TEXT_MAX + 64];
		size_t n = strcspn(p, "\n");
		if (n >= sizeof(line) || p[n] != '\n')
			return -1; /* too long, or cut short (no newline at the end) */
		memcpy(line, p, n);
		line[n] = '\0';
		if (!parse_line(line, &keys, e))
			return -1;
		p += n + 1;
	}
	return consistent(keys, e) ? 0 : -1;
}

/* ---- the file ---- */

static int refuse(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int refuse(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int map_cache_load(const char *dir, const struct endpoint *gateway,
		   const uint8_t mac[GATEWAY_MAC_LEN], int64_t now, struct map_cache_entry *e,
		   char *why, size_t why_len)
{
	char name[MAP_CACHE_NAME_MAX], text[MAP_CACHE_FILE_MAX + 1];
	map_cache_file_name(gateway, mac, name);
	ssize_t n = store_read(dir, name, text, sizeof(text));
	if (n < 0)
		return n == -ENOENT ? -ENOENT : refuse(why, why_len, "%s", strerror((int)-n));
	if ((size_t)n >= MAP_CACHE_FILE_MAX)
		return refuse(why, why_len, "larger than %d bytes", MAP_CACHE_FILE_MAX);
	if (map_cache_parse(text, e) < 0)
		return refuse(why, why_len, "malformed");
	/* Found under this key's name, but written for another: never used. */
	if (!endpoint_same_ip(&e->gateway, gateway) || memcmp(e->mac, mac, GATEWAY_MAC_LEN) != 0)
		return refuse(why, why_len, "another gateway's entry");
	if (e->written > now)
		return refuse(why, why_len, "written in the future (the clock went back)");
	if (now - e->written > MAP_CACHE_MAX_AGE_S)
		return refuse(why, why_len, "older than %d h", MAP_CACHE_MAX_AGE_S / 3600);
	return 0;
}

int map_cache_save(const char *dir, const struct map_cache_entry *e)
{
	char name[MAP_CACHE_NAME_MAX], text[MAP_CACHE_FILE_MAX];
	int n = map_cache_format(e, text, sizeof(text));
	if (n < 0)
		return -EMSGSIZE;
	int rc = store_dir_create(dir);
	map_cache_file_name(&e->gateway, e->mac, name);
	return rc < 0 ? rc : store_replace(dir, name, text, (size_t)n);
}

int map_cache_forget(const char *dir, const struct endpoint *gateway,
		     const uint8_t mac[GATEWAY_MAC_LEN])
{
	char name[MAP_CACHE_NAME_MAX];
	map_cache_file_name(gateway, mac, name);
	return store_remove(dir, name);
}

void map_cache_age(const struct map_cache_entry *e, char *out, size_t cap)
{
	int64_t seconds = clock_wall_ms() / 1000 - e->written;
	if (seconds < 120)
		snprintf(out, cap, "%lld s", (long long)seconds);
	else if (seconds < 2 * 3600)
		snprintf(out, cap, "%lld min", (long long)(seconds / 60));
	else
		snprintf(out, cap, "%lld h", (long long)(seconds / 3600));
}
