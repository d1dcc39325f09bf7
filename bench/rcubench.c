/* SPDX-License-Identifier: MIT */
/*
 * rcubench: throughput, latency, memory and scaling of rcuslot against raw
 * liburcu, pthread_rwlock, pthread_mutex and a reference-counted pointer.
 *
 *   rcubench [--mode=read,update,gp,slots,memory] [--impl=LIST]
 *            [--readers=1,2,4,8] [--period=0,1000,10] [--duration=MS]
 *            [--reps=N] [--threads=1,8,64,256] [--slots=1,...,1000000]
 *            [--update-readers=1] [--batch=256] [--out=DIR] [--smoke]
 *   rcubench --list
 *
 * Modes:
 *   read    reads/s with R reader threads while one updater replaces the
 *           object every P µs (P = 0: no updater); R = 1, P = 0 gives the
 *           single-threaded cost of one read.
 *   update  one updater as fast as it can (copy_update + old_free, or
 *           + old_defer), with --update-readers readers: updates/s, p50/p99
 *           latency per update, peak number of objects awaiting reclamation.
 *   gp      grace-period latency (old_free latency) against the number of
 *           registered reader threads, each reading once every 10 ms and
 *           sleeping in between (qsbr: offline while asleep).
 *   slots   one reader reading N slots at random: ns per read against N.
 *   memory  sizeof slot and old handle, allocations and bytes per update.
 *
 * Every configuration is run --reps times, in interleaved order (all
 * configurations once, then all again: A B A B), so that drift in the
 * machine's speed spreads over all of them; one line is printed per run,
 * then Markdown tables of the medians. --out=DIR also writes DIR/<mode>.csv
 * (medians), DIR/<mode>-runs.csv (every run) and DIR/machine.txt.
 *
 * Updaters wait between updates by sleeping when the period is at least
 * SLEEP_MIN_US, and by spinning below that (Linux cannot sleep 10 µs): a
 * 10 µs updater occupies a CPU.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <rcuslot/reclaim.h>

#include "bench.h"

#ifndef BENCH_URCU_VERSION
#define BENCH_URCU_VERSION "unknown"
#endif

#define SLEEP_MIN_US 500
#define MAX_LIST 32
#define LAT_CAP (1u << 20)
#define GP_READER_SLEEP_NS 10000000L
#define THREAD_STACK (512 * 1024)

/* Pairs (rcuslot, liburcu) of one flavor side by side, so that the
 * interleaved order compares them in neighbouring runs. */
static const struct bench_impl *const all_impls[] = {
	&bench_rcuslot_memb, &bench_liburcu_memb,
	&bench_rcuslot_qsbr, &bench_liburcu_qsbr,
	&bench_rcuslot_mb, &bench_liburcu_mb,
	&bench_rcuslot_bp, &bench_liburcu_bp,
	&bench_rcuslot_signal, &bench_liburcu_signal,
	&bench_rwlock, &bench_mutex, &bench_refcount,
};
#define NIMPLS (sizeof(all_impls) / sizeof(all_impls[0]))

/* ------------------------------------------------------------------ */
/* Shared helpers for the implementations (bench.h). */

static _Thread_local uint64_t alloc_calls, alloc_bytes, alloc_heap;
static bool account_heap;
static atomic_long outstanding;
static long outstanding_peak;   /* written by the one updater thread */
static atomic_long consumed;

void *bench_alloc(size_t size)
{
	void *p = malloc(size);

	if (!p)
		return NULL;
	alloc_calls++;
	alloc_bytes += size;
	if (account_heap)   /* glibc: usable size plus the 8-byte chunk header */
		alloc_heap += malloc_usable_size(p) + 8;
	return p;
}

#define CACHE_LINE 64

static void *aligned_zalloc(size_t size)
{
	size_t n = (size + CACHE_LINE - 1) / CACHE_LINE * CACHE_LINE;
	void *p = aligned_alloc(CACHE_LINE, n ? n : CACHE_LINE);

	if (!p)
		bench_die("out of memory (%zu bytes)", size);
	memset(p, 0, n);
	return p;
}

void *bench_table(size_t n, size_t size)
{
	return aligned_zalloc(n * size);
}

void *bench_line(size_t size)
{
	return aligned_zalloc(size);
}

void bench_retired(void)
{
	long n = atomic_fetch_add_explicit(&outstanding, 1, memory_order_relaxed) + 1;

	if (n > outstanding_peak)
		outstanding_peak = n;
}

void bench_obj_free(void *obj)
{
	atomic_fetch_sub_explicit(&outstanding, 1, memory_order_relaxed);
	free(obj);
}

void bench_consume(long v)
{
	atomic_fetch_add_explicit(&consumed, v, memory_order_relaxed);
}

