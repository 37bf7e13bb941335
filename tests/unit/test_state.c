// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the state directory: where it is, the PCP key, and the file of live mappings (in a temporary folder).
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "natctl/map/state.h"
#include "test.h"

static void state_dir_choice(void)
{
	struct state_dir d;
	CHECK_EQ_INT(state_dir_choose(&d, "/var/lib/natctl:/other", "/x", "/home/a"), 0);
	CHECK_EQ_STR(d.path, "/var/lib/natctl");
	CHECK_EQ_INT(state_dir_choose(&d, NULL, "/home/a/.st", "/home/a"), 0);
	CHECK_EQ_STR(d.path, "/home/a/.st/natctl");
	CHECK_EQ_INT(state_dir_choose(&d, "relative", "also/relative", "/home/a"), 0);
	CHECK_EQ_STR(d.path, "/home/a/.local/state/natctl");
	CHECK_EQ_INT(state_dir_choose(&d, NULL, NULL, NULL), 0);
	CHECK_EQ_STR(d.path, "/var/lib/natctl");
	char long_home[600];
	memset(long_home, 'a', sizeof(long_home) - 1);
	long_home[0] = '/';
	long_home[sizeof(long_home) - 1] = '\0';
	CHECK(state_dir_choose(&d, NULL, NULL, long_home) < 0);
}

static struct state_mapping sample(uint16_t eport)
{
	struct state_mapping m;
	memset(&m, 0, sizeof(m));
	m.method = MAP_PCP;
	endpoint_parse_ip(&m.gateway, "192.168.77.1");
	m.protocol = IPPROTO_UDP;
	endpoint_parse_ip(&m.internal, "192.168.77.10");
	m.internal.port = 51413;
	m.external_port = eport;
	m.lifetime = 7200;
	m.expiry = 1900000000;
	m.has_nonce = true;
	for (size_t i = 0; i < STATE_NONCE_LEN; i++)
		m.nonce[i] = (uint8_t)(0xa0 + i);
	return m;
}

static void state_line_round_trip(void)
{
	char line[256];
	struct state_mapping m = sample(51413), back;
	CHECK(state_format_line(&m, line, sizeof(line)) > 0);
	CHECK_EQ_STR(
		line,
		"natctl-mapping 1 pcp 192.168.77.1 udp 192.168.77.10 51413 51413 7200 1900000000 a0a1a2a3a4a5a6a7a8a9aaab\n");
	CHECK_EQ_INT(state_parse_line(line, &back), 0);
	CHECK(state_mapping_same(&m, &back));
	CHECK(memcmp(back.nonce, m.nonce, STATE_NONCE_LEN) == 0);
	CHECK_EQ_INT(back.internal.port, 51413);
	CHECK_EQ_INT(back.expiry, 1900000000);
	static const char *const bad[] = {
		"natctl-mapping 2 pcp 192.168.77.1 udp 192.168.77.10 1 1 0 0 -",
		"natctl-mapping 1 soap 192.168.77.1 udp 192.168.77.10 1 1 0 0 -",
		"natctl-mapping 1 pcp 192.168.77.1 sctp 192.168.77.10 1 1 0 0 -",
		"natctl-mapping 1 pcp 192.168.77.1 udp 192.168.77.10 70000 1 0 0 -",
		"natctl-mapping 1 pcp 192.168.77.1 udp 192.168.77.10 1 1 0 0 abc",
		"natctl-mapping 1 pcp 192.168.77.1 udp nohost 1 1 0 0 -",
		"natctl-mapping 1 pcp 192.168.77.1 udp 192.168.77.10 1 1 0",
		"",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK_EQ_INT(state_parse_line(bad[i], &back), -1);
}

/* A UPnP pinhole's UniqueID rides in a tenth field, which an older parser skips. */
static void state_line_pinhole_id(void)
{
	char line[256];
	struct state_mapping m, back;
	memset(&m, 0, sizeof(m));
	m.method = MAP_UPNP;
	endpoint_parse_ip(&m.gateway, "2001:db8:77::1");
	m.protocol = IPPROTO_TCP;
	endpoint_parse_ip(&m.internal, "2001:db8:77::10");
	m.internal.port = m.external_port = 40001;
	m.lifetime = 600;
	m.expiry = 1900000000;
	m.has_pinhole_id = true;
	m.pinhole_id = 65535;
	CHECK(state_format_line(&m, line, sizeof(line)) > 0);
	CHECK_EQ_STR(line, "natctl-mapping 1 upnp 2001:db8:77::1 tcp 2001:db8:77::10 40001 40001 "
			   "600 1900000000 - pinhole=65535\n");
	CHECK_EQ_INT(state_parse_line(line, &back), 0);
	CHECK(back.has_pinhole_id && back.pinhole_id == 65535 && !back.has_nonce);
	CHECK_EQ_INT(state_parse_line("natctl-mapping 1 upnp 2001:db8:77::1 tcp 2001:db8:77::10 1 1 "
				      "600 0 - pinhole=65536",
				      &back),
		     -1);
	CHECK_EQ_INT(state_parse_line("natctl-mapping 1 upnp 2001:db8:77::1 tcp 2001:db8:77::10 1 1 "
				      "600 0 - other=1",
				      &back),
		     -1);
	CHECK_EQ_INT(state_parse_line("natctl-mapping 1 upnp 192.168.77.1 tcp 192.168.77.10 1 1 0 0 -",
				      &back),
		     0);
	CHECK(!back.has_pinhole_id);
}

/* A state directory under a fresh temporary folder. */
static bool temp_state(struct state_dir *d, char *tmp)
{
	strcpy(tmp, "/tmp/natctl-state-XXXXXX");
	return mkdtemp(tmp) && state_dir_choose(d, NULL, tmp, NULL) == 0;
}

static void remove_state(const struct state_dir *d, const char *tmp)
{
	static const char *const files[] = {"mappings", "lock", "pcp-key"};
	char path[600];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", d->path, files[i]);
		unlink(path);
	}
	rmdir(d->path);
	rmdir(tmp);
}

