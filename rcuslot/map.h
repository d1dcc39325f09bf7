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
 * doc/map_api.h (the `RCU_MAP_DEFINE` pages).
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