void bench_die(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fprintf(stderr, "rcubench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	abort();
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void sleep_until(uint64_t deadline)
{
	struct timespec ts = { (time_t)(deadline / 1000000000u),
			       (long)(deadline % 1000000000u) };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

static void sleep_ns(uint64_t ns)
{
	sleep_until(now_ns() + ns);
}

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" : : : "memory");
#endif
}

static void start_thread(pthread_t *tid, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	int err;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	err = pthread_create(tid, &attr, fn, arg);
	pthread_attr_destroy(&attr);
	if (err)
		bench_die("pthread_create: %s", strerror(err));
}

/* Latencies: all of them up to LAT_CAP, a uniform sample beyond. */
struct lat {
	uint64_t *v;
	size_t n;
	uint64_t seen, rng;
};

static void lat_add(struct lat *l, uint64_t x)
{
	l->seen++;
	if (l->n < LAT_CAP) {
		l->v[l->n++] = x;
	} else {
		uint64_t j = bench_pick(&l->rng, (size_t)l->seen);

		if (j < LAT_CAP)
			l->v[j] = x;
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static double lat_pct(struct lat *l, double q)
{
	if (l->n == 0)
		return 0;
	qsort(l->v, l->n, sizeof(l->v[0]), cmp_u64);
	return (double)l->v[(size_t)(q * (double)(l->n - 1) + 0.5)];
}

/* ------------------------------------------------------------------ */
/* Options */

enum mode { M_READ, M_UPDATE, M_GP, M_SLOTS, M_MEMORY, NMODES };
static const char *const mode_names[NMODES] = { "read", "update", "gp", "slots", "memory" };

struct list {
	long v[MAX_LIST];
	size_t n;
};

static struct {
	unsigned modes;
	const struct bench_impl *impls[NIMPLS];
	size_t nimpls;
	struct list readers, periods, threads, slots, update_readers;
	long duration_ms;
	int reps;
	unsigned batch;
	const char *out;
} opt;

static void parse_list(struct list *l, const char *s, const char *what)
{
	char *copy = strdup(s), *save = NULL, *tok;

	l->n = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(tok, &end, 10);

		if (*end || v < 0 || l->n == MAX_LIST)
			bench_die("bad %s list: %s", what, s);
		l->v[l->n++] = v;
	}
	free(copy);
	if (l->n == 0)
		bench_die("empty %s list", what);
}

static void set_list(struct list *l, const long *v, size_t n)
{
	memcpy(l->v, v, n * sizeof(*v));
	l->n = n;
}

static void parse_impls(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;
	bool want[NIMPLS] = { false };

	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool found = false;

		for (size_t i = 0; i < NIMPLS; i++) {
			const struct bench_impl *im = all_impls[i];

			if (!strcmp(tok, "all") || !strcmp(tok, im->name) ||
			    !strcmp(tok, im->family)) {
				want[i] = true;
				found = true;
			}
		}
		if (!found)
			bench_die("unknown implementation %s (see --list)", tok);
	}
	free(copy);
	opt.nimpls = 0;
	for (size_t i = 0; i < NIMPLS; i++)
		if (want[i])
			opt.impls[opt.nimpls++] = all_impls[i];
}

static void parse_modes(const char *s)
{
	char *copy = strdup(s), *save = NULL, *tok;

	opt.modes = 0;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int m;

		if (!strcmp(tok, "all")) {
			opt.modes = (1u << NMODES) - 1;
			continue;
		}
		for (m = 0; m < NMODES; m++)
			if (!strcmp(tok, mode_names[m]))
				break;
		if (m == NMODES)
			bench_die("unknown mode %s", tok);
		opt.modes |= 1u << m;
	}
	free(copy);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: rcubench [options]\n"
		"  --mode=LIST           read,update,gp,slots,memory or all (default all)\n"
		"  --impl=LIST           names or families from --list, or all (default all)\n"
		"  --readers=LIST        reader threads, read mode (default 1,2,4,8)\n"
		"  --period=LIST         updater period in µs, 0 = no updater (default 0,1000,10)\n"
		"  --duration=MS         length of one run (default 400; slots mode uses half)\n"
		"  --reps=N              repetitions, interleaved (default 3)\n"
		"  --threads=LIST        registered readers, gp mode (default 1,8,64,256)\n"
		"  --slots=LIST          slot counts, slots mode (default 1,10,...,1000000)\n"
		"  --update-readers=LIST readers during update mode (default 1)\n"
		"  --batch=N             reads between stop checks / qsbr quiescent states (256)\n"
		"  --out=DIR             write CSV files and machine.txt there\n"
		"  --smoke               tiny parameters, for CI\n"
		"  --list                list the implementations\n");
}

static void set_defaults(void)
{
	static const long readers[] = { 1, 2, 4, 8 }, periods[] = { 0, 1000, 10 },
			  threads[] = { 1, 8, 64, 256 },
			  slots[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 },
			  ureaders[] = { 1 };

	opt.modes = (1u << NMODES) - 1;
	parse_impls("all");
	set_list(&opt.readers, readers, 4);
	set_list(&opt.periods, periods, 3);
	set_list(&opt.threads, threads, 4);
	set_list(&opt.slots, slots, 7);
	set_list(&opt.update_readers, ureaders, 1);
	opt.duration_ms = 400;
	opt.reps = 3;
	opt.batch = 256;
}

static void set_smoke(void)
{
	static const long readers[] = { 1, 2 }, periods[] = { 0, 100 },
			  threads[] = { 1, 4 }, slots[] = { 1, 1000 };

	set_list(&opt.readers, readers, 2);
	set_list(&opt.periods, periods, 2);
	set_list(&opt.threads, threads, 2);
	set_list(&opt.slots, slots, 2);
	opt.duration_ms = 5;
	opt.reps = 1;
}

