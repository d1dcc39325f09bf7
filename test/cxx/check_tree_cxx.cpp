// SPDX-License-Identifier: MIT
//
// The RCU ordered map from C++: RCU_TREE_DEFINE, RCU_TREE_DEFINE_STRING,
// RCU_TREE_DEFINE_CUSTOM and RCU_TREE_DEFINE_FLAVOR compile as C++17 and
// C++20 under g++ and clang++ (with -Wall -Wextra -Werror) and work: trees
// of class types in a namespace, an integer key, a char[N] key, a
// std::string key looked up by std::string_view, find, floor, ceil, the
// three walks, a view, every update (copy_update through a captureless
// lambda), a transaction committed into a batch and one aborted, destroy,
// and readers on std::threads summing one version while transactions move
// value between keys.
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <vector>

#include <check.h>

#include <rcuslot/rcuslot.h>

namespace app {

std::atomic<long> freed{ 0 };

struct range {
	uint32_t start; // the key
	uint32_t end;
	long asn;
	std::string owner; // a non-trivial member: ranges come from new
};

void range_free(range *r)
{
	freed.fetch_add(1);
	delete r;
}

RCU_TREE_DEFINE(range_tree, range, start, range_free);
// The named-flavor generator, given the unit's own flavor by name.
RCU_TREE_DEFINE_FLAVOR(range_ftree, range, start, range_free, memb);

struct user {
	char name[16]; // the key of user_tree
	int uid;
};

void user_free(user *u)
{
	freed.fetch_add(1);
	delete u;
}

RCU_TREE_DEFINE_STRING(user_tree, user, name, user_free);

struct host {
	std::string name; // the key of host_tree, looked up by string_view
	int port;
};

void host_free(host *h)
{
	freed.fetch_add(1);
	delete h;
}

int host_cmp(std::string_view a, std::string_view b)
{
	return a.compare(b);
}

RCU_TREE_DEFINE_CUSTOM(host_tree, host, name, std::string_view, host_cmp,
		       host_free);

} // namespace app

using app::host;
using app::range;
using app::user;

static_assert(std::is_same<decltype(app::range_tree_find(nullptr, 0)),
			   const range *>::value,
	      "a lookup gives a const object");
static_assert(std::is_same<app::range_tree_key, uint32_t>::value,
	      "the key member's type");
static_assert(std::is_same<app::host_tree_key, std::string_view>::value,
	      "the custom key type");
static_assert(std::is_same<app::user_tree_key, const char *>::value,
	      "a string tree's key");
static_assert(sizeof(app::range_tree_old) == sizeof(void *),
	      "an old handle is one pointer");
