/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/rcuslot.h
 * @brief The one header users include: typed RCU-protected pointers over
 *        liburcu.
 *
 * Select the liburcu flavor with `RCUSLOT_FLAVOR` before including it
 * (default memb, see rcuslot/flavor.h); define `_LGPL_SOURCE` for liburcu's
 * inlined fast paths, exactly as with liburcu itself.
 */
#ifndef RCUSLOT_RCUSLOT_H
#define RCUSLOT_RCUSLOT_H

#include <rcuslot/version.h>
#include <rcuslot/compiler.h>
#include <rcuslot/core.h>
#include <rcuslot/flavor.h>
#include <rcuslot/rcu.h>
#include <rcuslot/guard.h>
#include <rcuslot/reclaim.h>
#include <rcuslot/batch.h>
#include <rcuslot/fork.h>
#include <rcuslot/slot.h>
#include <rcuslot/map.h>
#include <rcuslot/ref.h>
#include <rcuslot/list.h>
#include <rcuslot/tree.h>

#endif /* RCUSLOT_RCUSLOT_H */
