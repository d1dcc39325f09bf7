/* SPDX-License-Identifier: MIT */
/*
 * icount: the loops whose instruction counts `scons check` compares under
 * callgrind (see icount_main.c and site_scons/rcuslot_bench.py).
 *
 * Each loop lives in its own translation unit so that the compiler can
 * neither merge the rcuslot loop with its hand-written twin (-fipa-icf)
 * nor optimise one against the other.
 */
#ifndef BENCH_ICOUNT_H
#define BENCH_ICOUNT_H

#include <stdint.h>

/* The object every loop reads: one field is read per read-side section. */
struct icount_obj {
	long a;
	long b;
};

/* icount_slot.c, built twice: plain, and with ICOUNT_PERTURB (see there). */
void icount_slot_setup(long nupdates);
long icount_read_slot(long n);
long icount_read_guard(long n);
void icount_update_slot(long n);
void icount_update_slothead(long n);
void icount_slot_teardown(void);

void icount_slot_setup_perturbed(long nupdates);
long icount_read_slot_perturbed(long n);
void icount_slot_teardown_perturbed(void);

/* icount_raw.c: the same loops written against liburcu directly. */
void icount_raw_setup(long nupdates);
long icount_read_raw(long n);
void icount_update_raw(long n);
void icount_update_rawnode(long n);
void icount_raw_teardown(void);

/*
 * icount_map.c and icount_map_raw.c: one lookup per read-side section in a
 * map of ICOUNT_MAP_KEYS objects, through RCU_MAP_DEFINE and through
 * rculfhash by hand. Buckets enough that no chain reaches rculfhash's
 * resize threshold: neither table resizes, so the counts are exact.
 */
#define ICOUNT_MAP_KEYS 512
#define ICOUNT_MAP_BUCKETS 4096
void icount_map_setup(void);
long icount_find_map(long n);
unsigned long icount_map_hash(unsigned int key);
uint64_t icount_map_seed(void);
void icount_map_teardown(void);
void icount_raw_map_setup(uint64_t seed);
long icount_find_raw_map(long n);
unsigned long icount_raw_map_hash(unsigned int key);
void icount_raw_map_teardown(void);

/* icount_raw.c: thread and call_rcu worker control, flavor-independent. */
void icount_register(void);
void icount_unregister(void);
void icount_pause_reclaim(void);
void icount_resume_reclaim(void);
void icount_barrier(void);
const char *icount_flavor(void);

#endif /* BENCH_ICOUNT_H */
