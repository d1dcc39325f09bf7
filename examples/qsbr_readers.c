/* SPDX-License-Identifier: MIT */
/*
 * qsbr_readers: the qsbr flavor, where reading costs nothing and readers
 * instead tell RCU when they hold no pointer (a quiescent state).
 *
 * Built with RCUSLOT_FLAVOR=qsbr and linked with -lurcu-qsbr (pkg-config
 * rcuslot-qsbr). Each worker serves "requests" in a loop: a lookup inside a
 * read-side critical section, then rcuslot_quiescent_state() once the
 * request is done. Between bursts of requests a worker sleeps, offline, so
 * that an idle worker never holds up a grace period. The updater frees each
 * old table synchronously and prints how long the grace period took: it
 * ends as soon as every online worker has passed a quiescent state.
 *
 *   qsbr_readers [--quick]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

#if RCUSLOT_READ_ONGOING_TRACKS_LOCK
#error "qsbr_readers.c is written for RCUSLOT_FLAVOR=qsbr"
#endif

#define WORKERS 2
#define ROUTES 64

struct table {
	unsigned version;
	unsigned next_hop[ROUTES];
};

static void table_free(struct table *t)
{
	free(t);
}

RCU_SLOT_DEFINE(table_slot, struct table, table_free);

static struct table_slot routes = RCU_SLOT_INITIALIZER(NULL);
static atomic_int stopping;

static long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000L + ts.tv_nsec;
}

static void sleep_offline_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

struct worker {
	int id;
	unsigned long requests, bad;
};

static void *worker(void *arg)
{
	struct worker *w = arg;
	unsigned seed = (unsigned)w->id + 1;

	rcuslot_register_thread(); /* registers online */
	while (!atomic_load(&stopping)) {
		for (int burst = 0; burst < 1000; burst++) {
			unsigned dst = (unsigned)rand_r(&seed) % ROUTES;

			RCUSLOT_READ_SCOPE({
				const struct table *t = table_slot_dereference(&routes);

				/* Every hop of version v is v: anything else is torn. */
				if (t && t->next_hop[dst] != t->version)
					w->bad++;
			})
			/* Request done, no table pointer kept: a quiescent state. */
			rcuslot_quiescent_state();
			w->requests++;
		}
		sleep_offline_us(200); /* idle between bursts: offline */
	}
	rcuslot_unregister_thread();
	return NULL;
}

static struct table *table_new(unsigned version)
{
	struct table *t = malloc(sizeof(*t));

	if (!t)
		return NULL;
	t->version = version;
	for (int i = 0; i < ROUTES; i++)
		t->next_hop[i] = version;
	return t;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int updates = quick ? 5 : 20;
	struct worker w[WORKERS];
	pthread_t t[WORKERS];
	unsigned long bad = 0;

	rcuslot_register_thread();
	table_slot_init(&routes, table_new(1));
	for (int i = 0; i < WORKERS; i++) {
		w[i] = (struct worker){ .id = i };
		if (pthread_create(&t[i], NULL, worker, &w[i]) != 0)
			return 1;
	}
	for (unsigned v = 2; v < 2u + (unsigned)updates; v++) {
		struct table *fresh = table_new(v);
		struct table_slot_old old;
		long t0;

		if (!fresh)
			return 1;
		sleep_offline_us(quick ? 2000 : 50000);
		old = table_slot_replace(&routes, fresh);
		t0 = now_ns();
		/* Returns once each online worker has announced a quiescent state. */
		table_slot_old_free(&old);
		printf("published table v%u; grace period for v%u took %ld us\n", v,
		       v - 1, (now_ns() - t0) / 1000);
	}
	atomic_store(&stopping, 1);
	rcuslot_thread_offline();
	for (int i = 0; i < WORKERS; i++) {
		pthread_join(t[i], NULL);
		printf("worker %d: %lu requests\n", i, w[i].requests);
		bad += w[i].bad;
	}
	rcuslot_thread_online();
	table_slot_destroy(&routes);
	rcuslot_unregister_thread();
	printf("%lu torn reads\n", bad);
	return bad == 0 ? 0 : 1;
}
