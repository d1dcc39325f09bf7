/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/list.h
 * @brief RCU_LIST_DEFINE(): a typed RCU-protected doubly linked list on
 *        liburcu's list head, with rculist's link operations, its writer
 *        lock and reclamation.
 *
 * Readers walk the list inside a read-side critical section, without locks
 * and without ever blocking; updaters add, replace and remove entries under
 * the list's own writer lock (a pthread mutex in the list head), and a
 * removed entry comes back as an old handle, retired like a slot's.
 *
 * Each entry embeds a `struct rcuslot_list_node`: the rculist link and the
 * `struct rcu_head` that carries the entry through call_rcu, so retiring
 * allocates nothing.
 *
 * The generator is made of one small macro per generated function over a
 * small untyped core (rcuslot_priv_list_*), in the manner of sys/tree.h.
 *
 * Each generated function's contract (what it does, its context, grace
 * period, memory ordering and debug checks: its reference page) is the
 * contract comment above the macro that generates it; the build writes
 * them out as the `RCU_LIST_DEFINE` pages (site_scons/rcuslot_contracts.py).
 *
 * Memory ordering, once for the whole file:
 * - Publication (add_*, replace) is a release: the stores that built the
 *   entry, and its own link, happen before the store that makes it
 *   reachable (a C11 release store, as rcu_assign_pointer). It pairs with
 *   the reader's consume load of that link in name_first() / name_next()
 *   (as rcu_dereference), so a reader sees the entry whole.
 * - Unlinking (remove, replace, destroy) stores the successor into the
 *   predecessor's link and leaves the removed entry's own link alone: a
 *   reader standing on the removed entry still reaches the rest of the
 *   list. A reader sees each entry that stays in the list for its whole
 *   walk exactly once, in order; an entry added or removed during the walk
 *   may or may not be seen, once at most.
 * - replace is one pointer store: a walk finds the old entry or the new
 *   one at that place, never both, never neither.
 * - Updaters are ordered by the writer lock (acquire on lock, release on
 *   unlock); entries' back links (`prev`) are read only under it.
 * - A grace period (name_old_free(), or the one call_rcu waits for) ends
 *   after every read_unlock of a section that could have reached the
 *   removed entry; liburcu's barriers make the reader's loads happen
 *   before free_fn.
 * - Every build runs the same link code, C11 atomics that ThreadSanitizer
 *   sees (RCUSLOT_PRIV_LIST_STORE below says why they replace rculist's
 *   volatile accesses); TSan builds add nothing to it.
 *
 * Not `prev`: readers only go forward. A removed entry has its back link
 * cleared under the lock (by remove, replace, or destroy for every entry
 * it takes out), which is how updaters that found it by walking learn it
 * is gone (name_add_before() returns -ENOENT, name_remove() an empty
 * handle).
 */
#ifndef RCUSLOT_LIST_H
#define RCUSLOT_LIST_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <urcu/list.h>

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/debug.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/slot.h>

RCUSLOT_PRIV_BEGIN_DECLS

/** @addtogroup RCU_LIST_DEFINE
 * @{
 */

/**
 * The link an entry of an RCU list embeds, once per list it can be in.
 *
 * Its members are private. An entry may come straight from `malloc` or
 * `calloc`: the node needs no initialization before it is added. It holds
 * the rculist link and the `struct rcu_head` that name_old_defer() hands
 * to call_rcu, so a list never allocates to retire an entry.
 */
struct rcuslot_list_node {
	/** @cond RCUSLOT_INTERNAL */
	struct cds_list_head rcuslot_priv_link;
	/* call_rcu's, from removal to free_fn; debug builds: owner while linked */
	struct rcu_head rcuslot_priv_rcu;
	/** @endcond */
};

/** @cond RCUSLOT_INTERNAL */
/*
 * One layout for every unit, debug or release: the debug owner mark lives
 * in the rcu_head, unused while the node is linked.
 */
RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct rcuslot_list_node) ==
				   sizeof(struct cds_list_head) + sizeof(struct rcu_head),
			   "rcuslot: struct rcuslot_list_node is a list head and an rcu_head");

/* What every generated list head holds: the rculist head and its writer lock. */
struct rcuslot_priv_list {
	struct cds_list_head head;
	pthread_mutex_t lock;
};
/** @endcond */

/**
 * Static initializer for a list of any type; it takes the list variable
 * itself, as the kernel's `LIST_HEAD_INIT(name)` does, because an empty
 * list points at its own head:
 * @code
 * static struct hook_list hooks = RCU_LIST_INITIALIZER(hooks);
 * @endcode
 * It initializes lists and nothing else: given another container, it is a
 * compile error (in C, and in C++20 and later).
 */
#define RCU_LIST_INITIALIZER(var)                                              \
	{ RCUSLOT_PRIV_DESIGNATED(rcuslot_priv_list) {                         \
		{ &(var).rcuslot_priv_list.head, &(var).rcuslot_priv_list.head }, \
		PTHREAD_MUTEX_INITIALIZER } }

/**
 * Walk `list` (a `struct name *`) in order inside a read-side critical
 * section, setting `obj`, a `const type *` the caller declares, to each
 * entry in turn. `break` leaves the loop cleanly (nothing to release); the
 * caller's read-side section keeps `obj` valid until it ends.
 * @code
 * const struct hook *h;
 *
 * RCUSLOT_READ_SCOPE({
 *         RCU_LIST_FOREACH(hook_list, &hooks, h)
 *                 if (h->fn(ctx))
 *                         break;
 * })
 * @endcode
 * `list` is evaluated once per step; debug builds abort if the walk is
 * outside a read-side critical section.
 */
