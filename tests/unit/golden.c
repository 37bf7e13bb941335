// SPDX-License-Identifier: BSD-2-Clause
// Golden-file helper: renders into memory, compares with or rewrites tests/golden/<name>.
#include "golden.h"

#include <stdlib.h>
#include <string.h>

#include "natctl/cli/output_map.h"
#include "test.h"

#ifndef NATCTL_GOLDEN_DIR
#error "tests/CMakeLists.txt passes NATCTL_GOLDEN_DIR, the folder of the golden files"
#endif

void golden_begin(struct golden *g, bool json, bool verbose)
{
	memset(g, 0, sizeof(*g));
	g->out.f = open_memstream(&g->buf, &g->len);
	g->out.err = open_memstream(&g->err, &g->err_len);
	g->out.json = json;
	g->out.verbose = verbose;
}

struct endpoint golden_ep(const char *ip, uint16_t port)
{
	struct endpoint e;
	if (endpoint_parse_ip(&e, ip) < 0)
		fprintf(stderr, "  golden: bad IP literal '%s' in a test\n", ip);
	e.port = port;
	return e;
}

/* Every --keep line in the goldens happened at 2026-11-20T08:13:20.123Z. */
#define GOLDEN_KEEP_TIME_MS 1795162400123LL

static void map_event_goldens(const char *base, enum map_event e, const struct map_result *r,
			      bool keep)
{
	char name[128];
	for (int json = 0; json <= 1; json++) {
		struct golden g;
		snprintf(name, sizeof(name), "%s.%s", base, json ? "json" : "txt");
		golden_begin(&g, json, false);
		if (keep)
			render_map_keep_event(&g.out, e, r, GOLDEN_KEEP_TIME_MS);
		else
			render_map_result(&g.out, e, r);
		GOLDEN_END(&g, name);
	}
}

void golden_map_event(const char *base, enum map_event e, const struct map_result *r)
{
	map_event_goldens(base, e, r, e != MAP_EVENT_MAPPED && e != MAP_EVENT_DELETED);
}

void golden_keep_event(const char *base, enum map_event e, const struct map_result *r)
{
	map_event_goldens(base, e, r, true);
}

void golden_mapping(struct map_result *r, enum map_method m, int protocol, uint16_t port,
		    uint32_t lifetime)
{
	memset(r, 0, sizeof(*r));
	r->ok = true;
	r->method = m;
	r->gateway = golden_ep("192.168.77.1", 0);
	r->protocol = protocol;
	r->internal = golden_ep("192.168.77.10", port);
	r->external = golden_ep("203.0.113.2", port);
	r->lifetime = lifetime;
}

struct nat_test *golden_add_test(struct nat_report *r, const char *name, struct endpoint local,
				 struct endpoint dst, uint32_t change, unsigned sends)
{
	if (r->n_tests == NAT_MAX_TESTS)
		abort(); /* a test builds more evidence than a report holds */
	struct nat_test *t = &r->tests[r->n_tests++];
	memset(t, 0, sizeof(*t));
	t->name = name;
	t->local = local;
	t->dst = dst;
	t->change = change;
	t->sends = sends;
	return t;
}

void golden_answer(struct nat_test *t, struct endpoint from, struct endpoint mapped, int64_t rtt_us)
{
	t->answered = true;
	t->from = from;
	t->mapped = mapped;
	t->rtt_us = rtt_us;
}

void golden_add_reason(struct nat_report *r, const char *text)
{
	if (r->n_reasons == NAT_MAX_REASONS)
		abort(); /* a test gives more reasons than a report holds */
	snprintf(r->reasons[r->n_reasons++], NAT_REASON_LEN, "%s", text);
}

static bool update_mode(void)
{
	const char *v = getenv("NATCTL_UPDATE_GOLDEN");
	return v && strcmp(v, "1") == 0;
}

