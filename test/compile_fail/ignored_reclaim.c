/* SPDX-License-Identifier: MIT */
/* old_reclaim hands the object back: dropping it leaks it. */
/* expect-error-gcc: ignoring return value of 'cfg_slot_old_reclaim' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "cf.h"

void f(struct cfg_slot_old *old);
void f(struct cfg_slot_old *old)
{
#ifdef RCUSLOT_CF_OK
	free(cfg_slot_old_reclaim(old));
#else
	cfg_slot_old_reclaim(old);
#endif
}
