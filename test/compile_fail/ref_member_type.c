/* SPDX-License-Identifier: MIT */
/* RCU_SLOT_DEFINE_REF's member must be the object's struct rcuslot_ref. */
/* expect-error: RCU_SLOT_DEFINE_REF\(conn_ref\): refs must be a struct rcuslot_ref */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct conn {
	long refs; /* a counter of its own: not the kit's */
	struct rcuslot_ref ref;
};

static inline void conn_free(struct conn *c)
{
	free(c);
}

#ifdef RCUSLOT_CF_OK
RCU_SLOT_DEFINE_REF(conn_ref, struct conn, ref, conn_free);
#else
RCU_SLOT_DEFINE_REF(conn_ref, struct conn, refs, conn_free);
#endif
