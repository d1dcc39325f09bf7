/* SPDX-License-Identifier: MIT */
/* Every generated operation, including the empty-slot, NULL and error paths. */
#include <stdint.h>

#include "check_rcuslot.h"
#include "testobj.h"

/* The value a reader sees now, or -1 for an empty slot. */
static long read_value(const struct tslot *s)
{
	long v = -1;
	const struct tobj *o;

	rcuslot_read_lock();
	o = tslot_dereference(s);
	if (o) {
		ck_assert(tobj_intact(o));
		v = o->value;
	}
	rcuslot_read_unlock();
	return v;
}

START_TEST(test_sizes)
{
	ck_assert_uint_eq(sizeof(struct tslot), sizeof(void *));
	ck_assert_uint_eq(sizeof(struct tslot_old), sizeof(void *));
}
END_TEST

START_TEST(test_init_empty)
{
	struct tslot s;

	tslot_init(&s, NULL);
	ck_assert_int_eq(read_value(&s), -1);
	ck_assert_ptr_null(tslot_dereference_protected(&s));
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 0);
}
END_TEST

START_TEST(test_init_object)
{
	struct tslot s;
	struct tobj *o = tobj_new(7);

	tslot_init(&s, o);
	ck_assert_int_eq(read_value(&s), 7);
	ck_assert_ptr_eq(tslot_dereference_protected(&s), o);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_ptr_null(tslot_dereference_protected(&s));
	ck_assert_int_eq(read_value(&s), -1);
}
END_TEST

START_TEST(test_static_initializer)
{
	static struct tslot empty = RCU_SLOT_INITIALIZER(NULL);
	struct tslot full = RCU_SLOT_INITIALIZER(tobj_new(3));

	ck_assert_int_eq(read_value(&empty), -1);
	ck_assert_int_eq(read_value(&full), 3);
	tslot_destroy(&full);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST

START_TEST(test_replace_and_free)
{
	struct tslot s;
	struct tslot_old old;

	tslot_init(&s, tobj_new(1));
	old = tslot_replace(&s, tobj_new(2));
	ck_assert(!tslot_old_is_empty(&old));
	ck_assert_int_eq(read_value(&s), 2);
	ck_assert_int_eq(tobj_frees, 0);
	tslot_old_free(&old);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(tobj_last_freed_value, 1);
	/* An emptied handle is inert. */
	tslot_old_free(&old);
	ck_assert_int_eq(tobj_frees, 1);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 2);
	ck_assert_int_eq(tobj_bad_frees, 0);
}
END_TEST

START_TEST(test_replace_null_and_empty)
{
	struct tslot s;
	struct tslot_old old;

	tslot_init(&s, tobj_new(1));
	old = tslot_replace(&s, NULL);
	ck_assert_int_eq(read_value(&s), -1);
	ck_assert(!tslot_old_is_empty(&old));
	tslot_old_free(&old);
	/* Replacing in an empty slot hands back an empty handle. */
	old = tslot_replace(&s, tobj_new(5));
	ck_assert(tslot_old_is_empty(&old));
	tslot_old_free(&old);
	ck_assert_int_eq(read_value(&s), 5);
	old = tslot_replace(&s, NULL);
	tslot_old_defer(&old);
	old = tslot_replace(&s, NULL);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_ptr_null(tslot_old_reclaim(&old));
	rcuslot_barrier();
	ck_assert_int_eq(tobj_frees, 2);
	ck_assert_int_eq(tobj_allocs, 2);
}
END_TEST

START_TEST(test_reclaim)
{
	struct tslot s;
	struct tslot_old old;
	struct tobj *first = tobj_new(1), *back;

	tslot_init(&s, first);
	old = tslot_replace(&s, tobj_new(2));
	back = tslot_old_reclaim(&old);
	ck_assert_ptr_eq(back, first);
	ck_assert(tslot_old_is_empty(&old));
	/* Reclaim hands the object back; it is the caller's, intact. */
	ck_assert_int_eq(tobj_frees, 0);
	ck_assert(tobj_intact(back));
	ck_assert_ptr_null(tslot_old_reclaim(&old));
	/* ... and may be published again. */
	old = tslot_replace(&s, back);
	tslot_old_free(&old);
	ck_assert_int_eq(tobj_last_freed_value, 2);
	ck_assert_int_eq(read_value(&s), 1);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 2);
}
END_TEST

