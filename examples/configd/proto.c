/* SPDX-License-Identifier: MIT */
/*
 * The line protocol: requests are one line of printable ASCII; replies are
 * one line starting "OK " or "ERR ", except DUMP's block, which ends with
 * a line "END". Anything from the client that is echoed back is quoted, so
 * a reply is always one line whatever the client sent.
 */
#include "proto.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum line_status linebuf_next(struct linebuf *lb, const char **line, size_t *len)
{
	const char *nl = memchr(lb->data, '\n', lb->len);
	size_t n;

	if (!nl)
		return lb->len == sizeof(lb->data) ? LINE_TOO_LONG : LINE_NONE;
	n = (size_t)(nl - lb->data);
	lb->taken = n + 1;
	if (n && lb->data[n - 1] == '\r')
		n--;
	*line = lb->data;
	*len = n;
	return LINE_READY;
}

void linebuf_drop(struct linebuf *lb)
{
	memmove(lb->data, lb->data + lb->taken, lb->len - lb->taken);
	lb->len -= lb->taken;
	lb->taken = 0;
}

size_t linebuf_space(const struct linebuf *lb)
{
	return sizeof(lb->data) - lb->len;
}

static bool outbuf_reserve(struct outbuf *out, size_t n)
{
	size_t cap = out->cap ? out->cap : 256;
	char *p;

	if (out->oom)
		return false;
	if (out->cap - out->len > n)
		return true;
	while (cap - out->len <= n)
		cap *= 2;
	p = realloc(out->data, cap);
	if (!p) {
		out->oom = true;
		return false;
	}
	out->data = p;
	out->cap = cap;
	return true;
}

void outbuf_put(struct outbuf *out, const char *s, size_t n)
{
	if (!outbuf_reserve(out, n))
		return;
	memcpy(out->data + out->len, s, n);
	out->len += n;
}

void outbuf_printf(struct outbuf *out, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !outbuf_reserve(out, (size_t)n + 1))
		return;
	va_start(ap, fmt);
	vsnprintf(out->data + out->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	out->len += (size_t)n;
}

void outbuf_consume(struct outbuf *out, size_t n)
{
	memmove(out->data, out->data + n, out->len - n);
	out->len -= n;
}

void outbuf_free(struct outbuf *out)
{
	free(out->data);
	*out = (struct outbuf){ 0 };
}

/*
 * Client text echoed in a reply is quoted as a string value is, so that a
 * client can parse it back whatever it holds. Requests are printable ASCII
 * by then (check_bytes), so only '"' and '\\' grow, to two bytes each.
 */
#define ECHO_MAX ((size_t)32)	/* bytes of an unknown command echoed back */
#define UNKNOWN_TAIL " (commands: GET DUMP STATS RELOAD QUIT)"

_Static_assert(sizeof("unknown command ") - 1 + 2 * ECHO_MAX + 2 + 3 +
	       sizeof(UNKNOWN_TAIL) <= sizeof(((struct proto_request *)0)->error),
	       "an unknown command, fully escaped, fits in the error message");

static void quote(char *buf, size_t size, const char *s, size_t n)
{
	struct config_entry e = { .type = CONFIG_STRING, .str = s, .str_len = n };

	config_format_value(&e, buf, size);
}

static void bad(struct proto_request *req, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void bad(struct proto_request *req, const char *fmt, ...)
{
	va_list ap;

	req->cmd = PROTO_BAD;
	va_start(ap, fmt);
	vsnprintf(req->error, sizeof(req->error), fmt, ap);
	va_end(ap);
}

/* Requests are printable ASCII: anything else is reported, not echoed. */
static bool check_bytes(const char *line, size_t len, struct proto_request *req)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			bad(req, "binary data in request (byte 0x%02x at column %zu)",
			    c, i + 1);
			return false;
		}
	}
	return true;
}

/* The next space-separated word at *i, or false at the end of the line. */
static bool next_word(const char *line, size_t len, size_t *i,
		      const char **word, size_t *word_len)
{
	size_t start;

	while (*i < len && (line[*i] == ' ' || line[*i] == '\t'))
		(*i)++;
	start = *i;
	while (*i < len && line[*i] != ' ' && line[*i] != '\t')
		(*i)++;
	*word = line + start;
	*word_len = *i - start;
	return *word_len > 0;
}

static bool is_command(const char *word, size_t len, const char *name)
{
	return strlen(name) == len && strncasecmp(word, name, len) == 0;
}

/* "section.key": both parts non-empty, split at the first '.'. */
static void parse_get(const char *arg, size_t len, struct proto_request *req)
{
	const char *dot = memchr(arg, '.', len);

	if (!dot || dot == arg || dot == arg + len - 1) {
		bad(req, "usage: GET section.key");
		return;
	}
	req->cmd = PROTO_GET;
	req->section = arg;
	req->section_len = (size_t)(dot - arg);
	req->key = dot + 1;
	req->key_len = len - req->section_len - 1;
}

