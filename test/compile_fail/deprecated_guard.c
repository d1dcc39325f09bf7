/* SPDX-License-Identifier: MIT */
/* rcuslot 0.1's guard names still work for one release, and warn. */
/* expect-error: RCU_SLOT_READ_GUARD is deprecated: use RCUSLOT_READ_GUARD */
#include "cf.h"

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
#ifdef RCUSLOT_CF_OK
	RCUSLOT_READ_GUARD();
#else
	RCU_SLOT_READ_GUARD();
#endif
	return cfg_slot_dereference(s) != NULL;
}
