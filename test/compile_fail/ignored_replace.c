/* SPDX-License-Identifier: MIT */
/* Dropping the old handle replace returns leaks the old object. */
/* expect-error-gcc: ignoring return value of 'cfg_slot_replace' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "cf.h"

void f(struct cfg_slot *s, struct config *c);
void f(struct cfg_slot *s, struct config *c)
{
#ifdef RCUSLOT_CF_OK
	struct cfg_slot_old old = cfg_slot_replace(s, c);

	cfg_slot_old_defer(&old);
#else
	cfg_slot_replace(s, c);
#endif
}
