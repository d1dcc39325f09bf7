/* SPDX-License-Identifier: MIT */
/* A slot's static initializer is RCU_SLOT_INITIALIZER(ptr), not a list's. */
/* expect-error-gcc: 'struct cfg_slot' has no member named 'rcuslot_priv_list' */
/* expect-error-clang: no member named 'rcuslot_priv_list' in 'struct cfg_slot' */
#include "cf.h"

#ifdef RCUSLOT_CF_OK
static struct cfg_slot cfg = RCU_SLOT_INITIALIZER(NULL);
#else
static struct cfg_slot cfg = RCU_LIST_INITIALIZER(cfg);
#endif

int cfg_set(void);
int cfg_set(void)
{
	return cfg_slot_dereference_protected(&cfg) != NULL;
}
