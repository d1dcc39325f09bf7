/* SPDX-License-Identifier: MIT */
/* A copy callback whose new_out is of another type is rejected. */
/* expect-error-gcc: passing argument 2 of 'cfg_slot_copy_update' from incompatible pointer type */
/* expect-error-clang: incompatible function pointer types passing */
#include "cf.h"

#ifdef RCUSLOT_CF_OK
static int copy(const struct config *old, struct config **new_out, void *arg)
#else
static int copy(const struct config *old, struct route **new_out, void *arg)
#endif
{
	(void)old;
	(void)arg;
	*new_out = NULL;
	return 0;
}

int f(struct cfg_slot *s);
int f(struct cfg_slot *s)
{
	struct cfg_slot_old old;
	int err = cfg_slot_copy_update(s, copy, NULL, &old);

	cfg_slot_old_defer(&old);
	return err;
}
