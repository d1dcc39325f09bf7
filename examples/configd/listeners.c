/* SPDX-License-Identifier: MIT */
/* Opening, stopping and closing the listening sockets. */
#include "listeners.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

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

bool listeners_open(struct daemon *d, int tcp_port)
{
	int fd, port;

	fd = listen_unix(d->socket_path);
	if (fd < 0)
		return false;
	d->listen_fd[d->n_listen++] = fd;
	if (tcp_port < 0)
		return true;
	fd = listen_tcp(tcp_port, &port);
	if (fd < 0) {
		listeners_close(d);
		return false;
	}
	d->listen_fd[d->n_listen++] = fd;
	printf("configd: listening on 127.0.0.1:%d\n", port);
	return true;
}

/*
 * Removing the file as soon as the daemon stops listening also means that
 * it never removes the socket of a successor started during the drain.
 */
void listeners_stop(struct daemon *d)
{
	unsigned i;

	if (!d->n_listen || d->listeners_stopped)
		return;
	for (i = 0; i < d->n_listen; i++)
		shutdown(d->listen_fd[i], SHUT_RDWR);
	unlink(d->socket_path);
	d->listeners_stopped = true;
}

void listeners_close(struct daemon *d)
{
	unsigned i;

	if (d->n_listen && !d->listeners_stopped)
		unlink(d->socket_path);
	for (i = 0; i < d->n_listen; i++)
		close(d->listen_fd[i]);
	d->n_listen = 0;
}
