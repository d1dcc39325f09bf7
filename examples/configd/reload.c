/* SPDX-License-Identifier: MIT */
/*
 * Reloading: parse privately, publish with one pointer exchange, retire the
 * old version with call_rcu. Every function here runs with reload_lock held
 * (or before the workers exist), which is what makes the plain
 * dereference_protected() loads of the current objects safe: nobody else
 * can replace, and so free, them meanwhile.
 */
#include "daemon.h"

#include <stdio.h>
#include <string.h>

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

	pthread_mutex_lock(&d->reload_lock);
	publish_config(d, cfg);
	if (st)
		status_slot_init(&d->status, st);
	pthread_mutex_unlock(&d->reload_lock);
}

bool daemon_reload(struct daemon *d, const char *why, uint64_t *generation,
		   char *msg, size_t size)
{
	struct config_error err;
	struct config *fresh;

	pthread_mutex_lock(&d->reload_lock);
	fresh = config_load(d->config_path, &err);
	if (fresh) {
		*generation = publish_config(d, fresh);
		snprintf(msg, size, "generation %llu", (unsigned long long)*generation);
		publish_status(d, true, "");
		fprintf(stderr, "configd: reload (%s): published generation %llu\n",
			why, (unsigned long long)*generation);
	} else {
		uint64_t current;

		config_error_format(d->config_path, &err, msg, size);
		current = config_slot_dereference_protected(&d->config)->generation;
		publish_status(d, false, msg);
		fprintf(stderr, "configd: reload (%s) rejected: %s; still serving "
			"generation %llu\n", why, msg, (unsigned long long)current);
	}
	pthread_mutex_unlock(&d->reload_lock);
	return fresh != NULL;
}

void daemon_unpublish(struct daemon *d)
{
	pthread_mutex_lock(&d->reload_lock);
	config_slot_destroy(&d->config);
	status_slot_destroy(&d->status);
	pthread_mutex_unlock(&d->reload_lock);
}
