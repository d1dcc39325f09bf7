/* SPDX-License-Identifier: MIT */
/* RCU_TREE_DEFINE's key is an integer: a pointer is refused at the DEFINE, by name. */
/* expect-error: RCU_TREE_DEFINE\(name_tree\): the key member must be an integer of at most 64 bits */
#include "tree_cf.h"

struct named {
#ifdef RCUSLOT_CF_OK
	uintptr_t name;
#else
	const char *name;
#endif
	int id;
};
static inline void named_free(struct named *n)
{
	free(n);
}

RCU_TREE_DEFINE(name_tree, struct named, name, named_free);
