/* SPDX-License-Identifier: MIT */
/*
 * A misuse whose report must name this file and line, however the program
 * is built (run.py: -g alone, PIE or not, no _GNU_SOURCE; or without -g):
 * `where main` misuses here, `where lib` in a shared object (where_lib.c).
 */
#include <string.h>

#include "cfg.h"

void where_lib_misuse(void);

static struct cfg_slot slot;

int main(int argc, char **argv)
{
	rcuslot_register_thread();
	cfg_slot_init(&slot, cfg_new(1));
	if (argc > 1 && !strcmp(argv[1], "lib"))
		where_lib_misuse();
	else
		(void)cfg_slot_dereference(&slot); /* WHERE_MAIN */
	return 0;
}