static_assert(std::is_same<app::range_tree_copy_fn,
			   int(const range *, range **, void *)>::value,
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

static range *range_new(uint32_t start, long asn)
{
	return new range{ start, start + 9, asn, "as" + std::to_string(asn) };
}

START_TEST(test_tree_insert_find_floor)
{
	static app::range_tree t = RCU_TREE_INITIALIZER;
	app::range_tree u;
	range *dup = range_new(100, 7);

	ck_assert_int_eq(app::range_tree_init(&u), 0);
	for (uint32_t s = 10; s <= 1000; s += 10)
		ck_assert_int_eq(
			app::range_tree_insert(&t, range_new(s, s / 10)), 0);
	ck_assert_int_eq(app::range_tree_insert(&t, dup), -EEXIST);
	ck_assert_uint_eq(app::range_tree_count(&t), 100);
	RCUSLOT_READ_SCOPE({
		const range *r = app::range_tree_find(&t, 500);

		ck_assert(r && r->asn == 50 && r->owner == "as50");
		ck_assert_ptr_null(app::range_tree_find(&t, 505));
		ck_assert_uint_eq(app::range_tree_floor(&t, 505)->start, 500);
		ck_assert_uint_eq(app::range_tree_ceil(&t, 505)->start, 510);
		ck_assert_ptr_null(app::range_tree_floor(&t, 9));
		ck_assert_ptr_null(app::range_tree_ceil(&t, 1001));
		ck_assert_uint_eq(app::range_tree_first(&t)->start, 10);
		ck_assert_uint_eq(app::range_tree_last(&t)->start, 1000);
		ck_assert_ptr_null(app::range_tree_first(&u));
	})
	delete dup;
	app::range_tree_destroy(&t);
	app::range_tree_destroy(&u);
	ck_assert_uint_eq(app::range_tree_count(&t), 0);
	ck_assert_int_eq(app::freed.load(), 100);
}
END_TEST

START_TEST(test_tree_walks_and_view)
{
	static app::range_tree t;
	app::range_tree_old old{};

	for (uint32_t s = 1; s <= 200; s++)
		ck_assert_int_eq(app::range_tree_insert(&t, range_new(s, s)),
				 0);
	rcuslot_read_lock();
	{
		// The view type needs `struct`: the function of the same name hides it.
		struct app::range_tree_view v = app::range_tree_view(&t);
		const range *r;
		uint32_t want = 1;
		long n = 0;

		RCU_TREE_FOREACH(app::range_tree, &t, r) {
			ck_assert_uint_eq(r->start, want++);
			if (r->start == 150)
				break; // leaves cleanly
		}
		ck_assert_uint_eq(want, 151);
		want = 201;
		RCU_TREE_FOREACH_REVERSE(app::range_tree, &t, r)
			ck_assert_uint_eq(r->start, --want);
		ck_assert_uint_eq(want, 1);
		RCU_TREE_FOREACH_RANGE(app::range_tree, &t, r, 20, 29)
			n++;
		ck_assert_int_eq(n, 10);
		// An update inside the section: the view keeps its version.
		ck_assert_int_eq(app::range_tree_remove(&t, 100, &old), 0);
		ck_assert_ptr_null(app::range_tree_find(&t, 100));
		ck_assert_ptr_nonnull(app::range_tree_view_find(&v, 100));
		ck_assert_uint_eq(app::range_tree_view_count(&v), 200);
		ck_assert_uint_eq(app::range_tree_view_floor(&v, 1000)->start,
				  200);
		ck_assert_uint_eq(app::range_tree_view_ceil(&v, 0)->start, 1);
		ck_assert_uint_eq(app::range_tree_view_first(&v)->start, 1);
		ck_assert_uint_eq(app::range_tree_view_last(&v)->start, 200);
		n = 0;
		RCU_TREE_VIEW_FOREACH(app::range_tree, &v, r)
			n++;
		ck_assert_int_eq(n, 200);
		n = 0;
		RCU_TREE_VIEW_FOREACH_RANGE(app::range_tree, &v, r, 95, 104)
			n++;
		ck_assert_int_eq(n, 10);
	}
	rcuslot_read_unlock();
	app::range_tree_old_free(&old);
	ck_assert_uint_eq(app::range_tree_count(&t), 199);
	app::range_tree_destroy(&t);
	ck_assert_int_eq(app::freed.load(), 200);
}
END_TEST

START_TEST(test_tree_updates)
{
	static app::range_tree t;
	app::range_tree_old old{};
	range *a = range_new(1, 10), *b = range_new(1, 20);
	auto bump = [](const range *o, range **new_out, void *arg) -> int {
		*new_out = o ? range_new(o->start,
					 o->asn + *static_cast<long *>(arg))
			     : nullptr;
		return 0;
	};
	long by = 5;

	ck_assert_int_eq(app::range_tree_upsert(&t, a, &old), 0);
	ck_assert(app::range_tree_old_is_empty(&old));
	ck_assert_int_eq(app::range_tree_replace(&t, b, &old), 0);
	ck_assert(!app::range_tree_old_is_empty(&old));
	ck_assert_ptr_eq(app::range_tree_old_reclaim(&old), a);
	delete a;
	ck_assert_int_eq(app::range_tree_copy_update(&t, 1, bump, &by, &old),
			 0);
	app::range_tree_old_defer(&old);
	ck_assert_int_eq(app::range_tree_copy_update(&t, 2, bump, &by, &old),
			 0); // absent: no change
	ck_assert(app::range_tree_old_is_empty(&old));
	RCUSLOT_READ_SCOPE(
		{ ck_assert_int_eq(app::range_tree_find(&t, 1)->asn, 25); })
	{
		rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;

		ck_assert_int_eq(app::range_tree_remove(&t, 1, &old), 0);
		app::range_tree_batch_add(&batch, &old);
		ck_assert_int_eq(app::range_tree_remove(&t, 1, &old), -ENOENT);
		rcuslot_batch_free(&batch);
	}
	app::range_tree_destroy(&t);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 2);
}
END_TEST

