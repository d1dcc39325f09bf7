/* SPDX-License-Identifier: MIT */
/*
 * Debug builds (RCUSLOT_DEBUG): the misuses of counted references abort
 * with one line naming the function and the caller's file:line, as the
 * slot misuses do (check_debug.c, whose two-way check this repeats: each
 * misuse must die of SIGABRT, and print exactly the expected line).
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_rcuslot.h"
#include "check_ref.h"

#ifdef RCUSLOT_DEBUG

/* The misuse statement follows AT(run) on the same line. */
#define AT(run)                                                                \
	if (!(run))                                                            \
		return __LINE__;                                               \
	else

static struct rslot *full_slot(void)
{
	static struct rslot s;

	rslot_init(&s, robj_new(1));
	return &s;
}

static int put_fresh(int run)
{
	struct robj *o = run ? robj_new(1) : NULL;

	AT(run) rslot_put(o);
	return 0;
}

/* One put more than the gets: it would free what the slot still holds. */
static int put_too_many(int run)
{
	const struct robj *g = NULL;

	if (run) {
		g = rslot_get(full_slot());
		rslot_put(g);
	}
	AT(run) rslot_put(g);
	return 0;
}

/* A reclaimed object republished holds the slot's reference and the caller's. */
static int put_republished_twice(int run)
{
	struct robj *r = NULL;

	if (run) {
		struct rslot *s = full_slot();
		struct rslot_old old = rslot_replace(s, NULL);

		r = rslot_old_reclaim(&old);
		old = rslot_replace(s, r);
		rslot_put(r);
	}
	AT(run) rslot_put(r);
	return 0;
}

static int ref_get_fresh(int run)
{
	struct robj *o = run ? robj_new(1) : NULL;

	AT(run)(void) rslot_ref_get(o);
	return 0;
}

/* A leak in a loop would take minutes to get there: start near the limit. */
static const struct robj *nearly_full(void)
{
	/* A test's reach into the counter: cast away the const readers get. */
	struct robj *g = (struct robj *)(uintptr_t)rslot_get(full_slot());

	g->ref.rcuslot_priv_count +=
		RCUSLOT_PRIV_REF_MAX - rcuslot_ref_count(&g->ref);
	return g;
}

static int ref_get_overflow(int run)
{
	const struct robj *g = run ? nearly_full() : NULL;

	AT(run)(void) rslot_ref_get(g);
	return 0;
}

static int get_overflow(int run)
{
	struct rslot *s = run ? full_slot() : NULL;

	if (run) {
		struct robj *o = rslot_dereference_protected(s);

		o->ref.rcuslot_priv_count += RCUSLOT_PRIV_REF_MAX - 1;
	}
	AT(run)(void) rslot_put(rslot_get(s));
	return 0;
}

static int get_unregistered(int run)
{
	struct rslot *s = run ? full_slot() : NULL;

	if (run)
		rcuslot_unregister_thread();
	AT(run) rslot_put(rslot_get(s));
	return 0;
}

#define ZERO "called on an object whose reference count is already zero"
#define SLOT_HOLDS                                                             \
	"would free an object while a slot still holds a reference to it "     \
	"(more puts than references taken)"
#define NO_REF                                                                 \
	"called on an object that holds no reference (never published, or "    \
	"already freed)"
#define OVERFLOW                                                               \
	"would overflow the object's reference count (references taken and "   \
	"never put?)"

static const struct misuse {
	int (*fn)(int run);
	const char *what;
	int needs_register;
} misuses[] = {
	{ put_fresh, "rslot_put " ZERO, 0 },
	{ put_too_many, "rslot_put " SLOT_HOLDS, 0 },
	{ put_republished_twice, "rslot_put " SLOT_HOLDS, 0 },
	{ ref_get_fresh, "rslot_ref_get " NO_REF, 0 },
	{ ref_get_overflow, "rslot_ref_get " OVERFLOW, 0 },
	{ get_overflow, "rslot_get " OVERFLOW, 0 },
	{ get_unregistered,
	  "rslot_get called from a thread that is not registered "
	  "(rcuslot_register_thread)",
	  1 },
};

