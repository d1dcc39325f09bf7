/* SPDX-License-Identifier: MIT */
/* Dropping the old handle upsert returns leaks the object it replaced. */
/* expect-error-gcc: ignoring return value of 'route_map_upsert' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include "map_cf.h"

void f(struct route_map *m, struct route *r);
void f(struct route_map *m, struct route *r)
{
#ifdef RCUSLOT_CF_OK
	struct route_map_old old = route_map_upsert(m, r);

	route_map_old_defer(&old);
#else
	route_map_upsert(m, r);
#endif
}
