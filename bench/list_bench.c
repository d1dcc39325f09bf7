/* SPDX-License-Identifier: MIT */
/*
 * list_bench: what a walk costs on three lists of the same entries (see
 * list_bench.h): a pthread_rwlock-protected cds_list, raw liburcu rculist,
 * and an RCU_LIST_DEFINE list; 1..--max-readers reader threads, each
 * walking as fast as it can, without and with one updater that replaces an
 * entry every --period-us microseconds.
 *
 *   list_bench [--duration-ms N] [--entries N] [--max-readers N]
 *              [--period-us N] [--csv FILE] [--smoke]
 *
 * Prints a Markdown table (walks per second for all readers together,
 * nanoseconds per walk per reader, updates done) and writes the same rows
 * to --csv. Timings on a shared machine are noisy: compare the lists
 * within one run, and see bench/list_icount* for the deterministic count.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <urcu/list.h>

#include "list_bench.h"

/* The "rwlock" list. ------------------------------------------------------ */

struct went {
	long a;
	long b;
	struct cds_list_head link;
};

static CDS_LIST_HEAD(rw_list);
static pthread_rwlock_t rw_lock = PTHREAD_RWLOCK_INITIALIZER;
static int rw_entries;

static struct went *went_new(long a)
{
	struct went *e = malloc(sizeof(*e));

	if (!e)
		abort();
	e->a = a;
	e->b = 0;
	return e;
}

static void rw_setup(int entries)
{
	rw_entries = entries;
	for (int i = 0; i < entries; i++)
		cds_list_add_tail(&went_new(i)->link, &rw_list);
}

static void rw_teardown(void)
{
	struct went *e, *tmp;

	cds_list_for_each_entry_safe(e, tmp, &rw_list, link) {
		cds_list_del(&e->link);
		free(e);
	}
}

static void rw_nothing(void)
{
}

static long rw_walk(long n)
{
	long sum = 0;

	for (long i = 0; i < n; i++) {
		struct went *e;

		pthread_rwlock_rdlock(&rw_lock);
		cds_list_for_each_entry(e, &rw_list, link)
			sum += e->a;
		pthread_rwlock_unlock(&rw_lock);
	}
	return sum;
}

/* Readers hold the lock while they walk: the old entry goes at once. */
static void rw_update(long i)
{
	long k = i % rw_entries;
	struct went *e, *old = NULL;

	pthread_rwlock_wrlock(&rw_lock);
	cds_list_for_each_entry(e, &rw_list, link) {
		if (k-- == 0) {
			struct went *fresh = went_new(e->a);

			cds_list_replace(&e->link, &fresh->link);
			old = e;
			break;
		}
	}
	pthread_rwlock_unlock(&rw_lock);
	free(old);
}

const struct list_impl list_impl_rwlock = {
	.name = "rwlock",
	.setup = rw_setup,
	.teardown = rw_teardown,
	.thread_init = rw_nothing,
	.thread_exit = rw_nothing,
	.walk = rw_walk,
	.update = rw_update,
	.drain = rw_nothing,
};

/* The harness. ------------------------------------------------------------ */

static struct {
	long duration_ms, period_us;
	int entries, max_readers;
	const char *csv;
} opt = { 500, 100, 16, 4, NULL };

static const struct list_impl *const impls[] = {
	&list_impl_rwlock, &list_impl_rculist, &list_impl_rcuslot,
};

static atomic_int stop, started;
static volatile long sink;

struct reader {
	pthread_t t;
	const struct list_impl *impl;
	long walks;
};

static void *reader(void *arg)
{
	struct reader *r = arg;
	long walks = 0, sum = 0;

	r->impl->thread_init();
	atomic_fetch_add(&started, 1);
	while (!atomic_load_explicit(&stop, memory_order_relaxed)) {
		sum += r->impl->walk(64);
		walks += 64;
	}
	sink = sum;
	r->walks = walks;
	r->impl->thread_exit();
	return NULL;
}

struct updater {
	pthread_t t;
	const struct list_impl *impl;
	long updates;
};

