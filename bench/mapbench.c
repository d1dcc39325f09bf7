/* SPDX-License-Identifier: MIT */
/*
 * mapbench: lookups/s of rcuslot's map (RCU_MAP_DEFINE), the same map over
 * rculfhash written by hand, and GLib's GHashTable under a pthread_rwlock,
 * side by side in one run; and the updater's throughput.
 *
 *   mapbench [--keys=1000,100000,1000000] [--readers=1,2,4]
 *            [--rates=0,1000,100000] [--duration=MS] [--reps=N]
 *            [--out=DIR] [--smoke]
 *
 * lookups: R reader threads each look up random keys (mapbench_key()) (each lookup in its
 *   own read-side section, or under the read lock) for --duration ms while
 *   one updater replaces the entry of a random key U times a second
 *   (U = 0: no updater), in a map of K keys. Every configuration runs
 *   --reps times, the implementations interleaved (A B C A B C ...), and
 *   the median is reported.
 * updates: one updater replacing entries as fast as it can, with 0 and 2
 *   readers, in a map of 100,000 keys: updates/s.
 *
 * Each implementation runs in a process of its own, forked for each
 * repetition and key count, which builds its table afresh: tables built
 * one after another in one heap are laid out differently, and that was
 * measured instead of the implementations (at 1,000,000 keys whichever
 * table was built first looked up 10% slower, rcuslot's or rculfhash's).
 *
 * --out=DIR writes DIR/map-lookups.csv, DIR/map-updates.csv and
 * DIR/map-report.md; the report goes to stdout as well.
 *
 * Exit status 1 when a lookup finds a wrong value (an entry's value is
 * always its key, or the key plus a multiple of 2^32 after updates), or
 * misses a key (every key stays present: updates replace).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <getopt.h>
#include <sys/wait.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mapbench.h"

#define MAX_LIST 8
#define MAX_READERS 16
#define NIMPLS 3

static const struct map_impl *const impls[NIMPLS] = {
	&mapbench_rcuslot, &mapbench_raw_lfht, &mapbench_glib_rwlock,
};

static struct {
	long keys[MAX_LIST], readers[MAX_LIST], rates[MAX_LIST];
	int nkeys, nreaders, nrates;
	long duration_ms, reps;
	const char *out;
} opt = {
	.keys = { 1000, 100000, 1000000 }, .nkeys = 3,
	.readers = { 1, 2, 4 }, .nreaders = 3,
	.rates = { 0, 1000, 100000 }, .nrates = 3,
	.duration_ms = 400, .reps = 3,
};

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

/* --- one run --------------------------------------------------------------- */

struct run_ctx {
	const struct map_impl *impl;
	uint32_t keys;
	long rate;                  /* updates per second; 0: none; -1: flat out */
	atomic_int go, stop;
	atomic_long wrong;
};

struct worker {
	struct run_ctx *ctx;
	pthread_t thread;
	uint64_t seed;
	long ops;
	double cpu_s; /* the thread's own CPU time while it ran */
};

static double thread_cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *reader_main(void *arg)
{
	struct worker *w = arg;
	struct run_ctx *c = w->ctx;
	const struct map_impl *m = c->impl;
	long n = 0, wrong = 0;
	double cpu0;

	m->thread_online();
	while (!atomic_load_explicit(&c->go, memory_order_acquire))
		;
	cpu0 = thread_cpu_s();
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (int i = 0; i < 64; i++) {
			uint32_t key = mapbench_key((uint32_t)(next_rand(&w->seed) % c->keys));
			long v = m->lookup(key);

			wrong += v < 0 || (uint32_t)v != key; /* -1 too: a miss */
		}
		m->quiescent();
		n += 64;
	}
	w->cpu_s = thread_cpu_s() - cpu0;
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
	const struct map_impl *m = c->impl;
	long n = 0, per_tick = c->rate > 0 ? (c->rate + 999) / 1000 : 64;
	long tick_ns = c->rate > 0 && c->rate < 1000 ? 1000000000L / c->rate : 1000000L;
	struct timespec next;

	m->thread_online();
	while (!atomic_load_explicit(&c->go, memory_order_acquire))
		;
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (!atomic_load_explicit(&c->stop, memory_order_relaxed)) {
		for (long i = 0; i < per_tick; i++, n++) {
			uint32_t key = mapbench_key((uint32_t)(next_rand(&w->seed) % c->keys));

			m->update(key, (long)key + ((long)(n + 1) << 32));
		}
		m->quiescent();
		if (c->rate > 0) {
			next.tv_nsec += tick_ns;
			while (next.tv_nsec >= 1000000000L) {
				next.tv_nsec -= 1000000000L;
				next.tv_sec++;
			}
			clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
		}
	}
	m->thread_offline();
	w->ops = n;
	return NULL;
}