static void parse_args(int argc, char **argv)
{
	enum { O_MODE = 256, O_IMPL, O_READERS, O_PERIOD, O_DURATION, O_REPS,
	       O_THREADS, O_SLOTS, O_UREADERS, O_BATCH, O_OUT, O_SMOKE, O_LIST,
	       O_HELP };
	static const struct option longopts[] = {
		{ "mode", required_argument, NULL, O_MODE },
		{ "impl", required_argument, NULL, O_IMPL },
		{ "readers", required_argument, NULL, O_READERS },
		{ "period", required_argument, NULL, O_PERIOD },
		{ "duration", required_argument, NULL, O_DURATION },
		{ "reps", required_argument, NULL, O_REPS },
		{ "threads", required_argument, NULL, O_THREADS },
		{ "slots", required_argument, NULL, O_SLOTS },
		{ "update-readers", required_argument, NULL, O_UREADERS },
		{ "batch", required_argument, NULL, O_BATCH },
		{ "out", required_argument, NULL, O_OUT },
		{ "smoke", no_argument, NULL, O_SMOKE },
		{ "list", no_argument, NULL, O_LIST },
		{ "help", no_argument, NULL, O_HELP },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	set_defaults();
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_MODE: parse_modes(optarg); break;
		case O_IMPL: parse_impls(optarg); break;
		case O_READERS: parse_list(&opt.readers, optarg, "readers"); break;
		case O_PERIOD: parse_list(&opt.periods, optarg, "period"); break;
		case O_DURATION: opt.duration_ms = atol(optarg); break;
		case O_REPS: opt.reps = atoi(optarg); break;
		case O_THREADS: parse_list(&opt.threads, optarg, "threads"); break;
		case O_SLOTS: parse_list(&opt.slots, optarg, "slots"); break;
		case O_UREADERS: parse_list(&opt.update_readers, optarg, "update-readers"); break;
		case O_BATCH: opt.batch = (unsigned)atoi(optarg); break;
		case O_OUT: opt.out = optarg; break;
		case O_SMOKE: set_smoke(); break;
		case O_LIST:
			for (size_t i = 0; i < NIMPLS; i++)
				printf("%-16s %s\n", all_impls[i]->name, all_impls[i]->family);
			exit(0);
		case O_HELP: usage(stdout); exit(0);
		default: usage(stderr); exit(2);
		}
	}
	if (optind != argc || opt.duration_ms <= 0 || opt.reps <= 0 || opt.batch == 0) {
		usage(stderr);
		exit(2);
	}
	for (size_t i = 0; i < opt.readers.n; i++)
		if (opt.readers.v[i] == 0)
			bench_die("--readers: at least one reader per run");
	for (size_t i = 0; i < opt.slots.n; i++)
		if (opt.slots.v[i] == 0)
			bench_die("--slots: at least one slot");
}

/* ------------------------------------------------------------------ */
/* One run: readers and an optional updater on one table. */

struct run_cfg {
	const struct bench_impl *impl;
	void *table;
	size_t nslots;
	long readers;
	bool updater;
	long period_us;          /* 0: update back to back */
	bool record;             /* record each update's latency */
	enum bench_how how;
	uint64_t duration_ns;
};

struct run_out {
	uint64_t reads, updates;
	double seconds;
	struct lat lat;
};

/* One per thread, each on its own cache lines: the updater's counter must
 * not share a line with what a reader polls. */
struct thr {
	_Alignas(CACHE_LINE) pthread_t tid;
	const struct run_cfg *cfg;
	struct bench_read_ctl ctl;
	pthread_barrier_t *start;
	const atomic_bool *stop;
	uint64_t count;
	struct lat *lat;
};

static void *reader_main(void *arg)
{
	struct thr *t = arg;
	const struct bench_impl *im = t->cfg->impl;

	im->thread_start();
	im->offline();
	pthread_barrier_wait(t->start);
	im->online();
	t->count = im->read_loop(t->cfg->table, t->cfg->nslots, &t->ctl);
	im->thread_stop();
	return NULL;
}

static void *updater_main(void *arg)
{
	struct thr *t = arg;
	const struct run_cfg *c = t->cfg;
	const struct bench_impl *im = c->impl;
	uint64_t period = (uint64_t)c->period_us * 1000u, next;

	im->thread_start();
	im->offline();
	pthread_barrier_wait(t->start);
	im->online();
	next = now_ns();
	while (!atomic_load_explicit(t->stop, memory_order_relaxed)) {
		if (c->record) {
			uint64_t t0 = now_ns();

			im->update(c->table, 0, c->how);
			lat_add(t->lat, now_ns() - t0);
		} else {
			im->update(c->table, 0, c->how);
		}
		t->count++;
		im->quiescent();
		if (!period)
			continue;
		/* Holds no reference while it waits (qsbr: offline). */
		next += period;
		im->offline();
		if (c->period_us >= SLEEP_MIN_US)
			sleep_until(next);
		else
			while (now_ns() < next &&
			       !atomic_load_explicit(t->stop, memory_order_relaxed))
				cpu_relax();
		im->online();
		if (now_ns() > next + period)   /* late: do not burst to catch up */
			next = now_ns();
	}
	im->thread_stop();
	return NULL;
}

/* Run cfg for its duration; every thread has stopped when this returns. */
static void run(const struct run_cfg *cfg, struct run_out *out)
{
	size_t n = (size_t)cfg->readers + (cfg->updater ? 1 : 0);
	struct thr *t = bench_table(n, sizeof(*t));
	pthread_barrier_t start;
	atomic_bool stop = false;
	uint64_t t0;

	memset(out, 0, sizeof(*out));
	if (cfg->record) {
		out->lat.v = malloc(LAT_CAP * sizeof(uint64_t));
		out->lat.rng = 0x9e3779b97f4a7c15u;
		if (!out->lat.v)
			bench_die("out of memory");
	}
	pthread_barrier_init(&start, NULL, (unsigned)n + 1);
	outstanding_peak = 0;
	for (size_t i = 0; i < n; i++) {
		t[i].cfg = cfg;
		t[i].start = &start;
		t[i].stop = &stop;
		t[i].ctl.stop = &stop;
		t[i].ctl.batch = opt.batch;
		t[i].ctl.seed = 0x2545f4914f6cdd1du * (i + 1);
		t[i].lat = &out->lat;
		start_thread(&t[i].tid, i < (size_t)cfg->readers ? reader_main : updater_main,
			     &t[i]);
	}
	pthread_barrier_wait(&start);
	t0 = now_ns();
	sleep_ns(cfg->duration_ns);
	atomic_store(&stop, true);
	out->seconds = (double)(now_ns() - t0) * 1e-9;
	for (size_t i = 0; i < n; i++) {
		pthread_join(t[i].tid, NULL);
		if (i < (size_t)cfg->readers)
			out->reads += t[i].count;
		else
			out->updates += t[i].count;
	}
	pthread_barrier_destroy(&start);
	free(t);
}

