// SPDX-License-Identifier: MIT
//
// The consumer test in C++ (packaging/SConscript): the installed headers
// and librcuslot used from a C++ program, built with nothing but
//
//   c++ app.cpp $(pkg-config --cflags --libs rcuslot)     (or rcuslot-qsbr, ...)
//   ./a.out [expected-flavor]
//
// A reader thread reads while the main thread read-copy-updates; exits 0
// when every version was seen whole and freed exactly once.
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <rcuslot/rcuslot.h>

struct counter {
	long value;
	long twice; // 2 * value: a torn read would not match
};

static std::atomic<long> freed{ 0 }, torn{ 0 }, reads{ 0 };
static std::atomic<bool> stop{ false };

static void counter_free(counter *c)
{
	freed++;
	delete c;
}

RCU_SLOT_DEFINE(counter_slot, counter, counter_free);

static counter_slot slot = RCU_SLOT_INITIALIZER(nullptr);

static int increment(const counter *old, counter **new_out, void *)
{
	long v = (old ? old->value : 0) + 1;

	*new_out = new counter{ v, 2 * v };
	return 0;
}

int main(int argc, char **argv)
{
	const int updates = 100;

	if (argc > 1 && std::strcmp(argv[1], RCUSLOT_FLAVOR_NAME) != 0) {
		std::fprintf(stderr, "app: built for flavor %s, expected %s\n",
			     RCUSLOT_FLAVOR_NAME, argv[1]);
		return EXIT_FAILURE;
	}
	rcuslot_register_thread();
	counter_slot_init(&slot, new counter{ 0, 0 });
	std::thread reader([] {
		rcuslot_register_thread();
		while (!stop) {
			RCUSLOT_READ_SCOPE({
				const counter *c =
					counter_slot_dereference(&slot);

				if (c && c->twice != 2 * c->value)
					torn++;
			})
			reads++;
			rcuslot_quiescent_state();
		}
		rcuslot_unregister_thread();
	});
	for (int i = 0; i < updates; i++) {
		counter_slot_old old;

		if (counter_slot_copy_update(&slot, increment, nullptr, &old) !=
		    0)
			return EXIT_FAILURE;
		counter_slot_old_defer(&old);
	}
	while (reads < 10)
		rcuslot_quiescent_state();
	stop = true;
	rcuslot_thread_offline(); // qsbr: the join blocks
	reader.join();
	rcuslot_thread_online();
	long final = -1;
	RCUSLOT_READ_SCOPE({ final = counter_slot_dereference(&slot)->value; })
	counter_slot_destroy(&slot);
	rcuslot_barrier();
	rcuslot_unregister_thread();
	std::printf("rcuslot %s (%s, C++): value %ld, %ld freed, %ld torn\n",
		    RCUSLOT_VERSION_STRING, RCUSLOT_FLAVOR_NAME, final,
		    freed.load(), torn.load());
	return final == updates && freed == updates + 1 && torn == 0
		       ? EXIT_SUCCESS
		       : EXIT_FAILURE;
}
