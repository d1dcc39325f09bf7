/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/ref.h
 * @brief RCU_SLOT_DEFINE_REF(): a slot of reference-counted objects, which
 *        a reader may keep past its read-side critical section.
 *
 * A plain slot's object is valid only inside the read-side critical section
 * that found it. A reader that must block while it uses the object (a
 * request doing I/O with the configuration it started with) would have to
 * copy it, or hold the read lock across the blocking call and stall every
 * grace period. A counted slot lets it take a reference instead: the kernel's
 * kref-under-RCU pattern, typed.
 *
 * The object embeds a `struct rcuslot_ref`, zeroed when it is created
 * (`calloc`, or `RCUSLOT_REF_INIT`): it holds no reference yet. Publishing
 * it (name_init, name_replace, name_copy_update) gives the slot its
 * reference. Every way of retiring it (name_old_free, name_old_defer,
 * name_batch_add, name_destroy) drops the slot's reference only after a
 * grace period, so a reader that found the object under the read lock can
 * always take one more (name_get). The object is freed, with free_fn,
 * exactly once: by whichever of "a grace period has passed since it was
 * unpublished" and "the last reader's name_put" comes last.
 * name_old_reclaim hands the slot's reference to the caller.
 *
 * The contracts of name_get, name_ref_get and name_put (their reference
 * pages, `RCU_SLOT_DEFINE_REF`) are the contract comments above the macros
 * that generate them; the build writes them out
 * (site_scons/rcuslot_contracts.py).
 *
 * Memory ordering of the counter (the slot's pointer is ordered as in
 * rcuslot/slot.h):
 * - Every increment is relaxed. The slot's own, at publication (slot.h's
 *   publish hook, name_priv_slot_get), happens before the pointer store,
 *   whose release (rcu_set_pointer's wmb, the full barrier of
 *   rcu_xchg_pointer and rcu_cmpxchg_pointer) orders it before any reader
 *   can find the object. A reader's, in name_get, happens inside
 *   the read-side critical section that found the object, so the grace
 *   period orders it before the slot's decrement: the count cannot reach
 *   zero under it. name_ref_get's caller holds a reference already.
 * - Every decrement is a release read-modify-write: the holder's accesses
 *   to the object happen before it. The decrement that reaches zero is
 *   followed by an acquire load of the counter, which reads from that
 *   decrement and so synchronizes with every earlier decrement (they form
 *   one release sequence): every holder's accesses happen before free_fn.
 *   (An acquire load rather than a fence, which ThreadSanitizer does not
 *   model; the builtins are instrumented, liburcu's uatomic_* are not.)
 * - A reader that only dereferenced the object is ordered before free_fn
 *   by the grace period that precedes the slot's decrement, and that
 *   decrement by the release sequence above, whichever thread frees.
 *
 * Overflow is misuse (a reference leak): debug builds abort when an object
 * would hold more than 2^31 - 1 references. Release builds do not check:
 * the count is 64 bits wide, and wrapping it would take 2^64 increments
 * without the matching puts (584 years at one per nanosecond), after which
 * the object would be freed while still referenced.
 *
 * The slots' references are counted apart from the others, in the upper
 * half of the counter as well as the lower (a slot's reference adds
 * 2^32 + 1), so that debug builds can tell a name_put that drops a
 * reference the caller never took. Every unit counts this way, debug or
 * release: a counted object may be published, referenced, put and retired
 * by any mix of debug and release units. The lower half is the count that
 * rcuslot_ref_count() reports; the object is freed when the whole 64-bit
 * counter reaches zero, so a release build's unchecked overflow of the
 * lower half carries into the upper one and frees nothing early.
 */
#ifndef RCUSLOT_REF_H
#define RCUSLOT_REF_H

#include <stddef.h>
#include <stdint.h>

#include <rcuslot/compiler.h>
#include <rcuslot/debug.h>
#include <rcuslot/slot.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup RCU_SLOT_DEFINE_REF
 * @{
 */

/**
 * The reference count a counted type embeds for RCU_SLOT_DEFINE_REF().
 * Its member is private: the kit alone reads and writes it. Start it zeroed
 * (`calloc`, `memset`, or `RCUSLOT_REF_INIT`).
 */
struct rcuslot_ref {
	/** @cond RCUSLOT_INTERNAL */
	uint64_t rcuslot_priv_count;
	/** @endcond */
};

/** @} */

/** @cond RCUSLOT_INTERNAL */
/*
 * A slot's reference counts once in each half (see the file comment), in
 * every build: the encoding and the layout do not depend on RCUSLOT_DEBUG.
 */
#define RCUSLOT_PRIV_REF_SLOT ((UINT64_C(1) << 32) | 1)
#define RCUSLOT_PRIV_REF_REFS(c) ((c) & UINT64_C(0xffffffff))
#define RCUSLOT_PRIV_REF_SLOTS(c) ((c) >> 32)
#define RCUSLOT_PRIV_REF_MAX UINT64_C(0x7fffffff)
RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct rcuslot_ref) == 8 &&
				   offsetof(struct rcuslot_ref, rcuslot_priv_count) == 0,
			   "rcuslot: struct rcuslot_ref is one 64-bit counter");
