/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/map.h
 * @brief RCU_MAP_DEFINE(): a typed RCU hash map over liburcu's rculfhash.
 *
 * Objects embed a `struct rcuslot_map_node` and carry their own key. Readers
 * look keys up and iterate without locks inside a read-side critical
 * section; updaters insert, replace and remove concurrently; what an update
 * takes out is handed back as an old handle, retired exactly as a slot's
 * (name_old_free, name_old_defer, name_batch_add, ...). The reference is
 * the `RCU_MAP_DEFINE` pages, written from the contracts below, each above
 * the generator of its function.
 *
 * Generators, each used once at file scope and followed by a semicolon:
 * - `RCU_MAP_DEFINE(name, type, node_member, key_member, free_fn)`: the key
 *   is compared bytewise (memcmp) and hashed with rcuslot_map_hash_seeded()
 *   under the map's own seed (drawn by name_init); lookups take `const K *`
 *   where K is the key member's type.
 * - `RCU_MAP_DEFINE_CUSTOM(name, type, node_member, key_member, key_type,
 *   hash_fn, eq_fn, free_fn)`: lookups take a `key_type` by value;
 *   `obj->key_member` must convert to `key_type`; the functions are
 *   `unsigned long hash_fn(key_type)` and `bool eq_fn(key_type, key_type)`
 *   (exactly these types: a mismatch is an error at the DEFINE line).
 * - `RCU_MAP_DEFINE_STRING(name, type, node_member, key_member, free_fn)`:
 *   NUL-terminated string keys, a `const char *` or `char[N]` member,
 *   looked up by `const char *`, compared with strcmp and hashed with
 *   rcuslot_map_hash_string_seeded() under the map's own seed.
 * - `RCU_MAP_DEFINE_FLAVOR(name, type, node_member, key_member, free_fn,
 *   flavor)`: RCU_MAP_DEFINE() for a named liburcu flavor (memb, qsbr, mb,
 *   bp, signal), which may differ from the unit's RCUSLOT_FLAVOR (include
 *   its liburcu header first; test/scenarios/map_flavors.c).
 *
 * Memory ordering, once for the whole file:
 * - Publication (insert, upsert, replace, copy_update) goes through
 *   rculfhash's add_unique / add_replace / replace, each a full barrier
 *   before its commit: the stores that built the object happen before it
 *   is reachable. It pairs with the reader's rcu_dereference of the chain
 *   inside cds_lfht_lookup / cds_lfht_next (address dependency).
 * - Unpublication (remove, replace, upsert, copy_update, destroy) is
 *   rculfhash's del / replace, a full barrier after its commit; the updater
 *   that took an object out sees everything its publisher wrote.
 * - A grace period (rcuslot_synchronize, or the one call_rcu waits for)
 *   ends after every read_unlock of a section that could have reached the
 *   object; only then does free_fn run.
 * - TSan builds name these edges (rcuslot/compiler.h): RELEASE(obj) before
 *   publication pairs with ACQUIRE(obj) wherever the kit hands out or reads
 *   an object it found (find, iteration, the match function, updates).
 */
#ifndef RCUSLOT_MAP_H
#define RCUSLOT_MAP_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/debug.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/slot.h>

#include <urcu/rculfhash.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup RCU_MAP_DEFINE
 * @{
 */

/**
 * The map's link, embedded in every object a map holds.
 *
 * It carries liburcu's `cds_lfht_node` and the `rcu_head` that deferral
 * uses, so retiring an object allocates nothing. Its members are private;
 * the map initializes the node when it inserts, so objects may come
 * straight from malloc(). Its size and layout are the same in debug and
 * release builds (a debug unit and a release unit may share a map and its
 * objects): the word that tells the debug checks whether the object is in
 * a map or awaiting its grace period lives in the `rcu_head`, unused until
 * a deferral.
 */
struct rcuslot_map_node {
	/** @cond RCUSLOT_INTERNAL */
	struct cds_lfht_node rcuslot_priv_lfht;
	union {
		struct rcu_head rcuslot_priv_head; /* deferral */
		struct {
			/* cppcheck-suppress unusedStructMember ; used by name_destroy */
			struct rcuslot_map_node *rcuslot_priv_chain; /* destroy */
			/* Where the object stands; over the rcu_head's func. */
			/* cppcheck-suppress unusedStructMember ; used through uatomic */
			unsigned long rcuslot_priv_state;
		} rcuslot_priv_link;
	};
	/** @endcond */
};

/** @cond RCUSLOT_INTERNAL */
/*
 * One layout for every unit, debug or release: these hold whatever
 * RCUSLOT_DEBUG says, and a debug unit and a release unit agree on them.
 */
RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct rcuslot_map_node) ==
				   sizeof(struct cds_lfht_node) + sizeof(struct rcu_head),
			   "rcuslot: struct rcuslot_map_node is an lfht node and an rcu_head");
RCUSLOT_PRIV_STATIC_ASSERT(offsetof(struct rcuslot_map_node, rcuslot_priv_head) ==
				   sizeof(struct cds_lfht_node),
			   "rcuslot: struct rcuslot_map_node: the rcu_head follows the lfht node");
RCUSLOT_PRIV_STATIC_ASSERT(offsetof(struct rcuslot_map_node, rcuslot_priv_link.rcuslot_priv_state) ==
				   sizeof(struct cds_lfht_node) + sizeof(void *),
			   "rcuslot: struct rcuslot_map_node: the state word is the rcu_head's second");
RCUSLOT_PRIV_STATIC_ASSERT(sizeof(((struct rcuslot_map_node *)0)->rcuslot_priv_link) <=
				   sizeof(struct rcu_head),
			   "rcuslot: struct rcuslot_map_node: the link fits in the rcu_head");
/** @endcond */

/** Largest `expected` size NAME_init() accepts (larger is -EINVAL). */
#define RCUSLOT_MAP_EXPECTED_MAX (1UL << 31)

/**
 * Static initializer of an empty map of any RCU_MAP_DEFINE() type:
 * `static struct routes_map routes = RCU_MAP_INITIALIZER;`. Such a map has
 * no table yet: readers find nothing in it, and its first update (insert,
 * upsert, copy_update, or NAME_resize()) allocates the table and draws the
 * map's seed, so that update may return -ENOMEM. Racing first updates are
 * safe: one table wins, the others are destroyed unseen. A map of static
 * storage duration left without an initializer is zeroed, which is the
 * same. It names the map's members: given another container it does not
 * compile, nor does another container's initializer given a map.
 */
#define RCU_MAP_INITIALIZER                                                    \
	{ RCUSLOT_PRIV_DESIGNATED(rcuslot_priv_ht) NULL,                       \
	  RCUSLOT_PRIV_DESIGNATED(rcuslot_priv_seed) 0 }

/** @cond RCUSLOT_INTERNAL */
/*
 * The hash's building block: the full 128-bit product of a and b, its two
 * halves folded together. Every bit of either input reaches the middle of
 * the product, and the fold brings the high half's bits down to the low
 * bits rculfhash buckets by. A difference in one input changes the result
 * by an amount that depends on the other input, so when the seed is in
 * both, no difference between two keys cancels whatever the seed.
 */
RCUSLOT_PRIV_FUNC uint64_t rcuslot_priv_map_fold(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	uint64_t al = (uint32_t)a, ah = a >> 32, bl = (uint32_t)b, bh = b >> 32;
	uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
	uint64_t mid = (ll >> 32) + (uint32_t)lh + (uint32_t)hl;
	uint64_t lo = (mid << 32) | (uint32_t)ll;
	uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32);

	return lo ^ hi;
#endif
}

/* Unaligned little-endian-agnostic loads: the hash is per process. */
RCUSLOT_PRIV_FUNC uint64_t rcuslot_priv_map_load64(const unsigned char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

RCUSLOT_PRIV_FUNC uint64_t rcuslot_priv_map_load32(const unsigned char *p)
{
	uint32_t w;

	memcpy(&w, p, sizeof(w));
	return w;
}

/* Odd constants with about half their bits set; any such would do. */
#define RCUSLOT_PRIV_MAP_K0 0xa0761d6478bd642fULL
#define RCUSLOT_PRIV_MAP_K1 0xe7037ed1a0b428dbULL
#define RCUSLOT_PRIV_MAP_K2 0x8ebc6af09c88c6e3ULL
/** @endcond */

/**
 * A fresh hash seed from the system's randomness: what each map takes for
 * its own with its table (NAME_init(), or its first update).
 *
 * getrandom() without blocking, else /dev/urandom; if neither answers
 * (early in boot, or in a sandbox without either), a seed mixed from the
 * clock, the process id, the address space layout and a counter, which a
 * local observer could predict. Any thread, any context; never waits for a
 * grace period.
 *
 * @return 64 random bits, never 0 (a fixed constant in the one draw in
 *         2^64 that gives 0): a map without a table has seed 0.
 */
RCUSLOT_PRIV_EXPORT uint64_t rcuslot_map_new_seed(void);

/**
 * Hash `len` bytes at `key` under `seed`: the hash RCU_MAP_DEFINE() and
 * RCU_MAP_DEFINE_STRING() use, each with its map's own seed.
 *
 * Keys of up to 16 bytes cost two 64x64->128-bit multiplications (a
 * constant `len` folds the branches away); longer keys one more per 16
 * bytes. The seed enters both operands of every multiplication, so what
 * two keys' hashes have in common depends on it: with a seed the caller
 * cannot learn, no fixed set of keys can be made to collide. It is not a
 * cryptographic MAC: the seed does not survive an attacker who can see
 * the hashes or time many lookups of chosen keys against one map for long
 * (a map's iteration order reveals its hashes' low bits; see map.h).
 *
 * @param key   The bytes.
 * @param len   How many.
 * @param seed  The seed (rcuslot_map_new_seed()); 0 for an unseeded hash.
 * @return The hash. Any thread, any context.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_map_hash_seeded(const void *key, size_t len,
							 uint64_t seed)
{
	const unsigned char *p = (const unsigned char *)key;
	/*
	 * The two operands take the seed in two forms (rotated by 32 bits in
	 * one) so that swapping a key's halves is not a collision either.
	 */
	uint64_t s = (seed << 32 | seed >> 32) ^ RCUSLOT_PRIV_MAP_K0, a, b;
	size_t n = len;

	if (n <= 16) {
		if (n >= 8) {
			a = rcuslot_priv_map_load64(p);
			b = rcuslot_priv_map_load64(p + n - 8);
		} else if (n >= 4) {
			a = rcuslot_priv_map_load32(p);
			b = rcuslot_priv_map_load32(p + n - 4);
		} else if (n) {
			a = ((uint64_t)p[0] << 16) | ((uint64_t)p[n >> 1] << 8) | p[n - 1];
			b = 0;
		} else {
			a = b = 0;
		}
	} else {
		for (; n > 16; p += 16, n -= 16)
			s = rcuslot_priv_map_fold(rcuslot_priv_map_load64(p) ^ seed ^ RCUSLOT_PRIV_MAP_K1,
						  rcuslot_priv_map_load64(p + 8) ^ s);
		/* The last 16 bytes, overlapping what the loop took. */
		a = rcuslot_priv_map_load64(p + n - 16);
		b = rcuslot_priv_map_load64(p + n - 8);
	}
	s = rcuslot_priv_map_fold(a ^ seed ^ RCUSLOT_PRIV_MAP_K1, b ^ s);
	return (unsigned long)rcuslot_priv_map_fold(s ^ RCUSLOT_PRIV_MAP_K2,
						    (uint64_t)len ^ seed ^ RCUSLOT_PRIV_MAP_K1);
}

