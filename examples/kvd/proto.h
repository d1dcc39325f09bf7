/* SPDX-License-Identifier: MIT */
/*
 * memcached's ASCII protocol, one connection at a time: request bytes in,
 * reply bytes out, with no socket in sight (server.c does the I/O). Replies
 * are memcached 1.6's, byte for byte, errors included; see kvd(8) for the
 * commands kvd leaves out.
 */
#ifndef KVD_PROTO_H
#define KVD_PROTO_H

#include "store.h"

/* A connection's pending output. */
struct outbuf {
	char *buf;
	size_t len;	/* bytes in buf */
	size_t sent;	/* of which already written */
	size_t cap;
	bool failed;	/* out of memory: the reply is incomplete, close */
};

/* Make room for n more bytes; false (and o->failed) when out of memory. */
bool outbuf_reserve(struct outbuf *o, size_t n);
void outbuf_free(struct outbuf *o);

enum proto_state { P_LINE, P_DATA, P_SWALLOW, P_GET };

struct proto {
	enum proto_state state;
	size_t need;		/* P_DATA: value + "\r\n"; P_SWALLOW: bytes left */
	bool noreply;		/* the current command's reply is not sent */
	bool close_after;	/* quit: close once the output is written */
	bool close_now;		/* close at once (memcached does, for garbage) */
	/* P_DATA: the storage command whose value is arriving, straight
	 * into its item (charged against -m from the start) */
	enum store_cmd cmd;
	uint64_t cas;
	struct item *item;
	size_t got;		/* bytes of it received */
	/* P_GET: the keys of a multi-key get not yet answered, while the
	 * answers before them drain (a copy of the line's rest) */
	char *get_rest;
	bool get_cas, get_touch;
	int64_t get_exptime_ms;
};

/*
 * Memory a connection can make kvd hold, beyond the items themselves:
 * - output: a multi-key get stops adding values once PROTO_OUT_HIGH bytes
 *   wait unsent, and goes on as they drain; so at most PROTO_OUT_HIGH plus
 *   one value and its header (up to -I), in a buffer up to twice that;
 * - the rest of a suspended get line (at most PROTO_GET_LINE_MAX);
 * - input: the line being read (PROTO_LINE_MAX, or PROTO_GET_LINE_MAX for
 *   a get) and one read's worth; a value goes into its item as it arrives,
 *   and the item counts against -m from the command on.
 */
#define PROTO_OUT_HIGH (256 * 1024)
/* A line without its '\n' longer than this closes the connection, unless it
 * is a get (memcached's rule); a get line longer than PROTO_GET_LINE_MAX
 * closes it too. */
#define PROTO_LINE_MAX 2048
#define PROTO_GET_LINE_MAX (1024 * 1024)

/*
 * Serve the complete requests in in[0..len) (which it may modify), at time
 * now. Returns how many bytes it consumed; the rest is an incomplete request
 * to be passed again with more bytes after it. Stops early when out holds
 * more than PROTO_OUT_HIGH unsent bytes, or when p->close_now or
 * p->close_after is set. Call from a registered RCU thread, outside any
 * read-side critical section.
 */
/* Free what a connection's protocol state holds (at its close). */
void proto_free(struct proto *p);

size_t proto_feed(struct proto *p, char *in, size_t len, struct outbuf *out,
		  int64_t now);

/* Whether in[0..len) (with p's state) holds a request proto_feed would act
 * on now: used to tell a half-closed client with nothing left from one with
 * work pending. */
bool proto_has_request(const struct proto *p, const char *in, size_t len);

#endif /* KVD_PROTO_H */
