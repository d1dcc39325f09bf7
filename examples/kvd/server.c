/* SPDX-License-Identifier: MIT */
/*
 * Workers and connections (see server.h). All socket I/O happens outside
 * read-side critical sections: proto_feed formats replies into memory and
 * the worker writes them afterwards, so a slow client never delays a grace
 * period.
 */
#define _GNU_SOURCE	/* accept4 */
#include "server.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto.h"

#define EVENTS_PER_WAIT 64
#define READ_CHUNK 16384
#define DRAIN_MS 2000		/* to send the last replies at shutdown */
#define TOO_MANY "ERROR Too many open connections\r\n"
/* Out of descriptors: how long a worker stops accepting, doubling while
 * it lasts. */
#define ACCEPT_PAUSE_MIN_MS 10
#define ACCEPT_PAUSE_MAX_MS 1000
/* Buffers larger than this are given back once empty. */
#define BUF_KEEP (4 * READ_CHUNK)

struct conn {
	int fd;			/* first: epoll's data.ptr points here */
	uint32_t events;	/* what epoll waits for */
	bool eof;		/* the client sends nothing more */
	struct conn *prev, *next;	/* the worker's list */
	char *in;
	size_t in_len, in_cap;
	struct outbuf out;
	struct proto proto;
};

/* Connections accepted by another worker, for this one to serve. */
struct handoff {
	pthread_mutex_t lock;
	int *fds;
	size_t len, cap;
};

struct worker {
	pthread_t thread;
	int epfd;
	int wakefd;		/* eventfd: server_stop(), or a handoff */
	struct conn *conns;
	unsigned nconns;	/* served and handed to it; atomic */
	struct handoff handoff;
	struct kvd_stats stats;
	int64_t accept_resume_ms;	/* 0, or when to accept again */
	int accept_pause_ms;		/* the last pause */
};

static struct worker *workers;
static unsigned n_workers;
static const int *listen_fds;
static size_t n_listen;
static bool stopping;
static unsigned curr_conns;
/* A descriptor kept in reserve: out of descriptors, it is closed to accept
 * one client and tell it why, then opened again. Every accept4 runs under
 * accept_lock, so that no other worker's accept takes the slot meanwhile. */
static int spare_fd = -1;
static pthread_mutex_t accept_lock = PTHREAD_MUTEX_INITIALIZER;

unsigned kvd_curr_conns(void)
{
	return __atomic_load_n(&curr_conns, __ATOMIC_RELAXED);
}

static void conn_close(struct worker *w, struct conn *c)
{
	__atomic_sub_fetch(&w->nconns, 1, __ATOMIC_RELAXED);
	if (c->prev)
		c->prev->next = c->next;
	else
		w->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	close(c->fd);	/* also takes it out of the epoll set */
	proto_free(&c->proto);
	outbuf_free(&c->out);
	free(c->in);
	free(c);
	__atomic_sub_fetch(&curr_conns, 1, __ATOMIC_RELAXED);
}

/* Serve fd from now on (w->nconns already counts it). */
static void conn_adopt(struct worker *w, int fd)
{
	struct epoll_event ev;
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		goto fail;
	c->fd = fd;
	c->events = EPOLLIN;
	/* as memcached: small replies go out at once, not after the peer's
	 * delayed ACK (fails, harmlessly, on a UNIX socket) */
	(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &(int){ 1 }, sizeof(int));
	ev.events = c->events;
	ev.data.ptr = c;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(c);
		goto fail;
	}
	c->next = w->conns;
	if (w->conns)
		w->conns->prev = c;
	w->conns = c;
	KVD_COUNT(total_connections);
	return;
fail:
	close(fd);
	__atomic_sub_fetch(&w->nconns, 1, __ATOMIC_RELAXED);
	__atomic_sub_fetch(&curr_conns, 1, __ATOMIC_RELAXED);
}

/*
 * The worker with the fewest connections; among equals, the next in turn,
 * so that a burst is dealt round robin, as memcached deals it.
 */