/**
 * Hash a NUL-terminated string under `seed`: rcuslot_map_hash_seeded()
 * over its bytes. The hash RCU_MAP_DEFINE_STRING() uses.
 *
 * @param s     The string.
 * @param seed  The seed.
 * @return The hash. Any thread, any context.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_map_hash_string_seeded(const char *s, uint64_t seed)
{
	return rcuslot_map_hash_seeded(s, strlen(s), seed);
}

/**
 * Hash `len` bytes at `key` without a seed: rcuslot_map_hash_seeded() with
 * seed 0, the same in every process. For RCU_MAP_DEFINE_CUSTOM() hashes of
 * keys that no one else chooses (the generated maps seed theirs): without
 * a seed, sets of keys that all collide are easy to build (any keys of 9
 * to 16 bytes whose first 8 are one constant of this file hash alike), so
 * with keys that others choose, hash with a seed of your own from
 * rcuslot_map_new_seed() instead.
 *
 * @param key  The bytes.
 * @param len  How many.
 * @return The hash. Any thread, any context.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_map_hash_bytes(const void *key, size_t len)
{
	return rcuslot_map_hash_seeded(key, len, 0);
}

/**
 * Hash a NUL-terminated string without a seed: rcuslot_map_hash_bytes()
 * over its bytes.
 *
 * @param s  The string.
 * @return The hash. Any thread, any context.
 */
RCUSLOT_PRIV_FUNC unsigned long rcuslot_map_hash_string(const char *s)
{
	return rcuslot_map_hash_bytes(s, strlen(s));
}

/**
 * Compare two NUL-terminated strings: the equality RCU_MAP_DEFINE_STRING()
 * uses.
 *
 * @param a  A string.
 * @param b  Another.
 * @return true when they are equal.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_map_string_eq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/** @} */

/** @cond RCUSLOT_INTERNAL */

/*
 * NOLINTBEGIN(bugprone-macro-parentheses): as in slot.h, `type`, the member
 * names and `free_fn` cannot be parenthesized.
 */

/*
 * Every flavor-specific liburcu name the map uses goes through
 * RCUSLOT_PRIV_URCU_OF(flavor, op) and RCUSLOT_PRIV_FL(flavor) (flavor.h).
 *
 * The map's own read-side sections (rculfhash's updates need the read
 * lock). They are liburcu's, so the debug checks see them as any others
 * (a copy callback may call name_find); under TSan the unlock ends the
 * updater's reads as a reader's.
 *
 * Under qsbr, "outside a read-side section" means offline, where the read
 * lock is a no-op and grace periods do not wait for the thread: an updater
 * called offline would walk chains whose nodes another thread's old_free
 * may be freeing. So it goes online for the walk and offline again after.
 * thread_online() is a full barrier before the walk's first load, and
 * thread_offline() one after its last; they pair with the barriers of
 * synchronize_rcu() that read the thread's state, so a grace period either
 * waits for the walk or ended before it began (and then the walk cannot
 * reach what it freed). One LOCK per function: it declares a local. The
 * flag folds to false for the other flavors.
 */
#define RCUSLOT_PRIV_MAP_LOCK(flavor)                                          \
	const bool rcuslot_priv_map_was_offline =                              \
		RCUSLOT_PRIV_FLAVOR_IS_QSBR(flavor) &&                         \
		!RCUSLOT_PRIV_URCU_OF(flavor, read_ongoing)();                 \
	if (rcuslot_priv_map_was_offline)                                      \
		RCUSLOT_PRIV_URCU_OF(flavor, thread_online)();                 \
	RCUSLOT_PRIV_URCU_OF(flavor, read_lock)()
#define RCUSLOT_PRIV_MAP_UNLOCK(flavor, fn)                                    \
	do {                                                                   \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(flavor, read_unlock)();                   \
		if (rcuslot_priv_map_was_offline)                              \
			RCUSLOT_PRIV_URCU_OF(flavor, thread_offline)();        \
	} while (0)

#define RCUSLOT_PRIV_MAP_TSAN_PUBLISH(obj) RCUSLOT_PRIV_TSAN_RELEASE(obj)
#define RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(obj) RCUSLOT_PRIV_TSAN_ACQUIRE(obj)

/*
 * Where an object stands, in the node's state word (the rcu_head's second
 * word, unused while the object is in a map or owned by a handle). Every
 * unit keeps the word, debug or release (one store at each step, on a line
 * the step writes anyway), so that a debug unit's check gives the same
 * verdict whichever unit inserted, removed or freed the object, and never
 * mistakes memory a release unit freed for a linked object. Free memory and
 * a fresh malloc() hold neither magic word: the kit clears the word before
 * every free_fn and when old_reclaim hands the object back. old_defer's
 * call_rcu overwrites the word with its callback: a debug unit recognizes
 * its own.
 */
#define RCUSLOT_PRIV_MAP_LINKED 0x4d41504c494e4b44UL  /* in a map */
#define RCUSLOT_PRIV_MAP_RETIRED 0x4d41505245544952UL /* out, before its grace period */
#define RCUSLOT_PRIV_MAP_STATE_FREE 0UL
#define RCUSLOT_PRIV_MAP_SET_STATE(node, s)                                    \
	uatomic_set(&(node)->rcuslot_priv_link.rcuslot_priv_state, (s))
#ifdef RCUSLOT_DEBUG
#define RCUSLOT_PRIV_MAP_DBG_FRESH(fn, node, defer_cb)                         \
	do {                                                                   \
		unsigned long rcuslot_priv_st =                                \
			uatomic_read(&(node)->rcuslot_priv_link.rcuslot_priv_state); \
		if (rcuslot_priv_st == RCUSLOT_PRIV_MAP_LINKED)                \
			rcuslot_priv_dbg_fail(fn, "called with an object that is already in a map", \
					      &rcuslot_priv_loc);              \
		if (rcuslot_priv_st == RCUSLOT_PRIV_MAP_RETIRED ||             \
		    rcuslot_priv_st == (unsigned long)(uintptr_t)(defer_cb))   \
			rcuslot_priv_dbg_fail(fn, "called with an object taken out of a map whose " \
					      "grace period has not passed (an old handle owns it)", \
					      &rcuslot_priv_loc);              \
	} while (0)
#else
#define RCUSLOT_PRIV_MAP_DBG_FRESH(fn, node, defer_cb) do { } while (0)
#endif

/*
 * Inlined even in debug builds, so that a debug check inside reports the
 * caller of the generated function that calls it.
 */
#define RCUSLOT_PRIV_MAP_INLINE static inline __attribute__((always_inline, unused))

/*
 * The object's node and its lfht node, and the object that embeds an lfht
 * node or a node (compiler.h's node<->object idiom).
 */
#define RCUSLOT_PRIV_MAP_NODE(obj, member)                                     \
	RCUSLOT_PRIV_NODE_OF(struct rcuslot_map_node, obj, member)
#define RCUSLOT_PRIV_MAP_LNODE(obj, member)                                    \
	(&RCUSLOT_PRIV_MAP_NODE(obj, member)->rcuslot_priv_lfht)
#define RCUSLOT_PRIV_MAP_OBJ(type, member, lnode)                              \
	RCUSLOT_PRIV_OBJ_OF(type, member,                                      \
			    RCUSLOT_PRIV_OBJ_OF(struct rcuslot_map_node, rcuslot_priv_lfht, lnode))

/* --- the generated types ------------------------------------------------- */

