/* SPDX-License-Identifier: MIT */
/* A map of struct route does not take a struct user. */
/* expect-error-gcc: passing argument 2 of 'route_map_insert' from incompatible pointer type */
/* expect-error-clang: incompatible pointer types passing 'struct user \*' to parameter of type 'struct route \*' */
#include "map_cf.h"

int f(struct route_map *m, struct route *r, struct user *u);
int f(struct route_map *m, struct route *r, struct user *u)
{
#ifdef RCUSLOT_CF_OK
	(void)u;
	return route_map_insert(m, r);
#else
	(void)r;
	return route_map_insert(m, u);
#endif
}
