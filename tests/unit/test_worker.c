// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the worker child: it holds none of the parent's descriptors, its memory has a bound, its output too.
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/net/worker.h"
#include "test.h"

/* Runs fn in a worker to its end (at most 10 s) and returns the worker, finished. */
static void run(struct worker *w, worker_fn fn, void *arg, size_t budget)
{
	worker_init(w, "test", NULL);
	w->data_budget = budget;
	CHECK_EQ_INT(worker_start(w, fn, arg, clock_now_us() + 10 * USEC_PER_SEC), 0);
	while (!w->finished) {
		int fds[2];
		struct pollfd p[2];
		size_t n = worker_fds(w, fds, 2);
		for (size_t i = 0; i < n; i++)
			p[i] = (struct pollfd){.fd = fds[i], .events = POLLIN};
		poll(p, n, clock_poll_timeout_ms(worker_next_wakeup(w), clock_now_us()));
		for (size_t i = 0; i < n; i++)
			if (p[i].revents)
				worker_readable(w, fds[i]);
		worker_tick(w, clock_now_us());
	}
}

/* The first record's uint32_t payload. */
static uint32_t result(const struct worker *w)
{
	size_t off = 0, len = 0;
	uint32_t type, v = UINT32_MAX;
	const uint8_t *p;
	if (worker_next_record(w, &off, &type, &p, &len) == 1 && len == sizeof(v))
		memcpy(&v, p, sizeof(v));
	return v;
}

/* In the child: how many descriptors besides stdin, stdout, stderr and its pipe. */
static void count_fds(void *arg, int fd)
{
	(void)arg;
	uint32_t n = 0;
	for (int i = 0; i < 4096; i++)
		n += i != fd && i > 2 && fcntl(i, F_GETFD) != -1;
	worker_put(fd, 1, &n, sizeof(n));
}

static void worker_closes_inherited(void)
{
	struct worker w;
	int sock = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int file = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(sock >= 0 && file >= 0);
	run(&w, count_fds, NULL, 0);
	CHECK_EQ_INT(result(&w), 0);
	worker_free(&w);
	close(sock);
	close(file);
}

/* In the child: 1 if 256 MiB of private writable memory can be mapped. */
static void map_a_lot(void *arg, int fd)
{
	(void)arg;
	size_t n = 256u << 20;
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint32_t ok = p != MAP_FAILED;
	worker_put(fd, 1, &ok, sizeof(ok));
}

static void worker_data_budget(void)
{
	struct worker w;
	run(&w, map_a_lot, NULL, 0);
	CHECK_EQ_INT(result(&w), 1); /* the check below can fail */
	worker_free(&w);
	run(&w, map_a_lot, NULL, 1u << 20);
	CHECK_EQ_INT(result(&w), 0);
	worker_free(&w);
}

/* In the child: three records of 600 KB, two more than WORKER_MAX_OUTPUT holds. */
static void write_a_lot(void *arg, int fd)
{
	(void)arg;
	size_t n = 600 * 1000;
	uint8_t *p = calloc(1, n);
	for (int i = 0; p && i < 3; i++)
		worker_put(fd, 1, p, n);
	uint32_t end = 0;
	worker_put(fd, 2, &end, sizeof(end));
	free(p);
}

static void worker_output_bound(void)
{
	struct worker w;
	run(&w, write_a_lot, NULL, 0);
	CHECK(w.overflow);
	CHECK(w.len <= WORKER_MAX_OUTPUT);
	/* Nothing after the first piece that did not fit: no torn records. */
	size_t off = 0, len;
	uint32_t type;
	const uint8_t *p;
	int rc, records = 0;
	while ((rc = worker_next_record(&w, &off, &type, &p, &len)) == 1)
		records++;
	CHECK(records <= 1);
	worker_free(&w);
}

const struct test_case worker_cases[] = {
	T(worker_closes_inherited),
	T(worker_data_budget),
	T(worker_output_bound),
	{NULL, NULL},
};
