/* SPDX-License-Identifier: MIT */
/*
 * asn_lookup: IPv4 address to AS number, in an RCU ordered map.
 *
 *   asn_lookup [--quick] [--ranges N] [--readers N] [--seconds S]
 *
 * The table is a set of non-overlapping address ranges, each announced by
 * one AS, kept in an RCU_TREE_DEFINE tree keyed by the range's first
 * address: the range holding an address is the one with the greatest start
 * at or below it (as_tree_floor()), if it reaches that far. Reader threads
 * look random addresses up without locks while a control thread changes
 * the table in batches, each one transaction that readers see whole or not
 * at all: a block of ranges renumbered to a new AS, a range split in two,
 * two neighbours merged, a block withdrawn and announced again with new
 * boundaries.
 *
 * Every reader checks what it sees, and the batches are built so that a
 * half-applied one shows. The address space is cut into blocks (16 ranges
 * each at first), and a range never leaves its block. A batch rewrites two
 * blocks whole, stamping its number into every range of both, with the
 * count of ranges it leaves in the block and the other block's number. So
 * in one version of the table (one view, or one walk) the ranges of a
 * block all carry one batch number and the count of the block; and the
 * other block of that batch carries that number or a later one. A reader
 * that took one view (as_tree_view()) checks a block and then its peer; a
 * walk (RCU_TREE_FOREACH_RANGE) checks a block; both check that ranges
 * never overlap. A violation prints one line and makes the exit status 1.
 *
 * Options: --ranges N (default 100000), --readers N (default 2),
 * --seconds S of batches (default 5; 1 with --quick, which scons check
 * runs in every configuration). The exit status is 0 only when every check
 * held, and when, after as_tree_destroy() and rcuslot_barrier(), every
 * range is freed and every byte the kit allocated (the tree's nodes) is
 * back with the allocator, which counts them.
 *
 * --self-test shows that the checks work: it commits each batch as two
 * transactions, one block each, and between them waits until a reader has
 * looked; the exit status is then 0 only if the readers caught it.
 *
 * Works with every liburcu flavor (the quiescent-state and offline calls
 * matter under qsbr and cost nothing elsewhere).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rcuslot/rcuslot.h>

#define BLOCK_RANGES 16L /* ranges per block in the initial table */
#define BLOCK_MAX 32     /* a split never takes a block past this */
#define NO_PEER UINT32_MAX
#define LOOKUPS_PER_SECTION 64
#define VIOLATIONS_SHOWN 10

struct asrange {
	uint32_t start; /* the key: never changes while in a tree */
	uint32_t end, asn;
	/* What the readers check: */
	uint32_t gen;    /* the batch that last rewrote its block (0: none) */
	uint32_t nblock; /* how many ranges that batch left in the block */
	uint32_t peer;   /* the other block of that batch (NO_PEER: none) */
	uint32_t sum;    /* range_sum() of the above: torn or freed, it fails */
};

static atomic_long ranges_made, ranges_freed;

static void asrange_free(struct asrange *r)
{
	r->sum = ~r->sum; /* a reader that still held it would see it */
	atomic_fetch_add(&ranges_freed, 1);
	free(r);
}

RCU_TREE_DEFINE(as_tree, struct asrange, start, asrange_free);

static struct as_tree table;
static uint32_t nblocks;
static uint64_t block_span; /* addresses per block (the last one has more) */
static atomic_ulong violations;
static atomic_int stopping;
/* The two blocks the control thread is changing: the readers look there. */
static atomic_uint hot[2];

/* The kit's allocator, counting: the tree's nodes come from it. */
static atomic_long kit_bytes, kit_peak;

static void *counting_alloc(size_t size)
{
	max_align_t *p = malloc(sizeof(max_align_t) + size);
	long now;

	if (!p)
		return NULL;
	*(size_t *)p = size;
	now = atomic_fetch_add(&kit_bytes, (long)size) + (long)size;
	for (long peak = atomic_load(&kit_peak); now > peak;)
		if (atomic_compare_exchange_weak(&kit_peak, &peak, now))
			break;
	return p + 1;
}

static void counting_release(void *ptr)
{
	max_align_t *p = ptr;

	if (!p)
		return;
	p--;
	atomic_fetch_sub(&kit_bytes, (long)*(size_t *)p);
	free(p);
}

