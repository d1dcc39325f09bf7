/* SPDX-License-Identifier: MIT */
/*
 * Stand-ins for the perturbed loop of icount_slot.c in the configurations
 * that do not run the self-test (one configuration is enough to show that
 * the comparison can fail; compiling it everywhere would only cost time).
 */
#include <stdlib.h>

#include "icount.h"

void icount_slot_setup_perturbed(long nupdates)
{
	(void)nupdates;
}

long icount_read_slot_perturbed(long n)
{
	(void)n;
	abort();
}

void icount_slot_teardown_perturbed(void)
{
}
