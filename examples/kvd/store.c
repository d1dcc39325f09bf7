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
 */
#include "store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* memcached's boundary between relative and absolute expiry times. */
#define REALTIME_MAXDELTA (60 * 60 * 24 * 30)

/* Keys removed per read-side section by a flush's sweep. */
#define SWEEP_CHUNK 256

static void item_free(struct item *it);

RCU_MAP_DEFINE_STRING(item_map, struct item, node, key, item_free);

static struct item_map items;

static uint64_t mem_used;	/* bytes charged by live and retiring items */
static int64_t curr_items;	/* items in the map */
static uint64_t next_cas = 1;
static uint64_t flush_before_cas;	/* items with a smaller cas are flushed */
static int64_t flush_at_ms;	/* pending delayed flush_all, 0 if none */

/* --- items -------------------------------------------------------------- */

size_t store_item_size(size_t nkey, size_t nbytes)
{
	return sizeof(struct item) + nkey + 1 + nbytes + 3;
}

enum store_result store_check_size(size_t nkey, size_t nbytes)
{
	size_t size = store_item_size(nkey, nbytes);

	if (size > kvd_settings.item_max)
		return ST_TOO_LARGE;
	if (__atomic_load_n(&mem_used, __ATOMIC_RELAXED) + size > kvd_settings.max_bytes)
		return ST_NO_MEMORY;
	return ST_STORED;
}

/* Charge size against -m; false when it does not fit. */
static bool mem_reserve(size_t size)
{
	uint64_t now = __atomic_add_fetch(&mem_used, size, __ATOMIC_RELAXED);

	if (now > kvd_settings.max_bytes) {
		__atomic_sub_fetch(&mem_used, size, __ATOMIC_RELAXED);
		return false;
	}
	return true;
}

/* A new, unpublished item with room for nbytes of value (filled by the
 * caller); its key is copied, its "\r\n" written. NULL when -m is reached
 * or malloc fails. */
static struct item *item_new(const char *key, size_t nkey, uint32_t flags,
			     int64_t exptime_ms, size_t nbytes, int64_t now)
{
	size_t size = store_item_size(nkey, nbytes);
	struct item *it;

	if (!mem_reserve(size))
		return NULL;
	it = malloc(size);
	if (!it) {
		__atomic_sub_fetch(&mem_used, size, __ATOMIC_RELAXED);
		return NULL;
	}
	memset(&it->node, 0, sizeof(it->node));
	it->key = it->data;
	it->cas = __atomic_fetch_add(&next_cas, 1, __ATOMIC_RELAXED);
	it->exptime_ms = exptime_ms;
	it->stored_ms = now;
	it->flags = flags;
	it->nkey = (uint32_t)nkey;
	it->nbytes = (uint32_t)nbytes;
	it->size = (uint32_t)size;
	memcpy(it->data, key, nkey);
	it->data[nkey] = '\0';
	memcpy(it->data + nkey + 1 + nbytes, "\r\n", 3);
	return it;
}

/* The map's free function: after a grace period, or at once for a copy
 * that was never published. */
static void item_free(struct item *it)
{
	__atomic_sub_fetch(&mem_used, it->size, __ATOMIC_RELAXED);
	free(it);
}

static bool item_live(const struct item *it, int64_t now)
{
	int64_t at;

	if (it->exptime_ms != 0 && it->exptime_ms <= now)
		return false;
	if (it->cas < __atomic_load_n(&flush_before_cas, __ATOMIC_RELAXED))
		return false;
	at = __atomic_load_n(&flush_at_ms, __ATOMIC_RELAXED);
	return at == 0 || now < at || it->stored_ms >= at;
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
	item_map_destroy(&items);
	__atomic_store_n(&curr_items, 0, __ATOMIC_RELAXED);
}

