/* SPDX-License-Identifier: MIT */
/* A slot of struct config does not take a struct route. */
/* expect-error-gcc: passing argument 2 of 'cfg_slot_replace' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct route \*' to parameter of type 'struct config \*' */
#include "cf.h"

void f(struct cfg_slot *s, struct config *c, struct route *r);
void f(struct cfg_slot *s, struct config *c, struct route *r)
{
#ifdef RCUSLOT_CF_OK
	struct cfg_slot_old old = cfg_slot_replace(s, c);
	(void)r;
#else
	struct cfg_slot_old old = cfg_slot_replace(s, r);
	(void)c;
#endif
	cfg_slot_old_defer(&old);
}
