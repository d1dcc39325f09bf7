/* SPDX-License-Identifier: MIT */
/*
 * treebench: rcuslot's ordered map (RCU_TREE_DEFINE) against GLib's GTree
 * under a pthread_rwlock, libcds's RCU SkipListMap and BronsonAVLTreeMap,
 * and, for point lookups, rcuslot's hash map (RCU_MAP_DEFINE). One
 * implementation per process: bench/tree_bench.py runs the peers one after
 * the other, interleaved, and takes the medians.
 *
 *   treebench --impl=NAME [--keys=N] [--ops=lookup,ceil,scan]
 *             [--readers=1,2] [--rates=0,1000,max] [--duration=MS]
 *             [--verify] [--header]
 *   treebench --impl=NAME --txn [--keys=N] [--batches=1,100,10000]
 *             [--duration=MS] [--verify] [--header]
 *   treebench --smoke          every implementation and operation, tiny
 *   treebench --list           the implementations' names
 *
 * Reads: a map of N random uint64 keys (treebench_key()), each object's
 * value its key; R reader threads each do one operation per read-side
 * section (or per read lock) for --duration ms: a point lookup of a
 * present key, a ceil (least key >= a random uint64), or a scan of
 * TREEBENCH_SCAN entries ascending from a ceil; meanwhile one updater
 * replaces the object of a random present key U times a second (0: no
 * updater; max: as fast as it can). Implementations without ceil and scan
 * (libcds's maps, the hash map) run point lookups only.
 *
 * --txn: no readers; one thread changes random present keys as fast as it
 * can, B changes at a time: as one transaction (rcuslot's tree: txn_begin,
 * B txn_upserts, txn_commit, one batch deferred) or under one write lock
 * (GTree) -- op batch-B -- and as B single-key updates (op single-B),
 * the same keys in the same order.
 *
 * Output, one CSV line per point:
 *   impl,op,N,readers,update_rate,ops_per_s,updates_per_s,bytes_per_entry
 * ops_per_s: the readers' operations (lookups, ceils or scans) per second,
 * all readers together; with --txn, batches per second. updates_per_s: the
 * updater's changes per second. bytes_per_entry: the structure's bytes
 * after building, divided by N, the objects not counted (see README.md).
 *
 * Exit status 1 when an operation answers wrong: a lookup that misses or
 * finds a value that is not its key (updates replace, so every key stays
 * present), a ceil below its key, a scan out of order; with --verify (and
 * --smoke), ceil and scan are compared with the sorted keys.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "treebench.h"

#define MAX_LIST 8
#define MAX_READERS 16
#define RATE_MAX (-1L)

static const struct tree_impl *const impls[] = {
	&treebench_rcuslot_tree, &treebench_gtree,
	&treebench_cds_skiplist, &treebench_cds_avl,
	&treebench_rcuslot_map,
};
#define NIMPLS (sizeof(impls) / sizeof(impls[0]))

enum op { OP_LOOKUP, OP_CEIL, OP_SCAN, NOPS };
static const char *const op_names[NOPS] = { "lookup", "ceil", "scan" };

static struct {
	const struct tree_impl *impl;
	long keys;
	long ops[MAX_LIST], readers[MAX_LIST], rates[MAX_LIST],
		batches[MAX_LIST];
	int nops, nreaders, nrates, nbatches;
	long duration_ms;
	int txn, verify, header;
} opt = {
	.keys = 100000,
	.ops = { OP_LOOKUP, OP_CEIL, OP_SCAN },
	.nops = 3,
	.readers = { 1, 2 },
	.nreaders = 2,
	.rates = { 0, 1000, RATE_MAX },
	.nrates = 3,
	.batches = { 1, 100, 10000 },
	.nbatches = 3,
	.duration_ms = 500,
};

/* The keys in insertion order, and sorted (for --verify). */
static uint64_t *keys, *sorted;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* xorshift64: a generator per thread. */
static uint64_t next_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static void die(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "treebench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* --- objects ---------------------------------------------------------------- */

static char *slab, *slab_end;

void *treebench_objects(size_t n, size_t size)
{
	slab = calloc(n ? n : 1, size);
	if (!slab)
		die("out of memory for %zu objects", n);
	slab_end = slab + n * size;
	return slab;
}

void treebench_free(void *obj)
{
	char *p = obj;

	if (!(p >= slab && p < slab_end))
		free(obj);
}

/* The heap in use, every arena and mmap'd block: glibc's mallinfo2. */
static size_t heap_in_use(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

/* --- checking answers --------------------------------------------------------- */

/* The least key >= q in sorted[], or NULL. */
static const uint64_t *sorted_ceil(uint64_t q)
{
	size_t lo = 0, hi = (size_t)opt.keys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sorted[mid] < q)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < (size_t)opt.keys ? &sorted[lo] : NULL;
}

static int ceil_wrong(int found, uint64_t q, uint64_t got)
{
	const uint64_t *want;

	if (found < 0 || (found && got < q))
		return 1;
	if (!opt.verify)
		return 0;
	want = sorted_ceil(q);
	return found ? !want || *want != got : want != NULL;
}

static int scan_wrong(int n, uint64_t lo, const uint64_t *got)
{
	const uint64_t *want;
	size_t left;

	if (n < 0 || n > TREEBENCH_SCAN || (n > 0 && got[0] < lo))
		return 1;
	for (int i = 1; i < n; i++)
		if (got[i] <= got[i - 1])
			return 1;
	if (!opt.verify)
		return 0;
	want = sorted_ceil(lo);
	left = want ? (size_t)(sorted + opt.keys - want) : 0;
	if ((size_t)n != (left < TREEBENCH_SCAN ? left : TREEBENCH_SCAN))
		return 1;
	return n && memcmp(got, want, (size_t)n * sizeof(*got)) != 0;
}

/* --- one run ------------------------------------------------------------------- */

struct run_ctx {
	enum op op;
	long rate; /* updates per second; 0: none; RATE_MAX */
	atomic_int go, stop;
	atomic_long wrong;
};

struct worker {
	struct run_ctx *ctx;
	pthread_t thread;
	uint64_t seed;
	long ops;
};

static void *reader_main(void *arg)
{
	struct worker *w = arg;
	struct run_ctx *c = w->ctx;
	const struct tree_impl *m = opt.impl;
	size_t n_keys = (size_t)opt.keys;
	uint64_t out[TREEBENCH_SCAN];
	long n = 0, wrong = 0;

	m->thread_online();
	while (!atomic_load_explicit(&c->go, memory_order_acquire))
		;
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (int i = 0; i < 64; i++) {
			uint64_t r = next_rand(&w->seed), q, got = 0;
			int f;

			switch (c->op) {
			case OP_LOOKUP:
				q = keys[r % n_keys];
				wrong += m->lookup(q) != q;
				break;
			case OP_CEIL:
				f = m->ceil(r, &got);
				wrong += ceil_wrong(f, r, got);
				break;
			default:
				wrong += scan_wrong(m->scan(r, out), r, out);
				break;
			}
		}
		m->quiescent();
		n += 64;
	}
	m->thread_offline();
	w->ops = n;
	atomic_fetch_add(&c->wrong, wrong);
	return NULL;
}

