/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/flavor.h
 * @brief The one place that maps rcuslot onto a liburcu flavor.
 *
 * A program selects its flavor with the `RCUSLOT_FLAVOR` macro, defined
 * before the first rcuslot include (or on the command line, as the
 * `rcuslot-<flavor>` pkg-config files do):
 *
 * | RCUSLOT_FLAVOR | liburcu header       | link with        |
 * |----------------|----------------------|------------------|
 * | memb (default) | `<urcu/urcu-memb.h>` | `-lurcu-memb`    |
 * | qsbr           | `<urcu/urcu-qsbr.h>` | `-lurcu-qsbr`    |
 * | mb             | `<urcu/urcu-mb.h>`   | `-lurcu-mb`      |
 * | bp             | `<urcu/urcu-bp.h>`   | `-lurcu-bp`      |
 * | signal         | `<urcu/urcu-signal.h>` | `-lurcu-signal` |
 *
 * Everything flavor-specific the kit calls goes through
 * RCUSLOT_PRIV_URCU(op), which pastes the flavor's prefix (`urcu_memb_`)
 * onto a liburcu operation name. liburcu's prefixed names map to the inline
 * fast paths when the user defines `_LGPL_SOURCE` and to library calls
 * otherwise; the kit never defines `_LGPL_SOURCE` itself.
 */
#ifndef RCUSLOT_FLAVOR_H
#define RCUSLOT_FLAVOR_H

#include <rcuslot/compiler.h>

/** @cond RCUSLOT_INTERNAL */

/* Each flavor's number; an unknown RCUSLOT_FLAVOR pastes to 0. */
#define RCUSLOT_PRIV_FLAVOR_ID_memb 1
#define RCUSLOT_PRIV_FLAVOR_ID_qsbr 2
#define RCUSLOT_PRIV_FLAVOR_ID_mb 3
#define RCUSLOT_PRIV_FLAVOR_ID_bp 4
#define RCUSLOT_PRIV_FLAVOR_ID_signal 5

#ifndef RCUSLOT_FLAVOR
#define RCUSLOT_FLAVOR memb
#endif

#define RCUSLOT_PRIV_FLAVOR_ID RCUSLOT_PRIV_CAT(RCUSLOT_PRIV_FLAVOR_ID_, RCUSLOT_FLAVOR)

#if RCUSLOT_PRIV_FLAVOR_ID == 1
#include <urcu/urcu-memb.h>
#define RCUSLOT_PRIV_URCU_PREFIX urcu_memb_
#elif RCUSLOT_PRIV_FLAVOR_ID == 2
#include <urcu/urcu-qsbr.h>
#define RCUSLOT_PRIV_URCU_PREFIX urcu_qsbr_
#elif RCUSLOT_PRIV_FLAVOR_ID == 3
#include <urcu/urcu-mb.h>
#define RCUSLOT_PRIV_URCU_PREFIX urcu_mb_
#elif RCUSLOT_PRIV_FLAVOR_ID == 4
#include <urcu/urcu-bp.h>
#define RCUSLOT_PRIV_URCU_PREFIX urcu_bp_
#elif RCUSLOT_PRIV_FLAVOR_ID == 5
#include <urcu/urcu-signal.h>
#define RCUSLOT_PRIV_URCU_PREFIX urcu_signal_
#else
#error "rcuslot: unknown RCUSLOT_FLAVOR; valid flavors are memb, qsbr, mb, bp, signal"
#endif

/* A flavor header the user included must be the selected one. */
#if (defined(_URCU_MEMB_H) && RCUSLOT_PRIV_FLAVOR_ID != 1) || \
    (defined(_URCU_QSBR_H) && RCUSLOT_PRIV_FLAVOR_ID != 2) || \
    (defined(_URCU_MB_H) && RCUSLOT_PRIV_FLAVOR_ID != 3) || \
    (defined(_URCU_BP_H) && RCUSLOT_PRIV_FLAVOR_ID != 4) || \
    (defined(_URCU_SIGNAL_H) && RCUSLOT_PRIV_FLAVOR_ID != 5)
#error "rcuslot: a liburcu flavor header other than RCUSLOT_FLAVOR's is included; define RCUSLOT_FLAVOR to one of memb, qsbr, mb, bp, signal to match it"
#endif

#include <urcu/pointer.h>

/* urcu_memb_read_lock, urcu_qsbr_synchronize_rcu, ... */
#define RCUSLOT_PRIV_URCU(op) RCUSLOT_PRIV_CAT(RCUSLOT_PRIV_URCU_PREFIX, op)

/* Flavors whose readers must register before their first read lock. */
#define RCUSLOT_PRIV_NEEDS_REGISTER (RCUSLOT_PRIV_FLAVOR_ID != 4)
/* qsbr: read_ongoing() means "online", not "inside a read lock". */
#define RCUSLOT_PRIV_IS_QSBR (RCUSLOT_PRIV_FLAVOR_ID == 2)

/** @endcond */

/** @addtogroup rcuslot_flavor
 * @{
 */
/** Name of the selected liburcu flavor, e.g. "memb". */
#define RCUSLOT_FLAVOR_NAME RCUSLOT_PRIV_STR(RCUSLOT_FLAVOR)
/** @} */

#endif /* RCUSLOT_FLAVOR_H */
