/* SPDX-License-Identifier: MIT */
/*
 * A liburcu flavor header of another flavor included, and no default flavor
 * chosen: an error, lest the unit take memb for the flavor it meant. Choosing
 * the default makes the other header a named flavor (RCU_SLOT_DEFINE_FLAVOR).
 */
/* expect-error: a liburcu flavor header other than memb's is included but RCUSLOT_FLAVOR is not defined */
#include <urcu/urcu-qsbr.h>

#undef RCUSLOT_FLAVOR
#ifdef RCUSLOT_CF_OK
#define RCUSLOT_FLAVOR memb
#endif
#include <rcuslot/rcuslot.h>

int f(void);
int f(void)
{
	return RCUSLOT_READ_ONGOING_TRACKS_LOCK;
}