/* Wait for every deferred free (if the run updated at all), then check
 * that nothing is left behind. */
static void drain(const struct bench_impl *im, bool updated)
{
	if (updated) {
		im->thread_start();
		im->barrier();
		im->thread_stop();
	}
	if (atomic_load(&outstanding) != 0)
		bench_die("%s: %ld retired objects never freed", im->name,
			  atomic_load(&outstanding));
}

/* ------------------------------------------------------------------ */
/* Cases and results */

#define NVALS 6

struct rec {
	enum mode mode;
	const struct bench_impl *impl;
	int how;                /* enum bench_how, or -1 */
	long p1, p2;            /* per mode: see the column tables below */
	double v[NVALS];
};

struct mode_desc {
	const char *p1, *p2;    /* CSV names of p1, p2 (NULL: unused) */
	const char *vals[NVALS];
};

static const struct mode_desc descs[NMODES] = {
	[M_READ] = { "readers", "period_us",
		     { "reads_per_s", "ns_per_read", "updates_per_s" } },
	[M_UPDATE] = { "readers", NULL,
		       { "updates_per_s", "p50_ns", "p99_ns", "peak_awaiting_reclamation",
			 "reads_per_s" } },
	[M_GP] = { "threads", NULL,
		   { "p50_us", "p99_us", "grace_periods_per_s" } },
	[M_SLOTS] = { "slots", NULL, { "ns_per_read", "reads_per_s" } },
	[M_MEMORY] = { NULL, NULL,
		       { "slot_bytes", "old_handle_bytes", "object_bytes",
			 "allocs_per_update", "bytes_per_update", "heap_bytes_per_update" } },
};

static const char *how_name(const struct rec *r)
{
	if (r->impl->rcu)
		return r->how == BENCH_SYNC ? "sync" : "defer";
	if (!strcmp(r->impl->family, "refcount"))
		return "refcount";
	return "in place";
}

static size_t impl_index(const struct bench_impl *im)
{
	for (size_t i = 0; i < NIMPLS; i++)
		if (all_impls[i] == im)
			return i;
	return NIMPLS;
}

static void measure(struct rec *r)
{
	const struct bench_impl *im = r->impl;
	uint64_t dur = (uint64_t)opt.duration_ms * 1000000u;
	struct run_cfg cfg = { .impl = im, .nslots = 1, .how = BENCH_DEFER, .duration_ns = dur };
	struct run_out out;

	switch (r->mode) {
	case M_READ:
		cfg.readers = r->p1;
		cfg.updater = r->p2 > 0;
		cfg.period_us = r->p2;
		cfg.table = im->create(1);
		run(&cfg, &out);
		r->v[0] = (double)out.reads / out.seconds;
		r->v[1] = out.seconds * 1e9 * (double)r->p1 / (double)out.reads;
		r->v[2] = (double)out.updates / out.seconds;
		break;
	case M_UPDATE:
		cfg.readers = r->p1;
		cfg.updater = true;
		cfg.record = true;
		cfg.how = (enum bench_how)r->how;
		cfg.table = im->create(1);
		run(&cfg, &out);
		r->v[0] = (double)out.updates / out.seconds;
		r->v[1] = lat_pct(&out.lat, 0.50);
		r->v[2] = lat_pct(&out.lat, 0.99);
		r->v[3] = (double)outstanding_peak;
		r->v[4] = (double)out.reads / out.seconds;
		free(out.lat.v);
		break;
	case M_SLOTS:
		cfg.readers = 1;
		cfg.nslots = (size_t)r->p1;
		cfg.duration_ns = dur / 2;
		cfg.table = im->create(cfg.nslots);
		run(&cfg, &out);
		r->v[0] = out.seconds * 1e9 / (double)out.reads;
		r->v[1] = (double)out.reads / out.seconds;
		break;
	default:
		bench_die("measure: bad mode");
	}
	drain(im, out.updates > 0);
	im->destroy(cfg.table, cfg.nslots);
}

/* gp mode: registered readers that read every 10 ms and sleep between. */
struct gp_reader {
	pthread_t tid;
	const struct bench_impl *impl;
	void *table;
	atomic_int *ready;
	const atomic_bool *stop;
};

static void *gp_reader_main(void *arg)
{
	struct gp_reader *g = arg;
	const struct bench_impl *im = g->impl;

	im->thread_start();
	atomic_fetch_add(g->ready, 1);
	while (!atomic_load_explicit(g->stop, memory_order_relaxed)) {
		bench_consume(im->read_once(g->table, 0));
		im->offline();
		sleep_ns(GP_READER_SLEEP_NS);
		im->online();
	}
	im->thread_stop();
	return NULL;
}