/* Paced in 1 ms ticks: rate / 1000 updates a tick (at least one). */
static void *updater_main(void *arg)
{
	struct worker *w = arg;
	struct run_ctx *c = w->ctx;
	const struct tree_impl *m = opt.impl;
	long n = 0, per_tick = c->rate > 0 ? (c->rate + 999) / 1000 : 64;
	long tick_ns = c->rate > 0 && c->rate < 1000 ? 1000000000L / c->rate
						     : 1000000L;
	struct timespec next;

	m->thread_online();
	while (!atomic_load_explicit(&c->go, memory_order_acquire))
		;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (long i = 0; i < per_tick; i++, n++)
			m->update(
				keys[next_rand(&w->seed) % (uint64_t)opt.keys]);
		m->quiescent();
		if (c->rate > 0) {
			next.tv_nsec += tick_ns;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next,
					NULL);
		}
	}
	m->thread_offline();
	w->ops = n;
	return NULL;
}

struct result {
	double ops_per_s, updates_per_s;
};

static struct result run_once(enum op op, int readers, long rate)
{
	struct run_ctx c = { .op = op, .rate = rate };
	struct worker w[MAX_READERS + 1];
	int nw = readers + (rate != 0);
	struct result r = { 0, 0 };
	struct timespec d = { opt.duration_ms / 1000,
			      (opt.duration_ms % 1000) * 1000000L };
	double t0, t;