/** @endcond */

/** @addtogroup RCU_SLOT_DEFINE_REF
 * @{
 */

/**
 * Initializer for the counter of an object that holds no reference yet:
 * `struct config c = { .ref = RCUSLOT_REF_INIT, ... };`.
 */
#define RCUSLOT_REF_INIT { 0 }

/**
 * Initializer for the counter of an object that RCU_SLOT_INITIALIZER()
 * publishes: it holds that slot's reference from the start.
 * @code
 * static struct config defaults = { .ref = RCUSLOT_REF_INIT_PUBLISHED, .rate = 10 };
 * static struct cfg_ref current = RCU_SLOT_INITIALIZER(&defaults);
 * @endcode
 * free_fn must then recognize that object (it is not from the heap).
 */
#define RCUSLOT_REF_INIT_PUBLISHED { RCUSLOT_PRIV_REF_SLOT }

/**
 * Count the references an object holds, the slot's included.
 *
 * @param ref  The object's counter.
 * @return A snapshot, for tests and diagnostics: other threads may take and
 *         drop references meanwhile. Any thread may call it.
 */
RCUSLOT_PRIV_FUNC uint64_t rcuslot_ref_count(const struct rcuslot_ref *ref)
{
	return RCUSLOT_PRIV_REF_REFS(__atomic_load_n(&ref->rcuslot_priv_count,
						     __ATOMIC_RELAXED));
}

/** @} */

/** @cond RCUSLOT_INTERNAL */

/* Add n references (1, or a slot's); returns the count before. Relaxed: see above. */
RCUSLOT_PRIV_FUNC uint64_t rcuslot_priv_ref_add(struct rcuslot_ref *ref, uint64_t n)
{
	return __atomic_fetch_add(&ref->rcuslot_priv_count, n, __ATOMIC_RELAXED);
}

/*
 * Drop n references; true when they were the last, and then every other
 * holder's accesses happen before the caller's (release decrement, then
 * an acquire load reading from it). *before is the count before.
 */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_ref_drop(struct rcuslot_ref *ref, uint64_t n,
					     uint64_t *before)
{
	*before = __atomic_fetch_sub(&ref->rcuslot_priv_count, n, __ATOMIC_RELEASE);
	if (*before != n)
		return false;
	(void)__atomic_load_n(&ref->rcuslot_priv_count, __ATOMIC_ACQUIRE);
	return true;
}