static const struct {
	const char *name;
	enum proto_cmd cmd;
} commands[] = {
	{ "GET", PROTO_GET },
	{ "DUMP", PROTO_DUMP },
	{ "STATS", PROTO_STATS },
	{ "RELOAD", PROTO_RELOAD },
	{ "QUIT", PROTO_QUIT },
};

void proto_parse(const char *line, size_t len, struct proto_request *req)
{
	const char *word, *arg, *extra;
	char quoted[2 * ECHO_MAX + 3];
	size_t word_len, arg_len, extra_len, i = 0, c;
	bool has_arg;

	memset(req, 0, sizeof(*req));
	if (!check_bytes(line, len, req))
		return;
	if (!next_word(line, len, &i, &word, &word_len)) {
		bad(req, "empty request");
		return;
	}
	has_arg = next_word(line, len, &i, &arg, &arg_len);
	for (c = 0; c < sizeof(commands) / sizeof(commands[0]); c++) {
		if (!is_command(word, word_len, commands[c].name))
			continue;
		if (commands[c].cmd == PROTO_GET) {
			if (has_arg && !next_word(line, len, &i, &extra, &extra_len))
				parse_get(arg, arg_len, req);
			else
				bad(req, "usage: GET section.key");
		} else if (has_arg) {
			bad(req, "usage: %s takes no arguments", commands[c].name);
		} else {
			req->cmd = commands[c].cmd;
		}
		return;
	}
	quote(quoted, sizeof(quoted), word, word_len > ECHO_MAX ? ECHO_MAX : word_len);
	bad(req, "unknown command %s%s" UNKNOWN_TAIL, quoted,
	    word_len > ECHO_MAX ? "..." : "");
}

/* Render straight into the buffer: a value can be 4 KiB once escaped. */
static void put_value(struct outbuf *out, const struct config_entry *e)
{
	size_t need = config_format_value(e, NULL, 0);

	if (!outbuf_reserve(out, need + 1))
		return;
	config_format_value(e, out->data + out->len, need + 1);
	out->len += need;
}

void outbuf_quoted(struct outbuf *out, const char *s, size_t n)
{
	struct config_entry e = { .type = CONFIG_STRING, .str = s, .str_len = n };

	put_value(out, &e);
}

void proto_reply_get(struct outbuf *out, const struct config *cfg,
		     const struct proto_request *req)
{
	const struct config_entry *e;

	e = config_lookup(cfg, req->section, req->section_len, req->key,
			  req->key_len);
	if (!e) {
		/* "section.key" as the client wrote it: the key follows the dot. */
		outbuf_put(out, "ERR not found: ", 15);
		outbuf_quoted(out, req->section, req->section_len + 1 + req->key_len);
		outbuf_put(out, "\n", 1);
		return;
	}
	outbuf_put(out, "OK ", 3);
	put_value(out, e);
	outbuf_put(out, "\n", 1);
}

void proto_reply_dump(struct outbuf *out, const struct config *cfg)
{
	size_t i;

	outbuf_printf(out, "OK dump generation=%" PRIu64 " entries=%zu\n",
		      cfg->generation, cfg->n_entries);
	for (i = 0; i < cfg->n_entries; i++) {
		const struct config_entry *e = &cfg->entries[i];

		outbuf_printf(out, "%s.%s = ", e->section, e->key);
		put_value(out, e);
		outbuf_put(out, "\n", 1);
	}
	outbuf_put(out, "END\n", 4);
}

void proto_reply_stats(struct outbuf *out, const struct proto_stats *st)
{
	outbuf_printf(out, "OK generation=%" PRIu64 " reloads_ok=%" PRIu64
		      " reloads_failed=%" PRIu64 " queries=%" PRIu64
		      " clients=%u watch=%s last_error=", st->generation,
		      st->reloads_ok, st->reloads_failed, st->queries, st->clients,
		      st->watch_polling ? "poll" : "inotify");
	outbuf_quoted(out, st->last_error, strlen(st->last_error));
	outbuf_put(out, "\n", 1);
}

/* Messages are the daemon's own text, but may quote a path or a config. */
static bool is_plain(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s >= 0x7f)
			return false;
	return true;
}

void proto_reply_error(struct outbuf *out, const char *prefix, const char *msg)
{
	outbuf_printf(out, "ERR %s", prefix);
	if (is_plain(msg))
		outbuf_put(out, msg, strlen(msg));
	else
		outbuf_quoted(out, msg, strlen(msg));
	outbuf_put(out, "\n", 1);
}
