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
	uint64_t cas;		/* unique per published item */
	int64_t exptime_ms;	/* kvd_now_ms() deadline; 0: never */
	int64_t stored_ms;	/* when built (for flush_all with a delay) */
	uint32_t flags;
	uint32_t nkey;
	uint32_t nbytes;	/* value bytes, without the "\r\n" */
	uint32_t size;		/* bytes charged against -m */
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

int store_init(void);
/* Free every item (after a grace period, by the next rcuslot_barrier). */
void store_destroy(void);

/* Bytes that an item with this key and value occupies (for -I and -m). */
size_t store_item_size(size_t nkey, size_t nbytes);
/* Whether an item of that size may be stored now (-I, then -m). */
enum store_result store_check_size(size_t nkey, size_t nbytes);

/*
 * Read side: call inside rcuslot_read_lock(). The live item under key (of
 * length nkey < 251, NUL-terminated), or NULL when absent, expired or
 * flushed. The item stays valid until the read-side section ends.
 */
const struct item *store_find(const char *key, int64_t now);

/* set/add/replace/append/prepend/cas with the value in data[0..nbytes). */
enum store_result store_update(enum store_cmd cmd, const char *key, size_t nkey,
			       uint32_t flags, int64_t exptime_ms, const char *data,
			       size_t nbytes, uint64_t cas, int64_t now);
enum store_result store_delete(const char *key, size_t nkey, int64_t now);
enum store_result store_touch(const char *key, size_t nkey, int64_t exptime_ms,
			      int64_t now);
/* incr/decr; on ST_DELTA, *value is the new value. */
enum store_result store_delta(const char *key, size_t nkey, bool incr,
			      uint64_t delta, uint64_t *value, int64_t now);
/* set the key out of the store (a failed set must not leave the old value) */
void store_unlink(const char *key, size_t nkey);

/* flush_all: every item stored before `at_ms` (now when 0) becomes invalid
 * from then on; store_tick() removes them once it is due. */
void store_flush(int64_t at_ms, int64_t now);
/* Periodic upkeep from the main thread: a delayed flush that fell due. */
void store_tick(int64_t now);

/* memcached's exptime argument to a deadline (relative seconds, absolute
 * Unix times above 30 days, negative: already expired). */
int64_t store_exptime(int32_t exptime, int64_t now);

/* For stats. */
uint64_t store_curr_items(void);
uint64_t store_bytes(void);

#endif /* KVD_STORE_H */
