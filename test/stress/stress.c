/* SPDX-License-Identifier: MIT */
/*
 * stress: rcuslot under load, for a given time, checking at run time that
 * the kit never shows a torn object, never frees one early, twice or never.
 *
 *   stress [--seconds S] [--readers N] [--updaters N] [--churn N] [--slots N]
 *          [--seed N] [--fail-copy N] [--clear-copy N] [--fail-kit-alloc N]
 *          [--progress S] [--timeout S] [--inject-bug early-free|double-free|leak]
 *
 * Two kinds of slot share one object type: a plain one (name_old_defer
 * allocates a node) and an intrusive one (RCU_SLOT_DEFINE_HEAD). A run has
 * two phases over fresh slots:
 * - mixed (3/4 of the time): --updaters threads contend on the slots with
 *   copy_update (its callback widens the window between its read and the
 *   compare-and-exchange, so updaters collide and retry; retries are
 *   counted), replace and clearing to NULL, and retire every old object one
 *   of the ways the kit offers: old_free, old_reclaim then free, old_defer
 *   (node or intrusive head), or a batch freed or deferred as a whole.
 *   Even-numbered updaters are "hot": they nearly always copy and retire
 *   without waiting (defer, batch_defer), so they race each other's
 *   compare-and-exchange and fill the deferral queue to its bound. The
 *   copy callback fails, clears the slot or asks for no change at random;
 *   the kit's node allocator fails at random in updaters.
 * - ordered (1/4): one updater, so each slot's history is one sequence:
 *   readers check that the generations they see never go backwards, and
 *   the updater checks each operation's exact effect on the slot.
 * The mixed phase also runs a map (RCU_MAP_DEFINE) of the same objects:
 * updaters insert, upsert, replace, remove and copy_update random keys
 * (the same callback), retire what comes out the same ways, and now and
 * then insert and remove a burst of keys so the table grows and shrinks;
 * readers find keys and, now and then, iterate over the whole map.
 * Throughout, readers take nested read-side sections (plain calls and the
 * guards), hold what they dereference for random lengths (spinning,
 * yielding, sleeping) and check it is intact at the end, and churn lanes
 * run threads that register, read, unregister and exit, over and over.
 *
 * Invariants, each a counted check; a violation is printed and the program
 * exits 1:
 * - every object a reader (or a copy callback) sees is intact: magic
 *   number and checksum (free_fn poisons both before free()); one found in
 *   the map under a key holds that key;
 * - ordered phase: a reader's generations per slot never go backwards; an
 *   operation leaves the slot and the old handle exactly as documented;
 * - always: copy_update's error is the callback's, with an empty old
 *   handle; the object it retires is the one the winning copy was made of;
 * - every object is freed exactly once (ledger.c), and by the end of each
 *   phase every object allocated has been freed;
 * - no object is freed while a reader that could hold it is still inside
 *   its read-side critical section. The clock argument of
 *   test/check_concurrency.c: a reader stores, inside its section, a value
 *   it read from a global clock; an updater takes a stamp from the clock
 *   before it unpublishes an object. A reader whose value is <= the stamp
 *   read the clock first, so its section began before the unpublish and may
 *   hold the object: free_fn must never find such a reader still inside.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stress.h"
#include "ledger.h"

/* Options --------------------------------------------------------------- */

enum bug { BUG_NONE, BUG_EARLY_FREE, BUG_DOUBLE_FREE, BUG_LEAK };

static struct {
	double seconds;
	int readers, updaters, churn, slots;
	uint64_t seed;
	unsigned fail_copy, clear_copy, fail_kit_alloc;
	double progress, timeout;
	enum bug bug;
} opt = {
	.seconds = 10, .readers = 4, .updaters = 3, .churn = 2, .slots = 1,
	.seed = 1, .fail_copy = 32, .clear_copy = 48, .fail_kit_alloc = 16,
};

/* Random numbers: splitmix64, one state per thread. --------------------- */

struct rng {
	uint64_t s;
};

static uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

static struct rng rng_for(uint64_t stream)
{
	struct rng r = { opt.seed * 0x2545f4914f6cdd1du + stream };

	rng_next(&r);
	return r;
}

