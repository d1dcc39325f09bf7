/* SPDX-License-Identifier: MIT */
/*
 * list_stress: an RCU list (RCU_LIST_DEFINE) under load, for a given time,
 * checking at run time that walks are what the list promises and that no
 * entry is freed early, twice or never.
 *
 *   list_stress [--seconds S] [--readers N] [--updaters N] [--stable N]
 *               [--seed N] [--timeout S] [--inject-bug early-free|double-free|leak]
 *
 * The list holds --stable positions (entries with even keys 0, 2, ...) that
 * updaters replace all the time, and transient entries (key 2k+1, right
 * after position k) that they add and remove. Updater i does, by i % 3:
 * - 0: replace a stable entry found by walking (updaters of this kind race
 *   for the same few entries, so some find theirs gone: an empty handle);
 * - 1: add_after a stable entry found by walking (-ENOENT when it was
 *   replaced meanwhile), or remove a transient found by walking;
 * - 2: compound updates under the list's lock: a sorted insert, or the
 *   removal of the n-th transient, through the locked walk;
 * and retires every entry it takes out one of the ways the kit offers, in
 * turn: old_free, old_defer, old_reclaim then free, a batch freed or
 * deferred. Readers walk in nested sections (plain calls and the guards),
 * hold what they saw for random lengths (spinning, yielding, sleeping) and
 * check it again at the end.
 *
 * Invariants, each a counted check; a violation is printed and the program
 * exits 1:
 * - every entry a walk sees is intact (magic and checksum; free_fn poisons
 *   both), during the walk and at the end of its section;
 * - along a walk keys never go down, each stable position appears exactly
 *   once and in order (replace is atomic), and no entry appears twice;
 * - every entry is freed exactly once (ledger.c), and by the end of the run
 *   every entry allocated has been freed;
 * - no entry is freed while a reader whose section began before its unlink
 *   is still inside (the clock argument of stress.c: an updater stamps the
 *   entry from the clock before it unlinks it, the first stamp wins).
 *
 * Exit status: 0 all checks held; 1 a violation; 2 usage; 3 the watchdog
 * fired (a grace period or barrier never ended).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* getopt_long */
#endif
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <rcuslot/rcuslot.h>

#include "ledger.h"

enum bug { BUG_NONE, BUG_EARLY_FREE, BUG_DOUBLE_FREE, BUG_LEAK };

static struct {
	double seconds, timeout;
	int readers, updaters, stable;
	uint64_t seed;
	enum bug bug;
} opt = { .seconds = 10, .readers = 4, .updaters = 4, .stable = 16, .seed = 1 };

#define MAX_TRANSIENT 32
#define MAX_PRINTED 20

static atomic_long violations, checks;

static void violation(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static void violation(const char *fmt, ...)
{
	long n = atomic_fetch_add(&violations, 1);
	char msg[512];
	va_list ap;

	if (n >= MAX_PRINTED)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "list_stress: VIOLATION: %s\n", msg);
}

/* splitmix64, one state per thread */
static uint64_t rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static unsigned below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Entries ----------------------------------------------------------------- */

#define ENT_LIVE 0x4c157a11e4c157a1u
#define ENT_DEAD 0xdeaddeaddeaddeadu

struct ent {
	uint64_t
		magic; /* glibc reuses a freed block's first 16 bytes: magic, key */
	long key;
	uint64_t id; /* ledger id; kept through poisoning */
	uint64_t sum;
	struct rcuslot_list_node node;
	_Atomic uint64_t
		unpub; /* clock stamp before its unlink; 0: never unlinked */
};

static atomic_long allocs, frees;

static uint64_t ent_sum(const struct ent *e)
{
	return (e->id * 0xff51afd7ed558ccdu) ^ ((uint64_t)e->key << 17) ^
	       0x5bd1e995u;
}

static int ent_intact(const struct ent *e)
{
	atomic_fetch_add(&checks, 1);
	return e->magic == ENT_LIVE && e->sum == ent_sum(e);
}

static struct ent *ent_new(long key)
{
	struct ent *e = malloc(sizeof(*e));

	if (!e) {
		fprintf(stderr, "list_stress: out of memory\n");
		abort();
	}
	e->magic = ENT_LIVE;
	e->id = ledger_alloc();
	e->key = key;
	e->sum = ent_sum(e);
	atomic_init(&e->unpub, 0);
	atomic_fetch_add(&allocs, 1);
	return e;
}

