// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: SOAP answers as natctl handles them: miniupnpc's parse, text_u32, the holder and the entry filled, the records read back and the texts made of them.
#include <miniupnpc/upnpreplyparse.h>

#include "upnp_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A value as miniupnpc copies it for the caller: at most cap - 1 bytes, or NULL. */
static const char *field(struct NameValueParserData *pd, const char *name, char *buf, size_t cap)
{
	const char *v = GetValueFromNameValueList(pd, name);
	if (!v)
		return NULL;
	text_copy(buf, cap, v);
	return buf;
}

/* Numbers: never above max, and a clean decimal that fits is read as it is. */
static void check_u32(const char *s, uint32_t max)
{
	uint32_t v = upnp_text_u32(s, max);
	if (v > max)
		__builtin_trap();
	if (s && s[0] >= '0' && s[0] <= '9' && strlen(s) < 9 &&
	    strspn(s, "0123456789") == strlen(s) && strtoul(s, NULL, 10) <= max &&
	    v != strtoul(s, NULL, 10))
		__builtin_trap();
}

/* The child's side: the answer into records, as the jobs write them. */
static size_t records(struct NameValueParserData *pd, bool list, uint8_t *out)
{
	/* miniupnpc's buffers for these values: 16, 6, 80, 4, 64 and 16 bytes. */
	char ext[6], client[16], in[6], proto[4], desc[80], enabled[4], rhost[64], lease[16],
		reserved[6];
	const char *e = field(pd, "NewExternalPort", ext, sizeof(ext));
	const char *cl = field(pd, "NewInternalClient", client, sizeof(client));
	const char *ip = field(pd, "NewInternalPort", in, sizeof(in));
	const char *d = field(pd, "NewPortMappingDescription", desc, sizeof(desc));
	const char *l = field(pd, "NewLeaseDuration", lease, sizeof(lease));
	struct upnp_status st = {0};
	struct worker_record_header h;
	size_t len = 0;
	check_u32(e, 65535);
	check_u32(l, UINT32_MAX);
	check_u32(field(pd, "NewReservedPort", reserved, sizeof(reserved)), 65535);
	if (list) {
		struct upnp_entry en;
		struct upnp_entry_text t = {e,
					    cl,
					    ip,
					    field(pd, "NewProtocol", proto, sizeof(proto)),
					    d,
					    field(pd, "NewEnabled", enabled, sizeof(enabled)),
					    field(pd, "NewRemoteHost", rhost, sizeof(rhost)),
					    l};
		if (upnp_entry_fill(&en, &t)) {
			h = (struct worker_record_header){UPNP_REC_ENTRY, sizeof(en)};
			memcpy(out + len, &h, sizeof(h));
			memcpy(out + len + sizeof(h), &en, sizeof(en));
			len += sizeof(h) + sizeof(en);
		}
	} else {
		struct upnp_holder ho;
		upnp_holder_fill(&ho, cl, ip, d, l);
		h = (struct worker_record_header){UPNP_REC_HOLDER, sizeof(ho)};
		memcpy(out + len, &h, sizeof(h));
		memcpy(out + len + sizeof(h), &ho, sizeof(ho));
		len += sizeof(h) + sizeof(ho);
		st.code = UPNP_CONFLICT_IN_MAPPING_ENTRY; /* 718: the holder is named */
		st.external_port = 8080;
		snprintf(st.action, sizeof(st.action), "AddPortMapping");
	}
	h = (struct worker_record_header){UPNP_REC_STATUS, sizeof(st)};
	memcpy(out + len, &h, sizeof(h));
	memcpy(out + len + sizeof(h), &st, sizeof(st));
	return len + sizeof(h) + sizeof(st);
}

/* Input: one byte (bit 0: a listing's entry, else a holder), then the SOAP answer's body. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[sizeof(struct upnp_entry) + sizeof(struct upnp_holder) +
			   sizeof(struct upnp_status) + 64];
	if (size < 1 || size > 65536)
		return 0;
	bool list = data[0] & 1;
	struct NameValueParserData pd;
	memset(&pd, 0, sizeof(pd));
	ParseNameValue((const char *)data + 1, (int)(size - 1), &pd);
	size_t n = records(&pd, list, out);
	ClearNameValueList(&pd);

	/* The parent's side: the records read back, and every text made of them. */
	struct upnp_client c;
	int64_t now = fuzz_client_start(&c, fuzz_start_job);
	struct upnp_job j = {.kind = list ? UPNP_JOB_LIST : UPNP_JOB_ADD, .external_port = 8080};
	snprintf(j.internal_client, sizeof(j.internal_client), FUZZ_SELF);
	upnp_client_job(&c, &j);
	fuzz_finish(&c, out, n, false, false, now);
	if (c.job_lost)
		__builtin_trap(); /* what the child writes, the parent must take */
	fuzz_use_report(&c);
	upnp_client_close(&c);
	return 0;
}
