/* SPDX-License-Identifier: MIT */
/* Dropping the old handle remove returns leaks the entry. */
/* expect-error-gcc: ignoring return value of 'hook_list_remove' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "list_cf.h"

void f(struct hook_list *l, struct hook *h);
void f(struct hook_list *l, struct hook *h)
{
#ifdef RCUSLOT_CF_OK
	struct hook_list_old old = hook_list_remove(l, h);

	hook_list_old_defer(&old);
#else
	hook_list_remove(l, h);
#endif
}
