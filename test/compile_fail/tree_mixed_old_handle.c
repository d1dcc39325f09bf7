/* SPDX-License-Identifier: MIT */
/* Tree A's old handle cannot be retired by tree B's functions, even over one type. */
/* expect-error-gcc: passing argument 1 of 'asn_tree_old_free' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct range_tree_old \*' to parameter of type 'struct asn_tree_old \*' */
#include "tree_cf.h"

void f(struct range_tree *t);
void f(struct range_tree *t)
{
	struct range_tree_old old;

	if (range_tree_remove(t, 1, &old) != 0)
		return;
#ifdef RCUSLOT_CF_OK
	range_tree_old_free(&old);
#else
	asn_tree_old_free(&old);
#endif
}
