/* SPDX-License-Identifier: MIT */
/*
 * The ordered map's suites (check_tree*.c) and the entry they keep: it
 * carries a magic number, a key, a value and a checksum, is poisoned when
 * freed, and has a ledger slot, so a test can tell an intact entry from a
 * torn, freed or twice-freed one, and that every entry was freed exactly
 * once.
 */
#ifndef RCUSLOT_TEST_CHECK_TREE_H
#define RCUSLOT_TEST_CHECK_TREE_H

#include <stdatomic.h>
#include <stdint.h>

#include <check.h>
#include <rcuslot/rcuslot.h>

#define TENT_LIVE 0x7ee1ab1eu
#define TENT_DEAD 0xdeadbeefu
/* Ledger size: entries one test process may allocate. */
#define TENT_MAX (1L << 21)

struct tent {
	uint32_t magic;
	uint64_t key;
	long value;
	long id;      /* ledger slot */
	uint64_t sum; /* over key, value and id */
	/* Concurrency tests: clock stamp taken just before it is taken out. */
	_Atomic uint64_t unpub;
};

extern atomic_long tent_allocs, tent_frees, tent_bad_frees;
/* Called by tent_free just before it poisons, when set. */
extern void (*tent_free_hook)(struct tent *e);

struct tent *tent_new(uint64_t key, long value);
/* 1 if e is live and its checksum matches. */
int tent_intact(const struct tent *e);
void tent_free(struct tent *e);
/* Ledger: entries never freed. */
long tent_ledger_live(void);
void tent_reset(void);

RCU_TREE_DEFINE(ttree, struct tent, key, tent_free);

/* Fixtures: register and reset the counters; barrier, check nothing leaked. */
void tree_setup(void);
void tree_teardown(void);

Suite *tree_suite(void);
Suite *tree_concurrency_suite(void);
Suite *tree_faults_suite(void);
Suite *tree_promises_suite(void);
#ifdef RCUSLOT_DEBUG
Suite *tree_debug_suite(void);
#endif

#endif
