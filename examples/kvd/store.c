/* SPDX-License-Identifier: MIT */
/*
 * The item store (see store.h). Memory ordering: publication and
 * retirement are the map's (a published item's bytes happen before the
 * pointer a reader finds; an unlinked item is freed only after every reader
 * that could hold it has left). The counters below are atomics on the
 * write side only: a reader (store_find) reads flush_before_cas and
 * flush_at_ms with relaxed loads, which pair with the relaxed stores of
 * store_flush; a reader that misses a concurrent flush_all behaves as if it
 * had run just before it, which memcached allows as well.
 *
 * The eviction queue (SIEVE) is the writers' alone, under queue_lock: an
 * item is pushed before it is published and taken off by whoever unlinks
 * it from the map (or frees it unpublished), before it is retired, so the
 * queue never holds freed memory and the hand may read any item on it.
 * Readers touch only an item's visited and fetched bytes, with relaxed
 * atomics: a hit the hand misses costs the item one more round, never
 * correctness. queue_lock is taken inside read-side sections (in copy
 * callbacks); nothing waits for a grace period while holding it.
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* memcached's boundary between relative and absolute expiry times. */
#define REALTIME_MAXDELTA (60 * 60 * 24 * 30)

/* Items the hand takes per hold of the queue's lock. */
#define HAND_BATCH 64
/* Under -M, items the hand looks at per attempt to make room. */
#define HAND_SCAN_KEEP 4096
/* Attempts to make room for one item before giving up. */
#define ROOM_TRIES 16

static void item_free(struct item *it);
static void want_crawl(void);

RCU_MAP_DEFINE_STRING(item_map, struct item, node, key, item_free);

static struct item_map items;

static uint64_t mem_used;	/* bytes charged by pending and linked items */
static int64_t curr_items;	/* items in the map */
static uint64_t next_cas = 1;
static uint64_t flush_before_cas;	/* items with a smaller cas are flushed */
static int64_t flush_at_ms;	/* pending delayed flush_all, 0 if none */

/* The queue: newest at the head; the hand and the crawler walk from the
 * oldest towards the newest, each round again from the oldest. */
static pthread_mutex_t queue_lock = PTHREAD_MUTEX_INITIALIZER;
static struct item *q_newest, *q_oldest, *q_hand, *q_crawl;
static size_t q_len;

/* A store's own item, which the map frees when a commit loses a race: kept
 * for the next attempt (the losing copy is freed in the committing thread,
 * so a thread-local pointer tells it apart). */
static __thread struct item *keep_item;

/* --- the queue ------------------------------------------------------------ */

static void q_push(struct item *it)
{
	it->older = q_newest;
	it->newer = NULL;
	if (q_newest)
		q_newest->newer = it;
	else
		q_oldest = it;
	q_newest = it;
	it->queued = true;
	q_len++;
}

static void q_unlink(struct item *it)
{
	if (q_hand == it)
		q_hand = it->newer;
	if (q_crawl == it)
		q_crawl = it->newer;
	if (it->newer)
		it->newer->older = it->older;
	else
		q_newest = it->older;
	if (it->older)
		it->older->newer = it->newer;
	else
		q_oldest = it->newer;
	it->newer = it->older = NULL;
	it->queued = false;
	q_len--;
}

/* `queued` changes only in the thread that owns the item at the time (its
 * publisher, then whoever unlinks it), so it may read it unlocked. */
static void queue_add(struct item *it)
{
	if (it->queued)
		return;
	pthread_mutex_lock(&queue_lock);
	q_push(it);
	pthread_mutex_unlock(&queue_lock);
}

static void queue_remove(struct item *it)
{
	if (!it->queued)
		return;
	pthread_mutex_lock(&queue_lock);
	q_unlink(it);
	pthread_mutex_unlock(&queue_lock);
}

/* --- items -------------------------------------------------------------- */

size_t store_item_size(size_t nkey, size_t nbytes)
{
	return sizeof(struct item) + nkey + 1 + nbytes + 3;
}

/* Charge size against -m; false when it does not fit. `force` charges it
 * anyway: for a copy that replaces an item at least as large, whose charge
 * goes when the copy is published (or the copy's, when it is not). */