static struct worker *least_busy(void)
{
	static unsigned turn;
	unsigned n = kvd_settings.threads;
	unsigned first = __atomic_fetch_add(&turn, 1, __ATOMIC_RELAXED) % n;
	struct worker *best = &workers[first];
	unsigned least = __atomic_load_n(&best->nconns, __ATOMIC_RELAXED);

	for (unsigned k = 1; k < n; k++) {
		struct worker *w = &workers[(first + k) % n];
		unsigned c = __atomic_load_n(&w->nconns, __ATOMIC_RELAXED);

		if (c < least) {
			least = c;
			best = w;
		}
	}
	return best;
}

/*
 * Give fd to worker t. The handoff's mutex orders the push before t's take;
 * the eventfd write comes after the unlock, so t, which reads the eventfd
 * before it takes, never sleeps on a pushed fd.
 */
static void handoff_push(struct worker *w, struct worker *t, int fd)
{
	struct handoff *h = &t->handoff;
	uint64_t one = 1;

	pthread_mutex_lock(&h->lock);
	if (h->len == h->cap) {
		size_t cap = h->cap ? 2 * h->cap : 16;
		int *fds = realloc(h->fds, cap * sizeof(*fds));

		if (!fds) {
			pthread_mutex_unlock(&h->lock);
			__atomic_sub_fetch(&t->nconns, 1, __ATOMIC_RELAXED);
			__atomic_add_fetch(&w->nconns, 1, __ATOMIC_RELAXED);
			conn_adopt(w, fd);	/* serve it here, then */
			return;
		}
		h->fds = fds;
		h->cap = cap;
	}
	h->fds[h->len++] = fd;
	pthread_mutex_unlock(&h->lock);
	if (write(t->wakefd, &one, sizeof(one)) < 0)
		perror("kvd: eventfd");
}

/* Serve what other workers handed over. */
static void handoff_take(struct worker *w)
{
	struct handoff *h = &w->handoff;
	uint64_t n;
	int *fds;
	size_t len;

	if (read(w->wakefd, &n, sizeof(n)) < 0) {
		/* EAGAIN: nothing was signalled since the last read */
	}
	pthread_mutex_lock(&h->lock);
	fds = h->fds;
	len = h->len;
	h->fds = NULL;
	h->len = h->cap = 0;
	pthread_mutex_unlock(&h->lock);
	for (size_t i = 0; i < len; i++)
		conn_adopt(w, fds[i]);
	free(fds);
}

/* Tell a client why it is not served, and close it. */
static void reject(int fd)
{
	KVD_COUNT(rejected_connections);
	if (write(fd, TOO_MANY, sizeof(TOO_MANY) - 1) < 0) {
		/* nothing to add: the client goes either way */
	}
	close(fd);
}

/* Out of descriptors (under accept_lock): turn one pending client away
 * with the reason, using the spare descriptor (opened again first if it
 * was lost: a descriptor may have been freed since). False when there was
 * none to use. */
static bool reject_with_spare(int lfd)
{
	int fd;

	if (spare_fd < 0)
		spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (spare_fd < 0)
		return false;
	close(spare_fd);
	fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
	if (fd >= 0)
		reject(fd);
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	return fd >= 0;
}

/* Stop accepting on this worker for a while (it waits in epoll_wait with
 * a timeout, and takes the listening sockets back when it runs out). */
static void accept_pause(struct worker *w)
{
	int ms = w->accept_pause_ms ? 2 * w->accept_pause_ms : ACCEPT_PAUSE_MIN_MS;

	if (ms > ACCEPT_PAUSE_MAX_MS)
		ms = ACCEPT_PAUSE_MAX_MS;
	w->accept_pause_ms = ms;
	w->accept_resume_ms = kvd_now_ms() + ms;
	for (size_t j = 0; j < n_listen; j++)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, listen_fds[j], NULL);
	if (kvd_verbose())
		fprintf(stderr, "kvd: out of file descriptors: not accepting for %d ms\n", ms);
}

