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
/* Signed: -1's top bit shifts down as -1, not as 1 (no `< 0`: -Wtype-limits). */
#define RCUSLOT_PRIV_TREE_SIGNED(t) (((t)-1 >> (sizeof(t) * 8 - 1)) != 1)
#define RCUSLOT_PRIV_TREE_IWORD(k)                                             \
	((uint64_t)(k) ^ (RCUSLOT_PRIV_TREE_SIGNED(__typeof__(k)) ? (uint64_t)1 << 63 : 0))

/* __builtin_classify_type: 1 integer, 2 char, 3 enum, 4 bool. */
#define RCUSLOT_PRIV_TREE_IS_INTEGER(x)                                        \
	(__builtin_classify_type(x) >= 1 && __builtin_classify_type(x) <= 4 && sizeof(x) <= 8)

/* --- the generated types ------------------------------------------------ */

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

#define RCUSLOT_PRIV_TREE_DEF_DESTROY(name, type, fl)                          \
	RCUSLOT_PRIV_FUNC void name##_destroy(struct name *t)                  \
	{                                                                      \
		struct rcuslot_priv_tnode *root;                               \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_destroy");                \
		root = rcuslot_priv_tree_detach(&t->rcuslot_priv_tree);        \
		if (root) {                                                    \
			rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(fl));         \
			rcuslot_priv_tree_drain(root, name##_priv_free_void);  \
		}                                                              \
	}

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
 * name_insert, name_txn_begin, ...). Once per tree type, at file scope,
 * followed by a semicolon:
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
