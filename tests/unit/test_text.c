// SPDX-License-Identifier: BSD-2-Clause
// Unit tests for the text helpers: the network-text sanitiser and the bounded line list.
#include "natctl/base/text.h"
#include <stdint.h>

#include "test.h"

static void text_sanitize_keeps_printable_and_utf8(void)
{
	char out[64];
	text_sanitize(out, sizeof(out), "MiniUPnPd/2.3 \"game\" caf\xc3\xa9 \xe2\x82\xac");
	CHECK_EQ_STR(out, "MiniUPnPd/2.3 \"game\" caf\xc3\xa9 \xe2\x82\xac");
}

static void text_sanitize_replaces_controls(void)
{
	char out[64];
	/* ESC [2J, OSC title with BEL, DEL, a raw C1 CSI, and C1 CSI as UTF-8 */
	text_sanitize(out, sizeof(out), "a\x1b[2Jb\x1b]0;x\x07 c\x7f d\x9b e\xc2\x9b f\t\r\n");
	CHECK_EQ_STR(out, "a?[2Jb?]0;x? c? d? e?? f???");
}

static void text_sanitize_rejects_malformed_utf8(void)
{
	char out[64];
	/* overlong '/', a surrogate, above U+10FFFF, a lone continuation, a cut sequence */
	text_sanitize(out, sizeof(out), "\xc0\xaf|\xed\xa0\x80|\xf4\x90\x80\x80|\x80|\xe2\x82");
	CHECK_EQ_STR(out, "??|???|????|?|??");
}

static void text_sanitize_bounds(void)
{
	char out[6];
	text_sanitize(out, sizeof(out), "abcd\xe2\x82\xac"); /* the euro sign does not fit whole */
	CHECK_EQ_STR(out, "abcd");
	uint8_t raw[4] = {'x', 0, 'y', 0x1b};
	char bytes[8];
	text_sanitize_bytes(bytes, sizeof(bytes), raw, sizeof(raw)); /* a NUL inside is a control */
	CHECK_EQ_STR(bytes, "x?y?");
	char one[1];
	text_sanitize(one, sizeof(one), "abc");
	CHECK_EQ_STR(one, "");
}

static void text_lines_add_is_bounded(void)
{
	char lines[2][8];
	size_t n = 0;
	TEXT_LINES_ADD(lines, n, "one %d", 1);
	TEXT_LINES_ADD(lines, n, "a line that is cut");
	TEXT_LINES_ADD(lines, n, "dropped");
	CHECK_EQ_INT(n, 2);
	CHECK_EQ_STR(lines[0], "one 1");
	CHECK_EQ_STR(lines[1], "a line ");
}

static void text_seconds_for_people(void)
{
	static const struct {
		int64_t us;
		const char *text;
	} rows[] = {
		{1050 * 1000, "1.05"},
		{1100 * 1000, "1.1"},
		{3 * 1000 * 1000, "3"},
		{1049987, "1.05"},
		{2500 * 1000, "2.5"},
		{100 * 1000, "0.1"},
		{0, "0"},
		{60 * 1000 * 1000, "60"},
		{10 * 1000 * 1000, "10"},
	};
	char out[16];
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		text_seconds(out, sizeof(out), rows[i].us);
		CHECK_EQ_STR(out, rows[i].text);
	}
}

const struct test_case text_cases[] = {
	T(text_sanitize_keeps_printable_and_utf8),
	T(text_sanitize_replaces_controls),
	T(text_sanitize_rejects_malformed_utf8),
	T(text_sanitize_bounds),
	T(text_lines_add_is_bounded),
	T(text_seconds_for_people),
	{NULL, NULL},
};
