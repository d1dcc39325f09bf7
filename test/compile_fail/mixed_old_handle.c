/* SPDX-License-Identifier: MIT */
/* Slot A's old handle cannot be retired by slot B's functions. */
/* expect-error-gcc: passing argument 1 of 'route_slot_old_free' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct cfg_slot_old \*' to parameter of type 'struct route_slot_old \*' */
#include "cf.h"

void f(struct cfg_slot *s);
void f(struct cfg_slot *s)
{
	struct cfg_slot_old old = cfg_slot_replace(s, NULL);

#ifdef RCUSLOT_CF_OK
	cfg_slot_old_free(&old);
#else
	route_slot_old_free(&old);
#endif
}