/**
 * @contract-group RCU_MAP_DEFINE RCU_MAP_DEFINE: the generated map API
 * @brief A typed RCU hash map over liburcu's rculfhash, generated per
 *        object type.
 *
 * `RCU_MAP_DEFINE(MAP, ENTRY, node, key, free_fn);` at file scope
 * generates, for objects of type `ENTRY` that embed a
 * `struct rcuslot_map_node node` and carry their key in the member `key`:
 *
 * - `struct MAP`, the map, and `struct MAP_old`, the old handle;
 * - `MAP_key`, the key member's type (`KEY` on these pages);
 * - `MAP_copy_fn`, the type of copy_update's callback;
 * - the operations below, all `static inline`, and the iterator
 *   RCU_MAP_FOREACH().
 *
 * Read `MAP_find` as `route_map_find` after
 * `RCU_MAP_DEFINE(route_map, struct route, node, dst, route_free)`, `ENTRY`
 * as `struct route` and `KEY` as the type of `dst`.
 *
 * @code
 * struct route {
 *         uint32_t dst;                  // the key: never changes while in the map
 *         uint32_t via, metric;
 *         struct rcuslot_map_node node;  // the map's link
 * };
 * static void route_free(struct route *r) { free(r); }
 *
 * RCU_MAP_DEFINE(route_map, struct route, node, dst, route_free);
 *
 * static struct route_map routes = RCU_MAP_INITIALIZER; // its table comes with the first update
 *
 * struct route_map sized;                // or at run time, sized:
 * if (route_map_init(&sized, 1024) != 0)
 *         return -ENOMEM;
 * @endcode
 *
 * **Initialization.** A map is set up either statically, with
 * RCU_MAP_INITIALIZER (or zeroed, as any static variable), or by
 * MAP_init(), which allocates its table at once. A statically initialized
 * map has no table until its first update (MAP_insert(), MAP_upsert(),
 * MAP_copy_update() or MAP_resize()), which allocates it and draws the
 * map's seed: that update may fail with -ENOMEM. Until then readers find
 * nothing, MAP_remove() hands back an empty handle and MAP_replace()
 * returns -ENOENT. MAP_destroy() leaves a map in the same state, so it may
 * be used again.
 *
 * **Keys.** RCU_MAP_DEFINE() compares keys bytewise (`memcmp` over
 * `sizeof(KEY)`) and hashes them with rcuslot_map_hash_seeded() under the
 * map's own seed, drawn with its table from the system's randomness (so no
 * fixed set of keys collides; RCU_MAP_DEFINE_STRING() likewise): a struct
 * key with padding must have its padding zeroed in every object and every
 * key looked up. RCU_MAP_DEFINE_CUSTOM() takes the user's hash and
 * equality, and passes keys by value as its `key_type`;
 * RCU_MAP_DEFINE_STRING() is it for NUL-terminated strings (`const char *`
 * or `char[N]` members, looked up by `const char *`). Their operations are
 * the ones below with `const KEY *key` read as `key_type key`. A key must
 * not change while its object is in a map.
 *
 * **Objects** come from the user (malloc, calloc, a pool) and the map
 * initializes the node when it inserts. An object is in at most one map at
 * a time. Once taken out (MAP_remove(), or replaced), it belongs to an old
 * handle, and may be freed, reused or inserted again only after a grace
 * period: through MAP_old_reclaim(), or freed by the others. Debug builds
 * abort when an object that is in a map, or whose handle still owns it, is
 * inserted.
 *
 * **free_fn** is a function or macro callable as `free_fn(obj)` with a
 * non-NULL `ENTRY *`. It runs once per retired object, after a grace
 * period: in the caller's thread for MAP_old_free(), MAP_destroy() and
 * rcuslot_batch_free(); in liburcu's call_rcu worker for MAP_old_defer() and
 * rcuslot_batch_defer(); and at once for a copy that MAP_copy_update() built
 * but could not publish. It must not wait for a grace period.
 *
 * **Which operation from where:**
 *
 * - **readers**, inside a read-side critical section: MAP_find() and
 *   RCU_MAP_FOREACH();
 * - **updaters**, any registered thread, inside or outside a read-side
 *   section, concurrently with each other: MAP_insert(), MAP_upsert(),
 *   MAP_replace(), MAP_remove(), MAP_copy_update(); they take the read lock
 *   themselves where rculfhash needs it and never wait for a grace period
 *   (under qsbr, where outside a section means offline, a thread called
 *   offline goes online for the update's walk of the table and offline
 *   again before returning: grace periods wait for that walk);
 * - **retiring what an update took out**, outside any read-side section:
 *   exactly one of MAP_old_free(), MAP_old_reclaim(), MAP_old_defer(),
 *   MAP_batch_add(); none allocates memory but the batch's chunks;
 * - **set-up and tear-down**: MAP_init(), MAP_destroy(), MAP_count(),
 *   MAP_resize().
 *
 * **What a concurrent reader can observe.** A lookup sees an object that
 * was in the map at some moment during the lookup, or NULL when there was
 * none. MAP_upsert(), MAP_replace() and MAP_copy_update() are atomic to
 * readers: a key that stays present is never seen missing while its object
 * is replaced. Iteration sees every object present for the whole iteration
 * exactly once; objects inserted or removed meanwhile may or may not be
 * seen. Nothing a reader can reach is freed before its section ends.
 *
 * **Allocation failure.** MAP_init(), and the first update of a map set up
 * with RCU_MAP_INITIALIZER, return -ENOMEM when rculfhash cannot allocate
 * the table, on liburcu versions that report it; liburcu 0.13 to
 * 0.15 instead abort in an assertion of their own when the first bucket
 * table cannot be allocated, and likewise when a resize cannot allocate a
 * larger bucket table (the map cannot see or recover from either). A resize
 * whose work item cannot be allocated is skipped, and the table keeps
 * working with longer chains; one whose helper threads cannot be created
 * runs single-threaded. Retiring an object never allocates: the node
 * carries the `rcu_head` deferral needs.
 *
 * **liburcu 0.13.2 and destroy.** cds_lfht_destroy() waits for a resize in
 * flight, and a shrink waits for a grace period: a caller inside a
 * read-side section, or online under qsbr, would wait for itself (fixed in
 * liburcu 0.13.3). MAP_destroy() must be called outside any read-side
 * section (debug builds check) and goes offline around cds_lfht_destroy()
 * when the thread is online under qsbr, so it is safe right after a burst
 * of updates that started resizes.
 *
 * Debug builds (`RCUSLOT_DEBUG`, see @ref rcuslot_debug) check each
 * operation's calling context and print one line naming the function, the
 * map and the caller's file:line.
 *
 * @see rcuslot/map.h (the macros, the hash, the memory ordering in full),
 *      examples/routes.c.
 *
 * @order MAP_copy_fn MAP_init MAP_destroy MAP_find MAP_insert MAP_upsert
 *        MAP_replace MAP_remove MAP_copy_update MAP_count MAP_resize
 *        MAP_old_is_empty MAP_old_free MAP_old_reclaim MAP_old_defer
 *        MAP_batch_add
 */
/**
 * @contract-decl
 * Placeholder for the object type given to RCU_MAP_DEFINE().
 *
 * A struct that embeds a `struct rcuslot_map_node` and its key.
 * @decl typedef struct ENTRY ENTRY;
 */
/**
 * @contract-decl
 * Placeholder for the key member's type, generated as `MAP_key`.
 * @decl typedef struct KEY KEY;
 */
/**
 * @contract-decl
 * The map: a handle on an rculfhash table that grows and shrinks by itself.
 *
 * A pointer and the map's 64-bit hash seed. Initialize it with
 * RCU_MAP_INITIALIZER or MAP_init(), tear it down with MAP_destroy();
 * access it only through the generated functions.
 * @decl struct MAP { private: struct cds_lfht *rcuslot_priv_ht; uint64_t rcuslot_priv_seed; };
 */
/**
 * @contract-decl
 * The old handle: owns one object taken out of a map that readers may
 * still be reading, or nothing ("empty").
 *
 * MAP_upsert(), MAP_replace(), MAP_remove() and MAP_copy_update() hand one
 * out; it must be consumed by exactly one of MAP_old_free(),
 * MAP_old_reclaim(), MAP_old_defer() or MAP_batch_add(), which empty it.
 * Consuming an empty handle is a no-op; dropping a non-empty one leaks the
 * object; copying one and consuming both copies frees it twice (debug
 * builds abort at the second). One pointer wide, exactly as a slot's.
 * @decl struct MAP_old { private: ENTRY *rcuslot_priv_obj; };
 */
/**
 * @contract MAP_copy_fn
 * @brief The copy step of MAP_copy_update().
 *
 * The callback MAP_copy_update() calls to build the next version of one
 * entry: the "copy" of read-copy-update, as for slots (NAME_copy_fn).
 *
 * `copy(old, &new, arg)` runs inside a read-side critical section, once or
 * more (again, against the newer entry, after another updater of the same
 * key won a race), so it must have no side effects beyond building the new
 * object.
 *
 * @param old      The entry under the key, read-only; NULL when the key is
 *                 absent. Valid only during the call.
 * @param new_out  Write it on success, as for a slot's NAME_copy_fn: a
 *                 new object under the same key (fully built, freeable by
 *                 free_fn on its own) to insert it or to replace `old` with
 *                 it; NULL to remove `old`; `old` itself for "no change". A
 *                 callback that returns 0 without writing it changes
 *                 nothing (the map stays as it was, the handle empty), and
 *                 debug builds abort naming MAP_copy_update()'s caller:
 *                 removing takes an explicit `*new_out = NULL`.
 * @param arg      The `arg` given to MAP_copy_update().
 * @return 0 to go ahead, or a non-zero error that MAP_copy_update() returns
 *         as is, leaving the map unchanged and ignoring `*new_out`: the
 *         callback frees anything it built before failing.
 *
 * @par Context:
 * Called by MAP_copy_update() in the updater's thread, inside a read-side
 * critical section: it may call MAP_find(), must not block for long and
 * must not wait for a grace period.
 * @proto typedef int MAP_copy_fn(const ENTRY *old, ENTRY **new_out, void *arg);
 */
#define RCUSLOT_PRIV_MAP_DEF_TYPES(name, type)                                 \
	struct name {                                                          \
		struct cds_lfht *rcuslot_priv_ht;                              \
		uint64_t rcuslot_priv_seed; /* the hash's, from init */        \
	};                                                                     \
	struct name##_old {                                                    \
		type *rcuslot_priv_obj;                                        \
	};                                                                     \
	typedef int name##_copy_fn(const type *old, type **new_out, void *arg); \
	/* old_defer's callback (RCUSLOT_PRIV_MAP_DEF_OLD): the debug checks know it. */ \
	RCUSLOT_PRIV_FUNC void name##_priv_defer_cb(struct rcu_head *head);

/* --- keys: what distinguishes the two generators ------------------------ */

/*
 * Every key helper takes the key as name_priv_karg: `const K *` for bytewise
 * keys, `key_type` by value for custom ones. rculfhash gets a pointer to
 * the key (name_priv_kp), the match function turns it back.
 */
