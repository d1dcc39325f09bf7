/* SPDX-License-Identifier: MIT */
/**
 * @file rcuslot/debug.h
 * @brief Run-time misuse checks for debug builds (`RCUSLOT_DEBUG`).
 *
 * With `RCUSLOT_DEBUG` defined (`scons debug=1`), every misuse below aborts
 * with one line on stderr naming the function, the slot and the caller's
 * file:line, e.g.
 * `rcuslot: cfg_slot_dereference called outside a read-side critical section (main.c:42)`:
 * - dereference outside a read-side critical section;
 * - anything that waits for a grace period (old_free, old_reclaim, destroy,
 *   rcuslot_synchronize, rcuslot_barrier, a throttled old_defer,
 *   rcuslot_batch_free) inside a read-side critical section, a certain
 *   deadlock;
 * - read lock, dereference or update from a thread that has not called
 *   rcuslot_register_thread() (not checked under bp, which needs none);
 * - an old handle consumed twice, including through a copy of the handle;
 * - rcuslot_read_unlock() without a matching rcuslot_read_lock().
 *
 * The kit keeps its own per-thread nesting count, so the checks mean the
 * same under qsbr (where liburcu's read_ongoing() means "online"). Read
 * sections and registration must go through rcuslot's helpers for the
 * checks to see them.
 *
 * The kit-wide helpers are wrapped by macros that record `__FILE__` and
 * `__LINE__`. The generated functions cannot be (a macro cannot define
 * macros), so in debug builds they are not inlined and find their caller
 * from their return address, turned into file:line by `addr2line` (binutils)
 * when the program has debug information and `_GNU_SOURCE` (for dladdr),
 * or else shown as `binary+0xoffset`, ready for addr2line.
 *
 * Without `RCUSLOT_DEBUG` all of this compiles to nothing.
 */
#ifndef RCUSLOT_DEBUG_H
#define RCUSLOT_DEBUG_H

#include <rcuslot/compiler.h>
#include <rcuslot/flavor.h>

/** @cond RCUSLOT_INTERNAL */
#ifdef RCUSLOT_DEBUG

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__USE_GNU) || defined(_GNU_SOURCE)
#include <dlfcn.h>
#define RCUSLOT_PRIV_HAVE_DLADDR 1
#endif

RCUSLOT_PRIV_BEGIN_DECLS

struct rcuslot_priv_dbg_thread {
	int depth;         /* read-side nesting */
	int registered;
	const char *file;  /* call site left by a wrapper macro, or NULL */
	int line;
};

extern __thread struct rcuslot_priv_dbg_thread rcuslot_priv_dbg_self;
/* NOLINTBEGIN(misc-definitions-in-headers): weak, see RCUSLOT_PRIV_SHARED */
RCUSLOT_PRIV_SHARED __thread struct rcuslot_priv_dbg_thread rcuslot_priv_dbg_self;
/* NOLINTEND(misc-definitions-in-headers) */

/* Where the checked call came from. */
struct rcuslot_priv_dbg_loc {
	const char *file;
	int line;
	const void *ret;
};

/* Objects owned by old handles, so a second consumer is caught. */
#define RCUSLOT_PRIV_DBG_BUCKETS 1024
struct rcuslot_priv_dbg_entry {
	const void *obj;
	struct rcuslot_priv_dbg_entry *next;
};
extern int rcuslot_priv_dbg_lock;
extern struct rcuslot_priv_dbg_entry *rcuslot_priv_dbg_owned[RCUSLOT_PRIV_DBG_BUCKETS];
/* NOLINTBEGIN(misc-definitions-in-headers): weak, see RCUSLOT_PRIV_SHARED */
RCUSLOT_PRIV_SHARED int rcuslot_priv_dbg_lock;
RCUSLOT_PRIV_SHARED struct rcuslot_priv_dbg_entry
	*rcuslot_priv_dbg_owned[RCUSLOT_PRIV_DBG_BUCKETS];
/* NOLINTEND(misc-definitions-in-headers) */

/* A wrapper macro names its call site for the function it calls. */
RCUSLOT_PRIV_FUNC int rcuslot_priv_dbg_site(const char *file, int line)
{
	rcuslot_priv_dbg_self.file = file;
	rcuslot_priv_dbg_self.line = line;
	return 0;
}

RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_enter(struct rcuslot_priv_dbg_loc *loc,
					      const void *ret)
{
	loc->file = rcuslot_priv_dbg_self.file;
	loc->line = rcuslot_priv_dbg_self.line;
	loc->ret = ret;
	rcuslot_priv_dbg_self.file = NULL;
}

/* "file:line" of a code address, from addr2line when it can tell. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_where(const void *ret, char *buf, size_t len)
{
#ifdef RCUSLOT_PRIV_HAVE_DLADDR
	Dl_info info;
	char cmd[4352], line[512];
	const char *bin;
	unsigned long off;
	FILE *p;

	snprintf(buf, len, "%p", ret);
	if (!dladdr(ret, &info) || !info.dli_fbase)
		return;
	/* The return address is past the call: look up the call itself. */
	off = (unsigned long)((uintptr_t)ret - (uintptr_t)info.dli_fbase - 1);
	bin = info.dli_fname && strchr(info.dli_fname, '/') ? info.dli_fname : "/proc/self/exe";
	snprintf(buf, len, "%s+%#lx", strrchr(bin, '/') + 1, off);
	if (strchr(bin, '\'') ||
	    (size_t)snprintf(cmd, sizeof(cmd), "addr2line -e '%s' %#lx 2>/dev/null", bin, off) >=
		    sizeof(cmd))
		return;
	/*
	 * A shell runs addr2line on purpose (debug builds only, on the way to
	 * abort()): the path is single-quoted and one holding a quote refused.
	 */
	p = popen(cmd, "r"); /* NOLINT(cert-env33-c) */
	if (!p)
		return;
	if (fgets(line, sizeof(line), p) && line[0] != '?') {
		char *base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;

		base[strcspn(base, " \n")] = '\0';
		if (strchr(base, ':') && base[strlen(base) - 1] != '?')
			snprintf(buf, len, "%s", base);
	}
	pclose(p);
#else
	snprintf(buf, len, "called from %p; define _GNU_SOURCE for file:line", ret);
#endif
}

RCUSLOT_PRIV_FUNC RCUSLOT_PRIV_COLD __attribute__((noreturn)) void
rcuslot_priv_dbg_fail(const char *fn, const char *what, const struct rcuslot_priv_dbg_loc *loc)
{
	char where[512];

	if (loc->file)
		snprintf(where, sizeof(where), "%s:%d",
			 strrchr(loc->file, '/') ? strrchr(loc->file, '/') + 1 : loc->file, loc->line);
	else
		rcuslot_priv_dbg_where(loc->ret, where, sizeof(where));
	fprintf(stderr, "rcuslot: %s %s (%s)\n", fn, what, where);
	fflush(stderr);
	abort();
}

/* Opens every checked function: where was it called from? */
#define RCUSLOT_PRIV_DBG_ENTER()                                               \
	struct rcuslot_priv_dbg_loc rcuslot_priv_loc;                          \
	rcuslot_priv_dbg_enter(&rcuslot_priv_loc, __builtin_return_address(0))

#define RCUSLOT_PRIV_DBG_READING() (rcuslot_priv_dbg_self.depth > 0)

#define RCUSLOT_PRIV_DBG_NO_WAIT(fn)                                           \
	do {                                                                   \
		if (RCUSLOT_PRIV_DBG_READING())                                \
			rcuslot_priv_dbg_fail(fn, "called inside a read-side critical section " \
					      "(it would wait for itself forever)", \
					      &rcuslot_priv_loc);              \
	} while (0)

#define RCUSLOT_PRIV_DBG_REGISTERED(fn)                                        \
	do {                                                                   \
		if (RCUSLOT_PRIV_NEEDS_REGISTER && !rcuslot_priv_dbg_self.registered) \
			rcuslot_priv_dbg_fail(fn, "called from a thread that is not registered " \
					      "(rcuslot_register_thread)", &rcuslot_priv_loc); \
	} while (0)

#define RCUSLOT_PRIV_DBG_READ_SIDE(fn)                                         \
	do {                                                                   \
		RCUSLOT_PRIV_DBG_REGISTERED(fn);                               \
		if (!RCUSLOT_PRIV_DBG_READING())                               \
			rcuslot_priv_dbg_fail(fn, "called outside a read-side critical section", \
					      &rcuslot_priv_loc);              \
	} while (0)