#define RCU_LIST_FOREACH(name, list, obj) RCUSLOT_PRIV_LIST_FOREACH(name, list, obj)

/**
 * Walk `list` with its writer lock held (name_lock()), setting `obj`, a
 * `type *` the caller declares, to each entry in turn: for compound
 * updates such as an insertion in priority order. The next entry is read
 * before the body runs, so the body may remove the current entry
 * (name_remove_locked()); it must not remove other entries. Retire what
 * you removed after name_unlock(): retiring may wait for a grace period,
 * and waiting under the lock can deadlock with an updater that blocks on
 * the lock inside a read-side critical section (name_batch_add() under the
 * lock waits only when it finds no memory).
 */
#define RCU_LIST_FOREACH_LOCKED(name, list, obj)                               \
	RCUSLOT_PRIV_LIST_FOREACH_LOCKED(name, list, obj, RCUSLOT_PRIV_UNIQUE(rcuslot_priv_nx_))

/** @cond RCUSLOT_INTERNAL */
/* One level more, so that `name` may itself be a macro. */
#define RCUSLOT_PRIV_LIST_FOREACH(name, list, obj)                             \
	for ((obj) = name##_first(list); (obj); (obj) = name##_next((list), (obj)))
/*
 * nx: the link after obj, read before the body may remove obj. `nx` is a
 * declared name, which cannot be parenthesized.
 * NOLINTBEGIN(bugprone-macro-parentheses)
 */
#define RCUSLOT_PRIV_LIST_FOREACH_LOCKED(name, list, obj, nx)                  \
	for (struct cds_list_head *nx = name##_priv_lwalk_first((list), &(obj)); \
	     (obj); (obj) = name##_priv_lwalk_next((list), &nx))
/* NOLINTEND(bugprone-macro-parentheses) */
/** @endcond */

/** @} */

/** @cond RCUSLOT_INTERNAL */

/*
 * NOLINTBEGIN(bugprone-macro-parentheses): in the generator macros, `type`
 * is a type, `member` a member name, `free_fn` may be a function-like macro
 * and `flavor` a token; none can be parenthesized.
 */

/* An entry's address is never NULL: lets the compiler drop FOREACH's test. */
#define RCUSLOT_PRIV_LIST_NONNULL(p)                                           \
	do {                                                                   \
		if (!(p))                                                      \
			__builtin_unreachable();                               \
	} while (0)

/*
 * The links readers load while updaters store them: C11 atomics, in every
 * build. rculist's own operations are the same steps with volatile
 * accesses (liburcu 0.13) that ThreadSanitizer takes for plain ones and
 * would report as races; written with the atomics they mean, TSan checks
 * the very code that ships, with no annotation of its own. On x86 they
 * are the same plain moves as rculist's; elsewhere they cost what liburcu
 * 0.15's rcu_assign_pointer() and rcu_dereference() cost (and an unlink,
 * a plain store in rculist, is a release store here).
 * - A store of a link is a release. For a publication it is
 *   rcu_assign_pointer(). For an unlink, rculist stores plainly and relies
 *   on the successor's older publication and the reader's address
 *   dependency (as the kernel's list_del_rcu does); in C11 terms the
 *   unlinker acquired the lock after that publication, and its release
 *   hands it on to the reader that loads the successor from it.
 * - A reader's load is a consume, as liburcu 0.15's rcu_dereference()
 *   by default (compilers emit an acquire: free on x86, a load-acquire
 *   on arm64, where 0.13's volatile load was a plain one; C11 promises
 *   the dependency ordering a walk needs only to consume or acquire).
 * Everything else (back links, the links of an entry not yet published,
 * loads under the lock) is plain: only updaters, under the lock, touch it.
 */
#define RCUSLOT_PRIV_LIST_STORE(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
#define RCUSLOT_PRIV_LIST_DEREF(p) __atomic_load_n(&(p), __ATOMIC_CONSUME)

/* Link n after pos (cds_list_add_rcu's steps). Writer lock held. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_list_link_after(struct cds_list_head *pos,
						    struct cds_list_head *n)
{
	n->next = pos->next;
	n->prev = pos;
	pos->next->prev = n;
	RCUSLOT_PRIV_LIST_STORE(pos->next, n);
}

/* Link n before pos (cds_list_add_tail_rcu's steps). Writer lock held. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_list_link_before(struct cds_list_head *pos,
						     struct cds_list_head *n)
{
	n->next = pos;
	n->prev = pos->prev;
	RCUSLOT_PRIV_LIST_STORE(pos->prev->next, n);
	pos->prev = n;
}

/*
 * Unlink n (cds_list_del_rcu's steps), keeping its forward link for
 * readers on it, and mark it removed for updaters: prev is read only under
 * the lock.
 */
RCUSLOT_PRIV_FUNC void rcuslot_priv_list_unlink(struct cds_list_head *n)
{
	n->next->prev = n->prev;
	RCUSLOT_PRIV_LIST_STORE(n->prev->next, n->next);
	n->prev = NULL;
}

/* Put n in old's place with one store (cds_list_replace_rcu's); old is removed. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_list_swap(struct cds_list_head *old,
					      struct cds_list_head *n)
{
	n->next = old->next;
	n->prev = old->prev;
	RCUSLOT_PRIV_LIST_STORE(n->prev->next, n);
	n->next->prev = n;
	old->prev = NULL;
}

/*
 * Detach every entry at once, writer lock held; returns the first (head
 * itself if none). Each detached entry is marked removed (prev cleared)
 * before the lock is released, as remove() would: an updater that found
 * one by walking then gets -ENOENT or an empty handle, and never links
 * next to it or unlinks it, so the chain stays the caller's to free and
 * the head never points into it. Its forward links are left for readers
 * on it; the last one leads to head, where the chain ends.
 */
RCUSLOT_PRIV_FUNC struct cds_list_head *rcuslot_priv_list_detach(struct cds_list_head *head)
{
	struct cds_list_head *first = head->next, *p;

	if (first == head)
		return head;
	RCUSLOT_PRIV_LIST_STORE(head->next, head);
	head->prev = head;
	for (p = first; p != head; p = p->next)
		p->prev = NULL;
	return first;
}

/* The writer lock, for the generated functions. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_list_lock(struct rcuslot_priv_list *l)
{
	pthread_mutex_lock(&l->lock);
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_list_unlock(struct rcuslot_priv_list *l)
{
	pthread_mutex_unlock(&l->lock);
}

/* Whether an entry an updater found is still linked (it was, once). */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_list_linked(const struct cds_list_head *n)
{
	return n->prev != NULL;
}

#ifdef RCUSLOT_DEBUG
/*
 * Debug builds: a linked node's rcu_head (unused until removal) holds its
 * list and that address scrambled, so the checks below can tell a linked
 * node, and its list, from a fresh one straight from malloc or calloc.
 */
#define RCUSLOT_PRIV_LIST_MAGIC ((uintptr_t)0x5bd1e9955bd1e995ull)

RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct rcu_head) >= 2 * sizeof(uintptr_t),
			   "rcuslot: struct rcu_head holds the debug owner mark");