static void measure_gp(struct rec *r)
{
	const struct bench_impl *im = r->impl;
	size_t n = (size_t)r->p1;
	struct gp_reader *g = calloc(n, sizeof(*g));
	void *table = im->create(1);
	atomic_int ready = 0;
	atomic_bool stop = false;
	struct lat lat = { .v = malloc(LAT_CAP * sizeof(uint64_t)), .rng = 1 };
	uint64_t t0, end, count = 0;

	if (!g || !lat.v)
		bench_die("out of memory");
	for (size_t i = 0; i < n; i++) {
		g[i] = (struct gp_reader){ .impl = im, .table = table, .ready = &ready,
					   .stop = &stop };
		start_thread(&g[i].tid, gp_reader_main, &g[i]);
	}
	while ((size_t)atomic_load(&ready) < n)
		sleep_ns(1000000);
	outstanding_peak = 0;
	im->thread_start();
	t0 = now_ns();
	end = t0 + (uint64_t)opt.duration_ms * 1000000u;
	while (now_ns() < end) {
		uint64_t a = now_ns();

		im->update(table, 0, BENCH_SYNC);
		lat_add(&lat, now_ns() - a);
		im->quiescent();
		count++;
	}
	r->v[2] = (double)count / ((double)(now_ns() - t0) * 1e-9);
	im->thread_stop();
	atomic_store(&stop, true);
	for (size_t i = 0; i < n; i++)
		pthread_join(g[i].tid, NULL);
	r->v[0] = lat_pct(&lat, 0.50) / 1000;
	r->v[1] = lat_pct(&lat, 0.99) / 1000;
	free(lat.v);
	free(g);
	drain(im, true);
	im->destroy(table, 1);
}

/* memory mode: deterministic, single-threaded. */
#define MEM_UPDATES 1000

static void measure_memory(struct rec *r)
{
	const struct bench_impl *im = r->impl;
	void *table = im->create(1);
	uint64_t calls, bytes, heap;

	im->thread_start();
	account_heap = true;
	alloc_calls = alloc_bytes = alloc_heap = 0;
	for (int i = 0; i < MEM_UPDATES; i++) {
		im->update(table, 0, r->how < 0 ? BENCH_DEFER : (enum bench_how)r->how);
		im->quiescent();
	}
	calls = alloc_calls;
	bytes = alloc_bytes;
	heap = alloc_heap;
	account_heap = false;
	im->thread_stop();
	drain(im, true);
	im->destroy(table, 1);
	r->v[0] = (double)im->slot_size;
	r->v[1] = (double)im->old_size;
	r->v[2] = (double)im->obj_size;
	r->v[3] = (double)calls / MEM_UPDATES;
	r->v[4] = (double)bytes / MEM_UPDATES;
	r->v[5] = (double)heap / MEM_UPDATES;
}

static void print_run(const struct rec *r, int rep)
{
	const struct bench_impl *im = r->impl;
	char period[32] = "none";

	switch (r->mode) {
	case M_READ:
		if (r->p2)
			snprintf(period, sizeof(period), "%ldus", r->p2);
		printf("read    %-15s readers=%-3ld period=%-6s rep=%d  %10.4g reads/s  %7.2f ns/read  %9.0f updates/s\n",
		       im->name, r->p1, period, rep, r->v[0], r->v[1], r->v[2]);
		break;
	case M_UPDATE:
		printf("update  %-15s %-8s readers=%-3ld rep=%d  %10.4g updates/s  p50 %8.0f ns  p99 %9.0f ns  peak awaiting %7.0f  %10.4g reads/s\n",
		       im->name, how_name(r), r->p1, rep, r->v[0], r->v[1], r->v[2],
		       r->v[3], r->v[4]);
		break;
	case M_GP:
		printf("gp      %-15s threads=%-4ld rep=%d  old_free p50 %9.1f µs  p99 %9.1f µs  %8.0f grace periods/s\n",
		       im->name, r->p1, rep, r->v[0], r->v[1], r->v[2]);
		break;
	case M_SLOTS:
		printf("slots   %-15s slots=%-8ld rep=%d  %7.2f ns/read\n", im->name, r->p1,
		       rep, r->v[0]);
		break;
	case M_MEMORY:
		printf("memory  %-15s %-8s slot %3.0f B  old handle %3.0f B  object %3.0f B  %4.2f allocs/update  %5.1f B/update  %5.1f heap B/update\n",
		       im->name, how_name(r), r->v[0], r->v[1], r->v[2], r->v[3], r->v[4],
		       r->v[5]);
		break;
	default:
		break;
	}
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* Medians, tables, CSV */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static const struct rec *find(const struct rec *med, size_t n, const struct bench_impl *im,
			      int how, long p1, long p2)
{
	for (size_t i = 0; i < n; i++)
		if (med[i].impl == im && med[i].how == how && med[i].p1 == p1 &&
		    med[i].p2 == p2)
			return &med[i];
	return NULL;
}

static FILE *open_out(const char *name)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", opt.out, name);
	f = fopen(path, "w");
	if (!f)
		bench_die("%s: %s", path, strerror(errno));
	return f;
}

static void csv_header(FILE *f, enum mode m, bool runs)
{
	const struct mode_desc *d = &descs[m];

	fprintf(f, "impl,family");
	if (m == M_UPDATE || m == M_MEMORY)
		fprintf(f, ",reclaim");
	if (d->p1)
		fprintf(f, ",%s", d->p1);
	if (d->p2)
		fprintf(f, ",%s", d->p2);
	if (runs)
		fprintf(f, ",rep");
	for (int i = 0; i < NVALS && d->vals[i]; i++)
		fprintf(f, ",%s", d->vals[i]);
	fprintf(f, "\n");
}

