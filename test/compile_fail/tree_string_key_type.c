/* SPDX-License-Identifier: MIT */
/* A string tree is looked up by a string, not by a number. */
/* expect-error-gcc: passing argument 2 of 'host_tree_floor' makes pointer from integer without a cast */
/* expect-error-clang: incompatible integer to pointer conversion passing 'int' to parameter of type 'host_tree_key' */
#include "tree_cf.h"

int f(struct host_tree *t);
int f(struct host_tree *t)
{
	const struct host *h;

	rcuslot_read_lock();
#ifdef RCUSLOT_CF_OK
	h = host_tree_floor(t, "5");
#else
	h = host_tree_floor(t, 5);
#endif
	rcuslot_read_unlock();
	return h ? h->id : 0;
}
