// SPDX-License-Identifier: MIT
//
// treeicount: libcds's SkipListMap and BronsonAVLTreeMap over its
// general_buffered RCU, looked up as treebench_cds.cc does it (find() with
// a functor that reads the value; find() takes the RCU read lock itself).
#include <atomic>
#include <cstdlib>
#include <functional>

#include <cds/init.h>
#include <cds/urcu/general_buffered.h>
#include <cds/container/bronson_avltree_map_rcu.h>
#include <cds/container/skip_list_map_rcu.h>

#include "treebench.h"
#include "treeicount.h"

namespace {

typedef cds::urcu::gc<cds::urcu::general_buffered<>> rcu_gpb;

struct skip_traits : public cds::container::skip_list::traits {
	typedef std::less<uint64_t> less;
};
typedef cds::container::SkipListMap<rcu_gpb, uint64_t, uint64_t, skip_traits>
	skip_map;

struct avl_traits : public cds::container::bronson_avltree::traits {
	typedef std::less<uint64_t> less;
};
typedef cds::container::BronsonAVLTreeMap<rcu_gpb, uint64_t, uint64_t,
					  avl_traits>
	avl_map;

skip_map *skip;
avl_map *avl;

void start()
{
	cds::Initialize();
	new rcu_gpb(); // the process's RCU singleton, kept until exit
	cds::threading::Manager::attachThread();
}

} // namespace

extern "C" {

void treeicount_skiplist_setup(void)
{
	start();
	skip = new skip_map();
	for (uint64_t i = 0; i < TREEICOUNT_KEYS; i++)
		if (!skip->insert(treebench_key(i), treebench_key(i)))
			abort();
}

long treeicount_find_skiplist(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++)
		skip->find(treeicount_probe[i % TREEICOUNT_PROBES],
			   [&](skip_map::value_type &item) {
				   sum += (long)item.second;
			   });
	return sum;
}

void treeicount_avl_setup(void)
{
	start();
	avl = new avl_map();
	for (uint64_t i = 0; i < TREEICOUNT_KEYS; i++)
		if (!avl->insert(treebench_key(i), treebench_key(i)))
			abort();
}

long treeicount_find_avl(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++)
		avl->find(treeicount_probe[i % TREEICOUNT_PROBES],
			  [&](uint64_t, uint64_t &v) { sum += (long)v; });
	return sum;
}
}