#ifdef RCUSLOT_DEBUG
/* A reference was taken on a count of `before`. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_ref_dbg_got(const char *fn, uint64_t before, bool slot,
						const struct rcuslot_priv_dbg_loc *loc)
{
	if (!slot && RCUSLOT_PRIV_REF_REFS(before) == 0)
		rcuslot_priv_dbg_fail(fn, "called on an object that holds no reference "
				      "(never published, or already freed)", loc);
	if (RCUSLOT_PRIV_REF_REFS(before) >= RCUSLOT_PRIV_REF_MAX)
		rcuslot_priv_dbg_fail(fn, "would overflow the object's reference count "
				      "(references taken and never put?)", loc);
}

/* A reference was dropped from a count of `before` (a slot's if slot). */
RCUSLOT_PRIV_FUNC void rcuslot_priv_ref_dbg_put(const char *fn, uint64_t before, bool slot,
						const struct rcuslot_priv_dbg_loc *loc)
{
	if (slot && RCUSLOT_PRIV_REF_SLOTS(before) == 0)
		rcuslot_priv_dbg_fail(fn, "dropped a slot's reference the object does not hold "
				      "(RCU_SLOT_INITIALIZER needs RCUSLOT_REF_INIT_PUBLISHED)", loc);
	if (RCUSLOT_PRIV_REF_REFS(before) == 0)
		rcuslot_priv_dbg_fail(fn, "called on an object whose reference count is "
				      "already zero", loc);
	if (!slot && RCUSLOT_PRIV_REF_REFS(before) == RCUSLOT_PRIV_REF_SLOTS(before))
		rcuslot_priv_dbg_fail(fn, "would free an object while a slot still holds "
				      "a reference to it (more puts than references taken)", loc);
}

#define RCUSLOT_PRIV_REF_DBG_GOT(fn, before, slot)                             \
	rcuslot_priv_ref_dbg_got(fn, before, slot, &rcuslot_priv_loc)
#define RCUSLOT_PRIV_REF_DBG_PUT(fn, before, slot)                             \
	rcuslot_priv_ref_dbg_put(fn, before, slot, &rcuslot_priv_loc)
#else
#define RCUSLOT_PRIV_REF_DBG_GOT(fn, before, slot) ((void)(before))
#define RCUSLOT_PRIV_REF_DBG_PUT(fn, before, slot) ((void)(before))
#endif
/*
 * old_reclaim: the slot's reference becomes an ordinary one, the caller's
 * (every build: a debug unit may put what a release unit reclaimed).
 * Relaxed: the caller holds a reference throughout, so the count stays
 * above zero and nothing is ordered by this step.
 */
#define RCUSLOT_PRIV_REF_HAND_OVER(ref)                                        \
	((void)__atomic_fetch_sub(&(ref)->rcuslot_priv_count,                  \
				  RCUSLOT_PRIV_REF_SLOT - 1, __ATOMIC_RELAXED))

/*
 * The member must be a struct rcuslot_ref: checked first, by compiler.h's
 * static assertion naming the macro and the slot. Accesses then go through
 * REF_OF, compiler.h's node-of-object idiom, whose cast keeps a wrong
 * member from adding a wall of pointer-type errors after it.
 */
#define RCUSLOT_PRIV_REF_OF(obj, member) RCUSLOT_PRIV_NODE_OF(struct rcuslot_ref, obj, member)

/* NOLINTBEGIN(bugprone-macro-parentheses): as in rcuslot/slot.h */

/**
 * @contract-group RCU_SLOT_DEFINE_REF RCU_SLOT_DEFINE_REF: counted references
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
 *
 * @order NAME_get NAME_ref_get NAME_put
 */
/*
 * slot.h's publish hooks for a counted slot (see there): the slot's
 * reference, taken before the object is published (hold)...
 */
