/* SPDX-License-Identifier: MIT */
/* RCU_TREE_DEFINE's key is an integer: a struct is refused at the DEFINE, by name. */
/* expect-error: RCU_TREE_DEFINE\(ver_tree\): the key member must be an integer of at most 64 bits */
#include "tree_cf.h"

struct release {
#ifdef RCUSLOT_CF_OK
	uint64_t version;
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

RCU_TREE_DEFINE(ver_tree, struct release, version, release_free);
