/* SPDX-License-Identifier: MIT */
/* Ignoring copy_update's status hides a failed update. */
/* expect-error-gcc: ignoring return value of 'cfg_slot_copy_update' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "cf.h"

int f(struct cfg_slot *s, cfg_slot_copy_fn *copy);
int f(struct cfg_slot *s, cfg_slot_copy_fn *copy)
{
	struct cfg_slot_old old;
#ifdef RCUSLOT_CF_OK
	int err = cfg_slot_copy_update(s, copy, NULL, &old);

	if (err)
		return err;
#else
	cfg_slot_copy_update(s, copy, NULL, &old);
#endif
	cfg_slot_old_defer(&old);
	return 0;
}
