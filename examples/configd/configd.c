/* SPDX-License-Identifier: MIT */
/*
 * configd: serve a configuration file over a line protocol and reload it,
 * while it is being served, on SIGHUP, on a RELOAD request and when the file
 * changes. Workers answer from the current config without ever waiting for
 * a reload; see README.md ("configd(8)") for the manual.
 *
 * The main thread is the control thread: it owns the signals (through a
 * signalfd: no signal handler runs, let alone one that calls into RCU) and
 * the inotify watch, and it runs the startup and shutdown sequences.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "daemon.h"
#include "server.h"

/* Exit codes, as documented in README.md. */
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
		"  -h, --help           this help\n"
		"  -V, --version        the version\n"
		"\n"
		"Requests, one per line: GET section.key, DUMP, STATS, RELOAD, QUIT.\n"
		"\n"
		"Exit status: 0 after a clean shutdown, 1 when the daemon cannot set\n"
		"up (socket, threads), 2 for a usage error, 3 when CONFIG is\n"
		"rejected at startup.\n");
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

/*
 * A socket file left by a daemon that died is reused; one that still
 * answers belongs to a running daemon and is left alone.
 */
static bool remove_stale_socket(const struct sockaddr_un *sa)
{
	struct stat st;
	int fd, r;

	if (lstat(sa->sun_path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISSOCK(st.st_mode)) {
		fprintf(stderr, "configd: %s exists and is not a socket\n", sa->sun_path);
		return false;
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	r = connect(fd, (const struct sockaddr *)sa, sizeof(*sa));
	close(fd);
	if (r == 0) {
		fprintf(stderr, "configd: %s is in use by a running daemon\n",
			sa->sun_path);
		return false;
	}
	return unlink(sa->sun_path) == 0 || errno == ENOENT;
}

/* The umask makes the socket owner-only from the moment it exists. */
static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	mode_t old_mask;
	int fd, r;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		fprintf(stderr, "configd: socket path too long: %s\n", path);
		return -1;
	}
	memcpy(sa.sun_path, path, strlen(path) + 1);
	if (!remove_stale_socket(&sa))
		return -1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	old_mask = umask(0177);
	r = bind(fd, (struct sockaddr *)&sa, sizeof(sa));
	umask(old_mask);
	if (r < 0 || chmod(path, 0600) < 0 || listen(fd, SOMAXCONN) < 0) {
		fprintf(stderr, "configd: %s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

/* Loopback only: the protocol has no authentication. */
static int listen_tcp(int port, int *bound_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int one = 1, fd;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, SOMAXCONN) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		fprintf(stderr, "configd: 127.0.0.1:%d: %s\n", port, strerror(errno));
		close(fd);
		return -1;
	}
	*bound_port = ntohs(sa.sin_port);
	return fd;
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

/* The socket file goes with the first of daemon_stop() and this. */
static void close_listeners(struct daemon *d, const struct options *o)
{
	unsigned i;

	for (i = 0; i < d->n_listen; i++)
		close(d->listen[i].fd);
	if (d->n_listen && !atomic_load(&d->stopping))
		unlink(o->socket);
	d->n_listen = 0;
}

static bool open_listeners(struct daemon *d, const struct options *o)
{
	int fd, port;

	fd = listen_unix(o->socket);
	if (fd < 0)
		return false;
	d->listen[d->n_listen++] = (struct watch){ .kind = WATCH_LISTEN, .fd = fd };
	if (o->tcp_port < 0)
		return true;
	fd = listen_tcp(o->tcp_port, &port);
	if (fd < 0) {
		close_listeners(d, o);
		return false;
	}
	d->listen[d->n_listen++] = (struct watch){ .kind = WATCH_LISTEN, .fd = fd };
	printf("configd: listening on 127.0.0.1:%d\n", port);
	return true;
}

/* SIGHUP, SIGTERM and SIGINT arrive through a signalfd; every thread
 * inherits the mask, so none of them is ever interrupted by a handler. */
static int take_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	if (pthread_sigmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	signal(SIGPIPE, SIG_IGN);	/* replies to vanished clients */
	return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

/*
 * Watch the directory, not the file: an editor that writes a temporary
 * file and renames it over the config replaces the inode, which a watch on
 * the file itself would lose. IN_CLOSE_WRITE covers editors that rewrite
 * in place (only once they are done); IN_MOVED_TO covers renames.
 */
static int watch_config(const char *path, char **base)
{
	char *dir_copy = strdup(path), *base_copy = strdup(path);
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);

	if (!dir_copy || !base_copy || fd < 0 ||
	    inotify_add_watch(fd, dirname(dir_copy), IN_CLOSE_WRITE | IN_MOVED_TO) < 0) {
		perror("configd: inotify");
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	*base = fd < 0 ? NULL : strdup(basename(base_copy));
	free(dir_copy);
	free(base_copy);
	return fd;
}

/* Drain the queue: a burst of events for the file means one reload. */
static bool config_changed(int fd, const char *base)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	bool changed = false;
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) > 0) {
		const char *p = buf;

		while (p < buf + n) {
			const struct inotify_event *ev = (const void *)p;

			if ((ev->mask & IN_Q_OVERFLOW) ||
			    (ev->len && strcmp(ev->name, base) == 0))
				changed = true;
			p += sizeof(*ev) + ev->len;
		}
	}
	return changed;
}

