/* SPDX-License-Identifier: MIT */
/*
 * RCU_LIST_DEFINE: every generated function, single-threaded, against the
 * real liburcu. The entry (check_list.h) is poisoned when freed and
 * ledgered, and the fixture checks that every test freed each entry it
 * allocated exactly once.
 */
#include <stdlib.h>

#include "failalloc.h" /* the kit allocates through it (check_main.c) */
#include "check_list.h"
#include "check_rcuslot.h"

static struct lent *find(struct llist *l, long key)
{
	const struct lent *e;

	rcuslot_read_lock();
	RCU_LIST_FOREACH(llist, l, e)
		if (e->key == key)
			break;
	rcuslot_read_unlock();
	return (struct lent *)e;
}

static struct llist static_list = RCU_LIST_INITIALIZER(static_list);

START_TEST(test_initializer_and_init)
{
	struct llist l;

	ck_assert(llist_empty(&static_list));
	RCUSLOT_READ_SCOPE({ ck_assert_ptr_null(llist_first(&static_list)); })
	llist_init(&l);
	ck_assert(llist_empty(&l));
	llist_add_tail(&static_list, lent_new(1));
	llist_add_tail(&l, lent_new(2));
	ck_assert(!llist_empty(&static_list));
	ck_assert_keys(&static_list, 1);
	ck_assert_keys(&l, 2);
	llist_destroy(&static_list);
	llist_destroy(&l);
	ck_assert(llist_empty(&static_list));
}
END_TEST

START_TEST(test_add_head_tail_order)
{
	struct llist l = RCU_LIST_INITIALIZER(l);

	llist_add_tail(&l, lent_new(2));
	llist_add_head(&l, lent_new(1));
	llist_add_tail(&l, lent_new(3));
	llist_add_head(&l, lent_new(0));
	ck_assert_keys(&l, 0, 1, 2, 3);
	llist_destroy(&l);
}
END_TEST

START_TEST(test_first_next_end_with_null)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	const struct lent *a, *b;

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, lent_new(2));
	rcuslot_read_lock();
	a = llist_first(&l);
	ck_assert_int_eq(a->key, 1);
	b = llist_next(&l, a);
	ck_assert_int_eq(b->key, 2);
	ck_assert_ptr_null(llist_next(&l, b));
	rcuslot_read_unlock();
	llist_destroy(&l);
}
END_TEST

START_TEST(test_foreach_break_leaves_cleanly)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	const struct lent *e;
	int seen = 0;

	for (long k = 0; k < 5; k++)
		llist_add_tail(&l, lent_new(k));
	rcuslot_read_lock();
	RCU_LIST_FOREACH(llist, &l, e) {
		seen++;
		if (e->key == 2)
			break;
	}
	ck_assert_int_eq(seen, 3);
	ck_assert_int_eq(e->key, 2); /* still valid: the section goes on */
	rcuslot_read_unlock();
	/* A guard scope left by break inside the walk releases its lock. */
	RCUSLOT_READ_SCOPE({
		RCU_LIST_FOREACH(llist, &l, e)
			if (e->key == 1)
				break;
	})
	ck_assert_int_eq(
		rcuslot_read_ongoing() && RCUSLOT_READ_ONGOING_TRACKS_LOCK, 0);
	llist_destroy(&l);
}
END_TEST

START_TEST(test_add_before_after)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *two;

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, two = lent_new(3));
	ck_assert_int_eq(llist_add_before(&l, two, lent_new(2)), 0);
	ck_assert_int_eq(llist_add_after(&l, two, lent_new(4)), 0);
	ck_assert_int_eq(llist_add_before(&l, find(&l, 1), lent_new(0)), 0);
	ck_assert_keys(&l, 0, 1, 2, 3, 4);
	llist_destroy(&l);
}
END_TEST

