/* SPDX-License-Identifier: MIT */
/*
 * core_priv.h: what the compiled core's files share with each other and with
 * nobody else. The library is built with -fvisibility=hidden; only what
 * librcuslot.map names is exported.
 */
#ifndef RCUSLOT_LIB_CORE_PRIV_H
#define RCUSLOT_LIB_CORE_PRIV_H

/* The library is the same for every unit: debug checks are the units'. */
#undef RCUSLOT_DEBUG
/* It includes no liburcu flavor header. */
#define RCUSLOT_PRIV_BUILDING_LIB 1

#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include <urcu/compiler.h>
#include <urcu/uatomic.h>
#include <urcu/call-rcu.h>
#include <urcu/flavor.h>

#include <rcuslot/core.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/fork.h>

/*
 * Flavor descriptors seen by the core, by index: registration records and
 * batches keep bit masks of these indices. A program has at most a handful
 * (liburcu has five flavors; a descriptor linked twice, statically into two
 * shared objects, counts twice).
 */
#define CORE_MAX_FLAVORS 16
unsigned core_flavor_index(const struct rcu_flavor_struct *fl);
const struct rcu_flavor_struct *core_flavor_at(unsigned idx);
/* Inside a read-side critical section of fl (never for qsbr; flavor.c). */
bool core_flavor_reading(const struct rcu_flavor_struct *fl);

/* The kit's allocator (defer.c); chunks are counted for set_allocator. */
void *core_alloc(size_t size);
void core_free(void *ptr);
void *core_chunk_alloc(size_t size);
void core_chunk_free(void *ptr);

/* Room under the bound: the debug offset keeps the fast path failing. */
#define CORE_DBG_ROOM_OFFSET (LONG_MAX / 4)
#define CORE_DEFER_MAX_LIMIT (LONG_MAX / 8)
void core_defer_done(long n);
/* Reserve n under the bound for a core-side deferral; false if throttled. */
bool core_defer_reserve(long n);
/* fork(): the settings lock taken before, released after (both sides). */
void core_defer_before_fork(void);
void core_defer_after_fork(void);

/* debug.c: whether any unit of the process was built with RCUSLOT_DEBUG. */
bool core_dbg_enabled(void);
/* Consume a raw handle value on behalf of a unit built without the checks. */
void *core_consume(void *handle, const void *ret);
void core_dbg_before_fork(void);
void core_dbg_after_fork(void);

/* symbolize.c: "file:line", else "binary(symbol+0xoff)", of a code address. */
void core_symbolize(const void *addr, char *buf, size_t len);

/* ThreadSanitizer builds of the library (compiler.h's annotations). */
#define CORE_TSAN_GP_DONE() RCUSLOT_PRIV_TSAN_ACQUIRE(&rcuslot_priv_tsan_gp)

#endif /* RCUSLOT_LIB_CORE_PRIV_H */
