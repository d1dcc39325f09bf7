// SPDX-License-Identifier: MIT
//
// The RCU map from C++: RCU_MAP_DEFINE, RCU_MAP_DEFINE_STRING,
// RCU_MAP_DEFINE_CUSTOM and RCU_MAP_DEFINE_FLAVOR compile as C++17 and
// C++20 under g++ and clang++ (with -Wall -Wextra -Werror) and work: maps of
// class types in a namespace, an integer key, a char[N] key, a std::string
// key looked up by std::string_view, every update (copy_update through
// captureless lambdas), old handles retired every way, iteration with
// break, and readers looking keys up on std::threads while an updater
// replaces them.
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <check.h>

#include <rcuslot/rcuslot.h>

namespace app {

std::atomic<long> freed{ 0 };

struct route {
	uint32_t dst; // the key
	long metric;
	std::string via; // a non-trivial member: routes come from new
	rcuslot_map_node node;
};

void route_free(route *r)
{
	freed.fetch_add(1);
	delete r;
}

RCU_MAP_DEFINE(route_map, route, node, dst, route_free);
// The named-flavor generator, given the unit's own flavor by name.
RCU_MAP_DEFINE_FLAVOR(route_fmap, route, node, dst, route_free, memb);

struct user {
	char name[16]; // the key of user_map
	int uid;
	rcuslot_map_node node;
};

void user_free(user *u)
{
	freed.fetch_add(1);
	delete u;
}

RCU_MAP_DEFINE_STRING(user_map, user, node, name, user_free);

struct host {
	std::string name; // the key of host_map, looked up by string_view
	int port;
	rcuslot_map_node node;
};

void host_free(host *h)
{
	freed.fetch_add(1);
	delete h;
}

unsigned long host_hash(std::string_view s)
{
	return (unsigned long)std::hash<std::string_view>{}(s);
}

bool host_eq(std::string_view a, std::string_view b)
{
	return a == b;
}

RCU_MAP_DEFINE_CUSTOM(host_map, host, node, name, std::string_view, host_hash,
		      host_eq, host_free);

} // namespace app

using app::host;
using app::route;
using app::user;

static_assert(std::is_same<decltype(app::route_map_find(nullptr, nullptr)),
			   const route *>::value,
	      "a lookup gives a const object");
static_assert(std::is_same<app::route_map_key, uint32_t>::value,
	      "the key member's type");
static_assert(std::is_same<app::host_map_key, std::string_view>::value,
	      "the custom key type");
static_assert(sizeof(app::route_map) == sizeof(void *) + sizeof(uint64_t),
	      "a map is a pointer and its hash seed");
static_assert(sizeof(app::route_map_old) == sizeof(void *),
	      "an old handle is one pointer");
static_assert(std::is_same<app::route_map_copy_fn,
			   int(const route *, route **, void *)>::value,
	      "copy_update's callback type");

static void setup(void)
{
	rcuslot_register_thread();
	app::freed.store(0);
}

static void teardown(void)
{
	rcuslot_barrier();
	rcuslot_unregister_thread();
}

static route *route_new(uint32_t dst, long metric)
{
	return new route{ dst, metric, "gw" + std::to_string(dst), {} };
}

// The metric of the route to dst, or -1 (in a read-side section of its own).
static long metric_of(app::route_map *m, uint32_t dst)
{
	long metric = -1;

	RCUSLOT_READ_SCOPE({
		const route *r = app::route_map_find(m, &dst);

		if (r)
			metric = r->metric;
	})
	return metric;
}

