/* SPDX-License-Identifier: MIT */
/*
 * configd: serve a configuration file over a line protocol and reload it,
 * while it is being served, on SIGHUP, on a RELOAD request and when the file
 * changes. Workers answer from the current config without ever waiting for
 * a reload; configd(8) (configd.8 here) is the manual.
 *
 * This file is the command: its options, and the order of start-up and
 * shutdown. The main thread becomes the control thread (control.c) once
 * the workers (workers.c) run.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <sys/resource.h>
#include <unistd.h>

#include "control.h"
#include "daemon.h"
#include "listeners.h"
#include "workers.h"

/* Exit codes, as documented in configd(8). */
#define EXIT_OK 0
#define EXIT_RUNTIME 1	/* could not set up: socket, threads, ... */
#define EXIT_USAGE 2
#define EXIT_CONFIG 3	/* the config given at startup was rejected */

#define CONFIGD_VERSION "1.0"

struct options {
	const char *config;
	const char *socket;
	unsigned workers;
	unsigned max_clients;
	int tcp_port;		/* -1: no TCP listener */
	bool poll;		/* --poll: check CONFIG's identity, no inotify */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: configd [OPTIONS] CONFIG SOCKET\n"
		"\n"
		"Serve the config file CONFIG on the UNIX socket SOCKET (created\n"
		"mode 0600) and reload it on SIGHUP, on a RELOAD request, and when\n"
		"the file changes. SIGTERM or SIGINT stops the daemon cleanly.\n"
		"\n"
		"  -w, --workers N      worker threads (1-64; default 4)\n"
		"  -c, --max-clients N  connections served at once (1-4096;\n"
		"                       default 128); more get \"ERR too many clients\"\n"
		"  -p, --tcp PORT       also listen on 127.0.0.1:PORT (0: any free\n"
		"                       port, printed at startup)\n"
		"      --poll           notice changes of CONFIG by checking it every\n"
		"                       500 ms, not with inotify (for file systems\n"
		"                       inotify does not see changes on, e.g. NFS)\n"
		"  -h, --help           this help\n"
		"  -V, --version        the version\n"
		"\n"
		"Requests, one per line: GET section.key, DUMP, STATS, RELOAD, QUIT.\n"
		"\n"
		"Exit status: 0 after a clean shutdown, 1 when the daemon cannot set\n"
		"up (socket, threads), 2 for a usage error, 3 when CONFIG is\n"
		"rejected at startup. The manual: configd(8).\n");
}

static bool parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v < min || v > max)
		return false;
	*out = (unsigned)v;
	return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "workers", required_argument, NULL, 'w' },
		{ "max-clients", required_argument, NULL, 'c' },
		{ "tcp", required_argument, NULL, 'p' },
		{ "poll", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned port;
	int c;

	*o = (struct options){ .workers = 4, .max_clients = 128, .tcp_port = -1 };
	while ((c = getopt_long(argc, argv, "w:c:p:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'w':
			if (!parse_uint(optarg, 1, 64, &o->workers))
				goto bad;
			break;
		case 'c':
			if (!parse_uint(optarg, 1, 4096, &o->max_clients))
				goto bad;
			break;
		case 'p':
			if (!parse_uint(optarg, 0, 65535, &port))
				goto bad;
			o->tcp_port = (int)port;
			break;
		case 'P':
			o->poll = true;
			break;
		case 'h':
			usage(stdout);
			exit(EXIT_OK);
		case 'V':
			printf("configd %s (rcuslot %s, liburcu flavor %s)\n",
			       CONFIGD_VERSION, RCUSLOT_VERSION_STRING,
			       RCUSLOT_FLAVOR_NAME);
			exit(EXIT_OK);
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "configd: expected CONFIG and SOCKET\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	o->config = argv[optind];
	o->socket = argv[optind + 1];
	return EXIT_OK;
bad:
	fprintf(stderr, "configd: invalid value for -%c: %s\n", c, optarg);
	usage(stderr);
	return EXIT_USAGE;
}

/* Every client is a descriptor: make sure max_clients of them can exist,
 * so accept() never fails with EMFILE and spins on the listening socket. */
static bool reserve_descriptors(unsigned needed)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return false;
	if (rl.rlim_cur >= needed)
		return true;
	if (rl.rlim_max < needed) {
		fprintf(stderr, "configd: need %u file descriptors, the hard limit "
			"is %llu: lower --max-clients\n", needed,
			(unsigned long long)rl.rlim_max);
		return false;
	}
	rl.rlim_cur = needed;
	return setrlimit(RLIMIT_NOFILE, &rl) == 0;
}

/* The config given at startup must be good: there is nothing to fall back on. */
static struct config *load_initial(const char *path)
{
	struct config_error err;
	struct config *cfg = config_load(path, &err);

	if (!cfg) {
		char msg[512];

		config_error_format(path, &err, msg, sizeof(msg));
		fprintf(stderr, "configd: %s\n", msg);
	}
	return cfg;
}

/*
 * Start the workers, be the control thread until SIGTERM or SIGINT, then
 * stop: no more reloads, no more connections, let the workers answer what
 * they have received, join them.
 */
static int serve(struct daemon *d, const struct options *o, int sigfd,
		 struct follow *f)
{
	struct worker *workers = workers_start(d, o->workers);

	if (!workers)
		return EXIT_RUNTIME;
	printf("configd: serving %s on %s with %u workers (generation 1)\n",
	       o->config, o->socket, o->workers);
	fflush(stdout);
	control_run(d, sigfd, f);
	daemon_stop(d);
	fprintf(stderr, "configd: stopping: no longer listening\n");
	workers_join(workers, o->workers);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct daemon d;
	struct options o;
	struct follow f;
	struct config *cfg;
	int sigfd, rc;

	rc = parse_options(argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;
	sigfd = control_take_signals();
	/* Watch before the first read, so that a change made in between is
	 * not missed (follow.h). */
	follow_init(&f, o.config, o.poll);
	cfg = load_initial(o.config);
	if (!cfg) {
		follow_destroy(&f);
		return EXIT_CONFIG;
	}
	if (sigfd < 0 || !daemon_init(&d, o.config, o.socket, o.max_clients)) {
		perror("configd: setting up");
		config_free(cfg);
		follow_destroy(&f);
		return EXIT_RUNTIME;
	}
	rcuslot_register_thread();
	daemon_publish_initial(&d, cfg);
	rc = EXIT_RUNTIME;
	if (reserve_descriptors(o.max_clients + o.workers * 2 + 64) &&
	    listeners_open(&d, o.tcp_port))
		rc = serve(&d, &o, sigfd, &f);
	/* The workers are joined: nothing reads the slots any more. */
	listeners_close(&d);
	daemon_unpublish(&d);
	/* liburcu 0.13.2 needs every queued call_rcu callback run before exit. */
	rcuslot_barrier();
	rcuslot_unregister_thread();
	daemon_destroy(&d);
	follow_destroy(&f);
	close(sigfd);
	if (rc == EXIT_OK)
		fprintf(stderr, "configd: stopped\n");
	return rc;
}
