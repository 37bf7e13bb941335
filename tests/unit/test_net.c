// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for deadline-bounded name resolution, against a scripted DNS server in a namespace of its own.
#include <arpa/inet.h>
#include <net/if.h>
#include <netdb.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/net.h"
#include "test.h"

/* The child's own resolver: this address on its loopback, named in its resolv.conf. */
#define DNS_ADDR "10.53.53.53"

/* A network and mount namespace of the child's own (a user namespace too
 * when not root), where lo carries DNS_ADDR and resolv.conf names it. */
static int private_resolver(const char *conf)
{
	int flags = CLONE_NEWNET | CLONE_NEWNS | (geteuid() != 0 ? CLONE_NEWUSER : 0);
	if (unshare(flags) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount(conf, "/etc/resolv.conf", NULL, MS_BIND, NULL) < 0)
		return -1;
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct ifreq ifr = {.ifr_name = "lo"};
	struct sockaddr_in *sin = (struct sockaddr_in *)(void *)&ifr.ifr_addr;
	sin->sin_family = AF_INET;
	inet_pton(AF_INET, DNS_ADDR, &sin->sin_addr);
	int rc = ioctl(s, SIOCSIFADDR, &ifr);
	ifr.ifr_flags = IFF_UP | IFF_RUNNING;
	rc = rc < 0 ? rc : ioctl(s, SIOCSIFFLAGS, &ifr);
	close(s);
	return rc;
}

/* Answers the one query that comes with NXDOMAIN (RFC 1035 §4.1.1: the
 * header with QR and RCODE 3, the question echoed). */
static int answer_nxdomain(int fd)
{
	uint8_t q[512];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(fd, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
	if (n < 12)
		return -1;
	q[2] = 0x81; /* QR, RD */
	q[3] = 0x83; /* RA, NXDOMAIN */
	memset(q + 6, 0, 6);
	return sendto(fd, q, (size_t)n, 0, (struct sockaddr *)&from, fl) == n ? 0 : -1;
}

/* Overwrites the stack below us, so no stale pointer there keeps a leak hidden. */
static void scrub_stack(void)
{
	volatile char junk[64 * 1024];
	memset((char *)junk, 0, sizeof(junk));
}

/* In the child: a lookup cut at its deadline, then answered, then exit(),
 * where the sanitized build's leak check runs. Returns the exit status. */
static int cut_lookup(const char *conf)
{
	if (private_resolver(conf) < 0)
		return 2;
	int dns = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(53)};
	inet_pton(AF_INET, DNS_ADDR, &sin.sin_addr);
	if (bind(dns, (struct sockaddr *)&sin, sizeof(sin)) < 0)
		return 3;
	char name[32] = "slow.test";
	struct endpoint out[2];
	int n = resolve_host(name, 3478, AF_INET, clock_now_us() + 100 * 1000, out, 2);
	memset(name, 'x', sizeof(name) - 1); /* the lookup must not read the caller's name */
	if (n != EAI_AGAIN)
		return 4;
	if (answer_nxdomain(dns) < 0)
		return 5;
	/* glibc's helper thread ends the request, then idles about 1 s. */
	struct timespec settle = {1, 500 * 1000 * 1000};
	nanosleep(&settle, NULL);
	scrub_stack();
	close(dns);
	return 0;
}

/*
 * Issue 9: a lookup cut at the deadline leaked its request once it ended
 * (LeakSanitizer flagged it in probe) and kept a pointer to the caller's
 * buffer. Here the answer comes after the cut, while the process still
 * runs: the lookup must return EAI_AGAIN at its deadline and the late end
 * must free it without touching freed memory; in the sanitized build the
 * child's exit fails on a leak LeakSanitizer can see (glibc keeps ended
 * requests on its own free list, which can hide the old leak from it).
 */
static void resolve_cut_at_deadline_frees_itself(void)
{
	char conf[] = "/tmp/natctl-resolv-XXXXXX";
	int fd = mkstemp(conf);
	CHECK(fd >= 0);
	const char text[] = "nameserver " DNS_ADDR "\noptions timeout:5 attempts:1\n";
	CHECK(write(fd, text, sizeof(text) - 1) == (ssize_t)(sizeof(text) - 1));
	close(fd);
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0)
		exit(cut_lookup(conf));
	int status = -1;
	waitpid(pid, &status, 0);
	unlink(conf);
	CHECK(WIFEXITED(status));
	CHECK_EQ_INT(WEXITSTATUS(status), 0);
}

static void resolve_literal_without_resolver(void)
{
	struct endpoint out[2];
	char ip[IP_STRLEN];
	CHECK_EQ_INT(resolve_host("2001:db8::1", 3478, AF_UNSPEC, 0, out, 2), 1);
	CHECK_EQ_STR(endpoint_format_ip(&out[0], ip), "2001:db8::1");
	CHECK(resolve_host("2001:db8::1", 3478, AF_INET, 0, out, 2) < 1);
}

const struct test_case net_cases[] = {
	T(resolve_cut_at_deadline_frees_itself),
	T(resolve_literal_without_resolver),
	{NULL, NULL},
};