/* Helpers. ------------------------------------------------------------- */

static uint64_t rng_next(uint64_t *s) /* xorshift64: one per thread */
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Dotted quad, in one of a few buffers of the thread's: 3 per message. */
static const char *ip(uint32_t a)
{
	static _Thread_local char bufs[4][INET_ADDRSTRLEN];
	static _Thread_local unsigned next;
	struct in_addr in = { htonl(a) };
	char *buf = bufs[next++ % 4];

	return inet_ntop(AF_INET, &in, buf, INET_ADDRSTRLEN);
}

static uint32_t block_lo(uint32_t b)
{
	return (uint32_t)(b * block_span);
}

static uint32_t block_hi(uint32_t b)
{
	return b + 1 == nblocks ? UINT32_MAX
				: (uint32_t)((b + 1) * block_span - 1);
}

static uint32_t block_of(uint32_t addr)
{
	uint64_t b = addr / block_span;

	return b < nblocks ? (uint32_t)b : nblocks - 1;
}

static uint32_t range_sum(const struct asrange *r)
{
	const uint32_t f[] = { r->start, r->end,    r->asn,
			       r->gen,   r->nblock, r->peer };
	uint32_t h = 2166136261u; /* FNV-1a over the fields */

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		h = (h ^ f[i]) * 16777619u;
	return h;
}

static struct asrange *range_new(uint32_t start, uint32_t end, uint32_t asn,
				 uint32_t gen, uint32_t nblock, uint32_t peer)
{
	struct asrange *r = malloc(sizeof(*r));

	if (!r) {
		fprintf(stderr, "asn_lookup: out of memory\n");
		exit(1);
	}
	*r = (struct asrange){ .start = start,
			       .end = end,
			       .asn = asn,
			       .gen = gen,
			       .nblock = nblock,
			       .peer = peer };
	r->sum = range_sum(r);
	atomic_fetch_add(&ranges_made, 1);
	return r;
}

static void violation(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	if (atomic_fetch_add(&violations, 1) >= VIOLATIONS_SHOWN)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "asn_lookup: VIOLATION: %s\n", msg); /* one line */
}

/* Sleep offline: under qsbr a sleeping online thread stalls grace periods. */
static void pause_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000L };

	rcuslot_thread_offline();
	nanosleep(&ts, NULL);
	rcuslot_thread_online();
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* What readers check. ---------------------------------------------------- */

/* A range is whole and inside its block. */
static int range_ok(const struct asrange *r, const char *how)
{
	if (r->sum != range_sum(r)) {
		violation("%s: range at %s is torn or freed", how,
			  ip(r->start));
		return 0;
	}
	if (r->start > r->end || block_of(r->start) != block_of(r->end)) {
		violation("%s: range %s-%s is not inside one block", how,
			  ip(r->start), ip(r->end));
		return 0;
	}
	return 1;
}

/* A block's ranges as one version of the table shows them, in key order. */
struct block_seen {
	uint32_t block;
	unsigned n;
	uint32_t first_start, last_end;
	uint32_t gen, nblock, peer, asn;
};

static void see(struct block_seen *s, const struct asrange *r, const char *how)
{
	if (!range_ok(r, how))
		return;
	if (block_of(r->start) != s->block)
		violation("%s of block %u: range %s-%s is another block's", how,
			  s->block, ip(r->start), ip(r->end));
	if (s->n == 0) {
		s->first_start = r->start;
		s->gen = r->gen;
		s->nblock = r->nblock;
		s->peer = r->peer;
		s->asn = r->asn;
	} else {
		if (r->start <= s->last_end)
			violation("%s of block %u: range %s-%s overlaps the "
				  "one before it, which ends at %s",
				  how, s->block, ip(r->start), ip(r->end),
				  ip(s->last_end));
		if (r->gen != s->gen || r->nblock != s->nblock ||
		    r->peer != s->peer || r->asn != s->asn)
			violation("%s of block %u: a half-applied batch: "
				  "ranges of batch %u (AS%u) and of batch %u "
				  "(AS%u) in one version",
				  how, s->block, s->gen, s->asn, r->gen,
				  r->asn);
	}
	s->last_end = r->end;
	s->n++;
}

