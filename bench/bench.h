/* SPDX-License-Identifier: MIT */
/*
 * bench.h: what rcubench.c needs from each implementation it measures, and
 * the helpers the implementations share.
 *
 * Every implementation protects the same 32-byte object, one per slot, and
 * offers the same operations: a read-side section that reads one field, an
 * update that publishes a modified copy (or modifies in place, for the
 * locks), and thread set-up. The read loops are generated from one macro
 * (BENCH_DEFINE_READ_LOOP) so that every implementation runs the same loop
 * around its own read section.
 */
#ifndef BENCH_BENCH_H
#define BENCH_BENCH_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The protected object. */
struct bench_obj {
	long a, b, c, d;
};

/* How an RCU update reclaims the object it replaced. */
enum bench_how {
	BENCH_DEFER,    /* old_defer / call_rcu: free after a grace period, in the worker */
	BENCH_SYNC,     /* old_free / synchronize_rcu + free: wait here */
};

/* What a read loop gets from its thread. */
struct bench_read_ctl {
	const atomic_bool *stop;   /* polled once per batch */
	unsigned batch;            /* reads per poll (and per qsbr quiescent state) */
	uint64_t seed;             /* for random slot indexes */
};

struct bench_impl {
	const char *name;          /* "rcuslot-memb", "rwlock", ... */
	const char *family;        /* "rcuslot", "liburcu", "rwlock", "mutex", "refcount" */
	bool rcu;                  /* grace periods: has sync and deferred reclamation */
	size_t slot_size;          /* bytes per slot, as a user would embed it */
	size_t old_size;           /* bytes of an old handle; 0 if the API has none */
	size_t obj_size;           /* bytes of one allocated object; 0 if not allocated */

	void *(*create)(size_t nslots);
	/* Only after every thread that used the table has stopped. */
	void (*destroy)(void *table, size_t nslots);

	void (*thread_start)(void);     /* register with RCU */
	void (*thread_stop)(void);      /* unregister */
	void (*quiescent)(void);        /* qsbr: announce a quiescent state */
	void (*offline)(void);          /* qsbr: before blocking */
	void (*online)(void);           /* qsbr: after blocking */

	long (*read_once)(void *table, size_t idx);
	/* Read until *ctl->stop; slot 0 if nslots == 1, random slots otherwise. */
	uint64_t (*read_loop)(void *table, size_t nslots,
			      const struct bench_read_ctl *ctl);
	/* One update of slot idx; `how` matters only when rcu is true. */
	void (*update)(void *table, size_t idx, enum bench_how how);
	/* Wait until every deferred free issued so far has run. */
	void (*barrier)(void);
};

/*
 * Allocation accounting (rcubench.c). Objects and rcuslot's call_rcu nodes
 * come from bench_alloc, which counts calls and bytes for the calling
 * thread. bench_retired() counts an object that left its slot and awaits
 * reclamation; bench_obj_free() is the free function that ends the wait.
 */
void *bench_alloc(size_t size);
/*
 * For create(): a zeroed table of n entries, and the initial objects, each
 * starting on its own cache line, so that every implementation's data has
 * the same layout and no measurement depends on where malloc happened to
 * put things. Both are released with free(). Not counted by bench_alloc.
 */
void *bench_table(size_t n, size_t size);
void *bench_line(size_t size);
void bench_retired(void);
void bench_obj_free(void *obj);
/* Keeps a value alive so that the compiler cannot drop the reads. */
void bench_consume(long v);
/* Abort with a message; for failures that invalidate a measurement. */
__attribute__((noreturn, format(printf, 1, 2))) void bench_die(const char *fmt, ...);

/* xorshift64, and a multiply-shift into [0, n) (no division per read). */
static inline size_t bench_pick(uint64_t *x, size_t n)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return (size_t)(((unsigned __int128)*x * n) >> 64);
}

static inline void bench_noop(void)
{
}

/*
 * The read loop every implementation runs, around its own `read_one(table,
 * index)`. `quiescent` runs once per batch of reads (qsbr; a no-op
 * expression for the others), the stop flag is polled once per batch.
 */
#define BENCH_DEFINE_READ_LOOP(fn, read_one, quiescent_stmt)                    \
	static uint64_t fn(void *table, size_t nslots,                         \
			   const struct bench_read_ctl *ctl)                   \
	{                                                                      \
		const unsigned batch = ctl->batch;                             \
		uint64_t n = 0, x = ctl->seed | 1;                             \
		long sink = 0;                                                 \
                                                                               \
		while (!atomic_load_explicit(ctl->stop, memory_order_relaxed)) { \
			if (nslots == 1) {                                     \
				for (unsigned k = 0; k < batch; k++)           \
					sink += read_one(table, 0);            \
			} else {                                               \
				for (unsigned k = 0; k < batch; k++)           \
					sink += read_one(table,                \
							 bench_pick(&x, nslots)); \
			}                                                      \
			n += batch;                                            \
			quiescent_stmt;                                        \
		}                                                              \
		bench_consume(sink);                                           \
		return n;                                                      \
	}

/* Names for the per-flavor implementations: bench_rcuslot_memb, ... */
#define BENCH_CAT2(a, b) a##b
#define BENCH_CAT(a, b) BENCH_CAT2(a, b)
#define BENCH_STR2(x) #x
#define BENCH_STR(x) BENCH_STR2(x)

extern const struct bench_impl bench_rcuslot_memb, bench_rcuslot_qsbr,
	bench_rcuslot_mb, bench_rcuslot_bp, bench_rcuslot_signal;
extern const struct bench_impl bench_liburcu_memb, bench_liburcu_qsbr,
	bench_liburcu_mb, bench_liburcu_bp, bench_liburcu_signal;
extern const struct bench_impl bench_rwlock, bench_mutex, bench_refcount;
extern const struct bench_impl bench_rcuslot_ref; /* impl_ref.c, memb */

/* impl_liburcu.c (memb build): does memb use sys_membarrier here? */
int bench_memb_has_membarrier(void);

#endif /* BENCH_BENCH_H */
