/* SPDX-License-Identifier: MIT */
/* An integer tree is looked up by the key's value, not by a pointer to it. */
/* expect-error-gcc: passing argument 2 of 'range_tree_find' makes integer from pointer without a cast */
/* expect-error-clang: incompatible pointer to integer conversion passing 'uint32_t \*' .* to parameter of type 'range_tree_key' */
#include "tree_cf.h"

uint32_t f(struct range_tree *t);
uint32_t f(struct range_tree *t)
{
	const struct range *r;
	uint32_t start = 7;

	rcuslot_read_lock();
#ifdef RCUSLOT_CF_OK
	r = range_tree_find(t, start);
#else
	r = range_tree_find(t, &start);
#endif
	rcuslot_read_unlock();
	return r ? r->asn : 0;
}
