/* SPDX-License-Identifier: MIT */
/*
 * Compiled (not run) by `scons check`: the prototypes that rcuslot/slot.h's
 * contracts document (as build/doc/gen/slot_api.h) for the placeholder
 * instantiation must be the functions RCU_SLOT_DEFINE(NAME, TYPE, free_fn)
 * really generates. Each one redeclares a generated static function, so any
 * difference in a parameter or return type is a "conflicting types" error.
 *
 * Compiled twice: as is, and with RCUSLOT_DOC_HEAD for
 * RCU_SLOT_DEFINE_HEAD(NAME, TYPE, head, free_fn), whose API the same
 * pages document; and with RCUSLOT_DOC_REF for
 * RCU_SLOT_DEFINE_REF(NAME, TYPE, ref, free_fn), which must generate the
 * same API plus the functions rcuslot/ref.h's contracts document.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct TYPE {
	int value;
#ifdef RCUSLOT_DOC_HEAD
	struct rcu_head head;
#endif
#ifdef RCUSLOT_DOC_REF
	struct rcuslot_ref ref;
#endif
};
typedef struct TYPE TYPE;

static void TYPE_free(TYPE *obj)
{
	free(obj);
}

#if defined(RCUSLOT_DOC_HEAD)
RCU_SLOT_DEFINE_HEAD(NAME, TYPE, head, TYPE_free);
#elif defined(RCUSLOT_DOC_REF)
RCU_SLOT_DEFINE_REF(NAME, TYPE, ref, TYPE_free);
#else
RCU_SLOT_DEFINE(NAME, TYPE, TYPE_free);
#endif

#define RCUSLOT_DOC_SIGNATURES
#include "slot_api.h"
#ifdef RCUSLOT_DOC_REF
#include "ref_api.h"
#endif