static void accept_resume(struct worker *w)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLEXCLUSIVE };

	w->accept_resume_ms = 0;
	for (size_t j = 0; j < n_listen; j++) {
		ev.data.ptr = (void *)&listen_fds[j];
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, listen_fds[j], &ev) < 0)
			perror("kvd: epoll_ctl");
	}
}

/*
 * Accept every pending connection, each for the worker that serves the
 * fewest: EPOLLEXCLUSIVE wakes one worker per burst, which would otherwise
 * serve the whole burst (4 clients connecting at once, all on one of two
 * workers). Out of descriptors (EMFILE, ENFILE), pending clients are told
 * so through the spare descriptor; failing that, the worker stops
 * accepting for a while instead of waking again at once for the same
 * client.
 */
static void accept_all(struct worker *w, int lfd)
{
	for (;;) {
		struct worker *t;
		int fd, err;

		pthread_mutex_lock(&accept_lock);
		fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		err = errno;
		if (fd < 0 && (err == EMFILE || err == ENFILE || err == ENOBUFS ||
			       err == ENOMEM)) {
			bool told = reject_with_spare(lfd);

			pthread_mutex_unlock(&accept_lock);
			if (told)
				continue;
			accept_pause(w);
			return;
		}
		pthread_mutex_unlock(&accept_lock);
		if (fd < 0)
			return;	/* EAGAIN, or a client gone before we took it */
		w->accept_pause_ms = 0;
		if (__atomic_add_fetch(&curr_conns, 1, __ATOMIC_RELAXED) >
		    kvd_settings.max_conns) {
			/* as memcached: say why, then close */
			__atomic_sub_fetch(&curr_conns, 1, __ATOMIC_RELAXED);
			reject(fd);
			continue;
		}
		t = least_busy();
		__atomic_add_fetch(&t->nconns, 1, __ATOMIC_RELAXED);
		if (t == w)
			conn_adopt(w, fd);
		else
			handoff_push(w, t, fd);
	}
}

/* Read once: 1 when bytes came, 0 when none did (c->eof tells whether
 * any will), -1 when the connection is to close. */
static int conn_read(struct conn *c)
{
	ssize_t n;

	if (c->in_cap - c->in_len < READ_CHUNK) {
		size_t cap = c->in_cap ? c->in_cap * 2 : READ_CHUNK * 2;
		char *b;

		while (cap - c->in_len < READ_CHUNK)
			cap *= 2;
		b = realloc(c->in, cap);
		if (!b)
			return -1;
		c->in = b;
		c->in_cap = cap;
	}
	n = read(c->fd, c->in + c->in_len, c->in_cap - c->in_len);
	if (n > 0) {
		c->in_len += (size_t)n;
		KVD_COUNT_N(bytes_read, (uint64_t)n);
		return 1;
	}
	if (n == 0) {
		c->eof = true;
		return 0;
	}
	return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1;
}

/* Write what is pending; false when the connection is to close. */
static bool conn_write(struct conn *c)
{
	while (c->out.sent < c->out.len) {
		ssize_t n = send(c->fd, c->out.buf + c->out.sent,
				 c->out.len - c->out.sent, MSG_NOSIGNAL);

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
		c->out.sent += (size_t)n;
		KVD_COUNT_N(bytes_written, (uint64_t)n);
	}
	c->out.len = c->out.sent = 0;
	return true;
}

/* Serve what has arrived, write, and wait for the right events next.
 * False when the connection is to close. */