const struct item *store_find(const char *key, int64_t now)
{
	const struct item *it = item_map_find(&items, key);

	if (!it)
		return NULL;
	if (!item_live(it, now)) {
		if (it->exptime_ms != 0 && it->exptime_ms <= now)
			KVD_COUNT(get_expired);
		else
			KVD_COUNT(get_flushed);
		return NULL;
	}
	return it;
}

/* What one copy_update did, for the item count. */
struct update {
	int64_t now;
	enum store_result result;
	bool published;		/* *new_out was set to a new item */
};

static void account(struct update *u, struct item_map_old *old)
{
	int64_t d = (u->published ? 1 : 0) - (item_map_old_is_empty(old) ? 0 : 1);

	if (d)
		__atomic_add_fetch(&curr_items, d, __ATOMIC_RELAXED);
	item_map_old_defer(old);
}

/* Run copy on key's entry; ST_NO_MEMORY when copy failed to allocate. */
static enum store_result update_key(const char *key, item_map_copy_fn *copy,
				    struct update *u)
{
	struct item_map_old old;
	int err = item_map_copy_update(&items, key, copy, u, &old);

	if (err)
		return ST_NO_MEMORY;
	account(u, &old);
	return u->result;
}

struct update_req {
	struct update u;
	enum store_cmd cmd;
	const char *key;
	size_t nkey;
	uint32_t flags;
	int64_t exptime_ms;
	const char *data;
	size_t nbytes;
	uint64_t cas;
};

/* The decision of add/replace/append/prepend/cas against old. */
static int update_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct update_req *r = arg;
	bool live = old && item_live(old, r->u.now);
	const struct item *base = NULL;	/* append/prepend: the old value */
	struct item *it;

	*new_out = (struct item *)old; /* no change unless set below */
	r->u.published = false;
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
		base = old;
		break;
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
	if (base) {
		/* memcached keeps the old item's flags and expiry; a combined
		 * item that does not fit is NOT_STORED, not an error. */
		size_t n = base->nbytes + r->nbytes;

		it = n <= UINT32_MAX &&
				store_item_size(r->nkey, n) <= kvd_settings.item_max ?
			item_new(r->key, r->nkey, base->flags, base->exptime_ms, n,
				 r->u.now) : NULL;
		if (!it) {
			r->u.result = ST_NOT_STORED;
			return 0;
		}
		char *v = it->data + it->nkey + 1;
		if (r->cmd == CMD_APPEND) {
			memcpy(v, item_value(base), base->nbytes);
			memcpy(v + base->nbytes, r->data, r->nbytes);
		} else {
			memcpy(v, r->data, r->nbytes);
			memcpy(v + r->nbytes, item_value(base), base->nbytes);
		}
	} else {
		it = item_new(r->key, r->nkey, r->flags, r->exptime_ms, r->nbytes, r->u.now);
		if (!it)
			return -ENOMEM;
		memcpy(it->data + it->nkey + 1, r->data, r->nbytes);
	}
	*new_out = it;
	r->u.published = true;
	r->u.result = ST_STORED;
	return 0;
}

enum store_result store_update(enum store_cmd cmd, const char *key, size_t nkey,
			       uint32_t flags, int64_t exptime_ms, const char *data,
			       size_t nbytes, uint64_t cas, int64_t now)
{
	struct update_req r = {
		.u = { .now = now }, .cmd = cmd, .key = key, .nkey = nkey,
		.flags = flags, .exptime_ms = exptime_ms, .data = data,
		.nbytes = nbytes, .cas = cas,
	};
	struct item *it;
	enum store_result res;

	if (cmd == CMD_SET || cmd == CMD_ADD) {
		/* No decision against the old item (set), or usually none
		 * (add): publish directly, without a copy callback. */
		it = item_new(key, nkey, flags, exptime_ms, nbytes, now);
		if (!it)
			return ST_NO_MEMORY;
		memcpy(it->data + nkey + 1, data, nbytes);
		if (cmd == CMD_SET) {
			struct item_map_old old = item_map_upsert(&items, it);

			r.u.published = true;
			account(&r.u, &old);
			KVD_COUNT(total_items);
			return ST_STORED;
		}
		if (item_map_insert(&items, it) == 0) {
			__atomic_add_fetch(&curr_items, 1, __ATOMIC_RELAXED);
			KVD_COUNT(total_items);
			return ST_STORED;
		}
		/* Present, but perhaps expired or flushed: decide in a copy.
		 * The item was never visible, so it is freed at once. */
		item_free(it);
	}
	res = update_key(key, update_copy, &r.u);
	if (res == ST_STORED)
		KVD_COUNT(total_items);
	return res;
}

