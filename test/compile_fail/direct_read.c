/* SPDX-License-Identifier: MIT */
/* Reading the slot's pointer directly skips rcu_dereference's ordering. */
/* expect-error: 'rcuslot_priv_ptr' is deprecated: rcuslot: use cfg_slot_dereference */
#include "cf.h"

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
	int a;

	rcuslot_read_lock();
#ifdef RCUSLOT_CF_OK
	a = cfg_slot_dereference(s)->a;
#else
	a = s->rcuslot_priv_ptr->a;
#endif
	rcuslot_read_unlock();
	return a;
}
