/* SPDX-License-Identifier: BSD-2-Clause */
/* natctl's small private files (the state directory, the gateway cache): where their directory is, and each file read whole or replaced atomically. */
#ifndef NATCTL_STORE_H
#define NATCTL_STORE_H

#include <stddef.h>
#include <sys/types.h>

#define STORE_PATH_MAX 480

/* A kind of file natctl keeps: its place under $HOME, and without any variable. */
struct store_kind {
	const char *home_tail; /* "/.local/state/natctl" */
	const char *fallback;  /* "/var/lib/natctl" */
};
extern const struct store_kind store_state; /* the state directory */
extern const struct store_kind store_cache; /* the gateway cache */

/*
 * The directory of that kind, from the variables' values (NULL when
 * unset): the first of service's colon-separated list (systemd's
 * $STATE_DIRECTORY, $CACHE_DIRECTORY), else xdg + "/natctl"
 * ($XDG_STATE_HOME, $XDG_CACHE_HOME), else home + its tail, else the
 * fallback; a relative path is ignored, as the XDG Base Directory
 * specification says. Returns 0, or -ENAMETOOLONG.
 */
int store_dir_choose(char *out, size_t cap, const struct store_kind *kind, const char *service,
		     const char *xdg, const char *home);

/* Creates dir and its parents, mode 0700; 0 or -errno. */
int store_dir_create(const char *dir);

/* dir/name into out; 0 or -ENAMETOOLONG. */
int store_path(const char *dir, const char *name, char *out, size_t cap);

/* Replaces dir/name with data: a new file (mode 0600) written, synced and
 * renamed over the old one, so a reader sees the old file or the new one,
 * whole. 0 or -errno. */
int store_replace(const char *dir, const char *name, const void *data, size_t len);

/* Reads at most cap - 1 bytes of dir/name, terminated; its length or -errno. */
ssize_t store_read(const char *dir, const char *name, char *out, size_t cap);

/* Removes dir/name; 0 (also when it was not there) or -errno. */
int store_remove(const char *dir, const char *name);

#endif
