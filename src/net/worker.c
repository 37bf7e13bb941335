// SPDX-License-Identifier: BSD-2-Clause
// Blocking library calls in a child process: results through a pipe, chatter to the trace, killed at the deadline.
#include "natctl/net/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "natctl/base/clock.h"
#include "natctl/base/text.h"

void worker_init(struct worker *w, const char *label, const struct trace *trace)
{
	memset(w, 0, sizeof(*w));
	w->label = label;
	w->trace = trace;
	w->out_fd = w->err_fd = -1;
}

bool worker_running(const struct worker *w)
{
	return w->pid > 0 && !w->finished;
}

int worker_write(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n > 0) {
		ssize_t k = write(fd, b, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		b += k;
		n -= (size_t)k;
	}
	return 0;
}

int worker_put(int fd, uint32_t type, const void *payload, size_t length)
{
	struct worker_record_header h = {.type = type, .length = (uint32_t)length};
	if (length > WORKER_MAX_OUTPUT)
		return -1;
	return worker_write(fd, &h, sizeof(h)) == 0 && worker_write(fd, payload, length) == 0 ? 0
											      : -1;
}

int worker_next_record(const struct worker *w, size_t *offset, uint32_t *type,
		       const uint8_t **payload, size_t *length)
{
	struct worker_record_header h;
	size_t left = *offset <= w->len ? w->len - *offset : 0;
	if (left == 0)
		return 0;
	if (left < sizeof(h))
		return -1;
	memcpy(&h, w->data + *offset, sizeof(h));
	if (h.length > left - sizeof(h))
		return -1;
	*type = h.type;
	*payload = w->data + *offset + sizeof(h);
	*length = h.length;
	*offset += sizeof(h) + h.length;
	return 1;
}

/* The job writes its records on this descriptor in the child. */
#define WORKER_JOB_FD 3

/* AddressSanitizer's allocator maps far more than it hands out (quarantine,
 * size classes): the same job needs a larger allowance there. */
#if defined(__SANITIZE_ADDRESS__)
#define WORKER_BUDGET_SCALE 8
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define WORKER_BUDGET_SCALE 8
#endif
#endif
#ifndef WORKER_BUDGET_SCALE
#define WORKER_BUDGET_SCALE 1
#endif

/* The child's data segment and private mappings now (VmData), in bytes; -1 if unknown. */
static long long data_now(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	long long kib = -1;
	if (!f)
		return -1;
	while (kib < 0 && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmData: %lld kB", &kib) != 1)
			kib = -1;
	fclose(f);
	return kib < 0 ? -1 : kib * 1024;
}

/*
 * RLIMIT_DATA (Linux 4.7 and later: brk and private writable mappings) at
 * what the child holds plus budget: a library that would buffer without end
 * gets NULL from malloc instead. Not RLIMIT_AS, which would count the
 * terabytes AddressSanitizer reserves but never touches.
 */
static void limit_data(size_t budget)
{
	long long now = data_now();
	if (now < 0) {
		fprintf(stderr, "worker: no memory limit: cannot read VmData\n");
		return;
	}
	rlim_t limit = (rlim_t)now + (rlim_t)budget * WORKER_BUDGET_SCALE;
	struct rlimit rl = {.rlim_cur = limit, .rlim_max = limit};
	if (setrlimit(RLIMIT_DATA, &rl) < 0)
		fprintf(stderr, "worker: no memory limit: setrlimit: %s\n", strerror(errno));
}

/* Leaves the child only stdin, the stderr pipe as stdout and stderr, and
 * the job's pipe as WORKER_JOB_FD: none of the parent's sockets. */
static void keep_only_pipes(int out_w, int err_w)
{
	/* Copies at 3 or above first, so no dup2 below lands on the other pipe. */
	int out = fcntl(out_w, F_DUPFD, WORKER_JOB_FD), err = fcntl(err_w, F_DUPFD, WORKER_JOB_FD);
	if (out < 0 || err < 0 || dup2(err, STDOUT_FILENO) < 0 || dup2(err, STDERR_FILENO) < 0 ||
	    (out != WORKER_JOB_FD && dup2(out, WORKER_JOB_FD) < 0))
		_exit(127);
	if (close_range(WORKER_JOB_FD + 1, ~0U, 0) < 0) {
		long max = sysconf(_SC_OPEN_MAX); /* kernels before 5.9 */
		for (int fd = WORKER_JOB_FD + 1; fd < (max > 0 && max < 65536 ? max : 65536); fd++)
			close(fd);
	}
}

/* The child: never returns. It dies with the parent, so a killed natctl
 * leaves no HTTP request running behind it. */
static void run_child(pid_t parent, int out_w, int err_w, const struct worker *w, worker_fn fn,
		      void *arg)
{
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	signal(SIGPIPE, SIG_DFL);
	keep_only_pipes(out_w, err_w);
	if (w->data_budget)
		limit_data(w->data_budget);
	fn(arg, WORKER_JOB_FD);
	/* _exit: no stdio buffers of the parent's are flushed twice, no atexit. */
	_exit(0);
}

int worker_start(struct worker *w, worker_fn fn, void *arg, int64_t deadline)
{
	worker_stop(w);
	w->len = 0;
	w->line_len = 0;
	w->finished = w->killed = w->overflow = false;
	w->deadline = deadline;
	int out[2], err[2];
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		int e = errno;
		close(out[0]);
		close(out[1]);
		return -e;
	}
	pid_t parent = getpid(), pid = fork();
	if (pid == 0) {
		close(out[0]);
		close(err[0]);
		run_child(parent, out[1], err[1], w, fn, arg);
	}
	int e = errno;
	close(out[1]);
	close(err[1]);
	if (pid < 0) {
		close(out[0]);
		close(err[0]);
		return -e;
	}
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	fcntl(err[0], F_SETFL, O_NONBLOCK);
	w->pid = pid;
	w->out_fd = out[0];
	w->err_fd = err[0];
	trace_log(w->trace, "%s: job started in child %d", w->label, (int)pid);
	return 0;
}

