/* SPDX-License-Identifier: MIT */
/* The shared-object half of settings.c. */
#include "cfg.h"

#define API __attribute__((visibility("default")))

static struct cfg_slot slot;

API void settings_lib_work(int n)
{
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

	cfg_slot_init(&slot, cfg_new(0));
	for (int i = 1; i <= n; i++) {
		struct cfg_slot_old old = cfg_slot_replace(&slot, cfg_new(i));

		if (i % 3)
			cfg_slot_old_defer(&old);
		else
			cfg_slot_batch_add(&batch, &old);
	}
	rcuslot_batch_free(&batch);
	cfg_slot_destroy(&slot);
}

API long settings_lib_pending(void)
{
	return rcuslot_defer_pending();
}
