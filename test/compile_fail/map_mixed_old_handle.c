/* SPDX-License-Identifier: MIT */
/* Map A's old handle cannot be retired by map B's functions. */
/* expect-error-gcc: passing argument 1 of 'user_map_old_free' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct route_map_old \*' to parameter of type 'struct user_map_old \*' */
#include "map_cf.h"

void f(struct route_map *m);
void f(struct route_map *m)
{
	uint32_t dst = 1;
	struct route_map_old old = route_map_remove(m, &dst);

#ifdef RCUSLOT_CF_OK
	route_map_old_free(&old);
#else
	user_map_old_free(&old);
#endif
}
