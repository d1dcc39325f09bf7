/* SPDX-License-Identifier: MIT */
/*
 * The list suites (check_list*.c) and the entry they link: it carries a
 * magic number, a key and a checksum, is poisoned when freed, and has a
 * ledger slot, so a test can tell an intact entry from a torn, freed or
 * twice-freed one, and that every entry was freed exactly once.
 */
#ifndef RCUSLOT_TEST_CHECK_LIST_H
#define RCUSLOT_TEST_CHECK_LIST_H

#include <stdatomic.h>
#include <stdint.h>

#include <check.h>
#include <rcuslot/rcuslot.h>

#define LENT_LIVE 0x1157ab1eu
#define LENT_DEAD 0xdeadbeefu
/* Ledger size: entries one test process may allocate. */
#define LENT_MAX (1L << 20)

struct lent {
	uint32_t magic;
	long key;
	long id;        /* ledger slot */
	uint64_t sum;   /* over key and id */
	struct rcuslot_list_node node;
	/* Concurrency test: clock stamp taken just before the entry is unlinked. */
	_Atomic uint64_t unpub;
};

extern atomic_long lent_allocs, lent_frees, lent_bad_frees;
/* Called by lent_free just before it poisons, when set. */
extern void (*lent_free_hook)(struct lent *e);

struct lent *lent_new(long key);
/* 1 if e is live and its checksum matches. */
int lent_intact(const struct lent *e);
void lent_free(struct lent *e);
/* Ledger: entries never freed, and entries freed more than once. */
long lent_ledger_live(void);
void lent_reset(void);

RCU_LIST_DEFINE(llist, struct lent, node, lent_free);

/*
 * The keys of l in list order (the first max of them in out), each entry
 * checked intact, in one read-side section; how many entries there were.
 */
int lent_walk_keys(struct llist *l, long *out, int max);

/* l holds exactly these keys, in this order. */
#define ck_assert_keys(l, ...)                                                 \
	do {                                                                   \
		const long want_[] = { __VA_ARGS__ };                          \
		long got_[64];                                                 \
		int n_ = lent_walk_keys((l), got_, 64);                        \
		ck_assert_int_eq(n_, (int)(sizeof(want_) / sizeof(want_[0]))); \
		for (int i_ = 0; i_ < n_; i_++)                                \
			ck_assert_int_eq(got_[i_], want_[i_]);                 \
	} while (0)

/* Fixtures: register and reset the counters; barrier, check nothing leaked. */
void list_setup(void);
void list_teardown(void);

Suite *list_suite(void);
Suite *list_concurrency_suite(void);
Suite *list_promises_suite(void);
#ifdef RCUSLOT_DEBUG
Suite *list_debug_suite(void);
#endif

#endif
