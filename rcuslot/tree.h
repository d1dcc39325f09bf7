/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/tree.h
 * @brief RCU_TREE_DEFINE(): a typed RCU ordered map, a copy-on-write
 *        B+-tree with snapshot reads and atomic multi-key transactions.
 *
 * Readers load the tree's root once and walk one immutable version: a
 * lookup, an iteration, or every call on one view (name_view()) answers
 * from one committed version, never a mix of two updates. Updaters build
 * the next version under the tree's writer lock, copying the nodes they
 * change, and publish it with one release store of the root; a
 * transaction (name_txn_begin() ... name_txn_commit()) publishes any
 * number of changes in that one store. Replaced nodes are retired after a
 * grace period, one call_rcu per commit; replaced objects come back as old
 * handles (single-key updates) or in a batch (transactions), retired as a
 * slot's.
 *
 * Nodes hold up to 32 entries in key order. For integer keys a node holds
 * the keys themselves, so a lookup's descent reads no object; other keys
 * (RCU_TREE_DEFINE_CUSTOM(), RCU_TREE_DEFINE_STRING()) are compared
 * through the objects. The update side is compiled once, in librcuslot
 * (rcuslot/lib/tree.c); the read side is inline and generated per tree.
 *
 * Each generated function's contract is the contract comment above the
 * macro that generates it; the build writes them out as the
 * `RCU_TREE_DEFINE` pages.
 *
 * Memory ordering, once for the whole file:
 * - Publication: every store that built a version happens before the
 *   release store of its root (lib/tree.c, rcuslot_priv_tree_publish());
 *   readers load the root with a consume load (RCUSLOT_PRIV_TREE_ROOT), so
 *   whatever a reader reaches from the root it sees whole, as
 *   rcu_dereference() with rcu_assign_pointer().
 * - Published nodes never change where readers look; only a node's
 *   writer fields (after `ptr`) are written later, by the writer.
 * - Updaters are ordered by the writer lock (a pthread mutex).
 * - A grace period ends after every read_unlock of a section that could
 *   have loaded a replaced root; nodes and objects taken out are freed only
 *   after one.
 */
