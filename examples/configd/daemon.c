/* SPDX-License-Identifier: MIT */
/*
 * The shared state's operations. Publishing: parse privately, publish with
 * one pointer exchange, retire the old version with call_rcu. Reload
 * requests: a list under a mutex that the workers push to and the control
 * thread empties, with an eventfd to wake it.
 */
#include "daemon.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "listeners.h"

bool daemon_init(struct daemon *d, const char *config_path,
		 const char *socket_path, unsigned max_clients)
{
	int err;

	*d = (struct daemon){ .config_path = config_path,
			      .socket_path = socket_path,
			      .max_clients = max_clients };
	d->stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	d->requests_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	err = errno;
	if (d->stop_fd >= 0 && d->requests_fd >= 0) {
		err = pthread_mutex_init(&d->requests_lock, NULL);
		if (!err)
			return true;
	}
	if (d->stop_fd >= 0)
		close(d->stop_fd);
	if (d->requests_fd >= 0)
		close(d->requests_fd);
	errno = err;
	return false;
}

void daemon_destroy(struct daemon *d)
{
	close(d->stop_fd);
	close(d->requests_fd);
	pthread_mutex_destroy(&d->requests_lock);
}

/* The new config is numbered after the one it replaces. */
static uint64_t publish_config(struct daemon *d, struct config *fresh)
{
	const struct config *cur = config_slot_dereference_protected(&d->config);
	struct config_slot_old old;

	fresh->generation = cur ? cur->generation + 1 : 1;
	old = config_slot_replace(&d->config, fresh);
	/* Readers may still be using it: free it after a grace period,
	 * without waiting for one here. */
	config_slot_old_defer(&old);
	return fresh->generation;
}

/*
 * A new status, copied from the current one and updated. If there is no
 * memory for it, STATS keeps showing the previous one: serving matters more.
 */
static void publish_status(struct daemon *d, bool ok, const char *error)
{
	const struct reload_status *cur = status_slot_dereference_protected(&d->status);
	struct reload_status *st = calloc(1, sizeof(*st));
	struct status_slot_old old;

	if (!st)
		return;
	if (cur)
		*st = *cur;
	if (ok)
		st->ok++;
	else
		st->failed++;
	snprintf(st->last_error, sizeof(st->last_error), "%s", error);
	old = status_slot_replace(&d->status, st);
	status_slot_old_defer(&old);
}

void daemon_publish_initial(struct daemon *d, struct config *cfg)
{
	struct reload_status *st = calloc(1, sizeof(*st));

	publish_config(d, cfg);
	if (st)
		status_slot_init(&d->status, st);
}

bool daemon_reload(struct daemon *d, const char *why, uint64_t *generation,
		   char *msg, size_t size)
{
	struct config_error err;
	struct config *fresh;
	uint64_t current;

	fresh = config_load(d->config_path, &err);
	if (fresh) {
		*generation = publish_config(d, fresh);
		snprintf(msg, size, "generation %llu", (unsigned long long)*generation);
		publish_status(d, true, "");
		fprintf(stderr, "configd: reload (%s): published generation %llu\n",
			why, (unsigned long long)*generation);
		return true;
	}
	config_error_format(d->config_path, &err, msg, size);
	current = config_slot_dereference_protected(&d->config)->generation;
	publish_status(d, false, msg);
	fprintf(stderr, "configd: reload (%s) rejected: %s; still serving "
		"generation %llu\n", why, msg, (unsigned long long)current);
	return false;
}

void daemon_unpublish(struct daemon *d)
{
	config_slot_destroy(&d->config);
	status_slot_destroy(&d->status);
}

/*
 * The mutex orders everything: a worker fills nothing in before pushing,
 * the control thread fills the result in before done() pushes the request
 * back under the worker's own lock (workers.c), so each side reads what
 * the other wrote after taking the lock the writer released.
 */
bool daemon_request_reload(struct daemon *d, struct reload_request *req)
{
	uint64_t one = 1;
	bool queued;

	pthread_mutex_lock(&d->requests_lock);
	queued = !d->requests_closed;
	if (queued) {
		req->next = d->requests;
		d->requests = req;
	}
	pthread_mutex_unlock(&d->requests_lock);
	/* Counts up, never blocks: only 2^64 - 2 writes could fill it. */
	if (queued && write(d->requests_fd, &one, sizeof(one)) != sizeof(one))
		perror("configd: waking the control thread");
	return queued;
}

static struct reload_request *take_requests(struct daemon *d, bool close_queue)
{
	struct reload_request *all;

	pthread_mutex_lock(&d->requests_lock);
	all = d->requests;
	d->requests = NULL;
	if (close_queue)
		d->requests_closed = true;
	pthread_mutex_unlock(&d->requests_lock);
	return all;
}

static void hand_back(struct reload_request *all, enum reload_result result,
		      uint64_t generation, const char *msg)
{
	struct reload_request *next;

	for (; all; all = next) {
		next = all->next;	/* done() gives it back: read this first */
		all->result = result;
		all->generation = generation;
		snprintf(all->msg, sizeof(all->msg), "%s", msg);
		all->done(all);
	}
}

void daemon_serve_reload_requests(struct daemon *d)
{
	char msg[RELOAD_MSG_MAX];
	struct reload_request *all;
	uint64_t count, gen = 0;
	bool ok;

	/* Reset the eventfd before taking the list: a request queued after
	 * this read makes it readable again, so none is left behind. */
	if (read(d->requests_fd, &count, sizeof(count)) < 0 && errno != EAGAIN)
		perror("configd: reload requests");
	all = take_requests(d, false);
	if (!all)
		return;
	ok = daemon_reload(d, "RELOAD request", &gen, msg, sizeof(msg));
	hand_back(all, ok ? RELOAD_DONE : RELOAD_FAILED, gen, msg);
}

void daemon_refuse_reload_requests(struct daemon *d)
{
	hand_back(take_requests(d, true), RELOAD_REFUSED, 0, "");
}

void daemon_stop(struct daemon *d)
{
	uint64_t one = 1;

	listeners_stop(d);
	atomic_store(&d->stopping, true);
	/* Level-triggered and never read: every worker's epoll_wait returns. */
	if (write(d->stop_fd, &one, sizeof(one)) != sizeof(one))
		perror("configd: waking the workers");
}
