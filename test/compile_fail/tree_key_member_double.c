/* SPDX-License-Identifier: MIT */
/* RCU_TREE_DEFINE's key is an integer: a double is refused at the DEFINE, by name. */
/* expect-error: RCU_TREE_DEFINE\(price_tree\): the key member must be an integer of at most 64 bits */
#include "tree_cf.h"

struct price {
#ifdef RCUSLOT_CF_OK
	int64_t cents;
#else
	double cents;
#endif
	uint32_t item;
};
static inline void price_free(struct price *p)
{
	free(p);
}

RCU_TREE_DEFINE(price_tree, struct price, cents, price_free);
