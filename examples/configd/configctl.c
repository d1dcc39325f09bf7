/* SPDX-License-Identifier: MIT */
/*
 * configctl: send one request to configd and print its answer.
 *
 *   configctl SOCKET REQUEST...      e.g. configctl /tmp/configd.sock GET server.port
 *   configctl -p PORT REQUEST...     over TCP to 127.0.0.1:PORT
 *
 * Exit status: 0 for an "OK" answer, 1 for "ERR" (at the daemon's client
 * limit too: its "ERR too many clients" is printed), 2 for a usage error
 * (a control character in a request argument is one), 3 when there is no
 * complete answer: no connection, the connection closed or broke first,
 * or nothing within 10 s. configctl never dies of SIGPIPE on the socket.
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
#define TIMEOUT_TEXT "10 s"

/* Exit statuses, as configctl(1) documents them. */
#define EXIT_OK_ANSWER 0	/* the answer starts with "OK" */
#define EXIT_ERR_ANSWER 1	/* it starts with "ERR" */
#define EXIT_USAGE 2		/* bad arguments: nothing was sent */
#define EXIT_NO_ANSWER 3	/* no connection, or no complete answer */

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

/*
 * A request is one line: a newline in an argument would end it and start
 * a second request (a RELOAD, say) that the user never meant to send, so
 * any control byte is refused before anything is sent.
 */
static bool check_words(char **words, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		const unsigned char *p = (const unsigned char *)words[i];
		size_t at;

		for (at = 0; p[at]; at++) {
			if (p[at] >= 0x20 && p[at] != 0x7f)
				continue;
			fprintf(stderr, "configctl: request argument %d has a control "
				"character (byte 0x%02x at offset %zu)%s; a request is "
				"one line of text: nothing sent\n", i + 1, p[at], at,
				p[at] == '\n' ? ", a newline" : "");
			return false;
		}
	}
	return true;
}

/*
 * The request words joined by spaces, as one line. 0, or the errno of
 * the failed send. MSG_NOSIGNAL: a daemon that closed the connection
 * (at its client limit, or after refusing the request) gives EPIPE
 * rather than a SIGPIPE that would kill configctl before it reads why.
 */
static int send_request(int fd, char **words, int n)
{
	size_t len = 1, at = 0;
	char *line;
	int i, err = 0;

	for (i = 0; i < n; i++)
		len += strlen(words[i]) + 1;
	line = malloc(len);
	if (!line)
		return ENOMEM;
	len = 0;
	for (i = 0; i < n; i++)
		len += (size_t)sprintf(line + len, "%s%s", i ? " " : "", words[i]);
	line[len++] = '\n';
	while (at < len) {
		ssize_t w = send(fd, line + at, len - at, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			err = errno;
			break;
		}
		at += (size_t)w;
	}
	free(line);
	return err;
}

/* Why there is no (complete) answer: err is the failed read's errno. */
static const char *read_failure(FILE *f, int err)
{
	if (!ferror(f))
		return "the connection was closed";
	if (err == EAGAIN || err == EWOULDBLOCK)
		return "nothing came within " TIMEOUT_TEXT;
	return strerror(err);
}

/* One line, or DUMP's block up to its "END" line. */
static int print_answer(int fd, int send_err)
{
	FILE *f = fdopen(fd, "r");
	char *line = NULL;
	size_t cap = 0;
	bool first = true, block = false, done = false;
	int rc = EXIT_NO_ANSWER, err;

	if (!f) {
		fprintf(stderr, "configctl: %s\n", strerror(errno));
		close(fd);
		return EXIT_NO_ANSWER;
	}
	errno = 0;
	while (getline(&line, &cap, f) > 0) {
		fputs(line, stdout);
		if (first) {
			rc = strncmp(line, "OK", 2) == 0 ? EXIT_OK_ANSWER : EXIT_ERR_ANSWER;
			block = strncmp(line, "OK dump", 7) == 0;
			first = false;
		}
		if (!block || strcmp(line, "END\n") == 0) {
			done = true;
			break;
		}
	}
	err = errno;	/* the failed getline()'s, if it failed */
	if (first && send_err)
		fprintf(stderr, "configctl: no answer: the daemon closed the "
			"connection while the request was sent (%s)\n",
			strerror(send_err));
	else if (first)
		fprintf(stderr, "configctl: no answer: %s\n", read_failure(f, err));
	else if (!done) {
		fprintf(stderr, "configctl: answer cut short: %s before its END "
			"line\n", read_failure(f, err));
		rc = EXIT_NO_ANSWER;
	}
	free(line);
	fclose(f);
	return rc;
}

int main(int argc, char **argv)
{
	struct timeval tv = { .tv_sec = TIMEOUT_S };
	bool tcp = argc > 1 && strcmp(argv[1], "-p") == 0;
	int first = tcp ? 3 : 2, fd, err;

	if (argc <= first) {
		fprintf(stderr, "usage: configctl SOCKET REQUEST...\n"
				"       configctl -p PORT REQUEST...\n");
		return EXIT_USAGE;
	}
	if (!check_words(argv + first, argc - first))
		return EXIT_USAGE;
	fd = tcp ? connect_tcp(argv[2]) : connect_unix(argv[1]);
	if (fd < 0) {
		fprintf(stderr, "configctl: cannot connect to %s: %s%s\n",
			argv[first - 1], strerror(errno),
			errno == ECONNREFUSED || errno == ENOENT ?
			" (is configd running?)" : "");
		return EXIT_NO_ANSWER;
	}
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	err = send_request(fd, argv + first, argc - first);
	/* Closed on us: the daemon may still have said why (too many
	 * clients, a request too long), so read that. */
	if (err && err != EPIPE && err != ECONNRESET) {
		fprintf(stderr, "configctl: cannot send: %s\n", strerror(err));
		close(fd);
		return EXIT_NO_ANSWER;
	}
	return print_answer(fd, err);
}