START_TEST(test_map_init_insert_find)
{
	app::route_map m;

	ck_assert_int_eq(app::route_map_init(&m, RCUSLOT_MAP_EXPECTED_MAX + 1),
			 -EINVAL);
	ck_assert_int_eq(app::route_map_init(nullptr, 0), -EINVAL);
	ck_assert_int_eq(app::route_map_init(&m, 100), 0);
	for (uint32_t k = 0; k < 100; k++)
		ck_assert_int_eq(
			app::route_map_insert(&m, route_new(k, 10L * k)), 0);
	ck_assert_uint_eq(app::route_map_count(&m), 100);

	route *dup = route_new(7, 1);
	ck_assert_int_eq(app::route_map_insert(&m, dup), -EEXIST);
	ck_assert_int_eq(metric_of(&m, 7), 70); // unchanged
	app::route_free(dup); // never visible: still ours, freed at once
	ck_assert_int_eq(app::freed.load(), 1);

	RCUSLOT_READ_SCOPE({
		uint32_t k = 42, absent = 1000;
		const route *r = app::route_map_find(&m, &k);

		ck_assert_ptr_nonnull(r);
		ck_assert_uint_eq(r->dst, 42);
		ck_assert_int_eq(r->metric, 420);
		ck_assert_str_eq(r->via.c_str(), "gw42");
		ck_assert_ptr_null(app::route_map_find(&m, &absent));
	})
	ck_assert_uint_eq(app::route_map_count(&m), 100);
	app::route_map_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 101);
}
END_TEST

START_TEST(test_map_upsert_replace_remove)
{
	app::route_map m;
	app::route_map_old old;
	struct rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

	ck_assert_int_eq(app::route_map_init(&m, 0), 0);
	// upsert: inserts a new key (empty handle), replaces a present one.
	ck_assert_int_eq(app::route_map_upsert(&m, route_new(1, 10), &old), 0);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(app::route_map_upsert(&m, route_new(2, 20), &old), 0);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(app::route_map_upsert(&m, route_new(2, 21), &old), 0);
	ck_assert(!app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 2), 21);
	app::route_map_old_free(&old); // waits: the first route 2 is freed now
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(app::freed.load(), 1);

	// replace: a present key, its old object reclaimed and reused.
	ck_assert_int_eq(app::route_map_replace(&m, route_new(1, 11), &old), 0);
	ck_assert_int_eq(metric_of(&m, 1), 11);
	route *back = app::route_map_old_reclaim(&old);
	ck_assert_ptr_nonnull(back);
	ck_assert_uint_eq(back->dst, 1);
	ck_assert_int_eq(back->metric, 10);
	ck_assert(app::route_map_old_is_empty(&old));
	// Out of the map and past its grace period: ours to change and reuse.
	back->dst = 3;
	back->metric = 30;
	ck_assert_int_eq(app::route_map_insert(&m, back), 0);
	ck_assert_int_eq(metric_of(&m, 3), 30);

	// replace: an absent key leaves the map alone and obj the caller's.
	route *stray = route_new(9, 90);
	ck_assert_int_eq(app::route_map_replace(&m, stray, &old), -ENOENT);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 9), -1);
	app::route_free(stray);
	ck_assert_int_eq(app::freed.load(), 2);

	// remove: present (deferred), then absent (empty handle).
	uint32_t k = 1;
	old = app::route_map_remove(&m, &k);
	ck_assert(!app::route_map_old_is_empty(&old));
	app::route_map_old_defer(&old);
	ck_assert(app::route_map_old_is_empty(&old));
	old = app::route_map_remove(&m, &k);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 1), -1);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 3);

	// batch_add: several removals, one grace period.
	for (uint32_t i = 10; i < 20; i++)
		ck_assert_int_eq(app::route_map_insert(&m, route_new(i, i)), 0);
	for (uint32_t i = 10; i < 20; i++) {
		app::route_map_old o = app::route_map_remove(&m, &i);

		app::route_map_batch_add(&batch, &o);
		ck_assert(app::route_map_old_is_empty(&o));
	}
	ck_assert_uint_eq(rcuslot_batch_count(&batch), 10);
	ck_assert_int_eq(app::freed.load(), 3);
	rcuslot_batch_free(&batch);
	ck_assert_int_eq(app::freed.load(), 13);

	ck_assert_uint_eq(app::route_map_count(&m), 2); // 2 and 3
	ck_assert_int_eq(metric_of(&m, 2), 21);
	app::route_map_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 15);
}
END_TEST

// Adds *(long *)arg to the metric, or inserts a route with it.
static int bump(const route *old, route **new_out, void *arg)
{
	long add = *static_cast<long *>(arg);

	*new_out = old ? new route{ old->dst, old->metric + add, old->via, {} }
		       : route_new(5, add);
	return 0;
}

