/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the request side of the protocol: the input is what
 * a client sends, cut into reads of varying sizes (taken from the input's
 * first byte), framed by the same linebuf the daemon uses, parsed, and
 * answered from a fixed config. Whatever the bytes, every reply must be
 * "OK ..." or "ERR ...", printable ASCII, one line (DUMP: a block ending
 * with "END"), as the protocol promises clients.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../proto.h"

static const char sample[] =
	"[server]\nname = \"edge-1\"\nport = 8080\ntls = on\n"
	"[text]\nodd = \"\\x01\\xff \\\"END\\\"\\nEND\"\n";

static void check_reply(const struct outbuf *out, enum proto_cmd cmd)
{
	size_t i, lines = 0;

	if (out->oom || out->len < 4 || out->data[out->len - 1] != '\n')
		abort();
	if (memcmp(out->data, "OK ", 3) != 0 && memcmp(out->data, "ERR ", 4) != 0)
		abort();
	for (i = 0; i < out->len; i++) {
		unsigned char c = (unsigned char)out->data[i];

		if (c == '\n')
			lines++;
		else if (c < 0x20 || c >= 0x7f)
			abort();
	}
	if (cmd == PROTO_DUMP) {
		if (memcmp(out->data + out->len - 4, "END\n", 4) != 0)
			abort();
	} else if (lines != 1) {
		abort();
	}
}

static void answer(const struct config *cfg, const char *line, size_t len)
{
	struct proto_stats st = { .generation = 1, .last_error = "x.conf:1:1: \"no\"" };
	struct proto_request req;
	struct outbuf out = { 0 };

	proto_parse(line, len, &req);
	switch (req.cmd) {
	case PROTO_GET:
		proto_reply_get(&out, cfg, &req);
		break;
	case PROTO_DUMP:
		proto_reply_dump(&out, cfg);
		break;
	case PROTO_STATS:
		proto_reply_stats(&out, &st);
		break;
	case PROTO_RELOAD:
	case PROTO_QUIT:
		outbuf_printf(&out, "OK fine\n");
		break;
	case PROTO_BAD:
		proto_reply_error(&out, "", req.error);
		break;
	}
	check_reply(&out, req.cmd);
	outbuf_free(&out);
}

/* Like the daemon: answer every complete line; a line too long ends it. */
static void serve(const struct config *cfg, const uint8_t *data, size_t size,
		  size_t chunk)
{
	static struct linebuf lb;
	const char *line;
	size_t len;

	lb.len = 0;
	while (size) {
		size_t n = chunk < size ? chunk : size;
		enum line_status status;

		if (n > linebuf_space(&lb))
			n = linebuf_space(&lb);
		memcpy(lb.data + lb.len, data, n);
		lb.len += n;
		data += n;
		size -= n;
		while ((status = linebuf_next(&lb, &line, &len)) == LINE_READY) {
			if (len >= PROTO_LINE_MAX)
				abort();
			answer(cfg, line, len);
			linebuf_drop(&lb);
		}
		if (status == LINE_TOO_LONG)
			return;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct config *cfg;
	struct config_error err;

	if (!cfg)
		cfg = config_parse(sample, sizeof(sample) - 1, &err);
	if (!cfg)
		abort();
	if (size < 1)
		return 0;
	serve(cfg, data + 1, size - 1, (size_t)data[0] * 8 + 1);
	return 0;
}
