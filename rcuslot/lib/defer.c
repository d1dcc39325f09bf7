/* SPDX-License-Identifier: MIT */
/*
 * defer.c: deferred reclamation of plain objects, the deferral bound and the
 * kit's allocator.
 *
 * A plain object travels through call_rcu on a small node. Nodes are
 * recycled rather than freed: the call_rcu worker pushes each used node on
 * a lock-free stack, and an updater takes the whole stack at once into a
 * cache of its own, so the common deferral allocates nothing and no
 * malloc/free pair crosses threads.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "core_priv.h"

#define DEFER_MAX_DEFAULT 65536L

RCUSLOT_PRIV_EXPORT struct rcuslot_priv_room rcuslot_priv_defer_room = { DEFER_MAX_DEFAULT, { 0 } };
static long defer_max = DEFER_MAX_DEFAULT;
static unsigned long throttled;

static pthread_mutex_t settings_lock = PTHREAD_MUTEX_INITIALIZER;
static void *(*kit_alloc)(size_t) = malloc;
static void (*kit_free)(void *) = free;
/* Batch chunks not yet given back to kit_free. */
static long chunks_out;

/*
 * The allocator changes only while the kit holds none of its blocks
 * (rcuslot_set_allocator() says when), so no block is ever given to the
 * other allocator; the shared loads keep the change visible.
 */
void *core_alloc(size_t size)
{
	return CMM_LOAD_SHARED(kit_alloc)(size);
}

void core_free(void *ptr)
{
	CMM_LOAD_SHARED(kit_free)(ptr);
}

void *core_chunk_alloc(size_t size)
{
	void *p = core_alloc(size);

	if (p)
		uatomic_inc(&chunks_out);
	return p;
}

void core_chunk_free(void *ptr)
{
	uatomic_dec(&chunks_out);
	core_free(ptr);
}

/* ------------------------------------------------------------------------ */
/*
 * The node pool. Nodes come in blocks of NODES_PER_BLOCK from the kit's
 * allocator and are never freed one by one: a used node goes back on a
 * lock-free stack (a Treiber stack, pushed by the call_rcu workers and
 * taken only whole, with an exchange, so there is no ABA), and an updater
 * takes the whole stack into a cache of its own. A deferral then costs no
 * allocation at all, and no malloc/free pair crosses threads.
 */
#define NODES_PER_BLOCK 64

struct block {
	struct block *next;
	struct rcuslot_priv_node node[NODES_PER_BLOCK];
};

static struct rcuslot_priv_node *pool;
static struct block *blocks; /* under settings_lock */
static long nodes_total;     /* under settings_lock */
/* Initial-exec: no __tls_get_addr call on the deferral path. */
static __thread struct rcuslot_priv_node *cache __attribute__((tls_model("initial-exec")));
static pthread_key_t cache_key;
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;

/*
 * Push with a release compare-and-exchange: the nodes' last use and their
 * next pointers happen before they are visible on the stack. It pairs with
 * the acquire exchange that takes the whole stack (cache_refill,
 * pool_release); pushes are read-modify-writes of one variable, so that
 * exchange synchronizes with every push before it. The __atomic builtins
 * are what ThreadSanitizer sees.
 */
static void pool_push_chain(struct rcuslot_priv_node *first, struct rcuslot_priv_node *last)
{
	struct rcuslot_priv_node *old = __atomic_load_n(&pool, __ATOMIC_RELAXED);

	do
		last->next = old;
	while (!__atomic_compare_exchange_n(&pool, &old, first, true, __ATOMIC_RELEASE,
					    __ATOMIC_RELAXED));
}

static struct rcuslot_priv_node *pool_take(void)
{
	return __atomic_exchange_n(&pool, NULL, __ATOMIC_ACQUIRE);
}

static struct rcuslot_priv_node *chain_last(struct rcuslot_priv_node *n)
{
	while (n->next)
		n = n->next;
	return n;
}

/* A thread exiting gives its cached nodes back to the pool. */
static void cache_exit(void *unused)
{
	struct rcuslot_priv_node *first = cache;

	(void)unused;
	cache = NULL;
	if (first)
		pool_push_chain(first, chain_last(first));
}

static void cache_key_init(void)
{
	if (pthread_key_create(&cache_key, cache_exit))
		abort();
}

/* The thread's cache is empty: take the pool, else carve a new block. */
static struct rcuslot_priv_node *cache_refill(void)
{
	struct rcuslot_priv_node *n = NULL;
	struct block *b;

	pthread_once(&cache_once, cache_key_init);
	pthread_setspecific(cache_key, (void *)1); /* so that cache_exit runs */
	if (__atomic_load_n(&pool, __ATOMIC_RELAXED))
		n = pool_take();
	if (n)
		return n;
	b = core_alloc(sizeof(*b));
	if (!b)
		return NULL;
	for (int i = 0; i < NODES_PER_BLOCK; i++)
		b->node[i].next = i + 1 < NODES_PER_BLOCK ? &b->node[i + 1] : NULL;
	pthread_mutex_lock(&settings_lock);
	b->next = blocks;
	blocks = b;
	nodes_total += NODES_PER_BLOCK;
	pthread_mutex_unlock(&settings_lock);
	return &b->node[0];
}

RCUSLOT_PRIV_EXPORT struct rcuslot_priv_node *rcuslot_priv_node_get(void)
{
	struct rcuslot_priv_node *n = cache;

	if (caa_unlikely(!n)) {
		n = cache_refill();
		if (!n)
			return NULL;
	}
	cache = n->next;
	return n;
}

