// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the gateway cache file: its text, its key, corrupt files refused, and replacement that readers never see half done.
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "natctl/map/map_cache.h"
#include "test.h"

#define NOW 1767225600

static struct map_cache_entry sample(void)
{
	static const uint8_t mac[GATEWAY_MAC_LEN] = {0x02, 0xab, 0xcd, 0x00, 0x10, 0xff};
	struct map_cache_entry e;
	memset(&e, 0, sizeof(e));
	endpoint_parse_ip(&e.gateway, "192.168.77.1");
	memcpy(e.mac, mac, sizeof(mac));
	e.written = NOW - 60;
	e.seen[MAP_PCP] = MAP_SEEN_NO;
	e.absent[MAP_PCP] = FAILURE_NO_ANSWER;
	strcpy(e.why[MAP_PCP], "192.168.77.1:5351: port unreachable (no PCP server)");
	e.seen[MAP_NATPMP] = MAP_SEEN_NO;
	e.absent[MAP_NATPMP] = FAILURE_UNSUPPORTED;
	e.seen[MAP_UPNP] = MAP_SEEN_YES;
	e.have_igd = true;
	strcpy(e.igd.location, "http://192.168.77.1:5000/rootDesc.xml");
	strcpy(e.igd.control, "/ctl/IPConn");
	strcpy(e.igd.service, "urn:schemas-upnp-org:service:WANIPConnection:2");
	e.igd.version = 2;
	return e;
}

static const char sample_text[] =
	"natctl-gateway-cache 1\n"
	"gateway 192.168.77.1 02:ab:cd:00:10:ff\n"
	"written 1767225540\n"
	"pcp no no-answer 192.168.77.1:5351: port unreachable (no PCP server)\n"
	"natpmp no unsupported\n"
	"upnp yes\n"
	"upnp-location http://192.168.77.1:5000/rootDesc.xml\n"
	"upnp-urlbase -\n"
	"upnp-control /ctl/IPConn\n"
	"upnp-service urn:schemas-upnp-org:service:WANIPConnection:2\n"
	"upnp-igd 2\n";

static void map_cache_file_format(void)
{
	struct map_cache_entry e = sample(), back;
	char text[MAP_CACHE_FILE_MAX], name[MAP_CACHE_NAME_MAX];
	CHECK_EQ_INT(map_cache_format(&e, text, sizeof(text)), strlen(sample_text));
	CHECK_EQ_STR(text, sample_text);
	CHECK_EQ_INT(map_cache_parse(text, &back), 0);
	CHECK(memcmp(&back, &e, sizeof(e)) == 0);
	map_cache_file_name(&e.gateway, e.mac, name);
	CHECK_EQ_STR(name, "gateway-192.168.77.1-02-ab-cd-00-10-ff");
	CHECK_EQ_INT(map_cache_format(&e, text, 40), -1); /* too small: refused, not cut */
	/* An IGD with WANIPv6FirewallControl has one line more, read back. */
	snprintf(e.igd.control6, sizeof(e.igd.control6), "/ctl/IP6FCtl");
	e.igd.knows_6fc = true;
	CHECK(map_cache_format(&e, text, sizeof(text)) > 0);
	CHECK(strstr(text, "\nupnp-igd 2\nupnp-6fc /ctl/IP6FCtl\n") != NULL);
	CHECK_EQ_INT(map_cache_parse(text, &back), 0);
	CHECK_EQ_STR(back.igd.control6, "/ctl/IP6FCtl");
	CHECK(back.igd.knows_6fc);
	/* Known to have none: "-"; an entry without the line knows nothing. */
	e.igd.control6[0] = '\0';
	CHECK(map_cache_format(&e, text, sizeof(text)) > 0);
	CHECK(strstr(text, "\nupnp-6fc -\n") != NULL);
	CHECK_EQ_INT(map_cache_parse(text, &back), 0);
	CHECK(back.igd.knows_6fc && !back.igd.control6[0]);
	CHECK_EQ_INT(map_cache_parse(sample_text, &back), 0);
	CHECK(!back.igd.knows_6fc);
	e.igd.knows_6fc = false;
	/* A method never decided has no line; an IGD that could not be stored, none either. */
	e.seen[MAP_PCP] = MAP_SEEN_UNKNOWN;
	e.seen[MAP_UPNP] = MAP_SEEN_UNKNOWN;
	CHECK(map_cache_format(&e, text, sizeof(text)) > 0);
	CHECK(!strstr(text, "pcp") && !strstr(text, "upnp"));
	CHECK_EQ_INT(map_cache_parse(text, &back), 0);
	CHECK(!back.have_igd);
	char dir[600];
	CHECK_EQ_INT(map_cache_dir_choose(dir, sizeof(dir), NULL, "/home/a/.c", "/home/a"), 0);
	CHECK_EQ_STR(dir, "/home/a/.c/natctl");
	CHECK_EQ_INT(map_cache_dir_choose(dir, sizeof(dir), "/var/cache/natctl:/x", "/y", "/z"), 0);
	CHECK_EQ_STR(dir, "/var/cache/natctl");
	CHECK_EQ_INT(map_cache_dir_choose(dir, sizeof(dir), NULL, "rel", "/home/a"), 0);
	CHECK_EQ_STR(dir, "/home/a/.cache/natctl");
	CHECK_EQ_INT(map_cache_dir_choose(dir, sizeof(dir), NULL, NULL, NULL), 0);
	CHECK_EQ_STR(dir, "/var/cache/natctl");
}

