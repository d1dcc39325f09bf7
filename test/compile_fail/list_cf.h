/* SPDX-License-Identifier: MIT */
/* What the list compile-fail cases share: two list types over two entry types. */
#ifndef RCUSLOT_TEST_LIST_CF_H
#define RCUSLOT_TEST_LIST_CF_H

#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct hook {
	int prio;
	struct rcuslot_list_node node;
};
struct rule {
	long id;
	struct rcuslot_list_node link;
};

static inline void hook_free(struct hook *h) { free(h); }
static inline void rule_free(struct rule *r) { free(r); }

RCU_LIST_DEFINE(hook_list, struct hook, node, hook_free);
RCU_LIST_DEFINE(rule_list, struct rule, link, rule_free);

#endif