static void csv_row(FILE *f, const struct rec *r, int rep)
{
	const struct mode_desc *d = &descs[r->mode];

	fprintf(f, "%s,%s", r->impl->name, r->impl->family);
	if (r->mode == M_UPDATE || r->mode == M_MEMORY)
		fprintf(f, ",%s", how_name(r));
	if (d->p1)
		fprintf(f, ",%ld", r->p1);
	if (d->p2)
		fprintf(f, ",%ld", r->p2);
	if (rep > 0)
		fprintf(f, ",%d", rep);
	for (int i = 0; i < NVALS && d->vals[i]; i++)
		fprintf(f, ",%.6g", r->v[i]);
	fprintf(f, "\n");
}

/* CSV of medians in an order gnuplot can draw lines from. */
static enum mode sort_mode;

static int cmp_rec(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;
	long kx[4] = { 0, (long)impl_index(x->impl), x->how, x->p1 };
	long ky[4] = { 0, (long)impl_index(y->impl), y->how, y->p1 };

	if (sort_mode == M_READ) {
		kx[0] = x->p2;
		ky[0] = y->p2;
	}
	for (int i = 0; i < 4; i++)
		if (kx[i] != ky[i])
			return kx[i] < ky[i] ? -1 : 1;
	return 0;
}

static void write_csv(enum mode m, const struct rec *runs, const int *reps, size_t nruns,
		      struct rec *med, size_t nmed)
{
	char name[64];
	FILE *f;

	if (!opt.out)
		return;
	snprintf(name, sizeof(name), "%s-runs.csv", mode_names[m]);
	f = open_out(name);
	csv_header(f, m, true);
	for (size_t i = 0; i < nruns; i++)
		csv_row(f, &runs[i], reps[i]);
	fclose(f);

	sort_mode = m;
	qsort(med, nmed, sizeof(*med), cmp_rec);
	snprintf(name, sizeof(name), "%s.csv", mode_names[m]);
	f = open_out(name);
	csv_header(f, m, false);
	for (size_t i = 0; i < nmed; i++)
		csv_row(f, &med[i], 0);
	fclose(f);
}

static void period_label(char *buf, size_t n, long period_us)
{
	if (period_us == 0)
		snprintf(buf, n, "no updater");
	else
		snprintf(buf, n, "updater every %ld µs", period_us);
}

static void table_read(const struct rec *med, size_t n)
{
	printf("\n### Single-threaded read cost (1 reader, no updater)\n\n");
	printf("| implementation | ns/read |\n|---|---:|\n");
	for (size_t i = 0; i < opt.nimpls; i++) {
		const struct rec *r = find(med, n, opt.impls[i], -1, 1, 0);

		if (r)
			printf("| %s | %.2f |\n", opt.impls[i]->name, r->v[1]);
	}
	for (size_t p = 0; p < opt.periods.n; p++) {
		char label[64];

		period_label(label, sizeof(label), opt.periods.v[p]);
		printf("\n### Reads/s (millions, all readers together), %s\n\n", label);
		printf("| implementation |");
		for (size_t k = 0; k < opt.readers.n; k++)
			printf(" %ld reader%s |", opt.readers.v[k], opt.readers.v[k] == 1 ? "" : "s");
		printf("%s\n|---|", opt.periods.v[p] ? " updates/s achieved |" : "");
		for (size_t k = 0; k < opt.readers.n; k++)
			printf("---:|");
		printf("%s\n", opt.periods.v[p] ? "---:|" : "");
		for (size_t i = 0; i < opt.nimpls; i++) {
			double upd = 0;

			printf("| %s |", opt.impls[i]->name);
			for (size_t k = 0; k < opt.readers.n; k++) {
				const struct rec *r = find(med, n, opt.impls[i], -1,
							   opt.readers.v[k], opt.periods.v[p]);

				printf(" %.1f |", r ? r->v[0] / 1e6 : 0);
				if (r && r->v[2] > upd)
					upd = r->v[2];
			}
			if (opt.periods.v[p])
				printf(" %.0f |", upd);
			printf("\n");
		}
	}
}

