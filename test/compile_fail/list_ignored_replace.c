/* SPDX-License-Identifier: MIT */
/* Ignoring replace's status misses an entry gone meanwhile (new one still ours). */
/* expect-error-gcc: ignoring return value of 'hook_list_replace' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "list_cf.h"

void f(struct hook_list *l, struct hook *o, struct hook *n);
void f(struct hook_list *l, struct hook *o, struct hook *n)
{
#ifdef RCUSLOT_CF_OK
	struct hook_list_old old;

	if (hook_list_replace(l, o, n, &old) == 0)
		hook_list_old_free(&old);
#else
	struct hook_list_old old;

	hook_list_replace(l, o, n, &old);
#endif
}
