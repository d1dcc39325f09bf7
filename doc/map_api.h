/* SPDX-License-Identifier: MIT */
/**
 * @file map_api.h
 * @brief Reference for what RCU_MAP_DEFINE() generates, written once for the
 *        placeholder instantiation
 *        `RCU_MAP_DEFINE(MAP, ENTRY, node, key, free_fn)`.
 *
 * Documentation only: programs include <rcuslot/rcuslot.h> and never this
 * file. Doxygen reads it with `RCUSLOT_DOXYGEN` defined (doc/Doxyfile).
 * `scons check` also compiles its prototypes against a real instantiation
 * (doc/map_signatures.c, with `RCUSLOT_DOC_SIGNATURES`), so a documented
 * signature that drifts from the generated one breaks the build.
 */
#ifndef RCUSLOT_DOC_MAP_API_H
#define RCUSLOT_DOC_MAP_API_H

#if !defined(RCUSLOT_DOXYGEN) && !defined(RCUSLOT_DOC_SIGNATURES)
#error "doc/map_api.h is documentation: include <rcuslot/rcuslot.h> instead"
#endif

#include <stdbool.h>

#ifdef RCUSLOT_DOXYGEN

/**
 * @defgroup RCU_MAP_DEFINE RCU_MAP_DEFINE: the generated map API
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
 * @{
 */

/**
 * Placeholder for the object type given to RCU_MAP_DEFINE().
 *
 * A struct that embeds a `struct rcuslot_map_node` and its key.
 */
typedef struct ENTRY ENTRY;

/** Placeholder for the key member's type, generated as `MAP_key`. */
typedef struct KEY KEY;

/**
 * The map: a handle on an rculfhash table that grows and shrinks by itself.
 *
 * A pointer and the map's 64-bit hash seed. Initialize it with
 * RCU_MAP_INITIALIZER or MAP_init(), tear it down with MAP_destroy();
 * access it only through the generated functions.
 */
struct MAP {
	/** @cond RCUSLOT_INTERNAL */
	struct cds_lfht *rcuslot_priv_ht;
	uint64_t rcuslot_priv_seed;
	/** @endcond */
};

/**
 * The old handle: owns one object taken out of a map that readers may
 * still be reading, or nothing ("empty").
 *
 * MAP_upsert(), MAP_replace(), MAP_remove() and MAP_copy_update() hand one
 * out; it must be consumed by exactly one of MAP_old_free(),
 * MAP_old_reclaim(), MAP_old_defer() or MAP_batch_add(), which empty it.
 * Consuming an empty handle is a no-op; dropping a non-empty one leaks the
 * object; copying one and consuming both copies frees it twice (debug
 * builds abort at the second). One pointer wide, exactly as a slot's.
 */
struct MAP_old {
	/** @cond RCUSLOT_INTERNAL */
	ENTRY *rcuslot_priv_obj;
	/** @endcond */
};

/** @} */

#endif /* RCUSLOT_DOXYGEN */

#if defined(RCUSLOT_DOXYGEN) || defined(RCUSLOT_DOC_SIGNATURES)

/**
 * @defgroup MAP_copy_fn MAP_copy_fn
 * @ingroup RCU_MAP_DEFINE
 * @brief The copy step of MAP_copy_update().
 * @{
 */

/**
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
 */
typedef int MAP_copy_fn(const ENTRY *old, ENTRY **new_out, void *arg);

/** @} */

/**
 * @defgroup MAP_init MAP_init
 * @ingroup RCU_MAP_DEFINE
 * @brief Create a map's table.
 * @{
 */

/**
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
 */
int MAP_init(struct MAP *map, unsigned long expected);

/** @} */

/**
 * @defgroup MAP_destroy MAP_destroy
 * @ingroup RCU_MAP_DEFINE
 * @brief Take every object out, free them, destroy the table.
 * @{
 */

/**
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
 */
void MAP_destroy(struct MAP *map);

/** @} */

/**
 * @defgroup MAP_find MAP_find
 * @ingroup RCU_MAP_DEFINE
 * @brief Look a key up: the reader's operation.
 * @{
 */

