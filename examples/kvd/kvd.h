/* SPDX-License-Identifier: MIT */
/*
 * kvd: an in-memory cache that speaks memcached's ASCII protocol and keeps
 * its items in an RCU_MAP_DEFINE map, so that a GET never takes a lock.
 *
 * What lives where:
 *   store.c   the items: building, publishing, retiring; expiry, flush_all,
 *             the memory bound (-m) and the size limit (-I)
 *   proto.c   the protocol: one connection's bytes in, replies out
 *   server.c  worker threads on epoll, connections, the connection limit
 *   kvd.c     options, startup, SIGTERM, shutdown
 *
 * Items are immutable once published. Every write builds a new item and
 * publishes it; the one it replaces is retired with old_defer and freed
 * after a grace period. A reader therefore sees an item whole or not at all.
 */
#ifndef KVD_H
#define KVD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <rcuslot/rcuslot.h>

#define KVD_VERSION "0.1.0"
/* What `version` answers: the protocol level kvd implements first, so that
 * clients which parse the number (libmemcached) see a memcached 1.6. */
#define KVD_PROTO_VERSION "1.6.18-kvd-" KVD_VERSION

#define KVD_KEY_MAX 250			/* bytes, as memcached */
#define KVD_ITEM_MAX_DEFAULT (1024 * 1024)
#define KVD_MEM_MB_DEFAULT 64
#define KVD_CONNS_DEFAULT 1024
#define KVD_THREADS_DEFAULT 4
#define KVD_PORT_DEFAULT 11211

struct kvd_settings {
	size_t max_bytes;	/* -m, in bytes */
	size_t item_max;	/* -I */
	unsigned max_conns;	/* -c */
	unsigned threads;	/* -t */
	int port;		/* -p; 0 when -s is given */
	const char *listen;	/* -l */
	const char *sock_path;	/* -s */
	int verbose;		/* -v, and the verbosity command */
	bool evict;		/* false with -M: a full cache refuses writes */
};

extern struct kvd_settings kvd_settings;

/* The verbosity command changes it at run time: relaxed, as it orders
 * nothing. */
static inline int kvd_verbose(void)
{
	return __atomic_load_n(&kvd_settings.verbose, __ATOMIC_RELAXED);
}

/*
 * Counters. Each worker thread owns one struct kvd_stats and is its only
 * writer; `stats` sums them. Writes are relaxed load + store, not atomic
 * read-modify-writes: nobody else writes the counter, and the relaxed
 * accesses keep the concurrent reads by `stats` defined (no torn values,
 * no data race), with no ordering needed or given.
 */
struct kvd_stats {
	uint64_t cmd_get, get_hits, get_misses, get_expired, get_flushed;
	uint64_t cmd_set, cmd_touch, cmd_flush;
	uint64_t touch_hits, touch_misses;
	uint64_t delete_hits, delete_misses;
	uint64_t incr_hits, incr_misses, decr_hits, decr_misses;
	uint64_t cas_hits, cas_misses, cas_badval;
	uint64_t bytes_read, bytes_written;
	uint64_t total_items;
	uint64_t store_too_large, store_no_memory;
	uint64_t total_connections, rejected_connections;
	uint64_t evictions, evicted_unfetched, expired_unfetched, reclaimed;
};
#define KVD_STATS_FIELDS (sizeof(struct kvd_stats) / sizeof(uint64_t))

/* This thread's counters (a worker's own, or a spare for other threads). */
extern __thread struct kvd_stats *kvd_tstats;

static inline void kvd_count(uint64_t *counter, uint64_t n)
{
	__atomic_store_n(counter, __atomic_load_n(counter, __ATOMIC_RELAXED) + n,
			 __ATOMIC_RELAXED);
}
#define KVD_COUNT(field) kvd_count(&kvd_tstats->field, 1)
#define KVD_COUNT_N(field, n) kvd_count(&kvd_tstats->field, (n))

/* Register a thread's counters, so that `stats` sums them; they stay
 * registered (and counted) after the thread exits. */
void kvd_stats_register(struct kvd_stats *s);
/* Sum of every registered thread's counters, minus the last `stats reset`. */
void kvd_stats_sum(struct kvd_stats *out);
void kvd_stats_reset(void);

/* Milliseconds on CLOCK_MONOTONIC_COARSE (vDSO: no syscall, no lock). */
int64_t kvd_now_ms(void);
/* Seconds since the epoch, for memcached's absolute expiry times. */
int64_t kvd_unix_now(void);
extern int64_t kvd_started_ms;

/* Connections, for stats (server.c). */
unsigned kvd_curr_conns(void);

#endif /* KVD_H */
