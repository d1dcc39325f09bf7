/* SPDX-License-Identifier: MIT */
/* A counted slot bound to a named flavor whose liburcu header the unit did not include. */
/* expect-error-gcc: 'urcu_qsbr_synchronize_rcu' undeclared */
/* expect-error-clang: use of undeclared identifier 'urcu_qsbr_synchronize_rcu' */
#ifdef RCUSLOT_CF_OK
#include <urcu/urcu-qsbr.h>
#endif
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

RCU_SLOT_DEFINE_REF_FLAVOR(conn_ref, struct conn, ref, conn_free, qsbr);
