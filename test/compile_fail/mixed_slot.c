/* SPDX-License-Identifier: MIT */
/* Slot A cannot be passed to slot B's functions. */
/* expect-error-gcc: passing argument 1 of 'route_slot_dereference' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct cfg_slot \*' to parameter of type 'const struct route_slot \*' */
#include "cf.h"

long f(struct cfg_slot *s);
long f(struct cfg_slot *s)
{
	long v;

	rcuslot_read_lock();
#ifdef RCUSLOT_CF_OK
	v = cfg_slot_dereference(s)->a;
#else
	v = route_slot_dereference(s)->dst;
#endif
	rcuslot_read_unlock();
	return v;
}
