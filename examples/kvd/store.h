/* SPDX-License-Identifier: MIT */
/*
 * The item store: an RCU_MAP_DEFINE_STRING map from key strings to
 * immutable items, and every memcached operation on it.
 *
 * Readers (store_find) run inside a read-side critical section and take no
 * lock. Writers build a new item and publish it with the map's insert,
 * upsert or copy_update; copy_update runs the operation's decision (is the
 * key there, does the cas match, is the value a number) inside its copy
 * callback against the item it is about to replace, so two writers to one
 * key never lose an update: the loser's copy is rebuilt from the winner's.
 */
#ifndef KVD_STORE_H
#define KVD_STORE_H

#include <rcuslot/map.h>

#include "kvd.h"

struct item {
	struct rcuslot_map_node node;
	const char *key;	/* the map's key: points at data[], NUL-ended */
	/* The eviction queue (store.c), newest first; under its lock. */
	struct item *newer, *older;
	uint64_t cas;		/* unique per published item */
	int64_t exptime_ms;	/* kvd_now_ms() deadline; 0: never */
	int64_t stored_ms;	/* when built (for flush_all with a delay) */
	uint32_t flags;
	uint32_t nkey;
	uint32_t nbytes;	/* value bytes, without the "\r\n" */
	uint32_t size;		/* bytes charged against -m */
	uint8_t visited;	/* SIEVE: set by a hit, cleared by the hand */
	uint8_t fetched;	/* set by the first hit, never cleared */
	bool queued;		/* in the eviction queue */
	bool charged;		/* size still counts against -m */
	char data[];		/* key, NUL, value, "\r\n", NUL */
};

static inline const char *item_value(const struct item *it)
{
	return it->data + it->nkey + 1;
}

/* Expiry, as memcached: past or negative deadlines are already expired. */
#define ITEM_EXPIRED_MS 1

/* The outcome of a store operation, one per memcached reply. */
enum store_result {
	ST_STORED, ST_NOT_STORED, ST_EXISTS, ST_NOT_FOUND, ST_DELETED,
	ST_TOUCHED, ST_DELTA, ST_NON_NUMERIC, ST_TOO_LARGE, ST_NO_MEMORY,
};

enum store_cmd { CMD_SET, CMD_ADD, CMD_REPLACE, CMD_APPEND, CMD_PREPEND, CMD_CAS };

/*
 * Memory: an item's size counts against -m (store_bytes()) from the moment
 * a storage command's value starts to arrive (store_item_alloc) until the
 * item is unlinked from the map, not until it is freed: memory that a
 * delete, an overwrite or an eviction released can be used again at once.
 * What unlinked items still hold until their grace period ends is
 * bounded by the kit's deferral limit (rcuslot_defer_pending()).
 *
 * Eviction (unless -M): SIEVE. A hit sets the item's visited byte with a
 * relaxed load and, only when it was clear, a relaxed store: no lock and
 * no atomic read-modify-write on the read side. The hand runs on the
 * writer side under the queue's lock, from the oldest item to the newest
 * and round again: an expired or flushed item it passes is taken, a
 * visited one has its byte cleared and stays, an unvisited one is
 * evicted. Under -M the hand only takes expired and flushed items.
 */
int store_init(void);
/* Free every item (after a grace period, by the next rcuslot_barrier). */
void store_destroy(void);

/* Bytes that an item with this key and value occupies (for -I and -m). */
size_t store_item_size(size_t nkey, size_t nbytes);

/*
 * Read side: call inside rcuslot_read_lock(). The live item under key (of
 * length nkey < 251, NUL-terminated), or NULL when absent, expired or
 * flushed; *dead is set when an expired or flushed item was found (the
 * caller hands the key to store_reap() once outside the section). A hit
 * marks the item visited. The item stays valid until the section ends.
 */
const struct item *store_find(const char *key, int64_t now, bool *dead);
/* Unlink key's item if it is expired or flushed. Outside any read-side
 * section. */
void store_reap(const char *key, int64_t now);

/*
 * A storage command's item, charged against -m as its value starts to
 * arrive (memcached's item-at-set-start): evicts (unless -M) or takes
 * expired items to make room. NULL with *res ST_TOO_LARGE (-I) or
 * ST_NO_MEMORY. The caller writes nbytes of value and "\r\n" at
 * store_item_buf(), then hands it to store_commit() or store_discard().
 * Any registered thread, outside read-side sections.
 */
struct item *store_item_alloc(const char *key, size_t nkey, uint32_t flags,
			      int64_t exptime_ms, size_t nbytes, int64_t now,
			      enum store_result *res);
static inline char *store_item_buf(struct item *it)
{
	return it->data + it->nkey + 1;
}
void store_discard(struct item *it);
/* set/add/replace/append/prepend/cas with it's value; takes it. */
enum store_result store_commit(enum store_cmd cmd, struct item *it, uint64_t cas,
			       int64_t now);
enum store_result store_delete(const char *key, size_t nkey, int64_t now);
enum store_result store_touch(const char *key, size_t nkey, int64_t exptime_ms,
			      int64_t now);
/* incr/decr; on ST_DELTA, *value is the new value. */
enum store_result store_delta(const char *key, size_t nkey, bool incr,
			      uint64_t delta, uint64_t *value, int64_t now);
/* set the key out of the store (a failed set must not leave the old value) */
void store_unlink(const char *key, size_t nkey);

/* flush_all: every item stored before `at_ms` (now when 0) becomes invalid
 * from then on. O(1): the items are unlinked later, by store_tick(), the
 * hand, or a lookup that finds them. */
void store_flush(int64_t at_ms, int64_t now);
/* Periodic upkeep from the main thread: the table's size, and the crawler,
 * which unlinks expired and flushed items in passes over the queue
 * (STORE_CRAWL_PER_TICK items looked at per call, the queue's lock taken
 * STORE_CRAWL_CHUNK at a time), started only when an item may have died. */
void store_tick(int64_t now);
#define STORE_CRAWL_PER_TICK 32768
#define STORE_CRAWL_CHUNK 256

/* memcached's exptime argument to a deadline (relative seconds, absolute
 * Unix times above 30 days, negative: already expired). */
int64_t store_exptime(int32_t exptime, int64_t now);

/* For stats. */
uint64_t store_curr_items(void);
uint64_t store_bytes(void);

#endif /* KVD_STORE_H */