/* Clock and reader lanes: a reader's section's clock value, or 0. */
static atomic_uint_fast64_t clock_now = 1;
struct lane {
	_Atomic uint64_t begin;
	char pad[64 - sizeof(uint64_t)];
};
static struct lane *lanes;

/*
 * The ledger's and the lanes' checks of a free, then poison: false if the
 * entry was freed before (it must not be touched again).
 */
static bool ent_release(struct ent *e)
{
	uint64_t unpub;

	if (!ledger_free(e->id)) {
		violation("entry %" PRIu64 " freed twice (or never allocated)",
			  e->id);
		return false;
	}
	if (!ent_intact(e))
		violation("entry %" PRIu64 " not intact when freed", e->id);
	unpub = atomic_load(&e->unpub);
	for (int l = 0; unpub && l < opt.readers; l++) {
		uint64_t b = atomic_load(&lanes[l].begin);

		atomic_fetch_add(&checks, 1);
		if (b != 0 && b <= unpub)
			violation("entry %" PRIu64 " freed while reader lane "
						   "%d is still in a section "
				  "it entered at clock %" PRIu64
				  ", before the entry's unlink "
				  "(stamp %" PRIu64 ")",
				  e->id, l, b, unpub);
	}
	e->magic = ENT_DEAD;
	e->key = -1;
	e->sum = 0;
	atomic_fetch_add(&frees, 1);
	return true;
}

static void ent_free(struct ent *e)
{
	if (ent_release(e))
		free(e);
}

/*
 * The injected early free: checked and poisoned as a free, but the memory
 * is kept until exit. A reader still on the entry follows its links; had
 * the block gone back to malloc, that walk could fault (a crash, not the
 * violation the run must report) instead of finding the poison.
 */
static pthread_mutex_t quarantine_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ent **quarantine;
static size_t quarantined, quarantine_cap;

static void ent_free_early(struct ent *e)
{
	if (!ent_release(e))
		return;
	pthread_mutex_lock(&quarantine_lock);
	if (quarantined == quarantine_cap) {
		quarantine_cap = quarantine_cap ? 2 * quarantine_cap : 1024;
		quarantine = realloc(quarantine,
				     quarantine_cap * sizeof(*quarantine));
		if (!quarantine)
			abort();
	}
	quarantine[quarantined++] = e;
	pthread_mutex_unlock(&quarantine_lock);
}

RCU_LIST_DEFINE(slist, struct ent, node, ent_free);

static struct slist list = RCU_LIST_INITIALIZER(list);
static atomic_int stop, transients;
static atomic_long walks, replaced, lost, added, enoent, removed;

static void stamp(const struct ent *e)
{
	uint64_t zero = 0, now = atomic_fetch_add(&clock_now, 1);

	atomic_compare_exchange_strong(&((struct ent *)e)->unpub, &zero, now);
}

/* Readers ------------------------------------------------------------------ */

#define SEEN_MAX 512

static void hold(uint64_t *rng)
{
	unsigned how = below(rng, 64);

	if (how < 48) {
		for (unsigned n = below(rng, 256); n > 0; n--)
			caa_cpu_relax();
	} else if (how < 62) {
		sched_yield();
	} else {
		struct timespec ts = { 0, 50000 };

		nanosleep(&ts,
			  NULL); /* inside the section: grace periods wait */
	}
}

/* One walk, checked; seen[] gets what it saw. Returns how many. */
static int walk(const struct ent **seen)
{
	const struct ent *e;
	int n = 0, stable = 0;
	long last = -1;

	RCU_LIST_FOREACH(slist, &list, e) {
		if (!ent_intact(e)) {
			violation("a walk saw entry %" PRIu64
				  " not intact (freed?)",
				  e->id);
			break;
		}
		if (e->key < last)
			violation("keys went down along a walk: %ld after %ld",
				  e->key, last);
		if (e->key % 2 == 0 && e->key != 2L * stable++)
			violation("stable position %d seen as key %ld: a "
				  "position missed or "
				  "seen twice",
				  stable - 1, e->key);
		for (int i = 0; i < n; i++)
			if (seen[i] == e)
				violation("a walk saw entry %" PRIu64 " twice",
					  e->id);
		if (n == SEEN_MAX) {
			violation("a walk of more than %d entries", SEEN_MAX);
			break;
		}
		seen[n++] = e;
		last = e->key;
	}
	atomic_fetch_add(&checks, 4);
	if (stable != opt.stable)
		violation("a walk saw %d stable positions of %d", stable,
			  opt.stable);
	return n;
}

