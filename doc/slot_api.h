/* SPDX-License-Identifier: MIT */
/**
 * @file slot_api.h
 * @brief Reference for what RCU_SLOT_DEFINE() generates, written once for the
 *        placeholder instantiation `RCU_SLOT_DEFINE(NAME, TYPE, free_fn)`.
 *
 * Documentation only: programs include <rcuslot/rcuslot.h> and never this
 * file. Doxygen reads it with `RCUSLOT_DOXYGEN` defined (doc/Doxyfile).
 * `scons check` also compiles its prototypes against a real instantiation
 * (doc/signatures.c, with `RCUSLOT_DOC_SIGNATURES`), so a documented
 * signature that drifts from the generated one breaks the build; and the
 * examples come from doc/snippets.c, which `scons check` builds and runs.
 */
#ifndef RCUSLOT_DOC_SLOT_API_H
#define RCUSLOT_DOC_SLOT_API_H

#if !defined(RCUSLOT_DOXYGEN) && !defined(RCUSLOT_DOC_SIGNATURES)
#error "doc/slot_api.h is documentation: include <rcuslot/rcuslot.h> instead"
#endif

#include <stdbool.h>

#ifdef RCUSLOT_DOXYGEN

/**
 * @defgroup RCU_SLOT_DEFINE RCU_SLOT_DEFINE: the generated slot API
 * @brief A typed RCU-protected pointer and its operations, generated per
 *        object type.
 *
 * `RCU_SLOT_DEFINE(NAME, TYPE, free_fn);` at file scope generates, for
 * objects of type `TYPE` freed by `free_fn`:
 *
 * - `struct NAME`, the slot, and `struct NAME_old`, the old handle;
 * - `NAME_copy_fn`, the type of copy_update's callback;
 * - the operations below, all `static inline`.
 *
 * `RCU_SLOT_DEFINE_HEAD(NAME, TYPE, head_member, free_fn);` generates the
 * same API, with the same prototypes, for a `TYPE` that embeds a
 * `struct rcu_head` as `head_member`. Only NAME_old_defer() differs: it
 * hands that head to call_rcu and allocates nothing.
 *
 * `RCU_SLOT_DEFINE_FLAVOR(NAME, TYPE, free_fn, flavor);` and
 * `RCU_SLOT_DEFINE_HEAD_FLAVOR(NAME, TYPE, head_member, free_fn, flavor);`
 * generate the same API bound to a named liburcu flavor instead of the
 * unit's default (see @ref core): its readers take that flavor's read lock,
 * its grace periods and deferrals are that flavor's.
 *
 * These pages document them for the placeholder names `NAME` and `TYPE`:
 * read `NAME_replace` as `cfg_slot_replace` after
 * `RCU_SLOT_DEFINE(cfg_slot, struct config, config_free)`, and `TYPE *` as
 * `struct config *`. The examples use that instantiation:
 *
 * @snippet snippets.c define
 *
 * **free_fn** is a function or macro callable as `free_fn(obj)` with a
 * non-NULL `TYPE *`. It runs once per retired object, after a grace period:
 * in the caller's thread for NAME_old_free(), NAME_destroy() and
 * rcuslot_batch_free(), in liburcu's call_rcu worker thread for
 * NAME_old_defer() and rcuslot_batch_defer() (in the caller's thread when
 * they are throttled or out of memory); and at once, in the updater's
 * thread, for a copy that NAME_copy_update() built but could not publish. It must be safe to call from any of those threads and must
 * not wait for a grace period or call rcuslot_barrier().
 *
 * Which operation to call from where:
 *
 * - **readers**, inside a read-side critical section (RCUSLOT_READ_GUARD(),
 *   RCUSLOT_READ_SCOPE() or rcuslot_read_lock()): NAME_dereference() only;
 * - **updaters**: NAME_copy_update() (safe with concurrent updaters) or
 *   NAME_replace(); NAME_dereference_protected() when the caller excludes
 *   other updaters itself;
 * - **retiring the old object**, outside any read-side critical section:
 *   exactly one of NAME_old_free(), NAME_old_reclaim(), NAME_old_defer(),
 *   NAME_batch_add() (then one grace period for the whole batch);
 * - **set-up and tear-down**: RCU_SLOT_INITIALIZER(), NAME_init(),
 *   NAME_destroy().
 *
 * Debug builds (`RCUSLOT_DEBUG`, see @ref rcuslot_debug) check each
 * operation's calling context at run time; each page says what is checked.
 *
 * @see RCU_SLOT_DEFINE() and RCU_SLOT_DEFINE_HEAD() (the macros), @ref rules "the rules" on the main
 *      page, rcuslot/slot.h for the memory ordering in full.
 * @{
 */