/* sample_text with line `from` replaced by `to` (or removed, to ""). */
static void edited(const char *from, const char *to, char *out, size_t cap)
{
	const char *at = strstr(sample_text, from);
	size_t head = (size_t)(at - sample_text), n = strlen(from);
	snprintf(out, cap, "%.*s%s%s", (int)head, sample_text, to, sample_text + head + n);
}

static void map_cache_corrupt_files(void)
{
	static const struct {
		const char *from, *to;
	} bad[] = {
		{"natctl-gateway-cache 1\n", "natctl-gateway-cache 2\n"},
		{"gateway 192.168.77.1 02:ab:cd:00:10:ff\n", ""},
		{"gateway 192.168.77.1 02:ab:cd:00:10:ff\n", "gateway 192.168.77.1 02:ab:cd\n"},
		{"gateway 192.168.77.1 02:ab:cd:00:10:ff\n", "gateway fe80::1 02:ab:cd:00:10:ff\n"},
		{"written 1767225540\n", "written -5\n"},
		{"written 1767225540\n", "written 17x\n"},
		{"pcp no no-answer", "pcp no refused"},
		{"pcp no no-answer", "pcp maybe"},
		{"pcp no no-answer", "pcp no"},
		{"pcp no no-answer", "pcp yes x"},
		{"pcp no no-answer", "pcp yes\npcp no no-answer"},
		{"pcp no no-answer", "soap yes\npcp no no-answer"},
		{"upnp yes\n", "upnp no no-answer\n"},
		{"upnp yes\n", ""},
		{"upnp-urlbase -\n", ""},
		{"upnp-igd 2\n", "upnp-igd 1\n"},
		{"upnp-igd 2\n", "upnp-igd 3\n"},
		{"upnp-control /ctl/IPConn\n", "upnp-control /ctl/IP Conn\n"},
		{"upnp-control /ctl/IPConn\n", "upnp-control /ctl/\x01\n"},
		{"upnp-location http://192.168.77.1:5000/rootDesc.xml\n",
		 "upnp-location http://router.lan/rootDesc.xml\n"},
		{"upnp-service urn:schemas-upnp-org:service:WANIPConnection:2\n",
		 "upnp-service urn:schemas-upnp-org:service:Layer3Forwarding:1\n"},
		{"upnp-igd 2\n", "upnp-igd 2"}, /* cut short: no newline at the end */
		{"upnp-igd 2\n", "upnp-igd 2\n\n"},
	};
	struct map_cache_entry e;
	char text[MAP_CACHE_FILE_MAX];
	CHECK_EQ_INT(map_cache_parse(sample_text, &e), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		edited(bad[i].from, bad[i].to, text, sizeof(text));
		if (map_cache_parse(text, &e) != -1)
			CHECK_EQ_STR(text, "(refused)");
	}
	CHECK_EQ_INT(map_cache_parse("", &e), -1);
	/* A reason is text for people: control bytes in it are made harmless. */
	edited("(no PCP server)", "\x1b[2J\x9b", text, sizeof(text));
	CHECK_EQ_INT(map_cache_parse(text, &e), 0);
	CHECK_EQ_STR(e.why[MAP_PCP], "192.168.77.1:5351: port unreachable ?[2J?");
}

/* A cache folder under a fresh temporary one. */
static bool temp_cache(char *tmp, char *dir, size_t cap)
{
	strcpy(tmp, "/tmp/natctl-cache-XXXXXX");
	return mkdtemp(tmp) && map_cache_dir_choose(dir, cap, NULL, tmp, NULL) == 0;
}

static void remove_cache(const char *tmp, const char *dir, const struct map_cache_entry *e)
{
	map_cache_forget(dir, &e->gateway, e->mac);
	rmdir(dir);
	rmdir(tmp);
}

/* Another gateway, or the same address with another MAC (another network),
 * finds nothing; a file renamed to this key is refused for its content. */