static void seen_all(const struct block_seen *s, const char *how)
{
	if (s->n == 0)
		violation("%s of block %u: empty, which no batch leaves it",
			  how, s->block);
	else if (s->n != s->nblock)
		violation("%s of block %u: %u ranges where batch %u left %u: "
			  "a half-applied batch",
			  how, s->block, s->n, s->gen, s->nblock);
}

/*
 * One view: block b, then the other block of the batch that last wrote it,
 * from the same version. Inside a read-side section.
 */
static void check_view(uint32_t b)
{
	struct as_tree_view v = as_tree_view(&table);
	struct block_seen s = { .block = b }, p = { .block = NO_PEER };
	const struct asrange *r;

	RCU_TREE_VIEW_FOREACH_RANGE(as_tree, &v, r, block_lo(b), block_hi(b))
		see(&s, r, "view");
	seen_all(&s, "view");
	r = as_tree_view_ceil(&v, block_lo(b));
	if (s.n > 0 && (!r || r->start != s.first_start))
		violation("view of block %u: ceil and the walk disagree", b);
	if (s.n == 0 || s.peer == NO_PEER)
		return;
	p.block = s.peer;
	RCU_TREE_VIEW_FOREACH_RANGE(as_tree, &v, r, block_lo(p.block),
				   block_hi(p.block))
		see(&p, r, "view");
	seen_all(&p, "view");
	if (p.n > 0 && p.gen < s.gen)
		violation("view: batch %u half applied: block %u has it, "
			  "its other block %u is still at batch %u",
			  s.gen, b, p.block, p.gen);
}

/* One walk of block b: one version too. Inside a read-side section. */
static void check_walk(uint32_t b)
{
	struct block_seen s = { .block = b };
	const struct asrange *r;

	RCU_TREE_FOREACH_RANGE(as_tree, &table, r, block_lo(b), block_hi(b))
		see(&s, r, "walk");
	seen_all(&s, "walk");
}

struct reader {
	pthread_t tid;
	uint64_t rng;
	unsigned long lookups, hits;
	atomic_ulong checks; /* rounds done: the control thread waits on it */
};

static struct reader *readers;
static long nreaders = 2;

/*
 * Memory ordering: what a reader sees of the table is ordered by the tree
 * (a version is published with a release store and read with a dependent
 * load); `hot` and `stopping` are hints, relaxed would do. Only
 * --self-test relies on more: the control thread publishes half a batch,
 * then a seq_cst fence, then reads each reader's `checks`; a reader ends
 * each round with a seq_cst increment of `checks` and a seq_cst fence. A
 * round that begins after an increment the control thread did not see
 * therefore begins after its fence, and (C11's rule for two seq_cst
 * fences) sees that half batch and the `hot` blocks stored before it.
 */
static void *reader_main(void *arg)
{
	struct reader *rd = arg;

	rcuslot_register_thread();
	for (unsigned round = 0; !atomic_load(&stopping); round++) {
		uint32_t b;

		/* Point lookups: the range holding each address, if any. */
		rcuslot_read_lock();
		for (int i = 0; i < LOOKUPS_PER_SECTION; i++) {
			uint32_t addr = (uint32_t)rng_next(&rd->rng);
			const struct asrange *r = as_tree_floor(&table, addr);

			if (!r || !range_ok(r, "floor"))
				continue;
			if (r->start > addr)
				violation("floor of %s: a range above it",
					  ip(addr));
			else if (addr <= r->end)
				rd->hits++;
		}
		rcuslot_read_unlock();
		rd->lookups += LOOKUPS_PER_SECTION;
		rcuslot_quiescent_state(); /* qsbr: holds no range now */

		/* A block being changed, or any; by a view or a walk in turn. */
		if (round % 3 < 2)
			b = atomic_load_explicit(&hot[round % 3],
						 memory_order_relaxed);
		else
			b = (uint32_t)(rng_next(&rd->rng) % nblocks);
		rcuslot_read_lock();
		if (round & 1)
			check_walk(b);
		else
			check_view(b);
		rcuslot_read_unlock();
		rcuslot_quiescent_state();
		atomic_fetch_add(&rd->checks, 1);
		atomic_thread_fence(memory_order_seq_cst);
	}
	rcuslot_unregister_thread();
	return NULL;
}

/* The control thread's batches. ------------------------------------------ */

struct bounds {
	uint32_t start, end;
};

/* A block's ranges, before or after a batch. */
struct block_plan {
	uint32_t block, asn;
	unsigned n;
	struct bounds r[BLOCK_MAX];
};

