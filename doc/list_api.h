/* SPDX-License-Identifier: MIT */
/**
 * @file list_api.h
 * @brief Reference for what RCU_LIST_DEFINE() generates, written once for the
 *        placeholder instantiation `RCU_LIST_DEFINE(LIST, ENTRY, member, free_fn)`.
 *
 * Documentation only: programs include <rcuslot/rcuslot.h> and never this
 * file. Doxygen reads it with `RCUSLOT_DOXYGEN` defined (doc/Doxyfile).
 * `scons check` also compiles its prototypes against a real instantiation
 * (doc/list_signatures.c, with `RCUSLOT_DOC_SIGNATURES`), so a documented
 * signature that drifts from the generated one breaks the build; and the
 * examples come from doc/list_snippets.c, which `scons check` builds and
 * runs.
 */
#ifndef RCUSLOT_DOC_LIST_API_H
#define RCUSLOT_DOC_LIST_API_H

#if !defined(RCUSLOT_DOXYGEN) && !defined(RCUSLOT_DOC_SIGNATURES)
#error "doc/list_api.h is documentation: include <rcuslot/rcuslot.h> instead"
#endif

#include <stdbool.h>

#ifdef RCUSLOT_DOXYGEN

/**
 * @defgroup RCU_LIST_DEFINE RCU_LIST_DEFINE: the generated list API
 * @brief A typed RCU-protected list and its operations, generated per
 *        entry type.
 *
 * `RCU_LIST_DEFINE(LIST, ENTRY, member, free_fn);` at file scope
 * generates, for entries of type `ENTRY` that embed a
 * `struct rcuslot_list_node` as `member` and are freed by `free_fn`:
 *
 * - `struct LIST`, the list head with its writer lock, and
 *   `struct LIST_old`, the old handle of an entry taken out;
 * - the operations below, all `static inline`; RCU_LIST_FOREACH() and
 *   RCU_LIST_FOREACH_LOCKED() walk a list of any type.
 *
 * These pages document them for the placeholder names `LIST` and `ENTRY`:
 * read `LIST_add_tail` as `hook_list_add_tail` after
 * `RCU_LIST_DEFINE(hook_list, struct hook, node, hook_free)`, and
 * `ENTRY *` as `struct hook *`. The examples use that instantiation:
 *
 * @snippet list_snippets.c define
 *
 * **Entries** may come straight from `malloc` or `calloc`: the node needs
 * no initialization before it is added. An entry is in at most one list
 * through one node; an entry in several lists at once embeds one node per
 * list (and each list type's free_fn says which list owns it). An entry
 * that was taken out may go back in only after its grace period, that is
 * once LIST_old_reclaim() has handed it back: readers may still be
 * standing on it until then.
 *
 * **free_fn** is a function or macro callable as `free_fn(obj)` with a
 * non-NULL `ENTRY *`. It runs once per retired entry, after a grace period:
 * in the caller's thread for LIST_old_free(), LIST_destroy() and
 * rcuslot_batch_free(), in liburcu's call_rcu worker thread for
 * LIST_old_defer() and rcuslot_batch_defer() (in the caller's thread when
 * they are throttled). It must not wait for a grace period.
 *
 * Which operation to call from where:
 *
 * - **readers**, inside a read-side critical section: LIST_first(),
 *   LIST_next(), RCU_LIST_FOREACH(); LIST_empty() anywhere;
 * - **updaters**, no lock of their own needed: LIST_add_head(),
 *   LIST_add_tail(), LIST_add_before(), LIST_add_after(), LIST_remove(),
 *   LIST_replace() take the list's writer lock for one change; for a
 *   compound change (find a place, then insert), LIST_lock(), the
 *   `_locked` variants, LIST_first_locked() / RCU_LIST_FOREACH_LOCKED(),
 *   LIST_unlock();
 * - **retiring an entry taken out**, outside any read-side critical
 *   section and not under the list's lock: exactly one of LIST_old_free(),
 *   LIST_old_reclaim(), LIST_old_defer(), LIST_batch_add();
 * - **set-up and tear-down**: RCU_LIST_INITIALIZER(), LIST_init(),
 *   LIST_destroy().
 *
 * What a walk sees while updaters work: each entry that stays in the list
 * for the whole walk exactly once, in list order, and never a freed one;
 * an entry added or removed during the walk at most once; for an entry
 * replaced during the walk, the old one or the new one, never both, never
 * neither. An updater that found an entry by walking learns that another
 * updater removed it meanwhile: LIST_add_before(), LIST_add_after() and
 * LIST_replace() then return `-ENOENT`, LIST_remove() an empty handle.
 *
 * Never wait for a grace period while holding the list's lock (readers do
 * not take it, but an updater blocked on it inside a read-side critical
 * section would wait for you, and you for it).
 *
 * Debug builds (`RCUSLOT_DEBUG`, see @ref rcuslot_debug) check each
 * operation's calling context at run time, and each entry: a second
 * insert of a linked entry, an entry of another list or one never
 * inserted; each page says what is checked.
 *
 * **Flavors**: RCU_LIST_DEFINE() uses the unit's `RCUSLOT_FLAVOR`;
 * RCU_LIST_DEFINE_FLAVOR() binds a list to a named flavor (include its
 * liburcu header first), so that a memb unit may also walk a qsbr list under
 * RCUSLOT_READ_GUARD_FLAVOR(qsbr). Under qsbr, "outside a read-side
 * critical section" means offline, and a wait inside a read lock cannot be
 * detected.
 *
 * **Tested** by the unit suite (every operation), a concurrency test
 * (readers walking while replacers, an add-next-to/remove updater and a
 * locked compound updater work, with a ledger: every entry freed exactly
 * once, never while a reader that could see it is inside), the debug and
 * compile-fail suites, a scenario with a memb and a qsbr list in one unit,
 * and `test/stress/list_stress.c` under AddressSanitizer, valgrind and
 * ThreadSanitizer, with injected bugs it must catch. **Cost**: a walk
 * executes the instructions of the same walk written with
 * `cds_list_for_each_entry_rcu()` by hand; `scons check` counts both under
 * callgrind for every flavor and link mode and fails above 1.05
 * (bench/results/list-icount.md); `scons bench-list` times walks against a
 * pthread_rwlock-protected list and raw rculist (bench/results/list.md).
 *
 * @see RCU_LIST_DEFINE() (the macro), rcuslot/list.h for the memory
 *      ordering in full, @ref RCU_SLOT_DEFINE for old handles.
 * @{
 */