static long chain_length(struct rcuslot_priv_node *n)
{
	long len = 0;

	for (; n; n = n->next)
		len++;
	return len;
}

/*
 * Give every block back to the allocator, if every node is home (on the
 * pool's stack or in the caller's cache); under settings_lock.
 */
static bool pool_release(void)
{
	struct rcuslot_priv_node *stack = pool_take();

	if (chain_length(stack) + chain_length(cache) != nodes_total) {
		if (stack)
			pool_push_chain(stack, chain_last(stack));
		return false;
	}
	cache = NULL;
	while (blocks) {
		struct block *next = blocks->next;

		core_free(blocks);
		blocks = next;
	}
	nodes_total = 0;
	return true;
}

/* ------------------------------------------------------------------------ */
/* The bound. */

static long debug_offset(void)
{
	return core_dbg_enabled() ? CORE_DBG_ROOM_OFFSET : 0;
}

void core_defer_done(long n)
{
	rcuslot_priv_defer_done(n);
}

/* The core's own fast path, as reclaim.h's inline one. */
bool core_defer_reserve(long n)
{
	return rcuslot_priv_defer_reserve(n) || rcuslot_priv_defer_slow(n, NULL).queue;
}

RCUSLOT_PRIV_EXPORT struct rcuslot_priv_slow rcuslot_priv_defer_slow(long n, void *handle)
{
	struct rcuslot_priv_slow r = { core_consume(handle, __builtin_return_address(0)), 1 };

	/* Debug units present: the room is offset; the reservation stands if the
	 * real room (a snapshot: the bound may slip by a racing deferral) holds. */
	if (core_dbg_enabled() &&
	    __atomic_load_n(&rcuslot_priv_defer_room.value, __ATOMIC_RELAXED) + CORE_DBG_ROOM_OFFSET >= 0)
		return r;
	rcuslot_priv_defer_done(n);
	uatomic_inc(&throttled);
	r.queue = 0;
	return r;
}

/* ------------------------------------------------------------------------ */
/* Deferral of plain objects: the shells queue a pool node (slot.h). */

RCUSLOT_PRIV_EXPORT void rcuslot_priv_node_cb(struct rcu_head *head)
{
	struct rcuslot_priv_node *n = caa_container_of(head, struct rcuslot_priv_node, head);
	void *obj;
	rcuslot_priv_free_fn *free_fn;

	RCUSLOT_PRIV_TSAN_CALLBACK(head); /* before reading what the deferrer wrote */
	obj = n->obj;
	free_fn = n->release;
	pool_push_chain(n, n);
	free_fn(obj);
	core_defer_done(1);
}

/* ------------------------------------------------------------------------ */
/* Settings and counters. */

/* The bound from the environment, before main() runs. */
__attribute__((constructor)) static void defer_env(void)
{
	const char *s = getenv("RCUSLOT_DEFER_MAX");
	char *end;
	long v;

	if (!s || !*s)
		return;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || rcuslot_set_defer_max(v) != 0) {
		fprintf(stderr, "rcuslot: ignoring RCUSLOT_DEFER_MAX=%s: not a number "
			"from 1 to %ld\n", s, CORE_DEFER_MAX_LIMIT);
	}
}

RCUSLOT_PRIV_EXPORT int rcuslot_set_defer_max(long max)
{
	if (max < 1 || max > CORE_DEFER_MAX_LIMIT)
		return -EINVAL;
	pthread_mutex_lock(&settings_lock);
	/* Move the room by the change of the bound; pending objects stay counted. */
	rcuslot_priv_defer_done(max - defer_max);
	uatomic_set(&defer_max, max);
	pthread_mutex_unlock(&settings_lock);
	return 0;
}

RCUSLOT_PRIV_EXPORT long rcuslot_defer_max(void)
{
	return uatomic_read(&defer_max);
}

RCUSLOT_PRIV_EXPORT long rcuslot_defer_pending(void)
{
	return uatomic_read(&defer_max) - __atomic_load_n(&rcuslot_priv_defer_room.value, __ATOMIC_RELAXED) - debug_offset();
}

RCUSLOT_PRIV_EXPORT unsigned long rcuslot_defer_throttled(void)
{
	return uatomic_read(&throttled);
}

/*
 * fork(): the lock is held across it, so the child never inherits it taken
 * by a thread that does not exist there (a child forked while another
 * thread was inside rcuslot_set_defer_max(), rcuslot_set_allocator() or a
 * deferral carving a block would wait for it forever). Nothing is waited
 * for while holding it, so taking it here ends as soon as that thread's
 * short critical section does.
 */
void core_defer_before_fork(void)
{
	pthread_mutex_lock(&settings_lock);
}

void core_defer_after_fork(void)
{
	pthread_mutex_unlock(&settings_lock);
}

RCUSLOT_PRIV_EXPORT int rcuslot_set_allocator(void *(*alloc)(size_t), void (*release)(void *))
{
	int err = 0;

	if (!alloc != !release)
		return -EINVAL;
	pthread_mutex_lock(&settings_lock);
	if (uatomic_read(&chunks_out) != 0 || !pool_release()) {
		err = -EBUSY;
	} else {
		CMM_STORE_SHARED(kit_alloc, alloc ? alloc : malloc);
		CMM_STORE_SHARED(kit_free, release ? release : free);
	}
	pthread_mutex_unlock(&settings_lock);
	return err;
}
