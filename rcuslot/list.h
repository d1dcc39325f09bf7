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

#define RCUSLOT_PRIV_LIST_DEF_INIT(name)                                       \
	RCUSLOT_PRIV_FUNC void name##_init(struct name *list)                  \
	{                                                                      \
		CDS_INIT_LIST_HEAD(&list->rcuslot_priv_list.head);             \
		pthread_mutex_init(&list->rcuslot_priv_list.lock, NULL);       \
	}

#define RCUSLOT_PRIV_LIST_DEF_LOCK(name)                                       \
	RCUSLOT_PRIV_FUNC void name##_lock(struct name *list)                  \
	{                                                                      \
		rcuslot_priv_list_lock(&list->rcuslot_priv_list);              \
	}                                                                      \
	RCUSLOT_PRIV_FUNC void name##_unlock(struct name *list)                \
	{                                                                      \
		rcuslot_priv_list_unlock(&list->rcuslot_priv_list);            \
	}

#define RCUSLOT_PRIV_LIST_DEF_FIRST(name, type, fl)                            \
	RCUSLOT_PRIV_FUNC const type *name##_first(const struct name *list)    \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_first");                \
		return name##_priv_entry(list,                                 \
					 RCUSLOT_PRIV_LIST_DEREF(list->rcuslot_priv_list.head.next)); \
	}

#define RCUSLOT_PRIV_LIST_DEF_NEXT(name, type, fl)                             \
	RCUSLOT_PRIV_FUNC const type *name##_next(const struct name *list,     \
						  const type *obj)             \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_DBG_READ_SIDE(fl, #name "_next");                 \
		return name##_priv_entry(list,                                 \
					 RCUSLOT_PRIV_LIST_DEREF(name##_priv_node(obj)->rcuslot_priv_link.next)); \
	}

#define RCUSLOT_PRIV_LIST_DEF_FIRST_LOCKED(name, type)                         \
	RCUSLOT_PRIV_FUNC type *name##_first_locked(struct name *list)         \
	{                                                                      \
		RCUSLOT_PRIV_DBG_ENTER();                                      \
		RCUSLOT_PRIV_LIST_DBG_HELD(#name "_first_locked", &list->rcuslot_priv_list); \
		return name##_priv_entry(list, list->rcuslot_priv_list.head.next); \
	}

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

/* A snapshot; the reader's load only for its atomicity (nothing is read through it). */
#define RCUSLOT_PRIV_LIST_DEF_EMPTY(name)                                      \
	RCUSLOT_PRIV_FUNC bool name##_empty(const struct name *list)           \
	{                                                                      \
		return RCUSLOT_PRIV_LIST_DEREF(list->rcuslot_priv_list.head.next) == \
		       &list->rcuslot_priv_list.head;                          \
	}

/* --- Updates ------------------------------------------------------------- */

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