/**
 * Placeholder for the object type given to RCU_SLOT_DEFINE().
 *
 * Any complete object type: a struct, a union, a scalar. Objects are
 * allocated by the user and freed by the slot's free_fn.
 */
typedef struct TYPE TYPE;

/**
 * The slot: an RCU-protected pointer to a `TYPE`, or empty (NULL).
 *
 * One pointer wide. Initialize it with RCU_SLOT_INITIALIZER() or
 * NAME_init(); then access it only through the generated functions: its
 * member is private and declared `deprecated`, so naming it is an error
 * under `-Werror`, and sparse flags any direct access. A slot may be static,
 * global, on the heap or embedded in another object, as long as it outlives
 * every reader and updater that can reach it.
 */
struct NAME {
	/** @cond RCUSLOT_INTERNAL */
	TYPE *rcuslot_priv_ptr;
	/** @endcond */
};

/**
 * The old handle: owns one object that was taken out of a slot and may still
 * be in use by readers, or nothing ("empty").
 *
 * NAME_replace() and NAME_copy_update() hand one out; it must be consumed
 * by exactly one of NAME_old_free(), NAME_old_reclaim(), NAME_old_defer() or
 * NAME_batch_add(), which empty it. Consuming an empty handle is a no-op, so
 * consuming one twice is harmless; dropping a non-empty one leaks the
 * object, and copying one and consuming both copies frees the object twice
 * (pass handles by pointer; debug builds abort at the second consume). One
 * pointer wide.
 */
struct NAME_old {
	/** @cond RCUSLOT_INTERNAL */
	TYPE *rcuslot_priv_obj;
	/** @endcond */
};

/** @} */

#endif /* RCUSLOT_DOXYGEN */

#if defined(RCUSLOT_DOXYGEN) || defined(RCUSLOT_DOC_SIGNATURES)

/**
 * @defgroup NAME_copy_fn NAME_copy_fn
 * @ingroup RCU_SLOT_DEFINE
 * @brief The copy step of NAME_copy_update().
 * @{
 */

/**
 * The callback NAME_copy_update() calls to build the next version of the
 * object: the "copy" of read-copy-update.
 *
 * `copy(old, &new, arg)` runs inside a read-side critical section, once or
 * more (again after another updater wins a race, then with the newer
 * object), so it must have no side effects beyond building the new object.
 *
 * @param old      The current object, read-only; NULL when the slot is
 *                 empty. Valid only during the call.
 * @param new_out  Write it on success: a new object (fully built,
 *                 freeable by free_fn on its own, sharing no owned parts
 *                 with `old`) to publish that object; NULL to empty the
 *                 slot; `old` itself for "no change". A callback that
 *                 returns 0 without writing it changes nothing (the slot
 *                 stays as it was, the handle empty), and debug builds
 *                 abort naming NAME_copy_update()'s caller: emptying the
 *                 slot takes an explicit `*new_out = NULL`.
 * @param arg      The `arg` given to NAME_copy_update().
 * @return 0 to go ahead, or a non-zero error that NAME_copy_update()
 *         returns as is, leaving the slot unchanged and ignoring `*new_out`:
 *         the callback frees anything it built before failing.
 *
 * @par Context:
 * Called by NAME_copy_update() in the updater's thread, inside a read-side
 * critical section: it must not block for long and must not wait for a
 * grace period (no NAME_old_free(), rcuslot_synchronize()).
 *
 * @par Example:
 * @snippet snippets.c copy_update
 */
typedef int NAME_copy_fn(const TYPE *old, TYPE **new_out, void *arg);

/** @} */