/**
 * Placeholder for the entry type given to RCU_LIST_DEFINE().
 *
 * A struct with a `struct rcuslot_list_node` member (named `member` in
 * RCU_LIST_DEFINE()); allocated by the user, freed by the list's free_fn.
 */
typedef struct ENTRY ENTRY;

/**
 * The list head: the rculist head and the writer lock every updater of
 * this list takes (a pthread mutex).
 *
 * Initialize it with RCU_LIST_INITIALIZER() or LIST_init(); then access it
 * only through the generated functions: its members are private. A list
 * may be static, global, on the heap or embedded in another object, as
 * long as it outlives every reader and updater that can reach it.
 */
struct LIST {
	/** @cond RCUSLOT_INTERNAL */
	struct rcuslot_priv_list rcuslot_priv_list;
	/** @endcond */
};

/**
 * The old handle: owns one entry that was taken out of a list and may
 * still be in use by readers, or nothing ("empty").
 *
 * LIST_remove() and LIST_replace() hand one out; it must be consumed by
 * exactly one of LIST_old_free(), LIST_old_reclaim(), LIST_old_defer() or
 * LIST_batch_add(), which empty it, as a slot's old handle (NAME_old).
 * Consuming an empty handle is a no-op; dropping a non-empty one leaks the
 * entry, and copying one and consuming both copies frees the entry twice
 * (debug builds abort at the second consume). One pointer wide.
 */
struct LIST_old {
	/** @cond RCUSLOT_INTERNAL */
	ENTRY *rcuslot_priv_obj;
	/** @endcond */
};

/** @} */

#endif /* RCUSLOT_DOXYGEN */

