/* SPDX-License-Identifier: MIT */
/* insert's -EEXIST leaves the object with the caller: it cannot be ignored. */
/* expect-error-gcc: ignoring return value of 'route_map_insert' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "map_cf.h"

void f(struct route_map *m, struct route *r);
void f(struct route_map *m, struct route *r)
{
#ifdef RCUSLOT_CF_OK
	if (route_map_insert(m, r) != 0)
		route_free(r);
#else
	route_map_insert(m, r);
#endif
}