	memset(w, 0, sizeof(w));
	for (int i = 0; i < nw; i++) {
		w[i].ctx = &c;
		w[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1) +
			    (uint64_t)opt.keys;
		if (pthread_create(&w[i].thread, NULL,
				   i < readers ? reader_main : updater_main,
				   &w[i]) != 0)
			die("pthread_create failed");
	}
	usleep(2000); /* every thread registered */
	t0 = now_s();
	atomic_store_explicit(&c.go, 1, memory_order_release);
	nanosleep(&d, NULL);
	atomic_store(&c.stop, 1);
	t = now_s() - t0;
	for (int i = 0; i < nw; i++)
		pthread_join(w[i].thread, NULL);
	for (int i = 0; i < readers; i++)
		r.ops_per_s += (double)w[i].ops / t;
	if (rate != 0)
		r.updates_per_s = (double)w[readers].ops / t;
	if (atomic_load(&c.wrong))
		die("%s: %ld %s answers were wrong", opt.impl->name,
		    atomic_load(&c.wrong), op_names[op]);
	/* No backlog of deferred frees into the next run. */
	opt.impl->thread_online();
	opt.impl->barrier();
	opt.impl->thread_offline();
	return r;
}

/*
 * --txn: B changes at a time, as one batch (batch()) or as B single-key
 * updates, the same keys in the same order, for --duration ms in this
 * thread. Returns changes per second.
 */
static double run_changes(int as_batch, long b)
{
	const struct tree_impl *m = opt.impl;
	uint64_t seed = 0x2545f4914f6cdd1dULL,
		 *chg = malloc((size_t)b * sizeof(*chg));
	double t0, t, end;
	long n = 0;

	if (!chg)
		die("out of memory");
	m->thread_online();
	t0 = now_s();
	end = t0 + (double)opt.duration_ms / 1000;
	do {
		/* At least 64 changes between two looks at the clock. */
		for (long done = 0; done < 64; done += b) {
			for (long i = 0; i < b; i++)
				chg[i] = keys[next_rand(&seed) %
					      (uint64_t)opt.keys];
			if (as_batch) {
				m->batch(chg, (size_t)b);
			} else {
				for (long i = 0; i < b; i++)
					m->update(chg[i]);
			}
			m->quiescent();
			n += b;
		}
	} while ((t = now_s()) < end);
	m->barrier();
	m->thread_offline();
	free(chg);
	return (double)n / (t - t0);
}

/* --- the process's one implementation ---------------------------------------- */

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void rate_name(long rate, char *buf, size_t len)
{
	if (rate == RATE_MAX)
		snprintf(buf, len, "max");
	else
		snprintf(buf, len, "%ld", rate);
}

static int offered(const struct tree_impl *m, long op)
{
	return op == OP_LOOKUP || m->ordered;
}

