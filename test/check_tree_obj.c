/* SPDX-License-Identifier: MIT */
/* The ordered map tests' entry and its ledger (see check_tree.h). */
#include <stdlib.h>

#include "check_tree.h"
#include "check_rcuslot.h"

atomic_long tent_allocs, tent_frees, tent_bad_frees;
void (*tent_free_hook)(struct tent *e);

/* 0 never allocated, 1 live, 2 freed; anything else a double free. */
static _Atomic unsigned char ledger[TENT_MAX];
static atomic_long next_id;

static uint64_t tent_sum(const struct tent *e)
{
	return (e->key * 0x9e3779b97f4a7c15u) ^ (uint64_t)e->value ^
	       ((uint64_t)e->id << 32) ^ 0x5bd1e995u;
}

struct tent *tent_new(uint64_t key, long value)
{
	/* Objects are the program's: plain malloc, not the kit's allocator. */
	struct tent *e = malloc(sizeof(*e));
	long id = atomic_fetch_add(&next_id, 1);

	if (!e || id >= TENT_MAX)
		abort();
	e->magic = TENT_LIVE;
	e->key = key;
	e->value = value;
	e->id = id;
	e->sum = tent_sum(e);
	atomic_init(&e->unpub, 0);
	atomic_store(&ledger[id], 1);
	atomic_fetch_add(&tent_allocs, 1);
	return e;
}

int tent_intact(const struct tent *e)
{
	return e && e->magic == TENT_LIVE && e->sum == tent_sum(e);
}

void tent_free(struct tent *e)
{
	if (e->magic != TENT_LIVE || atomic_fetch_add(&ledger[e->id], 1) != 1)
		atomic_fetch_add(&tent_bad_frees, 1);
	if (tent_free_hook)
		tent_free_hook(e);
	e->magic = TENT_DEAD;
	e->key = 0x5a5a5a5a5a5a5a5au;
	atomic_fetch_add(&tent_frees, 1);
	free(e);
}

long tent_ledger_live(void)
{
	long n = 0, end = atomic_load(&next_id);

	for (long i = 0; i < end && i < TENT_MAX; i++)
		n += atomic_load(&ledger[i]) == 1;
	return n;
}

void tent_reset(void)
{
	atomic_store(&tent_allocs, 0);
	atomic_store(&tent_frees, 0);
	atomic_store(&tent_bad_frees, 0);
	tent_free_hook = NULL;
}

void tree_setup(void)
{
	rcu_thread_setup();
	tent_reset();
}

/* Every test destroys its trees: after a barrier, every entry was freed exactly once. */
void tree_teardown(void)
{
	rcuslot_barrier();
	ck_assert_int_eq(atomic_load(&tent_bad_frees), 0);
	ck_assert_int_eq(atomic_load(&tent_allocs), atomic_load(&tent_frees));
	rcu_thread_teardown();
}
