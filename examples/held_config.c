/* SPDX-License-Identifier: MIT */
/*
 * held_config: request handlers keep the configuration they started with
 * across blocking calls, while reloads go on publishing new versions.
 *
 * A handler takes a counted reference with cfg_ref_get() at the start of a
 * request, leaves every read-side critical section, and then "talks to the
 * backend" the config names, in several blocking steps (sleeps here, I/O
 * in a real server). Each step uses the same version: the request is
 * answered under one consistent config even when several reloads happen
 * meanwhile, and the handler never holds the read lock while it blocks, so
 * the reloader's grace periods are never held up. The last of "the reload
 * retired the version and a grace period passed" and "the last handler put
 * it" frees the version.
 *
 * A reader that only glances at the config (the handler's look at the
 * newest version below) keeps using cfg_ref_dereference() inside a
 * read-side critical section: no atomic operation, nothing to put.
 *
 *   held_config [--quick]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

#define HANDLERS 3
#define STEPS 3

struct config {
	struct rcuslot_ref ref; /* zeroed by calloc: no reference yet */
	unsigned version;
	int timeout_ms;
	char backend[32];
	unsigned
		check; /* version ^ timeout_ms: a torn config would not match */
};

static atomic_uint configs_made, configs_freed;

static void config_free(struct config *c)
{
	atomic_fetch_add(&configs_freed, 1);
	free(c);
}

RCU_SLOT_DEFINE_REF(cfg_ref, struct config, ref, config_free);

static struct cfg_ref current = RCU_SLOT_INITIALIZER(NULL);
static atomic_int stopping;
/* All handlers together: requests served, and served under a retired config. */
static atomic_ulong served, served_outlived;

static struct config *config_new(unsigned version)
{
	struct config *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->version = version;
	c->timeout_ms = 100 + (int)version;
	snprintf(c->backend, sizeof(c->backend), "backend-%u.internal",
		 version % 3);
	c->check = c->version ^ (unsigned)c->timeout_ms;
	atomic_fetch_add(&configs_made, 1);
	return c;
}

/* Block offline: under qsbr a sleeping online thread would stall reloads. */
static void block_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

struct handler {
	int id, step_ms;
	unsigned long requests, outlived, inconsistent;
};

static void *handler(void *arg)
{
	struct handler *h = arg;

	rcuslot_register_thread();
	while (!atomic_load(&stopping)) {
		unsigned version, newest = 0;
		char backend[32];
		/* [get] */
		/* The config this request is served under, whatever reloads do. */
		const struct config *c = cfg_ref_get(&current);

		if (!c)
			break;
		for (int step = 0; step < STEPS; step++) {
			block_ms(
				h->step_ms); /* a blocking call to c->backend */
			if (c->check != (c->version ^ (unsigned)c->timeout_ms))
				h->inconsistent++;
		}
		/* The answer names what it was served under. */
		version = c->version;
		memcpy(backend, c->backend, sizeof(backend));
		cfg_ref_put(
			c); /* may free it: a reload may have retired it long ago */
		/* [get] */
		RCUSLOT_READ_SCOPE(
			{ newest = cfg_ref_dereference(&current)->version; })
		if (newest != version) {
			if (h->outlived++ < 2)
				printf("  handler %d: request served by %s "
				       "under v%u; "
				       "v%u is current now\n",
				       h->id, backend, version, newest);
		}
		h->requests++;
		atomic_fetch_add(&served, 1);
		if (newest != version)
			atomic_fetch_add(&served_outlived, 1);
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/*
 * At least `min` reloads, and on until the handlers have served a few
 * requests, some under a config reloaded meanwhile (on a loaded machine
 * they may not run at first), up to `max`.
 */
static int keep_reloading(int done, int min, int max)
{
	if (done < min)
		return 1;
	return done < max && (atomic_load(&served) < 2UL * HANDLERS ||
			      atomic_load(&served_outlived) == 0);
}

/* The reload's copy step: the next version, built privately. */
static int next_version(const struct config *old, struct config **new_out,
			void *arg)
{
	(void)arg;
	*new_out = config_new(old->version + 1);
	return *new_out ? 0 : -1;
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int reloads = quick ? 12 : 40, period_ms = quick ? 3 : 25, done = 0;
	struct handler hs[HANDLERS];
	pthread_t threads[HANDLERS];
	unsigned long outlived = 0, inconsistent = 0, requests = 0;
	struct config *first;
	int i;

	rcuslot_register_thread();
	first = config_new(1);
	if (!first)
		return 1;
	cfg_ref_init(&current, first); /* the slot takes its reference */
	for (i = 0; i < HANDLERS; i++) {
		hs[i] = (struct handler){ .id = i,
					  .step_ms =
						  (quick ? 2 : 15) * (i + 1) };
		if (pthread_create(&threads[i], NULL, handler, &hs[i]) != 0)
			return 1;
	}
	for (i = 0; keep_reloading(i, reloads, 60000 / period_ms); i++) {
		struct cfg_ref_old old;

		block_ms(period_ms);
		if (cfg_ref_copy_update(&current, next_version, NULL, &old) !=
		    0) {
			fprintf(stderr, "held_config: out of memory\n");
			return 1;
		}
		/* Drops the slot's reference after a grace period; handlers
		 * that still hold the version keep it alive. */
		cfg_ref_old_defer(&old);
	}
	done = i;
	block_ms(period_ms);
	printf("reloader: %d reloads, now on v%d\n", done, done + 1);
	atomic_store(&stopping, 1);
	rcuslot_thread_offline();
	for (i = 0; i < HANDLERS; i++) {
		pthread_join(threads[i], NULL);
		printf("handler %d: %lu requests, %lu outlived their config's "
		       "reload\n",
		       i, hs[i].requests, hs[i].outlived);
		requests += hs[i].requests;
		outlived += hs[i].outlived;
		inconsistent += hs[i].inconsistent;
	}
	rcuslot_thread_online();
	cfg_ref_destroy(&current);
	rcuslot_barrier();
	rcuslot_unregister_thread();
	printf("%u configs made, %u freed; %lu requests, %lu served under a "
	       "retired "
	       "config, %lu inconsistent\n",
	       atomic_load(&configs_made), atomic_load(&configs_freed),
	       requests, outlived, inconsistent);
	return atomic_load(&configs_freed) == atomic_load(&configs_made) &&
			       inconsistent == 0 && requests > 0 && outlived > 0
		       ? 0
		       : 1;
}
