/* SPDX-License-Identifier: MIT */
/* add_after's -ENOENT leaves the entry with the caller: it must be looked at. */
/* expect-error-gcc: ignoring return value of 'hook_list_add_after' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "list_cf.h"

void f(struct hook_list *l, const struct hook *pos, struct hook *h);
void f(struct hook_list *l, const struct hook *pos, struct hook *h)
{
#ifdef RCUSLOT_CF_OK
	if (hook_list_add_after(l, pos, h) != 0)
		hook_free(h);
#else
	hook_list_add_after(l, pos, h);
#endif
}