static bool conn_serve(struct worker *w, struct conn *c, int64_t now)
{
	struct epoll_event ev;
	uint32_t want = 0;

	for (;;) {
		size_t used = proto_feed(&c->proto, c->in, c->in_len, &c->out, now);

		if (used) {
			memmove(c->in, c->in + used, c->in_len - used);
			c->in_len -= used;
			if (c->in_len == 0 && c->in_cap > BUF_KEEP) {
				free(c->in);
				c->in = NULL;
				c->in_cap = 0;
			}
		}
		if (!conn_write(c))
			return false;
		if (c->proto.close_now)
			return false;
		if (c->out.len != 0 || c->proto.close_after)
			break;	/* wait until the client reads */
		/* The output has gone: serve what waited for it. The client
		 * may have sent everything already, so no read would wake us. */
		if (!proto_has_request(&c->proto, c->in, c->in_len))
			break;
	}
	if (c->proto.close_after && c->out.len == 0)
		return false;
	if (c->eof && c->out.len == 0 &&
	    !proto_has_request(&c->proto, c->in, c->in_len))
		return false;	/* half-closed and nothing left to answer */
	if (c->in_len > PROTO_GET_LINE_MAX + READ_CHUNK)
		return false;
	/* Idle (nothing to send, nothing received): a burst's output buffer is
	 * not kept. Not while requests keep coming, which would only free and
	 * grow it again. */
	if (c->out.len == 0 && c->in_len == 0 && c->out.cap > BUF_KEEP)
		outbuf_free(&c->out);
	if (c->out.len != 0)
		want |= EPOLLOUT;
	if (!c->eof && !c->proto.close_after && c->out.len - c->out.sent <= PROTO_OUT_HIGH &&
	    !__atomic_load_n(&stopping, __ATOMIC_RELAXED))
		want |= EPOLLIN;
	if (want != c->events) {
		c->events = want;
		ev.events = want;
		ev.data.ptr = c;
		if (epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &ev) < 0)
			return false;
	}
	return true;
}

/* Close at shutdown without losing replies: a close with unread input
 * would reset the connection and discard what the client has not read yet,
 * so shut the sending side, then discard the input. */
static void conn_close_gently(struct worker *w, struct conn *c)
{
	shutdown(c->fd, SHUT_WR);
	for (int i = 0; i < 64; i++) {	/* a bounded effort: 1 MiB */
		c->in_len = 0;
		if (conn_read(c) <= 0)
			break;
	}
	conn_close(w, c);
}

/* Serve one connection during the drain; false once it is done with. */
static bool drain_one(struct worker *w, struct conn *c)
{
	return conn_write(c) && conn_serve(w, c, kvd_now_ms()) && c->out.len != 0;
}

/*
 * After server_stop(): answer every request received, including what
 * already waits in the socket (it was sent before the stop), and send the
 * replies for up to DRAIN_MS.
 */
static void drain(struct worker *w)
{
	int64_t deadline = kvd_now_ms() + DRAIN_MS;
	struct epoll_event evs[EVENTS_PER_WAIT];

	/* from now on every event is a connection's */
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->wakefd, NULL);
	handoff_take(w);
	for (size_t j = 0; j < n_listen; j++)
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, listen_fds[j], NULL);
	for (struct conn *c = w->conns, *next; c; c = next) {
		next = c->next;
		while (!c->eof && c->in_len < PROTO_GET_LINE_MAX && conn_read(c) > 0)
			continue;
		if (!drain_one(w, c))
			conn_close_gently(w, c);
	}
	while (w->conns) {
		int64_t left = deadline - kvd_now_ms();
		int n;

		if (left <= 0)
			break;
		rcuslot_thread_offline();
		n = epoll_wait(w->epfd, evs, EVENTS_PER_WAIT, (int)left);
		rcuslot_thread_online();
		for (int i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;

			if (!drain_one(w, c))
				conn_close_gently(w, c);
		}
	}
	while (w->conns)
		conn_close_gently(w, w->conns);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct epoll_event evs[EVENTS_PER_WAIT];

	kvd_tstats = &w->stats;
	rcuslot_register_thread();
	while (!__atomic_load_n(&stopping, __ATOMIC_RELAXED)) {
		int n;
		int64_t now;

		int timeout = -1;

		if (w->accept_resume_ms) {
			int64_t left = w->accept_resume_ms - kvd_now_ms();

			if (left <= 0)
				accept_resume(w);
			else
				timeout = (int)left;
		}
		/* qsbr: the thread holds no item while it waits */
		rcuslot_thread_offline();
		n = epoll_wait(w->epfd, evs, EVENTS_PER_WAIT, timeout);
		rcuslot_thread_online();
		now = kvd_now_ms();
		for (int i = 0; i < n; i++) {
			void *ptr = evs[i].data.ptr;
			struct conn *c;

			if (ptr == &w->wakefd) {
				/* a handoff; or server_stop(): the loop ends */
				handoff_take(w);
				continue;
			}
			if ((const int *)ptr >= listen_fds &&
			    (const int *)ptr < listen_fds + n_listen) {
				if (!__atomic_load_n(&stopping, __ATOMIC_RELAXED))
					accept_all(w, *(const int *)ptr);
				continue;
			}
			c = ptr;
			if ((evs[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) &&
			    (c->events & EPOLLIN) && conn_read(c) < 0) {
				conn_close(w, c);
				continue;
			}
			if (!conn_serve(w, c, now))
				conn_close(w, c);
		}
		rcuslot_quiescent_state();
	}
	drain(w);
	rcuslot_unregister_thread();
	return NULL;
}