#define RCUSLOT_PRIV_MAP_DEF_KEY_BYTES(name, type, node_member, key_member)    \
	typedef __typeof__(((type *)0)->key_member) name##_key;                \
	typedef const name##_key *name##_priv_karg;                            \
	RCUSLOT_PRIV_FUNC unsigned long name##_priv_hash(const struct name *map, \
							 name##_priv_karg key) \
	{                                                                      \
		return rcuslot_map_hash_seeded(key, sizeof(*key), RCUSLOT_PRIV_MAP_SEED(map)); \
	}                                                                      \
	RCUSLOT_PRIV_FUNC name##_priv_karg name##_priv_key_of(const type *obj) \
	{                                                                      \
		return &obj->key_member;                                       \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const void *name##_priv_kp(const name##_priv_karg *key) \
	{                                                                      \
		return *key;                                                   \
	}                                                                      \
	RCUSLOT_PRIV_FUNC int name##_priv_match(struct cds_lfht_node *lnode,   \
						const void *key)               \
	{                                                                      \
		const type *obj = RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode); \
                                                                               \
		RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(obj);                          \
		return memcmp(&obj->key_member, key, sizeof(name##_key)) == 0; \
	}

/* A key passed by value (the custom and string generators), with eq_fn. */
#define RCUSLOT_PRIV_MAP_DEF_KEY_VALUE(name, type, node_member, key_member,    \
				       key_type, eq_fn)                        \
	typedef key_type name##_key;                                           \
	typedef key_type name##_priv_karg;                                     \
	RCUSLOT_PRIV_FUNC name##_priv_karg name##_priv_key_of(const type *obj) \
	{                                                                      \
		return obj->key_member;                                        \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const void *name##_priv_kp(const name##_priv_karg *key) \
	{                                                                      \
		return key;                                                    \
	}                                                                      \
	RCUSLOT_PRIV_FUNC int name##_priv_match(struct cds_lfht_node *lnode,   \
						const void *key)               \
	{                                                                      \
		const type *obj = RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode); \
                                                                               \
		RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(obj);                          \
		return eq_fn(obj->key_member, *(const name##_priv_karg *)key); \
	}

/* The user's hash; (void)(fp = fn) style: a wrong hash or equality type fails here. */
#define RCUSLOT_PRIV_MAP_DEF_KEY_CUSTOM(name, type, node_member, key_member,   \
					key_type, hash_fn, eq_fn)              \
	RCUSLOT_PRIV_MAP_DEF_KEY_VALUE(name, type, node_member, key_member,    \
				       key_type, eq_fn)                        \
	RCUSLOT_PRIV_FUNC void name##_priv_check_fns(void)                     \
	{                                                                      \
		unsigned long (*h)(name##_key) = hash_fn;                      \
		bool (*e)(name##_key, name##_key) = eq_fn;                     \
		(void)h;                                                       \
		(void)e;                                                       \
	}                                                                      \
	RCUSLOT_PRIV_FUNC unsigned long name##_priv_hash(const struct name *map, \
							 name##_priv_karg key) \
	{                                                                      \
		(void)map;                                                     \
		return hash_fn(key);                                           \
	}

/* Strings: the map's seeded hash over the bytes, strcmp equality. */
#define RCUSLOT_PRIV_MAP_DEF_KEY_STRING(name, type, node_member, key_member)   \
	RCUSLOT_PRIV_MAP_DEF_KEY_VALUE(name, type, node_member, key_member,    \
				       const char *, rcuslot_map_string_eq)    \
	RCUSLOT_PRIV_FUNC unsigned long name##_priv_hash(const struct name *map, \
							 name##_priv_karg key) \
	{                                                                      \
		return rcuslot_map_hash_string_seeded(key, RCUSLOT_PRIV_MAP_SEED(map)); \
	}

/* --- the table ---------------------------------------------------------- */

/*
 * The map's table, NULL while it has none (RCU_MAP_INITIALIZER, or after
 * name_destroy). Acquire: pairs with the release of the exchange that
 * published it (name_priv_table_for_update), so that whoever sees the table
 * sees the seed drawn before it. Every function that hashes loads the table
 * first.
 */
#define RCUSLOT_PRIV_MAP_TABLE(map) __atomic_load_n(&(map)->rcuslot_priv_ht, __ATOMIC_ACQUIRE)

/*
 * The seed, read after the table. Relaxed (a plain load on every machine):
 * the table's acquire orders it. Atomic all the same, because a racing
 * first update's failed exchange of the seed counts as a write to TSan.
 */
#define RCUSLOT_PRIV_MAP_SEED(map) __atomic_load_n(&(map)->rcuslot_priv_seed, __ATOMIC_RELAXED)

/*
 * Auto-resize needs accounting to shrink; min_nr_alloc_buckets 1 lets it
 * shrink all the way. NULL from rculfhash after our own checks means memory
 * (liburcu up to 0.15 asserts instead; see the reference).
 */
#define RCUSLOT_PRIV_MAP_DEF_TABLE(name, flavor)                               \
	RCUSLOT_PRIV_FUNC struct cds_lfht *name##_priv_new_table(unsigned long expected) \
	{                                                                      \
		unsigned long size = 1;                                        \
                                                                               \
		while (size < expected && size < RCUSLOT_MAP_EXPECTED_MAX)     \
			size <<= 1;                                            \
		return cds_lfht_new_flavor(size, 1, 0,                         \
					   CDS_LFHT_AUTO_RESIZE | CDS_LFHT_ACCOUNTING, \
					   RCUSLOT_PRIV_FL(flavor), NULL);     \
	}                                                                      \
	/*                                                                     \
	 * The table an update needs; for a map without one, a new one, its   \
	 * seed drawn first (once: a seed is never 0, so a drawn one is never  \
	 * drawn again). Racing first updates each build a table; the first   \
	 * exchange publishes its own and the others destroy theirs, which no  \
	 * one saw. NULL: no memory.                                           \
	 *                                                                     \
	 * Ordering: the seed has one store (a release exchange); the acquire  \
	 * load after it reads that store, whoever made it, so the seed        \
	 * happens before this thread's release exchange of the table, which   \
	 * RCUSLOT_PRIV_MAP_TABLE's acquire pairs with: whoever sees a table   \
	 * sees its seed. A losing exchange reloads the winner's table with    \
	 * acquire rather than rely on the failure order.                      \
	 */                                                                    \
	RCUSLOT_PRIV_FUNC struct cds_lfht *name##_priv_table_for_update(struct name *map, \
									unsigned long expected) \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map), *none = NULL; \
		uint64_t unseeded = 0;                                         \
                                                                               \
		if (caa_likely(ht != NULL))                                    \
			return ht;                                             \
		if (!__atomic_load_n(&map->rcuslot_priv_seed, __ATOMIC_RELAXED)) \
			(void)__atomic_compare_exchange_n(&map->rcuslot_priv_seed, &unseeded, \
							  rcuslot_map_new_seed(), false, \
							  __ATOMIC_RELEASE, __ATOMIC_RELAXED); \
		(void)__atomic_load_n(&map->rcuslot_priv_seed, __ATOMIC_ACQUIRE); \
		ht = name##_priv_new_table(expected);                          \
		if (!ht)                                                       \
			return NULL;                                           \
		if (__atomic_compare_exchange_n(&map->rcuslot_priv_ht, &none, ht, false, \
						__ATOMIC_RELEASE, __ATOMIC_RELAXED)) \
			return ht;                                             \
		(void)cds_lfht_destroy(ht, NULL);                              \
		return RCUSLOT_PRIV_MAP_TABLE(map);                            \
	}

/* --- set-up -------------------------------------------------------------- */

/**
 * @contract MAP_init
 * @brief Create a map's table.
 *
 * Create the table of an empty map, sized for `expected` objects; it grows
 * and shrinks by itself as objects come and go. Draws the map's hash seed
 * from the system's randomness (rcuslot_map_new_seed()), so the same keys
 * hash differently in every map and every run (custom maps keep their own
 * hash).
 *
 * @param map       The map.
 * @param expected  How many objects to size the table for (0 is fine), at
 *                  most RCUSLOT_MAP_EXPECTED_MAX.
 * @return 0; -EINVAL for a NULL map or too large an `expected`; -ENOMEM
 *         when the table cannot be allocated (on liburcu versions that
 *         report it: 0.13 to 0.15 abort in their own assertion instead). On
 *         error the map holds no table and MAP_destroy() does nothing.
 *
 * @par Context:
 * Any thread, registered or not. The map must not be in use.
 * @par Grace period:
 * Never waits.
 * @proto int MAP_init(struct MAP *map, unsigned long expected);
 */
#define RCUSLOT_PRIV_MAP_DEF_INIT(name, flavor)                                \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_init(struct name *map, unsigned long expected)                  \
	{                                                                      \
		if (!map)                                                      \
			return -EINVAL;                                        \
		map->rcuslot_priv_ht = NULL;                                   \
		if (expected > RCUSLOT_MAP_EXPECTED_MAX)                       \
			return -EINVAL;                                        \
		map->rcuslot_priv_seed = rcuslot_map_new_seed();               \
		map->rcuslot_priv_ht = name##_priv_new_table(expected);        \
		return map->rcuslot_priv_ht ? 0 : -ENOMEM;                     \
	}

/* --- read side ----------------------------------------------------------- */

/**
 * @contract MAP_find
 * @brief Look a key up: the reader's operation.
 *
 * Find the object under `key`, inside a read-side critical section.
 *
 * The object stays valid and unchanged until the end of the outermost
 * read-side critical section around the call, even if an updater removes
 * or replaces it meanwhile.
 *
 * @param map  The map.
 * @param key  The key, `const KEY *` (a `key_type` by value for
 *             RCU_MAP_DEFINE_CUSTOM() and RCU_MAP_DEFINE_STRING() maps).
 * @return The object, or NULL when the key is absent.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside a read-side critical
 * section (RCUSLOT_READ_GUARD(), rcuslot_read_lock(), ...); under qsbr the
 * object stays valid until the thread's next quiescent state.
 * @par Grace period:
 * Never waits, never blocks, never writes shared memory.
 * @par Memory ordering:
 * rculfhash's rcu_dereference() of each link, pairing with the full
 * barrier before an insert's or replace's commit: a reader never sees a
 * partly built object.
 * @par Debug builds:
 * Abort outside a read-side critical section or from an unregistered
 * thread.
 * @proto const ENTRY *MAP_find(struct MAP *map, const KEY *key);
 */
#define RCUSLOT_PRIV_MAP_DEF_FIND(name, type, node_member, flavor)             \
	RCUSLOT_PRIV_FUNC const type *name##_find(struct name *map,            \
						  name##_priv_karg key)        \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		struct cds_lfht_iter iter;                                     \
		struct cds_lfht_node *lnode;                                   \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(flavor, #name "_find");                     \
		if (caa_unlikely(!ht))                                         \
			return NULL;                                           \
		cds_lfht_lookup(ht, name##_priv_hash(map, key), name##_priv_match, \
				name##_priv_kp(&key), &iter);                  \
		lnode = cds_lfht_iter_get_node(&iter);                         \
		if (!lnode)                                                    \
			return NULL;                                           \
		RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode)); \
		return RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode);         \
	}