RCUSLOT_PRIV_FUNC void rcuslot_priv_list_dbg_mark(struct rcuslot_list_node *n,
						  const struct rcuslot_priv_list *l)
{
	uintptr_t w[2] = { (uintptr_t)l, (uintptr_t)l ^ RCUSLOT_PRIV_LIST_MAGIC };

	memcpy(&n->rcuslot_priv_rcu, w, sizeof(w));
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_list_dbg_unmark(struct rcuslot_list_node *n)
{
	memset(&n->rcuslot_priv_rcu, 0, sizeof(n->rcuslot_priv_rcu));
}

/* The list a node is linked in, or NULL. */
RCUSLOT_PRIV_FUNC const struct rcuslot_priv_list *
rcuslot_priv_list_dbg_owner(const struct rcuslot_list_node *n)
{
	uintptr_t w[2];

	memcpy(w, &n->rcuslot_priv_rcu, sizeof(w));
	return w[0] && (w[0] ^ RCUSLOT_PRIV_LIST_MAGIC) == w[1]
		       ? (const struct rcuslot_priv_list *)w[0]
		       : NULL;
}

/* A fresh entry for an insert: not linked in any list. */
#define RCUSLOT_PRIV_LIST_DBG_FRESH(fn, node)                                  \
	do {                                                                   \
		if (rcuslot_priv_list_dbg_owner(node))                         \
			rcuslot_priv_dbg_fail(fn, "called with an entry that is already in a list " \
					      "(remove it, and let a grace period pass, first)", \
					      &rcuslot_priv_loc);              \
	} while (0)

/* An entry that is linked (not removed meanwhile) must be linked in l. */
#define RCUSLOT_PRIV_LIST_DBG_MEMBER(fn, l, node)                              \
	do {                                                                   \
		const struct rcuslot_priv_list *rcuslot_priv_o =               \
			rcuslot_priv_list_dbg_owner(node);                     \
		if (rcuslot_priv_list_linked(&(node)->rcuslot_priv_link) &&    \
		    rcuslot_priv_o != (l))                                     \
			rcuslot_priv_dbg_fail(fn, rcuslot_priv_o               \
					      ? "called with an entry of another list" \
					      : "called with an entry that is not in this list", \
					      &rcuslot_priv_loc);              \
	} while (0)

/* A *_locked function: the list's writer lock must be held. */
#define RCUSLOT_PRIV_LIST_DBG_HELD(fn, l)                                      \
	do {                                                                   \
		if (pthread_mutex_trylock(&(l)->lock) == 0) {                  \
			pthread_mutex_unlock(&(l)->lock);                      \
			rcuslot_priv_dbg_fail(fn, "called without the list's lock held " \
					      "(take it with the list's _lock function)", \
					      &rcuslot_priv_loc);              \
		}                                                              \
	} while (0)

#define RCUSLOT_PRIV_LIST_DBG_MARK(node, l) rcuslot_priv_list_dbg_mark(node, l)
#define RCUSLOT_PRIV_LIST_DBG_UNMARK(node) rcuslot_priv_list_dbg_unmark(node)
#else
#define RCUSLOT_PRIV_LIST_DBG_FRESH(fn, node) do { } while (0)
#define RCUSLOT_PRIV_LIST_DBG_MEMBER(fn, l, node) do { } while (0)
#define RCUSLOT_PRIV_LIST_DBG_HELD(fn, l) do { } while (0)
#define RCUSLOT_PRIV_LIST_DBG_MARK(node, l) do { } while (0)
#define RCUSLOT_PRIV_LIST_DBG_UNMARK(node) do { } while (0)
#endif

/* --- Types and the typed glue ------------------------------------------- */

/**
 * @contract-group RCU_LIST_DEFINE RCU_LIST_DEFINE: the generated list API
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
 *
 * @order LIST_init LIST_first LIST_first_locked LIST_empty LIST_lock
 *        LIST_add_head LIST_add_before LIST_remove LIST_replace LIST_destroy
 *        LIST_old_is_empty LIST_old_free LIST_old_reclaim LIST_old_defer
 *        LIST_batch_add
 */
/**
 * @contract-decl
 * Placeholder for the entry type given to RCU_LIST_DEFINE().
 *
 * A struct with a `struct rcuslot_list_node` member (named `member` in
 * RCU_LIST_DEFINE()); allocated by the user, freed by the list's free_fn.
 * @decl typedef struct ENTRY ENTRY;
 */
/**
 * @contract-decl
 * The list head: the rculist head and the writer lock every updater of
 * this list takes (a pthread mutex).
 *
 * Initialize it with RCU_LIST_INITIALIZER() or LIST_init(); then access it
 * only through the generated functions: its members are private. A list
 * may be static, global, on the heap or embedded in another object, as
 * long as it outlives every reader and updater that can reach it.
 * @decl struct LIST { private: struct rcuslot_priv_list rcuslot_priv_list; };
 */
/**
 * @contract-decl
 * The old handle: owns one entry that was taken out of a list and may
 * still be in use by readers, or nothing ("empty").
 *
 * LIST_remove() and LIST_replace() hand one out; it must be consumed by
 * exactly one of LIST_old_free(), LIST_old_reclaim(), LIST_old_defer() or
 * LIST_batch_add(), which empty it, as a slot's old handle (NAME_old).
 * Consuming an empty handle is a no-op; dropping a non-empty one leaks the
 * entry, and copying one and consuming both copies frees the entry twice
 * (debug builds abort at the second consume). One pointer wide.
 * @decl struct LIST_old { private: ENTRY *rcuslot_priv_obj; };
 */
#define RCUSLOT_PRIV_LIST_DEF_TYPES(name, type)                                \
	struct name {                                                          \
		struct rcuslot_priv_list rcuslot_priv_list;                    \
	};                                                                     \
	struct name##_old {                                                    \
		type *rcuslot_priv_obj;                                        \
	};

