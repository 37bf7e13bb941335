// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the UPnP client against a hostile LAN: many SSDP answers, answers from other hosts, broken worker records, control URLs elsewhere.
#include <stdint.h>
#include <stdlib.h>

#include "natctl/base/clock.h"
#include "natctl/map/upnp_client.h"
#include "natctl/map/upnp_jobs.h"
#include "test.h"

#define GW      "192.168.77.1"
#define OTHER   "192.168.77.11"
#define DESC(n) "http://" GW ":5000/desc" #n ".xml"

/* The jobs the client started, instead of children (test code: a file-wide log). */
static struct upnp_job started[8];
static size_t n_started;

static int fake_start(struct worker *w, worker_fn fn, void *arg, int64_t deadline)
{
	(void)fn;
	w->len = 0;
	w->finished = w->killed = w->overflow = false;
	w->deadline = deadline;
	started[n_started++ % 8] = *(const struct upnp_job *)arg;
	return 0;
}

static struct endpoint ip(const char *text)
{
	struct endpoint e;
	endpoint_parse_ip(&e, text);
	return e;
}

/* A client searching from 127.0.0.1 (no M-SEARCH leaves: no rounds), gateway GW unless NULL. */
static int64_t start_search(struct upnp_client *c, const char *gateway, const char *target)
{
	struct upnp_search s = {.local = ip("127.0.0.1")};
	int64_t now = clock_now_us();
	if (gateway)
		s.gateway = ip(gateway);
	if (target)
		s.target = ip(target);
	s.search_until = now + 2 * USEC_PER_SEC;
	s.job_deadline = now + 3 * USEC_PER_SEC;
	upnp_client_init(c, NULL);
	c->start_job = fake_start;
	n_started = 0;
	CHECK_EQ_INT(upnp_client_search(c, &s), 0);
	c->next_search_us = CLOCK_NEVER;
	return now;
}

static void answer(struct upnp_client *c, const char *from, const char *location, int64_t now)
{
	char msg[512];
	int n = snprintf(msg, sizeof(msg),
			 "HTTP/1.1 200 OK\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n"
			 "SERVER: \x1b[2Jevil\r\nLOCATION: %s\r\n\r\n",
			 location);
	struct endpoint e = ip(from);
	e.port = 1900;
	upnp_client_datagram(c, msg, (size_t)n, &e, now);
}

/* Appends one record to what the fake child "wrote". */
static void put(struct upnp_client *c, uint32_t type, const void *p, size_t n)
{
	struct worker *w = &c->worker;
	struct worker_record_header h = {.type = type, .length = (uint32_t)n};
	w->data = realloc(w->data, w->len + sizeof(h) + n);
	memcpy(w->data + w->len, &h, sizeof(h));
	memcpy(w->data + w->len + sizeof(h), p, n);
	w->len += sizeof(h) + n;
}

/* The fake child ends; the client reads its records at the next tick. */
static void finish(struct upnp_client *c, int64_t now)
{
	c->worker.finished = true;
	upnp_client_loop(c).on_tick(c, now);
}

static void fail_describe(struct upnp_client *c, const char *detail, int64_t now)
{
	struct upnp_status st = {.code = -3};
	snprintf(st.action, sizeof(st.action), "description");
	snprintf(st.detail, sizeof(st.detail), "%s", detail);
	put(c, UPNP_REC_STATUS, &st, sizeof(st));
	finish(c, now);
}

/* An IGD record as a describe job writes it. */
static struct upnp_igd good_igd(const char *location)
{
	struct upnp_igd g;
	memset(&g, 0, sizeof(g));
	snprintf(g.location, sizeof(g.location), "%s", location);
	snprintf(g.lanaddr, sizeof(g.lanaddr), "192.168.77.10");
	snprintf(g.external, sizeof(g.external), "203.0.113.2");
	snprintf(g.status, sizeof(g.status), "Connected");
	snprintf(g.data.first.servicetype, sizeof(g.data.first.servicetype),
		 "urn:schemas-upnp-org:service:WANIPConnection:2");
	snprintf(g.data.first.controlurl, sizeof(g.data.first.controlurl), "/ctl/IPConn");
	return g;
}

