/* SPDX-License-Identifier: MIT */
/* RCU_TREE_DEFINE's key is at most 64 bits: an __int128 is refused at the DEFINE, by name. */
/* expect-error: RCU_TREE_DEFINE\(wide_tree\): the key member must be an integer of at most 64 bits */
#include "tree_cf.h"

struct wide {
#ifdef RCUSLOT_CF_OK
	int64_t key;
#else
	__int128 key;
#endif
	int id;
};
static inline void wide_free(struct wide *w)
{
	free(w);
}

RCU_TREE_DEFINE(wide_tree, struct wide, key, wide_free);
