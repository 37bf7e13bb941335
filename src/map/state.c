// SPDX-License-Identifier: BSD-2-Clause
// The state directory: a random key for PCP nonces and a file of live mappings, replaced atomically under a lock.
#include "natctl/map/state.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "natctl/map/store.h"
#include "natctl/net/net.h"

/* "natctl-mapping 1 METHOD GATEWAY tcp|udp INTERNAL PORT EXTERNAL LIFETIME EXPIRY NONCE|-" */
#define STATE_MAGIC "natctl-mapping 1"
/* The tenth field: a UPnP pinhole's UniqueID. */
#define STATE_PINHOLE_KEY "pinhole="
#define STATE_LINE_MAX    256

int state_dir_choose(struct state_dir *d, const char *state_directory, const char *xdg_state_home,
		     const char *home)
{
	return store_dir_choose(d->path, sizeof(d->path), &store_state, state_directory,
				xdg_state_home, home);
}

int state_dir_create(const struct state_dir *d)
{
	return store_dir_create(d->path);
}

int state_key(const struct state_dir *d, uint8_t key[SIPHASH_KEY_LEN])
{
	char have[SIPHASH_KEY_LEN + 1];
	if (store_read(d->path, "pcp-key", have, sizeof(have)) == SIPHASH_KEY_LEN) {
		memcpy(key, have, SIPHASH_KEY_LEN);
		return 0;
	}
	int rc = random_bytes(key, SIPHASH_KEY_LEN);
	if (rc == 0)
		rc = state_dir_create(d);
	return rc < 0 ? rc : store_replace(d->path, "pcp-key", (const char *)key, SIPHASH_KEY_LEN);
}

/* ---- one record as a line ---- */

static bool parse_method(const char *s, enum map_method *m)
{
	*m = map_method_by_name(s);
	return *m != MAP_NONE;
}

static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	char *end;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	if (*end || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool parse_nonce(const char *s, struct state_mapping *m)
{
	m->has_nonce = strcmp(s, "-") != 0;
	if (!m->has_nonce)
		return true;
	if (strlen(s) != 2 * STATE_NONCE_LEN)
		return false;
	for (size_t i = 0; i < STATE_NONCE_LEN; i++) {
		unsigned v;
		if (sscanf(s + 2 * i, "%2x", &v) != 1)
			return false;
		m->nonce[i] = (uint8_t)v;
	}
	return true;
}

/* "pinhole=N": the UniqueID of a UPnP pinhole (a ui2). */
static bool parse_pinhole(const char *s, struct state_mapping *m)
{
	uint32_t v;
	size_t k = strlen(STATE_PINHOLE_KEY);
	if (strncmp(s, STATE_PINHOLE_KEY, k) != 0 || !parse_u32(s + k, UINT16_MAX, &v))
		return false;
	m->has_pinhole_id = true;
	m->pinhole_id = (uint16_t)v;
	return true;
}

int state_format_line(const struct state_mapping *m, char *out, size_t len)
{
	char gw[IP_STRLEN], in[IP_STRLEN], nonce[2 * STATE_NONCE_LEN + 1] = "-", pin[24] = "";
	if (m->has_nonce)
		for (size_t i = 0; i < STATE_NONCE_LEN; i++)
			snprintf(nonce + 2 * i, 3, "%02x", m->nonce[i]);
	/* A field after the nonce: an older natctl's parser reads nine and
	 * ignores the rest of the line. */
	if (m->has_pinhole_id)
		snprintf(pin, sizeof(pin), " " STATE_PINHOLE_KEY "%u", m->pinhole_id);
	int n = snprintf(out, len, STATE_MAGIC " %s %s %s %s %u %u %u %lld %s%s\n",
			 map_method_name(m->method), endpoint_format_ip(&m->gateway, gw),
			 map_protocol_name(m->protocol), endpoint_format_ip(&m->internal, in),
			 m->internal.port, m->external_port, m->lifetime, (long long)m->expiry,
			 nonce, pin);
	return n < 0 || (size_t)n >= len ? -1 : n;
}

int state_parse_line(const char *line, struct state_mapping *m)
{
	char method[16], gw[IP_STRLEN], proto[8], in[IP_STRLEN], nonce[2 * STATE_NONCE_LEN + 2];
	char iport[8], eport[8], life[12], expiry[24], pin[24];
	memset(m, 0, sizeof(*m));
	if (strncmp(line, STATE_MAGIC " ", sizeof(STATE_MAGIC)) != 0)
		return -1;
	uint32_t ip, ep;
	int n = sscanf(line + sizeof(STATE_MAGIC), "%15s %45s %7s %45s %7s %7s %11s %23s %25s %23s",
		       method, gw, proto, in, iport, eport, life, expiry, nonce, pin);
	if ((n != 9 && !(n == 10 && parse_pinhole(pin, m))) || !parse_method(method, &m->method) ||
	    endpoint_parse_ip(&m->gateway, gw) < 0 || endpoint_parse_ip(&m->internal, in) < 0 ||
	    !parse_u32(iport, 65535, &ip) || !parse_u32(eport, 65535, &ep) ||
	    !parse_u32(life, UINT32_MAX, &m->lifetime) || !parse_nonce(nonce, m))
		return -1;
	if (strcmp(proto, "tcp") == 0)
		m->protocol = IPPROTO_TCP;
	else if (strcmp(proto, "udp") == 0)
		m->protocol = IPPROTO_UDP;
	else
		return -1;
	char *end;
	long long e = strtoll(expiry, &end, 10);
	if (*end || e < 0 || end == expiry)
		return -1;
	m->expiry = e;
	m->internal.port = (uint16_t)ip;
	m->external_port = (uint16_t)ep;
	return 0;
}

bool state_mapping_same(const struct state_mapping *a, const struct state_mapping *b)
{
	return a->method == b->method && endpoint_same_ip(&a->gateway, &b->gateway) &&
	       a->protocol == b->protocol && a->external_port == b->external_port;
}

/* ---- the file of mappings ---- */

/* Every record of the file, expired ones included; *n of them. */
static int load_all(const struct state_dir *d, struct state_mapping *out, size_t max, size_t *n)
{
	static const size_t cap = STATE_MAX_MAPPINGS * STATE_LINE_MAX;
	char *text = malloc(cap);
	*n = 0;
	if (!text)
		return -ENOMEM;
	ssize_t len = store_read(d->path, "mappings", text, cap);
	if (len == -ENOENT)
		len = 0;
	for (char *line = text, *next; len >= 0 && line && *line && *n < max; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (state_parse_line(line, &out[*n]) == 0)
			(*n)++;
	}
	free(text);
	return len < 0 ? (int)len : 0;
}

static int store_all(const struct state_dir *d, const struct state_mapping *m, size_t n)
{
	char *text = malloc(n * STATE_LINE_MAX + 1);
	size_t len = 0;
	if (!text)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		int k = state_format_line(&m[i], text + len, STATE_LINE_MAX);
		len += k > 0 ? (size_t)k : 0;
	}
	int rc = store_replace(d->path, "mappings", text, len);
	free(text);
	return rc;
}

