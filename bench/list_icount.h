/* SPDX-License-Identifier: MIT */
/*
 * list_icount: the walks whose instruction counts `scons check` compares
 * under callgrind (see list_icount_main.c and site_scons/rcuslot_list_bench.py):
 * an RCU_LIST_DEFINE list and the same list written against liburcu's
 * rculist by hand, each in its own translation unit so the compiler can
 * neither merge them nor optimise one against the other.
 */
#ifndef BENCH_LIST_ICOUNT_H
#define BENCH_LIST_ICOUNT_H

/* Entries per list: a walk reads one field of each. */
#define LIST_ICOUNT_ENTRIES 16

/* list_icount_rcuslot.c, built twice: plain, and with ICOUNT_PERTURB. */
void list_icount_rcuslot_setup(void);
long list_icount_walk_rcuslot(long n);
void list_icount_rcuslot_teardown(void);
void list_icount_rcuslot_setup_perturbed(void);
long list_icount_walk_rcuslot_perturbed(long n);
void list_icount_rcuslot_teardown_perturbed(void);

/* list_icount_raw.c: the same walk over rculist, and thread control. */
void list_icount_raw_setup(void);
long list_icount_walk_raw(long n);
void list_icount_raw_teardown(void);
void list_icount_register(void);
void list_icount_unregister(void);
void list_icount_barrier(void);
const char *list_icount_flavor(void);

#endif /* BENCH_LIST_ICOUNT_H */
