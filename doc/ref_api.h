/* SPDX-License-Identifier: MIT */
/**
 * @file ref_api.h
 * @brief Reference for what RCU_SLOT_DEFINE_REF() adds to a slot, written
 *        for the placeholder instantiation
 *        `RCU_SLOT_DEFINE_REF(NAME, TYPE, ref, free_fn)`.
 *
 * Documentation only, as doc/slot_api.h: Doxygen reads it with
 * `RCUSLOT_DOXYGEN` defined, and `scons check` compiles its prototypes
 * against a real instantiation (doc/signatures.c with `RCUSLOT_DOC_REF`).
 */
#ifndef RCUSLOT_DOC_REF_API_H
#define RCUSLOT_DOC_REF_API_H

#if !defined(RCUSLOT_DOXYGEN) && !defined(RCUSLOT_DOC_SIGNATURES)
#error "doc/ref_api.h is documentation: include <rcuslot/rcuslot.h> instead"
#endif

#ifdef RCUSLOT_DOXYGEN

/**
 * @defgroup RCU_SLOT_DEFINE_REF RCU_SLOT_DEFINE_REF: counted references
 * @brief A slot of reference-counted objects, which a reader may keep past
 *        its read-side critical section.
 *
 * `RCU_SLOT_DEFINE_REF(NAME, TYPE, ref, free_fn);` at file scope, for a
 * `TYPE` that embeds a `struct rcuslot_ref` as its member `ref`, generates
 * everything RCU_SLOT_DEFINE() does, with the same prototypes (see
 * @ref RCU_SLOT_DEFINE), and three more functions: NAME_get(),
 * NAME_ref_get() and NAME_put(). It is the kernel's kref-under-RCU
 * pattern, typed; Rust's `Rcu<Arc<T>>` and arc-swap's `load_full()` are
 * the same idea.
 *
 * @par When to take a reference, and when a dereference is better
 * NAME_dereference() is still the way to read, and costs what it costs on
 * a plain slot: one load, no write to shared memory. Take a reference with
 * NAME_get() only when the object must stay valid after the read-side
 * critical section ends: across a blocking call (a request served under the
 * configuration it started with, while it does I/O), or kept by a session
 * that outlives one event. The alternatives are worse: holding the read
 * lock across the blocking call stalls every grace period (every updater's
 * NAME_old_free() waits for it, deferred objects pile up), and copying the
 * object costs a copy. A reference costs one atomic increment in
 * NAME_get() and one atomic decrement in NAME_put(), on the object's own
 * cache line, which every such reader of the same object writes: cheap for
 * a request that blocks anyway, a real cost in a tight loop of short
 * reads, which should dereference instead.
 *
 * @par The rules
 * - An object is created with its counter zeroed: `calloc`, `memset`, or
 *   `RCUSLOT_REF_INIT` in an initializer. It holds no reference yet.
 * - Publishing it (NAME_init(), NAME_replace(), a new object from
 *   NAME_copy_update()'s callback) gives the slot its reference.
 * - Every way of retiring it (NAME_old_free(), NAME_old_defer(),
 *   NAME_batch_add(), NAME_destroy()) drops the slot's reference only after
 *   a grace period, so a reader that found the object under the read lock
 *   can always take one more.
 * - The object is freed with free_fn exactly once, by whichever of "a grace
 *   period has passed since it was retired" and "the last reference was
 *   put" comes last: in the retiring thread (NAME_old_free(),
 *   NAME_destroy(), rcuslot_batch_free()), in liburcu's call_rcu worker
 *   (NAME_old_defer(), rcuslot_batch_defer()), or in the thread of the last
 *   NAME_put(). free_fn must be safe in any of them.
 * - NAME_old_reclaim() hands the slot's reference to the caller, who owns
 *   it as any other: NAME_put() it, or publish the object again (the slot
 *   then takes a reference of its own, and the caller still puts theirs).
 *   Other readers may still hold references: the object is not private.
 * - A copy that NAME_copy_update() could not publish had the slot's
 *   reference for a moment and loses it again: it is freed at once, unless
 *   its callback handed out other references to it. A callback that returns
 *   an error, or the old object itself ("no change"), takes nothing.
 * - RCU_SLOT_INITIALIZER() publishes without counting: its object must be
 *   initialized with `RCUSLOT_REF_INIT_PUBLISHED`.
 *
 * @par Overflow
 * Misuse (references taken and never put). Debug builds abort when an
 * object would hold more than 2^31 - 1 references. Release builds do not
 * check: the counter is 64 bits wide, and wrapping it takes 2^64
 * unmatched increments (584 years at one a nanosecond), after which the
 * object would be freed while still referenced.
 *
 * @par Debug builds
 * Besides every check of a plain slot, abort with the caller's file:line
 * on NAME_put() of an object whose count is already zero (never published,
 * or put once too often), on a NAME_put() that would free an object a slot
 * still holds a reference to (more puts than references taken: the object
 * would be freed while that reference remains), on NAME_ref_get() of an
 * object that holds no reference, on overflow, and when a slot drops a
 * reference its object never had (RCU_SLOT_INITIALIZER() without
 * `RCUSLOT_REF_INIT_PUBLISHED`). To tell the slots' references from the
 * others, every unit, debug or release, also counts them in the counter's
 * upper half: units of any mix of modes may share counted objects (a debug
 * unit checks what it does, whichever unit published the object).
 *
 * @par Memory ordering
 * Increments are relaxed; decrements are releases, and the one that drops
 * the last reference is followed by an acquire, so every holder's accesses
 * happen before free_fn. rcuslot/ref.h states the argument in full.
 *
 * `RCU_SLOT_DEFINE_REF_FLAVOR(NAME, TYPE, ref, free_fn, flavor);` generates
 * the same API bound to a named liburcu flavor instead of the unit's
 * default, as RCU_SLOT_DEFINE_FLAVOR() does for a plain slot (see
 * @ref core): NAME_get() takes that flavor's read lock, and the grace
 * periods and deferrals that drop the slot's reference are that flavor's.
 *
 * RCU_SLOT_DEFINE_HEAD() has no counted twin: a counted object may be
 * retired again (republished by a reference holder, replaced) before the
 * call_rcu callback of its previous retirement has run, and one embedded
 * `struct rcu_head` cannot be queued twice.
 *
 * The example @ref held_config.c "held_config.c" serves requests under the
 * configuration each began with, across blocking calls, while reloads go on:
 * @snippet held_config.c get
 *
 * @see RCU_SLOT_DEFINE_REF() (the macro), @ref RCU_SLOT_DEFINE (everything
 *      else the slot offers).
 * @{
 */