static bool mem_reserve(size_t size, bool force)
{
	uint64_t now = __atomic_add_fetch(&mem_used, size, __ATOMIC_RELAXED);

	if (!force && now > kvd_settings.max_bytes) {
		__atomic_sub_fetch(&mem_used, size, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

/* The item no longer counts against -m (unlinked, or never published). */
static void mem_release(struct item *it)
{
	if (it->charged) {
		it->charged = false;
		__atomic_sub_fetch(&mem_used, it->size, __ATOMIC_RELAXED);
	}
}

/* A new, unpublished item with room for nbytes of value (filled by the
 * caller); its key is copied, its "\r\n" written. NULL when -m is reached
 * (nothing is evicted here: copy callbacks run inside read-side sections)
 * or malloc fails. */
static struct item *item_new(const char *key, size_t nkey, uint32_t flags,
			     int64_t exptime_ms, size_t nbytes, int64_t now, bool force)
{
	size_t size = store_item_size(nkey, nbytes);
	struct item *it;

	if (!mem_reserve(size, force))
		return NULL;
	it = malloc(size);
	if (!it) {
		__atomic_sub_fetch(&mem_used, size, __ATOMIC_RELAXED);
		return NULL;
	}
	memset(it, 0, sizeof(*it));
	it->key = it->data;
	it->cas = __atomic_fetch_add(&next_cas, 1, __ATOMIC_RELAXED);
	it->exptime_ms = exptime_ms;
	it->stored_ms = now;
	it->flags = flags;
	it->nkey = (uint32_t)nkey;
	it->nbytes = (uint32_t)nbytes;
	it->size = (uint32_t)size;
	it->charged = true;
	if (exptime_ms != 0)
		want_crawl();
	memcpy(it->data, key, nkey);
	it->data[nkey] = '\0';
	memcpy(it->data + nkey + 1 + nbytes, "\r\n", 3);
	return it;
}

/* The map's free function: after a grace period, or at once for a copy
 * that was never published (unless it is the store's own, kept). */
static void item_free(struct item *it)
{
	if (it == keep_item)
		return;
	queue_remove(it);
	mem_release(it);
	free(it);
}

static bool item_expired(const struct item *it, int64_t now)
{
	return it->exptime_ms != 0 && it->exptime_ms <= now;
}

static bool item_live(const struct item *it, int64_t now)
{
	int64_t at;

	if (item_expired(it, now))
		return false;
	if (it->cas < __atomic_load_n(&flush_before_cas, __ATOMIC_RELAXED))
		return false;
	at = __atomic_load_n(&flush_at_ms, __ATOMIC_RELAXED);
	return at == 0 || now < at || it->stored_ms >= at;
}

/* Counters for an item unlinked because it was expired or flushed. */
static void count_reclaimed(const struct item *it, int64_t now)
{
	KVD_COUNT(reclaimed);
	if (item_expired(it, now) && !__atomic_load_n(&it->fetched, __ATOMIC_RELAXED))
		KVD_COUNT(expired_unfetched);
}

int64_t store_exptime(int32_t exptime, int64_t now)
{
	int64_t unix_now;

	if (exptime == 0)
		return 0;
	if (exptime < 0)
		return ITEM_EXPIRED_MS;
	if (exptime <= REALTIME_MAXDELTA)
		return now + (int64_t)exptime * 1000;
	unix_now = kvd_unix_now();
	if (exptime <= unix_now)
		return ITEM_EXPIRED_MS;
	return now + (exptime - unix_now) * 1000;
}

/* --- the map ------------------------------------------------------------ */

int store_init(void)
{
	return item_map_init(&items, 1024);
}

void store_destroy(void)
{
	pthread_mutex_lock(&queue_lock);
	while (q_oldest)
		q_unlink(q_oldest);
	pthread_mutex_unlock(&queue_lock);
	item_map_destroy(&items);
	__atomic_store_n(&curr_items, 0, __ATOMIC_RELAXED);
}

const struct item *store_find(const char *key, int64_t now, bool *dead)
{
	const struct item *it = item_map_find(&items, key);
	uint8_t *visited;

	if (!it)
		return NULL;
	if (!item_live(it, now)) {
		if (item_expired(it, now))
			KVD_COUNT(get_expired);
		else
			KVD_COUNT(get_flushed);
		*dead = true;
		return NULL;
	}
	/* SIEVE's hit: a load, and a store only when the byte is clear (the
	 * hand clears it under the queue's lock; relaxed both ways, as a hit
	 * lost to a concurrent clear only ages the item one round). */
	visited = (uint8_t *)&((struct item *)it)->visited;
	if (!__atomic_load_n(visited, __ATOMIC_RELAXED)) {
		__atomic_store_n(visited, 1, __ATOMIC_RELAXED);
		if (!__atomic_load_n(&it->fetched, __ATOMIC_RELAXED))
			__atomic_store_n((uint8_t *)&((struct item *)it)->fetched, 1,
					 __ATOMIC_RELAXED);
	}
	return it;
}

/* What one copy_update did. */
struct update {
	int64_t now;
	enum store_result result;
	bool published;		/* *new_out was set to a new item */
	const struct item *seen;	/* the item the last attempt found */
	size_t need;		/* -ENOMEM: the bytes the copy wanted */
};

/* After a won update: what it unlinked leaves the queue and stops counting
 * against -m at once, then waits for its grace period. */
static void account(struct update *u, struct item_map_old *old)
{
	int64_t d = u->published ? 1 : 0;

	if (!item_map_old_is_empty(old)) {
		struct item *it = (struct item *)u->seen;

		queue_remove(it);
		mem_release(it);
		d--;
	}
	if (d)
		__atomic_add_fetch(&curr_items, d, __ATOMIC_RELAXED);
	item_map_old_defer(old);
}

/* --- the hand ------------------------------------------------------------- */

static int take_copy(const struct item *old, struct item **new_out, void *arg)
{
	*new_out = old == arg ? NULL : (struct item *)old;
	return 0;
}

/* Under queue_lock: unlink `it` from the map if it is still there (another
 * writer may have replaced or deleted it and be waiting for the lock to
 * take it off the queue). The map's update waits for nothing. */
static bool take(struct item *it, struct item_map_old *old)
{
	if (item_map_copy_update(&items, it->key, take_copy, it, old) != 0)
		return false;
	if (item_map_old_is_empty(old))
		return false;
	q_unlink(it);
	mem_release(it);
	__atomic_sub_fetch(&curr_items, 1, __ATOMIC_RELAXED);
	return true;
}

static bool room_for(size_t need)
{
	return __atomic_load_n(&mem_used, __ATOMIC_RELAXED) + need <= kvd_settings.max_bytes;
}

/*
 * Run the hand until `need` more bytes fit under -m, HAND_BATCH items are
 * taken, or it has gone round (twice when evicting: the first round may
 * only clear visited bytes). Returns how many items it took. Outside any
 * read-side section: the taken items are retired after the lock is let go.
 */
static size_t hand_run(size_t need, int64_t now)
{
	struct item_map_old out[HAND_BATCH];
	size_t n = 0, looked = 0, limit;
	bool evict = kvd_settings.evict;

	pthread_mutex_lock(&queue_lock);
	limit = evict ? 2 * q_len + 1 : (q_len < HAND_SCAN_KEEP ? q_len : HAND_SCAN_KEEP);
	while (n < HAND_BATCH && looked < limit && !room_for(need)) {
		struct item *it = q_hand ? q_hand : q_oldest;
		bool dead;

		if (!it)
			break;
		looked++;
		q_hand = it->newer;
		dead = !item_live(it, now);
		if (!dead) {
			if (!evict)
				continue;
			if (__atomic_load_n(&it->visited, __ATOMIC_RELAXED)) {
				__atomic_store_n(&it->visited, 0, __ATOMIC_RELAXED);
				continue;
			}
		}
		if (!take(it, &out[n]))
			continue;
		if (dead) {
			count_reclaimed(it, now);
		} else {
			KVD_COUNT(evictions);
			if (!__atomic_load_n(&it->fetched, __ATOMIC_RELAXED))
				KVD_COUNT(evicted_unfetched);
		}
		n++;
	}
	pthread_mutex_unlock(&queue_lock);
	for (size_t i = 0; i < n; i++)
		item_map_old_defer(&out[i]);
	return n;
}

/* Make `need` bytes fit under -m (evicting unless -M); false when the
 * hand could not. */
static bool make_room(size_t need, int64_t now)
{
	for (int i = 0; i < ROOM_TRIES && !room_for(need); i++) {
		if (hand_run(need, now) == 0)
			break;
	}
	return room_for(need);
}

/* Run copy on key's entry; when copy ran out of memory, make room and try
 * again. */
static enum store_result update_key(const char *key, item_map_copy_fn *copy,
				    struct update *u)
{
	for (int tries = 0;; tries++) {
		struct item_map_old old;
		int err;

		u->need = 0;
		err = item_map_copy_update(&items, key, copy, u, &old);
		if (!err) {
			account(u, &old);
			return u->result;
		}
		if (err != -ENOMEM || tries == ROOM_TRIES || u->need == 0 ||
		    !make_room(u->need, u->now))
			return ST_NO_MEMORY;
	}
}

/* --- storage commands ------------------------------------------------------ */

struct item *store_item_alloc(const char *key, size_t nkey, uint32_t flags,
			      int64_t exptime_ms, size_t nbytes, int64_t now,
			      enum store_result *res)
{
	size_t size = store_item_size(nkey, nbytes);
	struct item *it;

	*res = ST_TOO_LARGE;
	if (nbytes > UINT32_MAX || size > kvd_settings.item_max)
		return NULL;
	*res = ST_NO_MEMORY;
	for (int i = 0; i < ROOM_TRIES; i++) {
		it = item_new(key, nkey, flags, exptime_ms, nbytes, now, false);
		if (it) {
			*res = ST_STORED;
			return it;
		}
		if (room_for(size) || !make_room(size, now))
			return NULL;	/* malloc failed, or no room to be had */
	}
	return NULL;
}

void store_discard(struct item *it)
{
	item_free(it);
}

struct commit_req {
	struct update u;
	enum store_cmd cmd;
	struct item *it;
	uint64_t cas;
};

/* The decision of set/add/replace/append/prepend/cas against old: publish
 * the command's own item, or (append, prepend) a combined copy. */
static int commit_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct commit_req *r = arg;
	bool live = old && item_live(old, r->u.now);
	struct item *it = r->it, *c;
	char *v;

	*new_out = (struct item *)old; /* no change unless set below */
	r->u.published = false;
	r->u.seen = old;
	switch (r->cmd) {
	case CMD_SET:
		break;
	case CMD_ADD:
		if (live) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		break;
	case CMD_REPLACE:
		if (!live) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		break;
	case CMD_APPEND:
	case CMD_PREPEND:
		if (!live) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		/* memcached keeps the old item's flags and expiry; a combined
		 * item that does not fit is NOT_STORED, not an error. Charged
		 * by force: the command's own item, at least as large as what
		 * the copy adds, is released right after. */
		if ((size_t)old->nbytes + it->nbytes > UINT32_MAX ||
		    store_item_size(it->nkey, (size_t)old->nbytes + it->nbytes) >
			    kvd_settings.item_max) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		c = item_new(it->key, it->nkey, old->flags, old->exptime_ms,
			     (size_t)old->nbytes + it->nbytes, r->u.now, true);
		if (!c) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		v = c->data + c->nkey + 1;
		if (r->cmd == CMD_APPEND) {
			memcpy(v, item_value(old), old->nbytes);
			memcpy(v + old->nbytes, item_value(it), it->nbytes);
		} else {
			memcpy(v, item_value(it), it->nbytes);
			memcpy(v + it->nbytes, item_value(old), old->nbytes);
		}
		queue_add(c);
		*new_out = c;
		r->u.published = true;
		r->u.result = ST_STORED;
		return 0;
	case CMD_CAS:
		if (!live) {
			r->u.result = ST_NOT_FOUND;
			return 0;
		}
		if (old->cas != r->cas) {
			r->u.result = ST_EXISTS;
			return 0;
		}
		break;
	}
	queue_add(it);
	*new_out = it;
	r->u.published = true;
	r->u.result = ST_STORED;
	return 0;
}

enum store_result store_commit(enum store_cmd cmd, struct item *it, uint64_t cas,
			       int64_t now)
{
	struct commit_req r = { .u = { .now = now }, .cmd = cmd, .it = it, .cas = cas };
	enum store_result res;

	/* numbered and dated as it is published, as if built now */
	it->cas = __atomic_fetch_add(&next_cas, 1, __ATOMIC_RELAXED);
	it->stored_ms = now;
	keep_item = it;
	res = update_key(it->key, commit_copy, &r.u);
	keep_item = NULL;
	if (!(r.u.published && (cmd != CMD_APPEND && cmd != CMD_PREPEND)))
		item_free(it);	/* not published: off the queue, uncharged */
	if (res == ST_STORED)
		KVD_COUNT(total_items);
	return res;
}

static int delete_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct update *u = arg;

	*new_out = (struct item *)old; /* no change unless set below */
	u->published = false;
	u->seen = old;
	if (!old) {
		u->result = ST_NOT_FOUND;
		return 0;
	}
	/* An expired or flushed item goes too, but was not there to delete. */
	u->result = item_live(old, u->now) ? ST_DELETED : ST_NOT_FOUND;
	*new_out = NULL;
	return 0;
}

enum store_result store_delete(const char *key, size_t nkey, int64_t now)
{
	struct update u = { .now = now };

	(void)nkey;
	return update_key(key, delete_copy, &u);
}

void store_unlink(const char *key, size_t nkey)
{
	(void)store_delete(key, nkey, 0);
}

struct reap_req {
	struct update u;
	bool expired_unfetched; /* what count_reclaimed() counts, read in the section */
};

static int reap_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct reap_req *r = arg;

	*new_out = (struct item *)old;
	r->u.published = false;
	r->u.seen = old;
	r->u.result = ST_NOT_FOUND;
	if (old && !item_live(old, r->u.now)) {
		*new_out = NULL;
		r->u.result = ST_DELETED;
		r->expired_unfetched = item_expired(old, r->u.now) &&
				       !__atomic_load_n(&old->fetched, __ATOMIC_RELAXED);
	}
	return 0;
}

