/* SPDX-License-Identifier: MIT */
/*
 * hooks: reader threads run every request through a chain of handlers in
 * priority order, while a control thread inserts, reorders, replaces and
 * removes handlers underneath them.
 *
 * The chain is an RCU list (RCU_LIST_DEFINE): a request walks it without a
 * lock and never waits for the control thread, and a handler taken out is
 * freed only after every request that could still be running it is done.
 * The control thread changes the chain under the list's own lock, one
 * compound step at a time (find the place, insert, take the old one out),
 * so the chain is in priority order at every instant and every walk sees
 * it so.
 *
 * Each request checks what it relies on: priorities never go down along a
 * walk, every handler it runs is intact (never a freed one), and the two
 * handlers the control thread never touches, "auth" first and "respond"
 * last, run exactly once per request that is not rejected on the way.
 *
 * Works with every liburcu flavor (the quiescent-state and offline calls
 * matter under qsbr and cost nothing elsewhere).
 *
 *   hooks [--quick]
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

#define READERS 3
#define HOOK_LIVE 0x600dc0deu

struct request {
	unsigned long id;
	int auth, respond; /* how many times each ran */
};

struct hook {
	unsigned magic; /* HOOK_LIVE until freed */
	int prio;       /* lower runs first */
	char name[16];
	/* 0: go on; 1: the request is done (rejected). */
	int (*fn)(const struct hook *h, struct request *rq);
	long arg;
	struct rcuslot_list_node node;
};

static atomic_uint hooks_made, hooks_freed;

static void hook_free(struct hook *h)
{
	h->magic = 0;
	atomic_fetch_add(&hooks_freed, 1);
	free(h);
}

RCU_LIST_DEFINE(hook_list, struct hook, node, hook_free);

static struct hook_list handlers = RCU_LIST_INITIALIZER(handlers);
static atomic_int stopping;

/* The handlers. --------------------------------------------------------- */

static int run_auth(const struct hook *h, struct request *rq)
{
	(void)h;
	rq->auth++;
	return 0;
}

/* Reject one request in `arg`. */
static int run_ratelimit(const struct hook *h, struct request *rq)
{
	return h->arg > 0 && rq->id % (unsigned long)h->arg == 0;
}

static int run_pass(const struct hook *h, struct request *rq)
{
	(void)h;
	(void)rq;
	return 0;
}

static int run_respond(const struct hook *h, struct request *rq)
{
	(void)h;
	rq->respond++;
	return 0;
}

static struct hook *hook_new(const char *name, int prio,
			     int (*fn)(const struct hook *, struct request *),
			     long arg)
{
	struct hook *h = malloc(sizeof(*h));

	if (!h) {
		fprintf(stderr, "hooks: out of memory\n");
		exit(1);
	}
	h->magic = HOOK_LIVE;
	h->prio = prio;
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->fn = fn;
	h->arg = arg;
	atomic_fetch_add(&hooks_made, 1);
	return h;
}

/* Readers. ---------------------------------------------------------------- */

struct reader_stats {
	int id;
	unsigned long requests, rejected, handlers_run, broken;
};