/* pos removed meanwhile: -ENOENT, and obj is still the caller's. */
START_TEST(test_add_next_to_removed_is_enoent)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *pos, *obj = lent_new(9);
	struct llist_old old;

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, pos = lent_new(2));
	rcuslot_read_lock(); /* pos stays valid while we hold it */
	old = llist_remove(&l, pos);
	ck_assert_int_eq(llist_add_after(&l, pos, obj), -ENOENT);
	ck_assert_int_eq(llist_add_before(&l, pos, obj), -ENOENT);
	llist_lock(&l);
	ck_assert_int_eq(llist_add_after_locked(&l, pos, obj), -ENOENT);
	ck_assert_int_eq(llist_add_before_locked(&l, pos, obj), -ENOENT);
	llist_unlock(&l);
	rcuslot_read_unlock();
	ck_assert_keys(&l, 1);
	llist_add_tail(&l, obj); /* untouched: it can go in elsewhere */
	ck_assert_keys(&l, 1, 9);
	llist_old_free(&old);
	llist_destroy(&l);
}
END_TEST

START_TEST(test_remove)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *mid;
	struct llist_old old, again;
	long gps;

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, mid = lent_new(2));
	llist_add_tail(&l, lent_new(3));
	old = llist_remove(&l, mid);
	ck_assert(!llist_old_is_empty(&old));
	ck_assert_keys(&l, 1, 3);
	/* Removed meanwhile (by another updater, say): an empty handle. */
	again = llist_remove(&l, mid);
	ck_assert(llist_old_is_empty(&again));
	ck_assert_int_eq(lent_frees, 0);
	gps = (long)rcuslot_grace_periods_waited();
	llist_old_free(&old);
	ck_assert_int_eq(lent_frees, 1);
	ck_assert_int_eq((long)rcuslot_grace_periods_waited(), gps + 1);
	ck_assert(llist_old_is_empty(&old));
	llist_old_free(&old); /* an emptied handle: a no-op, no wait */
	llist_old_free(&again);
	ck_assert_int_eq((long)rcuslot_grace_periods_waited(), gps + 1);
	llist_destroy(&l);
}
END_TEST

/* A reader standing on an entry as it is removed still reaches the rest. */
START_TEST(test_reader_on_removed_entry_goes_on)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	const struct lent *e;
	struct llist_old old;

	for (long k = 1; k <= 3; k++)
		llist_add_tail(&l, lent_new(k));
	rcuslot_read_lock();
	e = llist_next(&l, llist_first(&l));
	ck_assert_int_eq(e->key, 2);
	old = llist_remove(&l, e);
	ck_assert(lent_intact(e));
	e = llist_next(&l, e);
	ck_assert_int_eq(e->key, 3);
	ck_assert_ptr_null(llist_next(&l, e));
	rcuslot_read_unlock();
	llist_old_defer(&old);
	llist_destroy(&l);
}
END_TEST

START_TEST(test_replace_in_place)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *mid, *fresh = lent_new(20), *spare = lent_new(30);
	struct llist_old old;

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, mid = lent_new(2));
	llist_add_tail(&l, lent_new(3));
	ck_assert_int_eq(llist_replace(&l, mid, fresh, &old), 0);
	ck_assert(!llist_old_is_empty(&old));
	ck_assert_keys(&l, 1, 20, 3);
	ck_assert_ptr_eq(llist_old_reclaim(&old), mid);
	/* Replacing what is no longer there changes nothing: spare stays ours. */
	old.rcuslot_priv_obj = mid; /* written on every path: empty */
	ck_assert_int_eq(llist_replace(&l, mid, spare, &old), -ENOENT);
	ck_assert(llist_old_is_empty(&old));
	ck_assert_keys(&l, 1, 20, 3);
	/* Both ends, through the locked variant. */
	llist_lock(&l);
	ck_assert_int_eq(
		llist_replace_locked(&l, llist_first_locked(&l), spare, &old),
		0);
	llist_unlock(&l);
	llist_old_free(&old);
	ck_assert_keys(&l, 30, 20, 3);
	/* A reclaimed entry may go back in after its grace period. */
	llist_add_tail(&l, mid);
	ck_assert_keys(&l, 30, 20, 3, 2);
	llist_destroy(&l);
}
END_TEST

