/* SPDX-License-Identifier: MIT */
/*
 * What the ordered-map compile-fail cases share: two integer trees over one
 * object type (by start, by asn) and a string tree over another.
 */
#ifndef RCUSLOT_TEST_TREE_CF_H
#define RCUSLOT_TEST_TREE_CF_H

#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

struct range {
	uint32_t start;
	uint32_t end, asn;
};
struct host {
	const char *name;
	int id;
};

static inline void range_free(struct range *r)
{
	free(r);
}
static inline void host_free(struct host *h)
{
	free(h);
}

RCU_TREE_DEFINE(range_tree, struct range, start, range_free);
RCU_TREE_DEFINE(asn_tree, struct range, asn, range_free);
RCU_TREE_DEFINE_STRING(host_tree, struct host, name, host_free);

#endif
