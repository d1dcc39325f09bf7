/* SPDX-License-Identifier: MIT */
/* A list of struct hook does not take a struct rule. */
/* expect-error-gcc: passing argument 2 of 'hook_list_add_tail' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct rule \*' to parameter of type 'struct hook \*' */
#include "list_cf.h"

void f(struct hook_list *l, struct hook *h, struct rule *r);
void f(struct hook_list *l, struct hook *h, struct rule *r)
{
#ifdef RCUSLOT_CF_OK
	hook_list_add_tail(l, h);
	(void)r;
#else
	hook_list_add_tail(l, r);
	(void)h;
#endif
}
