/* SPDX-License-Identifier: MIT */
/*
 * The ASCII protocol (see proto.h). The parsing rules are memcached 1.6's,
 * reimplemented: a line ends at '\n' (one '\r' before it is dropped) and is
 * read up to its first NUL; tokens are separated by spaces only; numbers
 * are read as memcached reads them (32-bit flags and lengths wrap as its
 * strtoul/strtol do on a 64-bit host); each command checks its argument
 * count first, then `noreply`, then the key's length, then its numbers.
 *
 * The GET path: one read-side critical section per key finds the item and
 * copies its header and bytes into the output buffer. The buffer is grown
 * outside the section (leave, grow, look the key up again), so in the
 * steady state a GET executes no lock, no allocation and no atomic
 * read-modify-write: the section's own entry and exit, a hash lookup of
 * loads only, memcpy, and relaxed counter stores.
 */
#include "proto.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define MAX_TOKENS 24

struct token {
	char *v;	/* NUL-terminated; NULL for the end of the line */
	size_t len;
};

/* --- output ------------------------------------------------------------- */

bool outbuf_reserve(struct outbuf *o, size_t n)
{
	size_t cap;
	char *b;

	/* after a failure nothing more, END least of all: the reply must not
	 * look whole (the connection closes) */
	if (o->failed)
		return false;
	if (o->sent == o->len) {
		o->len = o->sent = 0;
	} else if (o->sent > 0 && o->len + n > o->cap) {
		memmove(o->buf, o->buf + o->sent, o->len - o->sent);
		o->len -= o->sent;
		o->sent = 0;
	}
	if (o->len + n <= o->cap)
		return true;
	cap = o->cap ? o->cap : 16384;
	while (cap < o->len + n)
		cap *= 2;
	b = realloc(o->buf, cap);
	if (!b) {
		o->failed = true;
		return false;
	}
	o->buf = b;
	o->cap = cap;
	return true;
}

void outbuf_free(struct outbuf *o)
{
	free(o->buf);
	o->buf = NULL;
	o->len = o->sent = o->cap = 0;
}

void proto_free(struct proto *p)
{
	if (p->item)
		store_discard(p->item);
	p->item = NULL;
	free(p->get_rest);
	p->get_rest = NULL;
}

static void put(struct outbuf *o, const char *s, size_t n)
{
	if (!outbuf_reserve(o, n))
		return;	/* o->failed: the connection closes */
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static void puts_crlf(struct outbuf *o, const char *s)
{
	size_t n = strlen(s);

	if (!outbuf_reserve(o, n + 2))
		return;
	memcpy(o->buf + o->len, s, n);
	memcpy(o->buf + o->len + n, "\r\n", 2);
	o->len += n + 2;
}

/* A reply line, unless the command said noreply (which it then clears). */
static void reply(struct proto *p, struct outbuf *o, const char *s)
{
	if (p->noreply) {
		p->noreply = false;
		return;
	}
	puts_crlf(o, s);
}

/* Decimal digits of v at p (no terminator); returns the end. */
static char *utoa(uint64_t v, char *p)
{
	char tmp[20];
	int n = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* --- numbers, as memcached's safe_strto* read them ---------------------- */

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

static bool ends_number(const char *s, const char *end)
{
	return is_space(*end) || (*end == '\0' && end != s);
}

static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || end == s || !ends_number(s, end))
		return false;
	if ((long long)v < 0 && strchr(s, '-'))
		return false;
	*out = v;
	return true;
}

/* memcached reads 32-bit unsigned arguments with strtoul and keeps the low
 * 32 bits of the result. */
static bool parse_u32(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno == ERANGE || end == s || !ends_number(s, end))
		return false;
	if ((long)v < 0 && strchr(s, '-'))
		return false;
	*out = (uint32_t)v;
	return true;
}

/* ... and 32-bit signed ones with strtol, keeping the low 32 bits too. */
static bool parse_i32(const char *s, int32_t *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno == ERANGE || end == s || !ends_number(s, end))
		return false;
	*out = (int32_t)(uint32_t)(unsigned long)v;
	return true;
}

/* --- tokens ---------------------------------------------------------------- */

/*
 * Split at spaces, up to MAX_TOKENS - 1 tokens; the last entry has length 0
 * and points at what was left unsplit (NULL when nothing was). Returns the
 * number of entries, the last one included, as memcached counts them.
 */
