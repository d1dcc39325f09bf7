/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/slot.h
 * @brief RCU_SLOT_DEFINE(): a typed RCU-protected pointer and its operations.
 *
 * The generator is made of one small macro per generated function, in the
 * manner of sys/tree.h and M*LIB, so a compiler diagnostic points at a short
 * macro named after the function it concerns.
 *
 * Each generated function's contract (what it does, its context, grace
 * period, memory ordering and debug checks: its reference page) is the
 * contract comment above the macro that generates it; the build writes
 * them out as the `RCU_SLOT_DEFINE` pages (site_scons/rcuslot_contracts.py).
 *
 * Memory ordering, once for the whole file:
 * - Publication (init, replace, copy_update) is a release: the stores that
 *   built the new object happen before the pointer store
 *   (rcu_set_pointer's wmb, or the full barrier of rcu_xchg_pointer and
 *   rcu_cmpxchg_pointer). It pairs with the reader's rcu_dereference
 *   (consume / address dependency), so a reader sees the object whole.
 * - Unpublication (replace, copy_update) is also an acquire: the updater
 *   that takes an object out of the slot sees everything its publisher
 *   wrote, which free_fn may read.
 * - A grace period (synchronize, or the one call_rcu waits for) ends after
 *   every read_unlock of a section that could have seen the old pointer;
 *   liburcu's barriers make the reader's loads happen before free_fn.
 * - ThreadSanitizer sees none of this in liburcu 0.13 (assembly atomics,
 *   uninstrumented waits); TSan builds name each edge to it (compiler.h).
 *   With 0.15 inlined it sees the loads and stores, not the exchanges.
 */
#ifndef RCUSLOT_SLOT_H
#define RCUSLOT_SLOT_H

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/debug.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/poll.h>

/** @addtogroup RCU_SLOT_DEFINE
 * @{
 */

/**
 * Static initializer for any slot: `struct cfg_slot s = RCU_SLOT_INITIALIZER(&obj);`
 * or `RCU_SLOT_INITIALIZER(NULL)`. The object must be one free_fn can free
 * if the slot is ever destroyed or the object replaced. It initializes
 * slots (counted ones included) and nothing else: given another
 * container, it is a compile error (in C, and in C++20 and later).
 */
#define RCU_SLOT_INITIALIZER(ptr)                                              \
	RCUSLOT_PRIV_ALLOW_DEPRECATED_BEGIN {                                  \
		RCUSLOT_PRIV_DESIGNATED(rcuslot_priv_ptr) (ptr)                \
	} RCUSLOT_PRIV_ALLOW_DEPRECATED_END

/** @cond RCUSLOT_INTERNAL */

/*
 * NOLINTBEGIN(bugprone-macro-parentheses): in the generator macros, `type`
 * is a type, `member` a member name and `free_fn` may be a function-like
 * macro; none can be parenthesized. Expression arguments (slot, old) are.
 */

/*
 * The slot's pointer, for the generated accessors only. The slot's one
 * member is at offset 0, so they reach it through the slot's address
 * without naming it; naming it anywhere else is a deprecation error under
 * -Werror, and sparse sees its __rcu address space.
 */
#define RCUSLOT_PRIV_PP(type, slot)                                            \
	((type *RCUSLOT_PRIV_FORCE *)(void *)(slot))
#define RCUSLOT_PRIV_CPP(type, slot)                                           \
	((type *const RCUSLOT_PRIV_FORCE *)(const void *)(slot))

/*
 * TSan builds (compiler.h): an object's publisher releases it before the
 * pointer store, whoever loads the pointer acquires it. NULL is no object.
 * With liburcu 0.15 inlined (flavor.h), the slot's loads and stores are
 * atomics TSan sees, so only the exchanges (inline assembly) are named:
 * a release on the slot's address before, which the readers' load of that
 * address acquires, and an acquire after, for the object taken out.
 */
