/* SPDX-License-Identifier: MIT */
/*
 * Stand-ins for list_icount_rcuslot.c's perturbed build, in the builds that
 * do not run the self-test (only memb/lgpl does).
 */
#include <stdlib.h>

#include "list_icount.h"

void list_icount_rcuslot_setup_perturbed(void)
{
}

long list_icount_walk_rcuslot_perturbed(long n)
{
	(void)n;
	abort(); /* the check never asks for it in these builds */
}

void list_icount_rcuslot_teardown_perturbed(void)
{
}