/* Plain ratios of medians: rcuslot against raw liburcu and the locks. */
static void ratios_read(const struct rec *med, size_t n)
{
	printf("\n### Ratios of median reads/s\n\n");
	for (size_t i = 0; i + 1 < NIMPLS; i++) {
		const struct bench_impl *a = all_impls[i], *b = all_impls[i + 1];
		double lo = 1e300, hi = 0, logsum = 0;
		int cnt = 0;

		if (strcmp(a->family, "rcuslot") || strcmp(b->family, "liburcu"))
			continue;
		for (size_t k = 0; k < n; k++) {
			const struct rec *ra = &med[k], *rb;

			if (ra->impl != a)
				continue;
			rb = find(med, n, b, -1, ra->p1, ra->p2);
			if (!rb || rb->v[0] <= 0)
				continue;
			double q = ra->v[0] / rb->v[0];

			lo = q < lo ? q : lo;
			hi = q > hi ? q : hi;
			logsum += log(q);
			cnt++;
		}
		if (cnt)
			printf("- %s / %s: geometric mean %.3f, range %.3f to %.3f over %d configurations\n",
			       a->name, b->name, exp(logsum / cnt), lo, hi, cnt);
	}
	/* rcuslot against the lock-based baselines, 2 readers (or the first
	 * reader count when 2 was not measured). */
	long rd = opt.readers.v[0];

	for (size_t k = 0; k < opt.readers.n; k++)
		if (opt.readers.v[k] == 2)
			rd = 2;
	printf("\nrcuslot's reads/s over each baseline's, %ld reader%s:\n\n| |", rd,
	       rd == 1 ? "" : "s");
	for (size_t j = 0; j < opt.nimpls; j++) {
		if (opt.impls[j]->rcu)
			continue;
		for (size_t p = 0; p < opt.periods.n; p++) {
			if (opt.periods.v[p])
				printf(" %s, updater %ld µs |", opt.impls[j]->name, opt.periods.v[p]);
			else
				printf(" %s, no updater |", opt.impls[j]->name);
		}
	}
	printf("\n|---|");
	for (size_t j = 0; j < opt.nimpls; j++)
		for (size_t p = 0; p < opt.periods.n && !opt.impls[j]->rcu; p++)
			printf("---:|");
	printf("\n");
	for (size_t i = 0; i < opt.nimpls; i++) {
		const struct bench_impl *a = opt.impls[i];

		if (strcmp(a->family, "rcuslot"))
			continue;
		printf("| %s |", a->name);
		for (size_t j = 0; j < opt.nimpls; j++) {
			const struct bench_impl *b = opt.impls[j];

			for (size_t p = 0; p < opt.periods.n && !b->rcu; p++) {
				const struct rec *ra = find(med, n, a, -1, rd, opt.periods.v[p]);
				const struct rec *rb = find(med, n, b, -1, rd, opt.periods.v[p]);

				if (ra && rb && rb->v[0] > 0)
					printf(" %.1f× |", ra->v[0] / rb->v[0]);
				else
					printf(" - |");
			}
		}
		printf("\n");
	}
}

static void table_update(const struct rec *med, size_t n)
{
	printf("\n### Update side: one updater back to back\n\n");
	printf("| implementation | reclaim | readers | updates/s | p50 ns | p99 ns | peak awaiting reclamation | reads/s (millions) |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &med[i];

		printf("| %s | %s | %ld | %.0f | %.0f | %.0f | %.0f | %.1f |\n", r->impl->name,
		       how_name(r), r->p1, r->v[0], r->v[1], r->v[2], r->v[3], r->v[4] / 1e6);
	}
}

/*
 * One row per implementation (only the RCU ones when rcu_only), one column
 * per value of `cols`: field v[field] of the median run for that value.
 */
static void table_by_list(const struct rec *med, size_t n, const struct list *cols,
			  int rcu_only, int field, int precision)
{
	printf("| implementation |");
	for (size_t k = 0; k < cols->n; k++)
		printf(" %ld |", cols->v[k]);
	printf("\n|---|");
	for (size_t k = 0; k < cols->n; k++)
		printf("---:|");
	printf("\n");
	for (size_t i = 0; i < opt.nimpls; i++) {
		if (rcu_only && !opt.impls[i]->rcu)
			continue;
		printf("| %s |", opt.impls[i]->name);
		for (size_t k = 0; k < cols->n; k++) {
			const struct rec *r = find(med, n, opt.impls[i], -1, cols->v[k], 0);

			printf(" %.*f |", precision, r ? r->v[field] : 0);
		}
		printf("\n");
	}
}

static void table_gp(const struct rec *med, size_t n)
{
	for (int q = 0; q < 2; q++) {
		printf("\n### Grace-period latency: old_free %s (µs) by registered reader threads\n\n",
		       q ? "p99" : "p50");
		table_by_list(med, n, &opt.threads, 1, q, 1);
	}
}

static void table_slots(const struct rec *med, size_t n)
{
	printf("\n### Read cost (ns/read) against number of slots read at random\n\n");
	table_by_list(med, n, &opt.slots, 0, 0, 2);
}

static void table_memory(const struct rec *med, size_t n)
{
	printf("\n### Memory\n\n");
	printf("| implementation | reclaim | slot B | old handle B | object B | allocations/update | bytes requested/update | heap bytes/update |\n");
	printf("|---|---|---:|---:|---:|---:|---:|---:|\n");
	for (size_t i = 0; i < n; i++) {
		const struct rec *r = &med[i];
		char old[16] = "-";

		if (r->v[1] > 0)
			snprintf(old, sizeof(old), "%.0f", r->v[1]);
		printf("| %s | %s | %.0f | %s | %.0f | %.2f | %.1f | %.1f |\n", r->impl->name,
		       how_name(r), r->v[0], old, r->v[2], r->v[3], r->v[4], r->v[5]);
	}
}

/* ------------------------------------------------------------------ */

static size_t build_cases(enum mode m, struct rec *cases)
{
	size_t n = 0;

#define ADD(...) (cases[n++] = (struct rec){ .mode = m, __VA_ARGS__ })
	switch (m) {
	case M_READ:
		for (size_t p = 0; p < opt.periods.n; p++)
			for (size_t k = 0; k < opt.readers.n; k++)
				for (size_t i = 0; i < opt.nimpls; i++)
					ADD(.impl = opt.impls[i], .how = -1,
					    .p1 = opt.readers.v[k], .p2 = opt.periods.v[p]);
		break;
	case M_UPDATE:
	case M_MEMORY:
		for (size_t k = 0; k < (m == M_UPDATE ? opt.update_readers.n : 1); k++)
			for (size_t i = 0; i < opt.nimpls; i++) {
				long rd = m == M_UPDATE ? opt.update_readers.v[k] : 0;

				if (opt.impls[i]->rcu) {
					ADD(.impl = opt.impls[i], .how = BENCH_SYNC, .p1 = rd);
					ADD(.impl = opt.impls[i], .how = BENCH_DEFER, .p1 = rd);
				} else {
					ADD(.impl = opt.impls[i], .how = -1, .p1 = rd);
				}
			}
		break;
	case M_GP:
		for (size_t k = 0; k < opt.threads.n; k++)
			for (size_t i = 0; i < opt.nimpls; i++)
				if (opt.impls[i]->rcu)
					ADD(.impl = opt.impls[i], .how = -1,
					    .p1 = opt.threads.v[k]);
		break;
	case M_SLOTS:
		for (size_t k = 0; k < opt.slots.n; k++)
			for (size_t i = 0; i < opt.nimpls; i++)
				ADD(.impl = opt.impls[i], .how = -1, .p1 = opt.slots.v[k]);
		break;
	default:
		break;
	}
#undef ADD
	return n;
}