enum change { RENUMBER, SPLIT, MERGE, REANNOUNCE, CHANGES };

/* n ranges spread over block p->block, with gaps between them. */
static void layout(struct block_plan *p, unsigned n, uint64_t *rng)
{
	uint64_t lo = block_lo(p->block), hi = block_hi(p->block);
	uint64_t cell = (hi - lo + 1) / n;

	p->n = n;
	for (unsigned i = 0; i < n; i++) {
		uint64_t start = lo + i * cell + rng_next(rng) % (cell / 4);
		uint64_t len = cell / 2 + rng_next(rng) % (cell / 4);

		p->r[i].start = (uint32_t)start;
		p->r[i].end = (uint32_t)(start + len - 1);
	}
}

/*
 * The block as it is. The control thread is the only updater, so the
 * version it reads is the latest and stays so until it commits.
 */
static void read_block(struct block_plan *p, uint32_t b)
{
	const struct asrange *r;

	p->block = b;
	p->n = 0;
	rcuslot_read_lock();
	RCU_TREE_FOREACH_RANGE(as_tree, &table, r, block_lo(b), block_hi(b)) {
		if (p->n == BLOCK_MAX)
			abort(); /* the batches never make a block so large */
		p->asn = r->asn;
		p->r[p->n].start = r->start;
		p->r[p->n].end = r->end;
		p->n++;
	}
	rcuslot_read_unlock();
}

/* A range of old that can be split, from a random one on; -1 if none. */
static int splittable(const struct block_plan *old, uint64_t *rng)
{
	unsigned i = (unsigned)(rng_next(rng) % old->n);

	for (unsigned k = 0; k < old->n; k++, i = (i + 1) % old->n)
		if (old->r[i].end > old->r[i].start)
			return (int)i;
	return -1;
}

/* Plan change c of old into new; returns the change made. */
static enum change plan(const struct block_plan *old, struct block_plan *new,
			enum change c, uint64_t *rng)
{
	int split = old->n < BLOCK_MAX ? splittable(old, rng) : -1;
	unsigned i;

	if (c == SPLIT && split < 0)
		c = MERGE;
	if (c == MERGE && old->n < 2)
		c = split < 0 ? RENUMBER : SPLIT;
	*new = *old;
	switch (c) {
	case RENUMBER:
		new->asn = 64512 + (uint32_t)(rng_next(rng) % 1000);
		if (new->asn == old->asn)
			new->asn++;
		break;
	case SPLIT:
		i = (unsigned)split;
		memmove(&new->r[i + 1], &old->r[i],
			(old->n - i) * sizeof(old->r[0]));
		new->r[i].end =
			old->r[i].start + (old->r[i].end - old->r[i].start) / 2;
		new->r[i + 1].start = new->r[i].end + 1;
		new->n++;
		break;
	case MERGE:
		i = (unsigned)(rng_next(rng) % (old->n - 1));
		new->r[i].end = old->r[i + 1].end; /* the gap between too */
		memmove(&new->r[i + 1], &old->r[i + 2],
			(old->n - i - 2) * sizeof(old->r[0]));
		new->n--;
		break;
	default:
		layout(new, 4 + (unsigned)(rng_next(rng) % 13), rng);
		break;
	}
	return c;
}

static int has_start(const struct block_plan *p, uint32_t start)
{
	for (unsigned i = 0; i < p->n; i++)
		if (p->r[i].start == start)
			return 1;
	return 0;
}

/*
 * Put the changes of old[i] into new[i] (i from `from` to `to`) into txn,
 * every range stamped with batch gen. The new ranges go in `made` (they
 * are the caller's again if the transaction is aborted). 0 or an error.
 */
static int stage(struct as_tree_txn *txn, const struct block_plan *old,
		 const struct block_plan *new, uint32_t peer, uint32_t gen,
		 struct asrange **made, unsigned *nmade)
{
	int err;