/* Iteration: the first object, then each next one; NULL at the end. */
#define RCUSLOT_PRIV_MAP_DEF_ITER(name, type, node_member, flavor)             \
	RCUSLOT_PRIV_FUNC const type *name##_priv_iter_obj(struct cds_lfht_iter *iter) \
	{                                                                      \
		struct cds_lfht_node *lnode = cds_lfht_iter_get_node(iter);    \
                                                                               \
		if (!lnode)                                                    \
			return NULL;                                           \
		RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode)); \
		return RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode);         \
	}                                                                      \
	RCUSLOT_PRIV_FUNC struct cds_lfht_iter                                 \
	name##_priv_iter_first(struct name *map, const type **obj)             \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		struct cds_lfht_iter iter;                                     \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_READ_SIDE(flavor, "RCU_MAP_FOREACH(" #name ")");      \
		if (!ht) { /* nothing to walk: next is never called */        \
			memset(&iter, 0, sizeof(iter));                        \
			*obj = NULL;                                           \
			return iter;                                           \
		}                                                              \
		cds_lfht_first(ht, &iter);                                     \
		*obj = name##_priv_iter_obj(&iter);                            \
		return iter;                                                   \
	}                                                                      \
	RCUSLOT_PRIV_FUNC const type *name##_priv_iter_next(struct name *map,  \
							    struct cds_lfht_iter *iter) \
	{                                                                      \
		cds_lfht_next(RCUSLOT_PRIV_MAP_TABLE(map), iter);              \
		return name##_priv_iter_obj(iter);                             \
	}

/**
 * @contract MAP_count
 * @brief How many objects the map holds.
 *
 * Count the objects in the map.
 *
 * @param map  The map.
 * @return The count: exact when no update runs concurrently; under
 *         concurrent updates, approximate (the objects the walk met: one
 *         inserted or removed during the call may or may not be counted).
 *         It walks the whole table, O(objects + buckets), inside a
 *         read-side section of its own: for statistics, not a fast path.
 *
 * @par Context:
 * A registered thread, inside or outside a read-side critical section.
 * @par Grace period:
 * Never waits.
 * @proto unsigned long MAP_count(struct MAP *map);
 */
/*
 * Exact without concurrent updates: rculfhash's split counters are only
 * committed in steps of 1024, so count the chain itself.
 */
#define RCUSLOT_PRIV_MAP_DEF_COUNT(name, flavor)                               \
	RCUSLOT_PRIV_FUNC unsigned long name##_count(struct name *map)         \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		long before, after;                                            \
		unsigned long n;                                               \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_count");                   \
		if (!ht)                                                       \
			return 0;                                              \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		cds_lfht_count_nodes(ht, &before, &n, &after);                 \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_count");               \
		return n;                                                      \
	}

/**
 * @contract MAP_resize
 * @brief Size the table for a number of objects, now.
 *
 * Resize the table to the power of two at or above `expected` buckets
 * (rculfhash's cds_lfht_resize()), in the caller's thread; automatic
 * resizing goes on from there.
 *
 * The table resizes itself, but liburcu (0.13 to at least 0.15) can lose a
 * request: its launcher marks a resize as initiated only after queueing it,
 * so when the resize thread runs the whole resize in between, the mark stays
 * set and no resize is queued again; the table keeps its size while its
 * chains grow (one thread inserting two million keys left the table at
 * 2,048 buckets about one run in fifteen on a loaded 2-core machine).
 * MAP_resize() runs a resize here and clears the mark: a program
 * that knows roughly how many objects it holds can call it now and then
 * (examples/kvd does, from its housekeeping thread, each time its item count
 * doubles).
 *
 * A map set up with RCU_MAP_INITIALIZER that has no table yet gets one of
 * that size (a hint: without memory it stays without, and its next update
 * tries again).
 *
 * @param map       The map.
 * @param expected  Objects it is to hold (0 or 1: the smallest table).
 *
 * @par Context:
 * A registered thread, outside read-side critical sections (under qsbr it
 * goes offline around the resize, as MAP_destroy()).
 * @par Grace period:
 * May wait for grace periods (a shrink frees the old bucket tables after
 * one), and for a resize in progress to end.
 * @par Concurrency:
 * Lookups, iterations and updates may run concurrently and stay correct.
 * @proto void MAP_resize(struct MAP *map, unsigned long expected);
 */
/*
 * Resize now, in the caller's thread. It is also the way out of a lost
 * request in rculfhash's automatic resize (liburcu 0.13 to at least
 * 0.15): the launcher marks a resize as initiated only after queueing it,
 * so when the worker runs the whole resize in between, the mark stays set
 * and no resize is ever queued again; cds_lfht_resize runs one here and
 * clears it. Offline around it under qsbr, as destroy (a shrink waits for
 * grace periods).
 */
#define RCUSLOT_PRIV_MAP_DEF_RESIZE(name, flavor)                              \
	RCUSLOT_PRIV_FUNC void name##_resize(struct name *map, unsigned long expected) \
	{                                                                      \
		struct cds_lfht *ht;                                           \
		unsigned long size = 1;                                        \
		int online;                                                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(flavor, #name "_resize");             \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_resize");          \
		while (size < expected && size < RCUSLOT_MAP_EXPECTED_MAX)     \
			size <<= 1;                                            \
		if (!RCUSLOT_PRIV_MAP_TABLE(map)) {                            \
			/* a hint: without memory, the next update tries again */ \
			(void)name##_priv_table_for_update(map, size);         \
			return;                                                \
		}                                                              \
		ht = RCUSLOT_PRIV_MAP_TABLE(map);                              \
		online = RCUSLOT_PRIV_URCU_OF(flavor, read_ongoing)();         \
		if (online)                                                    \
			RCUSLOT_PRIV_URCU_OF(flavor, thread_offline)();        \
		cds_lfht_resize(ht, size);                                     \
		if (online)                                                    \
			RCUSLOT_PRIV_URCU_OF(flavor, thread_online)();         \
	}

/* --- updates ------------------------------------------------------------- */

/* An object about to be published: fresh (debug), node ready, released (TSan). */
#define RCUSLOT_PRIV_MAP_PREPARE(name, fn, obj, node_member)                   \
	do {                                                                   \
		RCUSLOT_PRIV_MAP_DBG_FRESH(fn, RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
					   name##_priv_defer_cb);              \
		cds_lfht_node_init(RCUSLOT_PRIV_MAP_LNODE(obj, node_member));  \
		RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
					   RCUSLOT_PRIV_MAP_LINKED);           \
		RCUSLOT_PRIV_MAP_TSAN_PUBLISH(obj);                            \
	} while (0)

/*
 * An object the caller took out of the map: the old handle `handle` owns it
 * now (in debug builds tagged and entered in librcuslot's registry).
 */
#define RCUSLOT_PRIV_MAP_RETIRE(handle, type, obj, node_member)                \
	do {                                                                   \
		if (obj) {                                                     \
			RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(obj);                  \
			RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
						   RCUSLOT_PRIV_MAP_RETIRED);  \
		}                                                              \
		(handle)->rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, obj);  \
	} while (0)

/**
 * @contract MAP_insert
 * @brief Add an object under a key that is absent.
 *
 * Insert `obj` under its key, unless the key is present.
 *
 * @param map  The map.
 * @param obj  The object, not in any map (debug builds check), its key
 *             set. The map initializes its node.
 * @return 0: `obj` belongs to the map now. -EEXIST: the key is present, the
 *         map is unchanged and the caller still owns `obj`, which no reader
 *         ever saw (free it at once if it is not wanted). -ENOMEM: the map
 *         had no table yet (RCU_MAP_INITIALIZER) and none could be
 *         allocated; the map is unchanged and `obj` the caller's.
 *
 * @par Context:
 * A registered thread, inside or outside a read-side critical section,
 * concurrently with readers and other updaters.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * A full barrier before the commit (rculfhash's add_unique): the stores
 * that built `obj` happen before readers can reach it.
 * @par Debug builds:
 * Abort when `obj` is in a map, or taken out of one and still owned by an
 * old handle.
 * @proto int MAP_insert(struct MAP *map, ENTRY *obj);
 */
/* add_unique: the object is never visible to readers when the key is present. */
#define RCUSLOT_PRIV_MAP_DEF_INSERT(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int name##_insert(struct name *map, type *obj) \
	{                                                                      \
		struct cds_lfht_node *got;                                     \
		struct cds_lfht *ht;                                           \
		name##_priv_karg key = name##_priv_key_of(obj);                \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_insert");                  \
		ht = name##_priv_table_for_update(map, 1);                     \
		if (!ht)                                                       \
			return -ENOMEM;                                        \
		RCUSLOT_PRIV_MAP_PREPARE(name, #name "_insert", obj, node_member);   \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		got = cds_lfht_add_unique(ht, name##_priv_hash(map, key),      \
					  name##_priv_match, name##_priv_kp(&key), \
					  RCUSLOT_PRIV_MAP_LNODE(obj, node_member)); \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_insert");              \
		if (got == RCUSLOT_PRIV_MAP_LNODE(obj, node_member))           \
			return 0;                                              \
		RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
					   RCUSLOT_PRIV_MAP_STATE_FREE);       \
		return -EEXIST;                                                \
	}

/**
 * @contract MAP_upsert
 * @brief Insert, or replace the object under the same key.
 *
 * Insert `obj`, or atomically replace the object under the same key with
 * it.
 *
 * @param map      The map.
 * @param obj      The object, not in any map, its key set.
 * @param old_out  Written on every path: a handle owning the object
 *                 replaced, or empty when the key was absent or on error.
 *                 Retire it (MAP_old_free() and friends).
 * @return 0; -ENOMEM when the map had no table yet (RCU_MAP_INITIALIZER)
 *         and none could be allocated: the map is unchanged and the caller
 *         still owns `obj`. A map set up by MAP_init() never fails.
 *
 * @par Context:
 * As MAP_insert().
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * rculfhash's add_replace: full barriers before and after the commit.
 * Readers see the old object or the new one, never neither.
 * @proto int MAP_upsert(struct MAP *map, ENTRY *obj, struct MAP_old *old_out);
 */
/*
 * add_replace: one atomic step, so readers see the old object or the new
 * one. It fails only where the map has no table yet and none can be had.
 */
