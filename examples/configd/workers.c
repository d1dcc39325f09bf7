/* SPDX-License-Identifier: MIT */
/*
 * Worker threads: accept, read requests, answer them from the current
 * config, write replies. Every query reads the config inside exactly one
 * read-side critical section, which only formats the reply into memory;
 * all socket I/O happens outside it, so a slow client never delays a grace
 * period and a reload never delays a query.
 */
#define _GNU_SOURCE	/* accept4 */
#include "workers.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "proto.h"

#define EVENTS_PER_WAIT 32
#define LINES_PER_TURN 64	/* then let the worker's other clients in */
#define SHUTDOWN_FLUSH_MS 2000	/* to send the last replies at shutdown */

/* epoll's view of a file descriptor: what kind of thing it is. */
enum watch_kind {
	WATCH_STOP,	/* d->stop_fd: readable once the daemon stops */
	WATCH_LISTEN,
	WATCH_RELOADED,	/* w->reloaded: requests are back from the control thread */
	WATCH_CLIENT,
};

struct watch {
	enum watch_kind kind;
	int fd;
};

struct client {
	struct watch watch;	/* first: epoll hands back a struct watch * */
	struct worker *worker;
	size_t index;		/* in its worker's clients[] */
	uint32_t events;	/* what epoll waits for on its behalf; 0: none */
	/* The clocks of client_deadline(), in now_ms() time. */
	int64_t idle_since;	/* nothing received or unsent since */
	int64_t request_since;	/* the first byte of the request in c->in */
	int64_t answer_since;	/* answers waiting for the client to read */
	bool answer_waiting;	/* the kernel took not all of c->out */
	bool eof;		/* the client will send nothing more */
	bool closing;		/* close once the output is sent */
	bool ready;		/* has buffered work left after its last turn */
	bool reloading;		/* its RELOAD is with the control thread */
	struct reload_request reload;
	struct linebuf in;
	struct outbuf out;
};

struct worker {
	struct daemon *d;
	pthread_t thread;
	bool started;
	int epfd;
	bool draining;		/* shutting down: close clients once answered */
	struct watch stop;
	struct watch listen[DAEMON_MAX_LISTEN];
	/* Reloads handed back by the control thread (reload_done()). */
	struct watch reloaded;	/* eventfd, readable when some are */
	pthread_mutex_t reloaded_lock;
	struct reload_request *reloaded_list;
	struct client **clients;
	size_t n_clients;
	size_t cap_clients;
};

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The timeout is a config setting, so it follows reloads, for the clients
 * already connected too. */
static int client_timeout_ms(struct daemon *d)
{
	int ms = CONFIG_TIMEOUT_DEFAULT_MS;

	RCUSLOT_READ_SCOPE({
		ms = config_slot_dereference(&d->config)->client_timeout_ms;
	})
	return ms;
}

/*
 * When the client is closed for taking too long: a request must be
 * complete within the timeout of its first byte, however it trickles in;
 * answers the kernel could not take at once must be read within the
 * timeout of that moment, however slowly the client reads; an idle client
 * goes after the timeout. Only finishing a request or an answer restarts
 * a clock, so a byte now and then cannot keep a connection.
 */
static int64_t client_deadline(const struct client *c, int timeout_ms)
{
	int64_t since = c->answer_waiting ? c->answer_since :
			c->in.len ? c->request_since : c->idle_since;

	return since + timeout_ms;
}

/*
 * Never called while c->reloading: such a client is out of the epoll set,
 * past its deadline's reach (worker_expire()), and the last clients closed
 * at shutdown have their requests back by then (worker_finish()).
 */
static void client_close(struct worker *w, struct client *c)
{
	struct client *last = w->clients[--w->n_clients];

	last->index = c->index;
	w->clients[c->index] = last;
	close(c->watch.fd);	/* also takes it out of the epoll set */
	outbuf_free(&c->out);
	free(c);
	atomic_fetch_sub(&w->d->clients, 1);
}

/*
 * Wait for output room while there is output, else for input; while its
 * reload is away with nothing to send, for nothing at all (out of the
 * set: a level-triggered EPOLLIN or EPOLLHUP it cannot act on yet would
 * wake the worker again and again).
 */
