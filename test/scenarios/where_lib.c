/* SPDX-License-Identifier: MIT */
/* The shared-object half of where.c. */
#include "cfg.h"

static struct cfg_slot slot;

__attribute__((visibility("default"))) void where_lib_misuse(void)
{
	cfg_slot_init(&slot, cfg_new(1));
	(void)cfg_slot_dereference(&slot); /* WHERE_LIB */
}
