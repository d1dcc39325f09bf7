/* SPDX-License-Identifier: MIT */
/* A list's static initializer is RCU_LIST_INITIALIZER(var), not a slot's. */
/* expect-error-gcc: has no member named 'rcuslot_priv_ptr' */
/* expect-error-clang: field designator 'rcuslot_priv_ptr' does not refer to any field */
#include "list_cf.h"

#ifdef RCUSLOT_CF_OK
struct hook_list hooks = RCU_LIST_INITIALIZER(hooks);
#else
struct hook_list hooks = RCU_SLOT_INITIALIZER(NULL);
#endif