static size_t tokenize(char *s, struct token *t)
{
	size_t n = 0, len = strlen(s);
	char *start = s, *e = s;

	for (size_t i = 0; i < len; i++, e++) {
		if (*e != ' ')
			continue;
		if (start != e) {
			t[n].v = start;
			t[n].len = (size_t)(e - start);
			n++;
			*e = '\0';
			if (n == MAX_TOKENS - 1) {
				e++;
				start = e;
				break;
			}
		}
		start = e + 1;
	}
	if (start != e) {
		t[n].v = start;
		t[n].len = (size_t)(e - start);
		n++;
	}
	t[n].v = *e == '\0' ? NULL : e;
	t[n].len = 0;
	return n + 1;
}

static bool noreply_maybe(struct proto *p, struct token *t, size_t n)
{
	struct token *last = &t[n - 2];

	if (last->v && strcmp(last->v, "noreply") == 0)
		p->noreply = true;
	return p->noreply;
}

#define WANT(cond)                                                             \
	do {                                                                   \
		if (!(cond)) {                                                 \
			reply(p, o, "ERROR");                                  \
			return;                                                \
		}                                                              \
	} while (0)

/* --- retrieval ----------------------------------------------------------- */

/* Longest "VALUE <key> <flags> <bytes> <cas>\r\n". */
#define VALUE_HEADER_MAX (6 + KVD_KEY_MAX + 1 + 10 + 1 + 10 + 1 + 20 + 2)

/*
 * Append key's VALUE block (if it is there) to o; with !emit only look it
 * up, for the counters. The output buffer is grown only outside the
 * read-side section, then the key looked up again; so each value is copied
 * under a section of its own. An expired or flushed item found is unlinked
 * afterwards, outside the section. True on a hit.
 */
static bool get_one(struct outbuf *o, const char *key, size_t nkey, bool with_cas,
		    bool emit, int64_t now)
{
	for (;;) {
		const struct item *it;
		bool dead = false;
		size_t need;
		char *w;

		if (o->failed)
			return false;
		rcuslot_read_lock();
		it = store_find(key, now, &dead);
		if (!it) {
			rcuslot_read_unlock();
			KVD_COUNT(get_misses);
			if (dead)
				store_reap(key, now);
			return false;
		}
		need = VALUE_HEADER_MAX + it->nbytes + 2;
		if (emit && o->cap - o->len < need) {
			rcuslot_read_unlock();
			if (!outbuf_reserve(o, need))
				return false;
			continue;
		}
		if (!emit) {
			rcuslot_read_unlock();
			KVD_COUNT(get_hits);
			return true;
		}
		w = o->buf + o->len;
		memcpy(w, "VALUE ", 6);
		memcpy(w + 6, key, nkey);
		w += 6 + nkey;
		*w++ = ' ';
		w = utoa(it->flags, w);
		*w++ = ' ';
		w = utoa(it->nbytes, w);
		if (with_cas) {
			*w++ = ' ';
			w = utoa(it->cas, w);
		}
		*w++ = '\r';
		*w++ = '\n';
		memcpy(w, item_value(it), it->nbytes + 2);
		w += it->nbytes + 2;
		rcuslot_read_unlock();
		o->len = (size_t)(w - o->buf);
		KVD_COUNT(get_hits);
		return true;
	}
}

/* One key of a get, gets, gat or gats. gat answers with the value as it
 * was, then touches it (memcached's order: a negative exptime returns the
 * value once, then it is gone). */
static void get_key(struct proto *p, struct outbuf *o, const char *key, size_t nkey,
		    bool emit, int64_t now)
{
	if (!p->get_touch) {
		KVD_COUNT(cmd_get);
		(void)get_one(o, key, nkey, p->get_cas, emit, now);
		return;
	}
	KVD_COUNT(cmd_touch);
	if (get_one(o, key, nkey, p->get_cas, emit, now) &&
	    store_touch(key, nkey, p->get_exptime_ms, now) == ST_TOUCHED)
		KVD_COUNT(touch_hits);
	else
		KVD_COUNT(touch_misses);
}

/* Whether the words of s include one longer than a key may be. */
static bool has_long_word(const char *s)
{
	size_t run = 0;

	for (; *s; s++) {
		run = *s == ' ' ? 0 : run + 1;
		if (run > KVD_KEY_MAX)
			return true;
	}
	return false;
}