#define NMISUSES ((int)(sizeof(misuses) / sizeof(misuses[0])))

static const struct misuse *checked[NMISUSES];
static int nchecked;

/* Run fn(1) in a child; its stderr, and whether it died of SIGABRT. */
static int run_child(int (*fn)(int run), char *got, size_t size)
{
	int fds[2], status;
	ssize_t n, len = 0;
	pid_t pid;

	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		fn(1);
		_exit(0);
	}
	close(fds[1]);
	while ((n = read(fds[0], got + len, size - 1 - (size_t)len)) > 0)
		len += n;
	got[len] = '\0';
	close(fds[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

START_TEST(test_ref_misuse_aborts)
{
	checked[_i]->fn(1);
}
END_TEST

START_TEST(test_ref_misuse_message)
{
	const struct misuse *m = checked[_i];
	char want[512], got[1024];

	snprintf(want, sizeof(want), "rcuslot: %s (check_ref_debug.c:%d)\n",
		 m->what, m->fn(0));
	ck_assert_msg(run_child(m->fn, got, sizeof(got)),
		      "misuse %d did not abort, stderr: %s", _i, got);
	ck_assert_str_eq(got, want);
}
END_TEST

/*
 * A static slot whose object lacks RCUSLOT_REF_INIT_PUBLISHED: caught when
 * the slot drops the reference it never got, inside the kit's retire path
 * (so the location is the kit's, not checked here).
 */
static int static_without_published(int run)
{
	static struct robj plain = { .ref = RCUSLOT_REF_INIT,
				     .magic = ROBJ_LIVE,
				     .is_static = 1 };
	static struct rslot s = RCU_SLOT_INITIALIZER(&plain);

	if (run)
		rslot_destroy(&s);
	return 0;
}

START_TEST(test_ref_static_without_published)
{
	const char *want = "rcuslot: rslot (retiring an object) dropped a "
			   "slot's reference the "
			   "object does not hold (RCU_SLOT_INITIALIZER needs "
			   "RCUSLOT_REF_INIT_PUBLISHED) (";
	char got[1024];

	ck_assert(run_child(static_without_published, got, sizeof(got)));
	ck_assert_msg(strncmp(got, want, strlen(want)) == 0, "stderr: %s", got);
}
END_TEST

/* Correct use raises nothing: reclaim hands over a reference that put may drop. */
START_TEST(test_ref_correct_use_passes)
{
	struct rslot *s = full_slot();
	const struct robj *g = rslot_get(s);
	struct robj *r;
	struct rslot_old old = rslot_replace(s, robj_new(2));

	r = rslot_old_reclaim(&old);
	rslot_put(g);
	old = rslot_replace(s, r); /* republished: the slot takes its own */
	rslot_put(r);
	rslot_old_defer(&old);
	rslot_destroy(s);
	rcuslot_barrier();
	ck_assert_int_eq(robj_frees, 2);
	ck_assert_int_eq(robj_bad_frees, 0);
}
END_TEST

static void setup(void)
{
	rcu_thread_setup();
	robj_reset_counters();
}

Suite *ref_debug_suite(void)
{
	const char *fork = getenv("CK_FORK");
	TCase *tc;
	Suite *s = rcu_suite("ref-debug-checks", &tc, setup, NULL);

	for (int i = 0; i < NMISUSES; i++)
		if (!misuses[i].needs_register || RCUSLOT_THREADS_MUST_REGISTER)
			checked[nchecked++] = &misuses[i];
	if (!fork || strcmp(fork, "no") != 0)
		tcase_add_loop_test_raise_signal(tc, test_ref_misuse_aborts,
						 SIGABRT, 0, nchecked);
	tcase_add_loop_test(tc, test_ref_misuse_message, 0, nchecked);
	tcase_add_test(tc, test_ref_static_without_published);
	tcase_add_test(tc, test_ref_correct_use_passes);
	return s;
}

#endif /* RCUSLOT_DEBUG */
