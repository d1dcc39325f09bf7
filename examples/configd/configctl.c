/* SPDX-License-Identifier: MIT */
/*
 * configctl: send one request to configd and print its answer.
 *
 *   configctl SOCKET REQUEST...      e.g. configctl /tmp/configd.sock GET server.port
 *   configctl -p PORT REQUEST...     over TCP to 127.0.0.1:PORT
 *
 * Exit status: 0 for an "OK" answer, 1 for "ERR", 2 for a usage error,
 * 3 when the daemon cannot be reached or does not answer in time.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#define TIMEOUT_S 10

static int connect_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return errno = ENAMETOOLONG, -1;
	memcpy(sa.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static int connect_tcp(const char *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char *end;
	long n = strtol(port, &end, 10);
	int fd;

	if (end == port || *end != '\0' || n < 1 || n > 65535)
		return errno = EINVAL, -1;
	sa.sin_port = htons((uint16_t)n);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* The request words joined by spaces, as one line. */
static bool send_request(int fd, char **words, int n)
{
	FILE *f = fdopen(dup(fd), "w");
	int i;

	if (!f)
		return false;
	for (i = 0; i < n; i++)
		fprintf(f, "%s%s", i ? " " : "", words[i]);
	fputc('\n', f);
	return fclose(f) == 0;
}

/* One line, or DUMP's block up to its "END" line. */
static int print_answer(int fd)
{
	FILE *f = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	bool first = true, block = false;
	int rc = 3;

	if (!f)
		return 3;
	while (getline(&line, &cap, f) > 0) {
		fputs(line, stdout);
		if (first) {
			rc = strncmp(line, "OK", 2) == 0 ? 0 : 1;
			block = strncmp(line, "OK dump", 7) == 0;
			first = false;
		}
		if (!block || strcmp(line, "END\n") == 0)
			break;
	}
	if (first)
		fprintf(stderr, "configctl: no answer\n");
	free(line);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = TIMEOUT_S };
	bool tcp = argc > 1 && strcmp(argv[1], "-p") == 0;
	int first = tcp ? 3 : 2, fd;

	if (argc <= first) {
		fprintf(stderr, "usage: configctl SOCKET REQUEST...\n"
				"       configctl -p PORT REQUEST...\n");
		return 2;
	}
	fd = tcp ? connect_tcp(argv[2]) : connect_unix(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "configctl: cannot connect to %s: %s\n",
			argv[first - 1], strerror(errno));
		return 3;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (!send_request(fd, argv + first, argc - first)) {
		fprintf(stderr, "configctl: cannot send: %s\n", strerror(errno));
		close(fd);
		return 3;
	}
	return print_answer(fd);
}
