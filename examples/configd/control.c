/* SPDX-License-Identifier: MIT */
/* The control thread's loop: signals, the config's changes, reload requests. */
#include "control.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

int control_take_signals(void)
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

static void reload(struct daemon *d, const char *why)
{
	char msg[RELOAD_MSG_MAX];
	uint64_t gen;

	daemon_reload(d, why, &gen, msg, sizeof(msg));
}

/* False once SIGTERM or SIGINT has arrived. */
static bool take_signal(struct daemon *d, struct follow *f, int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGHUP)
			return false;
		follow_arm(f);
		reload(d, "SIGHUP");
	}
	return true;
}

/* For STATS. Relaxed: a flag read on its own, nothing published with it. */
static void publish_watch(struct daemon *d, const struct follow *f)
{
	atomic_store_explicit(&d->watch_polling, follow_polling(f),
			      memory_order_relaxed);
}

/*
 * Every reload re-arms the watches before it reads the file (follow.h
 * says why), whatever started it.
 */
void control_run(struct daemon *d, int sigfd, struct follow *f)
{
	enum { SIGNALS, REQUESTS, CHANGES };
	struct pollfd fds[3] = { [SIGNALS] = { .fd = sigfd, .events = POLLIN },
				 [REQUESTS] = { .fd = d->requests_fd, .events = POLLIN },
				 [CHANGES] = { .events = POLLIN } };

	for (;;) {
		publish_watch(d, f);
		fds[CHANGES].fd = follow_fd(f);	/* -1: poll ignores it */
		if (poll(fds, 3, follow_timeout_ms(f)) < 0 && errno != EINTR)
			break;
		if (!take_signal(d, f, sigfd))
			break;
		if (fds[REQUESTS].revents & POLLIN) {
			follow_arm(f);
			daemon_serve_reload_requests(d);
		}
		if (follow_changed(f))
			reload(d, follow_polling(f) ? "file changed (polled)" : "file changed");
	}
	daemon_refuse_reload_requests(d);
}