/* Defect 1: six LOCATIONs from the gateway; four are kept, the rest dropped, all in bounds. */
static void upnp_many_locations(void)
{
	struct upnp_client c;
	int64_t now = start_search(&c, GW, NULL);
	static const char *const locs[] = {DESC(1), DESC(2), DESC(3), DESC(4), DESC(5), DESC(6)};
	for (size_t i = 0; i < 6; i++)
		answer(&c, GW, locs[i], now);
	CHECK_EQ_INT(c.n_answers, UPNP_MAX_LOCATIONS);
	CHECK_EQ_INT(c.dropped, 2);
	CHECK_EQ_INT(c.state, UPNP_DESCRIBING);
	CHECK_EQ_INT(n_started, 1);
	CHECK_EQ_INT(started[0].n_locations, 1);
	CHECK_EQ_STR(started[0].locations[0], DESC(1));
	/* The first failed: the three others, in one job, best first. */
	fail_describe(&c, "Connection refused", now);
	CHECK_EQ_INT(n_started, 2);
	CHECK_EQ_INT(started[1].n_locations, 3);
	CHECK_EQ_STR(started[1].locations[0], DESC(2));
	CHECK_EQ_STR(started[1].locations[2], DESC(4));
	fail_describe(&c, "\x1b]0;x\x07", now);
	CHECK_EQ_INT(c.state, UPNP_SEARCHING);
	upnp_client_loop(&c).on_tick(&c, c.search.search_until);
	CHECK_EQ_INT(c.state, UPNP_FAILED);
	char why[320];
	upnp_client_failure(&c, why, sizeof(why));
	CHECK_EQ_STR(why, DESC(4) ": no usable IGD description: ?]0;x?");
	upnp_client_close(&c);
}

/* Another host answers first: it waits, and the gateway's answer goes ahead. */
static void upnp_gateway_first(void)
{
	struct upnp_client c;
	int64_t now = start_search(&c, GW, NULL);
	answer(&c, OTHER, "http://" OTHER ":5000/evil.xml", now);
	CHECK_EQ_INT(n_started, 0);
	CHECK(upnp_client_loop(&c).next_wakeup(&c) <= c.others_from);
	answer(&c, GW, DESC(1), now + 1000);
	CHECK_EQ_INT(n_started, 1);
	CHECK_EQ_INT(started[0].n_locations, 1);
	CHECK_EQ_STR(started[0].locations[0], DESC(1));
	CHECK(c.answers[0].from_gateway);
	/* The gateway's description fails: the other host is still not asked. */
	fail_describe(&c, "HTTP status 404", now + 2000);
	upnp_client_loop(&c).on_tick(&c, c.others_from + 1);
	CHECK_EQ_INT(n_started, 1);
	upnp_client_close(&c);
}

/* The gateway has its MX after the last M-SEARCH round, and no more. */
static void upnp_gateway_first_bound(void)
{
	struct upnp_client c;
	start_search(&c, GW, NULL);
	CHECK_EQ_INT(c.search.mx, SSDP_MX_MIN); /* not asked: the least */
	CHECK_EQ_INT(c.others_from - c.searched_from,
		     SSDP_MX_MIN * USEC_PER_SEC + SSDP_LAST_ROUND_US);
	upnp_client_close(&c);
}

