/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/core.h
 * @brief The interface between the inline shells and the compiled core,
 *        librcuslot.
 *
 * Everything the kit keeps once per process lives in librcuslot: the
 * deferral core (its nodes, its bound and counters), batch chunks, the
 * grace-period counter, the fork handlers, the registration records and
 * the debug registry with its reporter. The library is flavor-agnostic: the
 * shells hand it the flavor as liburcu's own `const struct
 * rcu_flavor_struct *` (`&urcu_memb_flavor`, ...), as cds_lfht_new_flavor()
 * does, so one library serves every flavor and a program may use several.
 *
 * Nothing here is API: every name is `rcuslot_priv_*`, exported only so
 * that the generated functions can call it, and may change with the
 * library's SONAME. This header includes no liburcu flavor header.
 */
#ifndef RCUSLOT_CORE_H
#define RCUSLOT_CORE_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include <rcuslot/compiler.h>

/** @cond RCUSLOT_INTERNAL */
RCUSLOT_PRIV_BEGIN_DECLS

struct rcu_head;
struct rcu_flavor_struct;
struct rcuslot_batch;

/*
 * An old handle's raw value is its object's address, with the top bit set
 * when a debug unit created it and the debug registry owns it (on 64-bit
 * targets, where no user-space address has that bit). Release code never
 * sets it, so a release fast path may use the value as it is; every path
 * that can meet a tagged value (a debug unit, or the core) strips it.
 */
#if UINTPTR_MAX > 0xffffffffu
#define RCUSLOT_PRIV_OWNED_TAG ((uintptr_t)1 << (sizeof(uintptr_t) * 8 - 1))
#else
#define RCUSLOT_PRIV_OWNED_TAG ((uintptr_t)0) /* 32-bit: no tag, no cross-unit check */
#endif
#define rcuslot_priv_strip(handle)                                             \
	((void *)((uintptr_t)(handle) & ~RCUSLOT_PRIV_OWNED_TAG))

/* A void * door to a slot's free_fn: batches and nodes hold many types. */
typedef void rcuslot_priv_free_fn(void *obj);

/*
 * Room left under the deferral bound (the bound minus the objects awaiting
 * reclamation). Reserved by the inline fast path with one atomic add; see
 * rcuslot_priv_defer_reserve() in rcuslot/reclaim.h. Every deferral writes
 * it, so it has a cache line to itself: next to a variable that readers
 * load (memb's urcu_memb_has_sys_membarrier, once the executable's copy
 * relocation put them side by side), each deferral cost every reader a
 * miss and itself an invalidation.
 */
struct rcuslot_priv_room {
	/* ABI: inline code reserves from it; frozen per SONAME (doc/abi.md). */
	long value;
	/* cppcheck-suppress unusedStructMember ; the line's other bytes */
	char rcuslot_priv_pad[64 - sizeof(long)];
} __attribute__((aligned(64)));
extern RCUSLOT_PRIV_EXPORT struct rcuslot_priv_room rcuslot_priv_defer_room;

/*
 * The slow path of a reservation whose atomic subtraction took the room
 * below zero. Returns the handle's object (stripped) and whether the n
 * objects may go to call_rcu after all. Without debug units that is a full
 * queue: the reservation is given back and counted as throttled. In a
 * process with debug units every deferral comes here (the room carries an
 * offset that keeps the fast path failing), so that the core sees each old
 * handle consumed, by any unit (rcuslot/debug.h).
 */
struct rcuslot_priv_slow {
	void *obj;
	int queue;
};
RCUSLOT_PRIV_EXPORT struct rcuslot_priv_slow rcuslot_priv_defer_slow(long n, void *handle);

/*
 * A node from the core's pool for a plain object's trip through call_rcu
 * (NULL without memory), and the callback that frees the object and gives
 * the node back. The node's type is in rcuslot/reclaim.h.
 */
struct rcuslot_priv_node;
RCUSLOT_PRIV_EXPORT struct rcuslot_priv_node *rcuslot_priv_node_get(void);
RCUSLOT_PRIV_EXPORT void rcuslot_priv_node_cb(struct rcu_head *head);

/* Wait for a grace period of fl (counted); returns the handle's object. */
RCUSLOT_PRIV_EXPORT void *rcuslot_priv_retire_wait(const struct rcu_flavor_struct *fl,
						   void *handle);
RCUSLOT_PRIV_EXPORT void rcuslot_priv_synchronize(const struct rcu_flavor_struct *fl);

/* Add the handle's object to a batch; never fails (see rcuslot/batch.h). */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_batch_add(struct rcuslot_batch *batch,
						const struct rcu_flavor_struct *fl, void *handle,
						rcuslot_priv_free_fn *free_fn);

/* Registration records: kept by the core in every build. */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_thread_registered(const struct rcu_flavor_struct *fl,
							int on);
RCUSLOT_PRIV_EXPORT int rcuslot_priv_is_registered(const struct rcu_flavor_struct *fl);

/* rcuslot_barrier() of the unit's flavor also waits for the others in use. */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_barrier(const struct rcu_flavor_struct *fl);

/* ThreadSanitizer builds: the address that stands for "a grace period". */
extern RCUSLOT_PRIV_EXPORT char rcuslot_priv_tsan_gp;

/*
 * The ordered map's compiled core (rcuslot/tree.h, lib/tree.c): a
 * copy-on-write B+-tree. Readers walk a published version inline; updates
 * build the next version here, under the tree's writer lock.
 *
 * A node holds up to RCUSLOT_PRIV_TREE_FANOUT entries in key order. Leaves
 * (level 0) hold objects; an internal node holds children, each with the
 * key word of its least object. A key word is the key itself for integer
 * keys (order-preserving, as a uint64_t) and the object's address for
 * other keys, compared through the tree's function. Once a version is
 * published its nodes never change where readers look (n, level, total,
 * key, ptr); the fields after them are the writer's.
 */
#define RCUSLOT_PRIV_TREE_FANOUT 32
/* Deep enough for any tree that fits in memory: nodes other than the
 * root's path are at least a quarter full (lib/tree.c). */
#define RCUSLOT_PRIV_TREE_DEPTH 24

struct rcuslot_priv_tnode {
	unsigned short n;     /* entries */
	unsigned short level; /* 0: a leaf */
	unsigned int rcuslot_priv_pad;
	unsigned long total; /* the root's: objects in the version */
	uint64_t key[RCUSLOT_PRIV_TREE_FANOUT];
	void *ptr[RCUSLOT_PRIV_TREE_FANOUT];
	/* The writer's: never read by readers. */
	uint64_t gen;                     /* the transaction that built it */
	struct rcuslot_priv_tnode *next;  /* spares; retired chain */
	void *rcuslot_priv_rcu[2];        /* a struct rcu_head (lib/tree.c) */
};

/* The tree a generated `struct name` holds. */
struct rcuslot_priv_tree {
	struct rcuslot_priv_tnode *root; /* the published version */
	pthread_mutex_t lock;            /* the writer lock */
	uint64_t gen;                    /* under lock: transactions begun */
	uintptr_t owner;                 /* the lock holder (relaxed atomics) */
	unsigned long count;             /* the published version's objects */
};

/* A transaction: the working version and what it needs to end. */
struct rcuslot_priv_txn {
	struct rcuslot_priv_tree *tree; /* NULL once ended */
	struct rcuslot_priv_tnode *root;
	unsigned long total;
	uint64_t gen;
	struct rcuslot_priv_tnode *spare;   /* allocated ahead of need */
	struct rcuslot_priv_tnode *retired; /* published nodes replaced */
	void **out;                         /* objects taken out */
	size_t nout, capout;
	unsigned int nspare;
	unsigned int single; /* a single-key update: no out array */
};

/*
 * How many of a node's integer key words are <= k: five branch-free steps
 * over all 32 slots, then one for the last slot, clamped to n. Unused
 * slots hold UINT64_MAX (lib/tree.c keeps them so), which sorts after
 * every key; only a search for UINT64_MAX itself counts them, hence the
 * clamp.
 */
static inline __attribute__((always_inline, unused)) unsigned
rcuslot_priv_tnode_ub64(const struct rcuslot_priv_tnode *nd, uint64_t k)
{
	const uint64_t *a = nd->key;
	unsigned i = 0, n = nd->n;

	RCUSLOT_PRIV_STATIC_ASSERT(RCUSLOT_PRIV_TREE_FANOUT == 32, "five steps search 32 slots");
	i += a[i + 15] <= k ? 16u : 0u;
	i += a[i + 7] <= k ? 8u : 0u;
	i += a[i + 3] <= k ? 4u : 0u;
	i += a[i + 1] <= k ? 2u : 0u;
	i += a[i] <= k ? 1u : 0u;
	i += a[31] <= k; /* reached only when the first 31 are <= k */
	return i < n ? i : n;
}

/*
 * Compare a key with an entry's key word: <0, 0, >0. NULL for integer
 * keys, whose key word is the key (`word` argument of the calls below).
 */
typedef int rcuslot_priv_tree_cmp(const void *key, uint64_t word);

enum { RCUSLOT_PRIV_TREE_INSERT, RCUSLOT_PRIV_TREE_UPSERT, RCUSLOT_PRIV_TREE_REPLACE };

RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_begin(struct rcuslot_priv_tree *t,
						struct rcuslot_priv_txn *x, int single);
RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_put(struct rcuslot_priv_txn *x, rcuslot_priv_tree_cmp *cmp,
					      const void *key, uint64_t word, void *obj,
					      int mode, void **old);
RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_del(struct rcuslot_priv_txn *x, rcuslot_priv_tree_cmp *cmp,
					      const void *key, uint64_t word, void **old);
RCUSLOT_PRIV_EXPORT void *rcuslot_priv_tree_get(const struct rcuslot_priv_txn *x,
						rcuslot_priv_tree_cmp *cmp, const void *key,
						uint64_t word);
/* Publish the working version, release the lock, retire the replaced
 * nodes; the objects taken out stay in x->out for the caller. */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_publish(struct rcuslot_priv_txn *x,
						   const struct rcu_flavor_struct *fl);
RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_abort(struct rcuslot_priv_txn *x);
RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_out_done(struct rcuslot_priv_txn *x);
/* destroy: unpublish the whole tree; then, after a grace period, drain it. */
/* -EDEADLK (nothing done) when the caller holds the tree's transaction. */
RCUSLOT_PRIV_EXPORT int rcuslot_priv_tree_detach(struct rcuslot_priv_tree *t,
						 struct rcuslot_priv_tnode **root);
RCUSLOT_PRIV_EXPORT void rcuslot_priv_tree_drain(struct rcuslot_priv_tnode *root,
						 rcuslot_priv_free_fn *free_fn);
/* Debug builds: the thread's read-side sections, counted (views). */
RCUSLOT_PRIV_EXPORT unsigned long *rcuslot_priv_dbg_sections(void);

/* The debug registry and reporter (rcuslot/debug.h). */
struct rcuslot_priv_dbg_loc {
	const char *file; /* call site named by a wrapper macro, or NULL */
	int line;
	const void *ret;  /* else the return address into the caller */
};
RCUSLOT_PRIV_EXPORT void rcuslot_priv_dbg_enable(void);
RCUSLOT_PRIV_EXPORT void *rcuslot_priv_dbg_own(void *obj);
RCUSLOT_PRIV_EXPORT void *rcuslot_priv_dbg_consume(const char *fn, void *handle,
						   const struct rcuslot_priv_dbg_loc *loc);
RCUSLOT_PRIV_EXPORT RCUSLOT_PRIV_COLD __attribute__((noreturn)) void
rcuslot_priv_dbg_fail(const char *fn, const char *what, const struct rcuslot_priv_dbg_loc *loc);

RCUSLOT_PRIV_END_DECLS
/** @endcond */

#endif /* RCUSLOT_CORE_H */