/* Keep the keys from k on (and the unsplit rest after them) for later. */
static bool get_suspend(struct proto *p, struct token *k)
{
	size_t n = 0;
	struct token *e;
	char *rest, *w;

	for (e = k; e->len != 0; e++)
		n += e->len + 1;
	if (e->v)
		n += strlen(e->v);
	rest = malloc(n + 1);
	if (!rest)
		return false;
	w = rest;
	for (e = k; e->len != 0; e++) {
		memcpy(w, e->v, e->len);
		w += e->len;
		*w++ = ' ';
	}
	if (e->v) {
		size_t m = strlen(e->v);

		memcpy(w, e->v, m);
		w += m;
	}
	*w = '\0';
	free(p->get_rest);
	p->get_rest = rest;
	p->state = P_GET;
	return true;
}

/*
 * Answer the keys from k on (t: the token array they are in), as many as
 * the output takes: once PROTO_OUT_HIGH bytes wait unsent, the rest is kept
 * and the get goes on when they have drained.
 */
static void get_keys(struct proto *p, struct outbuf *o, struct token *t,
		     struct token *k, int64_t now)
{
	for (;;) {
		for (; k->len != 0; k++) {
			if (o->len - o->sent > PROTO_OUT_HIGH) {
				if (!get_suspend(p, k))
					o->failed = true;
				return;
			}
			get_key(p, o, k->v, k->len, true, now);
		}
		if (!k->v)
			break;
		(void)tokenize(k->v, t);
		k = t;
	}
	free(p->get_rest);
	p->get_rest = NULL;
	p->state = P_LINE;
	put(o, "END\r\n", 5);
}

/* P_GET: go on with a suspended get. */
static void get_resume(struct proto *p, struct outbuf *o, int64_t now)
{
	struct token t[MAX_TOKENS];
	char *rest = p->get_rest;

	p->get_rest = NULL;	/* get_keys may keep a new rest */
	(void)tokenize(rest, t);
	get_keys(p, o, t, t, now);
	free(rest);
}

static void process_get(struct proto *p, struct outbuf *o, struct token *t,
			bool with_cas, bool touch, int64_t now)
{
	struct token *k = &t[1];
	int32_t exptime;
	bool bad = false;

	p->get_cas = with_cas;
	p->get_touch = touch;
	p->get_exptime_ms = 0;
	if (touch) {
		if (!parse_i32(t[1].v, &exptime)) {
			reply(p, o, "CLIENT_ERROR invalid exptime argument");
			return;
		}
		p->get_exptime_ms = store_exptime(exptime, now);
		k++;
	}
	/* memcached drops the whole reply at a key that is too long: find it
	 * before any value goes out, since values go out as they are found */
	for (struct token *e = k; e->len != 0 || e->v; e++) {
		if (e->len > KVD_KEY_MAX || (e->len == 0 && has_long_word(e->v))) {
			bad = true;
			break;
		}
		if (e->len == 0)
			break;
	}
	if (!bad) {
		get_keys(p, o, t, k, now);
		return;
	}
	/* the keys before it are looked up (and gat's touched), unanswered */
	for (;;) {
		for (; k->len != 0; k++) {
			if (k->len > KVD_KEY_MAX) {
				reply(p, o, "CLIENT_ERROR bad command line format");
				return;
			}
			get_key(p, o, k->v, k->len, false, now);
		}
		if (!k->v)
			break;
		(void)tokenize(k->v, t);
		k = t;
	}
	reply(p, o, "CLIENT_ERROR bad command line format");
}

/* --- storage ------------------------------------------------------------- */

static void process_update(struct proto *p, struct outbuf *o, struct token *t,
			   size_t n, enum store_cmd cmd, int64_t now)
{
	uint32_t flags;
	int32_t exptime, vlen;
	uint64_t cas = 0;
	enum store_result fit;

	noreply_maybe(p, t, n);
	if (t[1].len > KVD_KEY_MAX) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!parse_u32(t[2].v, &flags) || !parse_i32(t[3].v, &exptime) ||
	    !parse_i32(t[4].v, &vlen)) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (cmd == CMD_CAS && !parse_u64(t[5].v, &cas)) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (vlen < 0 || vlen > INT_MAX - 2) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	p->item = store_item_alloc(t[1].v, t[1].len, flags, store_exptime(exptime, now),
				   (size_t)vlen, now, &fit);
	if (!p->item) {
		if (fit == ST_TOO_LARGE) {
			KVD_COUNT(store_too_large);
			reply(p, o, "SERVER_ERROR object too large for cache");
		} else {
			KVD_COUNT(store_no_memory);
			reply(p, o, "SERVER_ERROR out of memory storing object");
		}
		/* as memcached: a failed set leaves no stale value behind */
		if (cmd == CMD_SET)
			store_unlink(t[1].v, t[1].len);
		p->state = P_SWALLOW;
		p->need = (size_t)vlen + 2;
		return;
	}
	p->state = P_DATA;
	p->need = (size_t)vlen + 2;
	p->got = 0;
	p->cmd = cmd;
	p->cas = cas;
}

