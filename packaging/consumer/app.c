/* SPDX-License-Identifier: MIT */
/*
 * A program that uses the installed rcuslot the way any other project would:
 *
 *   cc app.c $(pkg-config --cflags --libs rcuslot)        (or rcuslot-qsbr, ...)
 *   ./a.out [expected-flavor]
 *
 * One reader thread reads the slot while the main thread updates it with
 * copy_update and replace and retires the old versions with old_free and
 * old_defer. The reader announces quiescent states, which qsbr requires
 * (a qsbr reader that never does stalls every grace period) and the other
 * flavors ignore. Exits 0 when every version was seen whole and freed once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rcuslot/rcuslot.h>

struct counter {
	long value;
	long twice; /* 2 * value: a torn read would not match */
};

static atomic_long freed;

static void counter_free(struct counter *c)
{
	atomic_fetch_add(&freed, 1);
	free(c);
}

RCU_SLOT_DEFINE(counter_slot, struct counter, counter_free);

static struct counter_slot slot = RCU_SLOT_INITIALIZER(NULL);
static atomic_int stop;
static atomic_long torn, reads;

static struct counter *counter_new(long value)
{
	struct counter *c = malloc(sizeof(*c));

	if (!c) {
		fputs("app: out of memory\n", stderr);
		exit(EXIT_FAILURE);
	}
	c->value = value;
	c->twice = 2 * value;
	return c;
}

static void *reader(void *arg)
{
	(void)arg;
	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		RCUSLOT_READ_SCOPE({
			const struct counter *c = counter_slot_dereference(&slot);

			if (c && c->twice != 2 * c->value)
				atomic_fetch_add(&torn, 1);
		})
		atomic_fetch_add(&reads, 1);
		rcuslot_quiescent_state(); /* holds no slot pointer here */
	}
	rcuslot_unregister_thread();
	return NULL;
}

static int increment(const struct counter *old, struct counter **new_out, void *arg)
{
	long step = *(const long *)arg;

	*new_out = counter_new((old ? old->value : 0) + step);
	return 0;
}

int main(int argc, char **argv)
{
	enum { UPDATES = 100 };
	long step = 1;
	pthread_t thread;
	long final = -1;
	int i;

	if (argc > 1 && strcmp(argv[1], RCUSLOT_FLAVOR_NAME) != 0) {
		fprintf(stderr, "app: built for flavor %s, expected %s\n",
			RCUSLOT_FLAVOR_NAME, argv[1]);
		return EXIT_FAILURE;
	}
	rcuslot_register_thread();
	counter_slot_init(&slot, counter_new(0));
	if (pthread_create(&thread, NULL, reader, NULL) != 0)
		return EXIT_FAILURE;

	for (i = 0; i < UPDATES; i++) {
		struct counter_slot_old old;

		if (counter_slot_copy_update(&slot, increment, (void *)&step, &old) != 0)
			return EXIT_FAILURE;
		if (i % 2)
			counter_slot_old_defer(&old);
		else
			counter_slot_old_free(&old);
	}
	while (atomic_load(&reads) < 10)
		rcuslot_quiescent_state(); /* let the reader run a little */

	atomic_store(&stop, 1);
	pthread_join(thread, NULL);

	RCUSLOT_READ_SCOPE({
		final = counter_slot_dereference(&slot)->value;
	})
	{
		struct counter_slot_old old = counter_slot_replace(&slot, NULL);

		counter_slot_old_free(&old);
	}
	rcuslot_barrier(); /* every deferred free has run */
	rcuslot_unregister_thread();

	printf("rcuslot %s (%s): value %ld, %ld freed, %ld reads, %ld torn\n",
	       RCUSLOT_VERSION_STRING, RCUSLOT_FLAVOR_NAME, final,
	       atomic_load(&freed), atomic_load(&reads), atomic_load(&torn));
	return final == UPDATES && atomic_load(&freed) == UPDATES + 1 &&
	       atomic_load(&torn) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
