/* SPDX-License-Identifier: MIT */
/* init takes the slot's own pointee type only. */
/* expect-error-gcc: passing argument 2 of 'cfg_slot_init' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct route \*' to parameter of type 'struct config \*' */
#include "cf.h"

void f(struct cfg_slot *s, struct config *c, struct route *r);
void f(struct cfg_slot *s, struct config *c, struct route *r)
{
#ifdef RCUSLOT_CF_OK
	cfg_slot_init(s, c);
	(void)r;
#else
	cfg_slot_init(s, r);
	(void)c;
#endif
}