struct result {
	double lookups_per_s, updates_per_s;
	double cpu_ns_per_lookup; /* readers' CPU time per lookup */
};

static struct result run_once(const struct map_impl *m, uint32_t keys, int readers,
			      long rate, long duration_ms)
{
	struct run_ctx c = { .impl = m, .keys = keys, .rate = rate };
	struct worker w[MAX_READERS + 1];
	int nw = readers + (rate != 0);
	struct result r = { 0, 0, 0 };
	double cpu = 0, ops = 0;
	struct timespec d = { duration_ms / 1000, (duration_ms % 1000) * 1000000L };
	double t0, t;

	memset(w, 0, sizeof(w));
	for (int i = 0; i < nw; i++) {
		w[i].ctx = &c;
		w[i].seed = 0x9e3779b97f4a7c15ULL * (uint64_t)(i + 1) + (uint64_t)keys;
		if (pthread_create(&w[i].thread, NULL, i < readers ? reader_main : updater_main,
				   &w[i]) != 0) {
			perror("mapbench: pthread_create");
			exit(1);
		}
	}
	usleep(2000); /* every thread registered */
	t0 = now_s();
	atomic_store_explicit(&c.go, 1, memory_order_release);
	nanosleep(&d, NULL);
	atomic_store(&c.stop, 1);
	t = now_s() - t0;
	for (int i = 0; i < nw; i++)
		pthread_join(w[i].thread, NULL);
	for (int i = 0; i < readers; i++) {
		r.lookups_per_s += (double)w[i].ops / t;
		cpu += w[i].cpu_s;
		ops += (double)w[i].ops;
	}
	r.cpu_ns_per_lookup = ops > 0 ? cpu * 1e9 / ops : 0;
	if (rate != 0)
		r.updates_per_s = (double)w[readers].ops / t;
	if (atomic_load(&c.wrong)) {
		fprintf(stderr, "mapbench: %s: %ld lookups found a wrong value\n", m->name,
			atomic_load(&c.wrong));
		exit(1);
	}
	return r;
}

/* --- reporting ------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, long n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static FILE *report, *lookups_csv, *updates_csv;

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	if (report) {
		va_start(ap, fmt);
		vfprintf(report, fmt, ap);
		va_end(ap);
	}
}

static FILE *open_out(const char *name)
{
	char path[4096];
	FILE *f;

	if (!opt.out)
		return NULL;
	snprintf(path, sizeof(path), "%s/%s", opt.out, name);
	f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "mapbench: %s: %s\n", path, strerror(errno));
		exit(1);
	}
	return f;
}

static const char *human(double v, char *buf)
{
	if (v >= 1e6)
		snprintf(buf, 32, "%.2f M", v / 1e6);
	else if (v >= 1e3)
		snprintf(buf, 32, "%.1f k", v / 1e3);
	else
		snprintf(buf, 32, "%.0f", v);
	return buf;
}

/* What a child measures, for in_process(). */
typedef void measure_fn(const struct map_impl *m, uint32_t keys, double *out);

/*
 * Build m's table of `keys` keys in a fresh child process, run measure
 * there and bring back its n results. The parent never touches a map or
 * liburcu, so every child starts from the same heap and the same threads.
 */
static void in_process(const struct map_impl *m, uint32_t keys, measure_fn *measure,
		       double *out, size_t n)
{
	size_t want = n * sizeof(*out), got = 0;
	int fd[2], status;
	pid_t pid;

	fflush(NULL); /* nothing buffered twice */
	if (pipe(fd) != 0 || (pid = fork()) < 0) {
		perror("mapbench: pipe/fork");
		exit(1);
	}
	if (pid == 0) {
		close(fd[0]);
		m->thread_online();
		m->setup(keys);
		m->thread_offline();
		measure(m, keys, out);
		m->thread_online();
		m->teardown();
		m->thread_offline();
		_exit(write(fd[1], out, want) == (ssize_t)want ? 0 : 1);
	}
	close(fd[1]);
	while (got < want) {
		ssize_t r = read(fd[0], (char *)out + got, want - got);

		if (r <= 0)
			break;
		got += (size_t)r;
	}
	close(fd[0]);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0 ||
	    got != want) {
		fprintf(stderr, "mapbench: %s: the measuring process failed\n", m->name);
		exit(1);
	}
}