#if defined(RCUSLOT_PRIV_URCU_TSAN)
#define RCUSLOT_PRIV_TSAN_PUBLISH(obj) do { } while (0)
#define RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj) do { } while (0)
#define RCUSLOT_PRIV_TSAN_XCHG_BEFORE(pp, obj) RCUSLOT_PRIV_TSAN_RELEASE(pp)
#define RCUSLOT_PRIV_TSAN_XCHG_AFTER(pp, obj) RCUSLOT_PRIV_TSAN_ACQUIRE(pp)
#elif defined(RCUSLOT_PRIV_TSAN)
#define RCUSLOT_PRIV_TSAN_XCHG_BEFORE(pp, obj) RCUSLOT_PRIV_TSAN_PUBLISH(obj)
#define RCUSLOT_PRIV_TSAN_XCHG_AFTER(pp, obj) RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj)
#define RCUSLOT_PRIV_TSAN_PUBLISH(obj)                                         \
	do {                                                                   \
		if (obj)                                                       \
			RCUSLOT_PRIV_TSAN_RELEASE(obj);                        \
	} while (0)
#define RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj)                                       \
	do {                                                                   \
		if (obj)                                                       \
			RCUSLOT_PRIV_TSAN_ACQUIRE(obj);                        \
	} while (0)
#else
#define RCUSLOT_PRIV_TSAN_PUBLISH(obj) do { } while (0)
#define RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj) do { } while (0)
#define RCUSLOT_PRIV_TSAN_XCHG_BEFORE(pp, obj) do { } while (0)
#define RCUSLOT_PRIV_TSAN_XCHG_AFTER(pp, obj) do { } while (0)
#endif

/*
 * Publish hooks: what a kind of slot does to an object as it enters and
 * leaves the slot, so that every kind shares init, replace, copy_update and
 * old_reclaim. A plain slot does nothing (RCUSLOT_PRIV_HOOK_NONE, which
 * generates no code); a counted slot (ref.h) counts the slot's reference.
 * Each hook is a function or function-like macro taking a `type *`:
 * - hold(obj), the publish hook: init and replace call it with the object
 *   they publish (NULL included), copy_update with a new copy (or NULL)
 *   before the compare-and-exchange that may publish it. Its stores happen
 *   before the pointer store, whose release (rcu_set_pointer's wmb, the
 *   full barrier of rcu_xchg_pointer and rcu_cmpxchg_pointer) orders them
 *   before any reader's rcu_dereference can find obj: a reader sees what
 *   hold wrote. It must not wait or take the read lock (copy_update calls
 *   it inside its read-side critical section).
 * - free_fn(obj), the drop, pairs with hold: called once per object that
 *   hold took, when it leaves the slot for good, after the grace period of
 *   old_free, old_defer, batch_add and destroy (every reader that could see
 *   it is done), or at once for a copy whose compare-and-exchange lost
 *   (never published: no reader can have it). Never with NULL.
 * - keep(obj): old_reclaim calls it, after its grace period, with the
 *   object it hands to its caller (never NULL): what hold took becomes the
 *   caller's. The grace period orders every reader before it.
 */
#define RCUSLOT_PRIV_HOOK_NONE(obj) ((void)0)

/**
 * @contract-group RCU_SLOT_DEFINE RCU_SLOT_DEFINE: the generated slot API
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
 *
 * @order NAME_copy_fn NAME_init NAME_dereference NAME_dereference_protected
 *        NAME_copy_update NAME_replace NAME_old_is_empty NAME_old_free
 *        NAME_old_reclaim NAME_old_defer NAME_batch_add NAME_destroy
 */
/**
 * @contract-decl
 * Placeholder for the object type given to RCU_SLOT_DEFINE().
 *
 * Any complete object type: a struct, a union, a scalar. Objects are
 * allocated by the user and freed by the slot's free_fn.
 * @decl typedef struct TYPE TYPE;
 */