/* Only other hosts answer: after the gateway's MX, they are used. */
static void upnp_others_when_gateway_silent(void)
{
	struct upnp_client c;
	int64_t now = start_search(&c, GW, NULL);
	answer(&c, OTHER, "http://" OTHER ":5000/a.xml", now);
	upnp_client_loop(&c).on_tick(&c, c.others_from - 1);
	CHECK_EQ_INT(n_started, 0);
	upnp_client_loop(&c).on_tick(&c, c.others_from);
	CHECK_EQ_INT(n_started, 1);
	CHECK_EQ_STR(started[0].locations[0], "http://" OTHER ":5000/a.xml");
	CHECK(upnp_client_loop(&c).next_wakeup(&c) > c.others_from);
	upnp_client_close(&c);

	/* No default gateway known: nobody to wait for. */
	now = start_search(&c, NULL, NULL);
	answer(&c, OTHER, "http://" OTHER ":5000/a.xml", now);
	CHECK_EQ_INT(n_started, 1);
	upnp_client_close(&c);
}

/* Four answers from other hosts fill the list; the gateway's still gets in, at the front. */
static void upnp_gateway_evicts_others(void)
{
	struct upnp_client c;
	char from[IP_STRLEN], loc[64];
	int64_t now = start_search(&c, GW, NULL);
	for (int i = 0; i < 5; i++) {
		snprintf(from, sizeof(from), "192.168.77.%d", 20 + i);
		snprintf(loc, sizeof(loc), "http://%s:80/d.xml", from);
		answer(&c, from, loc, now);
	}
	CHECK_EQ_INT(c.n_answers, 4);
	CHECK_EQ_INT(c.dropped, 1);
	answer(&c, GW, DESC(1), now);
	CHECK_EQ_INT(c.n_answers, 4);
	CHECK_EQ_STR(c.answers[0].ssdp.location, DESC(1));
	CHECK_EQ_STR(c.answers[3].ssdp.location, "http://192.168.77.22:80/d.xml");
	CHECK_EQ_INT(n_started, 1);
	CHECK_EQ_INT(started[0].n_locations, 1);
	upnp_client_close(&c);
}

/* --gateway: only it may answer. */
static void upnp_pinned_gateway(void)
{
	struct upnp_client c;
	int64_t now = start_search(&c, GW, GW);
	answer(&c, OTHER, "http://" OTHER ":5000/a.xml", now);
	CHECK_EQ_INT(c.n_answers, 0);
	CHECK_EQ_INT(c.dropped, 1);
	answer(&c, GW, DESC(1), now);
	CHECK_EQ_INT(n_started, 1);
	upnp_client_close(&c);
}

/* A warm start: the cached IGD is asked by one job, no SSDP; it answers, or
 * it is gone and the search starts with a wait of its own. */
static void upnp_resume_cached_igd(void)
{
	struct upnp_client c;
	struct upnp_status ok = {0}, gone = {.code = -3};
	int64_t now = clock_now_us();
	struct upnp_search s = {.local = ip("127.0.0.1"), .gateway = ip(GW)};
	s.search_until = now + 1100 * 1000;
	s.job_deadline = now + 3 * USEC_PER_SEC;
	struct upnp_igd cached = good_igd(DESC(1));
	cached.external[0] = '\0';
	upnp_client_init(&c, NULL);
	c.start_job = fake_start;
	n_started = 0;
	CHECK_EQ_INT(upnp_client_resume(&c, &s, &cached), 0);
	CHECK_EQ_INT(c.state, UPNP_DESCRIBING);
	CHECK_EQ_INT(c.fd, -1); /* no SSDP socket */
	CHECK_EQ_INT(n_started, 1);
	CHECK(started[0].cached);
	CHECK(!started[0].wan_status);
	CHECK_EQ_STR(started[0].locations[0], DESC(1));
	CHECK(started[0].deadline <= s.search_until); /* bounded by the wait */
	struct upnp_igd g = good_igd(DESC(1));
	put(&c, UPNP_REC_IGD, &g, sizeof(g));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now + 1000);
	CHECK(c.have_igd && c.resumed && !c.stale);
	CHECK_EQ_STR(c.igd.external, "203.0.113.2");

	/* Gone (no HTTP answer): a search begins, the same wait from now. */
	CHECK_EQ_INT(upnp_client_resume(&c, &s, &cached), 0);
	snprintf(gone.action, sizeof(gone.action), "GetExternalIPAddress");
	put(&c, UPNP_REC_STATUS, &gone, sizeof(gone));
	int64_t later = now + 5000;
	finish(&c, later);
	CHECK(!c.have_igd && !c.resumed && c.stale);
	CHECK_EQ_INT(c.state, UPNP_SEARCHING);
	CHECK(c.fd >= 0);
	CHECK_EQ_INT(c.search.search_until - c.searched_from, c.resume_wait_us);
	CHECK(c.searched_from >= later);
	upnp_client_close(&c);
	CHECK(upnp_igd_gone(-3) && upnp_igd_gone(-1) && upnp_igd_gone(401));
	CHECK(!upnp_igd_gone(0) && !upnp_igd_gone(501) && !upnp_igd_gone(606));
}