static const char *store_reply(enum store_result r)
{
	switch (r) {
	case ST_STORED: return "STORED";
	case ST_NOT_STORED: return "NOT_STORED";
	case ST_EXISTS: return "EXISTS";
	case ST_NOT_FOUND: return "NOT_FOUND";
	case ST_NO_MEMORY: return "SERVER_ERROR out of memory storing object";
	default: return "SERVER_ERROR unhandled storage type";
	}
}

/* The data block of a storage command has arrived whole, into p->item. */
static void complete_update(struct proto *p, struct outbuf *o, int64_t now)
{
	struct item *it = p->item;
	size_t nbytes = p->need - 2;
	enum store_result r;

	p->item = NULL;
	KVD_COUNT(cmd_set);
	if (memcmp(store_item_buf(it) + nbytes, "\r\n", 2) != 0) {
		store_discard(it);
		reply(p, o, "CLIENT_ERROR bad data chunk");
		return;
	}
	r = store_commit(p->cmd, it, p->cas, now);
	if (p->cmd == CMD_CAS) {
		if (r == ST_STORED)
			KVD_COUNT(cas_hits);
		else if (r == ST_EXISTS)
			KVD_COUNT(cas_badval);
		else if (r == ST_NOT_FOUND)
			KVD_COUNT(cas_misses);
	}
	if (r == ST_NO_MEMORY)
		KVD_COUNT(store_no_memory);
	reply(p, o, store_reply(r));
}

/* --- the other commands ------------------------------------------------ */

static void process_touch(struct proto *p, struct outbuf *o, struct token *t,
			  size_t n, int64_t now)
{
	int32_t exptime;

	noreply_maybe(p, t, n);
	if (t[1].len > KVD_KEY_MAX) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!parse_i32(t[2].v, &exptime)) {
		reply(p, o, "CLIENT_ERROR invalid exptime argument");
		return;
	}
	KVD_COUNT(cmd_touch);
	if (store_touch(t[1].v, t[1].len, store_exptime(exptime, now), now) == ST_TOUCHED) {
		KVD_COUNT(touch_hits);
		reply(p, o, "TOUCHED");
	} else {
		KVD_COUNT(touch_misses);
		reply(p, o, "NOT_FOUND");
	}
}

static void process_delta(struct proto *p, struct outbuf *o, struct token *t,
			  size_t n, bool incr, int64_t now)
{
	uint64_t delta, value;
	char buf[24];

	noreply_maybe(p, t, n);
	if (t[1].len > KVD_KEY_MAX) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (!parse_u64(t[2].v, &delta)) {
		reply(p, o, "CLIENT_ERROR invalid numeric delta argument");
		return;
	}
	switch (store_delta(t[1].v, t[1].len, incr, delta, &value, now)) {
	case ST_DELTA:
		if (incr)
			KVD_COUNT(incr_hits);
		else
			KVD_COUNT(decr_hits);
		*utoa(value, buf) = '\0';
		reply(p, o, buf);
		break;
	case ST_NON_NUMERIC:
		reply(p, o, "CLIENT_ERROR cannot increment or decrement non-numeric value");
		break;
	case ST_NO_MEMORY:
		reply(p, o, "SERVER_ERROR out of memory");
		break;
	default:
		if (incr)
			KVD_COUNT(incr_misses);
		else
			KVD_COUNT(decr_misses);
		reply(p, o, "NOT_FOUND");
		break;
	}
}

