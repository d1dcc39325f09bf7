/* SPDX-License-Identifier: MIT */
/* The qsbr unit's functions, for the memb program (flavors.c). */
#ifndef SCENARIO_FLAVORS_H
#define SCENARIO_FLAVORS_H

void qsbr_unit_register(void);
void qsbr_unit_unregister(void);
long qsbr_unit_bump(void);
void qsbr_unit_destroy(void);

#endif