#if defined(RCUSLOT_DOXYGEN) || defined(RCUSLOT_DOC_SIGNATURES)

/**
 * @defgroup LIST_init LIST_init
 * @ingroup RCU_LIST_DEFINE
 * @brief Initialize an empty list.
 * @{
 */

/**
 * Initialize a list head: empty, with its writer lock.
 *
 * For lists that RCU_LIST_INITIALIZER() cannot initialize: on the heap, on
 * the stack, inside another object. It forgets what the list held, so it
 * is for fresh lists (or ones emptied by LIST_destroy()).
 *
 * @param list  The list.
 *
 * @par Context:
 * Any thread, before any reader or updater can reach the list.
 * @par Grace period:
 * Never waits.
 *
 * @par Example:
 * @snippet list_snippets.c init
 */
void LIST_init(struct LIST *list);

/** @} */

/**
 * @defgroup LIST_first LIST_first
 * @ingroup RCU_LIST_DEFINE
 * @brief Walk the list: its first entry, and the one after an entry.
 * @{
 */

/**
 * The first entry of the list, inside a read-side critical section.
 *
 * The entry stays valid, and unchanged, until the end of the outermost
 * read-side critical section that encloses the call, even if an updater
 * removes it meanwhile. The pointer is const: readers share entries.
 *
 * @param list  The list.
 * @return The first entry, or NULL when the list is empty.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside a read-side critical
 * section (under qsbr: until the thread's next quiescent state).
 * @par Grace period:
 * Never waits and never blocks: one load.
 * @par Memory ordering:
 * A consume load of the head's link (as `rcu_dereference()`), pairing
 * with the release that published the entry (LIST_add_head() and the
 * other inserts, LIST_replace()): a reader never sees a partly built
 * entry.
 * @par Debug builds:
 * Abort when called outside a read-side critical section, or from an
 * unregistered thread (except under bp).
 *
 * @par Example:
 * @snippet list_snippets.c first
 */
const ENTRY *LIST_first(const struct LIST *list);

/**
 * The entry after `obj`, inside the read-side critical section in which
 * `obj` was found.
 *
 * `obj` may have been removed since: a removed entry keeps its forward
 * link, so the walk goes on into the list.
 *
 * @param list  The list `obj` was found in.
 * @param obj   An entry found in this read-side critical section.
 * @return The next entry, or NULL at the end of the list.
 *
 * @par Context:
 * As LIST_first(), in the section that found `obj`.
 * @par Grace period:
 * Never waits: one load.
 * @par Memory ordering:
 * As LIST_first(), for `obj`'s link.
 * @par Debug builds:
 * As LIST_first().
 */
const ENTRY *LIST_next(const struct LIST *list, const ENTRY *obj);

/** @} */

/**
 * @defgroup LIST_first_locked LIST_first_locked
 * @ingroup RCU_LIST_DEFINE
 * @brief Walk the list under its writer lock.
 * @{
 */

/**
 * The first entry of the list, for the holder of its writer lock.
 *
 * No read-side critical section is needed: while the caller holds the
 * lock, nobody can remove an entry. The pointer is mutable, but the entry
 * is published: readers may be reading it, so replace it by a modified
 * copy (LIST_replace_locked()) rather than writing to it in place.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @return The first entry, or NULL when the list is empty.
 *
 * @par Context:
 * Any thread holding the list's lock.
 * @par Grace period:
 * Never waits.
 * @par Debug builds:
 * Abort when the lock is not held (when no thread holds it: a lock held
 * by another thread cannot be told from one held by the caller).
 *
 * @par Example:
 * @snippet list_snippets.c locked
 */
ENTRY *LIST_first_locked(struct LIST *list);

/**
 * The entry after `obj`, for the holder of the list's writer lock.
 *
 * `obj` may have been removed under this lock hold (for instance by
 * LIST_remove_locked() in an RCU_LIST_FOREACH_LOCKED() walk): its forward
 * link still leads on.
 *
 * @param list  The list, locked by the caller.
 * @param obj   An entry of the list, or one removed under this lock hold.
 * @return The next entry, or NULL at the end of the list.
 *
 * @par Context:
 * As LIST_first_locked().
 * @par Grace period:
 * Never waits.
 * @par Debug builds:
 * As LIST_first_locked().
 */