static void process_delete(struct proto *p, struct outbuf *o, struct token *t,
			   size_t n, int64_t now)
{
	if (n > 3) {
		bool hold_is_zero = strcmp(t[2].v, "0") == 0;
		bool sets_noreply = noreply_maybe(p, t, n);
		bool valid = (n == 4 && (hold_is_zero || sets_noreply)) ||
			     (n == 5 && hold_is_zero && sets_noreply);

		if (!valid) {
			reply(p, o, "CLIENT_ERROR bad command line format.  "
				    "Usage: delete <key> [noreply]");
			return;
		}
	}
	if (t[1].len > KVD_KEY_MAX) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	if (store_delete(t[1].v, t[1].len, now) == ST_DELETED) {
		KVD_COUNT(delete_hits);
		reply(p, o, "DELETED");
	} else {
		KVD_COUNT(delete_misses);
		reply(p, o, "NOT_FOUND");
	}
}

static void process_flush_all(struct proto *p, struct outbuf *o, struct token *t,
			      size_t n, int64_t now)
{
	int32_t delay = 0;

	noreply_maybe(p, t, n);
	KVD_COUNT(cmd_flush);
	if (n != (p->noreply ? 3u : 2u) && !parse_i32(t[1].v, &delay)) {
		reply(p, o, "CLIENT_ERROR invalid exptime argument");
		return;
	}
	store_flush(delay > 0 ? store_exptime(delay, now) : 0, now);
	reply(p, o, "OK");
}

static void process_verbosity(struct proto *p, struct outbuf *o, struct token *t,
			      size_t n)
{
	uint32_t level;

	noreply_maybe(p, t, n);
	if (!parse_u32(t[1].v, &level)) {
		reply(p, o, "CLIENT_ERROR bad command line format");
		return;
	}
	__atomic_store_n(&kvd_settings.verbose, level > 2 ? 2 : (int)level,
			 __ATOMIC_RELAXED);
	reply(p, o, "OK");
}

/* --- stats ----------------------------------------------------------------- */

static void stat_u64(struct outbuf *o, const char *name, uint64_t v)
{
	char line[128];
	int n = snprintf(line, sizeof(line), "STAT %s %llu\r\n", name,
			 (unsigned long long)v);

	put(o, line, (size_t)n);
}

static void stat_str(struct outbuf *o, const char *name, const char *v)
{
	char line[192];
	int n = snprintf(line, sizeof(line), "STAT %s %s\r\n", name, v);

	put(o, line, (size_t)n);
}

static void stat_time(struct outbuf *o, const char *name, const struct timeval *tv)
{
	char v[48];

	snprintf(v, sizeof(v), "%ld.%06ld", (long)tv->tv_sec, (long)tv->tv_usec);
	stat_str(o, name, v);
}

static void stats_general(struct outbuf *o, int64_t now)
{
	struct kvd_stats s;
	struct rusage ru;

	kvd_stats_sum(&s);
	getrusage(RUSAGE_SELF, &ru);
	stat_u64(o, "pid", (uint64_t)getpid());
	stat_u64(o, "uptime", (uint64_t)((now - kvd_started_ms) / 1000));
	stat_u64(o, "time", (uint64_t)kvd_unix_now());
	stat_str(o, "version", KVD_PROTO_VERSION);
	stat_u64(o, "pointer_size", sizeof(void *) * 8);
	stat_time(o, "rusage_user", &ru.ru_utime);
	stat_time(o, "rusage_system", &ru.ru_stime);
	stat_u64(o, "max_connections", kvd_settings.max_conns);
	stat_u64(o, "curr_connections", kvd_curr_conns());
	stat_u64(o, "total_connections", s.total_connections);
	stat_u64(o, "rejected_connections", s.rejected_connections);
	stat_u64(o, "cmd_get", s.cmd_get);
	stat_u64(o, "cmd_set", s.cmd_set);
	stat_u64(o, "cmd_flush", s.cmd_flush);
	stat_u64(o, "cmd_touch", s.cmd_touch);
	stat_u64(o, "get_hits", s.get_hits);
	stat_u64(o, "get_misses", s.get_misses);
	stat_u64(o, "get_expired", s.get_expired);
	stat_u64(o, "get_flushed", s.get_flushed);
	stat_u64(o, "delete_misses", s.delete_misses);
	stat_u64(o, "delete_hits", s.delete_hits);
	stat_u64(o, "incr_misses", s.incr_misses);
	stat_u64(o, "incr_hits", s.incr_hits);
	stat_u64(o, "decr_misses", s.decr_misses);
	stat_u64(o, "decr_hits", s.decr_hits);
	stat_u64(o, "cas_misses", s.cas_misses);
	stat_u64(o, "cas_hits", s.cas_hits);
	stat_u64(o, "cas_badval", s.cas_badval);
	stat_u64(o, "touch_hits", s.touch_hits);
	stat_u64(o, "touch_misses", s.touch_misses);
	stat_u64(o, "store_too_large", s.store_too_large);
	stat_u64(o, "store_no_memory", s.store_no_memory);
	stat_u64(o, "bytes_read", s.bytes_read);
	stat_u64(o, "bytes_written", s.bytes_written);
	stat_u64(o, "limit_maxbytes", kvd_settings.max_bytes);
	stat_u64(o, "threads", kvd_settings.threads);
	stat_u64(o, "bytes", store_bytes());
	stat_u64(o, "curr_items", store_curr_items());
	stat_u64(o, "total_items", s.total_items);
	stat_u64(o, "evictions", s.evictions);
	stat_u64(o, "evicted_unfetched", s.evicted_unfetched);
	stat_u64(o, "expired_unfetched", s.expired_unfetched);
	stat_u64(o, "reclaimed", s.reclaimed);
	stat_u64(o, "rcu_defer_pending", (uint64_t)rcuslot_defer_pending());
	stat_u64(o, "rcu_grace_periods_waited", rcuslot_grace_periods_waited());
}