#define RCUSLOT_PRIV_MAP_DEF_UPSERT(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_upsert(struct name *map, type *obj, struct name##_old *old_out) \
	{                                                                      \
		struct cds_lfht_node *got;                                     \
		struct cds_lfht *ht;                                           \
		name##_priv_karg key = name##_priv_key_of(obj);                \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_upsert");                  \
		old_out->rcuslot_priv_obj = NULL;                              \
		ht = name##_priv_table_for_update(map, 1);                     \
		if (!ht)                                                       \
			return -ENOMEM;                                        \
		RCUSLOT_PRIV_MAP_PREPARE(name, #name "_upsert", obj, node_member);   \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		got = cds_lfht_add_replace(ht, name##_priv_hash(map, key),     \
					   name##_priv_match, name##_priv_kp(&key), \
					   RCUSLOT_PRIV_MAP_LNODE(obj, node_member)); \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_upsert");              \
		RCUSLOT_PRIV_MAP_RETIRE(old_out, type,                         \
					got ? RCUSLOT_PRIV_MAP_OBJ(type, node_member, got) : NULL, \
					node_member);                          \
		return 0;                                                      \
	}

/*
 * One attempt at an update of the object under `key`, inside the caller's
 * read-side section, with `iter` from its lookup and `cur` what it found:
 * insert `new_obj` (cur NULL), remove cur (new_obj NULL) or replace cur.
 * False when another updater changed that entry first: look up again.
 */
#define RCUSLOT_PRIV_MAP_DEF_COMMIT(name, type, node_member)                   \
	RCUSLOT_PRIV_FUNC bool name##_priv_commit(struct name *map, struct cds_lfht *ht, \
						  name##_priv_karg key,        \
						  struct cds_lfht_iter *iter,  \
						  type *cur, type *new_obj)    \
	{                                                                      \
		if (!cur)                                                      \
			return cds_lfht_add_unique(ht, name##_priv_hash(map, key), \
						   name##_priv_match, name##_priv_kp(&key), \
						   RCUSLOT_PRIV_MAP_LNODE(new_obj, node_member)) == \
			       RCUSLOT_PRIV_MAP_LNODE(new_obj, node_member);   \
		if (!new_obj)                                                  \
			return cds_lfht_del(ht, RCUSLOT_PRIV_MAP_LNODE(cur, node_member)) == 0; \
		return cds_lfht_replace(ht, iter, name##_priv_hash(map, key), name##_priv_match, \
					name##_priv_kp(&key),                  \
					RCUSLOT_PRIV_MAP_LNODE(new_obj, node_member)) == 0; \
	}

/* Lookup inside the caller's read-side section: the object, or NULL. */
#define RCUSLOT_PRIV_MAP_DEF_LOOKUP(name, type, node_member)                   \
	RCUSLOT_PRIV_FUNC type *name##_priv_lookup(struct name *map, struct cds_lfht *ht, \
						   name##_priv_karg key,       \
						   struct cds_lfht_iter *iter) \
	{                                                                      \
		struct cds_lfht_node *lnode;                                   \
                                                                               \
		cds_lfht_lookup(ht, name##_priv_hash(map, key),                \
				name##_priv_match, name##_priv_kp(&key), iter); \
		lnode = cds_lfht_iter_get_node(iter);                          \
		return lnode ? RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode) : NULL; \
	}

/**
 * @contract MAP_replace
 * @brief Replace the object under a key that is present.
 *
 * Atomically replace the object under `obj`'s key with `obj`.
 *
 * A replace racing another update of the same key succeeds against the
 * newer object: it looks the key up again and replaces what it finds.
 *
 * @param map      The map.
 * @param obj      The new object, not in any map, its key set.
 * @param old_out  Written on every path: the replaced object's handle, or
 *                 empty.
 * @return 0, or -ENOENT when the key is absent (or the map has no table
 *         yet): the map is unchanged and the caller still owns `obj`.
 *
 * @par Context:
 * As MAP_insert().
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * As MAP_upsert().
 * @proto int MAP_replace(struct MAP *map, ENTRY *obj, struct MAP_old *old_out);
 */
/*
 * Replace whatever object holds obj's key; a lost race (the object we found
 * was replaced or removed meanwhile) looks up again, so a replace racing an
 * upsert succeeds against the newer object.
 */
#define RCUSLOT_PRIV_MAP_DEF_REPLACE(name, type, node_member, flavor)          \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_replace(struct name *map, type *obj, struct name##_old *old_out) \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		struct cds_lfht_iter iter;                                     \
		type *cur;                                                     \
		bool won = false;                                              \
		name##_priv_karg key = name##_priv_key_of(obj);                \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_replace");                 \
		old_out->rcuslot_priv_obj = NULL;                              \
		if (!ht) /* no table: no object under that key */              \
			return -ENOENT;                                        \
		RCUSLOT_PRIV_MAP_PREPARE(name, #name "_replace", obj, node_member);  \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		while ((cur = name##_priv_lookup(map, ht, key, &iter)) != NULL && \
		       !(won = name##_priv_commit(map, ht, key, &iter, cur, obj))) \
			;                                                      \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_replace");             \
		if (!won) {                                                    \
			RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
						   RCUSLOT_PRIV_MAP_STATE_FREE); \
			return -ENOENT;                                        \
		}                                                              \
		RCUSLOT_PRIV_MAP_RETIRE(old_out, type, cur, node_member);      \
		return 0;                                                      \
	}

/**
 * @contract MAP_remove
 * @brief Take the object under a key out.
 *
 * Take the object under `key` out of the map.
 *
 * @param map  The map.
 * @param key  The key (as for MAP_find()).
 * @return An old handle owning the object, or empty when the key is absent.
 *
 * @par Context:
 * As MAP_insert().
 * @par Grace period:
 * Never waits; readers may still hold the object until the handle is
 * retired.
 * @par Memory ordering:
 * rculfhash's del: a full barrier after the commit; the remover sees
 * everything the object's publisher wrote.
 * @proto struct MAP_old MAP_remove(struct MAP *map, const KEY *key);
 */
/* A lost race means another updater removed or replaced it: look again. */
#define RCUSLOT_PRIV_MAP_DEF_REMOVE(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE struct name##_old              \
	name##_remove(struct name *map, name##_priv_karg key)                  \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		struct cds_lfht_iter iter;                                     \
		struct name##_old old = { NULL };                              \
		type *cur;                                                     \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_remove");                  \
		if (!ht) /* no table: nothing to take out */                   \
			return old;                                            \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		while ((cur = name##_priv_lookup(map, ht, key, &iter)) != NULL && \
		       !name##_priv_commit(map, ht, key, &iter, cur, NULL))     \
			;                                                      \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_remove");              \
		RCUSLOT_PRIV_MAP_RETIRE(&old, type, cur, node_member);         \
		return old;                                                    \
	}

/*
 * One read-copy-update attempt, inside one read-side section from lookup
 * to commit, so `cur` cannot be freed and its address reused meanwhile (no
 * ABA). Returns copy's status (or -EINVAL for a copy under another key);
 * *won tells whether the attempt took effect, *retired what it took out.
 * A losing copy was never published, so it is freed at once.
 */
#define RCUSLOT_PRIV_MAP_DEF_TRY_UPDATE(name, type, node_member, free_fn, flavor) \
	RCUSLOT_PRIV_MAP_INLINE int name##_priv_try_update(struct name *map, name##_priv_karg key, \
						     name##_copy_fn *copy, void *arg, \
						     type **retired, bool *won) \
	{                                                                      \
		struct cds_lfht *ht = name##_priv_table_for_update(map, 1);    \
		struct cds_lfht_iter iter;                                     \
		type *cur, *new_obj;                                           \
		type *const untouched = (type *)(void *)&new_obj;              \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		*retired = NULL;                                               \
		*won = false;                                                  \
		if (!ht) /* copy is not called */                              \
			return -ENOMEM;                                        \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		cur = name##_priv_lookup(map, ht, key, &iter);                 \
		if (cur)                                                       \
			RCUSLOT_PRIV_MAP_TSAN_SUBSCRIBE(cur);                  \
		new_obj = untouched; /* copy must write it, as a slot's */     \
		err = copy(cur, &new_obj, arg);                                \
		if (!err && new_obj == untouched)                              \
			new_obj = RCUSLOT_PRIV_DBG_UNTOUCHED(#name "_copy_update", \
							     &rcuslot_priv_loc, cur); \
		if (err)                                                       \
			new_obj = cur;                                         \
		if (!err && new_obj && new_obj != cur) {                       \
			if (!name##_priv_match(RCUSLOT_PRIV_MAP_LNODE(new_obj, node_member), \
					       name##_priv_kp(&key))) {        \
				free_fn(new_obj);                              \
				err = -EINVAL;                                 \
			} else {                                               \
				RCUSLOT_PRIV_MAP_PREPARE(name, #name "_copy_update", \
							 new_obj, node_member); \
			}                                                      \
		}                                                              \
		if (!err)                                                      \
			*won = new_obj == cur ||                               \
			       name##_priv_commit(map, ht, key, &iter, cur, new_obj); \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_copy_update");         \
		if (err || new_obj == cur)                                     \
			return err;                                            \
		if (*won) {                                                    \
			*retired = cur;                                        \
		} else if (new_obj) {                                          \
			RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(new_obj, node_member), \
                                                                               \
						   RCUSLOT_PRIV_MAP_STATE_FREE); \
			free_fn(new_obj);                                      \
		}                                                              \
		return 0;                                                      \
	}

/**
 * @contract MAP_copy_update
 * @brief Read-copy-update of one entry.
 *
 * Read-copy-update the entry under `key`: `copy(old, &new, arg)` (see
 * MAP_copy_fn) builds the next version, which inserts (the key was absent),
 * replaces `old`, or, set to NULL, removes it.
 *
 * Safe with concurrent updaters of the same key: when another update lands
 * between the lookup and the commit, the attempt's copy is freed (it was
 * never published) and `copy` runs again against the newer entry.
 *
 * @param map      The map.
 * @param key      The key (as for MAP_find()).
 * @param copy     The callback.
 * @param arg      Passed to `copy`.
 * @param old_out  Written on every path: the object taken out, or empty
 *                 (no change, an insert, or an error).
 * @return 0; `copy`'s non-zero error, with the map unchanged; -EINVAL
 *         when `copy` built an object under another key (freed); or
 *         -ENOMEM, before `copy` is called, when the map had no table yet
 *         (RCU_MAP_INITIALIZER) and none could be allocated.
 *
 * @par Context:
 * As MAP_insert(); `copy` runs inside a read-side critical section.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * The lookup and the commit happen in one read-side section, so the `old`
 * that `copy` read cannot be freed and its memory reused before the commit
 * compares against it (no ABA). The commit is rculfhash's add_unique,
 * replace or del.
 * @proto int MAP_copy_update(struct MAP *map, const KEY *key, MAP_copy_fn *copy, void *arg,
 *		    struct MAP_old *old_out);
 */
