/* SPDX-License-Identifier: MIT */
/* Readers get a const object: a published object is never written. */
/* expect-error-gcc: assignment of member 'a' in read-only object */
/* expect-error-clang: cannot assign to variable 'c' with const-qualified type */
#include "cf.h"

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
	int a;

	rcuslot_read_lock();
	const struct config *c = cfg_slot_dereference(s);
#ifdef RCUSLOT_CF_OK
	a = c->a + 1;
#else
	a = c->a = 1;
#endif
	rcuslot_read_unlock();
	return a;
}