START_TEST(test_map_copy_update)
{
	app::route_map m;
	app::route_map_old old;
	uint32_t k = 5;
	long add = 7;
	int calls = 0;

	ck_assert_int_eq(app::route_map_init(&m, 0), 0);
	// Absent: copy sees NULL and its object inserts; nothing to retire.
	ck_assert_int_eq(app::route_map_copy_update(&m, &k, bump, &add, &old),
			 0);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 5), 7);
	// Present: a copy replaces, the handle owns the old object.
	ck_assert_int_eq(app::route_map_copy_update(&m, &k, bump, &add, &old),
			 0);
	ck_assert(!app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 5), 14);
	app::route_map_old_free(&old);
	ck_assert_int_eq(app::freed.load(), 1);

	// No change: *new_out set to old publishes nothing.
	auto keep = [](const route *o, route **new_out, void *arg) -> int {
		++*static_cast<int *>(arg);
		*new_out = const_cast<route *>(o);
		return 0;
	};
	ck_assert_int_eq(app::route_map_copy_update(&m, &k, keep, &calls, &old),
			 0);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(calls, 1);
	ck_assert_int_eq(metric_of(&m, 5), 14);
#ifndef RCUSLOT_DEBUG // debug builds abort on it, as for a slot
	// No change: *new_out left untouched.
	auto untouched = [](const route *, route **, void *arg) -> int {
		++*static_cast<int *>(arg);
		return 0;
	};
	ck_assert_int_eq(
		app::route_map_copy_update(&m, &k, untouched, &calls, &old), 0);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(calls, 2);
	ck_assert_int_eq(metric_of(&m, 5), 14);
#endif

	// An error: the map unchanged, the handle empty, copy freed its object.
	auto fail = [](const route *, route **new_out, void *) -> int {
		// Built, then given up: copy frees it, the map ignores *new_out.
		*new_out = route_new(5, -1);
		app::route_free(*new_out);
		return -EIO;
	};
	ck_assert_int_eq(
		app::route_map_copy_update(&m, &k, fail, nullptr, &old), -EIO);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(metric_of(&m, 5), 14);
	ck_assert_int_eq(app::freed.load(), 2);
	// A copy under another key: refused (-EINVAL) and freed by the map.
	auto rekey = [](const route *, route **new_out, void *) -> int {
		*new_out = route_new(6, 60);
		return 0;
	};
	ck_assert_int_eq(
		app::route_map_copy_update(&m, &k, rekey, nullptr, &old),
		-EINVAL);
	ck_assert(app::route_map_old_is_empty(&old));
	ck_assert_int_eq(app::freed.load(), 3);
	ck_assert_int_eq(metric_of(&m, 6), -1);

	// An explicit NULL removes; on an absent key it does nothing.
	auto drop = [](const route *, route **new_out, void *) -> int {
		*new_out = nullptr;
		return 0;
	};
	ck_assert_int_eq(
		app::route_map_copy_update(&m, &k, drop, nullptr, &old), 0);
	ck_assert(!app::route_map_old_is_empty(&old));
	app::route_map_old_defer(&old);
	ck_assert_int_eq(metric_of(&m, 5), -1);
	ck_assert_int_eq(
		app::route_map_copy_update(&m, &k, drop, nullptr, &old), 0);
	ck_assert(app::route_map_old_is_empty(&old));
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 4);
	ck_assert_uint_eq(app::route_map_count(&m), 0);
	app::route_map_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 4);
}
END_TEST

START_TEST(test_map_foreach)
{
	app::route_map m;
	const route *r;
	long sum = 0, seen = 0;

	ck_assert_int_eq(app::route_map_init(&m, 0), 0);
	RCUSLOT_READ_SCOPE({
		RCU_MAP_FOREACH(route_map, &m, r)
			seen++;
	})
	ck_assert_int_eq(seen, 0); // an empty map
	for (uint32_t k = 1; k <= 50; k++)
		ck_assert_int_eq(app::route_map_insert(&m, route_new(k, k)), 0);
	RCUSLOT_READ_SCOPE({
		RCU_MAP_FOREACH(app::route_map, &m, r) {
			static_assert(
				std::is_same<decltype(r), const route *>::value,
				"iteration gives const objects");
			sum += r->metric;
			seen++;
		}
	})
	ck_assert_int_eq(seen, 50);
	ck_assert_int_eq(sum, 50 * 51 / 2);
	// break leaves the loop, with r at the object it stopped at.
	seen = 0;
	RCUSLOT_READ_SCOPE({
		RCU_MAP_FOREACH(app::route_map, &m, r) {
			if (++seen == 10)
				break;
		}
		ck_assert_ptr_nonnull(r);
		ck_assert_uint_ge(r->dst, 1);
		ck_assert_uint_le(r->dst, 50);
	})
	ck_assert_int_eq(seen, 10);
	app::route_map_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 50);
}
END_TEST

