/* SPDX-License-Identifier: BSD-2-Clause */
/* For fuzz targets that run a client against scripted peers: a network namespace of their own, with only lo, so nothing sent can leave the machine. */
#ifndef NATCTL_FUZZ_NETNS_H
#define NATCTL_FUZZ_NETNS_H

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Puts addr on lo under the label name ("lo", "lo:1", ...), lo up. */
static int fuzz_lo_address(int s, const char *name, const char *addr)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, addr, &sin->sin_addr) != 1 || ioctl(s, SIOCSIFADDR, &ifr) < 0)
		return -1;
	ifr.ifr_flags = IFF_UP | IFF_RUNNING;
	return ioctl(s, SIOCSIFFLAGS, &ifr);
}

/*
 * Moves this process into a new network namespace (and a user namespace
 * when not root) where lo is up and carries addrs, the harness's peers and
 * the client's own addresses. The client's requests go to those addresses
 * or nowhere. Without a namespace the target refuses to run at all.
 */
static void fuzz_private_network(const char *const *addrs, size_t n)
{
	int flags = CLONE_NEWNET | (geteuid() != 0 ? CLONE_NEWUSER : 0);
	if (unshare(flags) < 0) {
		fprintf(stderr,
			"fuzz: cannot get a network namespace of its own (%s): not running\n",
			strerror(errno));
		abort();
	}
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	for (size_t i = 0; i <= n; i++) {
		char label[IFNAMSIZ];
		const char *addr = i ? addrs[i - 1] : "127.0.0.1";
		snprintf(label, sizeof(label), i ? "lo:%zu" : "lo", i);
		if (s < 0 || fuzz_lo_address(s, label, addr) < 0) {
			fprintf(stderr, "fuzz: cannot put %s on lo: %s\n", addr, strerror(errno));
			abort();
		}
	}
	close(s);
}

#endif