#define RCUSLOT_PRIV_MAP_DEF_COPY_UPDATE(name, type, node_member, flavor)      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_copy_update(struct name *map, name##_priv_karg key, name##_copy_fn *copy, \
			   void *arg, struct name##_old *old_out)              \
	{                                                                      \
		type *retired;                                                 \
		bool won;                                                      \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_copy_update");     \
		do                                                             \
			err = name##_priv_try_update(map, key, copy, arg, &retired, &won); \
		while (!err && !won);                                          \
		RCUSLOT_PRIV_MAP_RETIRE(old_out, type, err ? NULL : retired, node_member); \
		return err;                                                    \
	}

/* --- old handles: as a slot's, with the node's own rcu_head -------------- */

/**
 * @contract MAP_old_reclaim
 * @brief Wait for readers, then take the old object back.
 *
 * Wait for a grace period and hand the object back to the caller, to
 * reuse, free or insert again.
 *
 * @param old  The handle; empty on return.
 * @return The object (no reader holds it any more), or NULL for an empty
 *         handle.
 *
 * @par Context:
 * As MAP_old_free().
 * @par Grace period:
 * Waits for one (none for an empty handle).
 * @proto ENTRY *MAP_old_reclaim(struct MAP_old *old);
 */
/* Back to the caller, free to reuse or re-insert. */
#define RCUSLOT_PRIV_MAP_DEF_OLD_RECLAIM(name, type, node_member, flavor)      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE type *                         \
	name##_old_reclaim(struct name##_old *old)                             \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_old_reclaim", old, obj);       \
		RCUSLOT_PRIV_DBG_NO_WAIT(flavor, #name "_old_reclaim");        \
		if (obj) {                                                     \
			obj = (type *)rcuslot_priv_retire_wait(RCUSLOT_PRIV_FL(flavor), obj); \
			RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
						   RCUSLOT_PRIV_MAP_STATE_FREE); \
		}                                                              \
		return obj;                                                    \
	}