/* Reads the whole file; NULL if it cannot be read. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap) {
			char *bigger = realloc(buf, cap *= 2);
			if (!bigger)
				free(buf);
			buf = bigger;
		}
	}
	fclose(f);
	*len = n;
	return buf;
}

static bool write_all(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		return false;
	bool ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) == 0 && ok;
}

/* The line starting at *pos (its newline included), or "(end of file)", quoted and escaped. */
static void print_line(const char *label, const char *buf, size_t len, size_t pos)
{
	fprintf(stderr, "    %-9s ", label);
	if (pos >= len) {
		fputs("(end of file)\n", stderr);
		return;
	}
	fputc('"', stderr);
	for (size_t i = pos; i < len; i++) {
		unsigned char c = (unsigned char)buf[i];
		if (c == '\n')
			fputs("\\n", stderr);
		else if (c == '"' || c == '\\')
			fprintf(stderr, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fprintf(stderr, "\\x%02x", c);
		else
			fputc(c, stderr);
		if (c == '\n')
			break;
	}
	fputs("\"\n", stderr);
}

/* Where the first differing line starts, and its number (from 1). */
static size_t first_difference(const char *a, size_t alen, const char *b, size_t blen,
			       unsigned *lineno)
{
	size_t start = 0;
	*lineno = 1;
	for (size_t i = 0; i < alen && i < blen && a[i] == b[i]; i++) {
		if (a[i] == '\n') {
			start = i + 1;
			(*lineno)++;
		}
	}
	return start;
}

static void report_mismatch(const char *path, const char *want, size_t wlen, const char *got,
			    size_t glen)
{
	unsigned lineno;
	size_t at = first_difference(want, wlen, got, glen, &lineno);
	fprintf(stderr, "  golden %s: line %u differs (expected %zu bytes, got %zu)\n", path,
		lineno, wlen, glen);
	print_line("expected:", want, wlen, at);
	print_line("got:", got, glen, at);
	fprintf(stderr, "    (NATCTL_UPDATE_GOLDEN=1 rewrites the file; check it by eye)\n");
}

static void compare(const char *path, const char *got, size_t glen, const char *file, int line)
{
	size_t wlen = 0;
	char *want = read_all(path, &wlen);
	if (!want) {
		fprintf(stderr, "  golden %s: cannot read it (NATCTL_UPDATE_GOLDEN=1 creates it)\n",
			path);
		test_fail(file, line, "golden file missing");
		return;
	}
	if (wlen != glen || memcmp(want, got, glen) != 0) {
		report_mismatch(path, want, wlen, got, glen);
		test_fail(file, line, "rendered output differs from the golden file");
	}
	free(want);
}

/* One stream's text against its golden file; a missing .err file means "nothing on stderr". */
static void check_file(const char *path, const char *got, size_t len, bool optional,
		       const char *file, int line)
{
	if (update_mode()) {
		if (optional && len == 0) {
			remove(path);
		} else if (write_all(path, got, len)) {
			fprintf(stderr, "  golden: wrote %s\n", path);
		} else {
			test_fail(file, line, "cannot write the golden file");
		}
		return;
	}
	FILE *exists = fopen(path, "rb");
	if (exists)
		fclose(exists);
	if (optional && !exists && len == 0)
		return;
	compare(path, got, len, file, line);
}

static bool close_stream(FILE **f, char **buf)
{
	bool ok = *f && fclose(*f) == 0 && *buf;
	*f = NULL;
	return ok;
}

void golden_end_at(struct golden *g, const char *name, const char *file, int line)
{
	char path[512], err_path[520];
	snprintf(path, sizeof(path), "%s/%s", NATCTL_GOLDEN_DIR, name);
	snprintf(err_path, sizeof(err_path), "%s.err", path);
	bool ok = close_stream(&g->out.f, &g->buf);
	ok = close_stream(&g->out.err, &g->err) && ok;
	if (!ok)
		test_fail(file, line, "open_memstream failed");
	else {
		check_file(path, g->buf, g->len, false, file, line);
		check_file(err_path, g->err, g->err_len, true, file, line);
	}
	free(g->buf);
	free(g->err);
	g->buf = g->err = NULL;
}