static void client_set_events(struct worker *w, struct client *c)
{
	uint32_t want = c->out.len ? EPOLLOUT : c->reloading ? 0 : EPOLLIN;
	struct epoll_event ev = { .events = want, .data.ptr = &c->watch };
	int op = !want ? EPOLL_CTL_DEL : c->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;

	if (want != c->events && epoll_ctl(w->epfd, op, c->watch.fd, &ev) == 0)
		c->events = want;
}

/* GET and DUMP: the whole answer comes from one version of the config. */
static void answer_from_config(struct daemon *d, struct outbuf *out,
			       const struct proto_request *req)
{
	RCUSLOT_READ_GUARD();
	const struct config *cfg = config_slot_dereference(&d->config);

	if (req->cmd == PROTO_GET)
		proto_reply_get(out, cfg, req);
	else
		proto_reply_dump(out, cfg);
}

static void answer_stats(struct daemon *d, struct outbuf *out)
{
	RCUSLOT_READ_GUARD();
	const struct reload_status *rs = status_slot_dereference(&d->status);
	struct proto_stats st = {
		.generation = config_slot_dereference(&d->config)->generation,
		.queries = atomic_load_explicit(&d->queries, memory_order_relaxed),
		.clients = atomic_load_explicit(&d->clients, memory_order_relaxed),
		.watch_polling = atomic_load_explicit(&d->watch_polling,
						      memory_order_relaxed),
		.reloads_ok = rs ? rs->ok : 0,
		.reloads_failed = rs ? rs->failed : 0,
		.last_error = rs ? rs->last_error : "",
	};

	proto_reply_stats(out, &st);
}

static void answer_reload(struct outbuf *out, const struct reload_request *req)
{
	if (req->result == RELOAD_DONE)
		outbuf_printf(out, "OK reloaded generation=%llu\n",
			      (unsigned long long)req->generation);
	else if (req->result == RELOAD_FAILED)
		proto_reply_error(out, "reload failed: ", req->msg);
	else
		outbuf_printf(out, "ERR shutting down\n");
}

/*
 * The control thread runs the reload; the client waits for its answer
 * (answers go in request order) and the worker serves the others.
 */
static void start_reload(struct worker *w, struct client *c)
{
	c->reload.result = RELOAD_REFUSED;
	if (!atomic_load(&w->d->stopping) && daemon_request_reload(w->d, &c->reload))
		c->reloading = true;
	else
		answer_reload(&c->out, &c->reload);
}

static struct client *client_of(struct reload_request *req)
{
	return (struct client *)((char *)req - offsetof(struct client, reload));
}

/* Called by the control thread: hand the request back to its worker.
 * The worker's lock orders the result written before with its reading. */
static void reload_done(struct reload_request *req)
{
	struct worker *w = client_of(req)->worker;
	uint64_t one = 1;

	pthread_mutex_lock(&w->reloaded_lock);
	req->next = w->reloaded_list;
	w->reloaded_list = req;
	pthread_mutex_unlock(&w->reloaded_lock);
	if (write(w->reloaded.fd, &one, sizeof(one)) != sizeof(one))
		perror("configd: waking a worker");
}

static void handle_request(struct worker *w, struct client *c,
			   const char *line, size_t len)
{
	struct proto_request req;

	proto_parse(line, len, &req);
	switch (req.cmd) {
	case PROTO_GET:
	case PROTO_DUMP:
		answer_from_config(w->d, &c->out, &req);
		break;
	case PROTO_STATS:
		answer_stats(w->d, &c->out);
		break;
	case PROTO_RELOAD:
		start_reload(w, c);
		break;
	case PROTO_QUIT:
		outbuf_printf(&c->out, "OK bye\n");
		c->closing = true;
		break;
	case PROTO_BAD:
		proto_reply_error(&c->out, "", req.error);
		break;
	}
	atomic_fetch_add_explicit(&w->d->queries, 1, memory_order_relaxed);
}

/*
 * Send what we can. False when the connection is gone. Once all is sent,
 * the client is idle, or, with part of its next request buffered, that
 * request's clock starts again: it could not be read while the answers
 * were waiting.
 */