/*
 * The entry's node, the entry of a node (compiler.h's one idiom), and the
 * entry of a link or NULL at the end of a walk. Only these name `member`,
 * so a member of the wrong type stops at RCUSLOT_PRIV_LIST_DEF_CHECK's one
 * message.
 */
#define RCUSLOT_PRIV_LIST_DEF_GLUE(name, type, member)                         \
	RCUSLOT_PRIV_FUNC struct rcuslot_list_node *name##_priv_node(const type *obj) \
	{                                                                      \
		return RCUSLOT_PRIV_NODE_OF(struct rcuslot_list_node, obj, member); \
	}                                                                      \
	RCUSLOT_PRIV_FUNC type *name##_priv_of_node(const struct rcuslot_list_node *n) \
	{                                                                      \
		return RCUSLOT_PRIV_OBJ_OF(type, member, n);                   \
	}                                                                      \
	RCUSLOT_PRIV_FUNC type *name##_priv_entry(const struct name *list,     \
						  const struct cds_list_head *p) \
	{                                                                      \
		type *obj;                                                     \
                                                                               \
		if (p == &list->rcuslot_priv_list.head)                        \
			return NULL;                                           \
		obj = name##_priv_of_node(RCUSLOT_PRIV_OBJ_OF(struct rcuslot_list_node, \
							      rcuslot_priv_link, p)); \
		RCUSLOT_PRIV_LIST_NONNULL(obj);                                \
		return obj;                                                    \
	}

/* --- Set-up, lock, and the read side ------------------------------------ */

/**
 * @contract LIST_init
 * @brief Initialize an empty list.
 *
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
 * @proto void LIST_init(struct LIST *list);
 */
#define RCUSLOT_PRIV_LIST_DEF_INIT(name)                                       \
	RCUSLOT_PRIV_FUNC void name##_init(struct name *list)                  \
	{                                                                      \
		CDS_INIT_LIST_HEAD(&list->rcuslot_priv_list.head);             \
		pthread_mutex_init(&list->rcuslot_priv_list.lock, NULL);       \
	}

/**
 * @contract LIST_lock
 * @brief Take and release the list's writer lock, for compound updates.
 *
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
 * @proto void LIST_lock(struct LIST *list);
 */
/**
 * @contract LIST_lock/LIST_unlock
 * Release the list's writer lock taken by LIST_lock().
 *
 * @param list  The list, locked by the caller.
 *
 * @par Memory ordering:
 * A mutex release: the next updater sees every change made under the lock.
 * @proto void LIST_unlock(struct LIST *list);
 */
#define RCUSLOT_PRIV_LIST_DEF_LOCK(name)                                       \
	RCUSLOT_PRIV_FUNC void name##_lock(struct name *list)                  \
	{                                                                      \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void name##_unlock(struct name *list)                \
	{                                                                      \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
	}

/**
 * @contract LIST_first
 * @brief Walk the list: its first entry, and the one after an entry.
 *
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
 * @proto const ENTRY *LIST_first(const struct LIST *list);
 */
#define RCUSLOT_PRIV_LIST_DEF_FIRST(name, type, fl)                            \
	RCUSLOT_PRIV_FUNC const type *name##_first(const struct name *list)    \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_first");                \
		return name##_priv_entry(list,                                 \
					 RCUSLOT_PRIV_LIST_DEREF(list->rcuslot_priv_list.head.next)); \
	}

/**
 * @contract LIST_first/LIST_next
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
 * @proto const ENTRY *LIST_next(const struct LIST *list, const ENTRY *obj);
 */
#define RCUSLOT_PRIV_LIST_DEF_NEXT(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC const type *name##_next(const struct name *list,     \
						  const type *obj)             \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_next");                 \
		return name##_priv_entry(list,                                 \
					 RCUSLOT_PRIV_LIST_DEREF(name##_priv_node(obj)->rcuslot_priv_link.next)); \
	}