/** @} */

#endif /* RCUSLOT_DOXYGEN */

#if defined(RCUSLOT_DOXYGEN) || defined(RCUSLOT_DOC_SIGNATURES)

/**
 * @defgroup NAME_get NAME_get
 * @ingroup RCU_SLOT_DEFINE_REF
 * @brief Take a counted reference to the slot's current object.
 * @{
 */

/**
 * Take a reference to the object the slot holds now, valid until the
 * matching NAME_put(): after every read-side critical section has ended,
 * across blocking calls, in any thread it is handed to.
 *
 * The object is shared with every other reader and with the slot: do not
 * write to it (the counter is the kit's). For a look that ends with the
 * read-side critical section, NAME_dereference() is cheaper: it writes
 * nothing.
 *
 * @param slot  The slot.
 * @return The current object, with one more reference that the caller
 *         owns, or NULL (and no reference) when the slot is empty. Declared
 *         `warn_unused_result`: ignoring it leaks the reference.
 *
 * @par Context:
 * A registered thread (any thread under bp), inside or outside a read-side
 * critical section: it takes the read lock itself, for the load and the
 * increment only. Under qsbr, an online thread.
 * @par Grace period:
 * Never waits and never blocks: the read lock, one load, one atomic
 * increment.
 * @par Memory ordering:
 * The load is `rcu_dereference()`, as in NAME_dereference(). The increment
 * is relaxed: it happens inside the read-side critical section that found
 * the object, so the grace period the slot waits for before dropping its
 * own reference orders it first, and the count never reaches zero under
 * it.
 * @par Debug builds:
 * Abort when called from an unregistered thread (except under bp), or on
 * overflow.
 *
 * @par Example:
 * @snippet held_config.c get
 */
const TYPE *NAME_get(const struct NAME *slot);

/** @} */

/**
 * @defgroup NAME_ref_get NAME_ref_get
 * @ingroup RCU_SLOT_DEFINE_REF
 * @brief Take one more reference to an object already held.
 * @{
 */

/**
 * Take another reference to an object the caller already holds a reference
 * to (from NAME_get(), NAME_ref_get() or NAME_old_reclaim()), for instance
 * to hand it to another thread that will NAME_put() it.
 *
 * @param obj  The object, or NULL.
 * @return `obj`, with one more reference; NULL for NULL.
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section.
 * @par Grace period:
 * Never waits: one atomic increment.
 * @par Memory ordering:
 * A relaxed increment: the caller's own reference keeps the count above
 * zero, and whoever receives the new reference is ordered by however the
 * caller hands it over.
 * @par Debug builds:
 * Abort when `obj` holds no reference (never published, or already freed),
 * or on overflow.
 */
const TYPE *NAME_ref_get(const TYPE *obj);

/** @} */

/**
 * @defgroup NAME_put NAME_put
 * @ingroup RCU_SLOT_DEFINE_REF
 * @brief Drop a counted reference; the last one frees.
 * @{
 */

/**
 * Drop one reference the caller owns. When it was the object's last (the
 * slot has retired the object and its grace period has passed, and every
 * other reference was put), free the object with free_fn, in the calling
 * thread, before returning.
 *
 * The caller must not use `obj` afterwards.
 *
 * @param obj  The object, or NULL (a no-op).
 *
 * @par Context:
 * Any thread, registered or not, inside or outside a read-side critical
 * section: the object it may free is already past its grace period, so
 * nothing waits.
 * @par Grace period:
 * Never waits: one atomic decrement, then free_fn when it was the last.
 * @par Memory ordering:
 * A release decrement: the caller's accesses to the object happen before
 * it. The decrement that drops the last reference is followed by an
 * acquire load of the counter, so every other holder's accesses, and
 * (through the slot's own release after its grace period) every reader's
 * that only dereferenced the object, happen before free_fn.
 * @par Debug builds:
 * Abort when the count is already zero, or when this put would free an
 * object that a slot still holds a reference to (more puts than
 * references taken).
 *
 * @par Example:
 * @snippet held_config.c get
 */
void NAME_put(const TYPE *obj);

/** @} */

#endif /* RCUSLOT_DOXYGEN || RCUSLOT_DOC_SIGNATURES */

#endif /* RCUSLOT_DOC_REF_API_H */