static void *reader(void *arg)
{
	struct reader_stats *st = arg;

	rcuslot_register_thread();
	while (!atomic_load(&stopping)) {
		struct request rq = { st->requests + 1, 0, 0 };
		int rejected = 0;

		RCUSLOT_READ_SCOPE({
			const struct hook *h;
			int last_prio = -1;

			RCU_LIST_FOREACH(hook_list, &handlers, h) {
				if (h->magic != HOOK_LIVE ||
				    h->prio < last_prio)
					st->broken++;
				last_prio = h->prio;
				st->handlers_run++;
				if (h->fn(h, &rq)) {
					rejected = 1;
					break; /* leaves the walk; the scope unlocks */
				}
			}
		})
		rcuslot_quiescent_state(); /* qsbr: holds no handler now */
		if (rq.auth != 1 || rq.respond != !rejected)
			st->broken++;
		st->requests++;
		st->rejected += (unsigned long)rejected;
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* The control thread's steps, each under the list's lock. ------------------ */

/* Insert h before the first handler of a higher priority. Lock held. */
static void insert_sorted_locked(struct hook *h)
{
	struct hook *e;

	RCU_LIST_FOREACH_LOCKED(hook_list, &handlers, e) {
		if (e->prio > h->prio) {
			/* e is linked: we hold the lock, nobody removed it. */
			if (hook_list_add_before_locked(&handlers, e, h) != 0)
				abort();
			return;
		}
	}
	hook_list_add_tail_locked(&handlers, h);
}

static struct hook *find_locked(const char *name)
{
	struct hook *e;

	RCU_LIST_FOREACH_LOCKED(hook_list, &handlers, e)
		if (strcmp(e->name, name) == 0)
			return e;
	return NULL;
}

static void add_hook(struct hook *h)
{
	hook_list_lock(&handlers);
	insert_sorted_locked(h);
	hook_list_unlock(&handlers);
	printf("control: added %s at priority %d\n", h->name, h->prio);
}

/*
 * Move a handler: a copy goes in at its new place first, then the old one
 * comes out, in one lock hold. A request may run it twice while it moves
 * later in the chain (old place, then new), or miss it while it moves
 * earlier: what a chain of handlers can afford, not what auth can.
 */
static void move_hook(const char *name, int prio)
{
	struct hook_list_old old;
	struct hook *cur, *copy;

	hook_list_lock(&handlers);
	cur = find_locked(name);
	copy = hook_new(cur->name, prio, cur->fn, cur->arg);
	insert_sorted_locked(copy);
	old = hook_list_remove_locked(&handlers, cur);
	hook_list_unlock(&handlers);
	hook_list_old_defer(&old); /* freed once no request can be running it */
	printf("control: moved %s to priority %d\n", name, prio);
}

/* Change a handler's argument in place: a request runs the old or the new. */
static void retune_hook(const char *name, long arg)
{
	struct hook_list_old old;
	struct hook *cur, *copy;

	hook_list_lock(&handlers);
	cur = find_locked(name);
	copy = hook_new(cur->name, cur->prio, cur->fn, arg);
	/* under the lock, cur cannot have been removed meanwhile */
	if (hook_list_replace_locked(&handlers, cur, copy, &old) != 0)
		abort();
	hook_list_unlock(&handlers);
	hook_list_old_defer(&old);
	printf("control: %s now rejects 1 request in %ld\n", name, arg);
}

static void remove_hook(const char *name)
{
	struct hook_list_old old;

	hook_list_lock(&handlers);
	old = hook_list_remove_locked(&handlers, find_locked(name));
	hook_list_unlock(&handlers);
	hook_list_old_defer(&old);
	printf("control: removed %s\n", name);
}

static void print_chain(void)
{
	printf("  chain:");
	RCUSLOT_READ_SCOPE({
		const struct hook *h;

		RCU_LIST_FOREACH(hook_list, &handlers, h)
			printf(" %s(%d)", h->name, h->prio);
	})
	printf("\n");
}

/* Sleep offline: under qsbr a sleeping online thread would stall grace periods. */
static void pause_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

int main(int argc, char **argv)
{
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	int period_ms = quick ? 10 : 200, rounds = quick ? 3 : 5;
	struct reader_stats stats[READERS];
	pthread_t threads[READERS];
	unsigned long broken = 0, requests = 0;

	rcuslot_register_thread();
	add_hook(hook_new("auth", 0, run_auth, 0));
	add_hook(hook_new("ratelimit", 10, run_ratelimit, 7));
	add_hook(hook_new("compress", 60, run_pass, 0));
	add_hook(hook_new("respond", 100, run_respond, 0));
	print_chain();
	for (int i = 0; i < READERS; i++) {
		stats[i] = (struct reader_stats){ .id = i };
		if (pthread_create(&threads[i], NULL, reader, &stats[i]) != 0)
			return 1;
	}
	for (int r = 0; r < rounds; r++) {
		pause_ms(period_ms);
		add_hook(hook_new("trace", 50, run_pass, 0));
		pause_ms(period_ms);
		move_hook("compress", 20);
		print_chain();
		pause_ms(period_ms);
		retune_hook("ratelimit", 3 + r);
		pause_ms(period_ms);
		move_hook("compress", 60);
		remove_hook("trace");
		print_chain();
	}
	pause_ms(period_ms);
	atomic_store(&stopping, 1);
	rcuslot_thread_offline();
	for (int i = 0; i < READERS; i++) {
		pthread_join(threads[i], NULL);
		printf("reader %d: %lu requests, %lu rejected, %lu handler "
		       "runs\n",
		       i, stats[i].requests, stats[i].rejected,
		       stats[i].handlers_run);
		broken += stats[i].broken;
		requests += stats[i].requests;
	}
	rcuslot_thread_online();
	hook_list_destroy(
		&handlers); /* every handler freed before it returns */
	rcuslot_barrier();  /* and every deferred one */
	rcuslot_unregister_thread();
	printf("%u handlers made, %u freed; %lu requests, %lu broken\n",
	       atomic_load(&hooks_made), atomic_load(&hooks_freed), requests,
	       broken);
	return atomic_load(&hooks_made) == atomic_load(&hooks_freed) &&
			       broken == 0 && requests > 0
		       ? 0
		       : 1;
}