static void spin(uint64_t n)
{
	while (n--)
		caa_cpu_relax();
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

/* Blocking while registered: offline first (qsbr; a no-op elsewhere). */
static void offline_sleep_us(long us)
{
	rcuslot_thread_offline();
	sleep_us(us);
	rcuslot_thread_online();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Violations ------------------------------------------------------------ */

#define MAX_PRINTED 20

static atomic_long violations;

static void violation(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
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
	fprintf(stderr, "stress: VIOLATION: %s\n", msg);
	if (n == MAX_PRINTED - 1)
		fprintf(stderr, "stress: (further violations counted, not printed)\n");
}

/* The kit's allocator: fails at random in updater threads. -------------- */

static __thread struct rng *kit_rng; /* set in updater threads only */
static atomic_long kit_allocs, kit_frees, kit_failures;

void *stress_kit_malloc(size_t size)
{
	void *p;

	if (kit_rng && opt.fail_kit_alloc && rng_below(kit_rng, opt.fail_kit_alloc) == 0) {
		atomic_fetch_add(&kit_failures, 1);
		return NULL;
	}
	p = malloc(size);
	if (p)
		atomic_fetch_add(&kit_allocs, 1);
	return p;
}

void stress_kit_free(void *p)
{
	if (p)
		atomic_fetch_add(&kit_frees, 1);
	free(p);
}

/* Objects --------------------------------------------------------------- */

static atomic_uint_fast64_t next_gen = 1;
static atomic_long obj_allocs, obj_frees;
static atomic_long free_checks; /* invariant checks made by sobj_free */

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdu;
	x ^= x >> 33;
	return x;
}

static uint64_t sobj_checksum(const struct sobj *o)
{
	uint64_t h = 1469598103934665603u ^ mix(o->gen) ^ (o->id << 1);

	for (int i = 0; i < SOBJ_WORDS; i++)
		h = (h ^ o->word[i]) * 1099511628211u;
	return h;
}

static bool sobj_intact(const struct sobj *o)
{
	return o->magic == SOBJ_LIVE && o->sum == sobj_checksum(o);
}

/* A new object, derived from `from` (a copy) when given. */
static struct sobj *sobj_new(const struct sobj *from)
{
	struct sobj *o = malloc(sizeof(*o));

	if (!o) {
		fprintf(stderr, "stress: out of memory\n");
		abort();
	}
	o->magic = SOBJ_LIVE;
	o->gen = atomic_fetch_add(&next_gen, 1);
	o->id = ledger_alloc();
	for (int i = 0; i < SOBJ_WORDS; i++)
		o->word[i] = mix((from ? from->word[i] : o->id) + o->gen + (uint64_t)i);
	o->sum = sobj_checksum(o);
	atomic_init(&o->unpub, 0);
	atomic_fetch_add(&obj_allocs, 1);
	return o;
}

/* Clock and reader lanes ------------------------------------------------ */

static atomic_uint_fast64_t clock_now = 1;

/* One per reader thread and per churn lane: its section's clock value, or 0. */
struct lane {
	_Atomic uint64_t begin;
	char pad[64 - sizeof(uint64_t)];
};

static struct lane *lanes;
static int nlanes;

/* Nobody may be inside a section that began before o's unpublish. */
static void check_not_held(const struct sobj *o, uint64_t unpub)
{
	for (int l = 0; l < nlanes; l++) {
		uint64_t b = atomic_load(&lanes[l].begin);

		atomic_fetch_add(&free_checks, 1);
		if (b != 0 && b <= unpub)
			violation("object %" PRIu64 " (gen %" PRIu64 ") freed while reader lane %d "
				  "is still in a section it entered at clock %" PRIu64
				  ", before the object's unpublish (stamp %" PRIu64 ")",
				  o->id, o->gen, l, b, unpub);
	}
}

/* Every slot's free_fn. */
void sobj_free(struct sobj *o)
{
	uint64_t id = o->id, unpub;

	atomic_fetch_add(&free_checks, 1);
	if (!ledger_free(id)) {
		/* Not freeing it again is the one safe thing left to do. */
		violation("object %" PRIu64 " freed twice (or never allocated)", id);
		return;
	}
	atomic_fetch_add(&free_checks, 1);
	if (!sobj_intact(o))
		violation("object %" PRIu64 " not intact when freed (magic %#" PRIx64 ")",
			  id, o->magic);
	unpub = atomic_load(&o->unpub);
	if (unpub) /* 0: never published (a losing or failed copy) */
		check_not_held(o, unpub);
	/* Poison all but the id, so a late reader sees a dead object. */
	o->magic = SOBJ_DEAD;
	o->gen = UINT64_MAX;
	memset(o->word, 0xa5, sizeof(o->word));
	o->sum = 0;
	atomic_fetch_add(&obj_frees, 1);
	free(o);
}

/* Slots ----------------------------------------------------------------- */

static struct pslot *pslots;
static struct hslot *hslots;
static int nslots; /* of each kind; slot index i < nslots is pslots[i] */
static atomic_int stop;
static int ordered; /* set before the phase's threads start */

/* The map: keys 0 .. MAP_KEYS-1, and each updater's burst range. */
#define MAP_KEYS 1024
#define MAP_BURST_BASE 100000u
#define MAP_BURST 1024
static struct smap map;

static const struct sobj *slot_dereference(int i)
{
	return i < nslots ? pslot_dereference(&pslots[i]) : hslot_dereference(&hslots[i - nslots]);
}

/* Statistics: per thread, summed under a lock when it ends. ------------- */

struct stats {
	long reads, empty_reads, nested, guarded, held_long, slept_inside;
	long copy_updates, retries, copy_failed, copy_cleared, copy_kept;
	long replaces, clears;
	long ret_free, ret_reclaim, ret_defer, ret_defer_head, ret_batched;
	long batch_frees, batch_defers;
	long registrations, spawned;
	long map_finds, map_misses, map_iterations;
	long map_inserts, map_exists, map_upserts, map_replaces, map_absent;
	long map_removes, map_copy_updates, map_bursts, ret_map_defer;
	long checks;
};

static pthread_mutex_t totals_lock = PTHREAD_MUTEX_INITIALIZER;
static struct stats phase_totals;

static void stats_add(const struct stats *s)
{
	long *dst = (long *)&phase_totals;
	const long *src = (const long *)s;

	pthread_mutex_lock(&totals_lock);
	for (size_t i = 0; i < sizeof(*s) / sizeof(long); i++)
		dst[i] += src[i];
	pthread_mutex_unlock(&totals_lock);
}

/* Readers --------------------------------------------------------------- */

struct reader {
	int lane;
	struct rng rng;
	struct stats st;
	uint64_t *last_gen; /* per slot, ordered phase */
	pthread_t thread;
};

static void check_seen(struct reader *rd, const struct sobj *o, int slot)
{
	rd->st.checks++;
	if (!sobj_intact(o)) {
		violation("reader lane %d saw a torn or freed object in slot %d "
			  "(id %" PRIu64 ", magic %#" PRIx64 ")", rd->lane, slot, o->id, o->magic);
		return;
	}
	if (ordered) {
		rd->st.checks++;
		if (o->gen < rd->last_gen[slot])
			violation("reader lane %d: slot %d went back from generation %" PRIu64
				  " to %" PRIu64, rd->lane, slot, rd->last_gen[slot], o->gen);
		rd->last_gen[slot] = o->gen;
	}
}

/* Dereference a random slot and check what it holds; NULL if empty. */
static const struct sobj *read_slot(struct reader *rd)
{
	int slot = (int)rng_below(&rd->rng, 2 * (uint64_t)nslots);
	const struct sobj *o = slot_dereference(slot);

	rd->st.reads++;
	if (!o)
		rd->st.empty_reads++;
	else
		check_seen(rd, o, slot);
	return o;
}

/* A read under the scoped guard; the object is still checked inside. */
static void guarded_read(struct reader *rd)
{
	RCUSLOT_READ_GUARD();
	const struct sobj *o = read_slot(rd);

	rd->st.guarded++;
	spin(rng_below(&rd->rng, 32));
	if (o && !sobj_intact(o))
		violation("reader lane %d: object %" PRIu64 " torn inside a guard", rd->lane, o->id);
}

/* Hold what was dereferenced for a while: usually short, rarely long. */
static void hold(struct reader *rd)
{
	uint64_t r = rng_below(&rd->rng, 1000);

	if (r < 700) {
		spin(rng_below(&rd->rng, 64));
	} else if (r < 950) {
		spin(rng_below(&rd->rng, 4096));
		rd->st.held_long++;
	} else if (r < 995) {
		sched_yield();
		rd->st.held_long++;
	} else {
		sleep_us(20 + (long)rng_below(&rd->rng, 200)); /* a preempted reader */
		rd->st.slept_inside++;
	}
}

/* Find a random key in the map; what it finds is intact and holds the key. */
static const struct sobj *read_map(struct reader *rd)
{
	uint32_t key = (uint32_t)rng_below(&rd->rng, MAP_KEYS);
	const struct sobj *o = smap_find(&map, &key);

	rd->st.map_finds++;
	rd->st.checks++;
	if (!o)
		rd->st.map_misses++;
	else if (!sobj_intact(o) || o->key != key)
		violation("reader lane %d: map key %u found a torn, freed or misfiled object "
			  "(id %" PRIu64 ", key %u)", rd->lane, key, o->id, o->key);
	return o;
}

/* Every object the map holds is intact. */
static void iterate_map(struct reader *rd)
{
	const struct sobj *o;

	rd->st.map_iterations++;
	RCU_MAP_FOREACH(smap, &map, o) {
		rd->st.checks++;
		if (!sobj_intact(o))
			violation("reader lane %d: iteration met a torn or freed object "
				  "(id %" PRIu64 ")", rd->lane, o->id);
	}
}

/* One outermost read-side critical section, with nesting and holding. */
static void read_once(struct reader *rd)
{
	const struct sobj *held[5];
	int nheld = 0;

	rcuslot_read_lock();
	atomic_store(&lanes[rd->lane].begin, atomic_load(&clock_now));
	held[nheld++] = read_slot(rd);
	for (int depth = 0; depth < 2 && rng_below(&rd->rng, 4) == 0; depth++) {
		rcuslot_read_lock(); /* nested */
		rd->st.nested++;
		held[nheld++] = read_slot(rd);
		if (rng_below(&rd->rng, 2))
			guarded_read(rd);
		rcuslot_read_unlock();
	}
	if (rng_below(&rd->rng, 8) == 0) {
		RCUSLOT_READ_SCOPE({
			rd->st.nested++;
			held[nheld++] = read_slot(rd);
		})
	}
	if (!ordered) {
		held[nheld++] = read_map(rd);
		if (rng_below(&rd->rng, 256) == 0)
			iterate_map(rd);
	}
	hold(rd);
	/* Everything dereferenced in this section is still intact at its end. */
	for (int i = 0; i < nheld; i++) {
		rd->st.checks++;
		if (held[i] && !sobj_intact(held[i]))
			violation("reader lane %d: object %" PRIu64 " (gen %" PRIu64 ") torn or freed "
				  "while held", rd->lane, held[i]->id, held[i]->gen);
	}
	atomic_store(&lanes[rd->lane].begin, 0);
	rcuslot_read_unlock();
	rcuslot_quiescent_state(); /* qsbr: holds nothing now */
}

static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	rcuslot_register_thread();
	rd->st.registrations++;
	while (!atomic_load(&stop)) {
		read_once(rd);
		spin(rng_below(&rd->rng, 64));
		if (rng_below(&rd->rng, 512) == 0)
			offline_sleep_us(50);
	}
	rcuslot_unregister_thread();
	stats_add(&rd->st);
	return NULL;
}