/**
 * @contract LIST_first_locked
 * @brief Walk the list under its writer lock.
 *
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
 * @proto ENTRY *LIST_first_locked(struct LIST *list);
 */
#define RCUSLOT_PRIV_LIST_DEF_FIRST_LOCKED(name, type)                         \
	RCUSLOT_PRIV_FUNC type *name##_first_locked(struct name *list)         \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_first_locked", &list->rcuslot_priv_list); \
		return name##_priv_entry(list, list->rcuslot_priv_list.head.next); \
	}

/**
 * @contract LIST_first_locked/LIST_next_locked
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
 * @proto ENTRY *LIST_next_locked(struct LIST *list, const ENTRY *obj);
 */
#define RCUSLOT_PRIV_LIST_DEF_NEXT_LOCKED(name, type)                          \
	RCUSLOT_PRIV_FUNC type *name##_next_locked(struct name *list, const type *obj) \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_next_locked", &list->rcuslot_priv_list); \
		return name##_priv_entry(list, name##_priv_node(obj)->rcuslot_priv_link.next); \
	}

/* RCU_LIST_FOREACH_LOCKED's steps: the entry, and the link after it. */
#define RCUSLOT_PRIV_LIST_DEF_LOCKED_WALK(name, type)                          \
	RCUSLOT_PRIV_FUNC struct cds_list_head *name##_priv_lwalk_first(struct name *list, \
									type **obj) \
	{                                                                      \
		*obj = name##_first_locked(list);                              \
		return *obj ? name##_priv_node(*obj)->rcuslot_priv_link.next : NULL; \
	}                                                                      \
	RCUSLOT_PRIV_FUNC type *name##_priv_lwalk_next(struct name *list,      \
						       struct cds_list_head **nx) \
	{                                                                      \
		type *obj = name##_priv_entry(list, *nx);                      \
                                                                               \
		*nx = obj ? (*nx)->next : NULL;                                \
		return obj;                                                    \
	}

/**
 * @contract LIST_empty
 * @brief Whether the list is empty.
 *
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
 * @proto bool LIST_empty(const struct LIST *list);
 */
/* A snapshot; the reader's load only for its atomicity (nothing is read through it). */
#define RCUSLOT_PRIV_LIST_DEF_EMPTY(name)                                      \
	RCUSLOT_PRIV_FUNC bool name##_empty(const struct name *list)           \
	{                                                                      \
		return RCUSLOT_PRIV_LIST_DEREF(list->rcuslot_priv_list.head.next) == \
		       &list->rcuslot_priv_list.head;                          \
	}

/* --- Updates ------------------------------------------------------------- */

/**
 * @contract LIST_add_head
 * @brief Publish an entry at the head or the tail of the list.
 *
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
 * @proto void LIST_add_head(struct LIST *list, ENTRY *obj);
 */
/**
 * @contract LIST_add_head/LIST_add_tail
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
 * @proto void LIST_add_tail(struct LIST *list, ENTRY *obj);
 */
/**
 * @contract LIST_add_head/LIST_add_head_locked
 * LIST_add_head() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param obj   As for LIST_add_head().
 * @proto void LIST_add_head_locked(struct LIST *list, ENTRY *obj);
 */
/**
 * @contract LIST_add_head/LIST_add_tail_locked
 * LIST_add_tail() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param obj   As for LIST_add_head().
 * @proto void LIST_add_tail_locked(struct LIST *list, ENTRY *obj);
 */
/*
 * The link operations, writer lock held: `verb` is the public name, `core`
 * the untyped link function, `at` the list position to link against.
 */
#define RCUSLOT_PRIV_LIST_DEF_ADD_END(name, type, verb, core)                  \
	RCUSLOT_PRIV_FUNC void name##_##verb##_locked(struct name *list, type *obj) \
	{                                                                      \
		struct rcuslot_list_node *n = name##_priv_node(obj);           \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_" #verb "_locked", &list->rcuslot_priv_list); \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_" #verb "_locked", n);     \
		RCUSLOT_PRIV_LIST_DBG_MARK(n, &list->rcuslot_priv_list);       \
		core(&list->rcuslot_priv_list.head, &n->rcuslot_priv_link);    \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void name##_##verb(struct name *list, type *obj)     \
	{                                                                      \
		struct rcuslot_list_node *n = name##_priv_node(obj);           \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_" #verb, n);               \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
		RCUSLOT_PRIV_LIST_DBG_MARK(n, &list->rcuslot_priv_list);       \
		core(&list->rcuslot_priv_list.head, &n->rcuslot_priv_link);    \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
	}

/* Next to pos, if pos is still linked; -ENOENT (obj untouched) if not. */
#define RCUSLOT_PRIV_LIST_DEF_ADD_AT(name, type, verb, core)                   \
	RCUSLOT_PRIV_FUNC int name##_priv_##verb(struct name *list, const type *pos, \
						 type *obj)                    \
	{                                                                      \
		struct rcuslot_list_node *p = name##_priv_node(pos);           \
		struct rcuslot_list_node *n = name##_priv_node(obj);           \
                                                                               \
		(void)list; /* debug builds mark n with it */                  \
		if (!rcuslot_priv_list_linked(&p->rcuslot_priv_link))          \
			return -ENOENT;                                        \
		RCUSLOT_PRIV_LIST_DBG_MARK(n, &list->rcuslot_priv_list);       \
		core(&p->rcuslot_priv_link, &n->rcuslot_priv_link);            \
		return 0;                                                      \
	}

/**
 * @contract LIST_add_before
 * @brief Publish an entry next to one still in the list.
 *
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
 * @proto int LIST_add_before(struct LIST *list, const ENTRY *pos, ENTRY *obj);
 */
