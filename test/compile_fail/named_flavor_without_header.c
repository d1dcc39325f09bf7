/* SPDX-License-Identifier: MIT */
/* A slot bound to a named flavor whose liburcu header the unit did not include. */
/* expect-error-gcc: 'urcu_qsbr_synchronize_rcu' undeclared */
/* expect-error-clang: use of undeclared identifier 'urcu_qsbr_synchronize_rcu' */
#ifdef RCUSLOT_CF_OK
#include <urcu/urcu-qsbr.h>
#endif
#include "cf.h"

RCU_SLOT_DEFINE_FLAVOR(qcfg_slot, struct config, config_free, qsbr);