#ifndef RCUSLOT_TREE_H
#define RCUSLOT_TREE_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rcuslot/compiler.h>
#include <rcuslot/core.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/debug.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/slot.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup RCU_TREE_DEFINE
 * @{
 */

/**
 * Static initializer for a tree of any type: an empty tree, usable at
 * once. A zeroed tree (a static variable) is the same.
 * @code
 * static struct as_tree ranges = RCU_TREE_INITIALIZER;
 * @endcode
 */
#define RCU_TREE_INITIALIZER                                                   \
	{ RCUSLOT_PRIV_DESIGNATED(rcuslot_priv_tree) {                         \
		NULL, PTHREAD_MUTEX_INITIALIZER, 0, 0, 0 } }

/**
 * Walk tree `t` (a `struct name *`) in ascending key order inside a
 * read-side critical section, setting `obj`, a `const type *` the caller
 * declares, to each object in turn. The walk loads the root once: it sees
 * exactly one committed version, whatever updaters commit meanwhile.
 * `break` leaves it cleanly; `obj` stays valid until the section ends.
 * @code
 * const struct asrange *r;
 *
 * RCUSLOT_READ_SCOPE({
 *         RCU_TREE_FOREACH(as_tree, &ranges, r)
 *                 total += r->end - r->start + 1;
 * })
 * @endcode
 * Debug builds abort if the walk starts outside a read-side critical
 * section.
 */
#define RCU_TREE_FOREACH(name, t, obj)                                         \
	RCUSLOT_PRIV_TREE_FOREACH(name, obj, name##_priv_it_first(t), rcuslot_priv_tit_next, \
				  RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/** RCU_TREE_FOREACH() in descending key order. */
#define RCU_TREE_FOREACH_REVERSE(name, t, obj)                                 \
	RCUSLOT_PRIV_TREE_FOREACH(name, obj, name##_priv_it_last(t), rcuslot_priv_tit_prev, \
				  RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/**
 * RCU_TREE_FOREACH() over the keys in `[lo, hi]`, both included, in
 * ascending order; nothing when `lo > hi`. `lo` and `hi` are evaluated
 * once, before the walk.
 * @snippet tree_snippets.c range
 */
#define RCU_TREE_FOREACH_RANGE(name, t, obj, lo, hi)                           \
	RCUSLOT_PRIV_TREE_FOREACH(name, obj, name##_priv_it_range(t, lo, hi),  \
				  rcuslot_priv_tit_next, RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/**
 * RCU_TREE_FOREACH() over a view `v` (a `const struct name_view *`): the
 * view's version, the same that every other call on the view answers from.
 */
#define RCU_TREE_VIEW_FOREACH(name, v, obj)                                    \
	RCUSLOT_PRIV_TREE_FOREACH(name, obj, name##_priv_it_first_v(v), rcuslot_priv_tit_next, \
				  RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/** RCU_TREE_FOREACH_RANGE() over a view. */
#define RCU_TREE_VIEW_FOREACH_RANGE(name, v, obj, lo, hi)                      \
	RCUSLOT_PRIV_TREE_FOREACH(name, obj, name##_priv_it_range_v(v, lo, hi), \
				  rcuslot_priv_tit_next, RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/** @} */

/** @cond RCUSLOT_INTERNAL */

/*
 * NOLINTBEGIN(bugprone-macro-parentheses): in the generator macros, `type`
 * and `key_type` are types, `key_member` a member name, `free_fn` and
 * `cmp_fn` may be function-like macros and `flavor` a token; `it` is a
 * declared name.
 */
#define RCUSLOT_PRIV_TREE_FOREACH(name, obj, init, step, it)                   \
	for (struct rcuslot_priv_tit it = (init); ((obj) = name##_priv_it_get(&it)) != NULL; \
	     step(&it))

#define RCUSLOT_PRIV_TREE_INLINE static inline __attribute__((always_inline, unused))

/* The published root: a consume load, paired with the commit's release store. */
#define RCUSLOT_PRIV_TREE_ROOT(t)                                              \
	((const struct rcuslot_priv_tnode *)__atomic_load_n(&(t)->rcuslot_priv_tree.root, \
							    __ATOMIC_CONSUME))

/*
 * An iteration: the current leaf and index (leaf NULL: done), and the
 * path of ancestors above it, in one version. A range ends past an integer
 * tree's upper key word `hi` (bounded 1) or, for other keys, after the
 * last entry's position, end_nd[end_idx] (bounded 2).
 */
struct rcuslot_priv_tit {
	const struct rcuslot_priv_tnode *leaf;
	unsigned i;
	unsigned char bounded;
	unsigned char end_idx;
	unsigned char h; /* ancestors on the path */
	uint64_t hi;
	const struct rcuslot_priv_tnode *end_nd;
	const struct rcuslot_priv_tnode *nd[RCUSLOT_PRIV_TREE_DEPTH];
	unsigned char idx[RCUSLOT_PRIV_TREE_DEPTH];
};

RCUSLOT_PRIV_TREE_INLINE const struct rcuslot_priv_tnode *
rcuslot_priv_tnode_child(const struct rcuslot_priv_tnode *nd, unsigned i)
{
	return (const struct rcuslot_priv_tnode *)nd->ptr[i];
}

/* Descend from nd, pushed as ancestor h unless a leaf, by first or last children. */
RCUSLOT_PRIV_TREE_INLINE void rcuslot_priv_tit_down(struct rcuslot_priv_tit *it,
						    const struct rcuslot_priv_tnode *nd, int last)
{
	while (nd->level > 0) {
		unsigned c = last ? nd->n - 1u : 0u;

		it->nd[it->h] = nd;
		it->idx[it->h++] = (unsigned char)c;
		nd = rcuslot_priv_tnode_child(nd, c);
	}
	it->leaf = nd;
	it->i = last ? nd->n - 1u : 0u;
}

RCUSLOT_PRIV_TREE_INLINE void rcuslot_priv_tit_start(struct rcuslot_priv_tit *it,
						     const struct rcuslot_priv_tnode *root, int last)
{
	it->leaf = NULL;
	it->h = 0;
	it->bounded = 0;
	it->hi = 0; /* unread unless bounded: for the compilers' flow analysis */
	if (root)
		rcuslot_priv_tit_down(it, root, last);
}

/* The leaf is done: on to the next one, or the end. */
RCUSLOT_PRIV_TREE_INLINE void rcuslot_priv_tit_climb(struct rcuslot_priv_tit *it)
{
	while (it->h > 0) {
		unsigned d = it->h - 1u;

		if (it->idx[d] + 1u < it->nd[d]->n) {
			it->idx[d]++;
			rcuslot_priv_tit_down(it, rcuslot_priv_tnode_child(it->nd[d], it->idx[d]), 0);
			return;
		}
		it->h--;
	}
	it->leaf = NULL;
}

RCUSLOT_PRIV_TREE_INLINE void rcuslot_priv_tit_next(struct rcuslot_priv_tit *it)
{
	if (caa_unlikely(it->bounded == 2) && it->leaf == it->end_nd && it->i == it->end_idx) {
		it->leaf = NULL;
		return;
	}
	if (caa_unlikely(++it->i >= it->leaf->n))
		rcuslot_priv_tit_climb(it);
}

RCUSLOT_PRIV_TREE_INLINE void rcuslot_priv_tit_prev(struct rcuslot_priv_tit *it)
{
	if (it->i > 0) {
		it->i--;
		return;
	}
	while (it->h > 0) {
		unsigned d = it->h - 1u;

		if (it->idx[d] > 0) {
			it->idx[d]--;
			rcuslot_priv_tit_down(it, rcuslot_priv_tnode_child(it->nd[d], it->idx[d]), 1);
			return;
		}
		it->h--;
	}
	it->leaf = NULL;
}

/* The current entry's object, or NULL when the walk is over. */
RCUSLOT_PRIV_TREE_INLINE const void *rcuslot_priv_tit_get(const struct rcuslot_priv_tit *it)
{
	if (!it->leaf)
		return NULL;
	if (it->bounded == 1 && it->leaf->key[it->i] > it->hi)
		return NULL;
	return it->leaf->ptr[it->i];
}

/* Integer keys in their natural order, as unsigned 64-bit words. */
/*
 * Signed: -1's top bit shifts down as -1, not as 1 (no `< 0`: -Wtype-limits).
 * The type is the key's promoted one (`(k) + 0`: no qualifier on a cast,
 * which g++ warns of): a small unsigned key becomes int, whose words
 * still order as the keys, and every word and search key of a tree comes
 * from the same type.
 */
#define RCUSLOT_PRIV_TREE_SIGNED(t) (((t)-1 >> (sizeof(t) * 8 - 1)) != 1)
#define RCUSLOT_PRIV_TREE_IWORD(k)                                             \
	((uint64_t)(k) ^ (RCUSLOT_PRIV_TREE_SIGNED(__typeof__((k) + 0)) ? (uint64_t)1 << 63 : 0))

/*
 * __builtin_classify_type: 1 integer, 2 char, 3 enum, 4 bool. sparse does
 * not know it; the compilers make the check.
 */
#ifdef __CHECKER__
#define RCUSLOT_PRIV_TREE_IS_INTEGER(x) (sizeof(x) <= 8)
#else
#define RCUSLOT_PRIV_TREE_IS_INTEGER(x)                                        \
	(__builtin_classify_type(x) >= 1 && __builtin_classify_type(x) <= 4 && sizeof(x) <= 8)
#endif

/* --- the generated types ------------------------------------------------ */

/**
 * @contract-group RCU_TREE_DEFINE RCU_TREE_DEFINE: the generated tree API
 * @brief A typed RCU ordered map (a copy-on-write B+-tree) with snapshot
 *        reads and atomic multi-key transactions, generated per object
 *        type.
 *
 * `RCU_TREE_DEFINE(TREE, ENTRY, key, free_fn);` at file scope generates,
 * for objects of type `ENTRY` ordered by their integer member `key` and
 * freed by `free_fn`:
 *
 * - `struct TREE`, the tree with its writer lock; `struct TREE_old`, the
 *   old handle of an object taken out (one pointer wide);
 *   `struct TREE_txn`, a transaction; `struct TREE_view`, a reader's view
 *   of one version;
 * - `TREE_key`, the key type (`KEY` on these pages), and `TREE_copy_fn`,
 *   the type of TREE_copy_update()'s callback;
 * - the operations below, all `static`, and the walks RCU_TREE_FOREACH(),
 *   RCU_TREE_FOREACH_REVERSE(), RCU_TREE_FOREACH_RANGE(),
 *   RCU_TREE_VIEW_FOREACH() and RCU_TREE_VIEW_FOREACH_RANGE().
 *
 * Read `TREE_floor` as `as_tree_floor` after
 * `RCU_TREE_DEFINE(as_tree, struct asrange, start, asrange_free)`, `ENTRY`
 * as `struct asrange` and `KEY` as `uint32_t`. The examples use that
 * instantiation, a table of address ranges keyed by their start:
 *
 * @snippet tree_snippets.c define
 *
 * and a reader, which finds the range that holds an address:
 *
 * @snippet tree_snippets.c floor
 *
 * **Initialization.** A tree is set up statically with
 * RCU_TREE_INITIALIZER (or zeroed, as any static variable) or by
 * TREE_init(). An empty tree holds no node: the first insert allocates
 * one, and once the last object is taken out (or TREE_destroy() ran) and
 * rcuslot_barrier() has run, every node is back with the kit's allocator.
 * TREE_destroy() leaves a tree empty and usable.
 *
 * **Keys.** RCU_TREE_DEFINE() takes an integer key member of at most 64
 * bits, signed or unsigned (`char`, `bool` and enumerations too), in its
 * numeric order; any other member type is a compile error at the DEFINE
 * line. The nodes hold the keys themselves, so a lookup reads no object
 * but the one it returns. RCU_TREE_DEFINE_CUSTOM() takes any key type
 * `key_type` and `int cmp_fn(key_type a, key_type b)` (<0, 0, >0: a total
 * order); the nodes then hold the objects' addresses and compare through
 * their key members, so cmp_fn runs on the read side too: it must be
 * safe to call from any thread at any time, and must not block.
 * RCU_TREE_DEFINE_STRING() is it for NUL-terminated strings
 * (`const char *` or `char[N]` members) in `strcmp` order, looked up by
 * `const char *`. Keys are passed by value, as `TREE_key`. A key must not
 * change while its object is in a tree, nor until the grace period after
 * it was taken out.
 *
 * **Objects** come from the user (malloc, a pool); the tree embeds nothing
 * in them. An object is in at most one tree at a time. Once taken out, it
 * belongs to an old handle (single-key updates) or to the batch a commit
 * filled (transactions), and may be freed, reused or inserted again only
 * after a grace period: through TREE_old_reclaim(), or freed by the
 * others.
 *
 * **free_fn** is a function or macro callable as `free_fn(obj)` with a
 * non-NULL `ENTRY *`. It runs once per retired object, after a grace
 * period: in the caller's thread for TREE_old_free(), TREE_destroy() and
 * rcuslot_batch_free(); in liburcu's call_rcu worker for TREE_old_defer()
 * and rcuslot_batch_defer() (in the caller's thread when they are
 * throttled); and at once for an object that TREE_copy_update()'s callback
 * built but the tree did not take (no reader ever saw it). It must not
 * wait for a grace period.
 *
 * **Which operation from where:**
 *
 * - **readers**, inside a read-side critical section of a registered
 *   thread: TREE_find(), TREE_floor(), TREE_ceil(), TREE_first(),
 *   TREE_last(), the `RCU_TREE_FOREACH` walks, TREE_view() and the view's
 *   functions; TREE_count() anywhere;
 * - **single-key updaters**, any registered thread, inside or outside a
 *   read-side critical section: TREE_insert(), TREE_upsert(),
 *   TREE_replace(), TREE_remove(), TREE_copy_update(); each takes the
 *   tree's writer lock for one change and none waits for a grace period;
 * - **transactions**: TREE_txn_begin() takes the writer lock and holds it
 *   until TREE_txn_commit() or TREE_txn_abort(); in between,
 *   TREE_txn_insert(), TREE_txn_upsert(), TREE_txn_remove() and
 *   TREE_txn_find() work on the transaction's own version;
 * - **retiring** what an update took out, outside any read-side critical
 *   section: exactly one of TREE_old_free(), TREE_old_reclaim(),
 *   TREE_old_defer(), TREE_batch_add() per handle, and
 *   rcuslot_batch_free() or rcuslot_batch_defer() for a commit's batch;
 * - **set-up and tear-down**: RCU_TREE_INITIALIZER, TREE_init(),
 *   TREE_destroy().
 *
 * **What a concurrent reader observes.** Every update, of one key or a
 * whole transaction, builds a new version of the tree next to the
 * published one (copying the nodes it changes: what readers read in a
 * published node never changes) and publishes it with one release store
 * of the root. A
 * lookup answers from the version it loaded. A walk loads the root once
 * and walks that version to its end: it sees exactly the objects of one
 * committed version, in key order, never a mix of two updates. A view
 * does the same for any number of calls: every call on one view, and
 * every walk of it, answers from the version TREE_view() loaded; two calls
 * that are not on one view may answer from two versions. A single-key
 * update is atomic to readers: a key that stays present while its object
 * is replaced is never seen missing. A transaction is all or nothing: a
 * reader sees none of its changes or all of them. Nothing a reader can
 * reach, object or node, is freed before its read-side critical section
 * ends.
 *
 * **The writer lock.** The updaters of one tree are serialized by its
 * writer lock (a pthread mutex), so TREE_copy_update()'s callback runs
 * once and a transaction sees no other update. Readers never take it and
 * never wait for it. A transaction holds it from TREE_txn_begin() to its
 * end: meanwhile other updaters of the tree block. A thread that holds a
 * transaction on a tree and calls another update of that tree gets
 * `-EDEADLK` instead of waiting for itself (debug builds abort). Never
 * wait for a grace period while holding a transaction (an updater blocked
 * on the lock inside a read-side critical section would wait for you,
 * and you for it).
 *
 * **Grace periods.** No update and no transaction operation waits for
 * one. The nodes an update or a commit replaced are retired with one
 * call_rcu for all of them; the objects it took out are retired by the
 * caller. TREE_destroy() waits for one; TREE_txn_commit() only when no
 * memory can be had for its batch.
 *
 * **Allocation failure.** Node memory comes from the kit's allocator
 * (rcuslot_set_allocator()). Each update allocates every node it needs
 * before it changes anything, so an update that returns `-ENOMEM` leaves
 * the tree unchanged and the object it was given the caller's; a
 * transaction operation that returns `-ENOMEM` leaves the transaction as it
 * was, and usable. TREE_txn_commit() allocates no node.
 *
 * Debug builds (`RCUSLOT_DEBUG`, see @ref rcuslot_debug) check each
 * operation's calling context (a read outside a read-side critical
 * section, a view used after its section, a transaction used after its
 * end, a second update by a transaction's holder, a handle consumed twice,
 * a wait inside a section) and print one line naming the function, and so
 * the tree, and the caller's file:line; each page says what is checked.
 *
 * **Flavors**: RCU_TREE_DEFINE() uses the unit's `RCUSLOT_FLAVOR`;
 * RCU_TREE_DEFINE_FLAVOR() binds a tree to a named flavor (include its
 * liburcu header first). Under qsbr, "outside a read-side critical
 * section" means offline.
 *
 * **Tested** by the unit suite (every operation against a model, every
 * kind of key, order and floor/ceil at, between, below and above every
 * key) and the promises suite (test/check_tree_promises.c: snapshots under
 * concurrent updaters, grace periods with a parked reader, allocation
 * failure at every allocation, the debug checks).
 *
 * @see RCU_TREE_DEFINE() (the macro), rcuslot/tree.h for the memory
 *      ordering in full, @ref RCU_SLOT_DEFINE for old handles,
 *      @ref rcuslot_batch for batches.
 *
 * @order TREE_copy_fn TREE_init TREE_destroy TREE_find TREE_floor
 *        TREE_first TREE_count TREE_view TREE_view_find TREE_insert
 *        TREE_upsert TREE_replace TREE_remove TREE_copy_update
 *        TREE_txn_begin TREE_txn_insert TREE_txn_remove TREE_txn_find
 *        TREE_txn_commit TREE_txn_abort TREE_old_is_empty TREE_old_free
 *        TREE_old_reclaim TREE_old_defer TREE_batch_add
 */
/**
 * @contract-decl
 * Placeholder for the object type given to RCU_TREE_DEFINE().
 *
 * A struct with the key member; the tree embeds nothing in it.
 * @decl typedef struct ENTRY ENTRY;
 */
/**
 * @contract-decl
 * Placeholder for the key member's type (RCU_TREE_DEFINE()), or the
 * `key_type` of RCU_TREE_DEFINE_CUSTOM(), or `const char *`
 * (RCU_TREE_DEFINE_STRING()).
 * @decl typedef struct KEY KEY;
 */
/**
 * @contract-decl
 * The key type, generated: what lookups and removals take, by value.
 * @decl typedef KEY TREE_key;
 */
/**
 * @contract-decl
 * The tree: the root of its latest version, its count and its writer lock
 * (a pthread mutex).
 *
 * Initialize it with RCU_TREE_INITIALIZER or TREE_init(), tear it down
 * with TREE_destroy(); access it only through the generated functions: its
 * members are private. A tree may be static, global, on the heap or
 * embedded in another object, as long as it outlives every reader and
 * updater that can reach it.
 * @decl struct TREE { private: struct rcuslot_priv_tree rcuslot_priv_tree; };
 */
/**
 * @contract-decl
 * The old handle: owns one object taken out of a tree that readers may
 * still be reading, or nothing ("empty").
 *
 * TREE_upsert(), TREE_replace(), TREE_remove() and TREE_copy_update() hand
 * one out through `old_out`; it must be consumed by exactly one of
 * TREE_old_free(), TREE_old_reclaim(), TREE_old_defer() or TREE_batch_add(),
 * which empty it, as a slot's old handle (NAME_old). Consuming an empty
 * handle is a no-op; dropping a non-empty one leaks the object, and
 * copying one and consuming both copies frees it twice (debug builds abort
 * at the second consume). One pointer wide (checked at compile time).
 * @decl struct TREE_old { private: ENTRY *rcuslot_priv_obj; };
 */
/**
 * @contract-decl
 * A transaction: the caller's storage for one, from TREE_txn_begin() to
 * TREE_txn_commit() or TREE_txn_abort().
 *
 * Its members are private. It may live on the stack; it holds the tree's
 * writer lock while it runs. Once ended it is inert: using it again is a
 * misuse that debug builds catch.
 * @decl struct TREE_txn { private: struct rcuslot_priv_txn rcuslot_priv_txn; };
 */
/**
 * @contract-decl
 * A view: one committed version of a tree, taken by TREE_view() inside a
 * read-side critical section and valid until that section ends.
 *
 * A value of two words; copy it freely within the section. It holds
 * nothing to release.
 * @decl struct TREE_view { private: const struct rcuslot_priv_tnode *rcuslot_priv_root; unsigned long rcuslot_priv_section; };
 */
/**
 * @contract TREE_copy_fn
 * @brief The copy step of TREE_copy_update().
 *
 * The callback TREE_copy_update() calls to build the next version of one
 * entry: the "copy" of read-copy-update, as for slots (NAME_copy_fn).
 *
 * `copy(old, &new, arg)` runs exactly once per TREE_copy_update(), under
 * the tree's writer lock, in the caller's thread: no other update of the
 * tree can land between the lookup that found `old` and the publication.
 *
 * @param old      The object under the key in the latest version,
 *                 read-only; NULL when the key is absent. Valid during the
 *                 call.
 * @param new_out  Write it on success, as for a slot's NAME_copy_fn: a new
 *                 object under the same key (fully built, freeable by
 *                 free_fn on its own) to insert it or to replace `old`
 *                 with it; NULL to remove `old`; `old` itself for "no
 *                 change". A callback that returns 0 without writing it
 *                 changes nothing (the tree stays as it was, the handle
 *                 empty), and debug builds abort naming TREE_copy_update()'s
 *                 caller: removing takes an explicit `*new_out = NULL`.
 * @param arg      The `arg` given to TREE_copy_update().
 * @return 0 to go ahead, or a non-zero error that TREE_copy_update()
 *         returns as is, leaving the tree unchanged and ignoring
 *         `*new_out`: the callback frees anything it built before failing.
 *
 * @par Context:
 * Called by TREE_copy_update() holding the tree's writer lock: it must not
 * update the same tree, must not wait for a grace period, and should be
 * short (the tree's other updaters wait). It may look the tree up only
 * inside a read-side critical section of its own or the caller's.
 *
 * @par Example:
 * @snippet tree_snippets.c copy_update
 * @proto typedef int TREE_copy_fn(const ENTRY *old, ENTRY **new_out, void *arg);
 */
#define RCUSLOT_PRIV_TREE_DEF_TYPES(name, type)                                \
	struct name {                                                          \
		struct rcuslot_priv_tree rcuslot_priv_tree;                    \
	};                                                                     \
	struct name##_old {                                                    \
		type *rcuslot_priv_obj;                                        \
	};                                                                     \
	struct name##_txn {                                                    \
		struct rcuslot_priv_txn rcuslot_priv_txn;                      \
	};                                                                     \
	struct name##_view {                                                   \
		const struct rcuslot_priv_tnode *rcuslot_priv_root;            \
		unsigned long rcuslot_priv_section; /* debug builds' */        \
	};                                                                     \
	typedef int name##_copy_fn(const type *old, type **new_out, void *arg)

/*
 * --- keys: what distinguishes the generators ----------------------------
 *
 * Each defines name_key (K), name_priv_sk (what a search compares: the
 * key word for integers, the key itself for others) and:
 * - name_priv_sk_of(K), name_priv_key_of(obj);
 * - name_priv_word_of(obj): the word a leaf stores for obj;
 * - name_priv_ub(node, sk) / name_priv_lb(node, sk): entries <= / < sk;
 * - name_priv_word_eq(word, sk), name_priv_word_le(word, sk);
 * - name_priv_cmp: the core's comparison (NULL for integers) and
 *   name_priv_kp(&sk), the key the core passes to it.
 */
#define RCUSLOT_PRIV_TREE_DEF_KEY_INT(name, type, key_member)                  \
	RCUSLOT_PRIV_STATIC_ASSERT(RCUSLOT_PRIV_TREE_IS_INTEGER(((type *)0)->key_member), \
				   "RCU_TREE_DEFINE(" #name "): the key member must be an integer " \
				   "of at most 64 bits (RCU_TREE_DEFINE_CUSTOM or _STRING for others)"); \
	typedef __typeof__(((type *)0)->key_member) name##_key;                \
	typedef uint64_t name##_priv_sk;                                       \
	RCUSLOT_PRIV_TREE_INLINE name##_priv_sk name##_priv_sk_of(name##_key k) \
	{                                                                      \
		return RCUSLOT_PRIV_TREE_IWORD(k);                             \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE name##_key name##_priv_key_of(const type *obj) \
	{                                                                      \
		return obj->key_member;                                        \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE uint64_t name##_priv_word_of(const type *obj) \
	{                                                                      \
		return RCUSLOT_PRIV_TREE_IWORD(obj->key_member);               \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE unsigned name##_priv_ub(const struct rcuslot_priv_tnode *nd, \
							 name##_priv_sk sk)    \
	{                                                                      \
		return rcuslot_priv_tnode_ub64(nd, sk);                        \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE unsigned name##_priv_lb(const struct rcuslot_priv_tnode *nd, \
							 name##_priv_sk sk)    \
	{                                                                      \
		return sk ? rcuslot_priv_tnode_ub64(nd, sk - 1) : 0;           \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE int name##_priv_word_eq(uint64_t w, name##_priv_sk sk) \
	{                                                                      \
		return w == sk;                                                \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE int name##_priv_word_le(uint64_t w, name##_priv_sk sk) \
	{                                                                      \
		return w <= sk;                                                \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const void *name##_priv_kp(const name##_priv_sk *sk) \
	{                                                                      \
		(void)sk;                                                      \
		return NULL;                                                   \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE uint64_t name##_priv_kw(name##_priv_sk sk)    \
	{                                                                      \
		return sk;                                                     \
	}                                                                      \
	static rcuslot_priv_tree_cmp *const name##_priv_cmp __attribute__((unused)) = NULL

/*
 * Keys compared by cmp_fn through the objects: a word is an object's
 * address. The (void)(fp = fn) check makes a wrong cmp_fn or key member
 * type an error at the DEFINE line.
 */
#define RCUSLOT_PRIV_TREE_DEF_KEY_CMP(name, type, key_member, key_type, cmp_fn) \
	typedef key_type name##_key;                                           \
	typedef key_type name##_priv_sk;                                       \
	RCUSLOT_PRIV_TREE_INLINE void name##_priv_check_cmp(void)              \
	{                                                                      \
		int (*c)(key_type, key_type) = cmp_fn;                         \
		(void)c;                                                       \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE name##_priv_sk name##_priv_sk_of(name##_key k) \
	{                                                                      \
		return k;                                                      \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE name##_key name##_priv_key_of(const type *obj) \
	{                                                                      \
		return obj->key_member;                                        \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE uint64_t name##_priv_word_of(const type *obj) \
	{                                                                      \
		return (uint64_t)(uintptr_t)obj;                               \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE name##_key name##_priv_wkey(uint64_t w)       \
	{                                                                      \
		return name##_priv_key_of((const type *)(uintptr_t)w);         \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE int name##_priv_word_eq(uint64_t w, name##_priv_sk sk) \
	{                                                                      \
		return cmp_fn(name##_priv_wkey(w), sk) == 0;                   \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE int name##_priv_word_le(uint64_t w, name##_priv_sk sk) \
	{                                                                      \
		return cmp_fn(name##_priv_wkey(w), sk) <= 0;                   \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE unsigned name##_priv_ub(const struct rcuslot_priv_tnode *nd, \
							 name##_priv_sk sk)    \
	{                                                                      \
		unsigned lo = 0, hi = nd->n;                                   \
                                                                               \
		while (lo < hi) {                                              \
			unsigned mid = lo + (hi - lo) / 2;                     \
                                                                               \
			if (cmp_fn(name##_priv_wkey(nd->key[mid]), sk) <= 0)   \
				lo = mid + 1;                                  \
			else                                                   \
				hi = mid;                                      \
		}                                                              \
		return lo;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE unsigned name##_priv_lb(const struct rcuslot_priv_tnode *nd, \
							 name##_priv_sk sk)    \
	{                                                                      \
		unsigned lo = 0, hi = nd->n;                                   \
                                                                               \
		while (lo < hi) {                                              \
			unsigned mid = lo + (hi - lo) / 2;                     \
                                                                               \
			if (cmp_fn(name##_priv_wkey(nd->key[mid]), sk) < 0)    \
				lo = mid + 1;                                  \
			else                                                   \
				hi = mid;                                      \
		}                                                              \
		return lo;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const void *name##_priv_kp(const name##_priv_sk *sk) \
	{                                                                      \
		return sk;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE uint64_t name##_priv_kw(name##_priv_sk sk)    \
	{                                                                      \
		(void)sk;                                                      \
		return 0;                                                      \
	}                                                                      \
	static int name##_priv_cmp_core(const void *key, uint64_t w)           \
	{                                                                      \
		return cmp_fn(*(const name##_key *)key, name##_priv_wkey(w));    \
	}                                                                      \
	static rcuslot_priv_tree_cmp *const name##_priv_cmp __attribute__((unused)) = \
		name##_priv_cmp_core

/* strcmp order, for RCU_TREE_DEFINE_STRING(). */
RCUSLOT_PRIV_TREE_INLINE int rcuslot_priv_tree_strcmp(const char *a, const char *b)
{
	return strcmp(a, b);
}

/* --- read side -------------------------------------------------------- */

/*
 * The greatest entry <= sk: returns its index + 1 in *leaf, or 0. Only the
 * root can lack one: below it, a child is entered only when its least key
 * is <= sk.
 */
#define RCUSLOT_PRIV_TREE_DEF_DESCEND(name, type)                              \
	RCUSLOT_PRIV_TREE_INLINE unsigned name##_priv_floor_at(const struct rcuslot_priv_tnode *nd, \
							       name##_priv_sk sk, \
							       const struct rcuslot_priv_tnode **leaf) \
	{                                                                      \
		unsigned c;                                                    \
                                                                               \
		if (!nd)                                                       \
			return 0;                                              \
		for (;;) {                                                     \
			c = name##_priv_ub(nd, sk);                            \
			if (nd->level == 0 || c == 0)                          \
				break;                                         \
			nd = rcuslot_priv_tnode_child(nd, c - 1);              \
		}                                                              \
		*leaf = nd;                                                    \
		return c;                                                      \
	}                                                                      \
	/* The least entry >= sk, as a position in *it (it->leaf NULL: none). */ \
	RCUSLOT_PRIV_TREE_INLINE void name##_priv_seek_ge(struct rcuslot_priv_tit *it, \
							  const struct rcuslot_priv_tnode *nd, \
							  name##_priv_sk sk)   \
	{                                                                      \
		unsigned c;                                                    \
                                                                               \
		it->leaf = NULL;                                               \
		it->h = 0;                                                     \
		it->bounded = 0;                                               \
		it->hi = 0;                                                    \
		if (!nd)                                                       \
			return;                                                \
		while (nd->level > 0) {                                        \
			c = name##_priv_ub(nd, sk);                            \
			c = c ? c - 1 : 0;                                     \
			it->nd[it->h] = nd;                                    \
			it->idx[it->h++] = (unsigned char)c;                   \
			nd = rcuslot_priv_tnode_child(nd, c);                  \
		}                                                              \
		it->leaf = nd;                                                 \
		it->i = name##_priv_lb(nd, sk);                                \
		if (it->i >= nd->n)                                            \
			rcuslot_priv_tit_climb(it);                            \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const type *name##_priv_it_get(const struct rcuslot_priv_tit *it) \
	{                                                                      \
		return (const type *)rcuslot_priv_tit_get(it);                 \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const type *                                  \
	name##_priv_find_in(const struct rcuslot_priv_tnode *root, name##_key key) \
	{                                                                      \
		const struct rcuslot_priv_tnode *leaf = NULL;                  \
		name##_priv_sk sk = name##_priv_sk_of(key);                    \
		unsigned c = name##_priv_floor_at(root, sk, &leaf);            \
                                                                               \
		if (c && name##_priv_word_eq(leaf->key[c - 1], sk))            \
			return (const type *)leaf->ptr[c - 1];                 \
		return NULL;                                                   \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const type *                                  \
	name##_priv_floor_in(const struct rcuslot_priv_tnode *root, name##_key key) \
	{                                                                      \
		const struct rcuslot_priv_tnode *leaf = NULL;                  \
		unsigned c = name##_priv_floor_at(root, name##_priv_sk_of(key), &leaf); \
                                                                               \
		return c ? (const type *)leaf->ptr[c - 1] : NULL;              \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const type *                                  \
	name##_priv_ceil_in(const struct rcuslot_priv_tnode *root, name##_key key) \
	{                                                                      \
		struct rcuslot_priv_tit it;                                    \
                                                                               \
		name##_priv_seek_ge(&it, root, name##_priv_sk_of(key));        \
		return name##_priv_it_get(&it);                                \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE const type *                                  \
	name##_priv_end_in(const struct rcuslot_priv_tnode *nd, int last)      \
	{                                                                      \
		if (!nd)                                                       \
			return NULL;                                           \
		while (nd->level > 0)                                          \
			nd = rcuslot_priv_tnode_child(nd, last ? nd->n - 1u : 0u); \
		return (const type *)nd->ptr[last ? nd->n - 1u : 0u];          \
	}                                                                      \
	RCUSLOT_PRIV_TREE_INLINE struct rcuslot_priv_tit                       \
	name##_priv_it_range_in(const struct rcuslot_priv_tnode *root, name##_key lo, \
				name##_key hi)                                 \
	{                                                                      \
		struct rcuslot_priv_tit it;                                    \
		const struct rcuslot_priv_tnode *leaf = NULL;                  \
		name##_priv_sk slo = name##_priv_sk_of(lo), shi = name##_priv_sk_of(hi); \
		unsigned c;                                                    \
                                                                               \
		name##_priv_seek_ge(&it, root, slo);                           \
		if (!it.leaf)                                                  \
			return it;                                             \
		if (!name##_priv_word_le(it.leaf->key[it.i], shi)) {           \
			it.leaf = NULL; /* nothing in [lo, hi], or lo > hi */  \
			return it;                                             \
		}                                                              \
		if (!name##_priv_cmp) {                                        \
			it.bounded = 1;                                        \
			it.hi = name##_priv_kw(shi);                           \
			return it;                                             \
		}                                                              \
		c = name##_priv_floor_at(root, shi, &leaf);                    \
		it.bounded = 2;                                                \
		it.end_nd = leaf;                                              \
		it.end_idx = (unsigned char)(c - 1);                           \
		return it;                                                     \
	}

/* --- debug checks on views and transactions --------------------------- */

#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_TREE_SECTION() (*rcuslot_priv_dbg_sections())
#else
#define RCUSLOT_PRIV_TREE_SECTION() 0ul
#endif

/* A view is used in the section it was taken in, or debug builds abort. */
#define RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, fn)                                  \
	do {                                                                   \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, fn);                            \
		if ((v)->rcuslot_priv_section != RCUSLOT_PRIV_TREE_SECTION())  \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called on a view after the read-side " \
					      "critical section it was taken in"); \
	} while (0)

/* A transaction that ended: debug builds abort, release builds say -EINVAL. */
#define RCUSLOT_PRIV_TREE_TXN_LIVE(txn, fn)                                    \
	do {                                                                   \
		if (caa_unlikely(!(txn)->rcuslot_priv_txn.tree)) {             \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called on a transaction that was " \
					      "committed or aborted already"); \
			return -EINVAL;                                        \
		}                                                              \
	} while (0)

#define RCUSLOT_PRIV_TREE_DBG_DEADLK(err, fn)                                  \
	do {                                                                   \
		if ((err) == -EDEADLK)                                         \
			RCUSLOT_PRIV_DBG_FAIL(fn, "called by the thread that holds a " \
					      "transaction on this tree (it would wait " \
					      "for itself)");                  \
	} while (0)

/* --- generated functions ---------------------------------------------- */

/**
 * @contract TREE_init
 * @brief Initialize an empty tree.
 *
 * Set up `t` as an empty tree with its writer lock.
 *
 * For trees that RCU_TREE_INITIALIZER cannot initialize: on the heap, on
 * the stack, inside another object. It allocates no node. It forgets what
 * the tree held, so it is for fresh trees (or ones emptied by
 * TREE_destroy()).
 *
 * @param t  The tree.
 * @return 0, or the negated error of pthread_mutex_init() (glibc's never
 *         fails with the default attributes). Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * Any thread, before any reader or updater can reach the tree.
 * @par Grace period:
 * Never waits.
 *
 * @par Example:
 * @snippet tree_snippets.c init
 * @proto int TREE_init(struct TREE *t);
 */
#define RCUSLOT_PRIV_TREE_DEF_INIT(name)                                       \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int name##_init(struct name *t) \
	{                                                                      \
		struct rcuslot_priv_tree *pt = &t->rcuslot_priv_tree;          \
                                                                               \
		pt->root = NULL;                                               \
		pt->gen = 0;                                                   \
		pt->owner = 0;                                                 \
		pt->count = 0;                                                 \
		return -pthread_mutex_init(&pt->lock, NULL);                   \
	}

/**
 * @contract TREE_destroy
 * @brief Take every object out and free each, before returning.
 *
 * Unpublish the whole tree with one store, wait for one grace period, then
 * free every object with free_fn and every node: when it returns, every
 * object that was in the tree has been freed. The tree is left empty
 * (TREE_count() is 0) and usable.
 *
 * Readers that were inside a read-side critical section before the call
 * are waited for: one parked in the middle of RCU_TREE_FOREACH() finishes
 * its walk on valid objects. The store is made under the writer lock, so
 * a transaction in progress in another thread ends first, and what it
 * committed is destroyed with the rest; what updaters publish after the
 * store stays in the tree.
 *
 * @param t  The tree.
 *
 * @par Context:
 * Any thread, outside every read-side critical section (under qsbr it may
 * be online: liburcu's wait takes it offline), and not one that holds a
 * transaction on this tree: that call does nothing (it would wait for its
 * own lock).
 * @par Grace period:
 * Waits for one, unless the tree was empty.
 * @par Memory ordering:
 * A release store of the empty root, under the writer lock; the grace
 * period ends after every read-side critical section that could have
 * loaded the old root, and their reads happen before free_fn.
 * @par Debug builds:
 * Abort when called inside a read-side critical section (except under
 * qsbr, where it cannot be told), or by the thread that holds a
 * transaction on this tree.
 *
 * @par Example:
 * @snippet tree_snippets.c destroy
 * @proto void TREE_destroy(struct TREE *t);
 */
#define RCUSLOT_PRIV_TREE_DEF_DESTROY(name, type, fl)                          \
	RCUSLOT_PRIV_FUNC void name##_destroy(struct name *t)                  \
	{                                                                      \
		struct rcuslot_priv_tnode *root;                               \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_destroy");                \
		if (rcuslot_priv_tree_detach(&t->rcuslot_priv_tree, &root) != 0) { \
			RCUSLOT_PRIV_DBG_FAIL(#name "_destroy", "called by the thread that holds " \
					      "a transaction on this tree (it would wait " \
					      "for itself)");                  \
			return; /* release builds: nothing done */             \
		}                                                              \
		if (root) {                                                    \
			rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(fl));         \
			rcuslot_priv_tree_drain(root, name##_priv_free_void);  \
		}                                                              \
	}

/**
 * @contract TREE_find
 * @brief Look up the object with a key.
 *
 * The object whose key equals `key` in the latest committed version,
 * inside a read-side critical section.
 *
 * The object stays valid, and unchanged, until the end of the outermost
 * read-side critical section that encloses the call, even if an updater
 * takes it out meanwhile. The pointer is const: readers share objects; to
 * change one, publish a modified copy (TREE_replace(), TREE_copy_update()).
 *
 * @param t    The tree.
 * @param key  The key, by value (RCU_TREE_DEFINE_STRING(): a string,
 *             compared with `strcmp`).
 * @return The object, or NULL when no object has that key.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside a read-side critical
 * section (under qsbr: online).
 * @par Grace period:
 * Never waits and never blocks: one load of the root, then a descent of
 * about log32(n) nodes.
 * @par Memory ordering:
 * A consume load of the root (as `rcu_dereference()`), pairing with the
 * release store that published the version (TREE_insert() and every other
 * update, TREE_txn_commit()): a reader sees every node and object it
 * reaches from that root whole.
 * @par Debug builds:
 * Abort when called outside a read-side critical section, or from an
 * unregistered thread (except under bp).
 * @proto const ENTRY *TREE_find(struct TREE *t, TREE_key key);
 */
/**
 * @contract TREE_floor
 * @brief The object with the nearest key at or below, or at or above, a
 *        key.
 *
 * The object with the greatest key less than or equal to `key`, in the
 * latest committed version, inside a read-side critical section: for
 * ranges keyed by their start, the range that may hold `key`.
 *
 * @param t    The tree.
 * @param key  The key, by value.
 * @return The object, or NULL when every key in the tree is greater than
 *         `key` (or the tree is empty).
 *
 * @par Context:
 * As TREE_find().
 * @par Grace period:
 * Never waits: as TREE_find().
 * @par Memory ordering:
 * As TREE_find().
 * @par Debug builds:
 * As TREE_find().
 *
 * @par Example:
 * @snippet tree_snippets.c floor
 * @proto const ENTRY *TREE_floor(struct TREE *t, TREE_key key);
 */
/**
 * @contract TREE_floor/TREE_ceil
 * The object with the least key greater than or equal to `key`, in the
 * latest committed version, inside a read-side critical section.
 *
 * @param t    The tree.
 * @param key  The key, by value.
 * @return The object, or NULL when every key in the tree is less than
 *         `key` (or the tree is empty).
 *
 * @par Context:
 * As TREE_find().
 * @par Debug builds:
 * As TREE_find().
 * @proto const ENTRY *TREE_ceil(struct TREE *t, TREE_key key);
 */
/**
 * @contract TREE_first
 * @brief The objects with the smallest and the largest key.
 *
 * The object with the smallest key in the latest committed version,
 * inside a read-side critical section.
 *
 * @param t  The tree.
 * @return The object, or NULL when the tree is empty.
 *
 * @par Context:
 * As TREE_find().
 * @par Grace period:
 * Never waits: a descent along the tree's left edge.
 * @par Memory ordering:
 * As TREE_find().
 * @par Debug builds:
 * As TREE_find().
 * @proto const ENTRY *TREE_first(struct TREE *t);
 */
/**
 * @contract TREE_first/TREE_last
 * The object with the largest key in the latest committed version, inside
 * a read-side critical section.
 *
 * @param t  The tree.
 * @return The object, or NULL when the tree is empty.
 *
 * @par Context:
 * As TREE_find().
 * @par Debug builds:
 * As TREE_find().
 * @proto const ENTRY *TREE_last(struct TREE *t);
 */
#define RCUSLOT_PRIV_TREE_DEF_FIND(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC const type *name##_find(struct name *t, name##_key key) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_find");                 \
		return name##_priv_find_in(RCUSLOT_PRIV_TREE_ROOT(t), key);    \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_floor(struct name *t, name##_key key) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_floor");                \
		return name##_priv_floor_in(RCUSLOT_PRIV_TREE_ROOT(t), key);   \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_ceil(struct name *t, name##_key key) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_ceil");                 \
		return name##_priv_ceil_in(RCUSLOT_PRIV_TREE_ROOT(t), key);    \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_first(struct name *t)             \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_first");                \
		return name##_priv_end_in(RCUSLOT_PRIV_TREE_ROOT(t), 0);       \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_last(struct name *t)              \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_last");                 \
		return name##_priv_end_in(RCUSLOT_PRIV_TREE_ROOT(t), 1);       \
	}

/**
 * @contract TREE_count
 * @brief The number of objects in the tree.
 *
 * The number of objects in the latest committed version: kept by every
 * update and commit, read in O(1).
 *
 * @param t  The tree.
 * @return The count as the latest commit the caller has seen stored it (an
 *         updater sees at least its own): a snapshot, which a concurrent
 *         update may change at once. It may differ from the version a reader
 *         in progress walks: TREE_view_count() is a view's own count.
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section.
 * @par Grace period:
 * Never waits: one load.
 * @par Memory ordering:
 * A relaxed load of a count the committer stores after the root: it orders
 * nothing else.
 * @proto unsigned long TREE_count(struct TREE *t);
 */
/* The latest version's count, kept by the commit: any thread, any context. */
#define RCUSLOT_PRIV_TREE_DEF_COUNT(name, fl)                                  \
	RCUSLOT_PRIV_FUNC unsigned long name##_count(struct name *t)           \
	{                                                                      \
		return __atomic_load_n(&t->rcuslot_priv_tree.count, __ATOMIC_RELAXED); \
	}

#define RCUSLOT_PRIV_TREE_DEF_ITER(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_tit name##_priv_it_first(struct name *t) \
	{                                                                      \
		struct rcuslot_priv_tit it;                                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, "RCU_TREE_FOREACH(" #name ")"); \
		rcuslot_priv_tit_start(&it, RCUSLOT_PRIV_TREE_ROOT(t), 0);     \
		return it;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_tit name##_priv_it_last(struct name *t) \
	{                                                                      \
		struct rcuslot_priv_tit it;                                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, "RCU_TREE_FOREACH_REVERSE(" #name ")"); \
		rcuslot_priv_tit_start(&it, RCUSLOT_PRIV_TREE_ROOT(t), 1);     \
		return it;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_tit                              \
	name##_priv_it_range(struct name *t, name##_key lo, name##_key hi)     \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, "RCU_TREE_FOREACH_RANGE(" #name ")"); \
		return name##_priv_it_range_in(RCUSLOT_PRIV_TREE_ROOT(t), lo, hi); \
	}

/**
 * @contract TREE_view
 * @brief Take a view: one committed version, for several reads that agree.
 *
 * Load the tree's latest committed version once, for the view's functions
 * (TREE_view_find() and the others) and RCU_TREE_VIEW_FOREACH() /
 * RCU_TREE_VIEW_FOREACH_RANGE() walks: every one answers from that
 * version, whatever updaters commit meanwhile, so several lookups and
 * walks see no update fall between them.
 *
 * The view is valid until the end of the read-side critical section it was
 * taken in, on the thread that took it; objects found through it stay
 * valid until the end of the outermost section that encloses it. The
 * version is kept alive by that section alone: a view costs the updaters
 * nothing.
 *
 * @param t  The tree.
 * @return The view.
 *
 * @par Context:
 * As TREE_find().
 * @par Grace period:
 * Never waits: one load.
 * @par Memory ordering:
 * As TREE_find(): a consume load of the root, pairing with the release
 * store that published it.
 * @par Debug builds:
 * As TREE_find(); the view records its section, for the checks of the
 * view's functions.
 *
 * @par Example:
 * @snippet tree_snippets.c view
 * @proto struct TREE_view TREE_view(struct TREE *t);
 */
/**
 * @contract TREE_view_find
 * @brief Read one version: lookups, nearest keys, ends and count of a
 *        view.
 *
 * TREE_find() in the view's version.
 *
 * @param v    A view taken in the caller's current read-side critical
 *             section.
 * @param key  The key, by value.
 * @return The object, or NULL when the view's version has no object with
 *         that key.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside the read-side critical
 * section in which the view was taken, on the thread that took it.
 * @par Grace period:
 * Never waits and never blocks: it reads the view's version, never the
 * tree's root.
 * @par Memory ordering:
 * None of its own: TREE_view()'s load ordered the version.
 * @par Debug builds:
 * Abort when called outside a read-side critical section, from an
 * unregistered thread (except under bp), or after the section the view
 * was taken in ended, also in a later section: at its outermost
 * rcuslot_read_unlock(), or under qsbr (whose read locks are no-ops) at
 * the thread's next quiescent state or going offline.
 *
 * @par Example:
 * @snippet tree_snippets.c view
 * @proto const ENTRY *TREE_view_find(const struct TREE_view *v, TREE_key key);
 */
/**
 * @contract TREE_view_find/TREE_view_floor
 * TREE_floor() in the view's version.
 *
 * @param v    As for TREE_view_find().
 * @param key  The key, by value.
 * @return The object with the greatest key at or below `key`, or NULL when
 *         the view's version has none.
 * @proto const ENTRY *TREE_view_floor(const struct TREE_view *v, TREE_key key);
 */
/**
 * @contract TREE_view_find/TREE_view_ceil
 * TREE_ceil() in the view's version.
 *
 * @param v    As for TREE_view_find().
 * @param key  The key, by value.
 * @return The object with the least key at or above `key`, or NULL when
 *         the view's version has none.
 * @proto const ENTRY *TREE_view_ceil(const struct TREE_view *v, TREE_key key);
 */
/**
 * @contract TREE_view_find/TREE_view_first
 * TREE_first() in the view's version.
 *
 * @param v  As for TREE_view_find().
 * @return The object with the smallest key, or NULL when the view's
 *         version is empty.
 * @proto const ENTRY *TREE_view_first(const struct TREE_view *v);
 */
/**
 * @contract TREE_view_find/TREE_view_last
 * TREE_last() in the view's version.
 *
 * @param v  As for TREE_view_find().
 * @return The object with the largest key, or NULL when the view's version
 *         is empty.
 * @proto const ENTRY *TREE_view_last(const struct TREE_view *v);
 */
/**
 * @contract TREE_view_find/TREE_view_count
 * The number of objects in the view's version, in O(1): exactly as many as
 * RCU_TREE_VIEW_FOREACH() walks over the same view.
 *
 * @param v  As for TREE_view_find().
 * @return The count.
 * @proto unsigned long TREE_view_count(const struct TREE_view *v);
 */
#define RCUSLOT_PRIV_TREE_DEF_VIEW(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC struct name##_view name##_view(struct name *t)       \
	{                                                                      \
		struct name##_view v;                                          \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_view");                 \
		v.rcuslot_priv_root = RCUSLOT_PRIV_TREE_ROOT(t);               \
		v.rcuslot_priv_section = RCUSLOT_PRIV_TREE_SECTION();          \
		return v;                                                      \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_view_find(const struct name##_view *v, \
						       name##_key key)         \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_find");         \
		return name##_priv_find_in(v->rcuslot_priv_root, key);         \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_view_floor(const struct name##_view *v, \
							name##_key key)        \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_floor");        \
		return name##_priv_floor_in(v->rcuslot_priv_root, key);        \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_view_ceil(const struct name##_view *v, \
						       name##_key key)         \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_ceil");         \
		return name##_priv_ceil_in(v->rcuslot_priv_root, key);         \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_view_first(const struct name##_view *v) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_first");        \
		return name##_priv_end_in(v->rcuslot_priv_root, 0);            \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_view_last(const struct name##_view *v) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_last");         \
		return name##_priv_end_in(v->rcuslot_priv_root, 1);            \
	}                                                                      \
	RCUSLOT_PRIV_FUNC unsigned long name##_view_count(const struct name##_view *v) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, #name "_view_count");        \
		return v->rcuslot_priv_root ? v->rcuslot_priv_root->total : 0; \
	}                                                                      \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_tit                              \
	name##_priv_it_first_v(const struct name##_view *v)                    \
	{                                                                      \
		struct rcuslot_priv_tit it;                                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, "RCU_TREE_VIEW_FOREACH(" #name ")"); \
		rcuslot_priv_tit_start(&it, v->rcuslot_priv_root, 0);          \
		return it;                                                     \
	}                                                                      \
	RCUSLOT_PRIV_FUNC struct rcuslot_priv_tit                              \
	name##_priv_it_range_v(const struct name##_view *v, name##_key lo, name##_key hi) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_DBG_VIEW(fl, v, "RCU_TREE_VIEW_FOREACH_RANGE(" #name ")"); \
		return name##_priv_it_range_in(v->rcuslot_priv_root, lo, hi);  \
	}

/* --- updates: the core's transaction, on one key or many ---------------- */

#define RCUSLOT_PRIV_TREE_X(txn) (&(txn)->rcuslot_priv_txn)

/**
 * @contract TREE_upsert
 * @brief Insert, or replace the object with the same key.
 *
 * Publish `obj`: insert it when no object has its key, or put it in place
 * of the object with that key, atomically for readers (a lookup of the key
 * finds the old object or the new one, never neither).
 *
 * @param t        The tree.
 * @param obj      As for TREE_insert().
 * @param old_out  Written on every path: a handle owning the object
 *                 replaced, or empty when the key was absent or on error.
 *                 Retire it (TREE_old_free() and the others).
 * @return 0; `-ENOMEM` when a node could not be allocated; `-EDEADLK` when
 *         the calling thread holds a transaction on this tree. On error
 *         the tree is unchanged and the caller still owns `obj`. Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * As TREE_insert().
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * As TREE_insert().
 * @par Debug builds:
 * As TREE_insert().
 *
 * @par Example:
 * @snippet tree_snippets.c upsert
 * @proto int TREE_upsert(struct TREE *t, ENTRY *obj, struct TREE_old *old_out);
 */
/**
 * @contract TREE_replace
 * @brief Replace the object with the same key, if there is one.
 *
 * Put `obj` in place of the object with the same key, atomically for
 * readers, and hand that object to an old handle.
 *
 * @param t        The tree.
 * @param obj      As for TREE_insert().
 * @param old_out  Written on every path: a handle owning the object
 *                 replaced, or empty on error.
 * @return 0; `-ENOENT` when no object has that key; `-ENOMEM`; `-EDEADLK`
 *         (as TREE_upsert()). On error the tree is unchanged and the
 *         caller still owns `obj`. Declared `warn_unused_result`.
 *
 * @par Context:
 * As TREE_insert().
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * As TREE_insert().
 * @par Debug builds:
 * As TREE_insert().
 * @proto int TREE_replace(struct TREE *t, ENTRY *obj, struct TREE_old *old_out);
 */
/* One key's update: a transaction of one change, its old object handed back. */
#define RCUSLOT_PRIV_TREE_DEF_SINGLE(name, type, fl, fn, mode)                 \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_##fn(struct name *t, type *obj, struct name##_old *old_out)     \
	{                                                                      \
		struct rcuslot_priv_txn x;                                     \
		name##_priv_sk sk = name##_priv_sk_of(name##_priv_key_of(obj)); \
		void *prev = NULL;                                             \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		old_out->rcuslot_priv_obj = NULL;                              \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_" #fn);                \
		err = rcuslot_priv_tree_begin(&t->rcuslot_priv_tree, &x, 1);   \
		RCUSLOT_PRIV_TREE_DBG_DEADLK(err, #name "_" #fn);              \
		if (!err)                                                      \
			err = rcuslot_priv_tree_put(&x, name##_priv_cmp, name##_priv_kp(&sk), \
						    name##_priv_word_of(obj), obj, mode, &prev); \
		if (err) {                                                     \
			if (err != -EDEADLK)                                   \
				rcuslot_priv_tree_abort(&x);                   \
			return err;                                            \
		}                                                              \
		rcuslot_priv_tree_publish(&x, RCUSLOT_PRIV_FL(fl));            \
		if (prev)                                                      \
			old_out->rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, (type *)prev); \
		return 0;                                                      \
	}

/**
 * @contract TREE_insert
 * @brief Insert an object under a key that is not in the tree.
 *
 * Publish `obj` under its key, as a new version of the tree, if no object
 * has that key.
 *
 * The update takes the tree's writer lock, allocates what it needs, builds
 * the new version by copying the nodes on `obj`'s path (what readers read
 * in a published node never changes), publishes it with one release store,
 * and retires the nodes it replaced with one call_rcu.
 *
 * @param t    The tree.
 * @param obj  The object, fully built, its key set, in no tree: readers may
 *             see it at once. The tree owns it from now on, until it is
 *             taken out.
 * @return 0; `-EEXIST` when an object with that key is in the tree;
 *         `-ENOMEM` when a node could not be allocated; `-EDEADLK` when
 *         the calling thread holds a transaction on this tree (it would
 *         wait for itself). On error the tree is unchanged and the caller
 *         still owns `obj`. Declared `warn_unused_result`.
 *
 * @par Context:
 * Any registered thread (any thread under bp), inside or outside a
 * read-side critical section. It may block on the writer lock while
 * another thread's update or transaction holds it.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * Every store that built the new version happens before the release store
 * of its root, which pairs with the readers' consume load (TREE_find()): a
 * reader that finds `obj` sees it whole. The writer lock orders updaters.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp), or by
 * the thread that holds a transaction on this tree (instead of returning
 * `-EDEADLK`).
 *
 * @par Example:
 * @snippet tree_snippets.c insert
 * @proto int TREE_insert(struct TREE *t, ENTRY *obj);
 */
#define RCUSLOT_PRIV_TREE_DEF_INSERT(name, type, fl)                           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int name##_insert(struct name *t, type *obj) \
	{                                                                      \
		struct rcuslot_priv_txn x;                                     \
		name##_priv_sk sk = name##_priv_sk_of(name##_priv_key_of(obj)); \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_insert");              \
		err = rcuslot_priv_tree_begin(&t->rcuslot_priv_tree, &x, 1);   \
		RCUSLOT_PRIV_TREE_DBG_DEADLK(err, #name "_insert");            \
		if (err)                                                       \
			return err;                                            \
		err = rcuslot_priv_tree_put(&x, name##_priv_cmp, name##_priv_kp(&sk), \
					    name##_priv_word_of(obj), obj,     \
					    RCUSLOT_PRIV_TREE_INSERT, NULL);   \
		if (err) {                                                     \
			rcuslot_priv_tree_abort(&x);                           \
			return err;                                            \
		}                                                              \
		rcuslot_priv_tree_publish(&x, RCUSLOT_PRIV_FL(fl));            \
		return 0;                                                      \
	}

/**
 * @contract TREE_remove
 * @brief Take the object with a key out of the tree.
 *
 * Publish a version of the tree without the object with `key`, and hand
 * that object to an old handle.
 *
 * Readers that found it before may keep using it until their read-side
 * critical sections end; the handle is retired like a slot's (see
 * TREE_old).
 *
 * @param t        The tree.
 * @param key      The key, by value.
 * @param old_out  Written on every path: a handle owning the object taken
 *                 out, or empty on error.
 * @return 0; `-ENOENT` when no object has that key; `-ENOMEM` (removing
 *         copies the path, and may copy a sibling to rebalance); `-EDEADLK`
 *         (as TREE_insert()). On error the tree is unchanged. Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * As TREE_insert().
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * As TREE_insert(): the version without the object is published with a
 * release store; readers never see the object freed, as retiring waits for
 * them.
 * @par Debug builds:
 * As TREE_insert().
 *
 * @par Example:
 * @snippet tree_snippets.c remove
 * @proto int TREE_remove(struct TREE *t, TREE_key key, struct TREE_old *old_out);
 */
#define RCUSLOT_PRIV_TREE_DEF_REMOVE(name, type, fl)                           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_remove(struct name *t, name##_key key, struct name##_old *old_out) \
	{                                                                      \
		struct rcuslot_priv_txn x;                                     \
		name##_priv_sk sk = name##_priv_sk_of(key);                    \
		void *prev = NULL;                                             \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		old_out->rcuslot_priv_obj = NULL;                              \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_remove");              \
		err = rcuslot_priv_tree_begin(&t->rcuslot_priv_tree, &x, 1);   \
		RCUSLOT_PRIV_TREE_DBG_DEADLK(err, #name "_remove");            \
		if (err)                                                       \
			return err;                                            \
		err = rcuslot_priv_tree_del(&x, name##_priv_cmp, name##_priv_kp(&sk), \
					    name##_priv_kw(sk), &prev);        \
		if (err) {                                                     \
			rcuslot_priv_tree_abort(&x);                           \
			return err;                                            \
		}                                                              \
		rcuslot_priv_tree_publish(&x, RCUSLOT_PRIV_FL(fl));            \
		old_out->rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, (type *)prev); \
		return 0;                                                      \
	}

/*
 * The copy runs once, under the writer lock, against the latest version:
 * no other update can land between the lookup and the commit.
 */
/**
 * @contract TREE_copy_update
 * @brief Read-copy-update of one entry, its callback run once.
 *
 * Read-copy-update the object under `key`: under the tree's writer lock,
 * `copy(old, &new, arg)` (see TREE_copy_fn) builds the next version of the
 * entry from the latest one, which then inserts (the key was absent),
 * replaces `old`, or, set to NULL, removes it.
 *
 * `copy` runs exactly once: no other update of the tree lands between its
 * lookup and the publication, so it never runs again against a newer
 * object (unlike a map's). When the tree cannot take the new object, it is
 * freed with free_fn at once: no reader ever saw it.
 *
 * @param t        The tree.
 * @param key      The key, by value.
 * @param copy     The callback.
 * @param arg      Passed to `copy` unchanged.
 * @param old_out  Written on every path: the object replaced or removed, or
 *                 empty (no change, an insert, or an error).
 * @return 0; `copy`'s non-zero error, with the tree unchanged; `-EINVAL`
 *         when `copy` built an object under another key (freed, the tree
 *         unchanged); `-ENOMEM` when a node could not be allocated (the
 *         new object, if any, freed; the tree unchanged); `-EDEADLK` (as
 *         TREE_insert(); `copy` is not called). Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * As TREE_insert(); `copy` runs in the caller's thread, holding the
 * writer lock.
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * As TREE_insert(); the lookup and the publication happen under one hold
 * of the writer lock, so `old` cannot be taken out in between (no ABA).
 * @par Debug builds:
 * As TREE_insert(), and abort when `copy` returns 0 without writing
 * `*new_out`.
 *
 * @par Example:
 * @snippet tree_snippets.c copy_update
 * @proto int TREE_copy_update(struct TREE *t, TREE_key key, TREE_copy_fn *copy, void *arg,
 *		     struct TREE_old *old_out);
 */
#define RCUSLOT_PRIV_TREE_DEF_COPY_UPDATE(name, type, free_fn, fl)             \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_copy_update(struct name *t, name##_key key, name##_copy_fn *copy, void *arg, \
			   struct name##_old *old_out)                         \
	{                                                                      \
		struct rcuslot_priv_txn x;                                     \
		name##_priv_sk sk = name##_priv_sk_of(key);                    \
		type *cur, *new_obj;                                           \
		type *const untouched = (type *)(void *)&new_obj;              \
		void *prev = NULL;                                             \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		old_out->rcuslot_priv_obj = NULL;                              \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_copy_update");         \
		err = rcuslot_priv_tree_begin(&t->rcuslot_priv_tree, &x, 1);   \
		RCUSLOT_PRIV_TREE_DBG_DEADLK(err, #name "_copy_update");       \
		if (err)                                                       \
			return err;                                            \
		cur = (type *)rcuslot_priv_tree_get(&x, name##_priv_cmp, name##_priv_kp(&sk), \
						    name##_priv_kw(sk));       \
		new_obj = untouched; /* copy must write it, as a slot's */     \
		err = copy(cur, &new_obj, arg);                                \
		if (!err && new_obj == untouched)                              \
			new_obj = RCUSLOT_PRIV_DBG_UNTOUCHED(#name "_copy_update", \
							     &rcuslot_priv_loc, cur); \
		if (err || new_obj == cur) {                                   \
			rcuslot_priv_tree_abort(&x);                           \
			return err;                                            \
		}                                                              \
		if (!new_obj) {                                                \
			err = rcuslot_priv_tree_del(&x, name##_priv_cmp, name##_priv_kp(&sk), \
						    name##_priv_kw(sk), &prev); \
		} else if (!name##_priv_word_eq(name##_priv_word_of(new_obj), sk)) { \
			err = -EINVAL; /* a copy under another key */          \
		} else {                                                       \
			err = rcuslot_priv_tree_put(&x, name##_priv_cmp, name##_priv_kp(&sk), \
						    name##_priv_word_of(new_obj), new_obj, \
						    RCUSLOT_PRIV_TREE_UPSERT, &prev); \
		}                                                              \
		if (err) {                                                     \
			rcuslot_priv_tree_abort(&x);                           \
			if (new_obj)                                           \
				free_fn(new_obj); /* no reader saw it */       \
			return err;                                            \
		}                                                              \
		rcuslot_priv_tree_publish(&x, RCUSLOT_PRIV_FL(fl));            \
		if (prev)                                                      \
			old_out->rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, (type *)prev); \
		return 0;                                                      \
	}

/* --- transactions ------------------------------------------------------- */

/**
 * @contract TREE_txn_insert
 * @brief Insert, or insert or replace, an object in a transaction.
 *
 * Insert `obj` into the transaction's version if no object there has its
 * key: TREE_txn_find() sees it at once, readers only after the commit.
 *
 * @param txn  A transaction begun by the caller (TREE_txn_begin()).
 * @param obj  As for TREE_insert(). The transaction holds it from now on:
 *             the tree does after the commit, the caller again after an
 *             abort.
 * @return 0; `-EEXIST` when the transaction's version has an object with
 *         that key; `-ENOMEM` when a node could not be allocated;
 *         `-EINVAL` when the transaction has ended. On error the
 *         transaction is as it was, and usable, and the caller still owns
 *         `obj`. Declared `warn_unused_result`.
 *
 * @par Context:
 * The thread that began the transaction, inside or outside a read-side
 * critical section.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * None of its own: only the transaction's holder reaches what it changes
 * (the nodes it copied), until TREE_txn_commit() publishes them.
 * @par Debug builds:
 * Abort when the transaction was committed or aborted already (instead of
 * returning `-EINVAL`).
 *
 * @par Example:
 * @snippet tree_snippets.c txn
 * @proto int TREE_txn_insert(struct TREE_txn *txn, ENTRY *obj);
 */
/**
 * @contract TREE_txn_insert/TREE_txn_upsert
 * Insert `obj` into the transaction's version, or put it in place of the
 * object there with its key. The object it replaces, be it a published one
 * or one this transaction inserted itself, goes to the commit's batch;
 * after an abort it stays in the tree, or is the caller's again.
 *
 * @param txn  As for TREE_txn_insert().
 * @param obj  As for TREE_txn_insert().
 * @return 0; `-ENOMEM`; `-EINVAL` when the transaction has ended. On error
 *         the transaction is as it was, and usable, and the caller still
 *         owns `obj`. Declared `warn_unused_result`.
 * @proto int TREE_txn_upsert(struct TREE_txn *txn, ENTRY *obj);
 */
/* name_txn_insert() and name_txn_upsert(): what they take out goes to the commit. */
#define RCUSLOT_PRIV_TREE_DEF_TXN_PUT(name, type, fn, mode)                    \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_txn_##fn(struct name##_txn *txn, type *obj)                     \
	{                                                                      \
		name##_priv_sk sk = name##_priv_sk_of(name##_priv_key_of(obj)); \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_TXN_LIVE(txn, #name "_txn_" #fn);            \
		return rcuslot_priv_tree_put(RCUSLOT_PRIV_TREE_X(txn), name##_priv_cmp, \
					     name##_priv_kp(&sk), name##_priv_word_of(obj), \
					     obj, mode, NULL);                 \
	}

/**
 * @contract TREE_txn_begin
 * @brief Start a transaction: many changes, published at once.
 *
 * Take the tree's writer lock and start a transaction on its latest
 * version: TREE_txn_insert(), TREE_txn_upsert() and TREE_txn_remove()
 * change it, TREE_txn_find() reads it, and no reader sees any of it until
 * TREE_txn_commit() publishes all of it with one store; TREE_txn_abort()
 * drops all of it.
 *
 * The transaction copies a node of the published version the first time
 * it changes it and changes its own copy in place after that, so n changes
 * cost about one copy per node they touch, not n paths.
 *
 * The lock is held until the commit or the abort: meanwhile the tree's
 * other updaters block (readers never do). End every transaction, and do
 * not wait for a grace period while one is open.
 *
 * @param t    The tree.
 * @param txn  The transaction: the caller's storage, used until the
 *             commit or the abort.
 * @return 0; `-EDEADLK` when the calling thread already holds a
 *         transaction on this tree (or is inside its TREE_copy_update()):
 *         `txn` is left ended, as after an abort. It allocates nothing.
 *         Declared `warn_unused_result`.
 *
 * @par Context:
 * Any registered thread (any thread under bp), inside or outside a
 * read-side critical section. Transactions on several trees may be open at
 * once; take them in one order in every thread.
 * @par Grace period:
 * Never waits; it may block on the writer lock.
 * @par Memory ordering:
 * A mutex acquire, pairing with the release of the previous holder: the
 * transaction starts from the latest committed version.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp), or by
 * the thread that holds a transaction on this tree (instead of returning
 * `-EDEADLK`).
 *
 * @par Example:
 * @snippet tree_snippets.c txn
 * @proto int TREE_txn_begin(struct TREE *t, struct TREE_txn *txn);
 */
/**
 * @contract TREE_txn_remove
 * @brief Remove the object with a key in a transaction.
 *
 * Remove the object with `key` from the transaction's version. It goes to
 * the commit's batch; after an abort it stays in the tree or, inserted by
 * this transaction, is the caller's again.
 *
 * @param txn  As for TREE_txn_insert().
 * @param key  The key, by value.
 * @return 0; `-ENOENT` when the transaction's version has no object with
 *         that key; `-ENOMEM`; `-EINVAL` when the transaction has ended. On
 *         error the transaction is as it was, and usable. Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * As TREE_txn_insert().
 * @par Grace period:
 * Never waits.
 * @par Debug builds:
 * As TREE_txn_insert().
 * @proto int TREE_txn_remove(struct TREE_txn *txn, TREE_key key);
 */
/**
 * @contract TREE_txn_find
 * @brief Look a key up in a transaction's own version.
 *
 * The object with `key` in the transaction's version: with the
 * transaction's own changes, which no reader sees yet.
 *
 * No read-side critical section is needed: only the transaction's holder
 * changes the tree, and what the transaction takes out is freed only after
 * its commit. The object stays valid until the transaction ends.
 *
 * @param txn  As for TREE_txn_insert().
 * @param key  The key, by value.
 * @return The object, or NULL when the transaction's version has none with
 *         that key, or the transaction has ended.
 *
 * @par Context:
 * As TREE_txn_insert().
 * @par Grace period:
 * Never waits.
 * @par Debug builds:
 * As TREE_txn_insert().
 *
 * @par Example:
 * @snippet tree_snippets.c txn
 * @proto const ENTRY *TREE_txn_find(struct TREE_txn *txn, TREE_key key);
 */
/**
 * @contract TREE_txn_commit
 * @brief Publish every change of a transaction at once.
 *
 * Publish the transaction's version with one release store of the root
 * (none when it changed nothing), release the writer lock, retire the nodes it replaced with one call_rcu,
 * and add every object the transaction took out (replaced or removed,
 * including objects it had inserted itself) to `retired`. The transaction
 * has ended.
 *
 * Readers see all of the transaction's changes or none: one that loaded
 * the root before the store walks the old version to its end. The caller
 * retires `retired` with rcuslot_batch_free() or rcuslot_batch_defer():
 * one grace period for every object in it.
 *
 * @param txn      As for TREE_txn_insert().
 * @param retired  A batch the caller owns (see @ref rcuslot_batch); it may
 *                 already hold objects of other containers.
 * @return 0; `-EINVAL` when the transaction has ended already: nothing is
 *         published. It allocates no node (each operation allocated what
 *         it needed). Declared `warn_unused_result`.
 *
 * @par Context:
 * The thread that began the transaction, outside every read-side critical
 * section (adding to the batch may wait, as TREE_batch_add()).
 * @par Grace period:
 * Never waits, unless no memory can be had for the batch: then, after
 * releasing the lock, it waits for one and frees the batch there.
 * @par Memory ordering:
 * Every store that built the version happens before the release store of
 * its root, which pairs with the readers' consume load (TREE_find()); the
 * mutex release hands the version to the next updater.
 * @par Debug builds:
 * Abort when called inside a read-side critical section (except under
 * qsbr), or when the transaction was committed or aborted already.
 *
 * @par Example:
 * @snippet tree_snippets.c txn
 * @proto int TREE_txn_commit(struct TREE_txn *txn, struct rcuslot_batch *retired);
 */
/**
 * @contract TREE_txn_abort
 * @brief Drop every change of a transaction.
 *
 * End the transaction and publish nothing: every object given to it
 * (inserted or upserted, even one it then replaced or removed) is the
 * caller's again, every object it took out of the published version stays
 * in the tree, and the nodes it built are freed. Releases the writer lock.
 *
 * @param txn  As for TREE_txn_insert().
 *
 * @par Context:
 * The thread that began the transaction, inside or outside a read-side
 * critical section.
 * @par Grace period:
 * Never waits: no reader ever saw what it frees.
 * @par Memory ordering:
 * A mutex release.
 * @par Debug builds:
 * Abort when the transaction was committed or aborted already (release
 * builds: it does nothing).
 *
 * @par Example:
 * @snippet tree_snippets.c txn
 * @proto void TREE_txn_abort(struct TREE_txn *txn);
 */
#define RCUSLOT_PRIV_TREE_DEF_TXN(name, type, fl)                              \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_txn_begin(struct name *t, struct name##_txn *txn)               \
	{                                                                      \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_txn_begin");           \
		err = rcuslot_priv_tree_begin(&t->rcuslot_priv_tree, RCUSLOT_PRIV_TREE_X(txn), 0); \
		RCUSLOT_PRIV_TREE_DBG_DEADLK(err, #name "_txn_begin");         \
		if (err)                                                       \
			RCUSLOT_PRIV_TREE_X(txn)->tree = NULL;                 \
		return err;                                                    \
	}                                                                      \
	RCUSLOT_PRIV_TREE_DEF_TXN_PUT(name, type, insert, RCUSLOT_PRIV_TREE_INSERT) \
	RCUSLOT_PRIV_TREE_DEF_TXN_PUT(name, type, upsert, RCUSLOT_PRIV_TREE_UPSERT) \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_txn_remove(struct name##_txn *txn, name##_key key)              \
	{                                                                      \
		name##_priv_sk sk = name##_priv_sk_of(key);                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_TXN_LIVE(txn, #name "_txn_remove");          \
		return rcuslot_priv_tree_del(RCUSLOT_PRIV_TREE_X(txn), name##_priv_cmp, \
					     name##_priv_kp(&sk), name##_priv_kw(sk), NULL); \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_txn_find(struct name##_txn *txn, name##_key key) \
	{                                                                      \
		name##_priv_sk sk = name##_priv_sk_of(key);                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		if (caa_unlikely(!RCUSLOT_PRIV_TREE_X(txn)->tree)) {           \
			RCUSLOT_PRIV_DBG_FAIL(#name "_txn_find", "called on a transaction that " \
					      "was committed or aborted already"); \
			return NULL;                                           \
		}                                                              \
		return (const type *)rcuslot_priv_tree_get(RCUSLOT_PRIV_TREE_X(txn), \
							   name##_priv_cmp,    \
							   name##_priv_kp(&sk), \
							   name##_priv_kw(sk)); \
	}                                                                      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_txn_commit(struct name##_txn *txn, struct rcuslot_batch *retired) \
	{                                                                      \
		struct rcuslot_priv_txn *x = RCUSLOT_PRIV_TREE_X(txn);         \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_TREE_TXN_LIVE(txn, #name "_txn_commit");          \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_txn_commit");             \
		rcuslot_priv_tree_publish(x, RCUSLOT_PRIV_FL(fl));             \
		/* After the lock: adding to a batch may wait for a grace period. */ \
		for (size_t i = 0; i < x->nout; i++)                           \
			rcuslot_priv_batch_add(retired, RCUSLOT_PRIV_FL(fl), x->out[i], \
					       name##_priv_free_void);         \
		rcuslot_priv_tree_out_done(x);                                 \
		return 0;                                                      \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void name##_txn_abort(struct name##_txn *txn)        \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		if (caa_unlikely(!RCUSLOT_PRIV_TREE_X(txn)->tree)) {           \
			RCUSLOT_PRIV_DBG_FAIL(#name "_txn_abort", "called on a transaction that " \
					      "was committed or aborted already"); \
			return;                                                \
		}                                                              \
		rcuslot_priv_tree_abort(RCUSLOT_PRIV_TREE_X(txn));             \
	}

/* NOLINTEND(bugprone-macro-parentheses) */

/**
 * @contract TREE_old_is_empty
 * @brief Whether an old handle owns an object.
 *
 * Tell whether an old handle owns nothing.
 *
 * @param old  The handle.
 * @return true when it owns no object: the update took nothing out (an
 *         insert by TREE_upsert() or TREE_copy_update(), no change), it
 *         failed, or the handle was consumed.
 *
 * @par Context:
 * Any thread.
 * @proto bool TREE_old_is_empty(const struct TREE_old *old);
 */
/**
 * @contract TREE_old_free
 * @brief Wait for a grace period, then free the old object.
 *
 * Wait until no reader can still hold the handle's object, then free it
 * with free_fn; the handle is left empty. An empty handle: nothing
 * happens, no wait.
 *
 * @param old  The handle.
 *
 * @par Context:
 * Any thread, outside every read-side critical section, not holding a
 * transaction (see the group's page). Under qsbr a registered thread may
 * call it online.
 * @par Grace period:
 * Waits for one when the handle owns an object.
 * @par Memory ordering:
 * The grace period ends after every read-side critical section that could
 * have reached the object; their reads happen before free_fn.
 * @par Debug builds:
 * Abort when called inside a read-side critical section, or when the
 * object was already consumed through a copy of the handle.
 *
 * @par Example:
 * @snippet tree_snippets.c remove
 * @proto void TREE_old_free(struct TREE_old *old);
 */
/**
 * @contract TREE_old_reclaim
 * @brief Wait for a grace period, then take the old object back.
 *
 * Wait until no reader can still hold the handle's object, then give it
 * back to the caller (to reuse, insert again, or free by other means); the
 * handle is left empty.
 *
 * @param old  The handle; empty on return.
 * @return The object, now the caller's alone; NULL (without waiting) for
 *         an empty handle. Declared `warn_unused_result`.
 *
 * @par Context:
 * As TREE_old_free().
 * @par Grace period:
 * Waits for one when the handle owns an object.
 * @par Debug builds:
 * As TREE_old_free().
 * @proto ENTRY *TREE_old_reclaim(struct TREE_old *old);
 */
/**
 * @contract TREE_old_defer
 * @brief Free the old object after a grace period, without waiting.
 *
 * Hand the handle's object to call_rcu on a small node from librcuslot's
 * pool (the object embeds no `rcu_head`), as RCU_SLOT_DEFINE()'s
 * NAME_old_defer(); free_fn runs in liburcu's call_rcu worker after a
 * grace period. The handle is left empty; an empty handle: nothing
 * happens.
 *
 * @param old  The handle.
 *
 * @par Context:
 * A registered thread (any thread under bp), outside every read-side
 * critical section. Call rcuslot_barrier() before exit.
 * @par Grace period:
 * Does not wait, unless the deferral bound (rcuslot_set_defer_max()) is
 * reached or no pool node can be had: it then waits and frees here, as
 * TREE_old_free() (see @ref rcuslot_reclaim).
 * @par Debug builds:
 * Abort when called inside a read-side critical section, from an
 * unregistered thread (except under bp), or when the object was already
 * consumed through a copy of the handle.
 *
 * @par Example:
 * @snippet tree_snippets.c upsert
 * @proto void TREE_old_defer(struct TREE_old *old);
 */
/**
 * @contract TREE_batch_add
 * @brief Add the old object to a batch retired with one grace period.
 *
 * Move the handle's object into `batch`, which frees everything it holds,
 * of any containers, after one shared grace period (rcuslot_batch_free()
 * or rcuslot_batch_defer()); the handle is left empty.
 *
 * @param batch  The batch (see @ref rcuslot_batch), owned by the caller.
 * @param old    The handle.
 *
 * @par Context:
 * Any thread that owns `batch`, outside every read-side critical section
 * (the out-of-memory fallback waits).
 * @par Grace period:
 * Does not wait, unless no memory can be had for the batch: it then waits
 * for one grace period and frees the object, and what the batch held,
 * here.
 * @par Debug builds:
 * Abort when the object was already consumed through a copy of the handle.
 * @proto void TREE_batch_add(struct rcuslot_batch *batch, struct TREE_old *old);
 */
/* Everything a tree generates, whatever its keys. */
#define RCUSLOT_PRIV_TREE_DEF_OPS(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_TREE_DEF_DESCEND(name, type)                              \
	RCUSLOT_PRIV_DEF_FREE_VOID(name, type, free_fn)                        \
	RCUSLOT_PRIV_TREE_DEF_INIT(name)                                       \
	RCUSLOT_PRIV_TREE_DEF_DESTROY(name, type, fl)                          \
	RCUSLOT_PRIV_TREE_DEF_FIND(name, type, fl)                             \
	RCUSLOT_PRIV_TREE_DEF_COUNT(name, fl)                                  \
	RCUSLOT_PRIV_TREE_DEF_ITER(name, type, fl)                             \
	RCUSLOT_PRIV_TREE_DEF_VIEW(name, type, fl)                             \
	RCUSLOT_PRIV_TREE_DEF_INSERT(name, type, fl)                           \
	RCUSLOT_PRIV_TREE_DEF_SINGLE(name, type, fl, upsert, RCUSLOT_PRIV_TREE_UPSERT) \
	RCUSLOT_PRIV_TREE_DEF_SINGLE(name, type, fl, replace, RCUSLOT_PRIV_TREE_REPLACE) \
	RCUSLOT_PRIV_TREE_DEF_REMOVE(name, type, fl)                           \
	RCUSLOT_PRIV_TREE_DEF_COPY_UPDATE(name, type, free_fn, fl)             \
	RCUSLOT_PRIV_TREE_DEF_TXN(name, type, fl)                              \
	RCUSLOT_PRIV_DEF_OLD_IS_EMPTY(name, type)                              \
	RCUSLOT_PRIV_DEF_OLD_RECLAIM(name, type, fl, RCUSLOT_PRIV_HOOK_NONE)   \
	RCUSLOT_PRIV_DEF_OLD_FREE(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_DEF_OLD_DEFER(name, type, free_fn, fl)                    \
	RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, fl)

#define RCUSLOT_PRIV_TREE_DEF_END(gen, name)                                   \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct name##_old) == sizeof(void *), \
				   gen "(" #name "): an old handle is one pointer wide")

#define RCUSLOT_PRIV_TREE_DEF_INT(name, type, key_member, free_fn, fl)         \
	RCUSLOT_PRIV_TREE_DEF_TYPES(name, type);                               \
	RCUSLOT_PRIV_TREE_DEF_KEY_INT(name, type, key_member);                 \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_TREE_DEF_OPS(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_TREE_DEF_END("RCU_TREE_DEFINE", name)

#define RCUSLOT_PRIV_TREE_DEF_CUSTOM(gen, name, type, key_member, key_type, cmp_fn, \
				     free_fn, fl)                              \
	RCUSLOT_PRIV_TREE_DEF_TYPES(name, type);                               \
	RCUSLOT_PRIV_TREE_DEF_KEY_CMP(name, type, key_member, key_type, cmp_fn); \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_TREE_DEF_OPS(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_TREE_DEF_END(gen, name)

/** @endcond */

/** @addtogroup RCU_TREE_DEFINE
 * @{
 */

/**
 * Define a typed RCU ordered map `struct name` of objects of `type`, in
 * the order of their integer key member `key_member` (signed or unsigned,
 * at most 64 bits; anything else is a compile error here), freed by
 * `free_fn` (callable as `free_fn(type *)`), with its old handle, view and
 * transaction types and its operations (name_find, name_floor,
 * name_insert, name_txn_begin, ...: each on its own page, TREE_find() and
 * the others, for the placeholder names TREE and ENTRY). Once per tree
 * type, at file scope, followed by a semicolon:
 * @code
 * struct asrange {
 *         uint32_t start;          // the key: never changes while in a tree
 *         uint32_t end, asn;
 * };
 * static void asrange_free(struct asrange *r) { free(r); }
 * RCU_TREE_DEFINE(as_tree, struct asrange, start, asrange_free);
 * @endcode
 */
#define RCU_TREE_DEFINE(name, type, key_member, free_fn)                       \
	RCUSLOT_PRIV_TREE_DEF_INT(name, type, key_member, free_fn, RCUSLOT_FLAVOR)

/**
 * RCU_TREE_DEFINE() for any key: `int cmp_fn(key_type a, key_type b)`
 * returns <0, 0 or >0; `obj->key_member` converts to `key_type`; lookups
 * take a `key_type` by value. A cmp_fn or key member of other types is a
 * compile error here.
 */
#define RCU_TREE_DEFINE_CUSTOM(name, type, key_member, key_type, cmp_fn, free_fn) \
	RCUSLOT_PRIV_TREE_DEF_CUSTOM("RCU_TREE_DEFINE_CUSTOM", name, type, key_member, \
				     key_type, cmp_fn, free_fn, RCUSLOT_FLAVOR)

/**
 * RCU_TREE_DEFINE() for NUL-terminated string keys (a `const char *` or
 * `char[N]` member) in `strcmp` order, looked up by `const char *`.
 */
#define RCU_TREE_DEFINE_STRING(name, type, key_member, free_fn)                \
	RCUSLOT_PRIV_TREE_DEF_CUSTOM("RCU_TREE_DEFINE_STRING", name, type, key_member, \
				     const char *, rcuslot_priv_tree_strcmp, free_fn, \
				     RCUSLOT_FLAVOR)

/**
 * RCU_TREE_DEFINE() bound to a named liburcu flavor (`memb`, `qsbr`, `mb`,
 * `bp` or `signal`) instead of the unit's default, as
 * RCU_SLOT_DEFINE_FLAVOR(): include liburcu's header of the flavor before
 * rcuslot/rcuslot.h and read with that flavor's read lock.
 */
#define RCU_TREE_DEFINE_FLAVOR(name, type, key_member, free_fn, flavor)        \
	RCUSLOT_PRIV_FLAVOR_INCLUDED(name, flavor);                            \
	RCUSLOT_PRIV_TREE_DEF_INT(name, type, key_member, free_fn, flavor)

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_TREE_H */