/* free_fn, with the debug word cleared first (the memory may come back). */
#define RCUSLOT_PRIV_MAP_DEF_FREE(name, type, node_member, free_fn)            \
	RCUSLOT_PRIV_FUNC void name##_priv_free(type *obj)                     \
	{                                                                      \
		RCUSLOT_PRIV_MAP_SET_STATE(RCUSLOT_PRIV_MAP_NODE(obj, node_member), \
					   RCUSLOT_PRIV_MAP_STATE_FREE);       \
		free_fn(obj);                                                  \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void name##_priv_free_void(void *obj)                \
	{                                                                      \
		name##_priv_free((type *)obj);                                 \
	}

/**
 * @contract MAP_old_is_empty
 * @brief Does an old handle own an object?
 *
 * Tell whether an old handle owns nothing.
 *
 * @param old  The handle.
 * @return true when it is empty.
 *
 * @par Context:
 * Any thread.
 * @proto bool MAP_old_is_empty(const struct MAP_old *old);
 */
/**
 * @contract MAP_old_free
 * @brief Wait for readers, then free the old object.
 *
 * Wait for a grace period, then free the handle's object with free_fn; the
 * handle is left empty. An empty handle: nothing happens.
 *
 * @param old  The handle.
 *
 * @par Context:
 * Any registered thread, outside any read-side critical section.
 * @par Grace period:
 * Waits for one (none for an empty handle).
 * @par Debug builds:
 * Abort inside a read-side section, or when the handle's object was
 * consumed before (through a copy of the handle).
 * @proto void MAP_old_free(struct MAP_old *old);
 */
/**
 * @contract MAP_old_defer
 * @brief Free the old object after a grace period, without waiting.
 *
 * Hand the object to call_rcu through its node's own `rcu_head`, and
 * return at once; free_fn runs in liburcu's worker after a grace period.
 * Allocates nothing.
 *
 * @param old  The handle; empty on return.
 *
 * @par Context:
 * A registered thread, outside any read-side critical section.
 * @par Grace period:
 * Does not wait, unless `RCUSLOT_DEFER_MAX` objects already await
 * reclamation: it then waits and frees at once, as MAP_old_free() (see
 * rcuslot/reclaim.h).
 * @proto void MAP_old_defer(struct MAP_old *old);
 */
/**
 * @contract MAP_batch_add
 * @brief Add the old object to a batch.
 *
 * Move the handle's object into `batch` (rcuslot/batch.h), which may hold
 * objects of any slots and maps, to be freed after one grace period for
 * the whole batch.
 *
 * @param batch  The batch.
 * @param old    The handle; empty on return.
 *
 * @par Context:
 * Any registered thread owning the batch, outside any read-side section.
 * @par Grace period:
 * Does not wait, unless no memory can be had for the batch's next chunk:
 * it then waits for one grace period and frees the object and everything
 * the batch held.
 * @proto void MAP_batch_add(struct rcuslot_batch *batch, struct MAP_old *old);
 */
/*
 * The rest of the old handle's life is a slot's (slot.h), with the node's
 * own rcu_head and name_priv_free as the free function: old_is_empty,
 * old_free, old_defer (nothing allocated) and its callback, batch_add.
 */
#define RCUSLOT_PRIV_MAP_DEF_OLD(name, type, node_member, flavor)              \
	RCUSLOT_PRIV_DEF_OLD_IS_EMPTY(name, type)                              \
	RCUSLOT_PRIV_DEF_OLD_FREE(name, type, name##_priv_free, flavor)        \
	RCUSLOT_PRIV_DEF_HEAD_DEFER_CB(name, type, node_member.rcuslot_priv_head, \
				       name##_priv_free)                       \
	RCUSLOT_PRIV_DEF_HEAD_OLD_DEFER(name, type, node_member.rcuslot_priv_head, \
					name##_priv_free, flavor)              \
	RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, flavor)

/**
 * @contract MAP_destroy
 * @brief Take every object out, free them, destroy the table.
 *
 * Take every object out of the map, wait for one grace period, destroy the
 * table and free every object with free_fn, all before returning.
 *
 * @param map  The map; it holds no table afterwards, as one set up with
 *             RCU_MAP_INITIALIZER, and may be used again (a second call,
 *             or one after a failed MAP_init(), does nothing).
 *
 * @par Context:
 * A registered thread, outside any read-side critical section (under qsbr
 * it may be online: it goes offline around the table's destruction), with
 * no concurrent user of the map. Readers that were inside a section
 * before the call are waited for, before the table is freed: one parked in
 * the middle of RCU_MAP_FOREACH() finishes its iteration safely.
 * @par Grace period:
 * Waits for one, even when the map was empty (none when it holds no
 * table). Safe on liburcu 0.13.2 right after updates that started a resize
 * (see the group's page).
 * @par Debug builds:
 * Abort when called inside a read-side critical section or from an
 * unregistered thread.
 * @proto void MAP_destroy(struct MAP *map);
 */
/*
 * Everything out, chained through the nodes' spare rcu_heads (nothing to
 * allocate); one grace period; the table destroyed; every free_fn, in the
 * caller's thread before returning.
 *
 * The grace period comes before cds_lfht_destroy, which frees the bucket
 * table at once: a reader that entered its section before the call may be
 * mid-iteration, and its next cds_lfht_next reads the buckets (and
 * map->rcuslot_priv_ht, which is cleared only after the wait). The same
 * wait covers the objects, unlinked before it began. A map that is empty
 * waits all the same: such a reader may stand on an object removed before
 * the call, whose next pointer leads into the buckets.
 *
 * liburcu 0.13.2's cds_lfht_destroy waits for an in-flight resize, whose
 * shrink waits for a grace period: a caller that holds one up (inside a
 * read-side section, or online under qsbr) deadlocks (fixed in 0.13.3 by
 * destroying from the resize worker). Debug builds refuse the first;
 * the second is avoided by going offline around it (read_ongoing() means
 * "online" under qsbr; outside a read-side section it is 0 for the others).
 */
#define RCUSLOT_PRIV_MAP_DEF_DESTROY(name, type, node_member, flavor)          \
	RCUSLOT_PRIV_FUNC void name##_destroy(struct name *map)                \
	{                                                                      \
		struct cds_lfht *ht = RCUSLOT_PRIV_MAP_TABLE(map);             \
		struct cds_lfht_iter iter;                                     \
		struct cds_lfht_node *lnode;                                   \
		struct rcuslot_map_node *chain = NULL;                         \
		int online;                                                    \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(flavor, #name "_destroy");                    \
		RCUSLOT_PRIV_DBG_REGISTERED(flavor, #name "_destroy");                 \
		if (!ht)                                                       \
			return;                                                \
		RCUSLOT_PRIV_MAP_LOCK(flavor);                                 \
		cds_lfht_for_each(ht, &iter, lnode) {                          \
			type *obj = RCUSLOT_PRIV_MAP_OBJ(type, node_member, lnode); \
                                                                               \
			if (cds_lfht_del(ht, lnode) == 0) {                    \
				struct rcuslot_map_node *n =                   \
					RCUSLOT_PRIV_MAP_NODE(obj, node_member); \
                                                                               \
				n->rcuslot_priv_link.rcuslot_priv_chain = chain; \
				chain = n;                                     \
			}                                                      \
		}                                                              \
		RCUSLOT_PRIV_MAP_UNLOCK(flavor, #name "_destroy");             \
		rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(flavor));             \
		online = RCUSLOT_PRIV_URCU_OF(flavor, read_ongoing)();         \
		if (online)                                                    \
			RCUSLOT_PRIV_URCU_OF(flavor, thread_offline)();        \
		/* the table goes before NULL is stored: see the reader above */ \
		(void)cds_lfht_destroy(ht, NULL);                              \
		if (online)                                                    \
			RCUSLOT_PRIV_URCU_OF(flavor, thread_online)();         \
		__atomic_store_n(&map->rcuslot_priv_ht, NULL, __ATOMIC_RELAXED); \
		while (chain) {                                                \
			type *obj = RCUSLOT_PRIV_OBJ_OF(type, node_member, chain); \
                                                                               \
			chain = chain->rcuslot_priv_link.rcuslot_priv_chain;   \
			name##_priv_free(obj);                                 \
		}                                                              \
	}

/* --- composition --------------------------------------------------------- */

#define RCUSLOT_PRIV_MAP_DEF_OPS(name, type, node_member, free_fn, flavor)     \
	RCUSLOT_PRIV_MAP_DEF_TABLE(name, flavor)                               \
	RCUSLOT_PRIV_MAP_DEF_INIT(name, flavor)                                \
	RCUSLOT_PRIV_MAP_DEF_FIND(name, type, node_member, flavor)             \
	RCUSLOT_PRIV_MAP_DEF_ITER(name, type, node_member, flavor)             \
	RCUSLOT_PRIV_MAP_DEF_COUNT(name, flavor)                               \
	RCUSLOT_PRIV_MAP_DEF_RESIZE(name, flavor)                              \
	RCUSLOT_PRIV_MAP_DEF_INSERT(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_MAP_DEF_UPSERT(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_MAP_DEF_LOOKUP(name, type, node_member)                   \
	RCUSLOT_PRIV_MAP_DEF_COMMIT(name, type, node_member)                   \
	RCUSLOT_PRIV_MAP_DEF_REPLACE(name, type, node_member, flavor)          \
	RCUSLOT_PRIV_MAP_DEF_REMOVE(name, type, node_member, flavor)           \
	RCUSLOT_PRIV_MAP_DEF_TRY_UPDATE(name, type, node_member, free_fn, flavor) \
	RCUSLOT_PRIV_MAP_DEF_COPY_UPDATE(name, type, node_member, flavor)      \
	RCUSLOT_PRIV_MAP_DEF_OLD_RECLAIM(name, type, node_member, flavor)      \
	RCUSLOT_PRIV_MAP_DEF_FREE(name, type, node_member, free_fn)            \
	RCUSLOT_PRIV_MAP_DEF_OLD(name, type, node_member, flavor)              \
	RCUSLOT_PRIV_MAP_DEF_DESTROY(name, type, node_member, flavor)

/* First, before the functions' own errors about the same mistake. */
#define RCUSLOT_PRIV_MAP_DEF_BEGIN(gen, name, type, node_member)               \
	RCUSLOT_PRIV_CHECK_MEMBER(gen, name, type, node_member, struct rcuslot_map_node);

#define RCUSLOT_PRIV_MAP_DEF_END(gen, name, flavor)                            \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct name##_old) == sizeof(void *), \
				   gen "(" #name "): the old handle must be one pointer wide")

#define RCUSLOT_PRIV_MAP_DEF_BYTES(name, type, node_member, key_member, free_fn, flavor) \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_MAP_DEF_TYPES(name, type)                                 \
	RCUSLOT_PRIV_MAP_DEF_KEY_BYTES(name, type, node_member, key_member)    \
	RCUSLOT_PRIV_MAP_DEF_OPS(name, type, node_member, free_fn, flavor)     \
	RCUSLOT_PRIV_GENERATED_END

#define RCUSLOT_PRIV_MAP_DEF_CUSTOM(name, type, node_member, key_member, key_type, \
				    hash_fn, eq_fn, free_fn, flavor)           \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_MAP_DEF_TYPES(name, type)                                 \
	RCUSLOT_PRIV_MAP_DEF_KEY_CUSTOM(name, type, node_member, key_member,   \
					key_type, hash_fn, eq_fn)              \
	RCUSLOT_PRIV_MAP_DEF_OPS(name, type, node_member, free_fn, flavor)     \
	RCUSLOT_PRIV_GENERATED_END

#define RCUSLOT_PRIV_MAP_DEF_STRING(name, type, node_member, key_member, free_fn, \
				    flavor)                                    \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_MAP_DEF_TYPES(name, type)                                 \
	RCUSLOT_PRIV_MAP_DEF_KEY_STRING(name, type, node_member, key_member)   \
	RCUSLOT_PRIV_MAP_DEF_OPS(name, type, node_member, free_fn, flavor)     \
	RCUSLOT_PRIV_GENERATED_END

#define RCUSLOT_PRIV_MAP_FOREACH(name, map, obj, it)                           \
	for (struct cds_lfht_iter it = name##_priv_iter_first((map), &(obj)); (obj); \
	     (obj) = name##_priv_iter_next((map), &it))

/* NOLINTEND(bugprone-macro-parentheses) */

/** @endcond */

/** @addtogroup RCU_MAP_DEFINE
 * @{
 */

/**
 * Define a typed RCU hash map `struct name` of objects of `type`, each
 * linked by its `struct rcuslot_map_node node_member` and keyed by its
 * `key_member` (compared bytewise, hashed by rcuslot_map_hash_seeded() under
 * the map's own seed), freed
 * by `free_fn`; with its old handle `struct name_old` and its operations
 * (name_init, name_find, name_insert, name_upsert, name_replace,
 * name_remove, name_copy_update, name_count, name_resize, name_destroy,
 * RCU_MAP_FOREACH, name_old_free, ...). See the RCU_MAP_DEFINE group for each of them.
 * @code
 * struct route {
 *         uint32_t dst;                  // the key
 *         uint32_t via, metric;
 *         struct rcuslot_map_node node;
 * };
 * RCU_MAP_DEFINE(route_map, struct route, node, dst, route_free);
 * @endcode
 * Bytewise keys: a struct key with padding must have its padding zeroed
 * (memset or calloc) in the objects and in every key looked up, or equal
 * keys compare unequal; floating-point keys compare by representation
 * (0.0 and -0.0 differ, a NaN equals itself).
 */
#define RCU_MAP_DEFINE(name, type, node_member, key_member, free_fn)            \
	RCUSLOT_PRIV_MAP_DEF_BEGIN("RCU_MAP_DEFINE", name, type, node_member)  \
	RCUSLOT_PRIV_MAP_DEF_BYTES(name, type, node_member, key_member, free_fn, RCUSLOT_FLAVOR) \
	RCUSLOT_PRIV_MAP_DEF_END("RCU_MAP_DEFINE", name, RCUSLOT_FLAVOR)

/**
 * RCU_MAP_DEFINE() bound to a named liburcu flavor (a bare token: memb,
 * qsbr, mb, bp, signal) instead of the unit's default, as
 * RCU_SLOT_DEFINE_FLAVOR(): include that flavor's liburcu header before
 * rcuslot/rcuslot.h; readers take its read lock (rcuslot_qsbr_read_lock(),
 * RCUSLOT_READ_GUARD_FLAVOR(qsbr)), and the map's table, grace periods and
 * deferrals are that flavor's.
 */
#define RCU_MAP_DEFINE_FLAVOR(name, type, node_member, key_member, free_fn, flavor) \
	RCUSLOT_PRIV_FLAVOR_INCLUDED(name, flavor);                            \
	RCUSLOT_PRIV_MAP_DEF_BEGIN("RCU_MAP_DEFINE_FLAVOR", name, type, node_member) \
	RCUSLOT_PRIV_MAP_DEF_BYTES(name, type, node_member, key_member, free_fn, flavor) \
	RCUSLOT_PRIV_MAP_DEF_END("RCU_MAP_DEFINE_FLAVOR", name, flavor)

/**
 * A map with the user's hash and equality: lookups take a `key_type` by
 * value, `obj->key_member` must convert to `key_type`, and the functions
 * must have exactly the types `unsigned long hash_fn(key_type)` and
 * `bool eq_fn(key_type, key_type)` (an error at this line otherwise; under
 * `-Werror` for gcc, which only warns). Equal keys must hash alike. The
 * hash is all the defence against keys chosen to collide: seed it (as
 * below) where others choose the keys.
 * @code
 * struct user { char name[32]; int uid; struct rcuslot_map_node node; };
 * static uint64_t user_seed; // = rcuslot_map_new_seed() before any use
 * static unsigned long user_hash(const char *s) // case-insensitive names
 * {
 *         char low[32];
 *         size_t n = 0;
 *
 *         for (; s[n] && n < sizeof(low); n++)
 *                 low[n] = (char)tolower((unsigned char)s[n]);
 *         return rcuslot_map_hash_seeded(low, n, user_seed);
 * }
 * static bool user_eq(const char *a, const char *b) { return strcasecmp(a, b) == 0; }
 * RCU_MAP_DEFINE_CUSTOM(user_map, struct user, node, name, const char *,
 *                       user_hash, user_eq, user_free);
 * // user_map_find(&users, "Alice")
 * @endcode
 */
#define RCU_MAP_DEFINE_CUSTOM(name, type, node_member, key_member, key_type,    \
			      hash_fn, eq_fn, free_fn)                         \
	RCUSLOT_PRIV_MAP_DEF_BEGIN("RCU_MAP_DEFINE_CUSTOM", name, type, node_member) \
	RCUSLOT_PRIV_MAP_DEF_CUSTOM(name, type, node_member, key_member, key_type, \
				    hash_fn, eq_fn, free_fn, RCUSLOT_FLAVOR)   \
	RCUSLOT_PRIV_MAP_DEF_END("RCU_MAP_DEFINE_CUSTOM", name, RCUSLOT_FLAVOR)

/**
 * A map keyed by a NUL-terminated string member (`const char *` or
 * `char[N]`), looked up by `const char *`, compared as
 * rcuslot_map_string_eq() does and hashed with
 * rcuslot_map_hash_string_seeded() under the map's own seed (name_init
 * draws it). The string is part of the key: it must not change while the
 * object is in the map.
 */
#define RCU_MAP_DEFINE_STRING(name, type, node_member, key_member, free_fn)     \
	RCUSLOT_PRIV_MAP_DEF_BEGIN("RCU_MAP_DEFINE_STRING", name, type, node_member) \
	RCUSLOT_PRIV_MAP_DEF_STRING(name, type, node_member, key_member, free_fn, \
				    RCUSLOT_FLAVOR)                            \
	RCUSLOT_PRIV_MAP_DEF_END("RCU_MAP_DEFINE_STRING", name, RCUSLOT_FLAVOR)

/**
 * Iterate over every object of a map: `for`-style, inside a read-side
 * critical section; `obj` is a `const TYPE *` the caller declares, and
 * `break` leaves the loop cleanly.
 * @code
 * const struct route *r;
 * rcuslot_read_lock();
 * RCU_MAP_FOREACH(route_map, &routes, r)
 *         printf("%u via %u\n", r->dst, r->via);
 * rcuslot_read_unlock();
 * @endcode
 * An object in the map for the whole iteration is seen exactly once;
 * objects inserted or removed meanwhile may or may not be seen; none is
 * freed before the read-side section ends.
 */
#define RCU_MAP_FOREACH(name, map, obj)                                        \
	RCUSLOT_PRIV_MAP_FOREACH(name, map, obj, RCUSLOT_PRIV_UNIQUE(rcuslot_priv_it_))

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_MAP_H */