ENTRY *LIST_next_locked(struct LIST *list, const ENTRY *obj);

/** @} */

/**
 * @defgroup LIST_empty LIST_empty
 * @ingroup RCU_LIST_DEFINE
 * @brief Whether the list is empty.
 * @{
 */

/**
 * Tell whether the list has no entry.
 *
 * @param list  The list.
 * @return true when the list was empty at the moment of the call: a
 *         snapshot, which concurrent updaters may change at once.
 *
 * @par Context:
 * Any thread, inside or outside a read-side critical section, with or
 * without the lock.
 * @par Grace period:
 * Never waits: one load.
 */
bool LIST_empty(const struct LIST *list);

/** @} */

/**
 * @defgroup LIST_lock LIST_lock
 * @ingroup RCU_LIST_DEFINE
 * @brief Take and release the list's writer lock, for compound updates.
 * @{
 */

/**
 * Take the list's writer lock, the one every update of this list takes,
 * so that a compound update (find a place, then insert there; remove
 * several entries) is one step for the other updaters. Readers never take
 * it and never wait for it.
 *
 * @param list  The list.
 *
 * @par Context:
 * Any thread not holding it already (a plain mutex: not recursive). Under
 * the lock, use the `_locked` variants and LIST_first_locked(), and never
 * wait for a grace period: retire what you removed after LIST_unlock().
 * @par Memory ordering:
 * A mutex acquire, pairing with the release of the previous holder.
 *
 * @par Example:
 * @snippet list_snippets.c locked
 */
void LIST_lock(struct LIST *list);

/**
 * Release the list's writer lock taken by LIST_lock().
 *
 * @param list  The list, locked by the caller.
 *
 * @par Memory ordering:
 * A mutex release: the next updater sees every change made under the lock.
 */
void LIST_unlock(struct LIST *list);

/** @} */

/**
 * @defgroup LIST_add_head LIST_add_head
 * @ingroup RCU_LIST_DEFINE
 * @brief Publish an entry at the head or the tail of the list.
 * @{
 */

/**
 * Link `obj` at the head of the list, publishing it to readers.
 *
 * @param list  The list.
 * @param obj   A new entry, or one LIST_old_reclaim() handed back; fully
 *              built: readers may see it at once. The list owns it from
 *              now on, until it is taken out.
 *
 * @par Context:
 * Any thread, inside or outside a read-side critical section; takes the
 * list's lock (LIST_add_head_locked(): the caller holds it).
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * A release store (as `rcu_assign_pointer()`): the stores that built
 * `obj` happen before a reader can reach it, pairing with LIST_first() /
 * LIST_next().
 * @par Debug builds:
 * Abort when `obj` is already in a list (this one or another); the
 * `_locked` variants also when the lock is not held.
 *
 * @par Example:
 * @snippet list_snippets.c add
 */
void LIST_add_head(struct LIST *list, ENTRY *obj);

/**
 * Link `obj` at the tail of the list, publishing it to readers.
 *
 * @param list  The list.
 * @param obj   As for LIST_add_head().
 *
 * @par Context:
 * As LIST_add_head().
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * As LIST_add_head().
 * @par Debug builds:
 * As LIST_add_head().
 */
void LIST_add_tail(struct LIST *list, ENTRY *obj);

/**
 * LIST_add_head() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param obj   As for LIST_add_head().
 */
void LIST_add_head_locked(struct LIST *list, ENTRY *obj);

/**
 * LIST_add_tail() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param obj   As for LIST_add_head().
 */
void LIST_add_tail_locked(struct LIST *list, ENTRY *obj);

/** @} */

/**
 * @defgroup LIST_add_before LIST_add_before
 * @ingroup RCU_LIST_DEFINE
 * @brief Publish an entry next to one still in the list.
 * @{
 */

