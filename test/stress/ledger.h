/* SPDX-License-Identifier: MIT */
/* The stress program's per-object allocation ledger (see ledger.c). */
#ifndef RCUSLOT_STRESS_LEDGER_H
#define RCUSLOT_STRESS_LEDGER_H

#include <stdbool.h>
#include <stdint.h>

/* A fresh id, recorded live. Thread-safe, as are the others. */
uint64_t ledger_alloc(void);
/* Record id freed; false if it was not live (freed before, or never handed out). */
bool ledger_free(uint64_t id);
/* Ids live now. */
long ledger_live(void);
/* Ids handed out so far. */
uint64_t ledger_ids(void);
/* Up to max live ids, lowest first, for a leak report; returns how many. */
int ledger_list_live(uint64_t *out, int max);

#endif
