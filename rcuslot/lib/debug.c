/* SPDX-License-Identifier: MIT */
/*
 * debug.c: the registry of old handles and the reporter of misuse, for the
 * units of a process built with RCUSLOT_DEBUG.
 *
 * One registry per process, whatever mix of debug and release units and
 * shared objects the process has. Debug units create tagged handles and
 * enter their objects here; every consumer, debug or release, reaches the
 * core with the handle's raw value, so a tagged handle consumed twice is
 * caught wherever each consumption happens. Untagged handles (created by a
 * release unit) are not checked: the registry never saw them born.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_priv.h"

#define BUCKETS 1024

struct owned {
	const void *obj;
	struct owned *next;
};

static pthread_mutex_t registry_lock = PTHREAD_MUTEX_INITIALIZER;
static struct owned *registry[BUCKETS];
static int enabled;

bool core_dbg_enabled(void)
{
	return uatomic_read(&enabled) != 0;
}

/*
 * Called by the constructor of every debug unit, before any of its code
 * runs (so before it creates a tagged handle). From here on the inline
 * deferral fast path of every unit fails and reaches the core, which then
 * sees each handle consumed (defer.c).
 */
RCUSLOT_PRIV_EXPORT void rcuslot_priv_dbg_enable(void)
{
	if (uatomic_cmpxchg(&enabled, 0, 1) == 0)
		__atomic_sub_fetch(&rcuslot_priv_defer_room.value, CORE_DBG_ROOM_OFFSET, __ATOMIC_SEQ_CST);
}

static struct owned **bucket(const void *obj)
{
	return &registry[((uintptr_t)obj >> 4) % BUCKETS];
}

RCUSLOT_PRIV_EXPORT void *rcuslot_priv_dbg_own(void *obj)
{
	struct owned *e;

	if (!obj || !RCUSLOT_PRIV_OWNED_TAG)
		return obj;
	e = malloc(sizeof(*e));
	if (!e)
		abort();
	e->obj = obj;
	pthread_mutex_lock(&registry_lock);
	e->next = *bucket(obj);
	*bucket(obj) = e;
	pthread_mutex_unlock(&registry_lock);
	return (void *)((uintptr_t)obj | RCUSLOT_PRIV_OWNED_TAG);
}

/* True if a handle owned obj (and now no longer does). */
static bool disown(const void *obj)
{
	struct owned **pp, *e = NULL;

	pthread_mutex_lock(&registry_lock);
	for (pp = bucket(obj); *pp; pp = &(*pp)->next) {
		if ((*pp)->obj == obj) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	pthread_mutex_unlock(&registry_lock);
	free(e);
	return e != NULL;
}

RCUSLOT_PRIV_EXPORT void *rcuslot_priv_dbg_consume(const char *fn, void *handle,
						   const struct rcuslot_priv_dbg_loc *loc)
{
	void *obj = rcuslot_priv_strip(handle);

	if (obj != handle && !disown(obj))
		rcuslot_priv_dbg_fail(fn, "consumed an old handle that was already consumed "
				      "(through a copy of it?)", loc);
	return obj;
}

void *core_consume(void *handle, const void *ret)
{
	struct rcuslot_priv_dbg_loc loc = { NULL, 0, ret };

	if (caa_likely(!((uintptr_t)handle & RCUSLOT_PRIV_OWNED_TAG)))
		return handle;
	return rcuslot_priv_dbg_consume("an old handle's consumer", handle, &loc);
}

void core_dbg_before_fork(void)
{
	pthread_mutex_lock(&registry_lock);
}

void core_dbg_after_fork(void)
{
	pthread_mutex_unlock(&registry_lock);
}

RCUSLOT_PRIV_EXPORT RCUSLOT_PRIV_COLD __attribute__((noreturn)) void
rcuslot_priv_dbg_fail(const char *fn, const char *what, const struct rcuslot_priv_dbg_loc *loc)
{
	char where[1024];

	if (loc->file) {
		const char *base = strrchr(loc->file, '/');

		snprintf(where, sizeof(where), "%s:%d", base ? base + 1 : loc->file, loc->line);
	} else {
		/* The return address is past the call: name the call itself. */
		core_symbolize((const char *)loc->ret - 1, where, sizeof(where));
	}
	fprintf(stderr, "rcuslot: %s %s (%s)\n", fn, what, where);
	fflush(stderr);
	abort();
}