/**
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
 */
const ENTRY *MAP_find(struct MAP *map, const KEY *key);

/** @} */

/**
 * @defgroup MAP_insert MAP_insert
 * @ingroup RCU_MAP_DEFINE
 * @brief Add an object under a key that is absent.
 * @{
 */

/**
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
 */
int MAP_insert(struct MAP *map, ENTRY *obj);

/** @} */

/**
 * @defgroup MAP_upsert MAP_upsert
 * @ingroup RCU_MAP_DEFINE
 * @brief Insert, or replace the object under the same key.
 * @{
 */

/**
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
 */
int MAP_upsert(struct MAP *map, ENTRY *obj, struct MAP_old *old_out);

/** @} */

/**
 * @defgroup MAP_replace MAP_replace
 * @ingroup RCU_MAP_DEFINE
 * @brief Replace the object under a key that is present.
 * @{
 */

/**
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
 */
int MAP_replace(struct MAP *map, ENTRY *obj, struct MAP_old *old_out);

/** @} */

/**
 * @defgroup MAP_remove MAP_remove
 * @ingroup RCU_MAP_DEFINE
 * @brief Take the object under a key out.
 * @{
 */

/**
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
 */
struct MAP_old MAP_remove(struct MAP *map, const KEY *key);

/** @} */

/**
 * @defgroup MAP_copy_update MAP_copy_update
 * @ingroup RCU_MAP_DEFINE
 * @brief Read-copy-update of one entry.
 * @{
 */

/**
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
 */
int MAP_copy_update(struct MAP *map, const KEY *key, MAP_copy_fn *copy, void *arg,
		    struct MAP_old *old_out);

/** @} */

/**
 * @defgroup MAP_count MAP_count
 * @ingroup RCU_MAP_DEFINE
 * @brief How many objects the map holds.
 * @{
 */

/**
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
 */
unsigned long MAP_count(struct MAP *map);

/** @} */

/**
 * @defgroup MAP_resize MAP_resize
 * @ingroup RCU_MAP_DEFINE
 * @brief Size the table for a number of objects, now.
 * @{
 */

/**
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
 */
void MAP_resize(struct MAP *map, unsigned long expected);

/** @} */

/**
 * @defgroup MAP_old_is_empty MAP_old_is_empty
 * @ingroup RCU_MAP_DEFINE
 * @brief Does an old handle own an object?
 * @{
 */

/**
 * Tell whether an old handle owns nothing.
 *
 * @param old  The handle.
 * @return true when it is empty.
 *
 * @par Context:
 * Any thread.
 */
bool MAP_old_is_empty(const struct MAP_old *old);

/** @} */

/**
 * @defgroup MAP_old_free MAP_old_free
 * @ingroup RCU_MAP_DEFINE
 * @brief Wait for readers, then free the old object.
 * @{
 */

/**
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
 */
void MAP_old_free(struct MAP_old *old);

/** @} */

/**
 * @defgroup MAP_old_reclaim MAP_old_reclaim
 * @ingroup RCU_MAP_DEFINE
 * @brief Wait for readers, then take the old object back.
 * @{
 */

/**
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
 */
ENTRY *MAP_old_reclaim(struct MAP_old *old);

/** @} */

/**
 * @defgroup MAP_old_defer MAP_old_defer
 * @ingroup RCU_MAP_DEFINE
 * @brief Free the old object after a grace period, without waiting.
 * @{
 */

/**
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
 */
void MAP_old_defer(struct MAP_old *old);

/** @} */

/**
 * @defgroup MAP_batch_add MAP_batch_add
 * @ingroup RCU_MAP_DEFINE
 * @brief Add the old object to a batch.
 * @{
 */

/**
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
 */
void MAP_batch_add(struct rcuslot_batch *batch, struct MAP_old *old);

/** @} */

#endif /* RCUSLOT_DOXYGEN || RCUSLOT_DOC_SIGNATURES */

#endif /* RCUSLOT_DOC_MAP_API_H */