/* Whether m is one of the n in set (the same mapping, state_mapping_same). */
static bool among(const struct state_mapping *m, const struct state_mapping *set, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (state_mapping_same(m, &set[i]))
			return true;
	return false;
}

/* Runs one read-modify-write of the mappings under the directory's lock:
 * several natctl processes (a systemd unit per mapping) share the file.
 * The n_add of add replace the same ones; those of drop go. */
static int with_lock(const struct state_dir *d, const struct state_mapping *add, size_t n_add,
		     const struct state_mapping *drop, size_t n_drop)
{
	char path[STATE_PATH_MAX + 64];
	int rc = state_dir_create(d);
	if (rc == 0)
		rc = store_path(d->path, "lock", path, sizeof(path));
	if (rc < 0)
		return rc;
	int lock = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (lock < 0)
		return -errno;
	while (flock(lock, LOCK_EX) < 0 && errno == EINTR)
		;
	struct state_mapping *all = calloc(STATE_MAX_MAPPINGS, sizeof(*all));
	size_t n = 0, kept = 0;
	rc = all ? load_all(d, all, STATE_MAX_MAPPINGS, &n) : -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++)
		if (!among(&all[i], add, n_add) && !among(&all[i], drop, n_drop))
			all[kept++] = all[i];
	for (size_t i = 0; rc == 0 && i < n_add && kept < STATE_MAX_MAPPINGS; i++)
		all[kept++] = add[i];
	if (rc == 0)
		rc = store_all(d, all, kept);
	free(all);
	close(lock); /* releases the lock */
	return rc;
}

int state_record(const struct state_dir *d, const struct state_mapping *m)
{
	return with_lock(d, m, 1, NULL, 0);
}

int state_forget(const struct state_dir *d, const struct state_mapping *m)
{
	return with_lock(d, NULL, 0, m, 1);
}

int state_update(const struct state_dir *d, const struct state_mapping *add, size_t n_add,
		 const struct state_mapping *drop, size_t n_drop)
{
	return with_lock(d, add, n_add, drop, n_drop);
}

int state_load(const struct state_dir *d, int64_t now, struct state_mapping *out, size_t max,
	       size_t *n)
{
	size_t all;
	int rc = load_all(d, out, max, &all);
	*n = 0;
	for (size_t i = 0; rc == 0 && i < all; i++)
		if (out[i].expiry == 0 || out[i].expiry > now)
			out[(*n)++] = out[i];
	return rc;
}
