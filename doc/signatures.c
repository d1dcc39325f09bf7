/* SPDX-License-Identifier: MIT */
/*
 * Compiled (not run) by `scons check`: the prototypes that doc/slot_api.h
 * documents for the placeholder instantiation must be the functions
 * RCU_SLOT_DEFINE(NAME, TYPE, free_fn) really generates. Each one
 * redeclares a generated static function, so any difference in a parameter
 * or return type is a "conflicting types" error.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct TYPE {
	int value;
};
typedef struct TYPE TYPE;

static void TYPE_free(TYPE *obj)
{
	free(obj);
}

RCU_SLOT_DEFINE(NAME, TYPE, TYPE_free);

#define RCUSLOT_DOC_SIGNATURES
#include "slot_api.h"
