/* SPDX-License-Identifier: MIT */
/* A walk gives const entries: a published entry is never written. */
/* expect-error-gcc: assignment of member 'prio' in read-only object */
/* expect-error-clang: cannot assign to variable 'h' with const-qualified type */
#include "list_cf.h"

int f(struct hook_list *l);
int f(struct hook_list *l)
{
	const struct hook *h;
	int sum = 0;

	rcuslot_read_lock();
	RCU_LIST_FOREACH(hook_list, l, h) {
#ifdef RCUSLOT_CF_OK
		sum += h->prio;
#else
		sum += h->prio = 1;
#endif
	}
	rcuslot_read_unlock();
	return sum;
}