/**
 * @contract-decl
 * The slot: an RCU-protected pointer to a `TYPE`, or empty (NULL).
 *
 * One pointer wide. Initialize it with RCU_SLOT_INITIALIZER() or
 * NAME_init(); then access it only through the generated functions: its
 * member is private and declared `deprecated`, so naming it is an error
 * under `-Werror`, and sparse flags any direct access. A slot may be static,
 * global, on the heap or embedded in another object, as long as it outlives
 * every reader and updater that can reach it.
 * @decl struct NAME { private: TYPE *rcuslot_priv_ptr; };
 */
/**
 * @contract-decl
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
 * @decl struct NAME_old { private: TYPE *rcuslot_priv_obj; };
 */
/**
 * @contract NAME_copy_fn
 * @brief The copy step of NAME_copy_update().
 *
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
 * @proto typedef int NAME_copy_fn(const TYPE *old, TYPE **new_out, void *arg);
 */
#define RCUSLOT_PRIV_DEF_TYPES(name, type)                                     \
	struct name {                                                          \
		type *RCUSLOT_PRIV_RCU rcuslot_priv_ptr __attribute__((        \
			deprecated("rcuslot: use " #name "_dereference, "     \
				   #name "_replace and the other " #name      \
				   "_* functions, not the slot's pointer"))); \
	};                                                                     \
	struct name##_old {                                                    \
		type *rcuslot_priv_obj;                                        \
	};                                                                     \
	typedef int name##_copy_fn(const type *old, type **new_out, void *arg);

/**
 * @contract NAME_init
 * @brief Initialize a slot.
 *
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
 * @proto void NAME_init(struct NAME *slot, TYPE *initial);
 */
#define RCUSLOT_PRIV_DEF_INIT(name, type, hold)                                \
	RCUSLOT_PRIV_FUNC void name##_init(struct name *slot, type *initial)   \
	{                                                                      \
		hold(initial);                                                 \
		RCUSLOT_PRIV_TSAN_PUBLISH(initial);                            \
		rcu_set_pointer(RCUSLOT_PRIV_PP(type, slot), initial);         \
	}

/**
 * @contract NAME_dereference
 * @brief Read the slot: the reader's only operation.
 *
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
 * @proto const TYPE *NAME_dereference(const struct NAME *slot);
 */
#define RCUSLOT_PRIV_DEF_DEREFERENCE(name, type, fl)                           \
	RCUSLOT_PRIV_FUNC const type *name##_dereference(const struct name *slot) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_dereference");          \
		const type *obj = rcu_dereference(*RCUSLOT_PRIV_CPP(type, slot)); \
		RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj);                              \
		return obj;                                                    \
	}

/**
 * @contract NAME_dereference_protected
 * @brief Read the slot on the update side, under the caller's own lock.
 *
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
 * @proto TYPE *NAME_dereference_protected(const struct NAME *slot);
 */
/* The caller excludes other updaters, so a plain load is enough. */
#define RCUSLOT_PRIV_DEF_DEREFERENCE_PROTECTED(name, type)                     \
	RCUSLOT_PRIV_FUNC type *name##_dereference_protected(const struct name *slot) \
	{                                                                      \
		return CMM_LOAD_SHARED(*RCUSLOT_PRIV_CPP(type, slot));         \
	}

/**
 * @contract NAME_replace
 * @brief Publish a new object and take the old one out of the slot.
 *
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
 * @proto struct NAME_old NAME_replace(struct NAME *slot, TYPE *new_obj);
 */