	for (unsigned i = 0; i < old->n; i++) /* withdrawn */
		if (!has_start(new, old->r[i].start)) {
			err = as_tree_txn_remove(txn, old->r[i].start);
			if (err)
				return err;
		}
	for (unsigned i = 0; i < new->n; i++) {
		struct asrange *r = range_new(new->r[i].start, new->r[i].end,
					      new->asn, gen, new->n, peer);

		made[(*nmade)++] = r;
		/* a range that starts where one did replaces it */
		err = has_start(old, r->start) ? as_tree_txn_upsert(txn, r)
					       : as_tree_txn_insert(txn, r);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Commit the changes of old[from..to) into new[from..to) as one batch.
 * 0, or an error (the table unchanged).
 */
static int commit(const struct block_plan *old, const struct block_plan *new,
		  int from, int to, uint32_t gen, unsigned long serial)
{
	struct rcuslot_batch retired = RCUSLOT_BATCH_INITIALIZER;
	struct asrange *made[2 * BLOCK_MAX];
	unsigned nmade = 0;
	struct as_tree_txn txn;
	int err = as_tree_txn_begin(&table, &txn);

	if (err)
		return err;
	for (int k = from; k < to && !err; k++)
		err = stage(&txn, &old[k], &new[k], new[1 - k].block, gen, made,
			    &nmade);
	if (err) {
		/* nothing published: every range given to txn is ours */
		as_tree_txn_abort(&txn);
		while (nmade > 0)
			asrange_free(made[--nmade]);
		return err;
	}
	/*
	 * Readers see every change at once. What it replaced or removed goes
	 * into `retired`, freed after one grace period for the whole batch.
	 */
	err = as_tree_txn_commit(&txn, &retired);
	if (err) {
		while (nmade > 0) /* as an abort: nothing published */
			asrange_free(made[--nmade]);
		return err;
	}
	if (serial % 16 == 0)
		rcuslot_batch_free(&retired); /* waits for the grace period */
	else
		rcuslot_batch_defer(&retired); /* freed by call_rcu's thread */
	return 0;
}

struct control {
	uint64_t rng;
	uint32_t gen;
	unsigned long batches, by_change[CHANGES], errors;
	long ranges; /* in the table, by the control thread's count */
	int self_test;
};

/*
 * --self-test, between the two halves of a batch: wait until a reader has
 * done six rounds that began after the first half was published. One of
 * them checks block a and its peer through one view, which shows block a
 * at this batch and its peer before it.
 */
static void wait_for_a_reader(void)
{
	unsigned long seen[64];

	atomic_thread_fence(memory_order_seq_cst);
	for (long i = 0; i < nreaders; i++)
		seen[i] = atomic_load(&readers[i].checks);
	for (;;) {
		for (long i = 0; i < nreaders; i++)
			if (atomic_load(&readers[i].checks) >= seen[i] + 7)
				return; /* 1 round under way, then 6 after */
		pause_us(100);
	}
}

static void one_batch(struct control *ctl)
{
	struct block_plan old[2], new[2];
	uint32_t a = (uint32_t)(rng_next(&ctl->rng) % nblocks);
	uint32_t b = (a + 1 + (uint32_t)(rng_next(&ctl->rng) % (nblocks - 1))) %
		     nblocks;
	uint32_t gen = ctl->gen + 1;
	int err;

	atomic_store_explicit(&hot[0], a, memory_order_relaxed);
	atomic_store_explicit(&hot[1], b, memory_order_relaxed);
	read_block(&old[0], a);
	read_block(&old[1], b);
	for (int k = 0; k < 2; k++) {
		enum change c = (enum change)(rng_next(&ctl->rng) % CHANGES);

		c = plan(&old[k], &new[k], c, &ctl->rng);
		ctl->by_change[c]++;
	}
	if (!ctl->self_test) {
		err = commit(old, new, 0, 2, gen, ctl->batches);
	} else {
		/* the fault the readers must catch: the batch in two steps */
		err = commit(old, new, 0, 1, gen, ctl->batches);
		if (!err) {
			wait_for_a_reader();
			err = commit(old, new, 1, 2, gen, ctl->batches);
		}
	}
	if (err) {
		fprintf(stderr, "asn_lookup: batch %u refused: %s\n", gen,
			strerror(-err));
		ctl->errors++;
		return;
	}
	ctl->gen = gen;
	ctl->batches++;
	ctl->ranges +=
		(long)(new[0].n + new[1].n) - (long)(old[0].n + old[1].n);
}

/* The whole table, once more, after the readers stopped. */
static void check_all(long expect)
{
	struct as_tree_view v;
	const struct asrange *r, *last = NULL;
	long walked = 0, reverse = 0, in_blocks = 0;

	rcuslot_read_lock();
	v = as_tree_view(&table);
	for (uint32_t b = 0; b < nblocks; b++) {
		struct block_seen s = { .block = b };

		RCU_TREE_VIEW_FOREACH_RANGE(as_tree, &v, r, block_lo(b),
					   block_hi(b))
			see(&s, r, "final view");
		seen_all(&s, "final view");
		in_blocks += s.n;
	}
	RCU_TREE_FOREACH(as_tree, &table, r) {
		if (last && last->end >= r->start)
			violation("final walk: %s overlaps the range before it",
				  ip(r->start));
		last = r;
		walked++;
	}
	last = NULL;
	RCU_TREE_FOREACH_REVERSE(as_tree, &table, r) {
		if (last && r->start >= last->start)
			violation("final reverse walk: out of order at %s",
				  ip(r->start));
		last = r;
		reverse++;
	}
	if (walked > 0 &&
	    (as_tree_first(&table) != as_tree_ceil(&table, 0) ||
	     as_tree_last(&table) != as_tree_floor(&table, UINT32_MAX)))
		violation("final: first/last disagree with ceil/floor");
	if (walked != expect || reverse != expect || in_blocks != expect ||
	    (long)as_tree_view_count(&v) != expect ||
	    (long)as_tree_count(&table) != expect)
		violation("final: %ld ranges expected; walk %ld, reverse %ld, "
			  "blocks %ld, view count %lu, count %lu",
			  expect, walked, reverse, in_blocks,
			  as_tree_view_count(&v), as_tree_count(&table));
	rcuslot_read_unlock();
}

/* The initial table, in one transaction: readers would see all or none. */
static long load(uint32_t nranges, uint64_t *rng)
{
	struct rcuslot_batch retired = RCUSLOT_BATCH_INITIALIZER;
	struct as_tree_txn txn;
	long n = 0;

	if (as_tree_txn_begin(&table, &txn) != 0)
		return -1;
	for (uint32_t b = 0; b < nblocks; b++) {
		struct block_plan p = { .block = b };
		/* nranges spread over the blocks: 16 each, give or take one */
		unsigned count =
			(unsigned)((uint64_t)nranges * (b + 1) / nblocks -
				   (uint64_t)nranges * b / nblocks);

		p.asn = 1 + (uint32_t)(rng_next(rng) % 64000);
		layout(&p, count, rng);
		for (unsigned i = 0; i < p.n; i++) {
			struct asrange *r = range_new(p.r[i].start, p.r[i].end,
						      p.asn, 0, p.n, NO_PEER);

			if (as_tree_txn_insert(&txn, r) != 0) {
				asrange_free(r);
				as_tree_txn_abort(&txn); /* the rest are ours */
				return -1;
			}
			n++;
		}
	}
	if (as_tree_txn_commit(&txn, &retired) != 0)
		return -1;
	rcuslot_batch_free(&retired); /* empty: nothing was replaced */
	return n;
}

static void usage(void)
{
	fprintf(stderr, "usage: asn_lookup [--quick] [--ranges N] "
			"[--readers N] [--seconds S] [--self-test]\n");
	exit(2);
}

static long number(const char *s, long lo, long hi)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < lo || v > hi) {
		fprintf(stderr,
			"asn_lookup: %s: not a number from %ld to %ld\n", s, lo,
			hi);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "ranges", required_argument, NULL, 'n' },
		{ "readers", required_argument, NULL, 'r' },
		{ "seconds", required_argument, NULL, 's' },
		{ "self-test", no_argument, NULL, 't' },
		{ NULL, 0, NULL, 0 },
	};
	struct control ctl = { .rng = 0x9e3779b97f4a7c15u };
	uint32_t nranges = 100000;
	long seconds = -1, loaded;
	int quick = 0, opt, freed_all, caught;
	unsigned long lookups = 0, hits = 0, checks = 0;
	double t0, elapsed;

	while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (opt) {
		case 'q':
			quick = 1;
			break;
		case 'n':
			nranges = (uint32_t)number(optarg, 2 * BLOCK_RANGES,
						   10000000);
			break;
		case 'r':
			nreaders = number(optarg, 1, 64);
			break;
		case 's':
			seconds = number(optarg, 0, 3600);
			break;
		case 't':
			ctl.self_test = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (seconds < 0)
		seconds = quick ? 1 : 5;
	nblocks = (uint32_t)((nranges + BLOCK_RANGES - 1) / BLOCK_RANGES);
	block_span = (UINT64_C(1) << 32) / nblocks;

	/* Before anything of the kit's is allocated. */
	if (rcuslot_set_allocator(counting_alloc, counting_release) != 0)
		return 1;
	rcuslot_register_thread();
	if (as_tree_init(&table) != 0) {
		fprintf(stderr, "asn_lookup: cannot create the table\n");
		return 1;
	}
	loaded = load(nranges, &ctl.rng);
	if (loaded < 0) {
		fprintf(stderr, "asn_lookup: cannot load the table\n");
		return 1;
	}
	ctl.ranges = loaded;
	printf("asn_lookup: %ld ranges in %u blocks, %lu in the tree (%ld "
	       "bytes of tree, %.1f per range)\n",
	       loaded, nblocks, as_tree_count(&table), atomic_load(&kit_bytes),
	       (double)atomic_load(&kit_bytes) / (double)loaded);

	readers = calloc((size_t)nreaders, sizeof(*readers));
	if (!readers)
		return 1;
	for (long i = 0; i < nreaders; i++) {
		readers[i].rng = 0x2545f4914f6cdd1du * (uint64_t)(i + 1);
		if (pthread_create(&readers[i].tid, NULL, reader_main,
				   &readers[i]) != 0)
			return 1;
	}

	/*
	 * Batches for `seconds`, and until every reader has checked a block
	 * at least once (a loaded machine may start them late).
	 */
	t0 = now_s();
	for (;;) {
		int all_started = 1;

		for (long i = 0; i < nreaders; i++)
			all_started &=
				atomic_load_explicit(&readers[i].checks,
						     memory_order_relaxed) > 0;
		if (all_started && now_s() - t0 >= (double)seconds)
			break;
		one_batch(&ctl);
		rcuslot_quiescent_state(); /* qsbr: the control thread too */
	}
	elapsed = now_s() - t0;
	atomic_store(&stopping, 1);
	rcuslot_thread_offline();
	for (long i = 0; i < nreaders; i++) {
		pthread_join(readers[i].tid, NULL);
		lookups += readers[i].lookups;
		hits += readers[i].hits;
		checks += atomic_load(&readers[i].checks);
	}
	rcuslot_thread_online();
	free(readers);
	readers = NULL;

	check_all(ctl.ranges);
	printf("asn_lookup: %lu batches in %.1f s (renumber %lu, split %lu, "
	       "merge %lu, reannounce %lu), %lu refused\n",
	       ctl.batches, elapsed, ctl.by_change[RENUMBER],
	       ctl.by_change[SPLIT], ctl.by_change[MERGE],
	       ctl.by_change[REANNOUNCE], ctl.errors);
	printf("asn_lookup: %ld reader%s: %lu lookups (%.0f%% in a range), %lu "
	       "block checks\n",
	       nreaders, nreaders == 1 ? "" : "s", lookups,
	       lookups ? 100.0 * (double)hits / (double)lookups : 0.0, checks);

	/* Every range freed, and every tree node back with the allocator. */
	as_tree_destroy(&table);
	rcuslot_barrier();
	freed_all = atomic_load(&ranges_made) == atomic_load(&ranges_freed) &&
		    as_tree_count(&table) == 0 && atomic_load(&kit_bytes) == 0;
	rcuslot_unregister_thread();
	printf("asn_lookup: %ld ranges made, %ld freed; kit memory: %ld bytes "
	       "at the peak, %ld now\n",
	       atomic_load(&ranges_made), atomic_load(&ranges_freed),
	       atomic_load(&kit_peak), atomic_load(&kit_bytes));
	printf("asn_lookup: %lu violations\n", atomic_load(&violations));
	if (ctl.self_test) {
		/* each torn batch was seen by at least one view */
		caught = ctl.batches > 0 &&
			 atomic_load(&violations) >= ctl.batches;
		printf("asn_lookup: self-test: %lu torn batches %s\n",
		       ctl.batches, caught ? "caught" : "NOT CAUGHT");
	} else {
		caught = atomic_load(&violations) == 0;
	}
	return caught && ctl.errors == 0 && freed_all ? 0 : 1;
}
