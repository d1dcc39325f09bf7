// SPDX-License-Identifier: MIT
//
// treebench: libcds's RCU ordered maps (Debian's libcds-dev), the C++
// peers: SkipListMap and BronsonAVLTreeMap over libcds's own user-space
// RCU, general_buffered (the type libcds's documentation suggests for most
// uses: readers mark a per-thread counter, retired nodes wait in a buffer
// for a batch grace period). Neither map offers a ceil or a seek, so they
// run point lookups only. Their values live in their nodes (no object of
// the program's): an update changes the value in place under the map's
// update(), which libcds calls on the node found; a reader reads it with
// find(), which takes the RCU read lock itself (BronsonAVLTreeMap's also
// locks the node it found, as libcds documents).
#include <atomic>
#include <cstdlib>
#include <functional>
#include <utility>

#include <cds/init.h>
#include <cds/urcu/general_buffered.h>
#include <cds/container/bronson_avltree_map_rcu.h>
#include <cds/container/skip_list_map_rcu.h>

#include "treebench.h"

namespace {

typedef cds::urcu::gc<cds::urcu::general_buffered<>> rcu_gpb;

// The value: written by the updater while readers read it, so atomic;
// copyable for the maps' constructors.
struct value {
	std::atomic<uint64_t> v;

	value() : v(0)
	{
	}
	value(const value &o) : v(o.v.load(std::memory_order_relaxed))
	{
	}
};

struct skip_traits : public cds::container::skip_list::traits {
	typedef std::less<uint64_t> less;
};
typedef cds::container::SkipListMap<rcu_gpb, uint64_t, value, skip_traits>
	skip_map;

struct avl_traits : public cds::container::bronson_avltree::traits {
	typedef std::less<uint64_t> less;
};
typedef cds::container::BronsonAVLTreeMap<rcu_gpb, uint64_t, value, avl_traits>
	avl_map;

rcu_gpb *rcu; // the process's RCU singleton, kept until exit
skip_map *skip;
avl_map *avl;

void online()
{
	cds::threading::Manager::attachThread();
}

void offline()
{
	cds::threading::Manager::detachThread();
}

void nothing()
{
}

void synchronize()
{
	rcu_gpb::synchronize();
}

template <typename Map> void create(Map *&m)
{
	cds::Initialize();
	rcu = new rcu_gpb();
	m = new Map();
}

// The map goes; libcds's RCU and thread records stay until the process,
// which measures one map, exits (the calling thread is still attached).
template <typename Map> void destroy(Map *&m)
{
	delete m;
	m = nullptr;
	rcu_gpb::synchronize();
}

void skip_prepare(size_t)
{
	create(skip);
}

void skip_build(const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!skip->insert_with(
			    keys[i], [&](skip_map::value_type &item) {
				    item.second.v.store(
					    keys[i], std::memory_order_relaxed);
			    }))
			abort();
}

uint64_t skip_lookup(uint64_t key)
{
	uint64_t v = UINT64_MAX;

	skip->find(key, [&](skip_map::value_type &item) {
		v = item.second.v.load(std::memory_order_relaxed);
	});
	return v;
}

void skip_update(uint64_t key)
{
	skip->update(
		key,
		[&](bool, skip_map::value_type &item) {
			item.second.v.store(key, std::memory_order_relaxed);
		},
		false);
}

void skip_teardown()
{
	destroy(skip);
}

void avl_prepare(size_t)
{
	create(avl);
}

void avl_build(const uint64_t *keys, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!avl->insert_with(keys[i], [&](uint64_t, value &item) {
			    item.v.store(keys[i], std::memory_order_relaxed);
		    }))
			abort();
}

uint64_t avl_lookup(uint64_t key)
{
	uint64_t v = UINT64_MAX;

	avl->find(key, [&](uint64_t, value &item) {
		v = item.v.load(std::memory_order_relaxed);
	});
	return v;
}

void avl_update(uint64_t key)
{
	avl->update(
		key,
		[&](bool, uint64_t, value &item) {
			item.v.store(key, std::memory_order_relaxed);
		},
		false);
}

void avl_teardown()
{
	destroy(avl);
}

tree_impl make(const char *name, const char *what, void (*prepare)(size_t),
	       void (*build)(const uint64_t *, size_t),
	       uint64_t (*lookup)(uint64_t), void (*update)(uint64_t),
	       void (*teardown)())
{
	tree_impl m = {};

	m.name = name;
	m.what = what;
	m.prepare = prepare;
	m.build = build;
	m.lookup = lookup;
	m.update = update;
	m.teardown = teardown;
	m.thread_online = online;
	m.thread_offline = offline;
	m.quiescent = nothing;
	m.barrier = synchronize;
	return m;
}

} // namespace

extern "C" {

const tree_impl treebench_cds_skiplist =
	make("cds-skiplist",
	     "libcds SkipListMap<general_buffered RCU> (point lookups only): "
	     "find, update in place",
	     skip_prepare, skip_build, skip_lookup, skip_update, skip_teardown);

const tree_impl treebench_cds_avl =
	make("cds-avl",
	     "libcds BronsonAVLTreeMap<general_buffered RCU> (point lookups "
	     "only): find, update in "
	     "place",
	     avl_prepare, avl_build, avl_lookup, avl_update, avl_teardown);
}
