// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for judging the gateway's announcements: epochs checked, restarts acted on at most once per interval.
#include "natctl/base/clock.h"
#include "natctl/map/announce.h"
#include "natctl/map/natpmp_wire.h"
#include "test.h"

/* A track that saw epoch 5000 at t = 100 s. */
static struct epoch_track track_at_5000(void)
{
	struct epoch_track t = {0};
	epoch_observe(&t, 5000, 100 * USEC_PER_SEC);
	return t;
}

static void announce_consistent_epoch_ignored(void)
{
	struct epoch_track t = track_at_5000();
	struct announce_limit l = {0};
	CHECK_EQ_INT(announce_judge(&l, &t, 5010, 110 * USEC_PER_SEC), ANNOUNCE_CONSISTENT);
	CHECK(!l.acted);
	/* judging never moves the track: only answers to our requests do */
	CHECK_EQ_INT(t.server, 5000);
	CHECK_EQ_INT(announce_judge(&l, &t, 0, 110 * USEC_PER_SEC), ANNOUNCE_RESTART);
	CHECK_EQ_INT(t.server, 5000);
	CHECK_EQ_INT(t.client_us, 100 * USEC_PER_SEC);
}

/* Issue 9: every spoofed inconsistent announcement triggered a renewal. */
static void announce_flood_rate_limited(void)
{
	struct epoch_track t = track_at_5000();
	struct announce_limit l = {0};
	int64_t start = 200 * USEC_PER_SEC;
	unsigned restarts = 0;
	/* 100 spoofed announcements a second, each with another old epoch, for 25 s */
	for (int64_t i = 0; i < 2500; i++) {
		int64_t now = start + i * 10 * 1000;
		if (announce_judge(&l, &t, (uint32_t)(i % 7), now) == ANNOUNCE_RESTART)
			restarts++;
	}
	/* at 0 s, 10 s and 20 s */
	CHECK_EQ_INT(restarts, 3);
	CHECK_EQ_INT(l.suppressed, 499);
	/* a real restart after a quiet interval is acted on at once */
	int64_t later = start + 25 * USEC_PER_SEC + ANNOUNCE_MIN_INTERVAL_US;
	CHECK_EQ_INT(announce_judge(&l, &t, 0, later), ANNOUNCE_RESTART);
	CHECK_EQ_INT(announce_judge(&l, &t, 0, later + 1), ANNOUNCE_SUPPRESSED);
}

/* Before any answer, there is nothing to be inconsistent with. */
static void announce_without_track(void)
{
	struct epoch_track t = {0};
	struct announce_limit l = {0};
	CHECK_EQ_INT(announce_judge(&l, &t, 0, USEC_PER_SEC), ANNOUNCE_CONSISTENT);
	CHECK(!t.seen);
}

/* RFC 6886 §3.2.1: an announcement is a 12-byte external-address success;
 * an 8-byte error answer is not one, whatever epoch it carries. */
static void natpmp_announcement_parsing(void)
{
	uint8_t ok[12] = {0, 128, 0, 0, 0, 0, 0x13, 0x88, 203, 0, 113, 2};
	uint32_t epoch = 0;
	CHECK(natpmp_announcement_epoch(ok, sizeof(ok), &epoch));
	CHECK_EQ_INT(epoch, 5000);
	uint8_t error[8] = {0, 128, 0, 3, 0, 0, 0, 0};
	CHECK(!natpmp_announcement_epoch(error, sizeof(error), &epoch));
	error[3] = 0;
	CHECK(!natpmp_announcement_epoch(error, sizeof(error),
					 &epoch)); /* a success needs the address */
	ok[1] = 129;
	CHECK(!natpmp_announcement_epoch(ok, sizeof(ok), &epoch));
}

const struct test_case announce_cases[] = {
	T(announce_consistent_epoch_ignored),
	T(announce_flood_rate_limited),
	T(announce_without_track),
	T(natpmp_announcement_parsing),
	{NULL, NULL},
};