START_TEST(test_tree_transaction)
{
	static app::range_tree t;
	app::range_tree_txn x;
	rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
	std::vector<range *> mine;

	for (uint32_t s = 0; s < 100; s++)
		ck_assert_int_eq(app::range_tree_insert(&t, range_new(s, 1)),
				 0);
	ck_assert_int_eq(app::range_tree_txn_begin(&t, &x), 0);
	for (uint32_t s = 100; s < 200; s++)
		ck_assert_int_eq(
			app::range_tree_txn_insert(&x, range_new(s, 2)), 0);
	for (uint32_t s = 0; s < 50; s++)
		ck_assert_int_eq(app::range_tree_txn_remove(&x, s), 0);
	ck_assert_int_eq(app::range_tree_txn_upsert(&x, range_new(60, 3)), 0);
	ck_assert_int_eq(app::range_tree_txn_find(&x, 60)->asn, 3);
	RCUSLOT_READ_SCOPE(
		{ ck_assert_ptr_null(app::range_tree_find(&t, 150)); })
	ck_assert_int_eq(app::range_tree_txn_commit(&x, &batch), 0);
	ck_assert_uint_eq(rcuslot_batch_count(&batch), 51);
	rcuslot_batch_free(&batch);
	ck_assert_int_eq(app::freed.load(), 51);
	ck_assert_uint_eq(app::range_tree_count(&t), 150);
	// Aborted: nothing published, what it was given is ours again.
	ck_assert_int_eq(app::range_tree_txn_begin(&t, &x), 0);
	for (uint32_t s = 500; s < 510; s++) {
		mine.push_back(range_new(s, 4));
		ck_assert_int_eq(app::range_tree_txn_insert(&x, mine.back()),
				 0);
	}
	ck_assert_int_eq(app::range_tree_txn_remove(&x, 150), 0);
	app::range_tree_txn_abort(&x);
	for (range *r : mine)
		delete r;
	RCUSLOT_READ_SCOPE({
		ck_assert_ptr_null(app::range_tree_find(&t, 500));
		ck_assert_ptr_nonnull(app::range_tree_find(&t, 150));
	})
	app::range_tree_destroy(&t);
	ck_assert_int_eq(app::freed.load(), 51 + 150);
}
END_TEST

START_TEST(test_tree_string_and_custom_keys)
{
	static app::user_tree users;
	static app::host_tree hosts;
	const char *names[] = { "delta", "alpha", "charlie", "bravo" };
	for (int i = 0; i < 4; i++) {
		user *nu = new user{};

		std::snprintf(nu->name, sizeof(nu->name), "%s", names[i]);
		nu->uid = i;
		ck_assert_int_eq(app::user_tree_insert(&users, nu), 0);
		ck_assert_int_eq(app::host_tree_insert(
					 &hosts, new host{ names[i], 80 + i }),
				 0);
	}
	RCUSLOT_READ_SCOPE({
		const user *u;
		const host *h;
		std::string seen;

		RCU_TREE_FOREACH(app::user_tree, &users, u)
			seen += u->name[0];
		ck_assert_str_eq(seen.c_str(), "abcd");
		ck_assert_int_eq(app::user_tree_find(&users, "charlie")->uid,
				 2);
		ck_assert_str_eq(app::user_tree_floor(&users, "c")->name,
				 "bravo");
		std::string key = "delta-and-more";

		h = app::host_tree_find(&hosts,
					std::string_view(key).substr(0, 5));
		ck_assert(h && h->port == 80);
		ck_assert(app::host_tree_ceil(&hosts, "b")->name == "bravo");
		seen.clear();
		RCU_TREE_FOREACH_RANGE(app::host_tree, &hosts, h, "b", "d")
			seen += h->name[0];
		ck_assert_str_eq(seen.c_str(), "bc");
	})
	app::user_tree_destroy(&users);
	app::host_tree_destroy(&hosts);
	ck_assert_int_eq(app::freed.load(), 8);
}
END_TEST