#define RCUSLOT_PRIV_DEF_REF_SLOT_GET(name, type, member)                      \
	RCUSLOT_PRIV_FUNC void name##_priv_slot_get(type *obj)                 \
	{                                                                      \
		uint64_t before;                                               \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		if (!obj)                                                      \
			return;                                                \
		before = rcuslot_priv_ref_add(RCUSLOT_PRIV_REF_OF(obj, member), \
					      RCUSLOT_PRIV_REF_SLOT);          \
		RCUSLOT_PRIV_REF_DBG_GOT(#name " (publishing an object)", before, true); \
	}

/*
 * ... dropped (the drop: slot.h's free_fn), after the retiring piece's
 * grace period, or at once for a copy that lost copy_update's race ...
 */
#define RCUSLOT_PRIV_DEF_REF_SLOT_PUT(name, type, member, free_fn)             \
	RCUSLOT_PRIV_FUNC void name##_priv_slot_put(type *obj)                 \
	{                                                                      \
		uint64_t before;                                               \
		bool last;                                                     \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		last = rcuslot_priv_ref_drop(RCUSLOT_PRIV_REF_OF(obj, member), \
					     RCUSLOT_PRIV_REF_SLOT, &before);  \
		RCUSLOT_PRIV_REF_DBG_PUT(#name " (retiring an object)", before, \
					 true);                                \
		if (last)                                                      \
			free_fn(obj);                                          \
	}

/*
 * ... or handed to old_reclaim's caller (keep). The library's wait has
 * stripped the handle (a release unit may meet a debug unit's tagged one).
 */
#define RCUSLOT_PRIV_DEF_REF_SLOT_KEEP(name, type, member)                     \
	RCUSLOT_PRIV_FUNC void name##_priv_slot_keep(type *obj)                \
	{                                                                      \
		RCUSLOT_PRIV_REF_HAND_OVER(RCUSLOT_PRIV_REF_OF(obj, member));  \
	}

/**
 * @contract NAME_put
 * @brief Drop a counted reference; the last one frees.
 *
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
 * @proto void NAME_put(const TYPE *obj);
 */
#define RCUSLOT_PRIV_DEF_REF_PUT(name, type, member, free_fn)                  \
	RCUSLOT_PRIV_FUNC void name##_put(const type *obj)                     \
	{                                                                      \
		uint64_t before;                                               \
		bool last;                                                     \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		if (!obj)                                                      \
			return;                                                \
		last = rcuslot_priv_ref_drop(RCUSLOT_PRIV_REF_OF(obj, member), 1, \
					     &before);                         \
		RCUSLOT_PRIV_REF_DBG_PUT(#name "_put", before, false);         \
		if (last) /* the last holder: the object is its to free */     \
			free_fn((type *)(uintptr_t)obj);                       \
	}

/**
 * @contract NAME_ref_get
 * @brief Take one more reference to an object already held.
 *
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
 * @proto const TYPE *NAME_ref_get(const TYPE *obj);
 */
#define RCUSLOT_PRIV_DEF_REF_REF_GET(name, type, member)                       \
	RCUSLOT_PRIV_FUNC const type *name##_ref_get(const type *obj)          \
	{                                                                      \
		uint64_t before;                                               \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		if (!obj)                                                      \
			return NULL;                                           \
		before = rcuslot_priv_ref_add(RCUSLOT_PRIV_REF_OF(obj, member), 1); \
		RCUSLOT_PRIV_REF_DBG_GOT(#name "_ref_get", before, false);     \
		return obj;                                                    \
	}

/**
 * @contract NAME_get
 * @brief Take a counted reference to the slot's current object.
 *
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
 * @proto const TYPE *NAME_get(const struct NAME *slot);
 */
/*
 * The read lock is held from the load to the increment: the slot's
 * reference cannot be dropped in between (it waits for a grace period), so
 * a plain increment suffices, never an increment-if-not-zero loop.
 */
#define RCUSLOT_PRIV_DEF_REF_GET(name, type, member, fl)                       \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE const type *name##_get(const struct name *slot) \
	{                                                                      \
		type *obj;                                                     \
		uint64_t before = 1;                                           \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_get");                 \
		RCUSLOT_PRIV_URCU_OF(fl, read_lock)();                         \
		obj = rcu_dereference(*RCUSLOT_PRIV_CPP(type, slot));          \
		RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj);                              \
		if (obj)                                                       \
			before = rcuslot_priv_ref_add(RCUSLOT_PRIV_REF_OF(obj, member), 1); \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, read_unlock)();                       \
		RCUSLOT_PRIV_REF_DBG_GOT(#name "_get", before, false);         \
		return obj;                                                    \
	}

/* The counting functions, before the pieces that call them. */
#define RCUSLOT_PRIV_DEF_REF_COUNTING(name, type, member, free_fn)             \
	RCUSLOT_PRIV_DEF_REF_SLOT_GET(name, type, member)                      \
	RCUSLOT_PRIV_DEF_REF_SLOT_PUT(name, type, member, free_fn)             \
	RCUSLOT_PRIV_DEF_REF_SLOT_KEEP(name, type, member)                     \
	RCUSLOT_PRIV_DEF_REF_PUT(name, type, member, free_fn)                  \
	RCUSLOT_PRIV_DEF_REF_REF_GET(name, type, member)

/* NOLINTEND(bugprone-macro-parentheses) */

/** @endcond */

/** @addtogroup RCU_SLOT_DEFINE_REF
 * @{
 */

/**
 * RCU_SLOT_DEFINE() for a reference-counted `type` that embeds a
 * `struct rcuslot_ref` as `ref_member`: everything RCU_SLOT_DEFINE()
 * generates, plus name_get(), name_ref_get() and name_put(), so that a
 * reader may keep an object after its read-side critical section, across
 * blocking calls.
 *
 * `free_fn(type *)` runs once per object, when its last reference is
 * dropped: the slot's, after a grace period (in the retiring thread, or in
 * liburcu's call_rcu worker for name_old_defer()), or a reader's, in
 * name_put(), in the reader's thread.
 * @code
 * struct config { struct rcuslot_ref ref; int rate; char name[32]; };
 * static void config_free(struct config *c) { free(c); }
 * RCU_SLOT_DEFINE_REF(cfg_ref, struct config, ref, config_free);
 * @endcode
 * Objects start with the counter zeroed (`calloc`, or `RCUSLOT_REF_INIT`).
 * name_dereference() stays what it is for a plain slot, a load: use
 * name_get() only when the object must outlive the read-side critical
 * section, since it costs one atomic increment and name_put() one atomic
 * decrement, on a cache line every such reader writes.
 */
#define RCU_SLOT_DEFINE_REF(name, type, ref_member, free_fn)                   \
	RCUSLOT_PRIV_DEF_REF(name, type, ref_member, free_fn, RCUSLOT_FLAVOR)

/**
 * RCU_SLOT_DEFINE_REF() bound to a named liburcu flavor (`memb`, `qsbr`,
 * `mb`, `bp` or `signal`) instead of the unit's default, as
 * RCU_SLOT_DEFINE_FLAVOR() does for a plain slot: name_get() takes that
 * flavor's read lock, and the slot's grace periods and deferrals are that
 * flavor's. Include liburcu's header of the flavor before
 * rcuslot/rcuslot.h and define `RCUSLOT_FLAVOR`.
 * @code
 * #include <urcu/urcu-qsbr.h>
 * #include <rcuslot/rcuslot.h>
 * RCU_SLOT_DEFINE_REF_FLAVOR(sess_ref, struct session, ref, session_free, qsbr);
 * @endcode
 * There is no counted `_HEAD` form (see @ref RCU_SLOT_DEFINE_REF).
 */
#define RCU_SLOT_DEFINE_REF_FLAVOR(name, type, ref_member, free_fn, flavor)    \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(&RCUSLOT_PRIV_URCU_OF(flavor, synchronize_rcu)) != 0, \
				   "RCU_SLOT_DEFINE_REF_FLAVOR(" #name "): include liburcu's " \
				   "urcu/urcu-" #flavor ".h before rcuslot/rcuslot.h"); \
	RCUSLOT_PRIV_DEF_REF(name, type, ref_member, free_fn, flavor)

/** @cond RCUSLOT_INTERNAL */
/*
 * slot.h's pieces with the counted slot's publish hooks: name_priv_slot_get
 * takes the slot's reference where a plain slot publishes, name_priv_slot_put
 * (their free_fn) drops it where a plain slot frees, after its grace period,
 * and name_priv_slot_keep hands it to old_reclaim's caller. Every retiring
 * piece strips a tagged handle before those calls (core.h).
 */
#define RCUSLOT_PRIV_DEF_REF(name, type, member, free_fn, fl)                  \
	RCUSLOT_PRIV_CHECK_MEMBER("RCU_SLOT_DEFINE_REF", name, type, member,   \
				  struct rcuslot_ref);                         \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_DEF_REF_COUNTING(name, type, member, free_fn)             \
	RCUSLOT_PRIV_DEF_HOOKED(name, type, name##_priv_slot_put, fl,          \
				name##_priv_slot_get, name##_priv_slot_keep)   \
	RCUSLOT_PRIV_DEF_REF_GET(name, type, member, fl)                       \
	RCUSLOT_PRIV_DEF_DESTROY(name, type, fl)                               \
	RCUSLOT_PRIV_DEF_OLD_DEFER(name, type, name##_priv_slot_put, fl)       \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_DEF_END(name)
/** @endcond */

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_REF_H */
