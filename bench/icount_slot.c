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
}

/* The loop the issue specifies: lock, dereference, read one field, unlock. */
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
}

#ifndef ICOUNT_PERTURB
/* The same loop with the scoped guard, the form the README recommends. */
long icount_read_guard(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		RCU_SLOT_READ_SCOPE() {
			sum += icount_slot_dereference(&slot)->a;
		}
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
#endif