START_TEST(test_map_string_keys)
{
	app::user_map users;
	app::host_map hosts;
	app::user_map_old uold;
	app::host_map_old hold;
	char buf[16];

	ck_assert_int_eq(app::user_map_init(&users, 0), 0);
	ck_assert_int_eq(app::host_map_init(&hosts, 0), 0);
	ck_assert_int_eq(
		app::user_map_insert(&users, new user{ "alice", 1000, {} }), 0);
	ck_assert_int_eq(
		app::user_map_insert(&users, new user{ "bob", 1001, {} }), 0);
	user *dup = new user{ "bob", 2000, {} };
	ck_assert_int_eq(app::user_map_insert(&users, dup), -EEXIST);
	app::user_free(dup);
	ck_assert_int_eq(
		app::host_map_insert(&hosts, new host{ "example.org", 80, {} }),
		0);
	ck_assert_int_eq(app::host_map_insert(
				 &hosts, new host{ "example.net", 443, {} }),
			 0);

	// Looked up through another buffer with the same bytes.
	std::snprintf(buf, sizeof(buf), "%s", "alice");
	RCUSLOT_READ_SCOPE({
		std::string wanted = "example.org:80";
		const user *u = app::user_map_find(&users, buf);

		ck_assert_ptr_nonnull(u);
		ck_assert_int_eq(u->uid, 1000);
		ck_assert_ptr_null(app::user_map_find(&users, "alic"));
		const host *h = app::host_map_find(
			&hosts, std::string_view(wanted).substr(0, 11));
		ck_assert_ptr_nonnull(h);
		ck_assert_int_eq(h->port, 80);
		ck_assert_ptr_null(app::host_map_find(&hosts, "example"));
	})
	ck_assert_int_eq(
		app::host_map_replace(
			&hosts, new host{ "example.net", 8443, {} }, &hold),
		0);
	app::host_map_old_free(&hold);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(
			app::host_map_find(&hosts, "example.net")->port, 8443);
	})
	ck_assert_int_eq(app::user_map_upsert(
				 &users, new user{ "alice", 1002, {} }, &uold),
			 0);
	ck_assert(!app::user_map_old_is_empty(&uold));
	app::user_map_old_defer(&uold);
	auto rename = [](const user *old, user **new_out, void *) -> int {
		*new_out = new user{ "bob", old ? old->uid + 1 : 0, {} };
		return 0;
	};
	ck_assert_int_eq(app::user_map_copy_update(&users, "bob", rename,
						   nullptr, &uold),
			 0);
	ck_assert(!app::user_map_old_is_empty(&uold));
	app::user_map_old_free(&uold);
	RCUSLOT_READ_SCOPE({
		ck_assert_int_eq(app::user_map_find(&users, "alice")->uid,
				 1002);
		ck_assert_int_eq(app::user_map_find(&users, "bob")->uid, 1002);
	})
	hold = app::host_map_remove(&hosts, "example.org");
	ck_assert(!app::host_map_old_is_empty(&hold));
	app::host_map_old_defer(&hold);
	ck_assert_uint_eq(app::user_map_count(&users), 2);
	ck_assert_uint_eq(app::host_map_count(&hosts), 1);
	app::user_map_destroy(&users);
	app::host_map_destroy(&hosts);
	rcuslot_barrier();
	// users: the refused bob, alice, bob (replaced), alice and bob (destroy);
	// hosts: example.net 443 (replaced), example.org, example.net 8443.
	ck_assert_int_eq(app::freed.load(), 8);
}
END_TEST