/* A describe job's records: only a whole, expected, checked report counts. */
static void upnp_describe_records(void)
{
	struct upnp_client c;
	struct upnp_status ok = {0};
	int64_t now = start_search(&c, GW, NULL);
	answer(&c, GW, DESC(1), now);
	struct upnp_igd g = good_igd(DESC(2)); /* not the LOCATION asked for */
	put(&c, UPNP_REC_IGD, &g, sizeof(g));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(!c.have_igd);
	CHECK_EQ_STR(c.failed.detail, "the worker ended without a whole report");

	answer(&c, GW, DESC(3), now);
	g = good_igd(DESC(3));
	snprintf(g.data.first.controlurl, sizeof(g.data.first.controlurl),
		 "http://" OTHER ":5000/ctl");
	put(&c, UPNP_REC_IGD, &g, sizeof(g));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(!c.have_igd);

	answer(&c, GW, DESC(4), now);
	g = good_igd(DESC(4));
	memset(g.external, 'A', sizeof(g.external)); /* unterminated */
	memset(g.data.urlbase, 0, sizeof(g.data.urlbase));
	put(&c, UPNP_REC_IGD, &g, sizeof(g));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(c.have_igd);
	CHECK_EQ_INT(strlen(c.igd.external), sizeof(c.igd.external) - 1);
	upnp_client_close(&c);
}

/* A LIST job's records: bools must be bools, strings end, overflow is reported. */
static void upnp_list_records(void)
{
	struct upnp_client c;
	struct upnp_status ok = {0};
	struct upnp_job j = {.kind = UPNP_JOB_LIST};
	int64_t now = start_search(&c, GW, NULL);
	CHECK_EQ_INT(upnp_client_job(&c, &j), 0);
	struct upnp_entry e;
	memset(&e, 'x', sizeof(e));
	e.enabled = true;
	put(&c, UPNP_REC_ENTRY, &e, sizeof(e));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(!c.job_lost);
	CHECK_EQ_INT(c.report.n_entries, 1);
	CHECK_EQ_INT(strlen(c.report.entries[0].description), UPNP_DESC_MAX - 1);
	CHECK_EQ_INT(strlen(c.report.entries[0].remote_host), sizeof(e.remote_host) - 1);

	CHECK_EQ_INT(upnp_client_job(&c, &j), 0);
	uint8_t raw[sizeof(e)];
	memcpy(raw, &e, sizeof(e));
	raw[offsetof(struct upnp_entry, enabled)] = 7; /* no bool */
	put(&c, UPNP_REC_ENTRY, raw, sizeof(raw));
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(c.job_lost);

	CHECK_EQ_INT(upnp_client_job(&c, &j), 0);
	put(&c, UPNP_REC_ADDED, &ok, sizeof(struct upnp_added)); /* not a LIST record */
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	finish(&c, now);
	CHECK(c.job_lost);

	CHECK_EQ_INT(upnp_client_job(&c, &j), 0);
	put(&c, UPNP_REC_STATUS, &ok, sizeof(ok));
	c.worker.overflow = true;
	finish(&c, now);
	CHECK(c.job_lost);
	CHECK(c.job_overflow);
	CHECK_EQ_STR(upnp_client_lost_why(&c), "the worker's report was over 1 MiB");
	upnp_client_close(&c);
}