static void stats_settings(struct outbuf *o)
{
	stat_u64(o, "maxbytes", kvd_settings.max_bytes);
	stat_u64(o, "maxconns", kvd_settings.max_conns);
	stat_u64(o, "tcpport", (uint64_t)kvd_settings.port);
	stat_str(o, "inter", kvd_settings.listen ? kvd_settings.listen : "NULL");
	stat_u64(o, "verbosity", (uint64_t)kvd_verbose());
	stat_u64(o, "num_threads", kvd_settings.threads);
	stat_str(o, "domain_socket", kvd_settings.sock_path ? kvd_settings.sock_path : "NULL");
	stat_str(o, "evictions", kvd_settings.evict ? "on" : "off");
	stat_str(o, "cas_enabled", "yes");
	stat_u64(o, "item_size_max", kvd_settings.item_max);
	stat_str(o, "flush_enabled", "yes");
}

static void process_stats(struct proto *p, struct outbuf *o, struct token *t,
			  size_t n, int64_t now)
{
	const char *sub = t[1].v;

	if (n == 2) {
		stats_general(o, now);
	} else if (strcmp(sub, "reset") == 0) {
		kvd_stats_reset();
		reply(p, o, "RESET");
		return;
	} else if (strcmp(sub, "detail") == 0) {
		const char *arg = n < 4 ? "" : t[2].v;

		if (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0)
			reply(p, o, "OK");
		else if (strcmp(arg, "dump") == 0)
			put(o, "END\r\n", 5);
		else
			reply(p, o, "CLIENT_ERROR usage: stats detail on|off|dump");
		return;
	} else if (strcmp(sub, "settings") == 0) {
		stats_settings(o);
	} else if (strcmp(sub, "items") == 0 || strcmp(sub, "slabs") == 0) {
		/* kvd has no slab classes: an empty list */
	} else {
		reply(p, o, "ERROR");
		return;
	}
	put(o, "END\r\n", 5);
}

/* --- dispatch ------------------------------------------------------------- */