/**
 * @contract LIST_add_before/LIST_add_after
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
 * @proto int LIST_add_after(struct LIST *list, const ENTRY *pos, ENTRY *obj);
 */
/**
 * @contract LIST_add_before/LIST_add_before_locked
 * LIST_add_before() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param pos   As for LIST_add_before().
 * @param obj   As for LIST_add_head().
 * @return As LIST_add_before().
 * @proto int LIST_add_before_locked(struct LIST *list, const ENTRY *pos, ENTRY *obj);
 */
/**
 * @contract LIST_add_before/LIST_add_after_locked
 * LIST_add_after() for the holder of the list's lock.
 *
 * @param list  The list, locked by the caller (LIST_lock()).
 * @param pos   As for LIST_add_before().
 * @param obj   As for LIST_add_head().
 * @return As LIST_add_before().
 * @proto int LIST_add_after_locked(struct LIST *list, const ENTRY *pos, ENTRY *obj);
 */
#define RCUSLOT_PRIV_LIST_DEF_ADD_AT_API(name, type, verb)                     \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_##verb##_locked(struct name *list, const type *pos, type *obj)  \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_" #verb "_locked", &list->rcuslot_priv_list); \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_" #verb "_locked", name##_priv_node(obj)); \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_" #verb "_locked", &list->rcuslot_priv_list, \
					     name##_priv_node(pos));           \
		return name##_priv_##verb(list, pos, obj);                     \
	}                                                                      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_##verb(struct name *list, const type *pos, type *obj)           \
	{                                                                      \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_" #verb, name##_priv_node(obj)); \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_" #verb, &list->rcuslot_priv_list, \
					     name##_priv_node(pos));           \
		err = name##_priv_##verb(list, pos, obj);                      \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
		return err;                                                    \
	}

/* Unlink obj if it is still linked; the handle owns it (empty if it was not). */
#define RCUSLOT_PRIV_LIST_DEF_REMOVE_CORE(name, type)                          \
	RCUSLOT_PRIV_FUNC struct name##_old name##_priv_remove(const type *obj) \
	{                                                                      \
		struct rcuslot_list_node *n = name##_priv_node(obj);           \
		struct name##_old old = { NULL };                              \
                                                                               \
		if (rcuslot_priv_list_linked(&n->rcuslot_priv_link)) {         \
			rcuslot_priv_list_unlink(&n->rcuslot_priv_link);       \
			RCUSLOT_PRIV_LIST_DBG_UNMARK(n);                       \
			old.rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, (type *)obj); \
		}                                                              \
		return old;                                                    \
	}

/**
 * @contract LIST_remove
 * @brief Take an entry out of the list.
 *
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
 * @proto struct LIST_old LIST_remove(struct LIST *list, const ENTRY *obj);
 */
/**
 * @contract LIST_remove/LIST_remove_locked
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
 * @proto struct LIST_old LIST_remove_locked(struct LIST *list, const ENTRY *obj);
 */
#define RCUSLOT_PRIV_LIST_DEF_REMOVE(name, type)                               \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE struct name##_old              \
	name##_remove_locked(struct name *list, const type *obj)               \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		(void)list; /* for the debug checks */                         \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_remove_locked", &list->rcuslot_priv_list); \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_remove_locked", &list->rcuslot_priv_list, \
					     name##_priv_node(obj));           \
		return name##_priv_remove(obj);                                \
	}                                                                      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE struct name##_old              \
	name##_remove(struct name *list, const type *obj)                      \
	{                                                                      \
		struct name##_old old;                                         \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_remove", &list->rcuslot_priv_list, \
					     name##_priv_node(obj));           \
		old = name##_priv_remove(obj);                                 \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
		return old;                                                    \
	}

/*
 * Swap if old_obj is still linked: 0, and *old_out owns it. -ENOENT if not:
 * nothing done, new_obj still the caller's, *old_out empty.
 */
#define RCUSLOT_PRIV_LIST_DEF_REPLACE_CORE(name, type)                         \
	RCUSLOT_PRIV_FUNC int name##_priv_replace(struct name *list, const type *old_obj, \
						  type *new_obj,               \
						  struct name##_old *old_out)  \
	{                                                                      \
		struct rcuslot_list_node *o = name##_priv_node(old_obj);       \
		struct rcuslot_list_node *n = name##_priv_node(new_obj);       \
                                                                               \
		(void)list; /* debug builds mark n with it */                  \
		old_out->rcuslot_priv_obj = NULL;                              \
		if (!rcuslot_priv_list_linked(&o->rcuslot_priv_link))          \
			return -ENOENT;                                        \
		RCUSLOT_PRIV_LIST_DBG_MARK(n, &list->rcuslot_priv_list);       \
		rcuslot_priv_list_swap(&o->rcuslot_priv_link, &n->rcuslot_priv_link); \
		RCUSLOT_PRIV_LIST_DBG_UNMARK(o);                               \
		old_out->rcuslot_priv_obj = RCUSLOT_PRIV_DBG_TAG(type, (type *)old_obj); \
		return 0;                                                      \
	}

/**
 * @contract LIST_replace
 * @brief Swap one entry for another, in place, atomically for readers.
 *
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
 * @proto int LIST_replace(struct LIST *list, const ENTRY *old_obj, ENTRY *new_obj,
 *		 struct LIST_old *old_out);
 */
/**
 * @contract LIST_replace/LIST_replace_locked
 * LIST_replace() for the holder of the list's lock.
 *
 * @param list     The list, locked by the caller (LIST_lock()).
 * @param old_obj  As for LIST_replace().
 * @param new_obj  As for LIST_replace().
 * @param old_out  As for LIST_replace().
 * @return As LIST_replace().
 * @proto int LIST_replace_locked(struct LIST *list, const ENTRY *old_obj, ENTRY *new_obj,
 *			struct LIST_old *old_out);
 */