#define RCUSLOT_PRIV_DBG_LOCKED() (rcuslot_priv_dbg_self.depth++)
#define RCUSLOT_PRIV_DBG_UNLOCKED(fn)                                          \
	do {                                                                   \
		if (rcuslot_priv_dbg_self.depth <= 0)                          \
			rcuslot_priv_dbg_fail(fn, "called without a matching rcuslot_read_lock", \
					      &rcuslot_priv_loc);              \
		rcuslot_priv_dbg_self.depth--;                                 \
	} while (0)
#define RCUSLOT_PRIV_DBG_SET_REGISTERED(on) (rcuslot_priv_dbg_self.registered = (on))

/* A spinlock is plenty for a debug registry, and needs no initializer. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_lock_take(void)
{
	while (uatomic_cmpxchg(&rcuslot_priv_dbg_lock, 0, 1) != 0)
		caa_cpu_relax();
}

/* uatomic_cmpxchg is a full barrier; pair it with one before the release. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_lock_give(void)
{
	cmm_smp_mb();
	uatomic_set(&rcuslot_priv_dbg_lock, 0);
}

RCUSLOT_PRIV_FUNC struct rcuslot_priv_dbg_entry **rcuslot_priv_dbg_bucket(const void *obj)
{
	return &rcuslot_priv_dbg_owned[((uintptr_t)obj >> 4) % RCUSLOT_PRIV_DBG_BUCKETS];
}

/* An old handle now owns obj. */
RCUSLOT_PRIV_FUNC void rcuslot_priv_dbg_own(const void *obj)
{
	struct rcuslot_priv_dbg_entry *e;

	if (!obj)
		return;
	e = (struct rcuslot_priv_dbg_entry *)malloc(sizeof(*e));
	if (!e)
		abort();
	e->obj = obj;
	rcuslot_priv_dbg_lock_take();
	e->next = *rcuslot_priv_dbg_bucket(obj);
	*rcuslot_priv_dbg_bucket(obj) = e;
	rcuslot_priv_dbg_lock_give();
}

/* A handle gives obj up; false if no handle owned it (consumed before). */
RCUSLOT_PRIV_FUNC bool rcuslot_priv_dbg_disown(const void *obj)
{
	struct rcuslot_priv_dbg_entry **pp, *e = NULL;

	rcuslot_priv_dbg_lock_take();
	for (pp = rcuslot_priv_dbg_bucket(obj); *pp; pp = &(*pp)->next) {
		if ((*pp)->obj == obj) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	rcuslot_priv_dbg_lock_give();
	free(e);
	return e != NULL;
}

#define RCUSLOT_PRIV_DBG_OWN(obj) rcuslot_priv_dbg_own(obj)
#define RCUSLOT_PRIV_DBG_CONSUME(fn, obj)                                      \
	do {                                                                   \
		if ((obj) && !rcuslot_priv_dbg_disown(obj))                    \
			rcuslot_priv_dbg_fail(fn, "consumed an old handle that was already consumed " \
					      "(through a copy of it?)", &rcuslot_priv_loc); \
	} while (0)

/* fork(): the child must not inherit the registry's lock held. */
#define RCUSLOT_PRIV_DBG_BEFORE_FORK() rcuslot_priv_dbg_lock_take()
#define RCUSLOT_PRIV_DBG_AFTER_FORK() rcuslot_priv_dbg_lock_give()

RCUSLOT_PRIV_END_DECLS

#else /* !RCUSLOT_DEBUG */

#define RCUSLOT_PRIV_DBG_ENTER() do { } while (0)
#define RCUSLOT_PRIV_DBG_NO_WAIT(fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_REGISTERED(fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_READ_SIDE(fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_LOCKED() do { } while (0)
#define RCUSLOT_PRIV_DBG_UNLOCKED(fn) do { } while (0)
#define RCUSLOT_PRIV_DBG_SET_REGISTERED(on) do { } while (0)
#define RCUSLOT_PRIV_DBG_OWN(obj) do { } while (0)
#define RCUSLOT_PRIV_DBG_CONSUME(fn, obj) do { } while (0)
#define RCUSLOT_PRIV_DBG_BEFORE_FORK() do { } while (0)
#define RCUSLOT_PRIV_DBG_AFTER_FORK() do { } while (0)

#endif /* RCUSLOT_DEBUG */
/** @endcond */

#endif /* RCUSLOT_DEBUG_H */
