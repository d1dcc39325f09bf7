/* SPDX-License-Identifier: MIT */
/* A tree takes objects of its own type only. */
/* expect-error-gcc: passing argument 2 of 'range_tree_insert' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct host \*' to parameter of type 'struct range \*' */
#include "tree_cf.h"

int f(struct range_tree *t, struct range *r, struct host *h);
int f(struct range_tree *t, struct range *r, struct host *h)
{
#ifdef RCUSLOT_CF_OK
	(void)h;
	return range_tree_insert(t, r);
#else
	(void)r;
	return range_tree_insert(t, h);
#endif
}