static void map_cache_key(void)
{
	char tmp[64], dir[600], why[128], from[700], to[700];
	struct map_cache_entry e = sample(), got, other = sample();
	CHECK(temp_cache(tmp, dir, sizeof(dir)));
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), -ENOENT);
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), 0);
	CHECK(memcmp(&got, &e, sizeof(e)) == 0);
	other.mac[5] = 0xfe;
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, other.mac, NOW, &got, why, sizeof(why)),
		     -ENOENT);
	endpoint_parse_ip(&other.gateway, "192.168.1.1");
	CHECK_EQ_INT(map_cache_load(dir, &other.gateway, e.mac, NOW, &got, why, sizeof(why)),
		     -ENOENT);
	char name[MAP_CACHE_NAME_MAX], oname[MAP_CACHE_NAME_MAX];
	map_cache_file_name(&e.gateway, e.mac, name);
	map_cache_file_name(&other.gateway, other.mac, oname);
	snprintf(from, sizeof(from), "%s/%s", dir, name);
	snprintf(to, sizeof(to), "%s/%s", dir, oname);
	CHECK_EQ_INT(rename(from, to), 0);
	CHECK_EQ_INT(map_cache_load(dir, &other.gateway, other.mac, NOW, &got, why, sizeof(why)),
		     -EINVAL);
	CHECK_EQ_STR(why, "another gateway's entry");
	map_cache_forget(dir, &other.gateway, other.mac);
	/* Old entries, and entries from the future, are not used either. */
	e.written = NOW - MAP_CACHE_MAX_AGE_S - 1;
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), -EINVAL);
	CHECK_EQ_STR(why, "older than 24 h");
	e.written = NOW + 600;
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), -EINVAL);
	remove_cache(tmp, dir, &e);
}

/* A garbage file is refused, and the next save replaces it. */
static void map_cache_corrupt_file_replaced(void)
{
	char tmp[64], dir[600], why[128], path[700], name[MAP_CACHE_NAME_MAX];
	struct map_cache_entry e = sample(), got;
	CHECK(temp_cache(tmp, dir, sizeof(dir)));
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
	map_cache_file_name(&e.gateway, e.mac, name);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("natctl-gateway-cache 1\ngateway 192.168.77.1 02:ab:cd:00:10:ff\nwrit", f);
		fclose(f);
	}
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), -EINVAL);
	CHECK_EQ_STR(why, "malformed");
	f = fopen(path, "w");
	for (int i = 0; f && i < MAP_CACHE_FILE_MAX; i++)
		fputc('x', f);
	if (f)
		fclose(f);
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), -EINVAL);
	CHECK_EQ_INT(map_cache_save(dir, &e), 0);
	CHECK_EQ_INT(map_cache_load(dir, &e.gateway, e.mac, NOW, &got, why, sizeof(why)), 0);
	struct stat st;
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	CHECK_EQ_INT(stat(dir, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0700);
	remove_cache(tmp, dir, &e);
}

/* While a child replaces the file over and over with two different
 * entries, every read finds one of them whole; no temporary file stays. */
static void map_cache_replaced_atomically(void)
{
	char tmp[64], dir[600], why[128];
	struct map_cache_entry a = sample(), b = sample(), got;
	b.seen[MAP_PCP] = MAP_SEEN_YES;
	b.absent[MAP_PCP] = FAILURE_NONE;
	memset(b.why[MAP_PCP], 0, sizeof(b.why[MAP_PCP]));
	b.seen[MAP_UPNP] = MAP_SEEN_NO;
	b.absent[MAP_UPNP] = FAILURE_NO_ANSWER;
	b.have_igd = false;
	memset(&b.igd, 0, sizeof(b.igd)); /* as the file holds it: no IGD lines */
	CHECK(temp_cache(tmp, dir, sizeof(dir)));
	CHECK_EQ_INT(map_cache_save(dir, &a), 0);
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 400; i++)
			if (map_cache_save(dir, i % 2 ? &a : &b) < 0)
				_exit(1);
		_exit(0);
	}
	CHECK(pid > 0);
	int whole = 0, other = 0;
	for (int i = 0; i < 400; i++) {
		if (map_cache_load(dir, &a.gateway, a.mac, NOW, &got, why, sizeof(why)) != 0)
			other++;
		else if (memcmp(&got, &a, sizeof(a)) == 0 || memcmp(&got, &b, sizeof(b)) == 0)
			whole++;
		else
			other++;
	}
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK_EQ_INT(status, 0);
	CHECK_EQ_INT(other, 0);
	CHECK_EQ_INT(whole, 400);
	char name[MAP_CACHE_NAME_MAX];
	map_cache_file_name(&a.gateway, a.mac, name);
	remove_cache(tmp, dir, &a);
	CHECK_EQ_INT(access(tmp, F_OK), -1); /* empty: no temporary file was left */
}

const struct test_case map_cache_cases[] = {
	T(map_cache_file_format),           T(map_cache_corrupt_files),       T(map_cache_key),
	T(map_cache_corrupt_file_replaced), T(map_cache_replaced_atomically), {NULL, NULL},
};
