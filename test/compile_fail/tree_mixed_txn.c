/* SPDX-License-Identifier: MIT */
/* Tree A's transaction cannot change tree B, even over one type. */
/* expect-error-gcc: passing argument 1 of 'asn_tree_txn_insert' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct range_tree_txn \*' to parameter of type 'struct asn_tree_txn \*' */
#include "tree_cf.h"

int f(struct range_tree *t, struct range *r, struct rcuslot_batch *b);
int f(struct range_tree *t, struct range *r, struct rcuslot_batch *b)
{
	struct range_tree_txn x;
	int err = range_tree_txn_begin(t, &x);

	if (err)
		return err;
#ifdef RCUSLOT_CF_OK
	err = range_tree_txn_insert(&x, r);
#else
	err = asn_tree_txn_insert(&x, r);
#endif
	if (err) {
		range_tree_txn_abort(&x);
		return err;
	}
	return range_tree_txn_commit(&x, b);
}
