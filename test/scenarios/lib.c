/* SPDX-License-Identifier: MIT */
/*
 * One side of a program whose units are built differently (run.py builds it
 * with and without RCUSLOT_DEBUG, as an object or in a shared object built
 * with -fvisibility=hidden).
 */
#include "cfg.h"

#define API __attribute__((visibility("default")))

API struct cfg_slot lib_slot;

API void lib_init(void)
{
	cfg_slot_init(&lib_slot, cfg_new(1));
}

API int lib_read(void)
{
	const struct cfg *c = cfg_slot_dereference(&lib_slot); /* LIB_DEREF */

	return c ? c->a : -1;
}

API struct cfg_slot_old lib_replace(int a)
{
	return cfg_slot_replace(&lib_slot, cfg_new(a));
}

API void lib_free(struct cfg_slot_old *old)
{
	cfg_slot_old_free(old); /* LIB_FREE */
}

API void lib_read_locked(int (*fn)(void))
{
	rcuslot_read_lock();
	fn();
	rcuslot_read_unlock();
}