/**
 * @defgroup NAME_init NAME_init
 * @ingroup RCU_SLOT_DEFINE
 * @brief Initialize a slot.
 * @{
 */

/**
 * Initialize a slot that holds nothing yet, publishing `initial`.
 *
 * For slots that RCU_SLOT_INITIALIZER() cannot initialize: on the heap, on
 * the stack, inside another object. It overwrites the slot without retiring
 * what was there, so it is for fresh slots (or ones emptied by
 * NAME_destroy()); use NAME_replace() on a slot that may hold an object.
 *
 * @param slot     The slot.
 * @param initial  The first object, or NULL for an empty slot. It must be
 *                 freeable by free_fn.
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section. Readers may already be reading the slot.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * A release (`rcu_set_pointer()`): the stores that built `initial` happen
 * before the slot points to it, pairing with NAME_dereference().
 *
 * @par Example:
 * @snippet snippets.c init
 */
void NAME_init(struct NAME *slot, TYPE *initial);

/** @} */

/**
 * @defgroup NAME_dereference NAME_dereference
 * @ingroup RCU_SLOT_DEFINE
 * @brief Read the slot: the reader's only operation.
 * @{
 */

/**
 * Read the object a slot points to, inside a read-side critical section.
 *
 * The object stays valid, and unchanged, until the end of the outermost
 * read-side critical section that encloses the call, even if an updater
 * replaces it meanwhile; use it only until then, and copy out what you
 * need beyond. The pointer is const: readers share the object with every
 * other reader, so they never write through it.
 *
 * @param slot  The slot.
 * @return The current object, or NULL when the slot is empty.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside a read-side critical
 * section: RCUSLOT_READ_GUARD(), RCUSLOT_READ_SCOPE() or
 * rcuslot_read_lock(). Under qsbr, where read-side critical sections cost
 * nothing, the object stays valid until the thread's next
 * rcuslot_quiescent_state() or rcuslot_thread_offline().
 * @par Grace period:
 * Never waits and never blocks: one load, no atomic read-modify-write.
 * @par Memory ordering:
 * `rcu_dereference()`: a load whose address dependency orders the reads of
 * the object after it, pairing with the release of NAME_init(),
 * NAME_replace() and NAME_copy_update(); a reader never sees a partly built
 * object. Two calls in one section may return different objects.
 * @par Debug builds:
 * Abort when called outside a read-side critical section, or from an
 * unregistered thread (except under bp).
 *
 * @par Example:
 * @snippet snippets.c dereference
 */
const TYPE *NAME_dereference(const struct NAME *slot);

/** @} */

/**
 * @defgroup NAME_dereference_protected NAME_dereference_protected
 * @ingroup RCU_SLOT_DEFINE
 * @brief Read the slot on the update side, under the caller's own lock.
 * @{
 */

/**
 * Read the object a slot points to, for an updater that excludes every
 * other updater of this slot itself (it holds the mutex all of them take,
 * or it is the only one).
 *
 * No read-side critical section is needed: while the caller excludes the
 * other updaters, nobody can retire the object. The pointer is mutable,
 * as the kernel's `rcu_dereference_protected()`, but the object is
 * published: readers may be reading it, so build a modified copy and
 * NAME_replace() it rather than writing to it in place.
 *
 * @param slot  The slot.
 * @return The current object, or NULL when the slot is empty.
 *
 * @par Context:
 * Any thread that excludes the slot's other updaters.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * None beyond a single (volatile) load: the caller's lock orders it after
 * the update that published the object.
 *
 * @par Example:
 * @snippet snippets.c dereference_protected
 */
TYPE *NAME_dereference_protected(const struct NAME *slot);

/** @} */

/**
 * @defgroup NAME_copy_update NAME_copy_update
 * @ingroup RCU_SLOT_DEFINE
 * @brief Read-copy-update, safe with concurrent updaters.
 * @{
 */

