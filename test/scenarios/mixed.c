/* SPDX-License-Identifier: MIT */
/*
 * The program side of the mixed-build scenarios (run.py): `mixed CASE`
 * runs one case and exits 0, or is stopped by a check's abort.
 */
#include <stdio.h>
#include <string.h>

#include "cfg.h"

static struct cfg_slot main_slot;

static int main_read(void)
{
	const struct cfg *c = cfg_slot_dereference(&main_slot); /* MAIN_DEREF */

	return c ? c->a : -1;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";

	rcuslot_register_thread();
	lib_init();
	cfg_slot_init(&main_slot, cfg_new(2));
	if (!strcmp(what, "lib-inside")) {
		/* This unit locks, the other dereferences. */
		rcuslot_read_lock();
		printf("read %d\n", lib_read());
		rcuslot_read_unlock();
	} else if (!strcmp(what, "lib-outside")) {
		printf("read %d\n", lib_read());
	} else if (!strcmp(what, "main-inside")) {
		/* The other unit locks, this one dereferences. */
		lib_read_locked(main_read);
		printf("read ok\n");
	} else if (!strcmp(what, "main-outside")) {
		printf("read %d\n", main_read());
	} else if (!strcmp(what, "handle-across")) {
		/* A handle created here, consumed there; and the other way. */
		struct cfg_slot_old here =
			cfg_slot_replace(&lib_slot, cfg_new(3));
		struct cfg_slot_old there;

		lib_free(&here);
		there = lib_replace(4);
		cfg_slot_old_free(&there);
		printf("handles ok\n");
	} else if (!strcmp(what, "handle-twice")) {
		/* Created there, consumed here, then a copy consumed there. */
		struct cfg_slot_old there = lib_replace(5), copy = there;

		cfg_slot_old_free(&there);
		lib_free(&copy);
		printf("not caught\n");
	} else {
		fprintf(stderr, "mixed: unknown case %s\n", what);
		return 2;
	}
	cfg_slot_destroy(&main_slot);
	cfg_slot_destroy(&lib_slot);
	rcuslot_unregister_thread();
	return 0;
}
