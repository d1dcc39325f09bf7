/* SPDX-License-Identifier: MIT */
/*
 * kvd: options, startup and shutdown (see kvd(8)).
 *
 * The main thread owns the signals, through a signalfd (no handler runs,
 * let alone one that calls into RCU), and the periodic upkeep (a delayed
 * flush_all falling due). On SIGTERM or SIGINT it closes the listening
 * sockets, lets the workers answer what they have received, frees every
 * item (after a grace period), waits for the deferred frees with
 * rcuslot_barrier() and exits 0.
 */
#define _GNU_SOURCE	/* pipe2 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "server.h"
#include "store.h"

#define EXIT_RUNTIME 1
#define EXIT_USAGE 2
#define TICK_MS 100

struct kvd_settings kvd_settings = {
	.max_bytes = (size_t)KVD_MEM_MB_DEFAULT * 1024 * 1024,
	.item_max = KVD_ITEM_MAX_DEFAULT,
	.max_conns = KVD_CONNS_DEFAULT,
	.threads = KVD_THREADS_DEFAULT,
	.port = KVD_PORT_DEFAULT,
	.listen = "127.0.0.1",
	.evict = true,
};

int64_t kvd_started_ms;

/* --- clocks and counters --------------------------------------------- */

int64_t kvd_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t kvd_unix_now(void)
{
	return (int64_t)time(NULL);
}

/* The counters of threads that are not workers (the main thread). */
static struct kvd_stats spare_stats;
__thread struct kvd_stats *kvd_tstats = &spare_stats;

#define MAX_STATS 1024
static struct kvd_stats *registered[MAX_STATS];
static unsigned n_registered;
static struct kvd_stats baseline;	/* the sums at the last stats reset */
static pthread_mutex_t stats_lock = PTHREAD_MUTEX_INITIALIZER;

void kvd_stats_register(struct kvd_stats *s)
{
	pthread_mutex_lock(&stats_lock);
	if (n_registered < MAX_STATS)
		registered[n_registered++] = s;
	pthread_mutex_unlock(&stats_lock);
}

static void sum_raw(struct kvd_stats *out)
{
	uint64_t *o = (uint64_t *)out;

	memset(out, 0, sizeof(*out));
	for (unsigned i = 0; i <= n_registered; i++) {
		uint64_t *s = (uint64_t *)(i < n_registered ? registered[i] : &spare_stats);

		for (size_t f = 0; f < KVD_STATS_FIELDS; f++)
			o[f] += __atomic_load_n(&s[f], __ATOMIC_RELAXED);
	}
}

void kvd_stats_sum(struct kvd_stats *out)
{
	uint64_t *o = (uint64_t *)out, *b = (uint64_t *)&baseline;

	pthread_mutex_lock(&stats_lock);
	sum_raw(out);
	for (size_t f = 0; f < KVD_STATS_FIELDS; f++)
		o[f] -= b[f];
	pthread_mutex_unlock(&stats_lock);
}

void kvd_stats_reset(void)
{
	pthread_mutex_lock(&stats_lock);
	sum_raw(&baseline);
	pthread_mutex_unlock(&stats_lock);
}

/* --- options ------------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
"Usage: kvd [OPTION]...\n"
"An in-memory cache speaking memcached's ASCII protocol; GETs take no lock.\n"
"\n"
"  -p, --port=PORT           TCP port to listen on (default %d)\n"
"  -l, --listen=ADDR         address to listen on (default 127.0.0.1)\n"
"  -s, --unix-socket=PATH    listen on a UNIX socket instead of TCP\n"
"  -m, --memory-limit=MB     bytes held in items, in megabytes (default %d);\n"
"                            a write past it evicts what was least used\n"
"  -I, --max-item-size=SIZE  largest item, with k or m suffix (default 1m)\n"
"  -c, --conn-limit=N        simultaneous connections (default %d)\n"
"  -t, --threads=N           worker threads (default %d)\n"
"  -M, --disable-evictions   a write past -m fails instead of evicting\n"
"  -v, --verbose             report startup and shutdown on stderr\n"
"  -h, --help                show this help and exit\n"
"  -V, --version             show the version and exit\n"
"\n"
"SIGTERM, SIGINT or SIGUSR1: stop accepting, answer what was received,\n"
"exit 0. SIGHUP is ignored.\n"
"See kvd(8).\n",
		KVD_PORT_DEFAULT, KVD_MEM_MB_DEFAULT, KVD_CONNS_DEFAULT,
		KVD_THREADS_DEFAULT);
}

static int bad_arg(const char *opt, const char *arg, const char *why)
{
	fprintf(stderr, "kvd: invalid %s '%s': %s\n", opt, arg, why);
	return -1;
}

static int parse_ulong(const char *opt, const char *arg, unsigned long lo,
		       unsigned long hi, unsigned long *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(arg, &end, 10);
	if (errno || end == arg || *end || arg[0] == '-' || v < lo || v > hi) {
		char why[64];

		snprintf(why, sizeof(why), "expected a number from %lu to %lu", lo, hi);
		return bad_arg(opt, arg, why);
	}
	*out = v;
	return 0;
}

/* 1048576, 1024k, 1m, as memcached's -I. */
static int parse_size(const char *arg, size_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno || end == arg || arg[0] == '-')
		return bad_arg("-I", arg, "expected a size such as 1m or 512k");
	if (*end == 'k' || *end == 'K')
		v *= 1024, end++;
	else if (*end == 'm' || *end == 'M')
		v *= 1024 * 1024, end++;
	if (*end)
		return bad_arg("-I", arg, "expected a size such as 1m or 512k");
	if (v < 1024)
		return bad_arg("-I", arg, "the item size limit is at least 1024 bytes");
	if (v > 1024ULL * 1024 * 1024)
		return bad_arg("-I", arg, "the item size limit is at most 1g");
	*out = (size_t)v;
	return 0;
}