START_TEST(test_map_named_flavor)
{
	app::route_fmap m;
	uint32_t k = 1;

	ck_assert_int_eq(app::route_fmap_init(&m, 0), 0);
	ck_assert_int_eq(app::route_fmap_insert(&m, route_new(1, 10)), 0);
	app::route_fmap_old old;
	ck_assert_int_eq(app::route_fmap_upsert(&m, route_new(1, 11), &old), 0);
	ck_assert(!app::route_fmap_old_is_empty(&old));
	app::route_fmap_old_defer(&old);
	RCUSLOT_READ_SCOPE({
		const route *r = app::route_fmap_find(&m, &k);

		ck_assert_ptr_nonnull(r);
		ck_assert_int_eq(r->metric, 11);
	})
	app::route_fmap_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 2);
}
END_TEST

// Keys 0..15 are always present; the updater replaces, upserts and
// copy-updates them, each new metric the key plus a multiple of 16; a reader
// must find every key, always with a metric of its own key.
static const uint32_t nkeys = 16;

// One reader's round over every key: how many were missing or wrong.
static long misses(app::route_map *m)
{
	long bad = 0;

	RCUSLOT_READ_SCOPE({
		for (uint32_t k = 0; k < nkeys; k++) {
			const route *r = app::route_map_find(m, &k);

			if (!r || r->dst != k || r->metric % nkeys != k ||
			    r->via != "gw" + std::to_string(k))
				bad++;
		}
	})
	return bad;
}

START_TEST(test_map_readers_race_an_updater)
{
	app::route_map m;
	std::atomic<bool> stop{ false };
	std::atomic<long> bad{ 0 }, rounds{ 0 };
	std::vector<std::thread> readers;

	ck_assert_int_eq(app::route_map_init(&m, 0), 0);
	for (uint32_t k = 0; k < nkeys; k++)
		ck_assert_int_eq(app::route_map_insert(&m, route_new(k, k)), 0);
	readers.reserve(3);
	for (int i = 0; i < 3; i++) {
		readers.emplace_back([&] {
			rcuslot_register_thread();
			while (!stop.load()) {
				bad.fetch_add(misses(&m));
				rounds.fetch_add(1);
				rcuslot_quiescent_state();
			}
			rcuslot_unregister_thread();
		});
	}
	while (rounds.load() < 3) // the readers are reading
		std::this_thread::yield();
	auto next = [](const route *old, route **new_out, void *) -> int {
		*new_out = old ? route_new(old->dst, old->metric + nkeys)
			       : nullptr;
		return 0;
	};
	for (int i = 0; i < 3000; i++) {
		uint32_t k = i % nkeys;
		long metric = k + (long)nkeys * (i + 1);
		app::route_map_old old{};

		if (i % 3 == 0) {
			ck_assert_int_eq(
				app::route_map_replace(&m, route_new(k, metric),
						       &old),
				0);
			app::route_map_old_defer(&old);
		} else if (i % 3 == 1) {
			ck_assert_int_eq(
				app::route_map_upsert(&m, route_new(k, metric),
						      &old),
				0);
			ck_assert(!app::route_map_old_is_empty(&old));
			app::route_map_old_defer(&old);
		} else {
			ck_assert_int_eq(app::route_map_copy_update(
						 &m, &k, next, nullptr, &old),
					 0);
			ck_assert(!app::route_map_old_is_empty(&old));
			app::route_map_old_defer(&old);
		}
	}
	stop.store(true);
	rcuslot_thread_offline();
	for (auto &t : readers)
		t.join();
	rcuslot_thread_online();
	ck_assert_uint_eq(app::route_map_count(&m), nkeys);
	app::route_map_destroy(&m);
	rcuslot_barrier();
	ck_assert_int_gt(rounds.load(), 0);
	ck_assert_int_eq(bad.load(), 0);
	ck_assert_int_eq(app::freed.load(), 3000 + nkeys);
}
END_TEST

int main()
{
	Suite *s = suite_create("cxx-map");
	TCase *tc = tcase_create("cxx-map");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_map_init_insert_find);
	tcase_add_test(tc, test_map_upsert_replace_remove);
	tcase_add_test(tc, test_map_copy_update);
	tcase_add_test(tc, test_map_foreach);
	tcase_add_test(tc, test_map_string_keys);
	tcase_add_test(tc, test_map_named_flavor);
	tcase_add_test(tc, test_map_readers_race_an_updater);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
