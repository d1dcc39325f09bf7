/* SPDX-License-Identifier: MIT */
/* A custom tree's cmp_fn takes two key_type values: a mismatch fails at the DEFINE. */
/* expect-error-gcc: initialization of 'int \(\*\)\(struct pair,  struct pair\)' from incompatible pointer type */
/* expect-error-clang: incompatible function pointer types initializing 'int \(\*\)\(struct pair, struct pair\)' */
#include "tree_cf.h"

struct pair {
	uint32_t major, minor;
};
struct release {
	struct pair version;
	int id;
};
static inline void release_free(struct release *r)
{
	free(r);
}

#ifdef RCUSLOT_CF_OK
static inline int pair_cmp(struct pair a, struct pair b)
{
	if (a.major != b.major)
		return a.major < b.major ? -1 : 1;
	return (a.minor > b.minor) - (a.minor < b.minor);
}
#else
static inline int pair_cmp(const struct pair *a, const struct pair *b)
{
	if (a->major != b->major)
		return a->major < b->major ? -1 : 1;
	return (a->minor > b->minor) - (a->minor < b->minor);
}
#endif

RCU_TREE_DEFINE_CUSTOM(ver_tree, struct release, version, struct pair, pair_cmp,
		       release_free);