/* Compound update under the list's lock: insert in priority order. */
static void insert_sorted(struct llist *l, struct lent *n)
{
	struct lent *e;

	llist_lock(l);
	RCU_LIST_FOREACH_LOCKED(llist, l, e) {
		if (e->key > n->key) {
			ck_assert_int_eq(llist_add_before_locked(l, e, n), 0);
			llist_unlock(l);
			return;
		}
	}
	llist_add_tail_locked(l, n);
	llist_unlock(l);
}

START_TEST(test_locked_variants)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *e;
	const long keys[] = { 5, 1, 9, 3, 7, 0, 8 };
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		insert_sorted(&l, lent_new(keys[i]));
	ck_assert_keys(&l, 0, 1, 3, 5, 7, 8, 9);
	llist_lock(&l);
	llist_add_head_locked(&l, lent_new(-1));
	ck_assert_int_eq(llist_add_after_locked(&l, llist_first_locked(&l),
						lent_new(-2)),
			 0);
	/* Removing the current entry inside a locked walk is allowed. */
	RCU_LIST_FOREACH_LOCKED(llist, &l, e) {
		if (e->key % 2 != 0) {
			struct llist_old old = llist_remove_locked(&l, e);

			llist_batch_add(&b, &old);
		}
	}
	e = llist_first_locked(&l);
	ck_assert_int_eq(e->key, -2);
	ck_assert_int_eq(llist_next_locked(&l, e)->key, 0);
	llist_unlock(&l);
	ck_assert_keys(&l, -2, 0, 8);
	ck_assert_int_eq(rcuslot_batch_count(&b), 6);
	ck_assert_int_eq(lent_frees, 0);
	rcuslot_batch_free(&b);
	ck_assert_int_eq(lent_frees, 6);
	llist_destroy(&l);
}
END_TEST

START_TEST(test_destroy_frees_before_return)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	long gps;

	for (long k = 0; k < 100; k++)
		llist_add_tail(&l, lent_new(k));
	gps = (long)rcuslot_grace_periods_waited();
	llist_destroy(&l);
	ck_assert_int_eq(lent_frees, 100); /* before it returned */
	ck_assert_int_eq((long)rcuslot_grace_periods_waited(),
			 gps + 1); /* one wait */
	ck_assert(llist_empty(&l));
	llist_destroy(&l); /* empty: no wait */
	ck_assert_int_eq((long)rcuslot_grace_periods_waited(), gps + 1);
	llist_add_tail(&l, lent_new(1)); /* still usable */
	ck_assert_keys(&l, 1);
	llist_destroy(&l);
	ck_assert_int_eq(lent_frees, 101);
}
END_TEST

/* old_defer hands the entry's own rcu_head to call_rcu: no allocation. */
START_TEST(test_defer_allocates_nothing)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct lent *e = lent_new(1);
	struct llist_old old;

	llist_add_tail(&l, e);
	old = llist_remove(&l, e);
	failalloc_reset();
	failalloc_fail_all(1);
	llist_old_defer(&old);
	failalloc_fail_all(0);
	ck_assert_int_eq(failalloc_calls(), 0);
	ck_assert(llist_old_is_empty(&old));
	rcuslot_barrier();
	ck_assert_int_eq(lent_frees, 1);
	llist_destroy(&l);
}
END_TEST

/* Small, so that the deferral bound throttles old_defer (list-bound). */
#define LIST_DEFER_MAX 64

static void bound_setup(void)
{
	list_setup();
	ck_assert_int_eq(rcuslot_set_defer_max(LIST_DEFER_MAX), 0);
}

static void bound_teardown(void)
{
	list_teardown();
	ck_assert_int_eq(rcuslot_set_defer_max(65536), 0);
}