/* Churn: threads that register, read, unregister, over and over, and exit. */
static void *churn_thread(void *arg)
{
	struct reader *rd = arg;
	int rounds = 1 + (int)rng_below(&rd->rng, 4);

	for (int r = 0; r < rounds && !atomic_load(&stop); r++) {
		int reads = 1 + (int)rng_below(&rd->rng, 200);

		rcuslot_register_thread();
		rd->st.registrations++;
		for (int i = 0; i < reads; i++)
			read_once(rd);
		rcuslot_unregister_thread();
	}
	return NULL;
}

/* A churn lane's own thread only spawns and joins: it never registers. */
static void *churn_lane(void *arg)
{
	struct reader *rd = arg;

	while (!atomic_load(&stop)) {
		pthread_t t;

		if (pthread_create(&t, NULL, churn_thread, rd) != 0) {
			violation("churn lane %d: pthread_create failed", rd->lane);
			break;
		}
		pthread_join(t, NULL);
		rd->st.spawned++;
	}
	stats_add(&rd->st);
	return NULL;
}

/* Updaters -------------------------------------------------------------- */

#define STRESS_ECOPY 77 /* what a failing copy callback returns */

enum outcome { OUT_NEW, OUT_FAILED, OUT_CLEARED, OUT_KEPT };

