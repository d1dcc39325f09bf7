/* SPDX-License-Identifier: MIT */
/* Dropping the old handle replace returns leaks the old entry. */
/* expect-error-gcc: ignoring return value of 'hook_list_replace' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "list_cf.h"

void f(struct hook_list *l, struct hook *o, struct hook *n);
void f(struct hook_list *l, struct hook *o, struct hook *n)
{
#ifdef RCUSLOT_CF_OK
	struct hook_list_old old = hook_list_replace(l, o, n);

	hook_list_old_free(&old);
#else
	hook_list_replace(l, o, n);
#endif
}