static bool client_flush(struct client *c)
{
	while (c->out.len) {
		ssize_t n = send(c->watch.fd, c->out.data, c->out.len,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
			return false;
		if (n < 0) {
			if (!c->answer_waiting) {
				c->answer_since = now_ms();
				c->answer_waiting = true;
			}
			return true;
		}
		outbuf_consume(&c->out, (size_t)n);
	}
	if (c->answer_waiting) {
		c->answer_waiting = false;
		c->idle_since = c->request_since = now_ms();
	}
	return true;
}

enum step {
	STEP_AGAIN,	/* made progress: take another step */
	STEP_WAIT,	/* nothing to do until the socket is ready */
};

static enum step client_read(struct client *c)
{
	ssize_t n = recv(c->watch.fd, c->in.data + c->in.len,
			 linebuf_space(&c->in), MSG_DONTWAIT);

	if (n > 0) {
		if (!c->in.len)
			c->request_since = now_ms();	/* a new request starts */
		c->in.len += (size_t)n;
	} else if (n == 0) {
		c->eof = true;
	} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
		return STEP_WAIT;
	} else if (errno != EINTR) {
		c->out.len = 0;		/* reset by peer: nobody to answer */
		c->closing = true;
	}
	return STEP_AGAIN;
}

/* Answer one buffered line, or read more. */
static enum step client_step(struct worker *w, struct client *c)
{
	const char *line;
	size_t len;

	switch (linebuf_next(&c->in, &line, &len)) {
	case LINE_READY:
		handle_request(w, c, line, len);
		linebuf_drop(&c->in);
		/* Done with it; what follows was received by now. */
		c->idle_since = c->request_since = now_ms();
		return STEP_AGAIN;
	case LINE_TOO_LONG:
		outbuf_printf(&c->out, "ERR request too long (limit %d bytes "
			      "with the newline); closing\n", PROTO_LINE_MAX);
		c->closing = true;
		return STEP_AGAIN;
	case LINE_NONE:
		break;
	}
	if (c->eof) {
		if (c->in.len)
			outbuf_printf(&c->out, "ERR incomplete request "
				      "(no newline before end of input)\n");
		c->closing = true;
		return STEP_AGAIN;
	}
	return client_read(c);
}

/*
 * Serve a client until it would block, with a budget of lines so that a
 * client sending without pause cannot starve the worker's other clients.
 */
static void client_service(struct worker *w, struct client *c)
{
	unsigned budget = LINES_PER_TURN;

	c->ready = false;
	for (;;) {
		if (c->out.oom || !client_flush(c)) {
			client_close(w, c);
			return;
		}
		if (c->out.len)
			break;
		if (c->closing) {
			client_close(w, c);
			return;
		}
		if (c->reloading)
			break;	/* the next answer is the reload's */
		if (!budget--) {
			c->ready = true;
			break;
		}
		if (client_step(w, c) == STEP_WAIT) {
			/* Everything it sent is answered and its answers are
			 * with the kernel: at shutdown, that is the end. */
			if (w->draining) {
				client_close(w, c);
				return;
			}
			break;
		}
	}
	client_set_events(w, c);
}

/* Best effort: the client may already be gone, and that is fine. */
static void send_line(int fd, const char *line)
{
	ssize_t n = send(fd, line, strlen(line), MSG_NOSIGNAL | MSG_DONTWAIT);

	(void)n;
}

static bool admit(struct daemon *d)
{
	if (atomic_fetch_add(&d->clients, 1) < d->max_clients)
		return true;
	atomic_fetch_sub(&d->clients, 1);
	return false;
}

static bool worker_add_client(struct worker *w, int fd)
{
	struct client *c = calloc(1, sizeof(*c));
	struct epoll_event ev = { .events = EPOLLIN };

	if (!c)
		return false;
	if (w->n_clients == w->cap_clients) {
		size_t cap = w->cap_clients ? w->cap_clients * 2 : 16;
		/* An array of pointers: sizeof(*a) is a pointer's size on purpose. */
		/* NOLINTNEXTLINE(bugprone-sizeof-expression) */
		struct client **a = realloc(w->clients, cap * sizeof(*a));

		if (!a) {
			free(c);
			return false;
		}
		w->clients = a;
		w->cap_clients = cap;
	}
	c->watch = (struct watch){ .kind = WATCH_CLIENT, .fd = fd };
	c->worker = w;
	c->reload.done = reload_done;
	c->events = EPOLLIN;
	ev.data.ptr = &c->watch;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
		free(c);
		return false;
	}
	c->index = w->n_clients;
	w->clients[w->n_clients++] = c;
	c->idle_since = now_ms();
	return true;
}