/**
 * Link `obj` just before `pos`, if `pos` is still in the list.
 *
 * `pos` is typically an entry found by walking; another updater may have
 * removed it since. The check and the link happen under the list's lock,
 * so either `obj` goes in next to a `pos` that is in the list, or nothing
 * changes and `obj` is still the caller's.
 *
 * @param list  The list.
 * @param pos   An entry of this list, or one removed from it that is
 *              still valid (found in the caller's read-side critical
 *              section, or not yet retired).
 * @param obj   As for LIST_add_head().
 * @return 0 when `obj` was linked; `-ENOENT` when `pos` had been removed:
 *         `obj` was not linked and the caller still owns it. Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * Any thread, inside or outside a read-side critical section; takes the
 * list's lock (LIST_add_before_locked(): the caller holds it, and `pos`
 * cannot be removed under it).
 * @par Grace period:
 * Never waits.
 * @par Memory ordering:
 * As LIST_add_head().
 * @par Debug builds:
 * Abort when `obj` is already in a list, or `pos` is linked in another
 * list or was never inserted; the `_locked` variants also when the lock
 * is not held.
 *
 * @par Example:
 * @snippet list_snippets.c add_after
 */
int LIST_add_before(struct LIST *list, const ENTRY *pos, ENTRY *obj);

/**
 * Link `obj` just after `pos`, if `pos` is still in the list.
 *
 * @param list  The list.
 * @param pos   As for LIST_add_before().
 * @param obj   As for LIST_add_head().
 * @return As LIST_add_before().
 *
 * @par Context:
 * As LIST_add_before().
 * @par Grace period:
 * Never waits.
 * @par Debug builds:
 * As LIST_add_before().
 */
int LIST_add_after(struct LIST *list, const ENTRY *pos, ENTRY *obj);

/**
 * LIST_add_before() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param pos   As for LIST_add_before().
 * @param obj   As for LIST_add_head().
 * @return As LIST_add_before().
 */
int LIST_add_before_locked(struct LIST *list, const ENTRY *pos, ENTRY *obj);

/**
 * LIST_add_after() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param pos   As for LIST_add_before().
 * @param obj   As for LIST_add_head().
 * @return As LIST_add_before().
 */
int LIST_add_after_locked(struct LIST *list, const ENTRY *pos, ENTRY *obj);

/** @} */

/**
 * @defgroup LIST_remove LIST_remove
 * @ingroup RCU_LIST_DEFINE
 * @brief Take an entry out of the list.
 * @{
 */

/**
 * Unlink `obj` from the list and hand it to an old handle.
 *
 * Readers that are on `obj`, or reach it before the unlink, may keep using
 * it until their read-side critical section ends; a reader on it goes on
 * into the list. The handle is retired like a slot's: see LIST_old.
 *
 * @param list  The list.
 * @param obj   An entry of this list, or one another updater removed
 *              since the caller found it (still valid, as for
 *              LIST_add_before()'s `pos`).
 * @return The old handle: owns `obj`, or is empty when `obj` had already
 *         been removed (someone else owns it then). Declared
 *         `warn_unused_result`.
 *
 * @par Context:
 * Any thread, inside or outside a read-side critical section; takes the
 * list's lock (LIST_remove_locked(): the caller holds it). Consume the
 * handle after leaving the section and the lock.
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * The store that unlinks `obj` is ordered after the publication of its
 * successor; readers never see a freed entry, as retiring waits for them.
 * @par Debug builds:
 * Abort when `obj` is linked in another list or was never inserted; the
 * `_locked` variant also when the lock is not held.
 *
 * @par Example:
 * @snippet list_snippets.c remove
 */
struct LIST_old LIST_remove(struct LIST *list, const ENTRY *obj);

/**
 * LIST_remove() for the holder of the list's lock, for instance inside an
 * RCU_LIST_FOREACH_LOCKED() walk (removing the current entry is allowed).
 * Retire the handle after LIST_unlock(), or gather it with
 * LIST_batch_add() (which waits only when it finds no memory).
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param obj   As for LIST_remove().
 * @return As LIST_remove().
 *
 * @par Example:
 * @snippet list_snippets.c batch
 */
struct LIST_old LIST_remove_locked(struct LIST *list, const ENTRY *obj);

/** @} */