/* Defect 3: the control URL stays on the LOCATION's host, however the description says it. */
static void upnp_control_url_host(void)
{
	static const struct {
		const char *urlbase, *control;
		int rc;
	} rows[] = {
		{"", "/ctl/IPConn", 0},
		{"", "ctl", 0},
		{"", "http://" GW ":49000/ctl", 0},
		{"http://" GW ":6000/", "/ctl", 0},
		{"", "http://" OTHER ":5000/ctl", -1},
		{"http://" OTHER ":5000/", "/ctl", -1},
		{"", "http://router.example/ctl", -1},
		{"http://router.example/", "/ctl", -1},
		{"", "http://" GW "\x1b[2J/ctl", -1},
		{"", "HTTP://" OTHER "/ctl", 0}, /* miniupnpc: relative, so on GW */
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		struct upnp_igd g = good_igd(DESC(1));
		struct UPNPUrls urls;
		char why[160];
		snprintf(g.data.urlbase, sizeof(g.data.urlbase), "%s", rows[i].urlbase);
		snprintf(g.data.first.controlurl, sizeof(g.data.first.controlurl), "%s",
			 rows[i].control);
		int rc = upnp_igd_urls(&g, &urls, why, sizeof(why));
		if (rc != rows[i].rc)
			fprintf(stderr, "row %zu\n", i);
		CHECK_EQ_INT(rc, rows[i].rc);
		if (rc == 0)
			FreeUPNPUrls(&urls);
		else
			CHECK(strstr(why, "is not on the LOCATION's host") && !strchr(why, '\x1b'));
	}
}

/* What miniupnpc hands back is text: numbers are checked, strings cut and kept. */
static void upnp_soap_text(void)
{
	CHECK_EQ_INT(upnp_text_u32("8080", 65535), 8080);
	CHECK_EQ_INT(upnp_text_u32("65536", 65535), 0);
	CHECK_EQ_INT(upnp_text_u32("4294967295", UINT32_MAX), UINT32_MAX);
	CHECK_EQ_INT(upnp_text_u32("99999999999999999999999", UINT32_MAX), 0);
	CHECK_EQ_INT(upnp_text_u32(" 1", 65535), 0);
	CHECK_EQ_INT(upnp_text_u32("1x", 65535), 0);
	CHECK_EQ_INT(upnp_text_u32("-1", 65535), 0);
	CHECK_EQ_INT(upnp_text_u32(NULL, 65535), 0);
	struct upnp_holder h;
	upnp_holder_fill(&h, "192.168.77.11\x1b", "70000", NULL, "3600");
	CHECK(h.known);
	CHECK_EQ_STR(h.client, "192.168.77.11\x1b");
	CHECK_EQ_INT(h.port, 0);
	CHECK_EQ_STR(h.description, "");
	CHECK_EQ_INT(h.lease, 3600);
	struct upnp_entry e;
	struct upnp_entry_text t = {.ext = "8080", .proto = "UDPX", .enabled = "1"};
	CHECK(upnp_entry_fill(&e, &t));
	CHECK_EQ_STR(e.protocol, "UDP");
	CHECK(e.enabled);
	t.ext = "0";
	t.enabled = NULL;
	CHECK(!upnp_entry_fill(&e, &t));
	CHECK(!e.enabled);
}

const struct test_case upnp_cases[] = {
	T(upnp_many_locations),      T(upnp_gateway_first),     T(upnp_others_when_gateway_silent),
	T(upnp_gateway_first_bound), T(upnp_resume_cached_igd), T(upnp_gateway_evicts_others),
	T(upnp_pinned_gateway),      T(upnp_describe_records),  T(upnp_list_records),
	T(upnp_control_url_host),    T(upnp_soap_text),         {NULL, NULL},
};
