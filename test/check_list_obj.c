/* SPDX-License-Identifier: MIT */
/* The list tests' entry and its ledger (see check_list.h). */
#include <stdlib.h>
#include <string.h>

#include "check_list.h"
#include "check_rcuslot.h"

atomic_long lent_allocs, lent_frees, lent_bad_frees;
void (*lent_free_hook)(struct lent *e);

/* 0 never allocated, 1 live, 2 freed; anything else a double free. */
static _Atomic unsigned char ledger[LENT_MAX];
static atomic_long next_id;

static uint64_t lent_sum(const struct lent *e)
{
	return ((uint64_t)e->key * 0x9e3779b97f4a7c15u) ^ (uint64_t)e->id ^ 0x5bd1e995u;
}

struct lent *lent_new(long key)
{
	/* Straight from malloc: the node is not initialized (the list needs not). */
	struct lent *e = malloc(sizeof(*e));
	long id = atomic_fetch_add(&next_id, 1);

	if (!e || id >= LENT_MAX)
		abort();
	e->magic = LENT_LIVE;
	e->key = key;
	e->id = id;
	e->sum = lent_sum(e);
	atomic_init(&e->unpub, 0);
	atomic_store(&ledger[id], 1);
	atomic_fetch_add(&lent_allocs, 1);
	return e;
}

int lent_intact(const struct lent *e)
{
	return e && e->magic == LENT_LIVE && e->sum == lent_sum(e);
}

void lent_free(struct lent *e)
{
	if (e->magic != LENT_LIVE || atomic_fetch_add(&ledger[e->id], 1) != 1)
		atomic_fetch_add(&lent_bad_frees, 1);
	if (lent_free_hook)
		lent_free_hook(e);
	e->magic = LENT_DEAD;
	e->key = -0x5a5a5a5a;
	atomic_fetch_add(&lent_frees, 1);
	free(e);
}

long lent_ledger_live(void)
{
	long n = 0, end = atomic_load(&next_id);

	for (long i = 0; i < end && i < LENT_MAX; i++)
		n += atomic_load(&ledger[i]) == 1;
	return n;
}

void lent_reset(void)
{
	atomic_store(&lent_allocs, 0);
	atomic_store(&lent_frees, 0);
	atomic_store(&lent_bad_frees, 0);
	lent_free_hook = NULL;
}

int lent_walk_keys(struct llist *l, long *out, int max)
{
	int n = 0;

	RCUSLOT_READ_SCOPE({
		const struct lent *e;

		RCU_LIST_FOREACH(llist, l, e) {
			ck_assert(lent_intact(e));
			if (n < max)
				out[n] = e->key;
			n++;
		}
	})
	return n;
}

void list_setup(void)
{
	rcu_thread_setup();
	lent_reset();
}

/* Every test leaves nothing behind: each entry freed once, none twice. */
void list_teardown(void)
{
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&lent_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&lent_frees), atomic_load(&lent_allocs));
	rcuslot_unregister_thread();
}
