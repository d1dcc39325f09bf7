/* SPDX-License-Identifier: MIT */
/* One list type's functions do not take another list type's head. */
/* expect-error-gcc: passing argument 1 of 'hook_list_add_head' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct rule_list \*' to parameter of type 'struct hook_list \*' */
#include "list_cf.h"

void f(struct hook_list *hl, struct rule_list *rl, struct hook *h);
void f(struct hook_list *hl, struct rule_list *rl, struct hook *h)
{
#ifdef RCUSLOT_CF_OK
	hook_list_add_head(hl, h);
	(void)rl;
#else
	hook_list_add_head(rl, h);
	(void)hl;
#endif
}
