/* SPDX-License-Identifier: MIT */
/* A liburcu flavor header of one flavor, rcuslot set to another: an error. */
/* expect-error: a liburcu flavor header other than RCUSLOT_FLAVOR's is included */
#include <urcu/urcu-qsbr.h>

#undef RCUSLOT_FLAVOR
#ifdef RCUSLOT_CF_OK
#define RCUSLOT_FLAVOR qsbr
#else
#define RCUSLOT_FLAVOR memb
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return RCUSLOT_READ_ONGOING_TRACKS_LOCK;
}
