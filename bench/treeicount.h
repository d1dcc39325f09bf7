/* SPDX-License-Identifier: MIT */
/*
 * treeicount: the loops whose instructions callgrind counts per point
 * lookup (and per range scan) in a map of TREEICOUNT_KEYS keys, one
 * implementation per translation unit (treeicount_main.c says how it is
 * run). C and C++ (the libcds loops are C++) include it.
 */
#ifndef BENCH_TREEICOUNT_H
#define BENCH_TREEICOUNT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Keys in the map: treebench_key(0 .. TREEICOUNT_KEYS - 1). */
#define TREEICOUNT_KEYS 100000
/* Lookups cycle through this many keys, drawn at random from the map's
 * (treeicount_main.c), the same for every implementation; a ceil or a scan
 * starts from the key's successor, a key not in the map. */
#define TREEICOUNT_PROBES 16384
extern uint64_t treeicount_probe[TREEICOUNT_PROBES];

/*
 * Each loop does n operations, probe after probe, and returns a checksum
 * (the values read) so that nothing is optimised away; each setup builds
 * its map of TREEICOUNT_KEYS keys, every value its key.
 */
/* treeicount_tree.c: RCU_TREE_DEFINE. The scan visits TREEBENCH_SCAN
 * entries from a ceil; the update is upsert + old_defer; txn does its n
 * changes as one transaction. */
void treeicount_tree_setup(void);
long treeicount_find_tree(long n);
long treeicount_ceil_tree(long n);
long treeicount_scan_tree(long n);
long treeicount_update_tree(long n);
long treeicount_txn_tree(long n);
/* treeicount_glib.c: GTree, without a lock and under a pthread_rwlock (the
 * update: g_tree_replace under the write lock). */
void treeicount_gtree_setup(void);
long treeicount_find_gtree(long n);
long treeicount_find_gtree_rwlock(long n);
long treeicount_ceil_gtree(long n);
long treeicount_scan_gtree(long n);
long treeicount_update_gtree(long n);
/* treeicount_map.c: RCU_MAP_DEFINE. */
void treeicount_map_setup(void);
long treeicount_find_map(long n);
/* treeicount_cds.cc: libcds. */
void treeicount_skiplist_setup(void);
long treeicount_find_skiplist(long n);
void treeicount_avl_setup(void);
long treeicount_find_avl(long n);

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TREEICOUNT_H */