/* One read-side section's work: a walk, maybe a nested one, then hold. */
static void section(int l, uint64_t *rng, const struct ent **seen,
		    const struct ent **inner)
{
	int n, m = 0;

	atomic_store(&lanes[l].begin, atomic_load(&clock_now));
	n = walk(seen);
	if (below(rng, 4) == 0) { /* a nested section, by guard */
		RCUSLOT_READ_GUARD();
		m = walk(inner);
	}
	hold(rng);
	for (int i = 0; i < n; i++)
		if (!ent_intact(seen[i]))
			violation("entry %" PRIu64 " freed under a reader",
				  seen[i]->id);
	for (int i = 0; i < m; i++)
		if (!ent_intact(inner[i]))
			violation("entry %" PRIu64
				  " freed under a nested reader",
				  inner[i]->id);
	atomic_store(&lanes[l].begin, 0);
}

static void *reader(void *arg)
{
	int l = (int)(intptr_t)arg;
	uint64_t rng = opt.seed * 7919 + (uint64_t)l;
	const struct ent *seen[SEEN_MAX], *inner[SEEN_MAX];

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		if (below(&rng, 2)) {
			rcuslot_read_lock();
			section(l, &rng, seen, inner);
			rcuslot_read_unlock();
		} else {
			RCUSLOT_READ_SCOPE({ section(l, &rng, seen, inner); })
		}
		atomic_fetch_add(&walks, 1);
		rcuslot_quiescent_state();
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* Updaters ----------------------------------------------------------------- */

struct updater {
	int id;
	uint64_t rng;
	struct rcuslot_batch batch;
	unsigned turn;
};

/* The entry an old handle owns; test-only, for the injected bugs. */
#define OLD_OBJ(old) ((struct ent *)rcuslot_priv_strip((old)->rcuslot_priv_obj))

static void retire(struct updater *u, struct slist_old *old)
{
	if (opt.bug == BUG_LEAK && below(&u->rng, 64) == 0)
		return; /* the handle dropped: its entry is never freed */
	if (opt.bug == BUG_EARLY_FREE && below(&u->rng, 4) == 0) {
		ent_free_early(OLD_OBJ(
			old)); /* no grace period: readers may be on it */
		old->rcuslot_priv_obj = NULL;
		return;
	}
	switch (u->turn++ % 6) {
	case 0:
		slist_old_free(old);
		break;
	case 1:
	case 2:
		slist_old_defer(old);
		break;
	case 3: {
		struct ent *e = slist_old_reclaim(old);

		ent_free(e);
		if (opt.bug == BUG_DOUBLE_FREE && below(&u->rng, 16) == 0)
			ent_free(
				e); /* same thread, at once: the ledger refuses it */
		break;
	}
	default:
		slist_batch_add(&u->batch, old);
		if (rcuslot_batch_count(&u->batch) >= 8) {
			if (u->turn % 2)
				rcuslot_batch_free(&u->batch);
			else
				rcuslot_batch_defer(&u->batch);
		}
		break;
	}
}

static const struct ent *find(long key)
{
	const struct ent *e;

	RCU_LIST_FOREACH(slist, &list, e)
		if (e->key == key)
			return e;
	return NULL;
}

static void dawdle(struct updater *u)
{
	for (unsigned n = below(&u->rng, 512); n > 0; n--)
		caa_cpu_relax();
}

static void do_replace(struct updater *u)
{
	/* Half the time one of the first four positions: replacers collide. */
	long key = 2L *
		   below(&u->rng, below(&u->rng, 2) ? 4 : (unsigned)opt.stable);
	struct ent *fresh = ent_new(key);
	struct slist_old old;
	const struct ent *cur;
	int err;

	rcuslot_read_lock();
	cur = find(key);
	if (!cur)
		violation("stable key %ld not found", key);
	dawdle(u);
	stamp(cur);
	err = slist_replace(&list, cur, fresh, &old);
	rcuslot_read_unlock();
	if (err) {
		if (err != -ENOENT || !slist_old_is_empty(&old))
			violation("replace failed with %d", err);
		atomic_fetch_add(&lost, 1);
		ent_free(fresh); /* never published */
		return;
	}
	atomic_fetch_add(&replaced, 1);
	retire(u, &old);
}

static void do_walk_update(struct updater *u)
{
	long k = below(&u->rng, (unsigned)opt.stable);
	struct slist_old old = { NULL };

	if (atomic_load(&transients) < MAX_TRANSIENT && below(&u->rng, 2)) {
		struct ent *n = ent_new(2 * k + 1);
		int err;

		rcuslot_read_lock();
		const struct ent *pos = find(2 * k);

		dawdle(u);
		err = slist_add_after(&list, pos, n);
		rcuslot_read_unlock();
		if (err == -ENOENT) {
			atomic_fetch_add(&enoent, 1);
			ent_free(n);
		} else if (err) {
			violation("add_after returned %d", err);
		} else {
			atomic_fetch_add(&transients, 1);
			atomic_fetch_add(&added, 1);
		}
		return;
	}
	rcuslot_read_lock();
	const struct ent *e = find(2 * k + 1);

	if (e) {
		dawdle(u);
		stamp(e);
		old = slist_remove(&list, e);
	}
	rcuslot_read_unlock();
	if (!slist_old_is_empty(&old)) {
		atomic_fetch_sub(&transients, 1);
		atomic_fetch_add(&removed, 1);
		retire(u, &old);
	}
}

static void do_locked_update(struct updater *u)
{
	struct slist_old old = { NULL };
	struct ent *e;

	if (atomic_load(&transients) < MAX_TRANSIENT && below(&u->rng, 2)) {
		struct ent *n =
			ent_new(2L * below(&u->rng, (unsigned)opt.stable) + 1);

		slist_lock(&list);
		RCU_LIST_FOREACH_LOCKED(slist, &list, e)
		if (e->key > n->key)
			break;
		if (!e)
			slist_add_tail_locked(&list, n);
		else if (slist_add_before_locked(&list, e, n) != 0)
			violation("add_before_locked next to a linked entry "
				  "failed");
		slist_unlock(&list);
		atomic_fetch_add(&transients, 1);
		atomic_fetch_add(&added, 1);
		return;
	}
	unsigned skip = below(&u->rng, 4);

	slist_lock(&list);
	RCU_LIST_FOREACH_LOCKED(slist, &list, e)
	{
		if (e->key % 2 && skip-- == 0) {
			stamp(e);
			old = slist_remove_locked(&list, e);
			break;
		}
	}
	slist_unlock(&list);
	if (!slist_old_is_empty(&old)) {
		atomic_fetch_sub(&transients, 1);
		atomic_fetch_add(&removed, 1);
		retire(u, &old);
	}
}

static void *updater(void *arg)
{
	struct updater *u = arg;

	rcuslot_register_thread();
	while (!atomic_load(&stop)) {
		switch (u->id % 3) {
		case 0:
			do_replace(u);
			break;
		case 1:
			do_walk_update(u);
			break;
		default:
			do_locked_update(u);
			break;
		}
		rcuslot_quiescent_state();
	}
	rcuslot_batch_defer(&u->batch);
	rcuslot_unregister_thread();
	return NULL;
}

/* Command line and the run ------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f, "usage: list_stress [options]\n"
		   "  --seconds S         run time (default 10)\n"
		   "  --readers N         reader threads (default 4)\n"
		   "  --updaters N        updater threads, kinds in turn: "
		   "replace, walk and\n"
		   "                      update, locked compound update "
		   "(default 4)\n"
		   "  --stable N          stable positions in the list "
		   "(default 16)\n"
		   "  --seed N            random seed (default 1)\n"
		   "  --timeout S         give up, exit 3, after S seconds "
		   "(default 10*seconds+120)\n"
		   "  --inject-bug KIND   early-free, double-free or leak: "
		   "break the program on\n"
		   "                      purpose, to see the checks fail\n");
}

static double arg_num(const char *name, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr,
			"list_stress: --%s: want a number from %g to %g, not "
			"\"%s\"\n",
			name, min, max, s);
		exit(2);
	}
	return v;
}

static void parse_args(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seconds", required_argument, NULL, 's' },
		{ "readers", required_argument, NULL, 'r' },
		{ "updaters", required_argument, NULL, 'u' },
		{ "stable", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' },
		{ "timeout", required_argument, NULL, 't' },
		{ "inject-bug", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		const char *name = NULL;

		for (const struct option *o = longopts; o->name; o++)
			if (o->val == c)
				name = o->name;
		switch (c) {
		case 's':
			opt.seconds = arg_num(name, optarg, 0.1, 1e6);
			break;
		case 'r':
			opt.readers = (int)arg_num(name, optarg, 1, 256);
			break;
		case 'u':
			opt.updaters = (int)arg_num(name, optarg, 1, 256);
			break;
		case 'n':
			opt.stable = (int)arg_num(name, optarg, 1, 256);
			break;
		case 'S':
			opt.seed = (uint64_t)arg_num(name, optarg, 0, 1e18);
			break;
		case 't':
			opt.timeout = arg_num(name, optarg, 1, 1e7);
			break;
		case 'b':
			if (!strcmp(optarg, "early-free"))
				opt.bug = BUG_EARLY_FREE;
			else if (!strcmp(optarg, "double-free"))
				opt.bug = BUG_DOUBLE_FREE;
			else if (!strcmp(optarg, "leak"))
				opt.bug = BUG_LEAK;
			else {
				fprintf(stderr, "list_stress: --inject-bug: "
						"early-free, double-free "
						"or leak\n");
				exit(2);
			}
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			exit(2);
		}
	}
	if (optind < argc) {
		usage(stderr);
		exit(2);
	}
	if (opt.timeout == 0)
		opt.timeout = 10 * opt.seconds + 120;
}

static void watchdog(int sig)
{
	static const char msg[] =
		"list_stress: watchdog: the run did not end in time "
		"(a grace period or barrier that never ends?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static const char *bug_name[] = { "none", "early-free", "double-free", "leak" };

int main(int argc, char **argv)
{
	pthread_t *rt, *ut;
	struct updater *up;
	double t0;
	long live;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, watchdog);
	alarm((unsigned)opt.timeout);
	lanes = aligned_alloc(64, sizeof(*lanes) * (size_t)opt.readers);
	rt = calloc((size_t)opt.readers, sizeof(*rt));
	ut = calloc((size_t)opt.updaters, sizeof(*ut));
	up = calloc((size_t)opt.updaters, sizeof(*up));
	if (!lanes || !rt || !ut || !up)
		abort();
	for (int l = 0; l < opt.readers; l++)
		atomic_init(&lanes[l].begin, 0);
	printf("list_stress: flavor=%s seed=%" PRIu64
	       " seconds=%g readers=%d updaters=%d "
	       "stable=%d%s%s\n",
	       RCUSLOT_FLAVOR_NAME, opt.seed, opt.seconds, opt.readers,
	       opt.updaters, opt.stable, opt.bug ? " inject-bug=" : "",
	       opt.bug ? bug_name[opt.bug] : "");

	rcuslot_register_thread();
	for (long k = 0; k < opt.stable; k++)
		slist_add_tail(&list, ent_new(2 * k));
	t0 = now_s();
	for (int l = 0; l < opt.readers; l++)
		if (pthread_create(&rt[l], NULL, reader, (void *)(intptr_t)l) !=
		    0)
			abort();
	for (int i = 0; i < opt.updaters; i++) {
		up[i] = (struct updater){ .id = i,
					  .rng = opt.seed * 104729 +
						 (uint64_t)i,
					  .batch = RCUSLOT_BATCH_INITIALIZER };
		if (pthread_create(&ut[i], NULL, updater, &up[i]) != 0)
			abort();
	}
	rcuslot_thread_offline();
	while (now_s() - t0 < opt.seconds) {
		struct timespec ts = { 0, 50000000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < opt.updaters; i++)
		pthread_join(ut[i], NULL);
	for (int l = 0; l < opt.readers; l++)
		pthread_join(rt[l], NULL);
	rcuslot_thread_online();
	slist_destroy(&list);
	rcuslot_barrier();
	rcuslot_unregister_thread();

	live = ledger_live();
	atomic_fetch_add(&checks, 1);
	if (live != 0 || atomic_load(&frees) != atomic_load(&allocs)) {
		uint64_t ids[8];
		int n = ledger_list_live(ids, 8);

		violation("%ld objects never freed (%ld allocated, %ld freed), "
			  "first id %" PRIu64,
			  live, atomic_load(&allocs), atomic_load(&frees),
			  n ? ids[0] : 0);
	}
	printf("list_stress: walks=%ld replaced=%ld lost-races=%ld added=%ld "
	       "enoent=%ld "
	       "removed=%ld\n",
	       atomic_load(&walks), atomic_load(&replaced), atomic_load(&lost),
	       atomic_load(&added), atomic_load(&enoent),
	       atomic_load(&removed));
	printf("list_stress: %s flavor=%s seed=%" PRIu64 " %.1f s: entries=%ld "
	       "invariants=%ld violations=%ld\n",
	       atomic_load(&violations) ? "FAIL" : "PASS", RCUSLOT_FLAVOR_NAME,
	       opt.seed, now_s() - t0, atomic_load(&allocs),
	       atomic_load(&checks), atomic_load(&violations));
	for (size_t i = 0; i < quarantined; i++)
		free(quarantine[i]);
	free(quarantine);
	free(lanes);
	free(rt);
	free(ut);
	free(up);
	return atomic_load(&violations) ? 1 : 0;
}
