/* SPDX-License-Identifier: MIT */
/*
 * mapbench: the maps it compares, each behind the same small table of
 * functions, so every implementation pays the same call per lookup.
 */
#ifndef BENCH_MAPBENCH_H
#define BENCH_MAPBENCH_H

#include <stdint.h>

/*
 * The i-th key of a map: i times an odd constant, a bijection on 32 bits, so
 * keys are spread as addresses or ids are, not 0, 1, 2, ... (which an
 * identity hash such as g_direct_hash would place without a collision).
 */
static inline uint32_t mapbench_key(uint32_t i)
{
	return i * 2654435761u;
}

struct map_impl {
	const char *name;
	const char *what;               /* one line for the report */
	/* mapbench_key(0 .. keys-1), each with its key as value. */
	void (*setup)(uint32_t keys);
	/* One lookup in its own read-side section (or under the read lock):
	 * the value found, -1 when absent. */
	long (*lookup)(uint32_t key);
	/* Replace key's object by a new one with value `value`; retire the old. */
	void (*update)(uint32_t key, long value);
	void (*teardown)(void);
	void (*thread_online)(void);    /* register a reader or updater thread */
	void (*thread_offline)(void);   /* unregister it */
	void (*quiescent)(void);        /* between lookups (qsbr) */
	void (*barrier)(void);          /* wait for deferred frees */
};

extern const struct map_impl mapbench_rcuslot;   /* mapbench_rcuslot.c */
extern const struct map_impl mapbench_raw_lfht;  /* mapbench_raw.c */
extern const struct map_impl mapbench_glib_rwlock; /* mapbench_glib.c */

#endif