struct updater {
	int index;
	bool hot; /* copies, and retires without waiting, nearly all the time */
	struct rng rng;
	struct stats st;
	struct rcuslot_batch batch;
	size_t batch_target;
};

struct copy_ctx {
	struct updater *u;
	uint32_t key; /* a map's copy_update: the key a new object gets */
	int calls;
	enum outcome outcome;
	const struct sobj *saw;
	struct sobj *made;
};

/*
 * The copy callback. It may run several times per copy_update (each lost
 * race runs it again), so it only touches its context.
 */
static int copy_cb(const struct sobj *old, struct sobj **new_out, void *arg)
{
	struct copy_ctx *c = arg;
	struct updater *u = c->u;
	uint64_t r;

	c->calls++;
	c->saw = old;
	c->made = NULL;
	if (old) {
		u->st.checks++;
		if (!sobj_intact(old))
			violation("copy callback saw a torn or freed object (id %" PRIu64 ")", old->id);
	}
	/* Widen the window between the read and the compare-and-exchange. */
	r = rng_next(&u->rng);
	if (r % 4 == 0)
		sched_yield();
	else
		spin((r >> 8) % 1024);
	if (opt.fail_copy && rng_below(&u->rng, opt.fail_copy) == 0) {
		/* Build a copy, then fail: the callback frees its own work. */
		sobj_free(sobj_new(old));
		c->outcome = OUT_FAILED;
		return STRESS_ECOPY;
	}
	if (opt.clear_copy && rng_below(&u->rng, opt.clear_copy) == 0) {
		*new_out = NULL;
		c->outcome = OUT_CLEARED;
		return 0;
	}
	if (rng_below(&u->rng, 64) == 0) {
		*new_out = (struct sobj *)old; /* no change */
		c->outcome = OUT_KEPT;
		return 0;
	}
	c->made = sobj_new(old);
	c->made->key = c->key;
	*new_out = c->made;
	c->outcome = OUT_NEW;
	return 0;
}

static void flush_batch(struct updater *u)
{
	if (rcuslot_batch_count(&u->batch) == 0)
		return;
	if (!u->hot && rng_below(&u->rng, 2)) {
		rcuslot_batch_free(&u->batch);
		u->st.batch_frees++;
	} else {
		rcuslot_batch_defer(&u->batch);
		u->st.batch_defers++;
	}
	u->batch_target = 1 + rng_below(&u->rng, 150); /* often past one chunk (60) */
}

/* The object an old handle owns; test-only, to stamp and check it. */
#define OLD_OBJ(old) ((struct sobj *)rcuslot_priv_strip((old)->rcuslot_priv_obj))

/*
 * Broken on purpose (--inject-bug), to show the checks catch it. Returns
 * true when it has taken care of the handle itself.
 */
static bool inject_bug(struct updater *u, struct sobj *o, struct sobj **slot_obj)
{
	switch (opt.bug) {
	case BUG_EARLY_FREE: /* free without waiting for a grace period */
		if (rng_below(&u->rng, 4) == 0) {
			*slot_obj = NULL;
			sobj_free(o);
			return true;
		}
		break;
	case BUG_LEAK: /* forget it */
		if (rng_below(&u->rng, 64) == 0) {
			*slot_obj = NULL;
			return true;
		}
		break;
	default:
		break;
	}
	return false;
}

/*
 * Per slot kind: retire an old handle one of the kit's ways. `deferral` is
 * the counter old_defer feeds: a node for the plain kind, the object's own
 * head for the intrusive one.
 */
