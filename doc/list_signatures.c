/* SPDX-License-Identifier: MIT */
/*
 * Compiled (not run) by `scons check`: the prototypes that rcuslot/list.h's
 * contracts document (as build/doc/gen/list_api.h) for the placeholder
 * instantiation must be the functions
 * RCU_LIST_DEFINE(LIST, ENTRY, node, free_fn) really generates. Each one
 * redeclares a generated static function, so any difference in a
 * parameter or return type is a "conflicting types" error.
 */
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct ENTRY {
	int value;
	struct rcuslot_list_node node;
};
typedef struct ENTRY ENTRY;

static void ENTRY_free(ENTRY *obj)
{
	free(obj);
}

RCU_LIST_DEFINE(LIST, ENTRY, node, ENTRY_free);

#define RCUSLOT_DOC_SIGNATURES
#include "list_api.h"