/* As the hand and the crawler count theirs (count_reclaimed). */
void store_reap(const char *key, int64_t now)
{
	struct reap_req r = { .u = { .now = now } };

	if (update_key(key, reap_copy, &r.u) != ST_DELETED)
		return;
	KVD_COUNT(reclaimed);
	if (r.expired_unfetched)
		KVD_COUNT(expired_unfetched);
}

struct touch_req {
	struct update u;
	int64_t exptime_ms;
};

/* A copy with the new expiry; the cas stays, as memcached's touch. Charged
 * by force: it replaces an item of its size, so a touch succeeds when the
 * cache is full, as memcached's (which changes the item in place). */
static int touch_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct touch_req *r = arg;
	struct item *it;

	*new_out = (struct item *)old; /* no change unless set below */
	r->u.published = false;
	r->u.seen = old;
	if (!old || !item_live(old, r->u.now)) {
		r->u.result = ST_NOT_FOUND;
		return 0;
	}
	if (!mem_reserve(old->size, true))
		return -ENOMEM;
	it = malloc(old->size);
	if (!it) {
		__atomic_sub_fetch(&mem_used, old->size, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	/*
	 * Field by field: readers store old's visited and fetched (relaxed)
	 * and the hand and crawler its queue links (under the queue lock), so
	 * a memcpy of the header would race with them.
	 */
	memset(it, 0, offsetof(struct item, data));
	memcpy(it->data, old->data, old->size - offsetof(struct item, data));
	it->key = it->data;
	it->cas = old->cas;
	it->stored_ms = old->stored_ms;
	it->flags = old->flags;
	it->nkey = old->nkey;
	it->nbytes = old->nbytes;
	it->size = old->size;
	it->charged = true;
	it->visited = __atomic_load_n(&old->visited, __ATOMIC_RELAXED);
	it->fetched = __atomic_load_n(&old->fetched, __ATOMIC_RELAXED);
	it->exptime_ms = r->exptime_ms;
	if (it->exptime_ms != 0)
		want_crawl();
	queue_add(it);
	*new_out = it;
	r->u.published = true;
	r->u.result = ST_TOUCHED;
	return 0;
}

enum store_result store_touch(const char *key, size_t nkey, int64_t exptime_ms,
			      int64_t now)
{
	struct touch_req r = { .u = { .now = now }, .exptime_ms = exptime_ms };

	(void)nkey;
	return update_key(key, touch_copy, &r.u);
}

struct delta_req {
	struct update u;
	bool incr;
	uint64_t delta;
	uint64_t value;
};

/* memcached's safe_strtoull: a decimal number followed by whitespace or
 * the end; no sign on numbers that would read as negative. */
static bool parse_u64(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE || end == s)
		return false;
	if (*end != '\0' && *end != ' ' && *end != '\t' && *end != '\n' &&
	    *end != '\v' && *end != '\f' && *end != '\r')
		return false;
	if ((long long)v < 0 && strchr(s, '-'))
		return false;
	*out = v;
	return true;
}