#define RCUSLOT_PRIV_LIST_DEF_REPLACE(name, type)                              \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_replace_locked(struct name *list, const type *old_obj, type *new_obj, \
			      struct name##_old *old_out)                      \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_replace_locked", &list->rcuslot_priv_list); \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_replace_locked", name##_priv_node(new_obj)); \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_replace_locked", &list->rcuslot_priv_list, \
					     name##_priv_node(old_obj));       \
		return name##_priv_replace(list, old_obj, new_obj, old_out);   \
	}                                                                      \
	RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_MUST_USE int                            \
	name##_replace(struct name *list, const type *old_obj, type *new_obj,  \
		       struct name##_old *old_out)                             \
	{                                                                      \
		int err;                                                       \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_LIST_DBG_FRESH(#name "_replace", name##_priv_node(new_obj)); \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
		RCUSLOT_PRIV_LIST_DBG_MEMBER(#name "_replace", &list->rcuslot_priv_list, \
					     name##_priv_node(old_obj));       \
		err = name##_priv_replace(list, old_obj, new_obj, old_out);    \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
		return err;                                                    \
	}

/**
 * @contract LIST_destroy
 * @brief Take every entry out and free each, before returning.
 *
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
 * @proto void LIST_destroy(struct LIST *list);
 */
/*
 * Detach everything under the lock, each entry marked removed, wait for one
 * grace period (readers may still stand on any entry), then free each: all
 * before returning. No updater touches the detached chain (it sees each
 * entry removed), so its links are as the detach left them and it ends at
 * the head; updaters that run meanwhile work on the emptied list.
 */
#define RCUSLOT_PRIV_LIST_DEF_DESTROY(name, type, free_fn, flavor)             \
	RCUSLOT_PRIV_FUNC void name##_destroy(struct name *list)               \
	{                                                                      \
		struct cds_list_head *head = &list->rcuslot_priv_list.head, *p; \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
                                                                               \
		RCUSLOT_PRIV_DBG_NO_WAIT(flavor, #name "_destroy");            \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
		p = rcuslot_priv_list_detach(head);                            \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
		if (p == head)                                                 \
			return;                                                \
		rcuslot_priv_synchronize(RCUSLOT_PRIV_FL(flavor));             \
		while (p != head) {                                            \
			struct rcuslot_list_node *n =                          \
				RCUSLOT_PRIV_OBJ_OF(struct rcuslot_list_node, rcuslot_priv_link, p); \
                                                                               \
			p = p->next;                                           \
			RCUSLOT_PRIV_LIST_DBG_UNMARK(n);                       \
			free_fn(name##_priv_of_node(n));                       \
		}                                                              \
	}

/**
 * @contract LIST_old_is_empty
 * @brief Whether an old handle owns an entry.
 *
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
 * @proto bool LIST_old_is_empty(const struct LIST_old *old);
 */
/**
 * @contract LIST_old_free
 * @brief Wait for a grace period, then free the entry.
 *
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
 * @proto void LIST_old_free(struct LIST_old *old);
 */
/**
 * @contract LIST_old_reclaim
 * @brief Wait for a grace period, then hand the entry back.
 *
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
 * @proto ENTRY *LIST_old_reclaim(struct LIST_old *old);
 */
/**
 * @contract LIST_old_defer
 * @brief Free the entry after a grace period, without waiting.
 *
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
 * @proto void LIST_old_defer(struct LIST_old *old);
 */
/**
 * @contract LIST_batch_add
 * @brief Add the entry to a batch retired with one grace period.
 *
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
 * @proto void LIST_batch_add(struct rcuslot_batch *batch, struct LIST_old *old);
 */
/*
 * Old handles are a slot's, through slot.h's pieces: old_free and
 * old_reclaim wait in librcuslot (rcuslot_priv_retire_wait), old_defer
 * hands the entry's own rcu_head to the flavor's call_rcu (nothing to
 * allocate) and batch_add the entry to the library's batch chunks. The
 * kit touches a removed entry's rcu_head only through that call_rcu, so the
 * debug owner mark, cleared on removal, never meets the library's data.
 */

/* The member must be the entry's struct rcuslot_list_node (compiler.h). */
#define RCUSLOT_PRIV_LIST_DEF_CHECK(gen, name, type, member)                   \
	RCUSLOT_PRIV_CHECK_MEMBER(gen, name, type, member, struct rcuslot_list_node);

/* Everything, for one flavor. */
#define RCUSLOT_PRIV_LIST_DEF_ALL(name, type, member, free_fn, flavor)         \
	RCUSLOT_PRIV_LIST_DEF_TYPES(name, type)                                \
	RCUSLOT_PRIV_LIST_DEF_GLUE(name, type, member)                         \
	RCUSLOT_PRIV_LIST_DEF_INIT(name)                                       \
	RCUSLOT_PRIV_LIST_DEF_LOCK(name)                                       \
	RCUSLOT_PRIV_LIST_DEF_FIRST(name, type, flavor)                        \
	RCUSLOT_PRIV_LIST_DEF_NEXT(name, type, flavor)                         \
	RCUSLOT_PRIV_LIST_DEF_FIRST_LOCKED(name, type)                         \
	RCUSLOT_PRIV_LIST_DEF_NEXT_LOCKED(name, type)                          \
	RCUSLOT_PRIV_LIST_DEF_LOCKED_WALK(name, type)                          \
	RCUSLOT_PRIV_LIST_DEF_EMPTY(name)                                      \
	RCUSLOT_PRIV_LIST_DEF_ADD_END(name, type, add_head, rcuslot_priv_list_link_after) \
	RCUSLOT_PRIV_LIST_DEF_ADD_END(name, type, add_tail, rcuslot_priv_list_link_before) \
	RCUSLOT_PRIV_LIST_DEF_ADD_AT(name, type, add_before, rcuslot_priv_list_link_before) \
	RCUSLOT_PRIV_LIST_DEF_ADD_AT(name, type, add_after, rcuslot_priv_list_link_after) \
	RCUSLOT_PRIV_LIST_DEF_ADD_AT_API(name, type, add_before)               \
	RCUSLOT_PRIV_LIST_DEF_ADD_AT_API(name, type, add_after)                \
	RCUSLOT_PRIV_LIST_DEF_REMOVE_CORE(name, type)                          \
	RCUSLOT_PRIV_LIST_DEF_REMOVE(name, type)                               \
	RCUSLOT_PRIV_LIST_DEF_REPLACE_CORE(name, type)                         \
	RCUSLOT_PRIV_LIST_DEF_REPLACE(name, type)                              \
	RCUSLOT_PRIV_LIST_DEF_DESTROY(name, type, free_fn, flavor)             \
	RCUSLOT_PRIV_DEF_OLD_IS_EMPTY(name, type)                              \
	RCUSLOT_PRIV_DEF_OLD_RECLAIM(name, type, flavor, RCUSLOT_PRIV_HOOK_NONE) \
	RCUSLOT_PRIV_DEF_OLD_FREE(name, type, free_fn, flavor)                 \
	RCUSLOT_PRIV_DEF_FREE_VOID(name, type, free_fn)                        \
	RCUSLOT_PRIV_DEF_HEAD_DEFER_CB(name, type, member.rcuslot_priv_rcu, free_fn) \
	RCUSLOT_PRIV_DEF_HEAD_OLD_DEFER(name, type, member.rcuslot_priv_rcu, free_fn, flavor) \
	RCUSLOT_PRIV_DEF_BATCH_ADD(name, type, flavor)

/* NOLINTEND(bugprone-macro-parentheses) */

#define RCUSLOT_PRIV_LIST_DEF_END(gen, name)                                   \
	RCUSLOT_PRIV_STATIC_ASSERT(sizeof(struct name##_old) == sizeof(void *), \
				   gen "(" #name "): the old handle must be one pointer wide")
/** @endcond */

/** @addtogroup RCU_LIST_DEFINE
 * @{
 */

/**
 * Define a typed RCU list `struct name` of entries of `type`, linked
 * through their `struct rcuslot_list_node member`, freed by `free_fn` (a
 * function or macro callable as `free_fn(type *)`), with its old handle
 * `struct name_old` and its operations (name_add_tail, name_remove,
 * name_first, name_old_defer, ...: each on its own page, LIST_init() and
 * the others, for the placeholder names LIST and ENTRY).
 *
 * Use it once per list type at file scope, followed by a semicolon:
 * @code
 * struct hook {
 *         int prio;
 *         int (*fn)(void *ctx);
 *         struct rcuslot_list_node node;
 * };
 * static void hook_free(struct hook *h) { free(h); }
 * RCU_LIST_DEFINE(hook_list, struct hook, node, hook_free);
 * static struct hook_list hooks = RCU_LIST_INITIALIZER(hooks);
 * @endcode
 * The functions are static inline; a header may define a list type shared
 * by several translation units. A member that is not a
 * `struct rcuslot_list_node` is a compile error naming the list.
 */
#define RCU_LIST_DEFINE(name, type, member, free_fn)                           \
	RCUSLOT_PRIV_LIST_DEF_CHECK("RCU_LIST_DEFINE", name, type, member)     \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_LIST_DEF_ALL(name, type, member, free_fn, RCUSLOT_FLAVOR) \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_LIST_DEF_END("RCU_LIST_DEFINE", name)

/**
 * RCU_LIST_DEFINE() bound to a named liburcu flavor (a bare token: memb,
 * qsbr, mb, bp, signal) instead of the unit's default, as
 * RCU_SLOT_DEFINE_FLAVOR(): its walks need that flavor's read lock
 * (rcuslot_qsbr_read_lock(), ...), its grace periods and deferrals are that
 * flavor's. Include liburcu's header of the flavor (`urcu/urcu-qsbr.h`)
 * before rcuslot/rcuslot.h and link its library.
 * @code
 * #include <urcu/urcu-qsbr.h>
 * #include <rcuslot/rcuslot.h>          // default flavor: RCUSLOT_FLAVOR
 * RCU_LIST_DEFINE_FLAVOR(stat_list, struct stat_entry, node, stat_free, qsbr);
 * @endcode
 */
#define RCU_LIST_DEFINE_FLAVOR(name, type, member, free_fn, flavor)            \
	RCUSLOT_PRIV_FLAVOR_INCLUDED(name, flavor);                            \
	RCUSLOT_PRIV_LIST_DEF_CHECK("RCU_LIST_DEFINE_FLAVOR", name, type, member) \
	RCUSLOT_PRIV_GENERATED_BEGIN                                           \
	RCUSLOT_PRIV_LIST_DEF_ALL(name, type, member, free_fn, flavor)         \
	RCUSLOT_PRIV_GENERATED_END                                             \
	RCUSLOT_PRIV_LIST_DEF_END("RCU_LIST_DEFINE_FLAVOR", name)

/** @} */

RCUSLOT_PRIV_END_DECLS

#endif /* RCUSLOT_LIST_H */