START_TEST(test_tree_named_flavor)
{
	static app::range_ftree t;

	ck_assert_int_eq(app::range_ftree_insert(&t, range_new(3, 30)), 0);
	RCUSLOT_READ_SCOPE(
		{ ck_assert_int_eq(app::range_ftree_find(&t, 3)->asn, 30); })
	app::range_ftree_destroy(&t);
	ck_assert_int_eq(app::freed.load(), 1);
}
END_TEST

// Readers sum the asn over one walk while transactions move value between keys.
START_TEST(test_tree_readers_see_whole_transactions)
{
	static app::range_tree t;
	const uint32_t nkeys = 64;
	const long total = 64L * 100;
	std::atomic<bool> stop{ false };
	std::atomic<long> bad{ 0 }, rounds{ 0 };
	std::vector<std::thread> readers;

	for (uint32_t s = 0; s < nkeys; s++)
		ck_assert_int_eq(app::range_tree_insert(&t, range_new(s, 100)),
				 0);
	readers.reserve(2);
	for (int i = 0; i < 2; i++) {
		readers.emplace_back([&] {
			rcuslot_register_thread();
			while (!stop.load()) {
				long sum = 0;

				RCUSLOT_READ_SCOPE({
					const range *r;

					RCU_TREE_FOREACH(app::range_tree, &t, r)
						sum += r->asn;
				})
				if (sum != total)
					bad.fetch_add(1);
				rounds.fetch_add(1);
			}
			rcuslot_unregister_thread();
		});
	}
	while (rounds.load() < 2)
		std::this_thread::yield();
	for (int i = 0; i < 300; i++) {
		app::range_tree_txn x;
		rcuslot_batch batch = RCUSLOT_BATCH_INITIALIZER;
		uint32_t from = (uint32_t)(i * 7) % nkeys,
			 to = (uint32_t)(i * 13 + 1) % nkeys;
		long a, b;

		if (from == to)
			continue;
		ck_assert_int_eq(app::range_tree_txn_begin(&t, &x), 0);
		a = app::range_tree_txn_find(&x, from)->asn;
		b = app::range_tree_txn_find(&x, to)->asn;
		ck_assert_int_eq(
			app::range_tree_txn_upsert(&x, range_new(from, a - 3)),
			0);
		ck_assert_int_eq(
			app::range_tree_txn_upsert(&x, range_new(to, b + 3)),
			0);
		ck_assert_int_eq(app::range_tree_txn_commit(&x, &batch), 0);
		rcuslot_batch_defer(&batch);
	}
	stop.store(true);
	rcuslot_thread_offline();
	for (auto &th : readers)
		th.join();
	rcuslot_thread_online();
	app::range_tree_destroy(&t);
	rcuslot_barrier();
	ck_assert_int_gt(rounds.load(), 0);
	ck_assert_int_eq(bad.load(), 0);
}
END_TEST

int main()
{
	Suite *s = suite_create("cxx-tree");
	TCase *tc = tcase_create("cxx-tree");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_tree_insert_find_floor);
	tcase_add_test(tc, test_tree_walks_and_view);
	tcase_add_test(tc, test_tree_updates);
	tcase_add_test(tc, test_tree_transaction);
	tcase_add_test(tc, test_tree_string_and_custom_keys);
	tcase_add_test(tc, test_tree_named_flavor);
	tcase_add_test(tc, test_tree_readers_see_whole_transactions);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