/* An exchange needs no read lock, hence no registration. */
#define RCUSLOT_PRIV_DEF_REPLACE(name, type, hold)                             \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE struct name##_old              \
	name##_replace(struct name *slot, type *new_obj)                       \
	{                                                                      \
		struct name##_old old;                                         \
		type *cur;                                                     \
                                                                               \
		hold(new_obj);                                                 \
		RCUSLOT_PRIV_TSAN_XCHG_BEFORE(slot, new_obj);                  \
		cur = rcu_xchg_pointer(RCUSLOT_PRIV_PP(type, slot), new_obj);  \
		RCUSLOT_PRIV_TSAN_XCHG_AFTER(slot, cur);                       \
		old.rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, cur);        \
		return old;                                                    \
	}

/*
 * One read-copy-update attempt. Returns copy's status; on success *won says
 * whether the attempt took effect and *retired is what it took out of the
 * slot (NULL if the slot was empty or copy asked for no change).
 *
 * The read lock is held from the load of `cur` to the compare-and-exchange,
 * so `cur` cannot be freed and its address reused in between: a successful
 * exchange means the slot still held this very object (no ABA).
 * A losing copy was never published, so it is freed at once.
 *
 * `new_obj` starts as a mark no object can have (its own address): copy
 * must write *new_out, to an object, to NULL (empty the slot) or to old (no
 * change). Left as the mark, nothing changes, and debug builds abort. The
 * mark is this function's alone: the publish hooks see only objects.
 *
 * A new object gets `hold` just before the compare-and-exchange that may
 * publish it; one that loses goes to free_fn (the drop), never published.
 */