/* False when there was no connection to accept. */
static bool worker_accept(struct worker *w, int lfd)
{
	int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

	if (fd < 0)
		return false;	/* another worker took it, or it went away */
	if (!admit(w->d)) {
		char msg[64];

		snprintf(msg, sizeof(msg), "ERR too many clients (limit %u)\n",
			 w->d->max_clients);
		send_line(fd, msg);
		close(fd);
		return true;
	}
	if (!worker_add_client(w, fd)) {
		send_line(fd, "ERR server out of memory\n");
		close(fd);
		atomic_fetch_sub(&w->d->clients, 1);
	}
	return true;
}

/* Answer the clients whose reload is back; they are served next. */
static void worker_take_reloads(struct worker *w)
{
	struct reload_request *req, *next;
	uint64_t count;

	/* Reset the eventfd first: one written after this stays readable. */
	if (read(w->reloaded.fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		perror("configd: reloads");
	pthread_mutex_lock(&w->reloaded_lock);
	req = w->reloaded_list;
	w->reloaded_list = NULL;
	pthread_mutex_unlock(&w->reloaded_lock);
	for (; req; req = next) {
		struct client *c = client_of(req);

		next = req->next;
		c->reloading = false;
		answer_reload(&c->out, req);
		/* The reload's time was the daemon's, not the client's. */
		c->idle_since = c->request_since = now_ms();
		c->ready = true;
	}
}

static void worker_dispatch(struct worker *w, const struct epoll_event *ev)
{
	struct watch *watch = ev->data.ptr;

	if (watch->kind == WATCH_LISTEN)
		worker_accept(w, watch->fd);
	else if (watch->kind == WATCH_RELOADED)
		worker_take_reloads(w);
	else if (watch->kind == WATCH_CLIENT)
		client_service(w, (struct client *)watch);
	/* WATCH_STOP: the loop checks d->stopping. */
}

/* Backwards, so that client_close()'s swap with the last one is safe. */
static void worker_run_ready(struct worker *w)
{
	size_t i;

	for (i = w->n_clients; i-- > 0;)
		if (w->clients[i]->ready)
			client_service(w, w->clients[i]);
}

/* A client past its deadline: tell it why if it is listening. */
static void worker_expire(struct worker *w)
{
	int64_t now = now_ms();
	int timeout;
	size_t i;

	if (!w->n_clients)
		return;
	timeout = client_timeout_ms(w->d);
	for (i = w->n_clients; i-- > 0;) {
		struct client *c = w->clients[i];

		if (client_deadline(c, timeout) > now || c->reloading)
			continue;	/* a reload is the daemon's time, not its */
		if (!c->out.len)
			send_line(c->watch.fd, "ERR timeout: no complete request "
				  "in time; closing\n");
		client_close(w, c);
	}
}

/* Until the nearest deadline; 0 when some client has work left. */
static int worker_wait_ms(const struct worker *w)
{
	int64_t now = now_ms(), first = INT64_MAX;
	int timeout;
	size_t i;

	if (!w->n_clients)
		return -1;
	timeout = client_timeout_ms(w->d);
	for (i = 0; i < w->n_clients; i++) {
		const struct client *c = w->clients[i];

		if (c->ready)
			return 0;
		if (!c->reloading && client_deadline(c, timeout) < first)
			first = client_deadline(c, timeout);
	}
	if (first == INT64_MAX)
		return -1;
	return first <= now ? 0 : (int)(first - now > 60000 ? 60000 : first - now);
}

/* Wait for events for at most timeout_ms (-1: no limit), serve them. */
static void worker_poll(struct worker *w, int timeout_ms)
{
	struct epoll_event ev[EVENTS_PER_WAIT];
	int n, i;

	n = epoll_wait(w->epfd, ev, EVENTS_PER_WAIT, timeout_ms);
	for (i = 0; i < n; i++)
		worker_dispatch(w, &ev[i]);
	worker_run_ready(w);
	worker_expire(w);
}

/*
 * Shutdown. daemon_stop() has already stopped the listening sockets, so no
 * connection can arrive any more: take those the kernel queued before
 * that, then serve every client as usual (a RELOAD gets "ERR shutting
 * down") until all it has sent is answered and it would have to wait for
 * more, and close it then. A client that does not read its answers holds
 * the worker for SHUTDOWN_FLUSH_MS at most.
 */
static void worker_finish(struct worker *w)
{
	int64_t deadline = now_ms() + SHUTDOWN_FLUSH_MS;
	unsigned i;
	size_t c;

	w->draining = true;
	for (i = 0; i < w->d->n_listen; i++) {
		while (worker_accept(w, w->listen[i].fd))
			;
		epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->listen[i].fd, NULL);
	}
	epoll_ctl(w->epfd, EPOLL_CTL_DEL, w->stop.fd, NULL);
	for (c = 0; c < w->n_clients; c++)
		w->clients[c]->ready = true;
	while (w->n_clients) {
		int64_t left = deadline - now_ms();
		int ms = worker_wait_ms(w);

		if (left <= 0)
			break;
		worker_poll(w, ms < 0 || ms > left ? (int)left : ms);
	}
	/* daemon_refuse_reload_requests() handed every request back before
	 * daemon_stop() set d->stopping, which this thread has seen: after
	 * this, no client is waiting for one. */
	worker_take_reloads(w);
	while (w->n_clients)
		client_close(w, w->clients[0]);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	rcuslot_register_thread();
	while (!atomic_load(&w->d->stopping))
		worker_poll(w, worker_wait_ms(w));
	worker_finish(w);
	rcuslot_unregister_thread();
	return NULL;
}

static bool worker_watch(struct worker *w, struct watch *watch, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = watch };

	return epoll_ctl(w->epfd, EPOLL_CTL_ADD, watch->fd, &ev) == 0;
}

