/* SPDX-License-Identifier: MIT */
/*
 * hello_config: reader threads look up a shared configuration while an
 * updater publishes new versions of it with read-copy-update.
 *
 * Readers never block and never see a half-built config: each version is
 * built privately, published with one pointer exchange, and the version it
 * replaced is freed only after every reader that could still hold it has
 * left its read-side critical section.
 *
 * It works with every liburcu flavor: the quiescent-state and offline calls
 * matter under qsbr and cost nothing elsewhere.
 *
 *   hello_config [--quick]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

#define READERS 3

struct config {
	unsigned version;
	int rate_limit;      /* requests per second */
	char greeting[32];
	unsigned check;      /* version ^ rate_limit: a torn config would not match */
};

static atomic_uint configs_freed;

static void config_free(struct config *c)
{
	atomic_fetch_add(&configs_freed, 1);
	free(c);
}

RCU_SLOT_DEFINE(cfg_slot, struct config, config_free);

static struct cfg_slot current_cfg = RCU_SLOT_INITIALIZER(NULL);
static atomic_int stopping;

struct reader_stats {
	int id;
	unsigned long lookups;
	unsigned last_version;
	unsigned versions_seen;
	unsigned torn;
};

static void *reader(void *arg)
{
	struct reader_stats *st = arg;

	rcuslot_register_thread();
	while (!atomic_load(&stopping)) {
		unsigned version = 0;
		int rate = 0;
		char greeting[32] = "";

		RCUSLOT_READ_SCOPE({
			const struct config *c = cfg_slot_dereference(&current_cfg);

			if (!c)
				break;
			if (c->check != (c->version ^ (unsigned)c->rate_limit))
				st->torn++;
			version = c->version;
			rate = c->rate_limit;
			memcpy(greeting, c->greeting, sizeof(greeting));
		})
		rcuslot_quiescent_state(); /* qsbr: holds no config pointer now */
		st->lookups++;
		if (version != st->last_version) {
			printf("  reader %d: now on config v%u (rate_limit=%d, greeting=\"%s\")\n",
			       st->id, version, rate, greeting);
			st->last_version = version;
			st->versions_seen++;
		}
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* The copy step of read-copy-update: never touches the published object. */
static int next_version(const struct config *old, struct config **new_out, void *arg)
{
	const char *greeting = arg;
	struct config *c = malloc(sizeof(*c));

	if (!c)
		return -1;
	*c = *old;
	c->version = old->version + 1;
	c->rate_limit = old->rate_limit * 2;
	snprintf(c->greeting, sizeof(c->greeting), "%s", greeting);
	c->check = c->version ^ (unsigned)c->rate_limit;
	*new_out = c;
	return 0;
}

/* Sleep offline: under qsbr a sleeping online thread would stall updates. */
static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

int main(int argc, char **argv)
{
	static const char *greetings[] = { "hello", "bonjour", "hallo", "ciao", "hola" };
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int updates = 5, period_ms = quick ? 20 : 300;
	struct reader_stats stats[READERS];
	pthread_t threads[READERS];
	struct config *first = malloc(sizeof(*first));
	unsigned torn = 0;
	int i;

	if (!first)
		return 1;
	rcuslot_register_thread();
	*first = (struct config){ .version = 1, .rate_limit = 10, .greeting = "hi" };
	first->check = first->version ^ (unsigned)first->rate_limit;
	cfg_slot_init(&current_cfg, first);
	printf("published config v1 (rate_limit=10, greeting=\"hi\")\n");

	for (i = 0; i < READERS; i++) {
		stats[i] = (struct reader_stats){ .id = i };
		if (pthread_create(&threads[i], NULL, reader, &stats[i]) != 0)
			return 1;
	}
	for (i = 0; i < updates; i++) {
		struct cfg_slot_old old;

		pause_ms(period_ms);
		if (cfg_slot_copy_update(&current_cfg, next_version,
					 (void *)greetings[i], &old) != 0) {
			fprintf(stderr, "hello_config: out of memory\n");
			return 1;
		}
		printf("updater: published v%d; v%d retired, freed after a grace period\n",
		       i + 2, i + 1);
		/* Readers may still hold the old version: free it when they are done. */
		cfg_slot_old_defer(&old);
	}
	pause_ms(period_ms);
	atomic_store(&stopping, 1);
	rcuslot_thread_offline();
	for (i = 0; i < READERS; i++) {
		pthread_join(threads[i], NULL);
		printf("reader %d: %lu lookups, %u versions seen\n", i,
		       stats[i].lookups, stats[i].versions_seen);
		torn += stats[i].torn;
	}
	rcuslot_thread_online();
	cfg_slot_destroy(&current_cfg);
	rcuslot_barrier(); /* every deferred free has run */
	rcuslot_unregister_thread();
	printf("%d configs published, %u freed, %u torn reads\n", updates + 1,
	       atomic_load(&configs_freed), torn);
	return atomic_load(&configs_freed) == (unsigned)updates + 1 && torn == 0 ? 0 : 1;
}
