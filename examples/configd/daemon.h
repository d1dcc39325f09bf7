/* SPDX-License-Identifier: MIT */
/*
 * The state the control thread and the workers share: the published config
 * and reload status (each behind an rcuslot slot), the counters, the
 * listening sockets, the stop flag, and the queue of RELOAD requests that
 * the workers hand to the control thread.
 *
 * Readers (the workers answering GET, DUMP and STATS) only ever take the
 * read lock, so a reload can never make them wait. There is one updater,
 * the control thread (the main thread): it publishes the first config,
 * runs every reload (SIGHUP, file change, RELOAD requests) and unpublishes
 * at exit, so updates are serialized by construction. That is what makes
 * the plain dereference_protected() loads in daemon.c safe: nobody else
 * can replace, and so free, the current objects meanwhile.
 */
#ifndef CONFIGD_DAEMON_H
#define CONFIGD_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include <rcuslot/rcuslot.h>

#include "config.h"

#define RELOAD_MSG_MAX 320	/* "path:line:column: reason", truncated */

/* What STATS says about reloads; replaced as a whole after every reload. */
struct reload_status {
	uint64_t ok;
	uint64_t failed;
	char last_error[RELOAD_MSG_MAX];	/* "" after a successful reload */
};

static inline void reload_status_free(struct reload_status *st)
{
	free(st);
}

RCU_SLOT_DEFINE(config_slot, struct config, config_free);
RCU_SLOT_DEFINE(status_slot, struct reload_status, reload_status_free);

enum reload_result {
	RELOAD_DONE,		/* published generation */
	RELOAD_FAILED,		/* msg says why; the current config stays */
	RELOAD_REFUSED,		/* the daemon is shutting down */
};

/*
 * A RELOAD request on its way to the control thread and back. The worker
 * owns it until daemon_request_reload() accepts it, the control thread
 * until it calls done(req), which hands it back with the result filled in.
 */
struct reload_request {
	struct reload_request *next;
	void (*done)(struct reload_request *req);
	enum reload_result result;
	uint64_t generation;
	char msg[RELOAD_MSG_MAX];
};

#define DAEMON_MAX_LISTEN 2

struct daemon {
	const char *config_path;
	const char *socket_path;
	unsigned max_clients;
	struct config_slot config;	/* never empty while workers run */
	struct status_slot status;
	atomic_uint_fast64_t queries;	/* requests answered */
	atomic_uint clients;		/* connections open */
	atomic_bool stopping;
	atomic_bool watch_polling;	/* for STATS: the config is polled (follow.h) */
	int stop_fd;			/* eventfd, readable once stopping */
	int listen_fd[DAEMON_MAX_LISTEN];	/* listeners.c */
	unsigned n_listen;
	bool listeners_stopped;		/* control thread only */
	/* RELOAD requests, from the workers to the control thread. */
	pthread_mutex_t requests_lock;
	struct reload_request *requests;
	bool requests_closed;		/* shutting down: refuse new ones */
	int requests_fd;		/* eventfd, readable when some are queued */
};

/* Set up d (no listening socket yet). False with errno set on failure,
 * with nothing to tear down. */
bool daemon_init(struct daemon *d, const char *config_path,
		 const char *socket_path, unsigned max_clients);

/* Undo daemon_init(), after daemon_unpublish(). */
void daemon_destroy(struct daemon *d);

/*
 * Publish the first config (generation 1) and an empty status.
 * Called once by the control thread, registered, before any worker starts.
 */
void daemon_publish_initial(struct daemon *d, struct config *cfg);

/*
 * Read, parse and publish the config file; on failure keep serving the
 * current one. Either way, publish a new reload status and log one line to
 * stderr naming `why`. Returns true on success with *generation set, false
 * with msg holding "path:line:column: reason".
 *
 * Control thread only, registered, outside any read-side critical section.
 * Never waits for readers: the retired config is handed to call_rcu.
 */
bool daemon_reload(struct daemon *d, const char *why, uint64_t *generation,
		   char *msg, size_t size);

/* Empty both slots and free what they held; waits for a grace period.
 * Control thread, after the workers are joined. */
void daemon_unpublish(struct daemon *d);

/*
 * From a worker: queue req for the control thread, which reloads and then
 * calls req->done(req) from its own thread. False when the daemon is
 * shutting down (req is not queued; answer "ERR shutting down").
 */
bool daemon_request_reload(struct daemon *d, struct reload_request *req);

/*
 * Control thread: run one reload for every request queued so far (each
 * was received before the reload starts, so it sees the file as it was
 * then or later) and hand each one back. For when requests_fd is readable.
 */
void daemon_serve_reload_requests(struct daemon *d);

/*
 * Control thread, at shutdown: hand back every queued request as refused
 * and refuse all later ones, so that no worker waits for an answer that
 * will not come. Call before daemon_stop().
 */
void daemon_refuse_reload_requests(struct daemon *d);

/*
 * Stop listening (new connections are refused from now on, the socket
 * file is removed), then set d->stopping and wake every worker so that
 * it drains its clients. Safe to call more than once. The listening
 * descriptors stay open until listeners_close(), since workers may
 * still be using them.
 */
void daemon_stop(struct daemon *d);

#endif /* CONFIGD_DAEMON_H */
