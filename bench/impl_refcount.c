/* SPDX-License-Identifier: MIT */
/*
 * impl_refcount.c: a reference-counted pointer with C11 atomics, the thing
 * people hand-roll instead of RCU, written so that it is actually safe.
 *
 * The naive version (load the pointer, then increment obj->refs) is broken:
 * between the load and the increment the updater can swap the pointer out,
 * drop the last reference and free the object, and the increment writes to
 * freed memory. A correct version must take the reference in the same
 * atomic step that reads the pointer. This one is the split ("differential")
 * reference count, as in Williams' C++ Concurrency in Action (lock-free
 * stack) and folly's AtomicSharedPtr:
 *
 * - A slot is one 64-bit word: the object's address in the low 48 bits and
 *   an "outer" count in the high 16 bits, the number of readers that took a
 *   reference through the slot and still hold it.
 * - A reader takes a reference and reads the pointer in one step:
 *   fetch_add(word, 1 << 48). To release it, while the word still points to
 *   the same object it gives the reference back by decrementing the outer
 *   count (compare-and-exchange); once the word points elsewhere, the updater
 *   has moved the outer count into the object's own "inner" count, so it
 *   decrements that, and frees the object if it was the last reference.
 * - The updater takes a reference like a reader, builds the copy, publishes
 *   it by compare-and-exchange of the whole word (new address, outer count
 *   0), then adds the outer count it took out to the old object's inner
 *   count. Whoever brings the inner count to zero frees the object. Readers
 *   that release between the exchange and that addition drive the inner
 *   count below zero, never down to zero from above, so exactly one thread
 *   frees it.
 *
 * An object cannot be freed, nor its address reused, while a reader holds a
 * reference, so "the word still points to my object" cannot be fooled (no
 * ABA). Limits: 48-bit user-space addresses (x86-64, checked at publication)
 * and at most 65535 references held through one slot at once.
 *
 * Ordering: the publishing exchange is a release and the reader's fetch_add
 * an acquire, so a reader sees the object whole; every release of a
 * reference is a release operation on the word or on the inner count, and
 * the thread that frees acquires both, so no read of the object can happen
 * after its free.
 *
 * Cost: two atomic read-modify-writes per read on the slot's cache line,
 * which all readers of the slot contend on. That is what the comparison is
 * meant to show.
 */
#include <stdint.h>
#include <stdlib.h>

#include "bench.h"

#define RC_SHIFT 48
#define RC_ONE ((uint64_t)1 << RC_SHIFT)
#define RC_PTR_MASK (RC_ONE - 1)

_Static_assert(sizeof(void *) == 8, "refcount: needs 64-bit pointers");

struct rc_obj {
	struct bench_obj o;
	atomic_long inner;
};

struct rc_slot {
	_Atomic uint64_t word;
};

static uint64_t rc_word(struct rc_obj *o)
{
	uint64_t w = (uint64_t)(uintptr_t)o;

	if (w & ~RC_PTR_MASK)
		bench_die("refcount: object address %p does not fit in 48 bits", (void *)o);
	return w;
}

static struct rc_obj *rc_ptr(uint64_t w)
{
	return (struct rc_obj *)(uintptr_t)(w & RC_PTR_MASK);
}

static inline struct rc_obj *rc_acquire(struct rc_slot *s)
{
	return rc_ptr(atomic_fetch_add_explicit(&s->word, RC_ONE, memory_order_acquire));
}

static inline void rc_drop_inner(struct rc_obj *o)
{
	if (atomic_fetch_sub_explicit(&o->inner, 1, memory_order_acq_rel) == 1)
		bench_obj_free(o);
}

static inline void rc_release(struct rc_slot *s, struct rc_obj *o)
{
	uint64_t w = atomic_load_explicit(&s->word, memory_order_relaxed);

	while (rc_ptr(w) == o)
		if (atomic_compare_exchange_weak_explicit(&s->word, &w, w - RC_ONE,
							  memory_order_release,
							  memory_order_relaxed))
			return;
	rc_drop_inner(o);
}

/* o has left its slot carrying `outer` references: fold them in. */
static void rc_retire(struct rc_obj *o, uint64_t outer)
{
	long n = (long)outer;

	bench_retired();
	if (atomic_fetch_add_explicit(&o->inner, n, memory_order_acq_rel) + n == 0)
		bench_obj_free(o);
}

static void *create(size_t nslots)
{
	struct rc_slot *slots = bench_table(nslots, sizeof(*slots));

	for (size_t i = 0; i < nslots; i++) {
		struct rc_obj *o = bench_line(sizeof(*o));

		o->o = (struct bench_obj){ .a = (long)i };
		atomic_init(&o->inner, 0);
		atomic_init(&slots[i].word, rc_word(o));
	}
	return slots;
}

/* Every reader has stopped, so every outer count is zero. */
static void destroy(void *table, size_t nslots)
{
	struct rc_slot *slots = table;

	for (size_t i = 0; i < nslots; i++) {
		uint64_t w = atomic_load(&slots[i].word);

		if (w >> RC_SHIFT)
			bench_die("refcount: slot %zu still has %llu references", i,
				  (unsigned long long)(w >> RC_SHIFT));
		free(rc_ptr(w));
	}
	free(slots);
}

static inline long read_one(void *table, size_t i)
{
	struct rc_slot *s = (struct rc_slot *)table + i;
	struct rc_obj *o = rc_acquire(s);
	long v = o->o.a;

	rc_release(s, o);
	return v;
}

static long read_once(void *table, size_t i)
{
	return read_one(table, i);
}

BENCH_DEFINE_READ_LOOP(read_loop, read_one, (void)0)

static void update(void *table, size_t i, enum bench_how how)
{
	struct rc_slot *s = (struct rc_slot *)table + i;
	struct rc_obj *fresh = bench_alloc(sizeof(*fresh));

	(void)how;
	if (!fresh)
		bench_die("out of memory");
	for (;;) {
		struct rc_obj *cur = rc_acquire(s);
		uint64_t w = atomic_load_explicit(&s->word, memory_order_relaxed);

		fresh->o = cur->o;
		fresh->o.a++;
		atomic_init(&fresh->inner, 0);
		while (rc_ptr(w) == cur) {
			if (atomic_compare_exchange_weak_explicit(
				    &s->word, &w, rc_word(fresh),
				    memory_order_acq_rel, memory_order_relaxed)) {
				/* w's outer count includes our own reference. */
				rc_retire(cur, w >> RC_SHIFT);
				rc_drop_inner(cur);
				return;
			}
		}
		/* Another updater published first: retry on its object. */
		rc_release(s, cur);
	}
}

const struct bench_impl bench_refcount = {
	.name = "refcount",
	.family = "refcount",
	.rcu = false,
	.slot_size = sizeof(struct rc_slot),
	.old_size = 0,
	.obj_size = sizeof(struct rc_obj),
	.create = create,
	.destroy = destroy,
	.thread_start = bench_noop,
	.thread_stop = bench_noop,
	.quiescent = bench_noop,
	.offline = bench_noop,
	.online = bench_noop,
	.read_once = read_once,
	.read_loop = read_loop,
	.update = update,
	.barrier = bench_noop,
};
