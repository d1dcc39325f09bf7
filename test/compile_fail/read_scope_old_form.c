/* SPDX-License-Identifier: MIT */
/*
 * RCUSLOT_READ_SCOPE takes its block as its argument: the old form, a
 * one-pass loop that took break and continue for itself, is refused.
 */
/* expect-error: RCUSLOT_READ_SCOPE: write the section as the argument */
#include "cf.h"

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
	int n = 0;

#ifdef RCUSLOT_CF_OK
	RCUSLOT_READ_SCOPE({ n = cfg_slot_dereference(s) != NULL; })
#else
	/* The old form, as its users wrote it. */
	/* clang-format off */
	RCUSLOT_READ_SCOPE() {
		n = cfg_slot_dereference(s) != NULL;
	}
	/* clang-format on */
#endif
	return n;
}
