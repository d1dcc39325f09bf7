/* SPDX-License-Identifier: MIT */
/*
 * icount_slot.c: the rcuslot side of the instruction-count comparison.
 *
 * Built twice. The second build defines ICOUNT_PERTURB: its read loop does
 * one extra load per read (a volatile read, one instruction), and its
 * functions get a _perturbed suffix. `scons check` measures it too and
 * requires the comparison to catch it, which shows on every run that the
 * check can fail.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "icount.h"

#ifdef ICOUNT_PERTURB
#define ICOUNT_FN(name) name##_perturbed
static long perturb_word;
#else
#define ICOUNT_FN(name) name
#endif

static void obj_free(struct icount_obj *o)
{
	free(o);
}

RCU_SLOT_DEFINE(icount_slot, struct icount_obj, obj_free);

static struct icount_slot slot;

#ifndef ICOUNT_PERTURB
/* The same object with its own rcu_head: deferral allocates nothing. */
struct icount_hobj {
	long a;
	long b;
	struct rcu_head rcu;
};

static void hobj_free(struct icount_hobj *o)
{
	free(o);
}

RCU_SLOT_DEFINE_HEAD(icount_hslot, struct icount_hobj, rcu, hobj_free);

static struct icount_hslot hslot;
static struct icount_hobj **fresh_h;
static long next_fresh_h;
#endif

/* Objects for the update loop, allocated before it so that it measures
 * replace + old_defer only (the hand-written twin does the same). */
static struct icount_obj **fresh;
static long nfresh, next_fresh;

static struct icount_obj *obj_new(long a)
{
	struct icount_obj *o = malloc(sizeof(*o));

	if (!o)
		abort();
	o->a = a;
	o->b = 0;
	return o;
}

void ICOUNT_FN(icount_slot_setup)(long nupdates)
{
	icount_slot_init(&slot, obj_new(1));
	fresh = calloc((size_t)nupdates + 1, sizeof(*fresh));
	if (!fresh)
		abort();
	for (nfresh = 0; nfresh < nupdates; nfresh++)
		fresh[nfresh] = obj_new(nfresh);
	next_fresh = 0;
#ifndef ICOUNT_PERTURB
	fresh_h = calloc((size_t)nupdates + 1, sizeof(*fresh_h));
	if (!fresh_h)
		abort();
	for (long i = 0; i <= nupdates; i++) {
		fresh_h[i] = malloc(sizeof(*fresh_h[i]));
		if (!fresh_h[i])
			abort();
		fresh_h[i]->a = i;
	}
	icount_hslot_init(&hslot, fresh_h[nupdates]);
	next_fresh_h = 0;
#endif
}

/* The read loop the instruction counts compare: lock, dereference, read one field,
 * unlock (icount_raw.c has the same loop written against liburcu). */
long ICOUNT_FN(icount_read_slot)(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		rcuslot_read_lock();
		sum += icount_slot_dereference(&slot)->a;
#ifdef ICOUNT_PERTURB
		(void)*(volatile long *)&perturb_word;
#endif
		rcuslot_read_unlock();
	}
	return sum;
}

void ICOUNT_FN(icount_slot_teardown)(void)
{
	icount_slot_destroy(&slot);
	while (next_fresh < nfresh)
		free(fresh[next_fresh++]);
	free(fresh);
#ifndef ICOUNT_PERTURB
	icount_hslot_destroy(&hslot);
	while (next_fresh_h < nfresh)
		free(fresh_h[next_fresh_h++]);
	free(fresh_h);
#endif
}

#ifndef ICOUNT_PERTURB
/* The same loop with the scoped guard, the form the README recommends. */
long icount_read_guard(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		RCUSLOT_READ_SCOPE(
			{ sum += icount_slot_dereference(&slot)->a; })
	}
	return sum;
}

void icount_update_slot(long n)
{
	for (long i = 0; i < n; i++) {
		struct icount_slot_old old =
			icount_slot_replace(&slot, fresh[next_fresh++]);

		icount_slot_old_defer(&old);
	}
}

/* The same with RCU_SLOT_DEFINE_HEAD: compared with icount_update_raw. */
void icount_update_slothead(long n)
{
	for (long i = 0; i < n; i++) {
		struct icount_hslot_old old =
			icount_hslot_replace(&hslot, fresh_h[next_fresh_h++]);

		icount_hslot_old_defer(&old);
	}
}
#endif
