/* SPDX-License-Identifier: MIT */
/*
 * Compiled (not run) by `scons check`: the prototypes that rcuslot/tree.h's
 * contracts document (as build/doc/gen/tree_api.h) for the placeholder
 * instantiation must be the functions
 * RCU_TREE_DEFINE(TREE, ENTRY, key, free_fn) really generates. Each one
 * redeclares a generated static function (or typedef), so any difference
 * in a parameter or return type is a "conflicting types" error.
 */
#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct ENTRY {
	uint64_t key;
	long value;
};
typedef struct ENTRY ENTRY;

static void ENTRY_free(ENTRY *obj)
{
	free(obj);
}

RCU_TREE_DEFINE(TREE, ENTRY, key, ENTRY_free);

#define RCUSLOT_DOC_SIGNATURES
#include "tree_api.h"