static void process_command(struct proto *p, struct outbuf *o, char *line,
			    int64_t now)
{
	struct token t[MAX_TOKENS];
	size_t n = tokenize(line, t);
	const char *c = t[0].v;

	p->noreply = false;
	if (n < 2 || t[0].len < 2) {
		reply(p, o, "ERROR");
		return;
	}
	if (c[0] == 'g') {
		WANT(n >= 3);
		if (strcmp(c, "get") == 0)
			process_get(p, o, t, false, false, now);
		else if (strcmp(c, "gets") == 0)
			process_get(p, o, t, true, false, now);
		else if (strcmp(c, "gat") == 0)
			process_get(p, o, t, false, true, now);
		else if (strcmp(c, "gats") == 0)
			process_get(p, o, t, true, true, now);
		else
			reply(p, o, "ERROR");
	} else if (strcmp(c, "set") == 0) {
		WANT(n == 6 || n == 7);
		process_update(p, o, t, n, CMD_SET, now);
	} else if (strcmp(c, "stats") == 0) {
		process_stats(p, o, t, n, now);
	} else if (strcmp(c, "add") == 0 || strcmp(c, "append") == 0) {
		WANT(n == 6 || n == 7);
		process_update(p, o, t, n, c[1] == 'd' ? CMD_ADD : CMD_APPEND, now);
	} else if (strcmp(c, "cas") == 0) {
		WANT(n == 7 || n == 8);
		process_update(p, o, t, n, CMD_CAS, now);
	} else if (strcmp(c, "incr") == 0 || strcmp(c, "decr") == 0) {
		WANT(n == 4 || n == 5);
		process_delta(p, o, t, n, c[0] == 'i', now);
	} else if (strcmp(c, "delete") == 0) {
		WANT(n >= 3 && n <= 5);
		process_delete(p, o, t, n, now);
	} else if (strcmp(c, "touch") == 0) {
		WANT(n == 4 || n == 5);
		process_touch(p, o, t, n, now);
	} else if (strcmp(c, "replace") == 0 || strcmp(c, "prepend") == 0) {
		WANT(n == 6 || n == 7);
		process_update(p, o, t, n, c[0] == 'r' ? CMD_REPLACE : CMD_PREPEND, now);
	} else if (strcmp(c, "bget") == 0) {
		WANT(n >= 3);
		process_get(p, o, t, false, false, now);
	} else if (strcmp(c, "flush_all") == 0) {
		WANT(n >= 2 && n <= 4);
		process_flush_all(p, o, t, n, now);
	} else if (strcmp(c, "version") == 0) {
		reply(p, o, "VERSION " KVD_PROTO_VERSION);
	} else if (strcmp(c, "quit") == 0) {
		p->close_after = true;
	} else if (strcmp(c, "verbosity") == 0) {
		WANT(n == 3 || n == 4);
		process_verbosity(p, o, t, n);
	} else if (!strchr("acdgist", c[0]) && strncmp(t[n - 2].v, "HTTP/", 5) == 0) {
		/* as memcached 1.6.18: not a cache client, unless the command
		 * starts as one of the cache's (those are answered ERROR) */
		p->close_now = true;
	} else {
		reply(p, o, "ERROR");
	}
}

/* --- the byte stream -------------------------------------------------------- */

/* A line with no '\n' yet: may it grow, or is the connection to close? */
static bool line_may_grow(const char *in, size_t len)
{
	const char *s = in;

	if (len <= PROTO_LINE_MAX)
		return true;
	if (len > PROTO_GET_LINE_MAX)
		return false;
	while (s < in + len && *s == ' ')
		s++;
	if (s - in > 100)
		return false;
	return (size_t)(in + len - s) >= 4 &&
	       (strncmp(s, "get ", 4) == 0 ||
		((size_t)(in + len - s) >= 5 && strncmp(s, "gets ", 5) == 0));
}

size_t proto_feed(struct proto *p, char *in, size_t len, struct outbuf *o,
		  int64_t now)
{
	size_t used = 0;

	while ((used < len || p->state == P_GET) && !p->close_now && !p->close_after &&
	       !o->failed && o->len - o->sent <= PROTO_OUT_HIGH) {
		char *s = in + used, *nl, *el;
		size_t left = len - used, n;

		switch (p->state) {
		case P_SWALLOW:
			n = left < p->need ? left : p->need;
			used += n;
			p->need -= n;
			if (p->need == 0)
				p->state = P_LINE;
			continue;
		case P_DATA:
			n = left < p->need - p->got ? left : p->need - p->got;
			memcpy(store_item_buf(p->item) + p->got, s, n);
			used += n;
			p->got += n;
			if (p->got == p->need) {
				p->state = P_LINE;
				complete_update(p, o, now);
			}
			continue;
		case P_GET:
			get_resume(p, o, now);
			continue;
		case P_LINE:
			break;
		}
		nl = memchr(s, '\n', left);
		if (!nl) {
			if (!line_may_grow(s, left))
				p->close_now = true;
			return used;
		}
		el = nl;
		if (el - s > 1 && el[-1] == '\r')
			el--;
		*el = '\0';
		used += (size_t)(nl - s) + 1;
		process_command(p, o, s, now);
	}
	if (o->failed)
		p->close_now = true;	/* never a short reply that looks whole */
	return used;
}

bool proto_has_request(const struct proto *p, const char *in, size_t len)
{
	switch (p->state) {
	case P_GET:
		return true;
	case P_SWALLOW:
		return len > 0;
	case P_DATA:
		return len > 0;
	default:
		return memchr(in, '\n', len) != NULL;
	}
}
