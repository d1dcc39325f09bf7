/* SPDX-License-Identifier: MIT */
/*
 * A routing table in an RCU hash map.
 *
 *   routes [--quick]
 *
 * Reader threads look destinations up without locks while a control thread
 * adds routes, changes their next hop and withdraws them, printing each
 * change; each reader then says what it saw. A reader never sees a route
 * half-changed (next hop and metric are changed together, by replacing the
 * whole route), and a route that stays in the table is never seen missing,
 * even while it is being changed. --quick makes it short (scons check runs
 * it that way, for every flavor).
 */
#include <arpa/inet.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

struct route {
	uint32_t dst;                 /* the key: never changes while in the map */
	uint32_t via;
	uint32_t metric;
	uint32_t check;               /* via ^ metric: a torn route would not match */
	struct rcuslot_map_node node; /* the map's link */
};

static atomic_long freed;

static void route_free(struct route *r)
{
	atomic_fetch_add(&freed, 1);
	free(r);
}

RCU_MAP_DEFINE(route_map, struct route, node, dst, route_free);

#define READERS 2
#define DEFAULT_ROUTE 0x0a000001u /* 10.0.0.1: always present */

static struct route_map routes;
static atomic_int stop;

static struct route *route_new(uint32_t dst, uint32_t via, uint32_t metric)
{
	struct route *r = malloc(sizeof(*r));

	if (!r) {
		perror("malloc");
		exit(1);
	}
	r->dst = dst;
	r->via = via;
	r->metric = metric;
	r->check = via ^ metric;
	return r;
}

static const char *ip(uint32_t a, char *buf)
{
	struct in_addr in = { htonl(a) };

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

struct reader_stats {
	long lookups, hits, torn, default_missing;
};

static void *reader(void *arg)
{
	struct reader_stats *st = arg;
	unsigned seed = (unsigned)(uintptr_t)arg | 1;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		uint32_t dst, def = DEFAULT_ROUTE;
		const struct route *r;

		seed ^= seed << 13; /* xorshift: a generator per thread */
		seed ^= seed >> 17;
		seed ^= seed << 5;
		dst = 0x0a000001u + seed % 8;

		rcuslot_read_lock();
		r = route_map_find(&routes, &dst);
		if (r) {
			st->hits++;
			if ((r->via ^ r->metric) != r->check)
				st->torn++;
		}
		if (!route_map_find(&routes, &def))
			st->default_missing++;
		rcuslot_read_unlock();
		rcuslot_quiescent_state(); /* qsbr: nothing held here */
		st->lookups++;
	}
	rcuslot_unregister_thread();
	return NULL;
}

static void pause_ms(int ms)
{
	struct timespec ts = { 0, ms * 1000000L };

	rcuslot_thread_offline(); /* qsbr: blocking holds up no grace period */
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

/* Change a route's next hop: a new route replaces the old atomically. */
static int change_via(const struct route *old, struct route **new_out, void *arg)
{
	uint32_t via = *(uint32_t *)arg;

	if (!old)
		return 0; /* withdrawn meanwhile: leave it so */
	*new_out = route_new(old->dst, via, old->metric + 1);
	return 0;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int rounds = quick ? 3 : 10, period_ms = quick ? 10 : 200;
	struct reader_stats stats[READERS];
	pthread_t tid[READERS];
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const struct route *r;
	long total = 0;
	int failed = 0;

	rcuslot_register_thread();
	if (route_map_init(&routes, 16) != 0) {
		fprintf(stderr, "routes: cannot create the table\n");
		return 1;
	}
	if (route_map_insert(&routes, route_new(DEFAULT_ROUTE, 0xc0a80001u, 1)) != 0)
		return 1;
	memset(stats, 0, sizeof(stats));
	for (int i = 0; i < READERS; i++)
		pthread_create(&tid[i], NULL, reader, &stats[i]);

	for (int round = 0; round < rounds; round++) {
		uint32_t dst = 0x0a000002u + (uint32_t)(round % 7);
		uint32_t via = 0xc0a80002u + (uint32_t)round;
		uint32_t def = DEFAULT_ROUTE;
		struct route_map_old old;
		struct route *fresh = route_new(dst, via, 10);

		if (route_map_insert(&routes, fresh) == 0) {
			printf("add      %-12s via %s\n", ip(dst, a), ip(via, b));
		} else {
			free(fresh); /* already routed: never visible, freed at once */
			printf("exists   %s\n", ip(dst, a));
		}
		pause_ms(period_ms);
		via += 100;
		if (route_map_copy_update(&routes, &def, change_via, &via, &old) == 0) {
			printf("change   %-12s via %s\n", ip(def, a), ip(via, b));
			route_map_old_defer(&old); /* freed after the readers let go */
		}
		pause_ms(period_ms);
		if (round % 2 == 1) {
			old = route_map_remove(&routes, &dst);
			if (!route_map_old_is_empty(&old))
				printf("withdraw %s\n", ip(dst, a));
			route_map_old_free(&old);
		}
	}
	atomic_store(&stop, 1);
	rcuslot_thread_offline();
	for (int i = 0; i < READERS; i++)
		pthread_join(tid[i], NULL);
	rcuslot_thread_online();

	printf("table (%lu routes):\n", route_map_count(&routes));
	rcuslot_read_lock();
	RCU_MAP_FOREACH(route_map, &routes, r) {
		printf("  %-12s via %-12s metric %u\n", ip(r->dst, a), ip(r->via, b), r->metric);
		total++;
	}
	rcuslot_read_unlock();
	for (int i = 0; i < READERS; i++) {
		printf("reader %d: %ld lookups, %ld hits, %ld torn, default route missing %ld times\n",
		       i, stats[i].lookups, stats[i].hits, stats[i].torn, stats[i].default_missing);
		failed |= stats[i].torn != 0 || stats[i].default_missing != 0;
	}
	route_map_destroy(&routes);
	rcuslot_barrier();
	printf("routes freed: %ld\n", atomic_load(&freed));
	rcuslot_unregister_thread();
	return failed || total == 0;
}
