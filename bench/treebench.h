/* SPDX-License-Identifier: MIT */
/*
 * treebench: the ordered maps it compares (and rcuslot's hash map for point
 * lookups), each behind the same small table of functions, so every
 * implementation pays the same indirect call per operation. C and C++ (the
 * libcds peers are C++) include it.
 */
#ifndef BENCH_TREEBENCH_H
#define BENCH_TREEBENCH_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * The i-th key of a map: splitmix64's finaliser, a bijection on 64 bits, so
 * the keys are distinct and spread over the whole key space (random, not
 * 0, 1, 2, ...). Every object's value is its key.
 */
static inline uint64_t treebench_key(uint64_t i)
{
	uint64_t z = i + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Entries a range scan visits: keys ascending from the least key >= lo. */
#define TREEBENCH_SCAN 16

/*
 * Objects of the initial build come from one array (treebench_objects()),
 * allocated before the build is measured, so that the heap the build takes
 * is the structure's alone; objects allocated by updates are malloc'd.
 * treebench_free() frees either kind.
 */
void *treebench_objects(size_t n, size_t size);
void treebench_free(void *obj);

struct tree_impl {
	const char *name;
	const char *what; /* one line for the report */
	int ordered;      /* ceil and scan offered */
	int txn;          /* batch() offered */
	/* Allocate the objects of n keys (treebench_objects()): not measured. */
	void (*prepare)(size_t n);
	/* Insert keys[0 .. n-1], each with its key as value: measured. */
	void (*build)(const uint64_t *keys, size_t n);
	/* Bytes of the structure counted another way than the heap's growth
	 * across build() (rcuslot's counting allocator), or -1: use that. */
	double (*own_bytes)(void);
	/* Bytes of structure every entry carries inside the program's object
	 * (an embedded hash node), added to the heap's growth. */
	size_t embedded;
	/* One lookup in its own read-side section (or under the read lock):
	 * the value found, or UINT64_MAX when absent. */
	uint64_t (*lookup)(uint64_t key);
	/* The least key >= key, in its own section; 0: none (*out unset). A
	 * found object's value is checked against its key: -1 on a mismatch. */
	int (*ceil)(uint64_t key, uint64_t *out);
	/* Up to TREEBENCH_SCAN keys ascending from the least key >= lo, in one
	 * section, into out; returns how many, -1 on a value that is not its
	 * key. */
	int (*scan)(uint64_t lo, uint64_t *out);
	/* Replace key's object (present) by a new one with the same value;
	 * retire the old. */
	void (*update)(uint64_t key);
	/* The same changes, n keys, in one transaction (rcuslot) or under one
	 * write lock (GTree). */
	void (*batch)(const uint64_t *keys, size_t n);
	void (*teardown)(void);
	void (*thread_online)(void);  /* register a reader or updater thread */
	void (*thread_offline)(void); /* unregister it */
	void (*quiescent)(void);      /* between operations (qsbr) */
	void (*barrier)(void);        /* wait for deferred frees */
};

extern const struct tree_impl treebench_rcuslot_tree; /* treebench_tree.c */
extern const struct tree_impl treebench_rcuslot_map;  /* treebench_map.c */
extern const struct tree_impl treebench_gtree;        /* treebench_glib.c */
extern const struct tree_impl treebench_cds_skiplist; /* treebench_cds.cc */
extern const struct tree_impl treebench_cds_avl;      /* treebench_cds.cc */

#ifdef __cplusplus
}
#endif

#endif /* BENCH_TREEBENCH_H */
