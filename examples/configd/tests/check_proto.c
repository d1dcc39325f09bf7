/* SPDX-License-Identifier: MIT */
/* The line protocol: framing, request parsing, and the replies' shape. */
#include <stdio.h>
#include <string.h>

#include "../proto.h"
#include "check_configd.h"

static struct proto_request parse(const char *line)
{
	struct proto_request req;

	proto_parse(line, strlen(line), &req);
	return req;
}

static void assert_bad(const char *line, size_t len, const char *error)
{
	struct proto_request req;

	proto_parse(line, len, &req);
	ck_assert_int_eq(req.cmd, PROTO_BAD);
	ck_assert_str_eq(req.error, error);
}

START_TEST(test_commands)
{
	struct proto_request req = parse("GET server.port");

	ck_assert_int_eq(req.cmd, PROTO_GET);
	ck_assert_uint_eq(req.section_len, 6);
	ck_assert(!strncmp(req.section, "server", 6));
	ck_assert_uint_eq(req.key_len, 4);
	ck_assert(!strncmp(req.key, "port", 4));
	req = parse(" \tget  a.b.c\t ");
	ck_assert_int_eq(req.cmd, PROTO_GET);
	ck_assert_uint_eq(req.section_len, 1);
	ck_assert_uint_eq(req.key_len, 3);	/* "b.c": not found, not malformed */
	ck_assert_int_eq(parse("DUMP").cmd, PROTO_DUMP);
	ck_assert_int_eq(parse("stats").cmd, PROTO_STATS);
	ck_assert_int_eq(parse("Reload ").cmd, PROTO_RELOAD);
	ck_assert_int_eq(parse("QUIT").cmd, PROTO_QUIT);
}
END_TEST

/* The longest echo, every byte escaped, still fits in req.error. */
static void assert_long_quoted_word(void)
{
	char line[41], escaped[65], want[128];

	memset(line, '\\', 40);
	line[40] = '\0';
	memset(escaped, '\\', 64);	/* the first 32 bytes, each as \\ */
	escaped[64] = '\0';
	snprintf(want, sizeof(want), "unknown command \"%s\"... "
		 "(commands: GET DUMP STATS RELOAD QUIT)", escaped);
	assert_bad(line, 40, want);
}

START_TEST(test_bad_requests)
{
	assert_bad("", 0, "empty request");
	assert_bad("   ", 3, "empty request");
	assert_bad("GET", 3, "usage: GET section.key");
	assert_bad("GET port", 8, "usage: GET section.key");
	assert_bad("GET .port", 9, "usage: GET section.key");
	assert_bad("GET server.", 11, "usage: GET section.key");
	assert_bad("GET a.b c.d", 11, "usage: GET section.key");
	assert_bad("DUMP all", 8, "usage: DUMP takes no arguments");
	assert_bad("GETS a.b", 8, "unknown command \"GETS\" (commands: GET DUMP STATS RELOAD QUIT)");
	/* The client's text is quoted as a string value is: it parses back. */
	assert_bad("FO\"O\\", 5, "unknown command \"FO\\\"O\\\\\" "
		   "(commands: GET DUMP STATS RELOAD QUIT)");
	assert_bad("X\"", 2, "unknown command \"X\\\"\" "
		   "(commands: GET DUMP STATS RELOAD QUIT)");
	assert_bad("SELECT_EVERYTHING_FROM_THE_CONFIG_PLEASE", 40,
		   "unknown command \"SELECT_EVERYTHING_FROM_THE_CONFI\"... "
		   "(commands: GET DUMP STATS RELOAD QUIT)");
	assert_long_quoted_word();
	assert_bad("GET a\0.b", 8, "binary data in request (byte 0x00 at column 6)");
	assert_bad("\xff\xfe", 2, "binary data in request (byte 0xff at column 1)");
	assert_bad("GET a.b\x1b[2J", 11, "binary data in request (byte 0x1b at column 8)");
}
END_TEST

static void feed(struct linebuf *lb, const char *s)
{
	size_t n = strlen(s);

	ck_assert_uint_le(n, linebuf_space(lb));
	memcpy(lb->data + lb->len, s, n);
	lb->len += n;
}

START_TEST(test_framing)
{
	static struct linebuf lb;
	const char *line;
	size_t len;

	feed(&lb, "GET a");
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_NONE);
	feed(&lb, ".b\r\nDUMP\nST");
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_READY);
	ck_assert_uint_eq(len, 7);
	ck_assert(!memcmp(line, "GET a.b", 7));
	linebuf_drop(&lb);
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_READY);
	ck_assert_uint_eq(len, 4);
	linebuf_drop(&lb);
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_NONE);
	ck_assert_uint_eq(lb.len, 2);
	feed(&lb, "ATS\n\n");
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_READY);
	linebuf_drop(&lb);
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_READY);
	ck_assert_uint_eq(len, 0);
	linebuf_drop(&lb);
	ck_assert_uint_eq(lb.len, 0);
}
END_TEST

