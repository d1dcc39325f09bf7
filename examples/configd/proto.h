/* SPDX-License-Identifier: MIT */
/*
 * configd's line protocol, without any I/O: framing of request lines,
 * parsing of requests, and rendering of replies into an output buffer.
 * The protocol itself is documented in configd(8) (configd.8).
 *
 * The daemon calls the proto_reply_*() functions inside a read-side
 * critical section, so they only format: no locks, no I/O, no waiting.
 */
#ifndef CONFIGD_PROTO_H
#define CONFIGD_PROTO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"

#define PROTO_LINE_MAX 1024	/* bytes in a request line, its '\n' included */

enum proto_cmd {
	PROTO_GET,
	PROTO_DUMP,
	PROTO_STATS,
	PROTO_RELOAD,
	PROTO_QUIT,
	PROTO_BAD,	/* malformed: reply "ERR " + error */
};

struct proto_request {
	enum proto_cmd cmd;
	const char *section;	/* GET: points into the request line */
	size_t section_len;
	const char *key;
	size_t key_len;
	char error[128];	/* PROTO_BAD: why */
};

/* Parse one request line (without its line end). Never fails: bad input
 * gives PROTO_BAD with a reason. */
void proto_parse(const char *line, size_t len, struct proto_request *req);

/* A client's pending input: at most one line's worth. */
struct linebuf {
	char data[PROTO_LINE_MAX];
	size_t len;
	size_t taken;	/* bytes of the line last returned, its end included */
};

enum line_status {
	LINE_NONE,	/* no complete line yet: read more */
	LINE_READY,	/* *line, *len hold one line, without "\n" or "\r\n" */
	LINE_TOO_LONG,	/* PROTO_LINE_MAX bytes and no line end */
};

enum line_status linebuf_next(struct linebuf *lb, const char **line, size_t *len);
/* Drop the line linebuf_next() returned, once it has been handled. */
void linebuf_drop(struct linebuf *lb);
/* Room to read into: data + len, for linebuf_space() bytes. */
size_t linebuf_space(const struct linebuf *lb);

/* A growable output buffer; on allocation failure it keeps what it has
 * and sets oom (the caller closes the client). */
struct outbuf {
	char *data;
	size_t len;
	size_t cap;
	bool oom;
};

void outbuf_put(struct outbuf *out, const char *s, size_t n);
void outbuf_printf(struct outbuf *out, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Append s quoted: printable ASCII as is, else \" \\ \n \t \r \xHH. */
void outbuf_quoted(struct outbuf *out, const char *s, size_t n);
/* Forget the first n bytes (they were sent). */
void outbuf_consume(struct outbuf *out, size_t n);
void outbuf_free(struct outbuf *out);

/* What STATS reports; the daemon gathers it inside one read section. */
struct proto_stats {
	uint64_t generation;
	uint64_t reloads_ok;
	uint64_t reloads_failed;
	uint64_t queries;
	unsigned clients;
	bool watch_polling;	/* "watch=poll" rather than "watch=inotify" */
	const char *last_error;	/* "" when the last reload succeeded */
};

void proto_reply_get(struct outbuf *out, const struct config *cfg,
		     const struct proto_request *req);
void proto_reply_dump(struct outbuf *out, const struct config *cfg);
void proto_reply_stats(struct outbuf *out, const struct proto_stats *st);
/* "ERR <prefix><message, quoted if it needs to be>" */
void proto_reply_error(struct outbuf *out, const char *prefix, const char *msg);

#endif /* CONFIGD_PROTO_H */