#define STRESS_DEF_RETIRE(S, deferral)                                         \
	static void S##_retire(struct updater *u, struct S##_old *old, uint64_t stamp) \
	{                                                                      \
		struct sobj *o = OLD_OBJ(old);                                 \
                                                                               \
		if (!o)                                                        \
			return;                                                \
		atomic_store(&o->unpub, stamp);                                \
		if (opt.bug && inject_bug(u, o, &(old)->rcuslot_priv_obj))                   \
			return;                                                \
		switch (u->hot ? (rng_below(&u->rng, 8) ? 2 : 15) : rng_below(&u->rng, 16)) { \
		case 0:                                                        \
			S##_old_free(old);                                     \
			u->st.ret_free++;                                      \
			if (opt.bug == BUG_DOUBLE_FREE && rng_below(&u->rng, 16) == 0) \
				sobj_free(o); /* same thread, at once: not reused yet */ \
			break;                                                 \
		case 1:                                                        \
			sobj_free(S##_old_reclaim(old));                       \
			u->st.ret_reclaim++;                                   \
			break;                                                 \
		case 2: case 3: case 4: case 5: case 6: case 7: case 8:        \
			S##_old_defer(old);                                    \
			u->st.deferral++;                                      \
			break;                                                 \
		default:                                                       \
			S##_batch_add(&u->batch, old);                         \
			u->st.ret_batched++;                                   \
			if (rcuslot_batch_count(&u->batch) >= u->batch_target) \
				flush_batch(u);                                \
			break;                                                 \
		}                                                              \
		u->st.checks++;                                                \
		if (!S##_old_is_empty(old))                                    \
			violation(#S ": a retired handle is not empty");       \
	}

/* Per slot kind: one random update of slot number si, then retire the old. */
#define STRESS_DEF_UPDATE(S)                                                   \
	static void S##_update(struct updater *u, struct S *slot, int si)      \
	{                                                                      \
		struct S##_old old;                                            \
		uint64_t stamp = atomic_fetch_add(&clock_now, 1);              \
		uint64_t r = rng_below(&u->rng, 100);                          \
		struct sobj *before = ordered ? S##_dereference_protected(slot) : NULL; \
                                                                               \
		if (r < (u->hot ? 90 : 60)) {                                  \
			struct copy_ctx c = { .u = u };                        \
			int err = S##_copy_update(slot, copy_cb, &c, &old);    \
                                                                               \
			u->st.copy_updates++;                                  \
			u->st.retries += c.calls - 1;                          \
			check_copy_update(u, err, &c, OLD_OBJ(&old), before,   \
					  S##_dereference_protected(slot), si); \
			if (err)                                               \
				return;                                        \
		} else if (r < (u->hot ? 95 : 90)) {                           \
			old = S##_replace(slot, sobj_new(NULL));               \
			u->st.replaces++;                                      \
			check_replace(u, OLD_OBJ(&old), before, si);           \
		} else {                                                       \
			old = S##_replace(slot, NULL);                         \
			u->st.clears++;                                        \
			check_replace(u, OLD_OBJ(&old), before, si);           \
		}                                                              \
		S##_retire(u, &old, stamp);                                    \
	}

/*
 * What copy_update promises; `now` is the slot's object after it, which
 * only the ordered phase's single updater can rely on.
 */
static void check_copy_update(struct updater *u, int err, const struct copy_ctx *c,
			      const struct sobj *retired, const struct sobj *before,
			      const struct sobj *now, int si)
{
	u->st.checks++;
	if (c->calls < 1)
		violation("slot %d: copy_update never called its callback", si);
	if (err) {
		u->st.copy_failed++;
		if (err != STRESS_ECOPY || c->outcome != OUT_FAILED)
			violation("slot %d: copy_update returned %d, not the callback's error", si, err);
		if (retired)
			violation("slot %d: a failed copy_update handed back an old object", si);
	} else if (c->outcome == OUT_KEPT) {
		u->st.copy_kept++;
		if (retired)
			violation("slot %d: copy_update with no change handed back an old object", si);
	} else {
		u->st.copy_cleared += c->outcome == OUT_CLEARED;
		if (retired != c->saw)
			violation("slot %d: copy_update retired another object than the one "
				  "its winning copy was made from", si);
	}
	if (!ordered)
		return;
	u->st.checks++;
	if (c->calls != 1)
		violation("slot %d: copy_update retried with a single updater", si);
	if (err || c->outcome == OUT_KEPT) {
		if (now != before)
			violation("slot %d: copy_update changed the slot on %s", si,
				  err ? "error" : "no change");
	} else if (now != c->made || retired != before) {
		violation("slot %d: copy_update did not publish its copy in place of the old", si);
	}
}

static void check_replace(struct updater *u, const struct sobj *retired,
			  const struct sobj *before, int si)
{
	if (!ordered)
		return;
	u->st.checks++;
	if (retired != before)
		violation("slot %d: replace handed back another object than the slot held", si);
}

STRESS_DEF_RETIRE(pslot, ret_defer)
STRESS_DEF_RETIRE(hslot, ret_defer_head)
STRESS_DEF_UPDATE(pslot)
STRESS_DEF_UPDATE(hslot)
STRESS_DEF_RETIRE(smap, ret_map_defer)

static struct sobj *map_obj_new(uint32_t key)
{
	struct sobj *o = sobj_new(NULL);

	o->key = key;
	return o;
}

/* Grow the table, then shrink it: a burst of keys in and out again. */
static void map_burst(struct updater *u)
{
	uint32_t base = MAP_BURST_BASE + (uint32_t)u->index * MAP_BURST;

	u->st.map_bursts++;
	for (uint32_t k = base; k < base + MAP_BURST; k++) {
		struct sobj *o = map_obj_new(k);

		if (smap_insert(&map, o) != 0) {
			violation("map burst: key %u already present", k);
			sobj_free(o);
		}
	}
	rcuslot_quiescent_state();
	for (uint32_t k = base; k < base + MAP_BURST; k++) {
		uint64_t stamp = atomic_fetch_add(&clock_now, 1);
		struct smap_old old = smap_remove(&map, &k);

		u->st.checks++;
		if (smap_old_is_empty(&old))
			violation("map burst: key %u missing", k);
		smap_retire(u, &old, stamp);
	}
}

/* One random map update, then retire what it took out. */
static void map_update(struct updater *u)
{
	uint32_t key = (uint32_t)rng_below(&u->rng, MAP_KEYS);
	uint64_t stamp = atomic_fetch_add(&clock_now, 1);
	uint64_t r = rng_below(&u->rng, 100);
	struct smap_old old = { NULL };
	struct sobj *o;

	if (rng_below(&u->rng, 512) == 0) {
		map_burst(u);
		return;
	}
	if (r < 20) {
		o = map_obj_new(key);
		u->st.map_inserts++;
		if (smap_insert(&map, o) == -EEXIST) {
			u->st.map_exists++;
			sobj_free(o); /* never visible: freed at once */
		}
	} else if (r < 35) {
		if (smap_upsert(&map, map_obj_new(key), &old) != 0)
			abort(); /* the map has its table: upsert cannot fail */
		u->st.map_upserts++;
	} else if (r < 50) {
		o = map_obj_new(key);
		u->st.map_replaces++;
		if (smap_replace(&map, o, &old) == -ENOENT) {
			u->st.map_absent++;
			sobj_free(o);
		}
	} else if (r < 70) {
		old = smap_remove(&map, &key);
		u->st.map_removes++;
	} else {
		struct copy_ctx c = { .u = u, .key = key };
		int err = smap_copy_update(&map, &key, copy_cb, &c, &old);

		u->st.map_copy_updates++;
		u->st.retries += c.calls - 1;
		check_copy_update(u, err, &c, OLD_OBJ(&old), NULL, NULL, (int)key);
		if (err)
			return;
	}
	u->st.checks++;
	if (OLD_OBJ(&old) && (!sobj_intact(OLD_OBJ(&old)) || OLD_OBJ(&old)->key != key))
		violation("map key %u: an update handed back a torn or misfiled object", key);
	smap_retire(u, &old, stamp);
}

static void *updater_main(void *arg)
{
	struct updater *u = arg;

	rcuslot_register_thread();
	u->st.registrations++;
	kit_rng = &u->rng;
	rcuslot_batch_init(&u->batch);
	u->batch_target = 1 + rng_below(&u->rng, 150);
	while (!atomic_load(&stop)) {
		int si = (int)rng_below(&u->rng, 2 * (uint64_t)nslots);

		if (!ordered && rng_below(&u->rng, 4) == 0)
			map_update(u);
		else if (si < nslots)
			pslot_update(u, &pslots[si], si);
		else
			hslot_update(u, &hslots[si - nslots], si);
		rcuslot_quiescent_state();
		if (rng_below(&u->rng, 1024) == 0)
			offline_sleep_us(100);
	}
	flush_batch(u);
	kit_rng = NULL;
	rcuslot_unregister_thread();
	stats_add(&u->st);
	return NULL;
}

/* Phases ---------------------------------------------------------------- */

static struct run_totals {
	long ops, retries, frees, checks;
} run;

static void start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	int err = pthread_create(t, NULL, fn, arg);

	if (err) {
		fprintf(stderr, "stress: pthread_create: %s\n", strerror(err));
		exit(1);
	}
}

static void join_offline(pthread_t t)
{
	rcuslot_thread_offline();
	pthread_join(t, NULL);
	rcuslot_thread_online();
}

/* At the end of a phase, with every thread joined: nothing left over. */
static long check_phase_end(const char *name)
{
	long leaked = ledger_live(), checks = 4;

	if (leaked) {
		uint64_t ids[5];
		int n = ledger_list_live(ids, 5);
		char list[128] = "";

		for (int i = 0; i < n; i++)
			snprintf(list + strlen(list), sizeof(list) - strlen(list), " %" PRIu64, ids[i]);
		violation("%s: %ld objects never freed (ids%s%s)", name, leaked, list,
			  leaked > n ? " ..." : "");
	}
	if (atomic_load(&obj_allocs) != atomic_load(&obj_frees))
		violation("%s: %ld objects allocated, %ld freed", name,
			  atomic_load(&obj_allocs), atomic_load(&obj_frees));
	/*
	 * librcuslot keeps used nodes for reuse; setting the allocator again
	 * gives them back, and fails if the kit still holds any other memory.
	 */
	if (rcuslot_set_allocator(stress_kit_malloc, stress_kit_free) != 0)
		violation("%s: the kit still holds memory with every thread joined", name);
	if (atomic_load(&kit_allocs) != atomic_load(&kit_frees))
		violation("%s: the kit allocated %ld nodes and freed %ld", name,
			  atomic_load(&kit_allocs), atomic_load(&kit_frees));
	if (rcuslot_defer_pending() != 0)
		violation("%s: %ld deferred frees still pending after rcuslot_barrier()",
			  name, rcuslot_defer_pending());
	return checks;
}

static void run_phase(const char *name, int updaters, double seconds, int is_ordered)
{
	int nreaders = opt.readers + opt.churn;
	struct reader *rd = calloc((size_t)nreaders, sizeof(*rd));
	struct updater *up = calloc((size_t)updaters, sizeof(*up));
	pthread_t *ut = calloc((size_t)updaters, sizeof(*ut));
	unsigned long gps = rcuslot_grace_periods_waited();
	unsigned long throttled = rcuslot_defer_throttled();
	long kit_failed = atomic_load(&kit_failures);
	long frees0 = atomic_load(&obj_frees), fchecks0 = atomic_load(&free_checks);
	struct stats *t = &phase_totals;
	double t0, next_progress;
	long ops, frees, checks;

	if (!rd || !up || !ut) {
		fprintf(stderr, "stress: out of memory\n");
		exit(1);
	}
	memset(&phase_totals, 0, sizeof(phase_totals));
	ordered = is_ordered;
	atomic_store(&stop, 0);
	for (int i = 0; i < nslots; i++) {
		pslot_init(&pslots[i], sobj_new(NULL));
		hslot_init(&hslots[i], sobj_new(NULL));
	}
	/* One bucket to start with: the table resizes as the phase runs. */
	if (smap_init(&map, 1) != 0) {
		fprintf(stderr, "stress: cannot create the map\n");
		exit(1);
	}
	for (int i = 0; i < nreaders; i++) {
		rd[i].lane = i;
		rd[i].rng = rng_for(1000 * (uint64_t)is_ordered + 100 + (uint64_t)i);
		rd[i].last_gen = calloc(2 * (size_t)nslots, sizeof(uint64_t));
		if (!rd[i].last_gen)
			abort();
		start(&rd[i].thread, i < opt.readers ? reader_main : churn_lane, &rd[i]);
	}
	for (int i = 0; i < updaters; i++) {
		up[i].index = i;
		/* Updaters 0, 2, ... race each other's compare-and-exchange. */
		up[i].hot = updaters > 1 && i % 2 == 0;
		up[i].rng = rng_for(1000 * (uint64_t)is_ordered + 500 + (uint64_t)i);
		start(&ut[i], updater_main, &up[i]);
	}

	t0 = now_s();
	next_progress = t0 + opt.progress;
	while (now_s() - t0 < seconds) {
		offline_sleep_us(10000);
		if (opt.progress > 0 && now_s() >= next_progress) {
			printf("stress: %s: %.0f s, %ld objects freed, %ld violations\n", name,
			       now_s() - t0, atomic_load(&obj_frees) - frees0,
			       atomic_load(&violations));
			fflush(stdout);
			next_progress += opt.progress;
		}
	}
	atomic_store(&stop, 1);
	for (int i = 0; i < updaters; i++)
		join_offline(ut[i]);
	for (int i = 0; i < nreaders; i++)
		join_offline(rd[i].thread);
	for (int i = 0; i < nslots; i++) {
		pslot_destroy(&pslots[i]);
		hslot_destroy(&hslots[i]);
	}
	smap_destroy(&map);
	rcuslot_barrier();
	checks = check_phase_end(name);

	ops = t->copy_updates + t->replaces + t->clears + t->map_inserts + t->map_upserts +
	      t->map_replaces + t->map_removes + t->map_copy_updates;
	frees = atomic_load(&obj_frees) - frees0;
	checks += t->checks + atomic_load(&free_checks) - fchecks0;
	printf("stress: phase %s: %d updaters, %d readers, %d churn lanes, %.1f s\n",
	       name, updaters, opt.readers, opt.churn, now_s() - t0);
	printf("  updates: copy_update=%ld (retries=%ld failed=%ld cleared=%ld unchanged=%ld) "
	       "replace=%ld clear=%ld\n", t->copy_updates, t->retries, t->copy_failed,
	       t->copy_cleared, t->copy_kept, t->replaces, t->clears);
	printf("  retired: old_free=%ld old_reclaim=%ld old_defer=%ld old_defer(head)=%ld "
	       "batched=%ld (batch_free=%ld batch_defer=%ld)\n", t->ret_free, t->ret_reclaim,
	       t->ret_defer, t->ret_defer_head, t->ret_batched, t->batch_frees, t->batch_defers);
	printf("  kit: grace periods waited=%lu, deferrals throttled=%lu, "
	       "node allocations failed=%ld\n", rcuslot_grace_periods_waited() - gps,
	       rcuslot_defer_throttled() - throttled, atomic_load(&kit_failures) - kit_failed);
	printf("  readers: reads=%ld (empty %ld) nested=%ld guarded=%ld held long=%ld "
	       "slept inside=%ld; registrations=%ld, churn threads=%ld\n", t->reads,
	       t->empty_reads, t->nested, t->guarded, t->held_long, t->slept_inside,
	       t->registrations, t->spawned);
	if (!is_ordered)
		printf("  map: finds=%ld (absent %ld) iterations=%ld; insert=%ld (present %ld) "
		       "upsert=%ld replace=%ld (absent %ld) remove=%ld copy_update=%ld "
		       "bursts=%ld; retired by old_defer=%ld\n", t->map_finds, t->map_misses,
		       t->map_iterations, t->map_inserts, t->map_exists, t->map_upserts,
		       t->map_replaces, t->map_absent, t->map_removes, t->map_copy_updates,
		       t->map_bursts, t->ret_map_defer);
	printf("  objects freed=%ld, invariants checked=%ld, violations so far=%ld\n",
	       frees, checks, atomic_load(&violations));
	fflush(stdout);
	run.ops += ops;
	run.retries += t->retries;
	run.frees += frees;
	run.checks += checks;

	for (int i = 0; i < nreaders; i++)
		free(rd[i].last_gen);
	free(rd);
	free(up);
	free(ut);
}

/* Command line ---------------------------------------------------------- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: stress [options]\n"
		"  --seconds S         run time, 3/4 mixed phase, 1/4 ordered (default 10)\n"
		"  --readers N         reader threads (default 4)\n"
		"  --updaters N        updater threads of the mixed phase (default 3)\n"
		"  --churn N           lanes of threads that register, read, unregister\n"
		"                      and exit, over and over (default 2)\n"
		"  --slots N           slots of each kind, plain and intrusive (default 1)\n"
		"  --seed N            random seed (default 1)\n"
		"  --fail-copy N       a copy callback fails 1 time in N (0: never; default 32)\n"
		"  --clear-copy N      a copy callback empties the slot 1 time in N (default 48)\n"
		"  --fail-kit-alloc N  the kit's node allocation fails 1 time in N (default 16)\n"
		"  --progress S        a progress line every S seconds (default: none)\n"
		"  --timeout S         give up, exit 3, after S seconds (default 10*seconds+120)\n"
		"  --inject-bug KIND   early-free, double-free or leak: break the program on\n"
		"                      purpose, to see the checks fail\n");
}

static double arg_num(const char *name, const char *s, double min, double max)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || *end || v < min || v > max) {
		fprintf(stderr, "stress: --%s: want a number from %g to %g, not \"%s\"\n",
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
		{ "churn", required_argument, NULL, 'c' },
		{ "slots", required_argument, NULL, 'n' },
		{ "seed", required_argument, NULL, 'S' },
		{ "fail-copy", required_argument, NULL, 'f' },
		{ "clear-copy", required_argument, NULL, 'C' },
		{ "fail-kit-alloc", required_argument, NULL, 'k' },
		{ "progress", required_argument, NULL, 'p' },
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
		case 's': opt.seconds = arg_num(name, optarg, 0.1, 1e6); break;
		case 'r': opt.readers = (int)arg_num(name, optarg, 1, 256); break;
		case 'u': opt.updaters = (int)arg_num(name, optarg, 1, 256); break;
		case 'c': opt.churn = (int)arg_num(name, optarg, 0, 256); break;
		case 'n': opt.slots = (int)arg_num(name, optarg, 1, 1024); break;
		case 'S': opt.seed = (uint64_t)arg_num(name, optarg, 0, 1e18); break;
		case 'f': opt.fail_copy = (unsigned)arg_num(name, optarg, 0, 1e9); break;
		case 'C': opt.clear_copy = (unsigned)arg_num(name, optarg, 0, 1e9); break;
		case 'k': opt.fail_kit_alloc = (unsigned)arg_num(name, optarg, 0, 1e9); break;
		case 'p': opt.progress = arg_num(name, optarg, 0, 1e6); break;
		case 't': opt.timeout = arg_num(name, optarg, 1, 1e7); break;
		case 'b':
			if (!strcmp(optarg, "early-free"))
				opt.bug = BUG_EARLY_FREE;
			else if (!strcmp(optarg, "double-free"))
				opt.bug = BUG_DOUBLE_FREE;
			else if (!strcmp(optarg, "leak"))
				opt.bug = BUG_LEAK;
			else {
				fprintf(stderr, "stress: --inject-bug: early-free, double-free or leak\n");
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
	static const char msg[] = "stress: watchdog: the run did not end in time "
				  "(a grace period or barrier that never ends?)\n";

	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(3);
	_exit(3);
}

static const char *bug_name[] = { "none", "early-free", "double-free", "leak" };

int main(int argc, char **argv)
{
	double t0;

	parse_args(argc, argv);
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGALRM, watchdog);
	alarm((unsigned)opt.timeout);

	nslots = opt.slots;
	nlanes = opt.readers + opt.churn;
	pslots = calloc((size_t)nslots, sizeof(*pslots));
	hslots = calloc((size_t)nslots, sizeof(*hslots));
	lanes = aligned_alloc(64, sizeof(*lanes) * (size_t)nlanes);
	if (!pslots || !hslots || !lanes)
		abort();
	for (int l = 0; l < nlanes; l++)
		atomic_init(&lanes[l].begin, 0);
	printf("stress: flavor=%s seed=%" PRIu64 " seconds=%g readers=%d updaters=%d churn=%d "
	       "slots=%d fail-copy=1/%u clear-copy=1/%u fail-kit-alloc=1/%u%s%s\n",
	       RCUSLOT_FLAVOR_NAME, opt.seed, opt.seconds, opt.readers, opt.updaters,
	       opt.churn, opt.slots, opt.fail_copy, opt.clear_copy, opt.fail_kit_alloc,
	       opt.bug ? " inject-bug=" : "", opt.bug ? bug_name[opt.bug] : "");

	if (rcuslot_set_allocator(stress_kit_malloc, stress_kit_free) != 0 ||
	    rcuslot_set_defer_max(STRESS_DEFER_MAX) != 0)
		abort();
	rcuslot_register_thread(); /* to destroy the slots between phases */
	t0 = now_s();
	run_phase("mixed", opt.updaters, opt.seconds * 0.75, 0);
	run_phase("ordered", 1, opt.seconds * 0.25, 1);
	rcuslot_barrier();
	rcuslot_unregister_thread();

	printf("stress: %s flavor=%s seed=%" PRIu64 " %.1f s: ops=%ld retries=%ld frees=%ld "
	       "invariants=%ld violations=%ld\n",
	       atomic_load(&violations) ? "FAIL" : "PASS", RCUSLOT_FLAVOR_NAME, opt.seed,
	       now_s() - t0, run.ops, run.retries, run.frees, run.checks,
	       atomic_load(&violations));
	free(pslots);
	free(hslots);
	free(lanes);
	return atomic_load(&violations) ? 1 : 0;
}
