/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/slot.h
 * @brief RCU_SLOT_DEFINE(): a typed RCU-protected pointer and its operations.
 *
 * The generator is made of one small macro per generated function, in the
 * manner of sys/tree.h and M*LIB, so a compiler diagnostic points at a short
 * macro named after the function it concerns.
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

#define RCUSLOT_PRIV_DEF_INIT(name, type, hold)                                \
	RCUSLOT_PRIV_FUNC void name##_init(struct name *slot, type *initial)   \
	{                                                                      \
		hold(initial);                                                 \
		RCUSLOT_PRIV_TSAN_PUBLISH(initial);                            \
		rcu_set_pointer(RCUSLOT_PRIV_PP(type, slot), initial);         \
	}

#define RCUSLOT_PRIV_DEF_DEREFERENCE(name, type, fl)                           \
	RCUSLOT_PRIV_FUNC const type *name##_dereference(const struct name *slot) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_dereference");          \
		const type *obj = rcu_dereference(*RCUSLOT_PRIV_CPP(type, slot)); \
		RCUSLOT_PRIV_TSAN_SUBSCRIBE(obj);                              \
		return obj;                                                    \
	}

/* The caller excludes other updaters, so a plain load is enough. */
#define RCUSLOT_PRIV_DEF_DEREFERENCE_PROTECTED(name, type)                     \
	RCUSLOT_PRIV_FUNC type *name##_dereference_protected(const struct name *slot) \
	{                                                                      \
		return CMM_LOAD_SHARED(*RCUSLOT_PRIV_CPP(type, slot));         \
	}

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

#define RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC void name##_batch_add(struct rcuslot_batch *batch,   \
						struct name##_old *old)        \
	{                                                                      \
		RCUSLOT_PRIV_TAKE(name, type, "_batch_add", old, obj);         \
		if (obj)                                                       \
			rcuslot_priv_batch_add(batch, RCUSLOT_PRIV_FL(fl), obj, \
					       name##_priv_free_void);         \
	}

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
