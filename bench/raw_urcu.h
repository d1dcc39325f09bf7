/* SPDX-License-Identifier: MIT */
/*
 * raw_urcu.h: include liburcu the way a program that uses it directly does,
 * with its unprefixed API (rcu_read_lock, call_rcu, synchronize_rcu, ...).
 *
 * The build passes the flavor as RCUSLOT_FLAVOR (memb, qsbr, mb, bp,
 * signal), as for the rcuslot translation units, so that both halves of a
 * comparison always use the same flavor. Nothing here includes rcuslot:
 * the "raw" code must not share a single line with the kit.
 */
#ifndef BENCH_RAW_URCU_H
#define BENCH_RAW_URCU_H

#define BENCH_RAW_CAT2(a, b) a##b
#define BENCH_RAW_CAT(a, b) BENCH_RAW_CAT2(a, b)
#define BENCH_RAW_STR2(x) #x
#define BENCH_RAW_STR(x) BENCH_RAW_STR2(x)

#define BENCH_RAW_ID_memb 1
#define BENCH_RAW_ID_qsbr 2
#define BENCH_RAW_ID_mb 3
#define BENCH_RAW_ID_bp 4
#define BENCH_RAW_ID_signal 5
#define BENCH_RAW_ID BENCH_RAW_CAT(BENCH_RAW_ID_, RCUSLOT_FLAVOR)
#define BENCH_RAW_FLAVOR_NAME BENCH_RAW_STR(RCUSLOT_FLAVOR)

#if BENCH_RAW_ID == 1
#define RCU_MEMBARRIER
#include <urcu.h>
#elif BENCH_RAW_ID == 2
#include <urcu-qsbr.h>
#elif BENCH_RAW_ID == 3
#define RCU_MB
#include <urcu.h>
#elif BENCH_RAW_ID == 4
#include <urcu-bp.h>
#elif BENCH_RAW_ID == 5
#define RCU_SIGNAL
#include <urcu.h>
#else
#error "bench: RCUSLOT_FLAVOR must be one of memb, qsbr, mb, bp, signal"
#endif

/* Only qsbr has quiescent states and offline periods. */
#if BENCH_RAW_ID == 2
#define BENCH_RAW_QUIESCENT() rcu_quiescent_state()
#define BENCH_RAW_OFFLINE() rcu_thread_offline()
#define BENCH_RAW_ONLINE() rcu_thread_online()
#else
#define BENCH_RAW_QUIESCENT() ((void)0)
#define BENCH_RAW_OFFLINE() ((void)0)
#define BENCH_RAW_ONLINE() ((void)0)
#endif

#endif /* BENCH_RAW_URCU_H */