/**
 * @defgroup LIST_replace LIST_replace
 * @ingroup RCU_LIST_DEFINE
 * @brief Swap one entry for another, in place, atomically for readers.
 * @{
 */

/**
 * Put `new_obj` in `old_obj`'s place with one pointer store, and hand
 * `old_obj` to an old handle.
 *
 * A walk running meanwhile sees `old_obj` or `new_obj` at that place,
 * never both and never neither: the way to change an entry, as readers
 * may be reading it.
 *
 * @param list     The list.
 * @param old_obj  As LIST_remove()'s `obj`.
 * @param new_obj  As LIST_add_head()'s `obj`.
 * @param old_out  Written on every path: the handle that owns `old_obj`,
 *                 or empty on error.
 * @return 0; or -ENOENT when `old_obj` had already been removed: nothing
 *         changed and `new_obj` is still the caller's (the same shape as
 *         MAP_replace()). Declared `warn_unused_result`.
 *
 * @par Context:
 * As LIST_remove() (LIST_replace_locked(): the caller holds the lock).
 * @par Grace period:
 * Never waits; the handle's consumer does.
 * @par Memory ordering:
 * A release store (as `rcu_assign_pointer()`) of `new_obj`, as
 * LIST_add_head().
 * @par Debug builds:
 * Abort when `new_obj` is already in a list, or `old_obj` is linked in
 * another list or was never inserted; the `_locked` variant also when the
 * lock is not held.
 *
 * @par Example:
 * @snippet list_snippets.c replace
 */
int LIST_replace(struct LIST *list, const ENTRY *old_obj, ENTRY *new_obj,
		 struct LIST_old *old_out);

/**
 * LIST_replace() for the holder of the list's lock.
 *
 * @param list     The list, locked by the caller (LIST_lock()).
 * @param old_obj  As for LIST_replace().
 * @param new_obj  As for LIST_replace().
 * @param old_out  As for LIST_replace().
 * @return As LIST_replace().
 */
int LIST_replace_locked(struct LIST *list, const ENTRY *old_obj, ENTRY *new_obj,
			struct LIST_old *old_out);

/** @} */

/**
 * @defgroup LIST_destroy LIST_destroy
 * @ingroup RCU_LIST_DEFINE
 * @brief Take every entry out and free each, before returning.
 * @{
 */

/**
 * Unlink every entry, wait for one grace period, then free each entry
 * with free_fn: when it returns, every entry that was in the list has been
 * freed. The list is left empty and usable.
 *
 * Readers walking meanwhile finish their walk on entries that are still
 * valid. Updaters may run concurrently: to them each entry destroy takes
 * out is removed, as if by LIST_remove() (LIST_add_before() and
 * LIST_add_after() next to it return `-ENOENT`, LIST_remove() and
 * LIST_replace() of it hand back an empty handle), and what they add after
 * the unlink stays in the list. The list's lock is held while the entries
 * are taken out (one store per entry), never while destroy waits or frees.
 *
 * @param list  The list.
 *
 * @par Context:
 * Any thread, outside every read-side critical section and not holding
 * the list's lock.
 * @par Grace period:
 * Waits for one, unless the list was empty.
 * @par Debug builds:
 * Abort when called inside a read-side critical section.
 *
 * @par Example:
 * @snippet list_snippets.c destroy
 */
void LIST_destroy(struct LIST *list);

/** @} */

/**
 * @defgroup LIST_old_is_empty LIST_old_is_empty
 * @ingroup RCU_LIST_DEFINE
 * @brief Whether an old handle owns an entry.
 * @{
 */

/**
 * Tell whether an old handle owns nothing.
 *
 * @param old  The handle.
 * @return true when it owns no entry: LIST_remove() or LIST_replace()
 *         found the entry already removed, or the handle was consumed.
 *
 * @par Context:
 * Any thread.
 *
 * @par Example:
 * @snippet list_snippets.c remove
 */
bool LIST_old_is_empty(const struct LIST_old *old);

/** @} */

/**
 * @defgroup LIST_old_free LIST_old_free
 * @ingroup RCU_LIST_DEFINE
 * @brief Wait for a grace period, then free the entry.
 * @{
 */