static void measure(void)
{
	const struct tree_impl *m = opt.impl;
	size_t n = (size_t)opt.keys, before;
	double bytes;
	char rate[32];

	keys = malloc(n * sizeof(*keys));
	if (!keys)
		die("out of memory for %zu keys", n);
	for (size_t i = 0; i < n; i++)
		keys[i] = treebench_key(i);
	if (opt.verify) {
		sorted = malloc(n * sizeof(*sorted));
		if (!sorted)
			die("out of memory for %zu keys", n);
		memcpy(sorted, keys, n * sizeof(*keys));
		qsort(sorted, n, sizeof(*sorted), cmp_u64);
	}
	m->prepare(n);
	m->thread_online();
	before = heap_in_use();
	m->build(keys, n);
	m->barrier(); /* what the build replaced is freed: not counted */
	bytes = (double)heap_in_use() - (double)before +
		(double)(m->embedded * n);
	if (m->own_bytes) {
		fprintf(stderr,
			"treebench: %s, %zu keys: the heap grew by %.1f bytes "
			"per entry "
			"(mallinfo2); the kit's allocator holds %.1f\n",
			m->name, n, bytes / (double)n,
			m->own_bytes() / (double)n);
		bytes = m->own_bytes();
	}
	bytes /= (double)n;
	m->thread_offline();
	if (opt.header)
		printf("impl,op,N,readers,update_rate,ops_per_s,updates_per_s,"
		       "bytes_per_entry\n");
	if (opt.txn) {
		if (!m->txn)
			die("%s: no transactions or batches (--txn)", m->name);
		for (int bi = 0; bi < opt.nbatches; bi++)
			for (int as_batch = 1; as_batch >= 0; as_batch--) {
				long b = opt.batches[bi];
				double r = run_changes(as_batch, b);

				printf("%s,%s-%ld,%zu,0,max,%.0f,%.0f,%.1f\n",
				       m->name, as_batch ? "batch" : "single",
				       b, n, r / (double)b, r, bytes);
				fflush(stdout);
			}
	} else {
		for (int o = 0; o < opt.nops; o++) {
			if (!offered(m, opt.ops[o]))
				continue;
			for (int ri = 0; ri < opt.nreaders; ri++)
				for (int u = 0; u < opt.nrates; u++) {
					struct result r =
						run_once((enum op)opt.ops[o],
							 (int)opt.readers[ri],
							 opt.rates[u]);

					rate_name(opt.rates[u], rate,
						  sizeof(rate));
					printf("%s,%s,%zu,%ld,%s,%.0f,%.0f,%."
					       "1f\n",
					       m->name, op_names[opt.ops[o]], n,
					       opt.readers[ri], rate,
					       r.ops_per_s, r.updates_per_s,
					       bytes);
					fflush(stdout);
				}
		}
	}
	m->thread_online();
	m->teardown();
	m->thread_offline();
	free(keys);
	free(sorted);
	free(slab);
}

/*
 * --smoke: each implementation in a child process of its own (the parent
 * touches no map, no RCU), every operation it offers, 2 readers with an
 * updater at 1,000/s and flat out, answers verified; then --txn.
 */
static int smoke(void)
{
	int failed = 0;

	opt.keys = 1000;
	opt.readers[0] = 2, opt.nreaders = 1;
	opt.rates[0] = 1000, opt.rates[1] = RATE_MAX, opt.nrates = 2;
	opt.batches[0] = 1, opt.batches[1] = 100, opt.nbatches = 2;
	opt.duration_ms = 20;
	opt.verify = 1;
	for (size_t i = 0; i < NIMPLS; i++)
		for (int txn = 0; txn <= impls[i]->txn; txn++) {
			int status;
			pid_t pid;

			fflush(NULL);
			pid = fork();
			if (pid < 0)
				die("fork failed");
			if (pid == 0) {
				opt.impl = impls[i];
				opt.txn = txn;
				opt.header = i == 0 && !txn;
				measure();
				fflush(NULL);
				_exit(0);
			}
			if (waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
				fprintf(stderr, "treebench: %s%s: failed\n",
					impls[i]->name, txn ? " --txn" : "");
				failed = 1;
			}
		}
	printf("treebench --smoke: %s\n", failed ? "FAILED" : "ok");
	return failed;
}

