/* SPDX-License-Identifier: MIT */
/* route_map's key is a uint32_t: a pointer to a wider key is refused. */
/* expect-error-gcc: passing argument 2 of 'route_map_find' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'uint64_t \*' .* to parameter of type 'route_map_priv_karg' */
#include "map_cf.h"

uint32_t f(struct route_map *m);
uint32_t f(struct route_map *m)
{
	const struct route *r;
#ifdef RCUSLOT_CF_OK
	uint32_t dst = 7;
#else
	uint64_t dst = 7;
#endif

	rcuslot_read_lock();
	r = route_map_find(m, &dst);
	rcuslot_read_unlock();
	return r ? 1 : 0;
}