/**
 * Read the current object, build a new version of it with `copy`, and
 * publish that version, retrying if another updater got there first.
 *
 * `copy(old, &new, arg)` (see NAME_copy_fn) runs inside a read-side
 * critical section; the result is published with a compare-and-exchange
 * that succeeds only if the slot still holds `old`. When another updater
 * won the race, the unpublished copy is freed at once with free_fn and
 * `copy` runs again on the newer object, so `copy` may run more than once.
 * No lock is taken: concurrent NAME_copy_update() and NAME_replace() calls
 * on one slot each take effect exactly once, in some order.
 *
 * @param slot     The slot.
 * @param copy     Builds the new version; see NAME_copy_fn for what it may
 *                 set and return.
 * @param arg      Passed to `copy` unchanged.
 * @param old_out  Always written. On success, it owns the object that was
 *                 taken out of the slot, or is empty (the slot was empty, or
 *                 `copy` asked for no change); on error, it is empty.
 *                 Consume it with NAME_old_free(), NAME_old_reclaim() or
 *                 NAME_old_defer().
 * @return 0 on success, or the non-zero value `copy` returned (the slot is
 *         then unchanged). Declared `warn_unused_result`.
 *
 * @par Context:
 * A registered thread (it takes the read lock itself; under qsbr, an
 * online one; any thread under bp). It may be called inside a read-side
 * critical section, as the lock nests, but `*old_out` must then be consumed
 * after leaving it.
 * @par Grace period:
 * Never waits. Lock-free rather than wait-free: each retry means another
 * updater made progress.
 * @par Memory ordering:
 * The compare-and-exchange (`rcu_cmpxchg_pointer()`) is a full barrier: a
 * release of the new object, pairing with NAME_dereference(), and an
 * acquire of the retired one, whose contents the updater (and free_fn) then
 * sees whole.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp).
 *
 * @par Example:
 * @snippet snippets.c copy_update
 */
int NAME_copy_update(struct NAME *slot, NAME_copy_fn *copy, void *arg,
		     struct NAME_old *old_out);

/** @} */

/**
 * @defgroup NAME_replace NAME_replace
 * @ingroup RCU_SLOT_DEFINE
 * @brief Publish a new object and take the old one out of the slot.
 * @{
 */

/**
 * Publish `new_obj` in the slot and return what it held before, in an old
 * handle.
 *
 * Readers that already hold the previous object keep using it, so the
 * handle must be consumed by NAME_old_free(), NAME_old_reclaim() or
 * NAME_old_defer(), which wait for them. `new_obj` must be fully built and
 * not published anywhere else (in particular, not the slot's current
 * object: the handle would then own an object that is still published).
 * For an update computed from the current object when other updaters may
 * run concurrently, use NAME_copy_update().
 *
 * @param slot     The slot.
 * @param new_obj  The object to publish, or NULL to empty the slot. It must
 *                 be freeable by free_fn.
 * @return The old handle: it owns the previous object, or is empty if the
 *         slot was empty. Declared `warn_unused_result`: dropping it is a
 *         compile error under `-Werror`.
 *
 * @par Context:
 * Any thread, registered or not (the exchange takes no read lock), inside
 * or outside a read-side critical section (consume the handle outside it).
 * Safe with concurrent NAME_replace() and NAME_copy_update() calls on the
 * same slot: each object taken out is returned to exactly one caller.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * An atomic exchange (`rcu_xchg_pointer()`), a full barrier: a release of
 * `new_obj`, pairing with NAME_dereference(), and an acquire of the old
 * object.
 * @par Debug builds:
 * Nothing to check: the exchange needs neither a read lock nor a
 * registered thread.
 *
 * @par Example:
 * @snippet snippets.c replace
 */
struct NAME_old NAME_replace(struct NAME *slot, TYPE *new_obj);

/** @} */

/**
 * @defgroup NAME_old_is_empty NAME_old_is_empty
 * @ingroup RCU_SLOT_DEFINE
 * @brief Whether an old handle owns an object.
 * @{
 */

/**
 * Tell whether an old handle owns nothing.
 *
 * @param old  The handle.
 * @return true when the handle is empty: nothing was retired, or it has
 *         been consumed already.
 *
 * @par Context:
 * Any thread. The handle is the caller's own, so no synchronization is
 * involved.
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * None needed: a plain read of the caller's handle.
 *
 * @par Example:
 * @snippet snippets.c old_is_empty
 */
bool NAME_old_is_empty(const struct NAME_old *old);