/* --- command line -------------------------------------------------------------- */

static int parse_list(const char *s, long *out, long min, long max,
		      const char *const *names, int nnames)
{
	int n = 0;
	char *end;

	while (*s && n < MAX_LIST) {
		long v = strtol(s, &end, 10);

		if (end == s) {
			size_t len = strcspn(s, ",");

			v = -2;
			for (int i = 0; i < nnames; i++)
				if (strlen(names[i]) == len &&
				    strncmp(s, names[i], len) == 0)
					v = names == op_names ? i : RATE_MAX;
			if (v == -2)
				return -1;
			end = (char *)s + len;
		} else if (v < min || v > max) {
			return -1;
		}
		if (*end && *end != ',')
			return -1;
		out[n++] = v;
		s = *end == ',' ? end + 1 : end;
	}
	return n ? n : -1;
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: treebench --impl=NAME [--keys=N] "
		   "[--ops=lookup,ceil,scan]\n"
		   "                 [--readers=1,2] [--rates=0,1000,max] "
		   "[--duration=MS]\n"
		   "                 [--verify] [--header]\n"
		   "       treebench --impl=NAME --txn [--keys=N] "
		   "[--batches=1,100,10000]\n"
		   "                 [--duration=MS] [--verify] [--header]\n"
		   "       treebench --smoke | --list\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "impl", required_argument, NULL, 'i' },
		{ "keys", required_argument, NULL, 'k' },
		{ "ops", required_argument, NULL, 'o' },
		{ "readers", required_argument, NULL, 'r' },
		{ "rates", required_argument, NULL, 'u' },
		{ "batches", required_argument, NULL, 'b' },
		{ "duration", required_argument, NULL, 'd' },
		{ "txn", no_argument, NULL, 't' },
		{ "verify", no_argument, NULL, 'v' },
		{ "header", no_argument, NULL, 'H' },
		{ "smoke", no_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const char *const max_name[] = { "max" };
	int c, do_smoke = 0;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			for (size_t i = 0; i < NIMPLS; i++)
				if (strcmp(optarg, impls[i]->name) == 0)
					opt.impl = impls[i];
			if (!opt.impl)
				die("no implementation %s (--list)", optarg);
			break;
		case 'k':
			opt.keys = strtol(optarg, NULL, 10);
			break;
		case 'o':
			opt.nops = parse_list(optarg, opt.ops, -1, -1, op_names,
					      NOPS);
			break;
		case 'r':
			opt.nreaders = parse_list(optarg, opt.readers, 0,
						  MAX_READERS, NULL, 0);
			break;
		case 'u':
			opt.nrates = parse_list(optarg, opt.rates, 0, 100000000,
						max_name, 1);
			break;
		case 'b':
			opt.nbatches = parse_list(optarg, opt.batches, 1,
						  1000000, NULL, 0);
			break;
		case 'd':
			opt.duration_ms = strtol(optarg, NULL, 10);
			break;
		case 't':
			opt.txn = 1;
			break;
		case 'v':
			opt.verify = 1;
			break;
		case 'H':
			opt.header = 1;
			break;
		case 's':
			do_smoke = 1;
			break;
		case 'l':
			for (size_t i = 0; i < NIMPLS; i++)
				printf("%s\t%s\n", impls[i]->name,
				       impls[i]->what);
			return 0;
		case 'h':
			usage(stdout, 0);
			break;
		default:
			usage(stderr, 2);
		}
	}
	if (optind != argc || opt.nops < 0 || opt.nreaders < 0 ||
	    opt.nrates < 0 || opt.nbatches < 0 || opt.duration_ms < 1 ||
	    opt.keys < 1 || opt.keys > (1L << 26))
		usage(stderr, 2);
	if (do_smoke)
		return smoke();
	if (!opt.impl)
		usage(stderr, 2);
	measure();
	return 0;
}
