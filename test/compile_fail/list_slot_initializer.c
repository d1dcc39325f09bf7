/* SPDX-License-Identifier: MIT */
/* A list's static initializer is RCU_LIST_INITIALIZER(var), not a slot's. */
/* expect-error-gcc: has no member named 'rcuslot_priv_ptr' */
/* expect-error-clang: field designator 'rcuslot_priv_ptr' does not refer to any field */
#include "list_cf.h"

#ifdef RCUSLOT_CF_OK
static struct hook_list hooks = RCU_LIST_INITIALIZER(hooks);
#else
static struct hook_list hooks = RCU_SLOT_INITIALIZER(NULL);
#endif

int hooks_empty(void);
int hooks_empty(void)
{
	return hook_list_empty(&hooks);
}