/** @} */

/**
 * @defgroup NAME_old_free NAME_old_free
 * @ingroup RCU_SLOT_DEFINE
 * @brief Wait for a grace period, then free the old object.
 * @{
 */

/**
 * Wait until no reader can still hold the handle's object, then free it
 * with free_fn, and empty the handle.
 *
 * The simplest way to retire an object, for updaters that may block: the
 * object is freed, in the caller's thread, by the time this returns. Does
 * nothing (and does not wait) for an empty handle.
 *
 * @param old  The handle; empty on return.
 *
 * @par Context:
 * Any thread, outside every read-side critical section: waiting inside one
 * waits for itself forever. Do not hold a lock that readers take inside
 * their read-side critical sections. Under qsbr a registered thread may
 * call it while online (liburcu takes it offline for the wait).
 * @par Grace period:
 * Waits for one when the handle is not empty (`rcuslot_synchronize()`:
 * about 100 µs with memb on an idle machine, as long as the longest
 * read-side critical section in progress).
 * @par Memory ordering:
 * The grace period ends after every read-side critical section that could
 * have obtained the object, and every read such a reader made happens
 * before free_fn.
 * @par Debug builds:
 * Abort when called inside a read-side critical section, or when the
 * object was already consumed through a copy of the handle.
 *
 * @par Example:
 * @snippet snippets.c old_free
 */
void NAME_old_free(struct NAME_old *old);

/** @} */

/**
 * @defgroup NAME_old_reclaim NAME_old_reclaim
 * @ingroup RCU_SLOT_DEFINE
 * @brief Wait for a grace period, then take the old object back.
 * @{
 */

/**
 * Wait until no reader can still hold the handle's object, then give it
 * back to the caller, and empty the handle.
 *
 * For an updater that reuses objects instead of freeing them (object pools,
 * double buffering) or frees them some other way: once this returns, the
 * object is private to the caller again and may be modified, republished
 * or freed.
 *
 * @param old  The handle; empty on return.
 * @return The object, or NULL (without waiting) for an empty handle.
 *         Declared `warn_unused_result`: ignoring it leaks the object.
 *
 * @par Context:
 * As NAME_old_free(): any thread, outside every read-side critical section,
 * not holding a lock that readers take inside one.
 * @par Grace period:
 * Waits for one when the handle is not empty.
 * @par Memory ordering:
 * As NAME_old_free(): every read of the object by a reader happens before
 * this returns, so the caller may overwrite it.
 * @par Debug builds:
 * As NAME_old_free().
 *
 * @par Example:
 * @snippet snippets.c old_reclaim
 */
TYPE *NAME_old_reclaim(struct NAME_old *old);

/** @} */

/**
 * @defgroup NAME_old_defer NAME_old_defer
 * @ingroup RCU_SLOT_DEFINE
 * @brief Free the old object after a grace period, without waiting.
 * @{
 */

/**
 * Hand the handle's object to liburcu's `call_rcu()` and return at once;
 * free_fn runs after a grace period, in liburcu's call_rcu worker thread.
 * Empties the handle.
 *
 * For updaters that must not block, or that retire objects often: the wait
 * is shared by everything queued meanwhile. Under RCU_SLOT_DEFINE() each
 * deferred object rides a small node from librcuslot's pool (recycled, so
 * a deferral allocates nothing after warm-up); under RCU_SLOT_DEFINE_HEAD()
 * it travels in its own `struct rcu_head` and needs nothing. Does nothing
 * for an empty handle.
 *
 * Deferral is bounded: when the objects awaiting reclamation, process-wide,
 * reach the bound (rcuslot_set_defer_max(); the call_rcu worker is not
 * keeping up),
 * or when no node can be allocated, the call waits for a grace period and
 * frees the object in place instead, as NAME_old_free() would. The updater
 * is throttled to the pace of grace periods, memory stays bounded, and the
 * object is never leaked and never freed early (see @ref deferral and
 * rcuslot_defer_throttled()).
 *
 * A program that deferred frees calls rcuslot_barrier() before it exits
 * (liburcu 0.13.2 can crash at exit with callbacks still queued) and
 * before unloading code that free_fn lives in.
 *
 * @param old  The handle; empty on return.
 *
 * @par Context:
 * A registered thread (liburcu's rule for `call_rcu()`; under qsbr, an
 * online one), outside every read-side critical section, because of the
 * fallback. free_fn must be safe to run in another thread.
 * @par Grace period:
 * Does not wait, except when throttled or out of memory (above).
 * @par Memory ordering:
 * Queuing is ordered after the update that unpublished the object; the
 * grace period that `call_rcu()` waits for ends after every reader that
 * could hold the object, and their reads happen before free_fn.
 * @par Debug builds:
 * Abort when called inside a read-side critical section (whether or not
 * this call would have waited), from an unregistered thread (except under
 * bp), or when the object was already consumed through a copy of the
 * handle.
 *
 * @par Example:
 * @snippet snippets.c old_defer
 */
