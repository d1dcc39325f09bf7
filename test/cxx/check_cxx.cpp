// SPDX-License-Identifier: MIT
//
// rcuslot from C++: the public headers compile as C++17 and C++20 under g++
// and clang++ (with the project's -Wall -Wextra -Werror) and a slot works:
// a slot of a class type in a namespace, const-correct reads, the read guard
// and scope, copy_update with a lambda, every way to retire an old object,
// and readers racing an updater on std::threads.
#include <atomic>
#include <cstdlib>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

#include <check.h>

#include <rcuslot/rcuslot.h>

namespace app {

struct config {
	long version;
	std::string name; // a non-trivial member: objects come from new
};

std::atomic<long> freed{0};

void config_free(config *c)
{
	freed.fetch_add(1);
	delete c;
}

// A slot type defined inside a namespace, as C++ code would.
RCU_SLOT_DEFINE(cfg_slot, config, config_free);

} // namespace app

using app::cfg_slot;
using app::config;

// The generated API has the types the C documentation promises.
static_assert(std::is_same<decltype(app::cfg_slot_dereference(nullptr)),
			   const config *>::value,
	      "dereference returns a const pointer");
static_assert(std::is_same<decltype(app::cfg_slot_dereference_protected(nullptr)),
			   config *>::value,
	      "dereference_protected returns a mutable pointer");
static_assert(sizeof(cfg_slot) == sizeof(void *), "a slot is one pointer");
static_assert(std::is_trivially_copyable<app::cfg_slot_old>::value,
	      "an old handle is a plain C struct");

static cfg_slot global_slot = RCU_SLOT_INITIALIZER(nullptr);

static void setup(void)
{
	rcuslot_register_thread();
	app::freed.store(0);
}

static void teardown(void)
{
	rcuslot_barrier(); // liburcu 0.13.2: no queued callbacks at exit
	rcuslot_unregister_thread();
}

static long read_version(const cfg_slot *slot)
{
	RCUSLOT_READ_GUARD();
	const config *c = app::cfg_slot_dereference(slot);

	return c ? c->version : -1;
}

START_TEST(test_read_and_replace)
{
	app::cfg_slot_init(&global_slot, new config{1, "one"});
	ck_assert_int_eq(read_version(&global_slot), 1);

	std::string name;
	RCUSLOT_READ_SCOPE({
		name = app::cfg_slot_dereference(&global_slot)->name;
	})
	ck_assert_str_eq(name.c_str(), "one");

	app::cfg_slot_old old = app::cfg_slot_replace(&global_slot, new config{2, "two"});
	ck_assert(!app::cfg_slot_old_is_empty(&old));
	app::cfg_slot_old_free(&old);
	ck_assert(app::cfg_slot_old_is_empty(&old));
	ck_assert_int_eq(app::freed.load(), 1);
	ck_assert_int_eq(read_version(&global_slot), 2);

	old = app::cfg_slot_replace(&global_slot, nullptr);
	config *back = app::cfg_slot_old_reclaim(&old);
	ck_assert_int_eq(back->version, 2);
	delete back;
	ck_assert_int_eq(read_version(&global_slot), -1);
}
END_TEST

START_TEST(test_copy_update_with_lambda)
{
	cfg_slot slot;
	app::cfg_slot_old old;

	app::cfg_slot_init(&slot, new config{10, "ten"});
	// A captureless lambda converts to the generated copy_fn pointer type.
	int err = app::cfg_slot_copy_update(
		&slot,
		[](const config *cur, config **new_out, void *arg) -> int {
			*new_out = new config{cur->version + 1,
					      static_cast<const char *>(arg)};
			return 0;
		},
		const_cast<char *>("eleven"), &old);
	ck_assert_int_eq(err, 0);
	app::cfg_slot_old_defer(&old);
	ck_assert_int_eq(read_version(&slot), 11);

	// "No change": the callback hands back the current object.
	err = app::cfg_slot_copy_update(
		&slot,
		[](const config *cur, config **new_out, void *) -> int {
			*new_out = const_cast<config *>(cur);
			return 0;
		},
		nullptr, &old);
	ck_assert_int_eq(err, 0);
	ck_assert(app::cfg_slot_old_is_empty(&old));

	app::cfg_slot_destroy(&slot);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), 2);
}
END_TEST

static int bump(const config *cur, config **new_out, void *)
{
	*new_out = new config{cur->version + 1, cur->name};
	return 0;
}

START_TEST(test_threads)
{
	enum { READERS = 2, UPDATES = 200 };
	cfg_slot slot;
	std::atomic<bool> stop{false};
	std::atomic<long> bad{0};
	std::vector<std::thread> readers;

	app::cfg_slot_init(&slot, new config{0, "v"});
	readers.reserve(READERS);
	for (int i = 0; i < READERS; i++)
		readers.emplace_back([&slot, &stop, &bad] {
			long last = 0;

			rcuslot_register_thread();
			while (!stop.load()) {
				long v = read_version(&slot);

				if (v < last) // versions only grow
					bad.fetch_add(1);
				last = v;
				rcuslot_quiescent_state(); // qsbr; no-op otherwise
			}
			rcuslot_unregister_thread();
		});
	for (int i = 0; i < UPDATES; i++) {
		app::cfg_slot_old old;

		ck_assert_int_eq(app::cfg_slot_copy_update(&slot, bump, nullptr, &old), 0);
		if (i % 2)
			app::cfg_slot_old_defer(&old);
		else
			app::cfg_slot_old_free(&old);
	}
	stop.store(true);
	for (std::thread &t : readers)
		t.join();
	ck_assert_int_eq(bad.load(), 0);
	ck_assert_int_eq(read_version(&slot), UPDATES);
	app::cfg_slot_destroy(&slot);
	rcuslot_barrier();
	ck_assert_int_eq(app::freed.load(), UPDATES + 1);
}
END_TEST

static Suite *cxx_suite(void)
{
	Suite *s = suite_create("cxx");
	TCase *tc = tcase_create("slot");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_read_and_replace);
	tcase_add_test(tc, test_copy_update_with_lambda);
	tcase_add_test(tc, test_threads);
	suite_add_tcase(s, tc);
	return s;
}

int main()
{
	SRunner *sr = srunner_create(cxx_suite());

	srunner_run_all(sr, CK_ENV);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