static void reload(struct daemon *d, const char *why)
{
	char msg[sizeof(((struct reload_status *)0)->last_error)];
	uint64_t gen;

	daemon_reload(d, why, &gen, msg, sizeof(msg));
}

/* Returns when SIGTERM or SIGINT arrives. */
static void control_loop(struct daemon *d, int sigfd, int inofd, const char *base)
{
	struct pollfd fds[2] = { { .fd = sigfd, .events = POLLIN },
				 { .fd = inofd, .events = POLLIN } };
	struct signalfd_siginfo si;

	for (;;) {
		if (poll(fds, inofd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR)
			return;
		while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
			if (si.ssi_signo != SIGHUP)
				return;
			reload(d, "SIGHUP");
		}
		if (inofd >= 0 && (fds[1].revents & POLLIN) && config_changed(inofd, base))
			reload(d, "file changed");
	}
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

/* After the workers are joined: nothing reads the slots any more. */
static void teardown(struct daemon *d, const struct options *o)
{
	close_listeners(d, o);
	daemon_unpublish(d);
	/* liburcu 0.13.2 needs every queued call_rcu callback run before exit. */
	rcuslot_barrier();
	rcuslot_unregister_thread();
	if (d->wake.fd >= 0)
		close(d->wake.fd);
	pthread_mutex_destroy(&d->reload_lock);
}

static int serve(struct daemon *d, const struct options *o, int sigfd)
{
	struct worker *workers;
	char *base = NULL;
	int inofd;

	inofd = watch_config(o->config, &base);
	workers = workers_start(d, o->workers);
	if (!workers) {
		free(base);
		return EXIT_RUNTIME;
	}
	printf("configd: serving %s on %s with %u workers (generation 1)\n",
	       o->config, o->socket, o->workers);
	fflush(stdout);
	control_loop(d, sigfd, inofd, base);
	daemon_stop(d);
	fprintf(stderr, "configd: stopping: no longer listening\n");
	workers_join(workers, o->workers);
	if (inofd >= 0)
		close(inofd);
	free(base);
	return EXIT_OK;
}

int main(int argc, char **argv)
{
	struct daemon d = { .wake = { .kind = WATCH_WAKE, .fd = -1 } };
	struct options o;
	struct config *cfg;
	int sigfd, rc;

	rc = parse_options(argc, argv, &o);
	if (rc != EXIT_OK)
		return rc;
	sigfd = take_signals();
	cfg = load_initial(o.config);
	if (!cfg)
		return EXIT_CONFIG;
	rcuslot_register_thread();
	pthread_mutex_init(&d.reload_lock, NULL);
	d.config_path = o.config;
	d.socket_path = o.socket;
	d.max_clients = o.max_clients;
	daemon_publish_initial(&d, cfg);
	d.wake.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	rc = EXIT_RUNTIME;
	if (sigfd >= 0 && d.wake.fd >= 0 &&
	    reserve_descriptors(o.max_clients + o.workers + 64) &&
	    open_listeners(&d, &o))
		rc = serve(&d, &o, sigfd);
	teardown(&d, &o);
	if (sigfd >= 0)
		close(sigfd);
	if (rc == EXIT_OK)
		fprintf(stderr, "configd: stopped\n");
	return rc;
}
