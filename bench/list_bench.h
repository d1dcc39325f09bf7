/* SPDX-License-Identifier: MIT */
/*
 * list_bench: the walk cost of three lists of the same entries, read by
 * 1..N threads with and without an updater (list_bench.c runs them):
 * - "rwlock": a cds_list under a pthread_rwlock_t, readers read-locking it;
 * - "rculist": liburcu's rculist by hand (rcu_read_lock,
 *   cds_list_for_each_entry_rcu; the updater under a mutex, call_rcu);
 * - "rcuslot": an RCU_LIST_DEFINE list (RCU_LIST_FOREACH; replace and
 *   old_defer).
 * Each lives in its own translation unit (the raw one shares no line with
 * the kit); all use liburcu's memb flavor.
 */
#ifndef BENCH_LIST_BENCH_H
#define BENCH_LIST_BENCH_H

struct list_impl {
	const char *name;
	void (*setup)(int entries);
	void (*teardown)(void);
	void (*thread_init)(void);
	void (*thread_exit)(void);
	/* n walks, each summing one field of every entry; returns the sum. */
	long (*walk)(long n);
	/* Replace entry i % entries by a fresh copy and retire the old one. */
	void (*update)(long i);
	/* After a run: wait for every deferred free. */
	void (*drain)(void);
};

extern const struct list_impl list_impl_rwlock, list_impl_rculist, list_impl_rcuslot;

#endif /* BENCH_LIST_BENCH_H */