START_TEST(test_defer)
{
	struct tslot s;
	struct tslot_old old;
	long i;

	tslot_init(&s, tobj_new(0));
	for (i = 1; i <= 100; i++) {
		old = tslot_replace(&s, tobj_new(i));
		tslot_old_defer(&old);
		/* defer empties the handle at once. */
		ck_assert(tslot_old_is_empty(&old));
	}
	/* Empty handles are a no-op. */
	tslot_old_defer(&old);
	rcuslot_barrier();
	ck_assert_int_eq(tobj_frees, 100);
	ck_assert_int_eq(tobj_bad_frees, 0);
	ck_assert_int_eq(read_value(&s), 100);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 101);
}
END_TEST

START_TEST(test_destroy_empty_is_noop)
{
	struct tslot s = RCU_SLOT_INITIALIZER(NULL);

	tslot_destroy(&s);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 0);
}
END_TEST

/* copy callbacks ------------------------------------------------------ */

struct copy_ctx {
	int calls;
	long add;
	const struct tobj *seen[4];
};

static int copy_add(const struct tobj *old, struct tobj **new_out, void *arg)
{
	struct copy_ctx *ctx = arg;

	if (ctx->calls < 4)
		ctx->seen[ctx->calls] = old;
	ctx->calls++;
	*new_out = tobj_new((old ? old->value : 0) + ctx->add);
	return *new_out ? 0 : -1;
}

START_TEST(test_copy_update)
{
	struct tslot s;
	struct tslot_old old;
	struct tobj *first = tobj_new(10);
	struct copy_ctx ctx = { .add = 5 };

	tslot_init(&s, first);
	ck_assert_int_eq(tslot_copy_update(&s, copy_add, &ctx, &old), 0);
	ck_assert_int_eq(ctx.calls, 1);
	ck_assert_ptr_eq(ctx.seen[0], first);
	ck_assert_int_eq(read_value(&s), 15);
	ck_assert_ptr_eq(rcuslot_priv_strip(old.rcuslot_priv_obj), first);
	tslot_old_free(&old);
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(tobj_last_freed_value, 10);
	tslot_destroy(&s);
}
END_TEST