static void *updater(void *arg)
{
	struct updater *u = arg;
	struct timespec ts = { 0, opt.period_us * 1000 };

	u->impl->thread_init();
	atomic_fetch_add(&started, 1);
	while (!atomic_load(&stop)) {
		u->impl->update(u->updates++);
		if (opt.period_us)
			nanosleep(&ts, NULL);
	}
	u->impl->thread_exit();
	return NULL;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

struct result {
	double walks_per_s, ns_per_walk;
	long updates;
};

static struct result run(const struct list_impl *impl, int nreaders, int with_updater)
{
	struct reader rd[64];
	struct updater up = { .impl = impl };
	struct timespec ts = { opt.duration_ms / 1000, (opt.duration_ms % 1000) * 1000000L };
	struct result res = { 0, 0, 0 };
	double t0, t;
	long walks = 0;

	impl->thread_init();
	impl->setup(opt.entries);
	atomic_store(&stop, 0);
	atomic_store(&started, 0);
	for (int i = 0; i < nreaders; i++) {
		rd[i] = (struct reader){ .impl = impl };
		if (pthread_create(&rd[i].t, NULL, reader, &rd[i]) != 0)
			abort();
	}
	if (with_updater && pthread_create(&up.t, NULL, updater, &up) != 0)
		abort();
	while (atomic_load(&started) < nreaders + with_updater)
		sched_yield();
	t0 = now_s();
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	t = now_s() - t0;
	for (int i = 0; i < nreaders; i++) {
		pthread_join(rd[i].t, NULL);
		walks += rd[i].walks;
	}
	if (with_updater)
		pthread_join(up.t, NULL);
	impl->drain();
	impl->teardown();
	impl->drain();
	impl->thread_exit();
	res.walks_per_s = (double)walks / t;
	res.ns_per_walk = walks ? t * 1e9 * nreaders / (double)walks : 0;
	res.updates = up.updates;
	return res;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: list_bench [--duration-ms N] [--entries N] [--max-readers N]\n"
		   "                  [--period-us N] [--csv FILE] [--smoke]\n"
		   "  --duration-ms N  length of each run (default 500)\n"
		   "  --entries N      entries in each list (default 16)\n"
		   "  --max-readers N  reader threads, 1 to N (default 4)\n"
		   "  --period-us N    the updater's pause between updates (default 100;\n"
		   "                   0: back to back)\n"
		   "  --csv FILE       also write the rows to FILE\n"
		   "  --smoke          tiny runs: every list and mode, 20 ms each\n");
}

static long arg_long(const char *s, long min, long max)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (end == s || *end || v < min || v > max) {
		fprintf(stderr, "list_bench: want a number from %ld to %ld, not \"%s\"\n",
			min, max, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "duration-ms", required_argument, NULL, 'd' },
		{ "entries", required_argument, NULL, 'e' },
		{ "max-readers", required_argument, NULL, 'r' },
		{ "period-us", required_argument, NULL, 'p' },
		{ "csv", required_argument, NULL, 'c' },
		{ "smoke", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	FILE *csv = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': opt.duration_ms = arg_long(optarg, 1, 600000); break;
		case 'e': opt.entries = (int)arg_long(optarg, 1, 1000000); break;
		case 'r': opt.max_readers = (int)arg_long(optarg, 1, 64); break;
		case 'p': opt.period_us = arg_long(optarg, 0, 1000000); break;
		case 'c': opt.csv = optarg; break;
		case 's': opt.duration_ms = 20; opt.max_readers = 2; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}
	if (opt.csv && !(csv = fopen(opt.csv, "w"))) {
		perror(opt.csv);
		return 1;
	}
	if (csv)
		fprintf(csv, "impl,readers,updater_period_us,walks_per_s,ns_per_walk,updates\n");
	printf("## List walks: %d entries, %ld ms per run, updater every %ld us\n\n",
	       opt.entries, opt.duration_ms, opt.period_us);
	printf("| list | readers | updater | walks/s (all readers) | ns per walk | updates |\n");
	printf("|---|---:|---|---:|---:|---:|\n");
	for (int with_updater = 0; with_updater <= 1; with_updater++) {
		for (int r = 1; r <= opt.max_readers; r++) {
			for (size_t i = 0; i < sizeof(impls) / sizeof(impls[0]); i++) {
				struct result res = run(impls[i], r, with_updater);

				printf("| %s | %d | %s | %.3g | %.1f | %ld |\n", impls[i]->name, r,
				       with_updater ? "yes" : "no", res.walks_per_s,
				       res.ns_per_walk, res.updates);
				fflush(stdout);
				if (csv)
					fprintf(csv, "%s,%d,%ld,%.0f,%.2f,%ld\n", impls[i]->name, r,
						with_updater ? opt.period_us : -1L,
						res.walks_per_s, res.ns_per_walk, res.updates);
			}
		}
	}
	if (csv)
		fclose(csv);
	return 0;
}
