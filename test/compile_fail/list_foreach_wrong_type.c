/* SPDX-License-Identifier: MIT */
/* The walk's cursor must point to the list's entry type. */
/* expect-error-gcc: assignment to 'const struct rule \*' from incompatible pointer type 'const struct hook \*' */
/* expect-error-clang: incompatible pointer types assigning to 'const struct rule \*' from 'const struct hook \*' */
#include "list_cf.h"

long f(struct hook_list *l);
long f(struct hook_list *l)
{
#ifdef RCUSLOT_CF_OK
	const struct hook *e;
#else
	const struct rule *e;
#endif
	long n = 0;

	rcuslot_read_lock();
	RCU_LIST_FOREACH(hook_list, l, e)
		n++;
	rcuslot_read_unlock();
	return n;
}