static void state_key_is_kept_private(void)
{
	struct state_dir d;
	char tmp[64];
	uint8_t a[SIPHASH_KEY_LEN], b[SIPHASH_KEY_LEN];
	struct stat st;
	char path[600];
	CHECK(temp_state(&d, tmp));
	CHECK_EQ_INT(state_key(&d, a), 0);
	CHECK_EQ_INT(state_key(&d, b), 0);
	CHECK(memcmp(a, b, sizeof(a)) == 0); /* made once, then read */
	snprintf(path, sizeof(path), "%s/pcp-key", d.path);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(stat(d.path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0700);
	remove_state(&d, tmp);
}

static void state_records_live_mappings(void)
{
	struct state_dir d;
	char tmp[64];
	struct state_mapping got[8], a = sample(9000), b = sample(9001), old = sample(9002);
	size_t n;
	CHECK(temp_state(&d, tmp));
	CHECK_EQ_INT(state_load(&d, 1800000000, got, 8, &n), 0); /* nothing yet */
	CHECK_EQ_INT(n, 0);
	old.expiry = 1700000000;
	CHECK_EQ_INT(state_record(&d, &a), 0);
	CHECK_EQ_INT(state_record(&d, &b), 0);
	CHECK_EQ_INT(state_record(&d, &old), 0);
	a.lifetime = 60;
	CHECK_EQ_INT(state_record(&d, &a), 0); /* replaces, not a second line */
	CHECK_EQ_INT(state_load(&d, 1800000000, got, 8, &n), 0);
	CHECK_EQ_INT(n, 2); /* the expired one is left out */
	CHECK_EQ_INT(got[0].external_port, 9001);
	CHECK_EQ_INT(got[1].external_port, 9000);
	CHECK_EQ_INT(got[1].lifetime, 60);
	CHECK_EQ_INT(state_forget(&d, &b), 0);
	CHECK_EQ_INT(state_forget(&d, &b), 0); /* forgetting twice is fine */
	CHECK_EQ_INT(state_load(&d, 1800000000, got, 8, &n), 0);
	CHECK_EQ_INT(n, 1);
	CHECK_EQ_INT(got[0].external_port, 9000);
	remove_state(&d, tmp);
}

const struct test_case state_cases[] = {
	T(state_dir_choice),          T(state_line_round_trip),       T(state_line_pinhole_id),
	T(state_key_is_kept_private), T(state_records_live_mappings), {NULL, NULL},
};
