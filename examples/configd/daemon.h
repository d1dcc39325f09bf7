/* SPDX-License-Identifier: MIT */
/*
 * The daemon's shared state: the published config and reload status (each
 * behind an rcuslot slot), the counters, and the reload entry point.
 *
 * Readers (the workers answering GET, DUMP and STATS) only ever take the
 * read lock, so a reload can never make them wait. Updaters (reloads) are
 * serialized by reload_lock: a reload reads a file and has side effects
 * (counters, log lines), so copy_update's "copy may run more than once"
 * contract does not fit it, while a mutex that only updaters take costs
 * readers nothing.
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

/* What STATS says about reloads; replaced as a whole after every reload. */
struct reload_status {
	uint64_t ok;
	uint64_t failed;
	char last_error[320];	/* "" after a successful reload */
};

static inline void reload_status_free(struct reload_status *st)
{
	free(st);
}

RCU_SLOT_DEFINE(config_slot, struct config, config_free);
RCU_SLOT_DEFINE(status_slot, struct reload_status, reload_status_free);

/* epoll's view of a file descriptor: what kind of thing it is. */
enum watch_kind {
	WATCH_WAKE,
	WATCH_LISTEN,
	WATCH_CLIENT,
};

struct watch {
	enum watch_kind kind;
	int fd;
};

#define DAEMON_MAX_LISTEN 2

struct daemon {
	const char *config_path;
	const char *socket_path;	/* removed by daemon_stop() */
	struct config_slot config;	/* never empty while workers run */
	struct status_slot status;
	pthread_mutex_t reload_lock;	/* serializes updaters only */
	atomic_uint_fast64_t queries;	/* requests answered */
	atomic_uint clients;		/* connections open */
	unsigned max_clients;
	atomic_bool stopping;
	struct watch wake;		/* eventfd, readable once stopping */
	struct watch listen[DAEMON_MAX_LISTEN];
	unsigned n_listen;
};

/*
 * Publish the first config (generation 1) and an empty status.
 * Called once, before any worker starts, by a registered thread.
 */
void daemon_publish_initial(struct daemon *d, struct config *cfg);

/*
 * Read, parse and publish the config file; on failure keep serving the
 * current one. Either way, publish a new reload status and log one line to
 * stderr naming `why`. Returns true on success with *generation set, false
 * with msg holding "path:line:column: reason".
 *
 * Call from a registered thread, outside any read-side critical section.
 * Waits for a concurrent reload (reload_lock), never for readers: the
 * retired config is handed to call_rcu.
 */
bool daemon_reload(struct daemon *d, const char *why, uint64_t *generation,
		   char *msg, size_t size);

/* Empty both slots and free what they held; waits for a grace period. */
void daemon_unpublish(struct daemon *d);

#endif /* CONFIGD_DAEMON_H */
