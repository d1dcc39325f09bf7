/* SPDX-License-Identifier: MIT */
/* A string-keyed map is looked up by a string, not by a number. */
/* expect-error-gcc: passing argument 2 of 'user_map_find' makes pointer from integer without a cast */
/* expect-error-clang: incompatible integer to pointer conversion passing 'int' to parameter of type 'user_map_priv_karg' */
#include "map_cf.h"

int f(struct user_map *m, int uid);
int f(struct user_map *m, int uid)
{
	const struct user *u;

	rcuslot_read_lock();
#ifdef RCUSLOT_CF_OK
	(void)uid;
	u = user_map_find(m, "alice");
#else
	u = user_map_find(m, uid);
#endif
	rcuslot_read_unlock();
	return u ? u->uid : -1;
}