/* Past the deferral bound, old_defer waits and frees itself: nothing lost. */
START_TEST(test_defer_throttled)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	unsigned long throttled = rcuslot_defer_throttled();

	for (long k = 0; k < 400; k++)
		llist_add_tail(&l, lent_new(k));
	for (long k = 0; k < 400; k++) {
		struct llist_old old = { NULL };

		RCUSLOT_READ_SCOPE({ old = llist_remove(&l, llist_first(&l)); })
		llist_old_defer(&old);
		ck_assert(llist_old_is_empty(&old));
		ck_assert_int_le(rcuslot_defer_pending(), LIST_DEFER_MAX + 1);
	}
	/* 400 call_rcu in a row outrun the grace periods that free them. */
	ck_assert_uint_gt(rcuslot_defer_throttled(), throttled);
	rcuslot_barrier();
	ck_assert_int_eq(lent_frees, 400);
	ck_assert(llist_empty(&l));
}
END_TEST

/* A batch without memory for its chunk waits and frees at once. */
START_TEST(test_batch_add_without_memory)
{
	struct llist l = RCU_LIST_INITIALIZER(l);
	struct rcuslot_batch b = RCUSLOT_BATCH_INITIALIZER;
	struct llist_old old = { NULL };

	llist_add_tail(&l, lent_new(1));
	llist_add_tail(&l, lent_new(2));
	RCUSLOT_READ_SCOPE({ old = llist_remove(&l, llist_first(&l)); })
	llist_batch_add(&b, &old);
	ck_assert_int_eq(rcuslot_batch_count(&b), 1);
	RCUSLOT_READ_SCOPE({ old = llist_remove(&l, llist_first(&l)); })
	failalloc_fail_all(1); /* room in the chunk: no allocation */
	llist_batch_add(&b, &old);
	failalloc_fail_all(0);
	ck_assert_int_eq(rcuslot_batch_count(&b), 2);
	rcuslot_batch_defer(&b);
	rcuslot_barrier();
	ck_assert_int_eq(lent_frees, 2);
	/* Now with no chunk at all: freed here, after a grace period. */
	llist_add_tail(&l, lent_new(3));
	RCUSLOT_READ_SCOPE({ old = llist_remove(&l, llist_first(&l)); })
	failalloc_fail_all(1);
	llist_batch_add(&b, &old);
	failalloc_fail_all(0);
	ck_assert_int_eq(lent_frees, 3);
	ck_assert_int_eq(rcuslot_batch_count(&b), 0);
	llist_destroy(&l);
}
END_TEST

/* An entry in two lists at once, through two nodes; calloc'd. */
struct dual {
	long key;
	struct rcuslot_list_node by_age;
	struct rcuslot_list_node by_prio;
	int *freed;
};
static void dual_free_age(struct dual *d)
{
	(void)d;
}
static void dual_free(struct dual *d)
{
	(*d->freed)++;
	free(d);
}
RCU_LIST_DEFINE(age_list, struct dual, by_age, dual_free_age);
RCU_LIST_DEFINE(prio_list, struct dual, by_prio, dual_free);

START_TEST(test_entry_in_two_lists)
{
	struct age_list ages = RCU_LIST_INITIALIZER(ages);
	struct prio_list prios = RCU_LIST_INITIALIZER(prios);
	int freed = 0;
	long sum = 0;

	for (long k = 0; k < 4; k++) {
		struct dual *n = calloc(1, sizeof(*n));

		ck_assert_ptr_nonnull(n);
		n->key = k;
		n->freed = &freed;
		age_list_add_tail(&ages, n);
		prio_list_add_head(&prios, n);
	}
	RCUSLOT_READ_SCOPE({
		const struct dual *d = age_list_first(&ages);

		ck_assert_int_eq(d->key, 0);
		d = prio_list_first(&prios);
		ck_assert_int_eq(d->key, 3);
		RCU_LIST_FOREACH(prio_list, &prios, d)
			sum = sum * 10 + d->key;
	})
	ck_assert_int_eq(sum, 3210);
	age_list_destroy(
		&ages); /* its free_fn leaves entries to the other list */
	ck_assert_int_eq(freed, 0);
	prio_list_destroy(&prios);
	ck_assert_int_eq(freed, 4);
}
END_TEST

