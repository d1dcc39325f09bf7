/* SPDX-License-Identifier: MIT */
/*
 * rcuslot 0.1's RCU_SLOT_READ_SCOPE() { ... } still compiles for one
 * release, as it was (a one-pass loop), and warns.
 */
/* expect-error: RCU_SLOT_READ_SCOPE is deprecated: use RCUSLOT_READ_SCOPE */
#include "cf.h"

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
	int n = 0;

#ifdef RCUSLOT_CF_OK
	RCUSLOT_READ_SCOPE({ n = cfg_slot_dereference(s) != NULL; })
#else
	/* clang-format off */
	RCU_SLOT_READ_SCOPE() {
		n = cfg_slot_dereference(s) != NULL;
	}
	/* clang-format on */
#endif
	return n;
}
