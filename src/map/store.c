// SPDX-License-Identifier: BSD-2-Clause
// natctl's small private files: the directory chosen by systemd, XDG or HOME, files read whole and replaced atomically.
#include "natctl/map/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int join(char *out, size_t cap, const char *base, const char *tail)
{
	int n = snprintf(out, cap, "%s%s", base, tail);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static bool absolute(const char *path)
{
	return path && path[0] == '/';
}

const struct store_kind store_state = {"/.local/state/natctl", "/var/lib/natctl"};
const struct store_kind store_cache = {"/.cache/natctl", "/var/cache/natctl"};

int store_dir_choose(char *out, size_t cap, const struct store_kind *kind, const char *service,
		     const char *xdg, const char *home)
{
	if (absolute(service)) {
		size_t n = strcspn(service, ":");
		if (n >= cap)
			return -ENAMETOOLONG;
		memcpy(out, service, n);
		out[n] = '\0';
		return 0;
	}
	if (absolute(xdg))
		return join(out, cap, xdg, "/natctl");
	if (absolute(home))
		return join(out, cap, home, kind->home_tail);
	return join(out, cap, kind->fallback, "");
}

int store_dir_create(const char *dir)
{
	char path[STORE_PATH_MAX];
	if (join(path, sizeof(path), dir, "") < 0)
		return -ENAMETOOLONG;
	for (char *p = path + 1;; p++) {
		bool last = *p == '\0';
		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0700) < 0 && errno != EEXIST)
			return -errno;
		if (last)
			return 0;
		*p = '/';
	}
}

int store_path(const char *dir, const char *name, char *out, size_t cap)
{
	int n = snprintf(out, cap, "%s/%s", dir, name);
	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

static bool write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

int store_replace(const char *dir, const char *name, const void *data, size_t len)
{
	char path[STORE_PATH_MAX + 64], tmp[STORE_PATH_MAX + 96];
	int rc = store_path(dir, name, path, sizeof(path));
	if (rc < 0)
		return rc;
	snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", path, (long)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	bool ok = write_all(fd, data, len) && fsync(fd) == 0;
	int e = errno;
	if (close(fd) < 0 && ok) {
		ok = false;
		e = errno;
	}
	if (ok && rename(tmp, path) == 0)
		return 0;
	e = ok ? errno : e;
	unlink(tmp);
	return -e;
}

ssize_t store_read(const char *dir, const char *name, char *out, size_t cap)
{
	char path[STORE_PATH_MAX + 64];
	int rc = store_path(dir, name, path, sizeof(path));
	if (rc < 0)
		return rc;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	ssize_t k;
	while (n + 1 < cap &&
	       ((k = read(fd, out + n, cap - 1 - n)) > 0 || (k < 0 && errno == EINTR)))
		n += k > 0 ? (size_t)k : 0;
	close(fd);
	out[n] = '\0';
	return (ssize_t)n;
}

int store_remove(const char *dir, const char *name)
{
	char path[STORE_PATH_MAX + 64];
	int rc = store_path(dir, name, path, sizeof(path));
	if (rc < 0)
		return rc;
	return unlink(path) == 0 || errno == ENOENT ? 0 : -errno;
}
