/* SPDX-License-Identifier: MIT */
/*
 * Compiled (not run) by `scons check`: the prototypes that rcuslot/map.h's
 * contracts document (as build/doc/gen/map_api.h) for the placeholder
 * instantiation must be the functions
 * RCU_MAP_DEFINE(MAP, ENTRY, node, key, free_fn) really generates. Each
 * one redeclares a generated static function, so any difference in a
 * parameter or return type is a "conflicting types" error.
 */
#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

typedef uint32_t KEY;

struct ENTRY {
	KEY key;
	struct rcuslot_map_node node;
};
typedef struct ENTRY ENTRY;

static void ENTRY_free(ENTRY *obj)
{
	free(obj);
}

RCU_MAP_DEFINE(MAP, ENTRY, node, key, ENTRY_free);

#define RCUSLOT_DOC_SIGNATURES
#include "map_api.h"
