/* SPDX-License-Identifier: MIT */
/* Ignoring upsert's status misses a failure that left the object the caller's. */
/* expect-error-gcc: ignoring return value of 'route_map_upsert' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "map_cf.h"

void f(struct route_map *m, struct route *r);
void f(struct route_map *m, struct route *r)
{
#ifdef RCUSLOT_CF_OK
	struct route_map_old old;

	if (route_map_upsert(m, r, &old) == 0)
		route_map_old_defer(&old);
#else
	struct route_map_old old;

	route_map_upsert(m, r, &old);
#endif
}