#define RCUSLOT_PRIV_DEF_TRY_UPDATE(name, type, free_fn, fl, hold)             \
	RCUSLOT_PRIV_FUNC int name##_priv_try_update(type **pp, name##_copy_fn *copy, \
						     void *arg, type **retired, bool *won, \
						     const struct rcuslot_priv_dbg_loc *loc) \
	{                                                                      \
		type *cur, *new_obj, *seen;                                    \
		type *const untouched = (type *)(void *)&new_obj;              \
		int err;                                                       \
                                                                               \
		(void)loc;                                                     \
		new_obj = untouched;                                           \
		RCUSLOT_PRIV_URCU_OF(fl, read_lock)();                         \
		cur = rcu_dereference(*pp);                                    \
		RCUSLOT_PRIV_TSAN_SUBSCRIBE(cur);                              \
		err = copy(cur, &new_obj, arg);                                \
		if (!err && new_obj == untouched)                              \
			new_obj = RCUSLOT_PRIV_DBG_UNTOUCHED(#name "_copy_update", loc, cur); \
		seen = cur;                                                    \
		if (!err && new_obj != cur) {                                  \
			hold(new_obj);                                         \
			RCUSLOT_PRIV_TSAN_XCHG_BEFORE(pp, new_obj);            \
			seen = rcu_cmpxchg_pointer(pp, cur, new_obj);          \
		}                                                              \
		RCUSLOT_PRIV_TSAN_READER_DONE();                               \
		RCUSLOT_PRIV_URCU_OF(fl, read_unlock)();                       \
		*won = !err && seen == cur;                                    \
		*retired = new_obj == cur ? NULL : cur;                        \
		if (!err && !*won && new_obj)                                  \
			free_fn(new_obj);                                      \
		return err;                                                    \
	}

/**
 * @contract NAME_copy_update
 * @brief Read-copy-update, safe with concurrent updaters.
 *
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
 * @proto int NAME_copy_update(struct NAME *slot, NAME_copy_fn *copy, void *arg,
 *		     struct NAME_old *old_out);
 */
/* Retry until an attempt wins: another updater won each lost race. */
#define RCUSLOT_PRIV_DEF_COPY_UPDATE(name, type, fl)                           \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_copy_update(struct name *slot, name##_copy_fn *copy, void *arg,  \
			   struct name##_old *old_out)                         \
	{                                                                      \
		type *retired;                                                 \
		bool won;                                                      \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_copy_update");         \
		do                                                             \
			err = name##_priv_try_update(RCUSLOT_PRIV_PP(type, slot), \
						     copy, arg, &retired, &won, \
						     RCUSLOT_PRIV_DBG_LOC());  \
		while (!err && !won);                                          \
		old_out->rcuslot_priv_obj =                                    \
			err ? NULL : RCUSLOT_PRIV_DBG_TAG(type, retired);      \
		return err;                                                    \
	}

/**
 * @contract NAME_old_is_empty
 * @brief Whether an old handle owns an object.
 *
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
 * @proto bool NAME_old_is_empty(const struct NAME_old *old);
 */
#define RCUSLOT_PRIV_DEF_OLD_IS_EMPTY(name, type)                              \
	RCUSLOT_PRIV_FUNC bool name##_old_is_empty(const struct name##_old *old) \
	{                                                                      \
		return old->rcuslot_priv_obj == NULL;                          \
	}

/*
 * Take the object out of the handle: in debug builds checking that this is
 * its one consumer and stripping the registry's tag; in release builds the
 * raw value, which the library's paths strip (core.h). The handle is
 * emptied first, so it is never left owning a freed object.
 */
#define RCUSLOT_PRIV_TAKE(name, type, fn, old, obj)                               \
	RCUSLOT_PRIV_DBG_ENTER();                                              \
	type *obj = (old)->rcuslot_priv_obj;                                   \
	(old)->rcuslot_priv_obj = NULL;                                        \
	obj = RCUSLOT_PRIV_DBG_CONSUME(type, #name fn, obj)

/**
 * @contract NAME_old_reclaim
 * @brief Wait for a grace period, then take the old object back.
 *
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
 * @proto TYPE *NAME_old_reclaim(struct NAME_old *old);
 */
/*
 * The library's wait strips the handle (a release unit may meet a debug
 * unit's tagged one) before `keep` sees the object.
 */
#define RCUSLOT_PRIV_DEF_OLD_RECLAIM(name, type, fl, keep)                     \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE type *                         \
	name##_old_reclaim(struct name##_old *old)                             \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_old_reclaim", old, obj);       \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_old_reclaim");            \
		if (obj) {                                                     \
			obj = (type *)rcuslot_priv_retire_wait(RCUSLOT_PRIV_FL(fl), obj); \
			keep(obj);                                             \
		}                                                              \
		return obj;                                                    \
	}

/**
 * @contract NAME_old_free
 * @brief Wait for a grace period, then free the old object.
 *
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
 * @proto void NAME_old_free(struct NAME_old *old);
 */
#define RCUSLOT_PRIV_DEF_OLD_FREE(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_FUNC void name##_old_free(struct name##_old *old)          \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_old_free", old, obj);          \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_old_free");               \
		if (obj)                                                       \
			free_fn((type *)rcuslot_priv_retire_wait(RCUSLOT_PRIV_FL(fl), obj)); \
	}

/* A batch and the core's nodes hold many types: they free through this door. */
#define RCUSLOT_PRIV_DEF_FREE_VOID(name, type, free_fn)                        \
	RCUSLOT_PRIV_FUNC void name##_priv_free_void(void *obj)                \
	{                                                                      \
		free_fn((type *)obj);                                          \
	}

/*
 * Room for one object under the deferral bound: the fast path is one locked
 * subtraction. A release fast path never meets a tagged handle (a process
 * with debug units always takes the slow path, core.h); the slow path
 * returns the object stripped, and whether it may still be queued.
 */
#define RCUSLOT_PRIV_DEFER_ADMIT(type, obj, queue)                             \
	int queue = 1;                                                         \
	if (!rcuslot_priv_defer_reserve(1)) {                                  \
		struct rcuslot_priv_slow rcuslot_priv_s = rcuslot_priv_defer_slow(1, obj); \
		obj = (type *)rcuslot_priv_s.obj;                              \
		queue = rcuslot_priv_s.queue;                                  \
	}

/**
 * @contract NAME_old_defer
 * @brief Free the old object after a grace period, without waiting.
 *
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
 * @proto void NAME_old_defer(struct NAME_old *old);
 */
/*
 * A plain object rides a node from librcuslot's pool, which its callback
 * gives back; throttled or without a node, wait here and free. call_rcu's
 * enqueue is ordered after the unpublish by the exchange that did it; the
 * grace period before the callback pairs with every reader's read_unlock.
 */
#define RCUSLOT_PRIV_DEF_OLD_DEFER(name, type, free_fn, fl)                    \
	RCUSLOT_PRIV_FUNC void name##_old_defer(struct name##_old *old)         \
	{                                                                      \
		struct rcuslot_priv_node *node;                                \
		RCUSLOT_PRIV_TAKE(name, type, "_old_defer", old, obj);         \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_old_defer");              \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_old_defer");           \
		if (!obj)                                                      \
			return;                                                \
		RCUSLOT_PRIV_DEFER_ADMIT(type, obj, queue);                    \
		if (caa_likely(queue)) {                                       \
			node = rcuslot_priv_node_get();                        \
			if (caa_likely(node != NULL)) {                        \
				node->obj = obj;                               \
				node->release = name##_priv_free_void;         \
				RCUSLOT_PRIV_TSAN_RELEASE(&node->head);        \
				RCUSLOT_PRIV_URCU_OF(fl, call_rcu)(&node->head, \
								   rcuslot_priv_node_cb); \
				return;                                        \
			}                                                      \
			rcuslot_priv_defer_done(1);                            \
		}                                                              \
		rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(fl));                 \
		free_fn(obj);                                                  \
	}