/*
 * incr/decr as memcached does them: 64-bit wraparound up, floor at 0 down;
 * a result shorter than the old value is padded with spaces to its length
 * (memcached rewrites such a value in place), a longer one grows it.
 */
static int delta_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct delta_req *r = arg;
	char buf[24];
	uint64_t v;
	size_t n, len;
	struct item *it;

	*new_out = (struct item *)old; /* no change unless set below */
	r->u.published = false;
	r->u.seen = old;
	if (!old || !item_live(old, r->u.now)) {
		r->u.result = ST_NOT_FOUND;
		return 0;
	}
	if (old->nbytes == 0 || !parse_u64(item_value(old), &v)) {
		r->u.result = ST_NON_NUMERIC;
		return 0;
	}
	if (r->incr)
		v += r->delta;
	else
		v = r->delta > v ? 0 : v - r->delta;
	n = (size_t)snprintf(buf, sizeof(buf), "%" PRIu64, v);
	len = n <= old->nbytes ? old->nbytes : n;
	/* a result of the same length replaces an item of the same size:
	 * charged by force, so that it succeeds in a full cache (memcached
	 * rewrites it in place) */
	it = item_new(old->key, old->nkey, old->flags, old->exptime_ms, len, r->u.now,
		      len == old->nbytes);
	if (!it) {
		r->u.need = store_item_size(old->nkey, len);
		return -ENOMEM;
	}
	it->stored_ms = old->stored_ms;
	it->fetched = __atomic_load_n(&old->fetched, __ATOMIC_RELAXED);
	queue_add(it);
	memcpy(it->data + it->nkey + 1, buf, n);
	memset(it->data + it->nkey + 1 + n, ' ', len - n);
	*new_out = it;
	r->value = v;
	r->u.published = true;
	r->u.result = ST_DELTA;
	return 0;
}