void NAME_old_defer(struct NAME_old *old);

/** @} */

/**
 * @defgroup NAME_batch_add NAME_batch_add
 * @ingroup RCU_SLOT_DEFINE
 * @brief Move the old object into a batch that retires many at once.
 * @{
 */

/**
 * Move the handle's object into `batch`, to be freed with free_fn by the
 * batch's one grace period, and empty the handle.
 *
 * NAME_old_free() waits for one grace period per object; a batch gathers
 * old objects of any slot types (each through its own slot's
 * NAME_batch_add()) and waits once for all of them, in
 * rcuslot_batch_free(), or hands them to call_rcu at once, in
 * rcuslot_batch_defer(). Does nothing for an empty handle.
 *
 * The batch stores the objects in chunks from the kit's allocator, one per 60
 * objects. When no chunk can be allocated, the call frees the batch at once
 * (rcuslot_batch_free(): a grace period), then this object with free_fn,
 * so nothing is leaked or freed early; the batch is left empty.
 *
 * @param batch  The batch (see @ref rcuslot_batch), owned by the caller.
 * @param old    The handle; empty on return.
 *
 * @par Context:
 * Any thread that owns `batch`, outside every read-side critical section
 * (the out-of-memory fallback waits for a grace period).
 * @par Grace period:
 * Does not wait, except in the out-of-memory fallback. The wait comes with
 * rcuslot_batch_free().
 * @par Memory ordering:
 * None of its own: the object was unpublished before it reached the
 * handle, and the grace period of rcuslot_batch_free() or
 * rcuslot_batch_defer() orders every reader's reads before free_fn.
 * @par Debug builds:
 * Abort when the object was already consumed through a copy of the handle
 * (and, in the out-of-memory fallback, when called inside a read-side
 * critical section).
 *
 * @par Example:
 * @snippet snippets.c batch_add
 */
void NAME_batch_add(struct rcuslot_batch *batch, struct NAME_old *old);

/** @} */

/**
 * @defgroup NAME_destroy NAME_destroy
 * @ingroup RCU_SLOT_DEFINE
 * @brief Empty a slot and free its object after a grace period.
 * @{
 */

/**
 * Empty the slot, wait until no reader can still hold the object it held,
 * then free that object with free_fn.
 *
 * Equivalent to NAME_replace() with NULL followed by NAME_old_free(). The
 * slot is empty afterwards and may be used again (NAME_init(),
 * NAME_replace()). Releasing the memory that holds the slot itself is the
 * caller's business: readers must no longer be able to reach the slot.
 *
 * @param slot  The slot.
 *
 * @par Context:
 * As NAME_old_free(): any thread, outside every read-side critical section,
 * not holding a lock that readers take inside one.
 * @par Grace period:
 * Waits for one when the slot held an object.
 * @par Memory ordering:
 * As NAME_replace() followed by NAME_old_free().
 * @par Debug builds:
 * Abort when called inside a read-side critical section (registered or
 * not, any thread may call it, as NAME_old_free()).
 *
 * @par Example:
 * @snippet snippets.c destroy
 */
void NAME_destroy(struct NAME *slot);

/** @} */

#endif /* RCUSLOT_DOXYGEN || RCUSLOT_DOC_SIGNATURES */

#endif /* RCUSLOT_DOC_SLOT_API_H */