/*
 * Intrusive: the object's own rcu_head carries it; nothing to allocate.
 * compiler.h's node<->object idiom: a member of the wrong type stops at
 * RCU_SLOT_DEFINE_HEAD's one message (RCUSLOT_PRIV_CHECK_MEMBER).
 */
#define RCUSLOT_PRIV_DEF_HEAD_DEFER_CB(name, type, member, free_fn)            \
	RCUSLOT_PRIV_FUNC void name##_priv_defer_cb(struct rcu_head *head)     \
	{                                                                      \
		RCUSLOT_PRIV_TSAN_CALLBACK(head);                              \
		free_fn(RCUSLOT_PRIV_OBJ_OF(type, member, head));              \
		rcuslot_priv_defer_done(1);                                    \
	}

#define RCUSLOT_PRIV_DEF_HEAD_OLD_DEFER(name, type, member, free_fn, fl)       \
	RCUSLOT_PRIV_FUNC void name##_old_defer(struct name##_old *old)         \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_old_defer", old, obj);         \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_old_defer");              \
		RCUSLOT_PRIV_DBG_REGISTERED(fl, #name "_old_defer");           \
		if (!obj)                                                      \
			return;                                                \
		RCUSLOT_PRIV_DEFER_ADMIT(type, obj, queue);                    \
		if (caa_likely(queue)) {                                       \
			struct rcu_head *head =                                \
				RCUSLOT_PRIV_NODE_OF(struct rcu_head, obj, member); \
                                                                               \
			RCUSLOT_PRIV_TSAN_RELEASE(head);                       \
			RCUSLOT_PRIV_URCU_OF(fl, call_rcu)(head, name##_priv_defer_cb); \
			return;                                                \
		}                                                              \
		rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(fl));                 \
		free_fn(obj);                                                  \
	}

/**
 * @contract NAME_batch_add
 * @brief Move the old object into a batch that retires many at once.
 *
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
 * @proto void NAME_batch_add(struct rcuslot_batch *batch, struct NAME_old *old);
 */
#define RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC void name##_batch_add(struct rcuslot_batch *batch,   \
						struct name##_old *old)        \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_batch_add", old, obj);         \
		if (obj)                                                       \
			rcuslot_priv_batch_add(batch, RCUSLOT_PRIV_FL(fl), obj, \
					       name##_priv_free_void);         \
	}