/**
 * Wait until no reader can still be using the handle's entry, then free
 * it with free_fn; the handle is left empty.
 *
 * @param old  The handle; empty on return. An empty handle: no-op, no wait.
 *
 * @par Context:
 * Any thread, outside every read-side critical section and not holding
 * the list's lock.
 * @par Grace period:
 * Waits for one (rcuslot_synchronize()) when the handle owns an entry.
 * @par Memory ordering:
 * The grace period ends after every read-side critical section that could
 * have reached the entry; their reads happen before free_fn.
 * @par Debug builds:
 * Abort inside a read-side critical section, or when the entry was
 * already consumed through a copy of the handle.
 *
 * @par Example:
 * @snippet list_snippets.c replace
 */
void LIST_old_free(struct LIST_old *old);

/** @} */

/**
 * @defgroup LIST_old_reclaim LIST_old_reclaim
 * @ingroup RCU_LIST_DEFINE
 * @brief Wait for a grace period, then hand the entry back.
 * @{
 */

/**
 * Wait until no reader can still be using the handle's entry, then give
 * it back to the caller (to reuse, insert again, or free by other means);
 * the handle is left empty.
 *
 * @param old  The handle; empty on return.
 * @return The entry, now the caller's alone; NULL for an empty handle.
 *         Declared `warn_unused_result`.
 *
 * @par Context:
 * As LIST_old_free().
 * @par Grace period:
 * Waits for one when the handle owns an entry.
 * @par Debug builds:
 * As LIST_old_free().
 *
 * @par Example:
 * @snippet list_snippets.c reclaim
 */
ENTRY *LIST_old_reclaim(struct LIST_old *old);

/** @} */

/**
 * @defgroup LIST_old_defer LIST_old_defer
 * @ingroup RCU_LIST_DEFINE
 * @brief Free the entry after a grace period, without waiting.
 * @{
 */

/**
 * Hand the handle's entry to call_rcu, which frees it with free_fn after a
 * grace period; the handle is left empty and the call returns at once.
 *
 * The entry's own `struct rcu_head` (in its `struct rcuslot_list_node`)
 * carries it: nothing is allocated.
 *
 * @param old  The handle; empty on return.
 *
 * @par Context:
 * A registered thread (any thread under bp), outside every read-side
 * critical section. free_fn runs later in liburcu's call_rcu thread; call
 * rcuslot_barrier() before exit.
 * @par Grace period:
 * Does not wait, unless more entries and objects than the deferral bound
 * (rcuslot_set_defer_max(), `RCUSLOT_DEFER_MAX`) already await reclamation: it then waits and frees here, as
 * LIST_old_free() (see @ref rcuslot_reclaim).
 * @par Debug builds:
 * Abort inside a read-side critical section, from an unregistered thread
 * (except under bp), or when the entry was already consumed.
 *
 * @par Example:
 * @snippet list_snippets.c remove
 */
void LIST_old_defer(struct LIST_old *old);

/** @} */

/**
 * @defgroup LIST_batch_add LIST_batch_add
 * @ingroup RCU_LIST_DEFINE
 * @brief Add the entry to a batch retired with one grace period.
 * @{
 */

/**
 * Move the handle's entry into `batch`, which frees everything it holds,
 * of any slot and list types, after one shared grace period
 * (rcuslot_batch_free() or rcuslot_batch_defer()).
 *
 * @param batch  The batch (see @ref rcuslot_batch).
 * @param old    The handle; empty on return.
 *
 * @par Context:
 * Any thread. The batch is the caller's alone.
 * @par Grace period:
 * Never waits, unless no memory can be had for the batch: it then waits
 * for one grace period and frees the entry, and what the batch held, here.
 * @par Debug builds:
 * Abort when the entry was already consumed.
 *
 * @par Example:
 * @snippet list_snippets.c batch
 */
void LIST_batch_add(struct rcuslot_batch *batch, struct LIST_old *old);

/** @} */

#endif /* RCUSLOT_DOXYGEN || RCUSLOT_DOC_SIGNATURES */

#endif /* RCUSLOT_DOC_LIST_API_H */