static bool worker_init(struct worker *w, struct daemon *d)
{
	unsigned i;

	w->d = d;
	w->stop = (struct watch){ .kind = WATCH_STOP, .fd = d->stop_fd };
	w->reloaded = (struct watch){ .kind = WATCH_RELOADED,
				      .fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) };
	w->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (w->epfd < 0 || w->reloaded.fd < 0 ||
	    !worker_watch(w, &w->stop, EPOLLIN) ||
	    !worker_watch(w, &w->reloaded, EPOLLIN))
		return false;
	/* EPOLLEXCLUSIVE: one worker wakes per connection, not all of them. */
	for (i = 0; i < d->n_listen; i++) {
		w->listen[i] = (struct watch){ .kind = WATCH_LISTEN, .fd = d->listen_fd[i] };
		if (!worker_watch(w, &w->listen[i], EPOLLIN | EPOLLEXCLUSIVE))
			return false;
	}
	return true;
}

struct worker *workers_start(struct daemon *d, unsigned n)
{
	struct worker *w = calloc(n, sizeof(*w));
	unsigned i;

	if (!w)
		return NULL;
	for (i = 0; i < n; i++) {
		w[i].epfd = w[i].reloaded.fd = -1;
		pthread_mutex_init(&w[i].reloaded_lock, NULL);
	}
	for (i = 0; i < n; i++) {
		if (!worker_init(&w[i], d)) {
			perror("configd: epoll");
			break;
		}
		if (pthread_create(&w[i].thread, NULL, worker_main, &w[i]) != 0) {
			fprintf(stderr, "configd: cannot start worker threads\n");
			break;
		}
		w[i].started = true;
	}
	if (i < n) {
		daemon_refuse_reload_requests(d);
		daemon_stop(d);
		workers_join(w, n);
		return NULL;
	}
	return w;
}

void workers_join(struct worker *w, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
		if (w[i].epfd >= 0)
			close(w[i].epfd);
		if (w[i].reloaded.fd >= 0)
			close(w[i].reloaded.fd);
		pthread_mutex_destroy(&w[i].reloaded_lock);
		free(w[i].clients);
	}
	free(w);
}