START_TEST(test_copy_update_empty_slot)
{
	struct tslot s = RCU_SLOT_INITIALIZER(NULL);
	struct tslot_old old;
	struct copy_ctx ctx = { .add = 3 };

	ck_assert_int_eq(tslot_copy_update(&s, copy_add, &ctx, &old), 0);
	ck_assert_ptr_null(ctx.seen[0]);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_int_eq(read_value(&s), 3);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST

static int copy_fail(const struct tobj *old, struct tobj **new_out, void *arg)
{
	/* Build a copy, then fail: the copy releases its partial work. */
	struct tobj *partial = tobj_new(old ? old->value + 1 : 0);

	tobj_free(partial);
	*new_out = NULL;
	return *(int *)arg;
}

#ifndef RCUSLOT_DEBUG
/* A callback that forgets *new_out changes nothing (debug builds abort). */
static int copy_forgets(const struct tobj *old, struct tobj **new_out,
			void *arg)
{
	(void)old;
	(void)new_out;
	(void)arg;
	return 0;
}

START_TEST(test_copy_update_untouched_changes_nothing)
{
	struct tslot s;
	struct tobj *first = tobj_new(10);
	struct tslot_old old;

	tslot_init(&s, first);
	old.rcuslot_priv_obj = (struct tobj *)(uintptr_t)0x1;
	ck_assert_int_eq(tslot_copy_update(&s, copy_forgets, NULL, &old), 0);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_ptr_eq(tslot_dereference_protected(&s), first);
	ck_assert_int_eq(read_value(&s), 10);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST
#endif

START_TEST(test_copy_update_error)
{
	static const int codes[] = { -12, 7, -1 };
	struct tslot s;
	struct tobj *first = tobj_new(10);
	struct tslot_old old;
	int code = codes[_i];

	tslot_init(&s, first);
	/* Garbage in the output handle must not survive an error. */
	old.rcuslot_priv_obj = (struct tobj *)(uintptr_t)0x1;
	ck_assert_int_eq(tslot_copy_update(&s, copy_fail, &code, &old), code);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_ptr_eq(tslot_dereference_protected(&s), first);
	ck_assert_int_eq(read_value(&s), 10);
	ck_assert_int_eq(tobj_frees, 1); /* the partial copy, by copy_fail */
	ck_assert_int_eq(tobj_allocs, 2);
	tslot_destroy(&s);
}
END_TEST

static int copy_clear(const struct tobj *old, struct tobj **new_out, void *arg)
{
	(void)old;
	(void)arg;
	*new_out = NULL;
	return 0;
}

START_TEST(test_copy_update_to_null)
{
	struct tslot s;
	struct tobj *first = tobj_new(4);
	struct tslot_old old;

	tslot_init(&s, first);
	ck_assert_int_eq(tslot_copy_update(&s, copy_clear, NULL, &old), 0);
	ck_assert_int_eq(read_value(&s), -1);
	ck_assert_ptr_eq(tslot_old_reclaim(&old), first);
	tobj_free(first);
	/* Clearing an empty slot: nothing to hand back. */
	ck_assert_int_eq(tslot_copy_update(&s, copy_clear, NULL, &old), 0);
	ck_assert(tslot_old_is_empty(&old));
}
END_TEST

static int copy_keep(const struct tobj *old, struct tobj **new_out, void *arg)
{
	(void)arg;
	*new_out = (struct tobj *)old;
	return 0;
}

START_TEST(test_copy_update_no_change)
{
	struct tslot s;
	struct tobj *first = tobj_new(4);
	struct tslot_old old;

	tslot_init(&s, first);
	ck_assert_int_eq(tslot_copy_update(&s, copy_keep, NULL, &old), 0);
	ck_assert(tslot_old_is_empty(&old));
	ck_assert_ptr_eq(tslot_dereference_protected(&s), first);
	ck_assert_int_eq(tobj_frees, 0);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 1);
}
END_TEST

/*
 * The retry path, deterministically: on its first run the copy callback plays
 * a concurrent updater that wins the race (it replaces the object under our
 * feet), so the compare-and-exchange must fail, our losing copy must be freed
 * unpublished, and copy must run again on the winner's object.
 */
struct race_ctx {
	struct tslot *slot;
	struct tslot_old intruder_old;
	struct tobj *intruder;
	int calls;
	const struct tobj *seen[3];
};

static int copy_racing(const struct tobj *old, struct tobj **new_out, void *arg)
{
	struct race_ctx *ctx = arg;

	ctx->seen[ctx->calls] = old;
	if (ctx->calls++ == 0) {
		ctx->intruder = tobj_new(100);
		ctx->intruder_old = tslot_replace(ctx->slot, ctx->intruder);
	}
	*new_out = tobj_new(old->value + 1);
	return 0;
}

START_TEST(test_copy_update_retry)
{
	struct tslot s;
	struct tobj *first = tobj_new(1);
	struct race_ctx ctx = { .slot = &s };
	struct tslot_old old;

	tslot_init(&s, first);
	ck_assert_int_eq(tslot_copy_update(&s, copy_racing, &ctx, &old), 0);
	ck_assert_int_eq(ctx.calls, 2);
	ck_assert_ptr_eq(ctx.seen[0], first);
	ck_assert_ptr_eq(ctx.seen[1], ctx.intruder);
	/* The losing copy (value 2) was freed, unpublished, at once. */
	ck_assert_int_eq(tobj_frees, 1);
	ck_assert_int_eq(tobj_last_freed_value, 2);
	ck_assert_int_eq(read_value(&s), 101);
	/* We retired the intruder's object; the intruder retired ours. */
	ck_assert_ptr_eq(rcuslot_priv_strip(old.rcuslot_priv_obj),
			 ctx.intruder);
	ck_assert_ptr_eq(rcuslot_priv_strip(ctx.intruder_old.rcuslot_priv_obj),
			 first);
	tslot_old_free(&old);
	tslot_old_free(&ctx.intruder_old);
	tslot_destroy(&s);
	ck_assert_int_eq(tobj_frees, 4);
	ck_assert_int_eq(tobj_allocs, 4);
	ck_assert_int_eq(tobj_bad_frees, 0);
}
END_TEST

/* guards -------------------------------------------------------------- */

/* Under qsbr a read lock leaves no trace to test; elsewhere it must. */
#define ck_assert_reading(expect)                                              \
	ck_assert(!RCUSLOT_READ_ONGOING_TRACKS_LOCK ||                         \
		  !!rcuslot_read_ongoing() == (expect))

static long guarded_read(const struct tslot *s, int early)
{
	RCUSLOT_READ_GUARD();
	const struct tobj *o = tslot_dereference(s);

	ck_assert_reading(1);
	if (early)
		return o ? o->value : -1;
	{
		RCUSLOT_READ_GUARD(); /* nests */
		ck_assert_reading(1);
	}
	ck_assert_reading(1);
	return o ? o->value + 1000 : -1;
}

START_TEST(test_read_guard)
{
	struct tslot s;

	tslot_init(&s, tobj_new(9));
	ck_assert_reading(0);
	ck_assert_int_eq(guarded_read(&s, 1), 9);
	ck_assert_reading(0);
	ck_assert_int_eq(guarded_read(&s, 0), 1009);
	ck_assert_reading(0);
	tslot_destroy(&s);
}
END_TEST

START_TEST(test_read_scope)
{
	struct tslot s;
	long seen = 0;
	int passes = 0, i;

	tslot_init(&s, tobj_new(9));
	RCUSLOT_READ_SCOPE({
		passes++;
		ck_assert_reading(1);
		seen = tslot_dereference(&s)->value;
	})
	ck_assert_int_eq(passes, 1);
	ck_assert_int_eq(seen, 9);
	ck_assert_reading(0);
	/*
	 * The scope is a plain block: break and continue inside it belong to
	 * the loop around it, as they read, and unlock on the way out.
	 */
	for (i = 0; i < 5; i++) {
		RCUSLOT_READ_SCOPE({
			if (i == 1)
				continue;
			if (i == 3)
				break;
			passes++;
		})
		ck_assert_reading(0);
	}
	ck_assert_int_eq(i, 3); /* break left the for loop */
	ck_assert_int_eq(
		passes, 3); /* 1 + i == 0 and i == 2: continue skipped i == 1 */
	ck_assert_reading(0);
	/* Nothing was left locked: a grace period completes. */
	rcuslot_synchronize();
	tslot_destroy(&s);
}
END_TEST

Suite *slot_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("slot", &tc, NULL, NULL);

	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_init_empty);
	tcase_add_test(tc, test_init_object);
	tcase_add_test(tc, test_static_initializer);
	tcase_add_test(tc, test_replace_and_free);
	tcase_add_test(tc, test_replace_null_and_empty);
	tcase_add_test(tc, test_reclaim);
	tcase_add_test(tc, test_defer);
	tcase_add_test(tc, test_destroy_empty_is_noop);
	tcase_add_test(tc, test_copy_update);
	tcase_add_test(tc, test_copy_update_empty_slot);
	tcase_add_loop_test(tc, test_copy_update_error, 0, 3);
#ifndef RCUSLOT_DEBUG
	tcase_add_test(tc, test_copy_update_untouched_changes_nothing);
#endif
	tcase_add_test(tc, test_copy_update_to_null);
	tcase_add_test(tc, test_copy_update_no_change);
	tcase_add_test(tc, test_copy_update_retry);
	tcase_add_test(tc, test_read_guard);
	tcase_add_test(tc, test_read_scope);
	return s;
}
