// SPDX-License-Identifier: MIT
//
// The RCU list from C++: RCU_LIST_DEFINE compiles as C++17 and C++20 under
// g++ and clang++ (with -Wall -Wextra -Werror) and works: a list of a class
// type in a namespace, const-correct walks, the locked walk, every update,
// old handles retired every way, and readers walking on std::threads while
// an updater replaces entries.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

#include <check.h>

#include <rcuslot/rcuslot.h>

namespace app {

struct hook {
	int prio;
	std::string name; // a non-trivial member: entries come from new
	rcuslot_list_node node;
};

std::atomic<long> freed{ 0 };

void hook_free(hook *h)
{
	freed.fetch_add(1);
	delete h;
}

RCU_LIST_DEFINE(hook_list, hook, node, hook_free);

} // namespace app

using app::hook;
using app::hook_list;

static_assert(std::is_same<decltype(app::hook_list_first(nullptr)),
			   const hook *>::value,
	      "a walk gives const entries");
static_assert(std::is_same<decltype(app::hook_list_first_locked(nullptr)),
			   hook *>::value,
	      "the locked walk gives mutable ones");
static_assert(sizeof(app::hook_list_old) == sizeof(void *),
	      "an old handle is one pointer");

static hook_list global_list = RCU_LIST_INITIALIZER(global_list);

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

static std::string walk_names(hook_list *l)
{
	std::string out;

	RCUSLOT_READ_SCOPE({
		const hook *h;

		RCU_LIST_FOREACH(hook_list, l, h)
			out += h->name + ";";
	})
	return out;
}

START_TEST(test_list_every_update)
{
	hook *b = new hook{ 2, "b", {} };
	app::hook_list_old old;

	app::hook_list_add_tail(&global_list, b);
	app::hook_list_add_head(&global_list, new hook{ 1, "a", {} });
	ck_assert_int_eq(app::hook_list_add_after(&global_list, b,
						  new hook{ 3, "c", {} }),
			 0);
	std::string names = walk_names(&global_list);
	ck_assert_str_eq(names.c_str(), "a;b;c;");

	ck_assert_int_eq(app::hook_list_replace(&global_list, b,
						new hook{ 2, "B", {} }, &old),
			 0);
	hook *back = app::hook_list_old_reclaim(&old);
	ck_assert_ptr_eq(back, b);
	names = walk_names(&global_list);
	ck_assert_str_eq(names.c_str(), "a;B;c;");
	hook *x = new hook{ 9, "x", {} };
	ck_assert_int_eq(app::hook_list_add_before(&global_list, b, x),
			 -ENOENT);
	app::hook_free(x); // b is out: x was not linked, it is still ours
	app::hook_free(back);

	app::hook_list_old o{};
	hook *h;

	app::hook_list_lock(&global_list);
	RCU_LIST_FOREACH_LOCKED(hook_list, &global_list, h)
		if (h->prio == 3)
			o = app::hook_list_remove_locked(&global_list, h);
	app::hook_list_unlock(&global_list);
	app::hook_list_old_defer(&o); // after the lock: retiring may wait
	names = walk_names(&global_list);
	ck_assert_str_eq(names.c_str(), "a;B;");
	app::hook_list_destroy(&global_list);
	rcuslot_barrier();
	ck_assert(app::hook_list_empty(&global_list));
	ck_assert_int_eq(app::freed.load(), 5); // b, x, c, a, B
}
END_TEST

// A walk meets the hooks in order, each with the name it was made with.
static bool in_order(const hook *h, int last)
{
	return h->prio > last && h->name == "h" + std::to_string(h->prio);
}

START_TEST(test_list_readers_race_an_updater)
{
	hook_list l;
	std::atomic<bool> stop{ false };
	std::atomic<long> bad{ 0 }, walks{ 0 };
	std::vector<std::thread> readers;

	app::hook_list_init(&l);
	readers.reserve(3);
	for (int i = 0; i < 8; i++)
		app::hook_list_add_tail(
			&l, new hook{ i, "h" + std::to_string(i), {} });
	for (int r = 0; r < 3; r++) {
		readers.emplace_back([&] {
			rcuslot_register_thread();
			while (!stop.load()) {
				int n = 0;

				RCUSLOT_READ_SCOPE({
					const hook *h;
					int last = -1;

					RCU_LIST_FOREACH(hook_list, &l, h) {
						if (!in_order(h, last))
							bad.fetch_add(1);
						last = h->prio;
						n++;
					}
				})
				if (n != 8)
					bad.fetch_add(1);
				walks.fetch_add(1);
				rcuslot_quiescent_state();
			}
			rcuslot_unregister_thread();
		});
	}
	while (walks.load() < 3) // the readers are walking
		std::this_thread::yield();
	for (int i = 0; i < 2000; i++) {
		app::hook_list_old old{};
		int prio = i % 8;

		RCUSLOT_READ_SCOPE({
			const hook *h;

			RCU_LIST_FOREACH(hook_list, &l, h)
				if (h->prio == prio)
					break;
			ck_assert_int_eq(app::hook_list_replace(
						 &l, h,
						 new hook{ prio, h->name, {} },
						 &old),
					 0);
		})
		app::hook_list_old_defer(&old);
	}
	stop.store(true);
	rcuslot_thread_offline();
	for (auto &t : readers)
		t.join();
	rcuslot_thread_online();
	app::hook_list_destroy(&l);
	rcuslot_barrier();
	ck_assert_int_gt(walks.load(), 0);
	ck_assert_int_eq(bad.load(), 0);
	ck_assert_int_eq(app::freed.load(), 2000 + 8);
}
END_TEST

int main()
{
	Suite *s = suite_create("cxx-list");
	TCase *tc = tcase_create("cxx-list");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_list_every_update);
	tcase_add_test(tc, test_list_readers_race_an_updater);
	suite_add_tcase(s, tc);
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