size_t worker_fds(const struct worker *w, int *out, size_t max)
{
	size_t n = 0;
	if (w->out_fd >= 0 && n < max)
		out[n++] = w->out_fd;
	if (w->err_fd >= 0 && n < max)
		out[n++] = w->err_fd;
	return n;
}

static void reap(struct worker *w, bool kill_it)
{
	if (w->pid <= 0)
		return;
	if (kill_it)
		kill(w->pid, SIGKILL);
	int status;
	pid_t r;
	do
		r = waitpid(w->pid, &status, kill_it ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == 0) { /* pipes closed but still running: it has no more to say */
		kill(w->pid, SIGKILL);
		while (waitpid(w->pid, &status, 0) < 0 && errno == EINTR)
			;
	}
	w->pid = 0;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void check_finished(struct worker *w)
{
	if (w->out_fd < 0 && w->err_fd < 0 && w->pid > 0) {
		reap(w, false);
		w->finished = true;
	}
}

static void keep_output(struct worker *w, const uint8_t *p, size_t n)
{
	/* Past the bound nothing is kept: what follows a dropped piece is no record. */
	if (w->overflow || w->len + n > WORKER_MAX_OUTPUT) {
		w->overflow = true;
		return;
	}
	if (w->len + n > w->cap) {
		size_t cap = w->cap ? w->cap : 4096;
		while (cap < w->len + n)
			cap *= 2;
		uint8_t *d = realloc(w->data, cap);
		if (!d) {
			w->overflow = true;
			return;
		}
		w->data = d;
		w->cap = cap;
	}
	memcpy(w->data + w->len, p, n);
	w->len += n;
}

/* Library chatter becomes trace lines: "upnp: library: connect: Connection refused". */
static void relay_line(struct worker *w, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = (char)p[i];
		if (c == '\n' || w->line_len == sizeof(w->line) - 1) {
			char clean[sizeof(w->line)];
			text_sanitize_bytes(clean, sizeof(clean), w->line, w->line_len);
			if (w->line_len)
				trace_log(w->trace, "%s: library: %s", w->label, clean);
			w->line_len = 0;
			if (c == '\n')
				continue;
		}
		w->line[w->line_len++] = c;
	}
}

void worker_readable(struct worker *w, int fd)
{
	uint8_t buf[4096];
	for (int i = 0; i < 64; i++) {
		ssize_t n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		if (n <= 0) {
			if (fd == w->err_fd) {
				relay_line(w, (const uint8_t *)"\n", 1);
				close_fd(&w->err_fd);
			} else {
				close_fd(&w->out_fd);
			}
			check_finished(w);
			return;
		}
		if (fd == w->out_fd)
			keep_output(w, buf, (size_t)n);
		else
			relay_line(w, buf, (size_t)n);
	}
}

void worker_tick(struct worker *w, int64_t now)
{
	if (!worker_running(w) || now < w->deadline)
		return;
	trace_log(w->trace, "%s: job in child %d still running at the deadline: killed", w->label,
		  (int)w->pid);
	w->killed = true;
	worker_stop(w);
	w->finished = true;
}

int64_t worker_next_wakeup(const struct worker *w)
{
	return worker_running(w) ? w->deadline : CLOCK_NEVER;
}

void worker_stop(struct worker *w)
{
	if (w->pid > 0) {
		/* Whatever the job already wrote is still worth reading. */
		if (w->out_fd >= 0)
			worker_readable(w, w->out_fd);
		reap(w, w->pid > 0);
	}
	close_fd(&w->out_fd);
	close_fd(&w->err_fd);
}

void worker_free(struct worker *w)
{
	worker_stop(w);
	free(w->data);
	w->data = NULL;
	w->len = w->cap = 0;
}
