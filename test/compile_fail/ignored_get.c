/* SPDX-License-Identifier: MIT */
/* A reference name_get takes must not be dropped on the floor (it would leak). */
/* expect-error-gcc: ignoring return value of 'conn_ref_get' */
/* expect-error-clang: ignoring return value of function declared with 'warn_unused_result' attribute */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct conn {
	struct rcuslot_ref ref;
	int fd;
};

static inline void conn_free(struct conn *c)
{
	free(c);
}

RCU_SLOT_DEFINE_REF(conn_ref, struct conn, ref, conn_free);

int use(struct conn_ref *slot);
int use(struct conn_ref *slot)
{
#ifdef RCUSLOT_CF_OK
	const struct conn *c = conn_ref_get(slot);
	int fd = c ? c->fd : -1;

	conn_ref_put(c);
	return fd;
#else
	conn_ref_get(slot);
	return 0;
#endif
}