/* The node at offset 0, and a free_fn that is a macro. */
struct first {
	struct rcuslot_list_node node;
	long v;
};
static atomic_int first_frees; /* freed on call_rcu's thread too */
#define first_free(p) (atomic_fetch_add(&first_frees, 1), free(p))
RCU_LIST_DEFINE(first_list, struct first, node, first_free);
/* The same, naming the flavor (the unit's, as it must be for now). */
RCU_LIST_DEFINE_FLAVOR(flavored_list, struct first, node, first_free,
		       RCUSLOT_FLAVOR);

START_TEST(test_node_at_offset_zero)
{
	struct first_list l = RCU_LIST_INITIALIZER(l);
	long sum = 0;

	first_frees = 0;
	for (long v = 1; v <= 3; v++) {
		struct first *n = malloc(sizeof(*n));

		ck_assert_ptr_nonnull(n);
		n->v = v;
		first_list_add_tail(&l, n);
	}
	RCUSLOT_READ_SCOPE({
		const struct first *f;

		RCU_LIST_FOREACH(first_list, &l, f)
			sum += f->v;
	})
	ck_assert_int_eq(sum, 6);
	first_list_destroy(&l);
	ck_assert_int_eq(first_frees, 3);
}
END_TEST

START_TEST(test_define_flavor)
{
	struct flavored_list l = RCU_LIST_INITIALIZER(l);
	struct first *n = malloc(sizeof(*n));
	struct flavored_list_old old;

	first_frees = 0;
	ck_assert_ptr_nonnull(n);
	n->v = 7;
	flavored_list_add_head(&l, n);
	RCUSLOT_READ_SCOPE({ ck_assert_int_eq(flavored_list_first(&l)->v, 7); })
	old = flavored_list_remove(&l, n);
	flavored_list_old_defer(&old);
	rcuslot_barrier();
	ck_assert_int_eq(first_frees, 1);
	ck_assert(flavored_list_empty(&l));
}
END_TEST

START_TEST(test_old_handle_is_one_pointer)
{
	ck_assert_uint_eq(sizeof(struct llist_old), sizeof(void *));
	ck_assert_uint_eq(sizeof(struct rcuslot_list_node),
			  sizeof(struct cds_list_head) +
				  sizeof(struct rcu_head));
}
END_TEST

Suite *list_suite(void)
{
	TCase *tc;
	Suite *s = rcu_suite("list", &tc, list_setup, list_teardown);

	tcase_add_test(tc, test_initializer_and_init);
	tcase_add_test(tc, test_add_head_tail_order);
	tcase_add_test(tc, test_first_next_end_with_null);
	tcase_add_test(tc, test_foreach_break_leaves_cleanly);
	tcase_add_test(tc, test_add_before_after);
	tcase_add_test(tc, test_add_next_to_removed_is_enoent);
	tcase_add_test(tc, test_remove);
	tcase_add_test(tc, test_reader_on_removed_entry_goes_on);
	tcase_add_test(tc, test_replace_in_place);
	tcase_add_test(tc, test_locked_variants);
	tcase_add_test(tc, test_destroy_frees_before_return);
	tcase_add_test(tc, test_defer_allocates_nothing);
	tcase_add_test(tc, test_batch_add_without_memory);
	tcase_add_test(tc, test_entry_in_two_lists);
	tcase_add_test(tc, test_node_at_offset_zero);
	tcase_add_test(tc, test_define_flavor);
	tcase_add_test(tc, test_old_handle_is_one_pointer);
	tc = tcase_create("list-bound");
	tcase_add_checked_fixture(tc, bound_setup, bound_teardown);
	tcase_add_test(tc, test_defer_throttled);
	suite_add_tcase(s, tc);
	return s;
}
