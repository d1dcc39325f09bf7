/* SPDX-License-Identifier: MIT */
/*
 * A map has no static initializer of its own (its table is allocated by
 * name_init); a slot's given to one is refused, not left to crash at the
 * first insert.
 */
/* expect-error-gcc: 'struct route_map' has no member named 'rcuslot_priv_ptr' */
/* expect-error-clang: field designator 'rcuslot_priv_ptr' does not refer to any field in type 'struct route_map' */
#include "map_cf.h"

int f(void);
int f(void)
{
#ifdef RCUSLOT_CF_OK
	struct route_map m;

	if (route_map_init(&m, 0) != 0)
		return -1;
#else
	struct route_map m = RCU_SLOT_INITIALIZER(NULL);
#endif
	route_map_destroy(&m);
	return 0;
}