enum store_result store_delta(const char *key, size_t nkey, bool incr,
			      uint64_t delta, uint64_t *value, int64_t now)
{
	struct delta_req r = { .u = { .now = now }, .incr = incr, .delta = delta };
	enum store_result res;

	(void)nkey;
	res = update_key(key, delta_copy, &r.u);
	*value = r.value;
	return res;
}

/* --- flush_all and the crawler --------------------------------------------- */

void store_flush(int64_t at_ms, int64_t now)
{
	want_crawl();
	if (at_ms == 0 || at_ms <= now) {
		__atomic_store_n(&flush_before_cas,
				 __atomic_load_n(&next_cas, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&flush_at_ms, 0, __ATOMIC_RELAXED);
	} else {
		__atomic_store_n(&flush_at_ms, at_ms, __ATOMIC_RELAXED);
	}
}

/*
 * The crawler walks the queue in passes, from the oldest item to the
 * newest, and starts a pass only when something may have died since the
 * last one began: an item stored or touched with an expiry time
 * (crawl_wanted, set by the writers with a relaxed store when clear, and
 * cleared here as a pass begins, so what is stored during a pass asks for
 * the next), or a flush_all (an immediate one, or a delayed one not yet
 * followed by a whole pass that began after it fell due), or the earliest
 * expiry time the last pass saw has come. A cache whose items never expire
 * costs it nothing. The rest is the main thread's.
 */
static bool crawl_wanted;
static bool in_pass;
static int64_t pass_began_ms, flush_swept_ms;
static int64_t pass_next_ms, next_expiry_ms;	/* earliest expiry seen; 0: none */

static void want_crawl(void)
{
	if (!__atomic_load_n(&crawl_wanted, __ATOMIC_RELAXED))
		__atomic_store_n(&crawl_wanted, true, __ATOMIC_RELAXED);
}

static bool crawl_due(int64_t now)
{
	int64_t at = __atomic_load_n(&flush_at_ms, __ATOMIC_RELAXED);

	if (at != 0 && at <= now && at != flush_swept_ms)
		return true;
	if (next_expiry_ms != 0 && next_expiry_ms <= now)
		return true;
	return __atomic_load_n(&crawl_wanted, __ATOMIC_RELAXED);
}

/* Look at up to STORE_CRAWL_CHUNK items from the crawler's place on; take
 * the expired and flushed ones. Returns how many it looked at; *done once
 * the pass has ended (or none was due). */
static size_t crawl_chunk(int64_t now, bool *done)
{
	struct item_map_old out[STORE_CRAWL_CHUNK];
	size_t n = 0, looked = 0;

	pthread_mutex_lock(&queue_lock);
	if (!in_pass) {
		if (!crawl_due(now)) {
			pthread_mutex_unlock(&queue_lock);
			*done = true;
			return 0;
		}
		__atomic_store_n(&crawl_wanted, false, __ATOMIC_RELAXED);
		in_pass = true;
		pass_began_ms = now;
		pass_next_ms = 0;
		q_crawl = q_oldest;
	}
	while (looked < STORE_CRAWL_CHUNK) {
		struct item *it = q_crawl;

		if (!it) {
			int64_t at = __atomic_load_n(&flush_at_ms, __ATOMIC_RELAXED);

			if (at != 0 && at <= pass_began_ms)
				flush_swept_ms = at;
			next_expiry_ms = pass_next_ms;
			in_pass = false;
			*done = true;
			break;
		}
		looked++;
		q_crawl = it->newer;
		if (item_live(it, now)) {
			if (it->exptime_ms != 0 &&
			    (pass_next_ms == 0 || it->exptime_ms < pass_next_ms))
				pass_next_ms = it->exptime_ms;
			continue;
		}
		if (!take(it, &out[n]))
			continue;
		count_reclaimed(it, now);
		n++;
	}
	pthread_mutex_unlock(&queue_lock);
	for (size_t i = 0; i < n; i++)
		item_map_old_defer(&out[i]);
	return looked;
}

/*
 * The table's size as last set here. rculfhash resizes the table by itself,
 * but can lose a request for good (see name_resize in rcuslot/map.h): a
 * fill of two million keys on one worker then ran with chains hundreds
 * long. So each time the item count doubles past it (or falls to an
 * eighth), the main thread resizes the table itself, which also restarts
 * the automatic resizing.
 */
#define TABLE_MIN 1024
static unsigned long sized_for = TABLE_MIN;

static void table_upkeep(void)
{
	uint64_t n = store_curr_items();

	if (n > 2 * (uint64_t)sized_for || (sized_for > TABLE_MIN && n < sized_for / 8)) {
		sized_for = n < TABLE_MIN ? TABLE_MIN : (unsigned long)n;
		item_map_resize(&items, sized_for);
	}
}

void store_tick(int64_t now)
{
	size_t looked = 0;
	bool done = false;

	table_upkeep();
	while (!done && looked < STORE_CRAWL_PER_TICK)
		looked += crawl_chunk(now, &done);
}

uint64_t store_curr_items(void)
{
	int64_t n = __atomic_load_n(&curr_items, __ATOMIC_RELAXED);

	return n < 0 ? 0 : (uint64_t)n;
}

uint64_t store_bytes(void)
{
	return __atomic_load_n(&mem_used, __ATOMIC_RELAXED);
}