/**
 * @contract NAME_destroy
 * @brief Empty a slot and free its object after a grace period.
 *
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
 * @proto void NAME_destroy(struct NAME *slot);
 */
#define RCUSLOT_PRIV_DEF_DESTROY(name, type, fl)                               \
	RCUSLOT_PRIV_FUNC void name##_destroy(struct name *slot)               \
	{                                                                      \
		struct name##_old old;                                         \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(fl, #name "_destroy");                \
		old = name##_replace(slot, NULL);                              \
		name##_old_free(&old);                                         \
	}

/* NOLINTEND(bugprone-macro-parentheses) */

/** @endcond */

/** @cond RCUSLOT_INTERNAL */
/*
 * What every kind of slot shares, with its publish hooks (hold, keep) and
 * its drop (free_fn): everything but polling, destroy and deferral.
 */
#define RCUSLOT_PRIV_DEF_HOOKED(name, type, free_fn, fl, hold, keep)           \
	RCUSLOT_PRIV_DEF_TYPES(name, type)                                     \
	RCUSLOT_PRIV_DEF_INIT(name, type, hold)                                \
	RCUSLOT_PRIV_DEF_DEREFERENCE(name, type, fl)                           \
	RCUSLOT_PRIV_DEF_DEREFERENCE_PROTECTED(name, type)                     \
	RCUSLOT_PRIV_DEF_REPLACE(name, type, hold)                             \
	RCUSLOT_PRIV_DEF_TRY_UPDATE(name, type, free_fn, fl, hold)             \
	RCUSLOT_PRIV_DEF_COPY_UPDATE(name, type, fl)                           \
	RCUSLOT_PRIV_DEF_OLD_IS_EMPTY(name, type)                              \
	RCUSLOT_PRIV_DEF_OLD_RECLAIM(name, type, fl, keep)                     \
	RCUSLOT_PRIV_DEF_OLD_FREE(name, type, free_fn, fl)                     \
	RCUSLOT_PRIV_DEF_FREE_VOID(name, type, free_fn)                        \
	RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, fl)

/* A plain slot's: no hooks; everything but deferral, which depends on
 * where the rcu_head lives. */
#define RCUSLOT_PRIV_DEF_COMMON(name, type, free_fn, fl)                       \
	RCUSLOT_PRIV_DEF_HOOKED(name, type, free_fn, fl, RCUSLOT_PRIV_HOOK_NONE, \
				RCUSLOT_PRIV_HOOK_NONE)                        \
	RCUSLOT_PRIV_DEF_POLL(name, type, free_fn, fl)                         \
	RCUSLOT_PRIV_DEF_DESTROY(name, type, fl)

/* A named flavor's liburcu header must be included before its slots. */
#define RCUSLOT_PRIV_FLAVOR_INCLUDED(name, fl)                                 \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(&RCUSLOT_PRIV_URCU_OF(fl, synchronize_rcu)) != 0, \
				   "RCU_SLOT_DEFINE_FLAVOR(" #name "): include liburcu's urcu/urcu-" \
				   #fl ".h before rcuslot/rcuslot.h")

