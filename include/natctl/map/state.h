/* SPDX-License-Identifier: BSD-2-Clause */
/* natctl's own record of what it made on gateways, in a private state directory: a random key for PCP nonces, and the live mappings. */
#ifndef NATCTL_STATE_H
#define NATCTL_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "natctl/base/addr.h"
#include "natctl/base/siphash.h"
#include "natctl/map/map_types.h"
#include "natctl/map/store.h"

#define STATE_PATH_MAX     STORE_PATH_MAX
#define STATE_NONCE_LEN    12
#define STATE_MAX_MAPPINGS 1024

struct state_dir {
	char path[STATE_PATH_MAX]; /* the directory itself */
};

/*
 * Where the state lives: $STATE_DIRECTORY (systemd's StateDirectory=, the
 * first of a colon-separated list), else $XDG_STATE_HOME/natctl, else
 * $HOME/.local/state/natctl, else /var/lib/natctl. Pass the variables'
 * values (NULL when unset); a relative path is ignored, as the XDG Base
 * Directory specification says. Returns 0, or -ENAMETOOLONG.
 */
int state_dir_choose(struct state_dir *d, const char *state_directory, const char *xdg_state_home,
		     const char *home);

/* Creates the directory and its parents, mode 0700; 0 or -errno. */
int state_dir_create(const struct state_dir *d);

/* The key for PCP mapping nonces: read from the directory, or made by
 * getrandom() and stored there (mode 0600) the first time. 0 or -errno. */
int state_key(const struct state_dir *d, uint8_t key[SIPHASH_KEY_LEN]);

/* One mapping natctl made and has not deleted. */
struct state_mapping {
	enum map_method method;
	struct endpoint gateway;
	int protocol;             /* IPPROTO_TCP or IPPROTO_UDP */
	struct endpoint internal; /* address and port */
	uint16_t external_port;
	uint32_t lifetime; /* granted; 0 permanent */
	int64_t expiry;    /* wall-clock seconds when it lapses; 0 never */
	bool has_nonce;
	uint8_t nonce[STATE_NONCE_LEN]; /* PCP */
	bool has_pinhole_id;            /* UPnP, IPv6: the pinhole's UniqueID */
	uint16_t pinhole_id;
};

/* The same mapping: method, gateway, transport and external port. */
bool state_mapping_same(const struct state_mapping *a, const struct state_mapping *b);

/* Adds m, replacing the same mapping if recorded; under the directory's
 * lock, written atomically (a new file renamed over the old), mode 0600. */
int state_record(const struct state_dir *d, const struct state_mapping *m);
/* Removes the same mapping as m; 0 (also when it was not there) or -errno. */
int state_forget(const struct state_dir *d, const struct state_mapping *m);
/* Both at once for many (a range, a batch of renewals): one write. The
 * mappings in drop go, those in add are recorded. 0 or -errno. */
int state_update(const struct state_dir *d, const struct state_mapping *add, size_t n_add,
		 const struct state_mapping *drop, size_t n_drop);
/* The mappings still live at wall-clock time now (the expired are left out);
 * *n of them, at most max. 0 (none recorded yet included) or -errno. */
int state_load(const struct state_dir *d, int64_t now, struct state_mapping *out, size_t max,
	       size_t *n);

/* One record as its line in the file, and back (pure; unit-tested).
 * The parser returns 0, or -1 for a line it does not know. */
int state_format_line(const struct state_mapping *m, char *out, size_t len);
int state_parse_line(const char *line, struct state_mapping *m);

#endif