/* Every reader count and update rate: lookups/s, then CPU ns per lookup. */
static void measure_lookups(const struct map_impl *m, uint32_t keys, double *out)
{
	for (int ri = 0; ri < opt.nreaders; ri++)
		for (int u = 0; u < opt.nrates; u++) {
			struct result r = run_once(m, keys, (int)opt.readers[ri], opt.rates[u],
						   opt.duration_ms);

			*out++ = r.lookups_per_s;
			*out++ = r.cpu_ns_per_lookup;
		}
}

static void lookups(void)
{
	long reps = opt.reps;
	double *runs = calloc((size_t)reps, sizeof(double));
	double got[MAX_LIST * MAX_LIST * 2];
	static double res[NIMPLS][MAX_LIST][MAX_LIST][16], cpu[NIMPLS][MAX_LIST][MAX_LIST][16];
	static double med[MAX_LIST][MAX_LIST][MAX_LIST][NIMPLS], medcpu[MAX_LIST][MAX_LIST][MAX_LIST][NIMPLS];
	char b[3][32];

	if (lookups_csv)
		fprintf(lookups_csv, "keys,readers,rate,impl,lookups_per_s,cpu_ns_per_lookup\n");
	for (int k = 0; k < opt.nkeys; k++) {
		uint32_t keys = (uint32_t)opt.keys[k];

		/* Interleaved: every implementation once per repetition. */
		for (long rep = 0; rep < reps; rep++)
			for (int i = 0; i < NIMPLS; i++) {
				double *g = got;

				in_process(impls[i], keys, measure_lookups, got,
					   (size_t)(opt.nreaders * opt.nrates * 2));
				for (int ri = 0; ri < opt.nreaders; ri++)
					for (int u = 0; u < opt.nrates; u++) {
						res[i][ri][u][rep] = *g++;
						cpu[i][ri][u][rep] = *g++;
					}
			}
		for (int ri = 0; ri < opt.nreaders; ri++)
			for (int u = 0; u < opt.nrates; u++)
				for (int i = 0; i < NIMPLS; i++) {
					memcpy(runs, res[i][ri][u], (size_t)reps * sizeof(double));
					med[k][ri][u][i] = median(runs, reps);
					memcpy(runs, cpu[i][ri][u], (size_t)reps * sizeof(double));
					medcpu[k][ri][u][i] = median(runs, reps);
					if (lookups_csv)
						fprintf(lookups_csv, "%u,%ld,%ld,%s,%.0f,%.1f\n", keys,
							opt.readers[ri], opt.rates[u], impls[i]->name,
							med[k][ri][u][i], medcpu[k][ri][u][i]);
				}
	}
	say("\n## Lookups/s (median of %ld runs of %ld ms; R readers + 1 updater at U/s)\n\n",
	    reps, opt.duration_ms);
	say("| keys | readers | updates/s | rcuslot map | raw rculfhash | GLib + rwlock | "
	    "map / raw | map / rwlock |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int k = 0; k < opt.nkeys; k++)
		for (int ri = 0; ri < opt.nreaders; ri++)
			for (int u = 0; u < opt.nrates; u++) {
				double *m = med[k][ri][u];

				say("| %ld | %ld | %ld | %s | %s | %s | %.2f | %.2f |\n", opt.keys[k],
				    opt.readers[ri], opt.rates[u], human(m[0], b[0]),
				    human(m[1], b[1]), human(m[2], b[2]), m[0] / m[1], m[0] / m[2]);
			}
	say("\n## Readers' CPU time per lookup, ns (median; less depends on how busy the "
	    "machine is)\n\n");
	say("| keys | readers | updates/s | rcuslot map | raw rculfhash | GLib + rwlock | "
	    "raw / map | rwlock / map |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n");
	for (int k = 0; k < opt.nkeys; k++)
		for (int ri = 0; ri < opt.nreaders; ri++)
			for (int u = 0; u < opt.nrates; u++) {
				double *m = medcpu[k][ri][u];

				say("| %ld | %ld | %ld | %.1f | %.1f | %.1f | %.2f | %.2f |\n",
				    opt.keys[k], opt.readers[ri], opt.rates[u], m[0], m[1], m[2],
				    m[1] / m[0], m[2] / m[0]);
			}
	free(runs);
}

static const int update_readers[] = { 0, 2 };

/* Updates/s with no reader, then with 2. */
static void measure_updates(const struct map_impl *m, uint32_t keys, double *out)
{
	for (int ri = 0; ri < 2; ri++) {
		out[ri] = run_once(m, keys, update_readers[ri], -1, opt.duration_ms).updates_per_s;
		m->thread_online();
		m->barrier(); /* no backlog into the next run */
		m->thread_offline();
	}
}

static void updates(void)
{
	uint32_t keys = opt.nkeys > 1 ? (uint32_t)opt.keys[1] : (uint32_t)opt.keys[0];
	double res[NIMPLS][2][16], runs[16], got[2];
	char b[3][32];

	say("\n## Updates/s (one updater flat out, %u keys; median of %ld runs)\n\n", keys,
	    opt.reps);
	say("| readers | rcuslot map | raw rculfhash | GLib + rwlock | map / raw |\n"
	    "|---:|---:|---:|---:|---:|\n");
	if (updates_csv)
		fprintf(updates_csv, "keys,readers,impl,updates_per_s\n");
	for (long rep = 0; rep < opt.reps; rep++)
		for (int i = 0; i < NIMPLS; i++) {
			in_process(impls[i], keys, measure_updates, got, 2);
			res[i][0][rep] = got[0];
			res[i][1][rep] = got[1];
		}
	for (int ri = 0; ri < 2; ri++) {
		double med[NIMPLS];

		for (int i = 0; i < NIMPLS; i++) {
			memcpy(runs, res[i][ri], (size_t)opt.reps * sizeof(double));
			med[i] = median(runs, opt.reps);
			if (updates_csv)
				fprintf(updates_csv, "%u,%d,%s,%.0f\n", keys, update_readers[ri],
					impls[i]->name, med[i]);
		}
		say("| %d | %s | %s | %s | %.2f |\n", update_readers[ri], human(med[0], b[0]),
		    human(med[1], b[1]), human(med[2], b[2]), med[0] / med[1]);
	}
}

/* --- command line ---------------------------------------------------------- */

static int parse_list(const char *s, long *out, long min, long max)
{
	int n = 0;
	char *end;

	while (*s && n < MAX_LIST) {
		long v = strtol(s, &end, 10);

		if (end == s || v < min || v > max)
			return -1;
		out[n++] = v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n ? n : -1;
}

static void usage(FILE *f, int status)
{
	fprintf(f, "usage: mapbench [--keys=1000,100000,1000000] [--readers=1,2,4]\n"
		   "                [--rates=0,1000,100000] [--duration=MS] [--reps=N]\n"
		   "                [--out=DIR] [--smoke]\n");
	exit(status);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "keys", required_argument, NULL, 'k' },
		{ "readers", required_argument, NULL, 'r' },
		{ "rates", required_argument, NULL, 'u' },
		{ "duration", required_argument, NULL, 'd' },
		{ "reps", required_argument, NULL, 'n' },
		{ "out", required_argument, NULL, 'o' },
		{ "smoke", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'k': opt.nkeys = parse_list(optarg, opt.keys, 1, 1L << 24); break;
		case 'r': opt.nreaders = parse_list(optarg, opt.readers, 1, MAX_READERS); break;
		case 'u': opt.nrates = parse_list(optarg, opt.rates, 0, 10000000); break;
		case 'd': opt.duration_ms = strtol(optarg, NULL, 10); break;
		case 'n': opt.reps = strtol(optarg, NULL, 10); break;
		case 'o': opt.out = optarg; break;
		case 's':
			/* Every implementation and path, tiny: for scons check. */
			opt.keys[0] = 1000, opt.keys[1] = 5000, opt.nkeys = 2;
			opt.readers[0] = 1, opt.readers[1] = 2, opt.nreaders = 2;
			opt.rates[0] = 0, opt.rates[1] = 1000, opt.nrates = 2;
			opt.duration_ms = 20, opt.reps = 1;
			break;
		case 'h': usage(stdout, 0); break;
		default: usage(stderr, 2);
		}
	}
	if (optind != argc || opt.nkeys < 0 || opt.nreaders < 0 || opt.nrates < 0 ||
	    opt.duration_ms < 1 || opt.reps < 1 || opt.reps > 15)
		usage(stderr, 2);
	report = open_out("map-report.md");
	lookups_csv = open_out("map-lookups.csv");
	updates_csv = open_out("map-updates.csv");
	say("# mapbench: %ld ms a run, %ld runs; %ld CPUs online\n\n", opt.duration_ms,
	    opt.reps, sysconf(_SC_NPROCESSORS_ONLN));
	for (int i = 0; i < NIMPLS; i++)
		say("- %s: %s\n", impls[i]->name, impls[i]->what);
	lookups();
	updates();
	if (report)
		fclose(report);
	if (lookups_csv)
		fclose(lookups_csv);
	if (updates_csv)
		fclose(updates_csv);
	return 0;
}
