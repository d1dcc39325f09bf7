/* SPDX-License-Identifier: MIT */
/* A custom tree's key member converts to key_type, or the DEFINE fails. */
/* expect-error-gcc: incompatible types when returning type '(const )?struct pair' but 'ver_tree_key' .* was expected */
/* expect-error-clang: returning 'const struct pair' from a function with incompatible result type 'ver_tree_key' */
#include "tree_cf.h"

struct release {
#ifdef RCUSLOT_CF_OK
	uint32_t version;
#else
	struct pair {
		uint32_t major, minor;
	} version;
#endif
	int id;
};
static inline void release_free(struct release *r)
{
	free(r);
}
static inline int u64_cmp(uint64_t a, uint64_t b)
{
	return (a > b) - (a < b);
}

RCU_TREE_DEFINE_CUSTOM(ver_tree, struct release, version, uint64_t, u64_cmp,
		       release_free);