/* 0, EXIT_USAGE, or -1: exit 0 at once (--help, --version). */
static int parse_options(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "port", required_argument, NULL, 'p' },
		{ "listen", required_argument, NULL, 'l' },
		{ "unix-socket", required_argument, NULL, 's' },
		{ "memory-limit", required_argument, NULL, 'm' },
		{ "max-item-size", required_argument, NULL, 'I' },
		{ "conn-limit", required_argument, NULL, 'c' },
		{ "threads", required_argument, NULL, 't' },
		{ "disable-evictions", no_argument, NULL, 'M' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long v;
	int opt;

	while ((opt = getopt_long(argc, argv, "p:l:s:m:I:c:t:MvhV", longs, NULL)) != -1) {
		switch (opt) {
		case 'p':
			if (parse_ulong("-p", optarg, 1, 65535, &v))
				return EXIT_USAGE;
			kvd_settings.port = (int)v;
			break;
		case 'l':
			kvd_settings.listen = optarg;
			break;
		case 's':
			if (strlen(optarg) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
				bad_arg("-s", optarg, "path too long");
				return EXIT_USAGE;
			}
			kvd_settings.sock_path = optarg;
			break;
		case 'm':
			if (parse_ulong("-m", optarg, 1, 1024UL * 1024, &v))
				return EXIT_USAGE;
			kvd_settings.max_bytes = (size_t)v * 1024 * 1024;
			break;
		case 'I':
			if (parse_size(optarg, &kvd_settings.item_max))
				return EXIT_USAGE;
			break;
		case 'c':
			if (parse_ulong("-c", optarg, 1, 1000000, &v))
				return EXIT_USAGE;
			kvd_settings.max_conns = (unsigned)v;
			break;
		case 't':
			if (parse_ulong("-t", optarg, 1, 256, &v))
				return EXIT_USAGE;
			kvd_settings.threads = (unsigned)v;
			break;
		case 'M':
			kvd_settings.evict = false;
			break;
		case 'v':
			kvd_settings.verbose++;
			break;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("kvd %s (rcuslot %s, memcached protocol %s)\n", KVD_VERSION,
			       RCUSLOT_VERSION_STRING, KVD_PROTO_VERSION);
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "kvd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	if (kvd_settings.item_max > kvd_settings.max_bytes / 2) {
		fprintf(stderr, "kvd: the item size limit (-I) is at most half the "
				"memory limit (-m)\n");
		return EXIT_USAGE;
	}
	if (kvd_settings.sock_path)
		kvd_settings.port = 0;
	return 0;
}

/* --- sockets ------------------------------------------------------------ */

static int listen_tcp(const char *addr, int port)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *res;
	char service[16];
	int fd = -1, one = 1, err;

	snprintf(service, sizeof(service), "%d", port);
	err = getaddrinfo(addr, service, &hints, &res);
	if (err) {
		fprintf(stderr, "kvd: %s: %s\n", addr, gai_strerror(err));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) < 0 || listen(fd, 1024) < 0) {
		fprintf(stderr, "kvd: cannot listen on %s port %d: %s\n", addr, port,
			strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

/*
 * What is at path may be replaced: nothing, or a socket nobody serves (left
 * by an earlier run). A file that is not a socket, or a socket a live
 * process accepts on, is not ours to take.
 */
static int unix_path_free(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, err;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "kvd: cannot listen on %s: it exists and is not a socket\n",
			path);
		return -1;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	err = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0 ? 0 : errno;
	close(fd);
	if (err == 0 || err == EAGAIN) {
		fprintf(stderr, "kvd: cannot listen on %s: another process serves it\n", path);
		return -1;
	}
	if (err != ECONNREFUSED) {
		fprintf(stderr, "kvd: cannot listen on %s: %s\n", path, strerror(err));
		return -1;
	}
	unlink(path);	/* a socket left by an earlier run */
	return 0;
}

static int listen_unix(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	strcpy(sun.sun_path, path);	/* length checked with the options */
	if (unix_path_free(path, &sun) < 0)
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0 ||
	    listen(fd, 1024) < 0) {
		fprintf(stderr, "kvd: cannot listen on %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

/* SIGTERM, SIGINT, SIGUSR1 and SIGHUP arrive through a signalfd; every
 * thread started later inherits the blocked mask, so none of them is
 * interrupted. */
/*
 * rculfhash's resize thread unblocks SIGUSR1 (the signal flavor's), so a
 * SIGUSR1 sent to kvd may land there rather than in the signalfd: a handler
 * catches it wherever it lands and tells the main thread through a pipe.
 */
static int usr1_pipe[2] = { -1, -1 };

static void on_usr1(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(usr1_pipe[1], &c, 1) < 0) {
		/* the pipe is full: a stop is pending already */
	}
	errno = saved;
}

static int take_signals(void)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigset_t set;

	if (pipe2(usr1_pipe, O_NONBLOCK | O_CLOEXEC) < 0)
		return -1;
	sigfillset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, NULL) < 0)
		return -1;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGHUP);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static void wait_for_signal(int sigfd)
{
	struct pollfd pfd[2] = { { .fd = sigfd, .events = POLLIN },
				 { .fd = usr1_pipe[0], .events = POLLIN } };

	for (;;) {
		struct signalfd_siginfo si;
		int ready;

		/* qsbr: a thread that waits holds no item */
		rcuslot_thread_offline();
		ready = poll(pfd, 2, TICK_MS);
		rcuslot_thread_online();
		if (ready > 0 && (pfd[1].revents & POLLIN)) {
			if (kvd_verbose())
				fprintf(stderr, "kvd: %s: stopping\n", strsignal(SIGUSR1));
			return;
		}
		if (ready > 0 &&
		    read(sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
			/* SIGHUP: memcached goes on serving; so does kvd (it
			 * has no log or configuration to reopen) */
			if (si.ssi_signo == SIGHUP) {
				if (kvd_verbose())
					fprintf(stderr, "kvd: SIGHUP: ignored\n");
				continue;
			}
			if (kvd_verbose())
				fprintf(stderr, "kvd: %s: stopping\n", strsignal((int)si.ssi_signo));
			return;
		}
		store_tick(kvd_now_ms());
	}
}

int main(int argc, char **argv)
{
	int rc = parse_options(argc, argv);
	int lfd, sigfd;
	sigset_t usr1;

	if (rc)
		return rc < 0 ? 0 : rc;
	kvd_started_ms = kvd_now_ms();
	sigfd = take_signals();
	if (sigfd < 0) {
		perror("kvd: signalfd");
		return EXIT_RUNTIME;
	}
	lfd = kvd_settings.sock_path ? listen_unix(kvd_settings.sock_path)
				     : listen_tcp(kvd_settings.listen, kvd_settings.port);
	if (lfd < 0)
		return EXIT_RUNTIME;
	rcuslot_register_thread();
	if (store_init() != 0) {
		fprintf(stderr, "kvd: cannot create the item map\n");
		return EXIT_RUNTIME;
	}
	if (server_start(&lfd, 1) != 0) {
		store_destroy();
		rcuslot_unregister_thread();
		rcuslot_barrier();
		return EXIT_RUNTIME;
	}
	/*
	 * Linux gives a signal sent to the process to its main thread when that
	 * thread does not block it. Every other thread of kvd's started with
	 * SIGUSR1 blocked, so it is unblocked here, in this thread alone: it then
	 * interrupts the poll() in wait_for_signal() rather than landing in the
	 * resize thread, which may sleep in a futex for as long as the map does
	 * not grow, and where ThreadSanitizer's runtime holds a handler back
	 * until the thread next calls into the C library.
	 */
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	if (kvd_verbose()) {
		if (kvd_settings.sock_path)
			fprintf(stderr, "kvd: listening on %s\n", kvd_settings.sock_path);
		else
			fprintf(stderr, "kvd: listening on %s port %d, %u threads\n",
				kvd_settings.listen, kvd_settings.port, kvd_settings.threads);
	}
	wait_for_signal(sigfd);

	/* Shutdown: no new clients; the workers answer and close theirs. */
	server_stop();
	close(lfd);
	if (kvd_settings.sock_path)
		unlink(kvd_settings.sock_path);
	store_destroy();
	rcuslot_unregister_thread();
	rcuslot_barrier();	/* the items' deferred frees have all run */
	if (store_bytes() != 0) {
		fprintf(stderr, "kvd: %llu bytes of items not freed at exit\n",
			(unsigned long long)store_bytes());
		return EXIT_RUNTIME;
	}
	if (kvd_verbose())
		fprintf(stderr, "kvd: stopped\n");
	close(sigfd);
	close(usr1_pipe[0]);
	close(usr1_pipe[1]);
	return 0;
}