#define RCUSLOT_PRIV_DEF_END(name)                                             \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct name) == sizeof(void *) &&    \
				   sizeof(struct name##_old) == sizeof(void *), \
				   "RCU_SLOT_DEFINE(" #name "): slot and old handle must be one pointer wide")
/** @endcond */

/**
 * Define a typed RCU-protected pointer `struct name` to objects of `type`,
 * freed by `free_fn` (a function or macro callable as `free_fn(type *)`),
 * with its old handle `struct name_old` and its operations (name_init,
 * name_dereference, name_copy_update, name_replace, name_old_free, ...).
 *
 * Use it once per slot type at file scope, followed by a semicolon:
 * @code
 * struct config { int a, b, c; };
 * static void config_free(struct config *c) { free(c); }
 * RCU_SLOT_DEFINE(cfg_slot, struct config, config_free);
 * @endcode
 * The functions are static inline; a header may define a slot type shared
 * by several translation units. name_old_defer() allocates a small node per
 * object (see rcuslot/reclaim.h); RCU_SLOT_DEFINE_HEAD() avoids it.
 */
#define RCU_SLOT_DEFINE(name, type, free_fn)                                   \
	RCUSLOT_PRIV_DEF_PLAIN(name, type, free_fn, RCUSLOT_FLAVOR)

/**
 * RCU_SLOT_DEFINE() for a type that embeds a `struct rcu_head` as
 * `head_member`: name_old_defer() hands that head to call_rcu and allocates
 * nothing. The head belongs to the kit from name_old_defer() until free_fn.
 * @code
 * struct route { long dst, via; struct rcu_head rcu; };
 * RCU_SLOT_DEFINE_HEAD(route_slot, struct route, rcu, route_free);
 * @endcode
 */
#define RCU_SLOT_DEFINE_HEAD(name, type, head_member, free_fn)                 \
	RCUSLOT_PRIV_DEF_HEAD(name, type, head_member, free_fn, RCUSLOT_FLAVOR)

/**
 * RCU_SLOT_DEFINE() bound to a named liburcu flavor (`memb`, `qsbr`, `mb`,
 * `bp` or `signal`) instead of the unit's default, `RCUSLOT_FLAVOR`: its
 * readers take that flavor's read lock (rcuslot_qsbr_read_lock(), ...), its
 * grace periods and deferrals are that flavor's. Include liburcu's header of
 * the flavor (`urcu/urcu-qsbr.h`) before rcuslot/rcuslot.h, which then also
 * defines the flavor's helpers (rcu.h), and link its library.
 * @code
 * #include <urcu/urcu-qsbr.h>
 * #include <rcuslot/rcuslot.h>          // default flavor: RCUSLOT_FLAVOR
 * RCU_SLOT_DEFINE_FLAVOR(stats_slot, struct stats, stats_free, qsbr);
 * @endcode
 */
#define RCU_SLOT_DEFINE_FLAVOR(name, type, free_fn, flavor)                    \
	RCUSLOT_PRIV_FLAVOR_INCLUDED(name, flavor);                            \
	RCUSLOT_PRIV_DEF_PLAIN(name, type, free_fn, flavor)

/** RCU_SLOT_DEFINE_HEAD() bound to a named flavor, as RCU_SLOT_DEFINE_FLAVOR(). */
#define RCU_SLOT_DEFINE_HEAD_FLAVOR(name, type, head_member, free_fn, flavor)  \
	RCUSLOT_PRIV_FLAVOR_INCLUDED(name, flavor);                            \
	RCUSLOT_PRIV_DEF_HEAD(name, type, head_member, free_fn, flavor)

/** @cond RCUSLOT_INTERNAL */
#define RCUSLOT_PRIV_DEF_PLAIN(name, type, free_fn, fl)                        \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_DEF_COMMON(name, type, free_fn, fl)                       \
	RCUSLOT_PRIV_DEF_OLD_DEFER(name, type, free_fn, fl)                    \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_DEF_END(name)

#define RCUSLOT_PRIV_DEF_HEAD(name, type, head_member, free_fn, fl)            \
	RCUSLOT_PRIV_CHECK_MEMBER("RCU_SLOT_DEFINE_HEAD", name, type,          \
				  head_member, struct rcu_head);               \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_DEF_COMMON(name, type, free_fn, fl)                       \
	RCUSLOT_PRIV_DEF_HEAD_DEFER_CB(name, type, head_member, free_fn)       \
	RCUSLOT_PRIV_DEF_HEAD_OLD_DEFER(name, type, head_member, free_fn, fl)  \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_DEF_END(name)
/** @endcond */

/** @} */

#endif /* RCUSLOT_SLOT_H */