/* PROTO_LINE_MAX counts the newline: 1023 bytes and '\n' fit, 1024 do not. */
START_TEST(test_line_limit)
{
	static struct linebuf lb;
	const char *line;
	size_t len;

	memset(lb.data, 'x', PROTO_LINE_MAX - 1);
	lb.data[PROTO_LINE_MAX - 1] = '\n';
	lb.len = PROTO_LINE_MAX;
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_READY);
	ck_assert_uint_eq(len, PROTO_LINE_MAX - 1);
	linebuf_drop(&lb);
	memset(lb.data, 'x', PROTO_LINE_MAX);
	lb.len = PROTO_LINE_MAX;
	ck_assert_uint_eq(linebuf_space(&lb), 0);
	ck_assert_int_eq(linebuf_next(&lb, &line, &len), LINE_TOO_LONG);
}
END_TEST

static struct config *sample(void)
{
	static const char text[] = "[s]\nname = \"a \\\"b\\\"\\n\"\nport = 80\n"
				   "[t]\non = yes\n";
	struct config_error err;
	struct config *cfg = config_parse(text, sizeof(text) - 1, &err);

	ck_assert_ptr_nonnull(cfg);
	cfg->generation = 7;
	return cfg;
}

static void reply_get(struct outbuf *out, const struct config *cfg, const char *line)
{
	struct proto_request req = parse(line);

	ck_assert_int_eq(req.cmd, PROTO_GET);
	proto_reply_get(out, cfg, &req);
}

static void assert_out(struct outbuf *out, const char *expected)
{
	ck_assert_uint_eq(out->len, strlen(expected));
	ck_assert(!memcmp(out->data, expected, out->len));
	out->len = 0;
}

START_TEST(test_replies)
{
	struct config *cfg = sample();
	struct outbuf out = { 0 };
	struct proto_stats st = { .generation = 7, .reloads_ok = 6, .reloads_failed = 2,
				  .queries = 99, .clients = 3,
				  .last_error = "c.conf:2:5: bad \"x\"\n" };

	reply_get(&out, cfg, "GET s.port");
	assert_out(&out, "OK 80\n");
	reply_get(&out, cfg, "GET s.name");
	assert_out(&out, "OK \"a \\\"b\\\"\\n\"\n");
	reply_get(&out, cfg, "GET t.on");
	assert_out(&out, "OK true\n");
	reply_get(&out, cfg, "GET t.port");
	assert_out(&out, "ERR not found: \"t.port\"\n");
	reply_get(&out, cfg, "GET t\\\".x");
	assert_out(&out, "ERR not found: \"t\\\\\\\".x\"\n");
	proto_reply_dump(&out, cfg);
	assert_out(&out, "OK dump generation=7 entries=3\n"
		   "s.name = \"a \\\"b\\\"\\n\"\n"
		   "s.port = 80\n"
		   "t.on = true\n"
		   "END\n");
	proto_reply_stats(&out, &st);
	assert_out(&out, "OK generation=7 reloads_ok=6 reloads_failed=2 queries=99 "
		   "clients=3 watch=inotify last_error=\"c.conf:2:5: bad \\\"x\\\"\\n\"\n");
	st.watch_polling = true;
	st.last_error = "";
	proto_reply_stats(&out, &st);
	assert_out(&out, "OK generation=7 reloads_ok=6 reloads_failed=2 queries=99 "
		   "clients=3 watch=poll last_error=\"\"\n");
	proto_reply_error(&out, "reload failed: ", "c.conf:1:1: no keys");
	assert_out(&out, "ERR reload failed: c.conf:1:1: no keys\n");
	proto_reply_error(&out, "", "two\nlines");
	assert_out(&out, "ERR \"two\\nlines\"\n");
	ck_assert(!out.oom);
	outbuf_free(&out);
	config_free(cfg);
}
END_TEST

START_TEST(test_outbuf)
{
	struct outbuf out = { 0 };
	int i;

	for (i = 0; i < 10000; i++)
		outbuf_printf(&out, "%04d", i % 10000);
	ck_assert_uint_eq(out.len, 40000);
	outbuf_consume(&out, 39996);
	ck_assert_uint_eq(out.len, 4);
	ck_assert(!memcmp(out.data, "9999", 4));
	outbuf_quoted(&out, "\x01\x7f", 2);
	ck_assert_uint_eq(out.len, 4 + 10);
	ck_assert(!memcmp(out.data + 4, "\"\\x01\\x7f\"", 10));
	outbuf_free(&out);
	ck_assert_ptr_null(out.data);
}
END_TEST

Suite *proto_suite(void)
{
	Suite *s = suite_create("proto");
	TCase *tc = tcase_create("proto");

	tcase_add_test(tc, test_commands);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_framing);
	tcase_add_test(tc, test_line_limit);
	tcase_add_test(tc, test_replies);
	tcase_add_test(tc, test_outbuf);
	suite_add_tcase(s, tc);
	return s;
}
