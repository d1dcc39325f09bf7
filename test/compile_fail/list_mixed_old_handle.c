/* SPDX-License-Identifier: MIT */
/* List A's old handle cannot be retired by list B's functions. */
/* expect-error-gcc: passing argument 1 of 'rule_list_old_free' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct hook_list_old \*' to parameter of type 'struct rule_list_old \*' */
#include "list_cf.h"

void f(struct hook_list *l, struct hook *h);
void f(struct hook_list *l, struct hook *h)
{
	struct hook_list_old old = hook_list_remove(l, h);

#ifdef RCUSLOT_CF_OK
	hook_list_old_free(&old);
#else
	rule_list_old_free(&old);
#endif
}