static void run_mode(enum mode m)
{
	size_t max = MAX_LIST * MAX_LIST * NIMPLS * 2;
	struct rec *cases = calloc(max, sizeof(*cases));
	int reps = m == M_MEMORY ? 1 : opt.reps;
	size_t ncases = build_cases(m, cases), nruns = 0;
	struct rec *runs = calloc(ncases * (size_t)reps + 1, sizeof(*runs));
	int *repno = calloc(ncases * (size_t)reps + 1, sizeof(*repno));
	struct rec *med = calloc(ncases + 1, sizeof(*med));
	double *vals = calloc((size_t)reps, sizeof(*vals));

	if (!cases || !runs || !repno || !med || !vals)
		bench_die("out of memory");
	if (ncases == 0)
		goto out;
	printf("\n## %s\n\n", mode_names[m]);
	for (int rep = 1; rep <= reps; rep++) {
		for (size_t c = 0; c < ncases; c++) {
			struct rec r = cases[c];

			if (m == M_GP)
				measure_gp(&r);
			else if (m == M_MEMORY)
				measure_memory(&r);
			else
				measure(&r);
			print_run(&r, rep);
			runs[nruns] = r;
			repno[nruns++] = rep;
		}
	}
	for (size_t c = 0; c < ncases; c++) {
		med[c] = cases[c];
		for (int i = 0; i < NVALS; i++) {
			for (int rep = 0; rep < reps; rep++)
				vals[rep] = runs[(size_t)rep * ncases + c].v[i];
			med[c].v[i] = median(vals, (size_t)reps);
		}
	}
	printf("\nMedians of %d run%s per configuration.\n", reps, reps == 1 ? "" : "s");
	switch (m) {
	case M_READ:
		table_read(med, ncases);
		ratios_read(med, ncases);
		break;
	case M_UPDATE: table_update(med, ncases); break;
	case M_GP: table_gp(med, ncases); break;
	case M_SLOTS: table_slots(med, ncases); break;
	case M_MEMORY: table_memory(med, ncases); break;
	default: break;
	}
	write_csv(m, runs, repno, nruns, med, ncases);
out:
	free(cases);
	free(runs);
	free(repno);
	free(med);
	free(vals);
}

static void cpu_model(char *buf, size_t n)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[512];

	snprintf(buf, n, "unknown");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && colon) {
			snprintf(buf, n, "%s", colon + 2);
			buf[strcspn(buf, "\n")] = 0;
			break;
		}
	}
	fclose(f);
}

static void loadavg(char *buf, size_t n)
{
	FILE *f = fopen("/proc/loadavg", "r");

	snprintf(buf, n, "unknown");
	if (f) {
		if (fgets(buf, (int)n, f))
			buf[strcspn(buf, "\n")] = 0;
		fclose(f);
	}
}

static void machine(FILE *f, const char *when)
{
	char cpu[256], load[128];
	struct utsname u;
	int mb = bench_memb_has_membarrier();

	cpu_model(cpu, sizeof(cpu));
	loadavg(load, sizeof(load));
	uname(&u);
	fprintf(f, "cpu: %s\n", cpu);
	fprintf(f, "cores online: %ld\n", sysconf(_SC_NPROCESSORS_ONLN));
	fprintf(f, "kernel: %s %s %s\n", u.sysname, u.release, u.machine);
	fprintf(f, "compiler: %s\n", __VERSION__);
	fprintf(f, "liburcu: %s\n", BENCH_URCU_VERSION);
	fprintf(f, "memb readers use sys_membarrier: %s\n",
		mb < 0 ? "unknown" : mb ? "yes" : "no (memory barrier per read)");
	fprintf(f, "load average %s: %s\n", when, load);
}

int main(int argc, char **argv)
{
	uint64_t t0 = now_ns();

	parse_args(argc, argv);
	/* rcuslot's nodes count in the memory figures, as the objects do. */
	if (rcuslot_set_allocator(bench_alloc, free) != 0)
		abort();
	prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
	if (opt.out)
		mkdir(opt.out, 0777);
	printf("# rcubench\n\n```\n");
	machine(stdout, "at start");
	printf("duration %ld ms per run, %d repetitions, interleaved\n```\n",
	       opt.duration_ms, opt.reps);
	for (int m = 0; m < NMODES; m++)
		if (opt.modes & (1u << m))
			run_mode((enum mode)m);
	printf("\n```\n");
	machine(stdout, "at end");
	printf("total time: %.1f s\n```\n", (double)(now_ns() - t0) * 1e-9);
	if (opt.out) {
		FILE *f = open_out("machine.txt");

		machine(f, "at end");
		fclose(f);
	}
	return 0;
}
