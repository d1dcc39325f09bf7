/* SPDX-License-Identifier: MIT */
/* The control thread's loop: signals, inotify, reload requests. */
#include "control.h"

#include <errno.h>
#include <libgen.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/inotify.h>
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
	if (fd >= 0 && !*base) {
		perror("configd: inotify");
		close(fd);
		fd = -1;
	}
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
	char msg[RELOAD_MSG_MAX];
	uint64_t gen;

	daemon_reload(d, why, &gen, msg, sizeof(msg));
}

/* False once SIGTERM or SIGINT has arrived. */
static bool take_signal(struct daemon *d, int sigfd)
{
	struct signalfd_siginfo si;

	while (read(sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo != SIGHUP)
			return false;
		reload(d, "SIGHUP");
	}
	return true;
}

void control_run(struct daemon *d, int sigfd)
{
	enum { SIGNALS, REQUESTS, CHANGES };
	struct pollfd fds[3] = { [SIGNALS] = { .fd = sigfd, .events = POLLIN },
				 [REQUESTS] = { .fd = d->requests_fd, .events = POLLIN },
				 [CHANGES] = { .events = POLLIN } };
	char *base = NULL;
	int inofd = watch_config(d->config_path, &base);

	fds[CHANGES].fd = inofd;	/* -1: poll ignores it */
	for (;;) {
		if (poll(fds, 3, -1) < 0 && errno != EINTR)
			break;
		if (!take_signal(d, sigfd))
			break;
		if (fds[REQUESTS].revents & POLLIN)
			daemon_serve_reload_requests(d);
		if (base && (fds[CHANGES].revents & POLLIN) && config_changed(inofd, base))
			reload(d, "file changed");
	}
	daemon_refuse_reload_requests(d);
	if (inofd >= 0)
		close(inofd);
	free(base);
}