int server_start(const int *fds, size_t n)
{
	unsigned t = kvd_settings.threads;

	listen_fds = fds;
	n_listen = n;
	spare_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	workers = calloc(t, sizeof(*workers));
	if (!workers)
		return -1;
	for (unsigned i = 0; i < t; i++) {
		struct worker *w = &workers[i];
		struct epoll_event ev = { .events = EPOLLIN };

		kvd_stats_register(&w->stats);
		pthread_mutex_init(&w->handoff.lock, NULL);
		w->epfd = epoll_create1(EPOLL_CLOEXEC);
		w->wakefd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		if (w->epfd < 0 || w->wakefd < 0) {
			perror("kvd: epoll/eventfd");
			goto fail;
		}
		ev.data.ptr = &w->wakefd;
		if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, w->wakefd, &ev) < 0)
			goto fail_ctl;
		for (size_t j = 0; j < n; j++) {
			ev.events = EPOLLIN | EPOLLEXCLUSIVE;
			ev.data.ptr = (void *)&fds[j];
			if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fds[j], &ev) < 0)
				goto fail_ctl;
		}
	}
	/* Every worker is ready before any starts: any may hand to any. */
	for (unsigned i = 0; i < t; i++) {
		if (pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) != 0) {
			fprintf(stderr, "kvd: cannot start worker threads\n");
			goto fail;
		}
		n_workers++;
	}
	return 0;
fail_ctl:
	perror("kvd: epoll_ctl");
fail:
	server_stop();
	return -1;
}

void server_stop(void)
{
	uint64_t one = 1;

	__atomic_store_n(&stopping, true, __ATOMIC_RELAXED);
	for (unsigned i = 0; i < n_workers; i++) {
		if (write(workers[i].wakefd, &one, sizeof(one)) < 0)
			perror("kvd: eventfd");
	}
	for (unsigned i = 0; i < n_workers; i++)
		pthread_join(workers[i].thread, NULL);
	for (unsigned i = 0; i < kvd_settings.threads && workers; i++) {
		struct handoff *h = &workers[i].handoff;

		/* handed over as the worker stopped: never served */
		for (size_t j = 0; j < h->len; j++) {
			close(h->fds[j]);
			__atomic_sub_fetch(&curr_conns, 1, __ATOMIC_RELAXED);
		}
		free(h->fds);
		pthread_mutex_destroy(&h->lock);
		if (workers[i].epfd > 0)
			close(workers[i].epfd);
		if (workers[i].wakefd > 0)
			close(workers[i].wakefd);
	}
	free(workers);
	workers = NULL;
	n_workers = 0;
	if (spare_fd >= 0)
		close(spare_fd);
	spare_fd = -1;
}