static int delete_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct update *u = arg;

	*new_out = (struct item *)old; /* no change unless set below */
	u->published = false;
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

struct touch_req {
	struct update u;
	int64_t exptime_ms;
};

/* A copy with the new expiry; the cas stays, as memcached's touch. */
static int touch_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct touch_req *r = arg;
	struct item *it;

	*new_out = (struct item *)old; /* no change unless set below */
	r->u.published = false;
	if (!old || !item_live(old, r->u.now)) {
		r->u.result = ST_NOT_FOUND;
		return 0;
	}
	if (!mem_reserve(old->size))
		return -ENOMEM;
	it = malloc(old->size);
	if (!it) {
		__atomic_sub_fetch(&mem_used, old->size, __ATOMIC_RELAXED);
		return -ENOMEM;
	}
	memcpy(it, old, old->size);
	memset(&it->node, 0, sizeof(it->node));
	it->key = it->data;
	it->exptime_ms = r->exptime_ms;
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
	it = item_new(old->key, old->nkey, old->flags, old->exptime_ms, len, r->u.now);
	if (!it)
		return -ENOMEM;
	it->stored_ms = old->stored_ms;
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

/* --- flush_all ------------------------------------------------------------ */

static int sweep_copy(const struct item *old, struct item **new_out, void *arg)
{
	struct update *u = arg;

	*new_out = (struct item *)old; /* no change unless set below */
	u->published = false;
	if (old && !item_live(old, u->now))
		*new_out = NULL;
	u->result = ST_DELETED;
	return 0;
}

/* Remove every item that is no longer live, SWEEP_CHUNK keys per read-side
 * section (the removals wait, so they run outside it). */
static void sweep(int64_t now)
{
	char keys[SWEEP_CHUNK][KVD_KEY_MAX + 1];	/* 64 KiB of stack */
	const struct item *it;
	size_t n;

	do {
		n = 0;
		rcuslot_read_lock();
		RCU_MAP_FOREACH(item_map, &items, it) {
			if (item_live(it, now))
				continue;
			memcpy(keys[n], it->key, it->nkey + 1);
			if (++n == SWEEP_CHUNK)
				break;
		}
		rcuslot_read_unlock();
		for (size_t i = 0; i < n; i++) {
			struct update u = { .now = now };

			(void)update_key(keys[i], sweep_copy, &u);
		}
	} while (n == SWEEP_CHUNK);
}

void store_flush(int64_t at_ms, int64_t now)
{
	if (at_ms == 0 || at_ms <= now) {
		__atomic_store_n(&flush_before_cas,
				 __atomic_load_n(&next_cas, __ATOMIC_RELAXED),
				 __ATOMIC_RELAXED);
		__atomic_store_n(&flush_at_ms, 0, __ATOMIC_RELAXED);
		sweep(now);
	} else {
		__atomic_store_n(&flush_at_ms, at_ms, __ATOMIC_RELAXED);
	}
}

/* A delayed flush that fell due removes what it invalidated; items stored
 * since its time stay (item_live tells them apart by stored_ms). */
void store_tick(int64_t now)
{
	static int64_t swept_at;
	int64_t at = __atomic_load_n(&flush_at_ms, __ATOMIC_RELAXED);

	if (at != 0 && at <= now && at != swept_at) {
		swept_at = at;
		sweep(now);
	}
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
